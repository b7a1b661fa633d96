//! The JSON edit module against client-shaped objects: preservation of what it does not
//! model, each recurrence scope (DST, COUNT, all-day, floating, overrides only), refusals.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kairos_ical::edit::{
    Attendee, Document, EditError, EventPatch, Kind, Patch, Target, When, new_object, read,
};
use kairos_ical::{Schedule, TimeRange, ingest};
use proptest::prelude::*;

const APPLE: &str = "edit/apple-weekly-berlin.ics";
const THUNDERBIRD: &str = "edit/thunderbird-daily-count.ics";
const ALL_DAY: &str = "edit/all-day-weekly.ics";
const FLOATING: &str = "edit/floating-daily.ics";
const OVERRIDES_ONLY: &str = "edit/overrides-only.ics";
const ALL: [&str; 5] = [APPLE, THUNDERBIRD, ALL_DAY, FLOATING, OVERRIDES_ONLY];

fn now() -> Timestamp {
    "2026-11-20T08:00:00Z".parse().unwrap()
}

fn doc(path: &str) -> Document {
    Document::parse(&support::fixture(path)).unwrap()
}

/// The logical lines of iCalendar bytes.
fn lines(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8(support::to_lf(bytes)).unwrap();
    text.replace("\n ", "")
        .replace("\n\t", "")
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn text(d: &Document) -> String {
    lines(&d.to_bytes()).join("\n")
}

/// Checks what every output must be: ingestible, CRLF, folded at 75 octets.
fn check_output(d: &Document) -> Vec<u8> {
    let bytes = d.to_bytes();
    ingest(&bytes).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&bytes)));
    let s = std::str::from_utf8(&bytes).unwrap();
    assert!(s.ends_with("\r\n"));
    for physical in s.split("\r\n") {
        assert!(physical.len() <= 75, "{physical:?}");
        assert!(!physical.contains('\n'));
    }
    bytes
}

fn patch(json: &str) -> EventPatch {
    serde_json::from_str(json).unwrap()
}

fn window() -> TimeRange {
    TimeRange::new(
        "2026-01-01T00:00:00Z".parse().unwrap(),
        "2028-01-01T00:00:00Z".parse().unwrap(),
    )
}

/// Instance starts, in `zone` as `YYYY-MM-DD HH:MM`, sorted.
fn starts_in(d: &Document, zone: &str) -> Vec<String> {
    let tz = TimeZone::get(zone).unwrap();
    let s = Schedule::parse(&d.to_bytes()).unwrap();
    let mut out: Vec<String> = s
        .instances(&window(), &TimeZone::UTC, 5_000)
        .instances
        .iter()
        .filter_map(|i| i.start)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .collect();
    out.sort();
    out
}

fn starts(d: &Document) -> Vec<String> {
    starts_in(d, "UTC")
}

/// A split keeps every instance: the old series before, the new one from the split on.
fn assert_partition(before: &[String], old: &Document, new: &Document, at: &str) {
    let (o, n) = (starts(old), starts(new));
    assert!(o.iter().all(|s| s.as_str() < at), "old: {o:?}");
    assert!(n.iter().all(|s| s.as_str() >= at), "new: {n:?}");
    let mut union = [o, n].concat();
    union.sort();
    assert_eq!(union, before);
}

fn prop_line(d: &Document, comp: usize, name: &str) -> Option<String> {
    let t = text(d);
    let comps: Vec<&str> = t.split("BEGIN:VEVENT").skip(1).collect();
    comps
        .get(comp)?
        .lines()
        .find(|l| l.starts_with(&format!("{name}:")) || l.starts_with(&format!("{name};")))
        .map(str::to_owned)
}

#[test]
fn fixtures_round_trip_line_for_line() {
    for path in ALL {
        let input = support::fixture(path);
        ingest(&input).unwrap_or_else(|e| panic!("{path}: {e}"));
        let d = doc(path);
        let out = check_output(&d);
        assert_eq!(lines(&out), lines(&input), "{path}");
        assert_eq!(Document::parse(&out).unwrap(), d);
    }
}

