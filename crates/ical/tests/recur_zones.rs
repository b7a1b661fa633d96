//! Time zones: DST gaps and folds (RFC 5545 §3.3.5) in IANA zones, a Windows-named TZID,
//! custom VTIMEZONEs that match no IANA zone, floating and all-day values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "recur_helpers.rs"]
mod helpers;

use helpers::{calendar, expand, range, schedule, single, utc, utc_starts};
use jiff::tz::TimeZone;

fn starts_utc(props: &str, window: (&str, &str)) -> Vec<String> {
    let s = schedule(&single("VEVENT", props));
    utc_starts(&expand(&s, &range(window.0, window.1)))
}

#[test]
fn new_york_gap_moves_forward_and_later_instances_keep_local_time() {
    // 2024-03-10 02:30 does not exist in New York: it becomes 03:30 EDT.
    let got = starts_utc(
        "DTSTART;TZID=America/New_York:20240308T023000\nRRULE:FREQ=DAILY;COUNT=4",
        ("20240301T000000Z", "20240401T000000Z"),
    );
    assert_eq!(
        got,
        [
            "20240308T073000Z",
            "20240309T073000Z",
            "20240310T073000Z",
            "20240311T063000Z"
        ]
    );
}

#[test]
fn new_york_fold_takes_the_first_occurrence() {
    let got = starts_utc(
        "DTSTART;TZID=America/New_York:20241102T013000\nRRULE:FREQ=DAILY;COUNT=3",
        ("20241101T000000Z", "20241201T000000Z"),
    );
    assert_eq!(
        got,
        ["20241102T053000Z", "20241103T053000Z", "20241104T063000Z"]
    );
}

#[test]
fn weekly_instances_keep_nine_o_clock_across_the_autumn_change() {
    let got = starts_utc(
        "DTSTART;TZID=America/New_York:20241031T090000\nRRULE:FREQ=WEEKLY;COUNT=2",
        ("20241001T000000Z", "20241201T000000Z"),
    );
    assert_eq!(got, ["20241031T130000Z", "20241107T140000Z"]);
}

#[test]
fn london_gap_and_fold() {
    let gap = starts_utc(
        "DTSTART;TZID=Europe/London:20240331T013000",
        ("20240301T000000Z", "20240401T000000Z"),
    );
    assert_eq!(gap, ["20240331T013000Z"]);
    let fold = starts_utc(
        "DTSTART;TZID=Europe/London:20241027T013000",
        ("20241001T000000Z", "20241101T000000Z"),
    );
    assert_eq!(fold, ["20241027T003000Z"]);
}

#[test]
fn lord_howe_half_hour_gap_and_fold() {
    // DST starts 2024-10-06 02:00 (+10:30 -> +11:00): 02:15 becomes 02:45 +11:00.
    let gap = starts_utc(
        "DTSTART;TZID=Australia/Lord_Howe:20241006T021500",
        ("20241001T000000Z", "20241101T000000Z"),
    );
    assert_eq!(gap, ["20241005T154500Z"]);
    // DST ends 2024-04-07 02:00 (+11:00 -> +10:30): 01:45 occurs twice, first at +11:00.
    let fold = starts_utc(
        "DTSTART;TZID=Australia/Lord_Howe:20240407T014500",
        ("20240401T000000Z", "20240501T000000Z"),
    );
    assert_eq!(fold, ["20240406T144500Z"]);
    // A weekly rule crossing the April change keeps its wall-clock time.
    let weekly = starts_utc(
        "DTSTART;TZID=Australia/Lord_Howe:20240331T120000\nRRULE:FREQ=WEEKLY;COUNT=2",
        ("20240301T000000Z", "20240501T000000Z"),
    );
    assert_eq!(weekly, ["20240331T010000Z", "20240407T013000Z"]);
}

#[test]
fn dtend_across_a_transition_is_exact() {
    let s = schedule(&single(
        "VEVENT",
        "DTSTART;TZID=America/New_York:20240310T010000\nDTEND;TZID=America/New_York:20240310T040000",
    ));
    let e = expand(&s, &range("20240301T000000Z", "20240401T000000Z"));
    let i = &e.instances[0];
    assert_eq!(i.start, Some(utc("20240310T060000Z")));
    assert_eq!(i.end, Some(utc("20240310T080000Z")));
}

#[test]
fn nominal_day_duration_follows_the_wall_clock() {
    let end_of = |dur: &str| {
        let s = schedule(&single(
            "VEVENT",
            &format!("DTSTART;TZID=America/New_York:20240309T120000\nDURATION:{dur}"),
        ));
        expand(&s, &range("20240301T000000Z", "20240401T000000Z")).instances[0].end
    };
    assert_eq!(end_of("P1D"), Some(utc("20240310T160000Z")));
    assert_eq!(end_of("PT24H"), Some(utc("20240310T170000Z")));
}

#[test]
fn recurring_dtend_gives_every_instance_the_same_exact_length() {
    // RFC 5545 §3.8.5.3: DTEND gives an exact duration (here 24 h) to all instances.
    let s = schedule(&single(
        "VEVENT",
        "DTSTART;TZID=America/New_York:20240309T000000\nDTEND;TZID=America/New_York:20240310T000000\nRRULE:FREQ=DAILY;COUNT=2",
    ));
    let e = expand(&s, &range("20240301T000000Z", "20240401T000000Z"));
    let second = &e.instances[1];
    assert_eq!(second.start, Some(utc("20240310T050000Z")));
    assert_eq!(second.end, Some(utc("20240311T050000Z")));
}

#[test]
fn all_day_events_are_floating_days() {
    let s = schedule(&single("VEVENT", "DTSTART;VALUE=DATE:20240310"));
    assert!(s.has_floating());
    let ny = TimeZone::get("America/New_York").unwrap();
    let e = s.instances(&range("20240301T000000Z", "20240401T000000Z"), &ny, 10);
    let i = &e.instances[0];
    assert!(i.all_day && i.floating);
    assert_eq!(i.start, Some(utc("20240310T050000Z")));
    // The DST day is 23 hours long; the event still ends at the next midnight.
    assert_eq!(i.end, Some(utc("20240311T040000Z")));
    // In UTC the same event is another interval.
    let e = s.instances(
        &range("20240301T000000Z", "20240401T000000Z"),
        &TimeZone::UTC,
        10,
    );
    assert_eq!(e.instances[0].start, Some(utc("20240310T000000Z")));
    assert_eq!(e.instances[0].end, Some(utc("20240311T000000Z")));
}

#[test]
fn recurring_all_day_events_with_dtend() {
    let s = schedule(&single(
        "VEVENT",
        "DTSTART;VALUE=DATE:20240308\nDTEND;VALUE=DATE:20240310\nRRULE:FREQ=WEEKLY;COUNT=2",
    ));
    let e = expand(&s, &range("20240301T000000Z", "20240401T000000Z"));
    let ends: Vec<_> = e.instances.iter().map(|i| i.end.unwrap()).collect();
    assert_eq!(ends, [utc("20240310T000000Z"), utc("20240317T000000Z")]);
}

#[test]
fn floating_times_use_the_callers_zone() {
    let s = schedule(&single("VEVENT", "DTSTART:20240101T090000\nDURATION:PT1H"));
    assert!(s.has_floating());
    let w = range("20231201T000000Z", "20240201T000000Z");
    let ny = TimeZone::get("America/New_York").unwrap();
    assert_eq!(
        s.instances(&w, &ny, 10).instances[0].start,
        Some(utc("20240101T140000Z"))
    );
    assert_eq!(
        s.instances(&w, &TimeZone::UTC, 10).instances[0].start,
        Some(utc("20240101T090000Z"))
    );
}

#[test]
fn windows_zone_names_map_to_iana() {
    let got = starts_utc(
        "DTSTART;TZID=Eastern Standard Time:20240701T090000",
        ("20240601T000000Z", "20240801T000000Z"),
    );
    assert_eq!(got, ["20240701T130000Z"]);
    let got = starts_utc(
        "DTSTART;TZID=W. Europe Standard Time:20240101T090000",
        ("20231201T000000Z", "20240201T000000Z"),
    );
    assert_eq!(got, ["20240101T080000Z"]);
}