#[test]
fn editing_the_summary_changes_only_its_lines() {
    for path in [APPLE, THUNDERBIRD] {
        let input = lines(&support::fixture(path));
        let mut d = doc(path);
        d.apply(
            Target::Master,
            &patch(r#"{"summary":"Neu, anders"}"#),
            now(),
        )
        .unwrap();
        let output = lines(&check_output(&d));
        assert_eq!(input.len(), output.len(), "{path}");
        let changed: Vec<(&String, &String)> =
            input.iter().zip(&output).filter(|(a, b)| a != b).collect();
        let mut names: Vec<&str> = changed
            .iter()
            .map(|(_, b)| b.split([':', ';']).next().unwrap())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["DTSTAMP", "LAST-MODIFIED", "SUMMARY"], "{path}");
        assert!(output.contains(&"SUMMARY:Neu\\, anders".to_owned()));
        assert!(output.contains(&"DTSTAMP:20261120T080000Z".to_owned()));
    }
}

#[test]
fn attendee_status_keeps_unmodelled_parameters() {
    let mut d = doc(APPLE);
    let mut attendees: Vec<Attendee> = read(&d)[0].attendees.clone();
    attendees[1].status = Some("ACCEPTED".into());
    let p = EventPatch {
        attendees: Patch::Set(attendees),
        ..EventPatch::default()
    };
    d.apply(Target::Master, &p, now()).unwrap();
    check_output(&d);
    let t = text(&d);
    assert!(t.contains(
        "ATTENDEE;CN=Ben;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=TRUE;SCHEDULE-STATUS=1.2:mailto:ben@example.com"
    ));
    assert!(t.contains("ATTENDEE;CN=\"Anna Müller\";CUTYPE=INDIVIDUAL;EMAIL=anna@example.com;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:anna@example.com"));
    assert_eq!(prop_line(&d, 0, "SEQUENCE").as_deref(), Some("SEQUENCE:0"));
}

#[test]
fn split_across_the_end_of_dst_keeps_nine_o_clock_in_both_halves() {
    let original = doc(APPLE);
    let before = starts(&original);
    for rid in [
        "20261026T090000",
        "20261026T080000Z",
        "20261026",
        "2026-10-26T08:00:00Z",
    ] {
        let mut old = original.clone();
        let new = old.split_at(rid, "new-series@example.com", now()).unwrap();
        check_output(&old);
        check_output(&new);
        assert_eq!(
            prop_line(&old, 0, "RRULE").as_deref(),
            Some("RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20261019T070000Z"),
            "the last instance before the split is 09:00 CEST = 07:00Z ({rid})"
        );
        assert_eq!(
            prop_line(&old, 0, "SEQUENCE").as_deref(),
            Some("SEQUENCE:1")
        );
        assert_eq!(
            prop_line(&new, 0, "DTSTART").as_deref(),
            Some("DTSTART;TZID=Europe/Berlin:20261026T090000")
        );
        assert_eq!(
            prop_line(&new, 0, "DTEND").as_deref(),
            Some("DTEND;TZID=Europe/Berlin:20261026T093000")
        );
        assert_eq!(
            prop_line(&new, 0, "RRULE").as_deref(),
            Some("RRULE:FREQ=WEEKLY;BYDAY=MO")
        );
        let all_new = read(&new);
        assert_eq!(all_new.len(), 2, "the 2 November override moved along");
        assert!(all_new.iter().all(|f| f.uid == "new-series@example.com"));
        assert_eq!(
            all_new[1].summary.as_deref(),
            Some("Team stand-up (demo day)")
        );
        assert_eq!(read(&old).len(), 2, "the 12 October override stayed");
        assert_partition(&before, &old, &new, "2026-10-26 08:00");
        let local_old = starts_in(&old, "Europe/Berlin");
        assert_eq!(
            local_old,
            ["2026-10-05 09:00", "2026-10-12 10:00", "2026-10-19 09:00"]
        );
        let local_new = starts_in(&new, "Europe/Berlin");
        assert!(
            local_new.iter().all(|s| s.ends_with("09:00")),
            "{local_new:?}"
        );
        assert_eq!(local_new[0], "2026-10-26 09:00");
        // The new series' shell keeps the calendar properties and the VTIMEZONE.
        let t = text(&new);
        assert!(t.starts_with("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Apple Inc.//macOS 15.1//EN\nCALSCALE:GREGORIAN\nBEGIN:VTIMEZONE"));
        assert!(t.contains("X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=\"Hauptstraße 1, 10115 Berlin, Deutschland\""));
    }
}