#[test]
fn unknown_tzid_without_vtimezone_is_floating() {
    let s = schedule(&single(
        "VEVENT",
        "DTSTART;TZID=Nowhere/Atlantis:20240101T090000",
    ));
    assert!(s.has_floating());
    let e = expand(&s, &range("20231201T000000Z", "20240201T000000Z"));
    assert_eq!(e.instances[0].start, Some(utc("20240101T090000Z")));
}

/// A zone no IANA zone matches: +03:17 standard, +04:47 daylight (a 90-minute shift),
/// daylight from the second Sunday of March 02:00, standard from the last Sunday of
/// October 03:00.
const MARS: &str = "BEGIN:VTIMEZONE
TZID:Custom/Mars
BEGIN:DAYLIGHT
DTSTART:20000312T020000
TZOFFSETFROM:+0317
TZOFFSETTO:+0447
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZNAME:MDT
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20001029T030000
TZOFFSETFROM:+0447
TZOFFSETTO:+0317
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZNAME:MST
END:STANDARD
END:VTIMEZONE";

fn mars(props: &str, window: (&str, &str)) -> Vec<String> {
    let body = format!(
        "{MARS}\nBEGIN:VEVENT\nUID:mars@kairos\nDTSTAMP:20240101T000000Z\n{props}\nEND:VEVENT"
    );
    let s = schedule(&calendar(&body));
    assert!(!s.has_floating());
    utc_starts(&expand(&s, &range(window.0, window.1)))
}

#[test]
fn custom_vtimezone_offsets_gap_and_fold() {
    let w = ("20240101T000000Z", "20250101T000000Z");
    assert_eq!(
        mars("DTSTART;TZID=Custom/Mars:20240115T120000", w),
        ["20240115T084300Z"]
    );
    assert_eq!(
        mars("DTSTART;TZID=Custom/Mars:20240601T120000", w),
        ["20240601T071300Z"]
    );
    // 2024-03-10 02:30 is in the 90-minute gap: it moves to 04:00 +04:47.
    assert_eq!(
        mars("DTSTART;TZID=Custom/Mars:20240310T023000", w),
        ["20240309T231300Z"]
    );
    // 2024-10-27 02:00 occurs twice (03:00 daylight falls back to 01:30): first at +04:47.
    assert_eq!(
        mars("DTSTART;TZID=Custom/Mars:20241027T020000", w),
        ["20241026T211300Z"]
    );
}

#[test]
fn custom_vtimezone_recurring_across_transitions() {
    let got = mars(
        "DTSTART;TZID=Custom/Mars:20240303T120000\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3",
        ("20240101T000000Z", "20250101T000000Z"),
    );
    assert_eq!(
        got,
        ["20240303T084300Z", "20240310T071300Z", "20240317T071300Z"]
    );
}

#[test]
fn vtimezone_wins_over_the_iana_zone_of_the_same_name() {
    // A VTIMEZONE called Europe/Berlin without DST: its rules, not the tzdb's, apply.
    let body = "BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19700101T000000
TZOFFSETFROM:+0100
TZOFFSETTO:+0100
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:b@kairos
DTSTAMP:20240101T000000Z
DTSTART;TZID=Europe/Berlin:20240701T120000
END:VEVENT";
    let s = schedule(&calendar(body));
    let e = expand(&s, &range("20240601T000000Z", "20240801T000000Z"));
    assert_eq!(utc_starts(&e), ["20240701T110000Z"]);
}

#[test]
fn outlook_style_vtimezone_from_1601() {
    let body = "BEGIN:VTIMEZONE
TZID:W. Europe Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:o@kairos
DTSTAMP:20240101T000000Z
DTSTART;TZID=W. Europe Standard Time:20240701T100000
RRULE:FREQ=MONTHLY;COUNT=6
END:VEVENT";
    let s = schedule(&calendar(body));
    let e = expand(&s, &range("20240601T000000Z", "20250101T000000Z"));
    assert_eq!(
        utc_starts(&e),
        [
            "20240701T080000Z",
            "20240801T080000Z",
            "20240901T080000Z",
            "20241001T080000Z",
            "20241101T090000Z",
            "20241201T090000Z"
        ]
    );
}