#[test]
fn count_series_split_and_truncate() {
    let original = doc(THUNDERBIRD);
    let before = starts(&original);
    assert_eq!(before.len(), 9, "ten by COUNT, one excluded");
    let mut old = original.clone();
    let new = old.split_at("20260328T090000", "tb-2", now()).unwrap();
    check_output(&old);
    check_output(&new);
    assert_eq!(
        prop_line(&old, 0, "RRULE").as_deref(),
        Some("RRULE:FREQ=DAILY;COUNT=3"),
        "the excluded 26 March still counts"
    );
    assert_eq!(
        prop_line(&new, 0, "RRULE").as_deref(),
        Some("RRULE:FREQ=DAILY;COUNT=7")
    );
    assert_eq!(prop_line(&new, 0, "EXDATE"), None);
    assert!(prop_line(&old, 0, "EXDATE").is_some());
    assert_partition(&before, &old, &new, "2026-03-28 08:00");
    let local_new = starts_in(&new, "Europe/Berlin");
    assert_eq!(
        local_new.first().map(String::as_str),
        Some("2026-03-28 09:00")
    );
    assert!(
        local_new.contains(&"2026-03-31 14:00".to_owned()),
        "override moved"
    );
    assert!(
        local_new.contains(&"2026-03-30 09:00".to_owned()),
        "after DST: 09:00 CEST"
    );
    let t_old = text(&old);
    assert!(
        t_old
            .contains("BEGIN:X-VENDOR-BLOB\nX-DATA:opaque; with: anything=here\nEND:X-VENDOR-BLOB")
    );
    assert!(!text(&new).contains("X-VENDOR-BLOB"));
    for kept in [
        "DRESSCODE:CASUAL",
        "X-MOZ-GENERATION:3",
        "BEGIN:X-EXTRA",
        "X-LIC-LOCATION:Europe/Berlin",
    ] {
        assert!(t_old.contains(kept) && text(&new).contains(kept), "{kept}");
    }

    let mut cut = original.clone();
    cut.truncate_at("20260328T080000Z", now()).unwrap();
    check_output(&cut);
    assert_eq!(
        prop_line(&cut, 0, "RRULE").as_deref(),
        Some("RRULE:FREQ=DAILY;COUNT=3")
    );
    assert_eq!(read(&cut).len(), 1, "the override after the cut is gone");
    let kept: Vec<String> = before
        .iter()
        .filter(|s| s.as_str() < "2026-03-28 08:00")
        .cloned()
        .collect();
    assert_eq!(starts(&cut), kept);
}

#[test]
fn all_day_series_split_uses_date_until() {
    let original = doc(ALL_DAY);
    let before = starts(&original);
    let mut old = original.clone();
    let new = old.split_at("20270105", "allday-2", now()).unwrap();
    check_output(&old);
    check_output(&new);
    assert_eq!(
        prop_line(&old, 0, "RRULE").as_deref(),
        Some("RRULE:FREQ=WEEKLY;UNTIL=20261229")
    );
    assert_eq!(
        prop_line(&new, 0, "RRULE").as_deref(),
        Some("RRULE:FREQ=WEEKLY;UNTIL=20270301")
    );
    assert_eq!(
        prop_line(&new, 0, "DTSTART").as_deref(),
        Some("DTSTART;VALUE=DATE:20270105")
    );
    assert_eq!(
        prop_line(&new, 0, "DTEND").as_deref(),
        Some("DTEND;VALUE=DATE:20270106")
    );
    assert_eq!(
        prop_line(&new, 0, "X-CUSTOM").as_deref(),
        Some("X-CUSTOM;X-P=\"a;b\":kept")
    );
    assert_eq!(read(&new).len(), 2);
    assert_partition(&before, &old, &new, "2027-01-05 00:00");
}

#[test]
fn floating_series_split_uses_floating_until() {
    let original = doc(FLOATING);
    let before = starts(&original);
    let mut old = original.clone();
    let new = old.split_at("20261207T073000", "float-2", now()).unwrap();
    check_output(&old);
    check_output(&new);
    assert_eq!(
        prop_line(&old, 0, "RRULE").as_deref(),
        Some("RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20261205T073000")
    );
    assert_eq!(
        prop_line(&new, 0, "DTSTART").as_deref(),
        Some("DTSTART:20261207T073000")
    );
    assert_eq!(
        prop_line(&new, 0, "DURATION").as_deref(),
        Some("DURATION:PT45M")
    );
    assert_partition(&before, &old, &new, "2026-12-07 07:30");
    assert!(matches!(
        old.clone().split_at("20261208T073000", "x", now()),
        Err(EditError::NoSuchInstance(_))
    ));
}

#[test]
fn this_instance_makes_a_full_override() {
    let mut d = doc(APPLE);
    let p = patch(
        r#"{"start":{"date_time":"2026-10-19T11:00:00","time_zone":"Europe/Berlin"},
            "end":{"date_time":"2026-10-19T11:30:00","time_zone":"Europe/Berlin"},
            "summary":"Moved"}"#,
    );
    d.edit_instance("20261019", &p, now()).unwrap();
    check_output(&d);
    let all = read(&d);
    assert_eq!(all.len(), 4);
    let o = all
        .iter()
        .find(|f| f.summary.as_deref() == Some("Moved"))
        .unwrap();
    assert_eq!(
        o.recurrence_id,
        Some(When {
            date_time: Some("2026-10-19T09:00:00".into()),
            time_zone: Some("Europe/Berlin".into()),
            date: None
        })
    );
    assert!(o.recurrence.is_empty());
    assert_eq!(o.sequence, 1);
    assert_eq!(o.alarms.len(), 1);
    assert_eq!(o.attendees.len(), 2);
    let t = text(&d);
    assert_eq!(t.matches("X-APPLE-STRUCTURED-LOCATION").count(), 2);
    assert_eq!(t.matches("ACTION:NONE").count(), 2);
    let local = starts_in(&d, "Europe/Berlin");
    assert!(local.contains(&"2026-10-19 11:00".to_owned()));
    assert!(!local.contains(&"2026-10-19 09:00".to_owned()));

    // A second edit of the same instance patches that override.
    d.edit_instance("20261019T070000Z", &patch(r#"{"location":null}"#), now())
        .unwrap();
    assert_eq!(read(&d).len(), 4);
    assert_eq!(read(&d)[3].location, None);

    // An existing override: only its lines change.
    let mut e = doc(APPLE);
    let input = lines(&support::fixture(APPLE));
    e.apply(
        Target::Instance("20261012T090000".into()),
        &patch(r#"{"summary":"Late"}"#),
        now(),
    )
    .unwrap();
    let output = lines(&check_output(&e));
    let changed = input.iter().zip(&output).filter(|(a, b)| a != b).count();
    assert_eq!(input.len() + 1, output.len(), "LAST-MODIFIED is added");
    assert!(changed >= 2);
    assert_eq!(read(&e)[1].summary.as_deref(), Some("Late"));
    assert_eq!(read(&e)[0].summary.as_deref(), Some("Team stand-up"));
}

#[test]
fn deleting_one_instance() {
    let mut d = doc(APPLE);
    d.delete_instance("20261026T080000Z", now()).unwrap();
    check_output(&d);
    assert_eq!(
        prop_line(&d, 0, "EXDATE").as_deref(),
        Some("EXDATE;TZID=Europe/Berlin:20261026T090000")
    );
    assert!(!starts_in(&d, "Europe/Berlin").contains(&"2026-10-26 09:00".to_owned()));
    d.delete_instance("20261102T090000", now()).unwrap();
    check_output(&d);
    assert_eq!(read(&d).len(), 2, "the override went");
    assert!(!starts_in(&d, "Europe/Berlin").contains(&"2026-11-02 09:00".to_owned()));
    assert!(matches!(
        d.delete_instance("20261102T090000", now()),
        Err(EditError::NoSuchInstance(_))
    ));
}

#[test]
fn moving_the_whole_series_moves_what_names_instances() {
    let mut d = doc(APPLE);
    d.delete_instance("20261019T090000", now()).unwrap();
    let count = starts(&d).len();
    let p = patch(
        r#"{"start":{"date_time":"2026-10-05T10:00:00","time_zone":"Europe/Berlin"},
            "end":{"date_time":"2026-10-05T10:30:00","time_zone":"Europe/Berlin"}}"#,
    );
    d.apply(Target::Master, &p, now()).unwrap();
    check_output(&d);
    let all = read(&d);
    assert_eq!(all[0].sequence, 2);
    assert!(
        all[0]
            .recurrence
            .contains(&"EXDATE;TZID=Europe/Berlin:20261019T100000".to_owned())
    );
    let rid = |i: usize| all[i].recurrence_id.clone().unwrap().date_time.unwrap();
    assert_eq!(rid(1), "2026-10-12T10:00:00");
    assert_eq!(rid(2), "2026-11-02T10:00:00");
    assert_eq!(
        all[2].start.clone().unwrap().date_time.as_deref(),
        Some("2026-11-02T10:00:00"),
        "an override at its own slot follows the series"
    );
    assert_eq!(
        all[2].end.clone().unwrap().date_time.as_deref(),
        Some("2026-11-02T10:30:00")
    );
    assert_eq!(
        starts(&d).len(),
        count,
        "no orphaned override, no revived EXDATE"
    );
    let local = starts_in(&d, "Europe/Berlin");
    assert!(!local.contains(&"2026-10-19 10:00".to_owned()));
    assert!(local.iter().all(|s| s.ends_with("10:00")), "{local:?}");
}

#[test]
fn objects_with_overrides_only() {
    let original = doc(OVERRIDES_ONLY);
    let mut d = original.clone();
    d.apply(
        Target::Instance("20261210T100000Z".into()),
        &patch(r#"{"summary":"Mine"}"#),
        now(),
    )
    .unwrap();
    check_output(&d);
    assert_eq!(read(&d)[1].summary.as_deref(), Some("Mine"));
    assert_eq!(read(&d)[0].summary.as_deref(), Some("Planning (instance)"));
    assert!(matches!(
        d.apply(Target::Master, &patch(r#"{"summary":"x"}"#), now()),
        Err(EditError::NoMaster)
    ));
    assert!(matches!(
        d.edit_instance("20261217T100000Z", &EventPatch::default(), now()),
        Err(EditError::NoSuchInstance(_))
    ));

    let mut old = original.clone();
    let new = old.split_at("20261210T100000Z", "g-2", now()).unwrap();
    check_output(&old);
    check_output(&new);
    assert_eq!(read(&new)[0].uid, "g-2");
    assert_eq!(read(&old).len(), 1);
    assert!(matches!(
        original.clone().split_at("20261203T100000Z", "g-2", now()),
        Err(EditError::FirstInstance(_))
    ));

    let mut del = original.clone();
    del.delete_instance("20261203", now()).unwrap();
    check_output(&del);
    assert_eq!(read(&del).len(), 1);
    assert_eq!(
        del.delete_instance("20261210T100000Z", now()),
        Err(EditError::WouldBeEmpty)
    );
}

#[test]
fn refusals_leave_the_document_alone() {
    let original = doc(APPLE);
    let field = |target: Target, json: &str| {
        let mut d = original.clone();
        let err = d.apply(target, &patch(json), now()).unwrap_err();
        assert_eq!(d, original, "{json}");
        match err {
            EditError::Field { field, .. } => field,
            other => panic!("{json}: {other:?}"),
        }
    };
    let end = r#"{"end":{"date_time":"2026-10-05T08:00:00","time_zone":"Europe/Berlin"}}"#;
    assert_eq!(field(Target::Master, end), "end");
    assert_eq!(
        field(
            Target::Master,
            r#"{"start":{"date_time":"2026-10-05T08:00:00","time_zone":"Moon/Tranquility"}}"#
        ),
        "start"
    );
    assert_eq!(
        field(Target::Master, r#"{"end":{"date":"2026-10-06"}}"#),
        "end"
    );
    assert_eq!(
        field(
            Target::Master,
            r#"{"recurrence":["RRULE:FREQ=WEEKLY;BYDAY=XX"]}"#
        ),
        "recurrence[0]"
    );
    assert_eq!(
        field(
            Target::Instance("20261019T090000".into()),
            r#"{"recurrence":["RRULE:FREQ=DAILY"]}"#
        ),
        "recurrence"
    );
    assert_eq!(
        field(
            Target::Master,
            r#"{"alarms":[{"action":"display","trigger":{"duration":"soon"}}]}"#
        ),
        "alarms[0].trigger.duration"
    );

    let mut d = original.clone();
    assert!(matches!(
        d.split_at("20261005T090000", "x", now()),
        Err(EditError::FirstInstance(_))
    ));
    assert!(matches!(
        d.truncate_at("20261005T070000Z", now()),
        Err(EditError::FirstInstance(_))
    ));
    assert!(matches!(
        d.split_at("20261027T090000", "x", now()),
        Err(EditError::NoSuchInstance(_))
    ));
    assert!(matches!(
        d.split_at("next monday", "x", now()),
        Err(EditError::BadRecurrenceId(_))
    ));
    assert_eq!(d, original);

    let single = new_object(
        Kind::Event,
        "one",
        &patch(r#"{"start":{"date":"2026-12-24"}}"#),
        now(),
    )
    .unwrap();
    assert_eq!(
        single.clone().delete_instance("20261224", now()),
        Err(EditError::NotRecurring)
    );
}

#[test]
fn new_objects_read_back() {
    let fields = patch(
        r#"{"summary":"Release","start":{"date":"2026-12-24"},"end":{"date":"2026-12-25"},
            "categories":["work","ship it"],"transparency":"transparent",
            "alarms":[{"action":"display","trigger":{"duration":"-P1D"}}],
            "organizer":{"email":"me@example.com","name":"Me"},
            "attendees":[{"email":"you@example.com","status":"NEEDS-ACTION","rsvp":true}],
            "recurrence":["RRULE:FREQ=YEARLY"]}"#,
    );
    let d = new_object(Kind::Event, "rel-1", &fields, now()).unwrap();
    check_output(&d);
    let f = &read(&d)[0];
    assert_eq!(f.kind, Kind::Event);
    assert_eq!(f.categories, ["work", "ship it"]);
    assert_eq!(f.alarms[0].description.as_deref(), Some("Release"));
    assert_eq!(f.attendees[0].email, "you@example.com");
    assert_eq!(f.recurrence, ["RRULE:FREQ=YEARLY"]);
    let mut d2 = d.clone();
    d2.split_at("20271224", "rel-2", now()).unwrap();
    check_output(&d2);
    assert_eq!(
        prop_line(&d2, 0, "RRULE").as_deref(),
        Some("RRULE:FREQ=YEARLY;UNTIL=20261224")
    );
}

/// A property line from pieces the strategy picks.
fn prop_strategy() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("X-A".to_owned()),
        Just("X-LONG-NAME".to_owned()),
        Just("DESCRIPTION".to_owned()),
        Just("COMMENT".to_owned())
    ];
    let param = proptest::option::of("[A-Za-z0-9 éü日本.:;,]{0,20}");
    let value = "[A-Za-z0-9 éü日本ελ\\\\;:,\"'^-]{0,160}";
    (name, param, value).prop_map(|(n, p, v)| match p {
        Some(p) => format!("{n};X-P=\"{p}\":{v}"),
        None => format!("{n}:{v}"),
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn parse_to_bytes_parse_is_stable(props in proptest::collection::vec(prop_strategy(), 0..8)) {
        let body = props.join("\n");
        let src = format!(
            "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//p//EN\nBEGIN:VEVENT\nUID:p\nDTSTAMP:20260101T000000Z\nDTSTART:20260101T100000Z\n{body}\nEND:VEVENT\nEND:VCALENDAR\n"
        );
        let d = Document::parse(src.as_bytes()).unwrap();
        let once = d.to_bytes();
        let again = Document::parse(&once).unwrap();
        prop_assert_eq!(&again, &d);
        prop_assert_eq!(again.to_bytes(), once.clone());
        prop_assert_eq!(lines(&once), lines(src.as_bytes()));
        prop_assert!(ingest(&once).is_ok());
    }

    #[test]
    fn splitting_keeps_every_instance(
        zone in prop_oneof![
            Just("TZID=Europe/Berlin"),
            Just("TZID=America/New_York"),
            Just("UTC"),
            Just("floating"),
            Just("date")
        ],
        weekly in any::<bool>(),
        count in proptest::option::of(3u32..30),
        at in 1usize..20,
    ) {
        let (dtstart, dtend) = match zone {
            "UTC" => ("DTSTART:20261020T090000Z".to_owned(), "DTEND:20261020T100000Z".to_owned()),
            "floating" => ("DTSTART:20261020T090000".to_owned(), "DTEND:20261020T100000".to_owned()),
            "date" => ("DTSTART;VALUE=DATE:20261020".to_owned(), "DTEND;VALUE=DATE:20261021".to_owned()),
            tz => (format!("DTSTART;{tz}:20261020T090000"), format!("DTEND;{tz}:20261020T100000")),
        };
        let freq = if weekly { "WEEKLY" } else { "DAILY" };
        let bound = count.map_or(String::new(), |c| format!(";COUNT={c}"));
        let src = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//p//EN\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTAMP:20260101T000000Z\r\n{dtstart}\r\n{dtend}\r\nRRULE:FREQ={freq}{bound}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let original = Document::parse(src.as_bytes()).unwrap();
        let before = starts(&original);
        prop_assume!(at < before.len());
        let rid_civil = &before[at];
        let rid = format!("{}Z", rid_civil.replace(['-', ':'], "").replace(' ', "T") + "00");
        let mut old = original.clone();
        let new = old.split_at(&rid, "s2", now()).unwrap();
        check_output(&old);
        check_output(&new);
        assert_partition(&before, &old, &new, rid_civil);
    }
}

#[test]
fn tasks_and_journals() {
    let fields = patch(
        r#"{"summary":"Steuer","due":{"date_time":"2026-12-31T18:00:00","time_zone":"Europe/Berlin"},
            "status":"needs-action","percent_complete":0}"#,
    );
    let mut t = new_object(Kind::Task, "task-1", &fields, now()).unwrap();
    check_output(&t);
    t.apply(
        Target::Master,
        &patch(
            r#"{"status":"COMPLETED","percent_complete":100,"completed":"2026-12-30T10:00:00Z"}"#,
        ),
        now(),
    )
    .unwrap();
    check_output(&t);
    let f = &read(&t)[0];
    assert_eq!(f.kind, Kind::Task);
    assert_eq!(f.completed.as_deref(), Some("2026-12-30T10:00:00Z"));
    assert_eq!(f.percent_complete, Some(100));
    assert_eq!(
        f.due.as_ref().unwrap().time_zone.as_deref(),
        Some("Europe/Berlin")
    );
    assert_eq!(f.sequence, 0, "no time changed");
    let err = t.apply(
        Target::Master,
        &patch(r#"{"end":{"date":"2027-01-01"}}"#),
        now(),
    );
    assert!(matches!(err, Err(EditError::Field { field, .. }) if field == "end"));

    let mut j = new_object(
        Kind::Journal,
        "j-1",
        &patch(
            r#"{"summary":"Notes","start":{"date":"2026-12-03"},"description":"line 1\nline 2"}"#,
        ),
        now(),
    )
    .unwrap();
    check_output(&j);
    assert_eq!(read(&j)[0].description.as_deref(), Some("line 1\nline 2"));
    let err = j.apply(Target::Master, &patch(r#"{"alarms":[]}"#), now());
    assert!(matches!(err, Err(EditError::Field { field, .. }) if field == "alarms"));
}
