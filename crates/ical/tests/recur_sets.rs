//! Recurrence sets: RDATE (with PERIOD), EXDATE, overrides (moved, cancelled, without a
//! master), RANGE=THISANDFUTURE, COUNT/UNTIL forms, bounded expansion and bounds().
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "recur_helpers.rs"]
mod helpers;

use std::time::{Duration, Instant};

use helpers::{calendar, expand, range, schedule, single, utc, utc_starts};
use jiff::tz::TimeZone;
use kairos_ical::{Bounds, TimeRange};

const YEAR_2024: (&str, &str) = ("20240101T000000Z", "20250101T000000Z");

fn all_2024(bytes: &[u8]) -> Vec<String> {
    utc_starts(&expand(&schedule(bytes), &range(YEAR_2024.0, YEAR_2024.1)))
}

#[test]
fn rdate_periods_carry_their_own_length() {
    let s = schedule(&single(
        "VEVENT",
        "DTSTART:20240101T090000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=2\nRDATE;VALUE=PERIOD:20240105T100000Z/20240105T120000Z,20240106T100000Z/PT30M\nRDATE:20240107T090000Z",
    ));
    let e = expand(&s, &range(YEAR_2024.0, YEAR_2024.1));
    let got: Vec<_> = e
        .instances
        .iter()
        .map(|i| (i.start.unwrap(), i.end.unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (utc("20240101T090000Z"), utc("20240101T100000Z")),
            (utc("20240102T090000Z"), utc("20240102T100000Z")),
            (utc("20240105T100000Z"), utc("20240105T120000Z")),
            (utc("20240106T100000Z"), utc("20240106T103000Z")),
            (utc("20240107T090000Z"), utc("20240107T100000Z")),
        ]
    );
    assert!(e.instances.iter().all(|i| i.recurrence_id == i.start));
}

/// Found by the recurring-ical-events oracle: an RDATE equal to a rule instance (here in
/// Europe/London) gave that instance twice.
#[test]
fn an_rdate_equal_to_a_rule_instance_is_one_instance() {
    let got = all_2024(&single(
        "VEVENT",
        "DTSTART;TZID=Europe/London:20240101T050000\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=3\nRDATE;TZID=Europe/London:20240102T050000\nRDATE:20240101T050000Z",
    ));
    assert_eq!(
        got,
        ["20240101T050000Z", "20240102T050000Z", "20240103T050000Z"]
    );
}

#[test]
fn rdate_dates_and_exdates() {
    let got = all_2024(&single(
        "VEVENT",
        "DTSTART;VALUE=DATE:20240101\nRRULE:FREQ=WEEKLY;COUNT=3\nRDATE;VALUE=DATE:20240103\nEXDATE;VALUE=DATE:20240108",
    ));
    assert_eq!(
        got,
        ["20240101T000000Z", "20240103T000000Z", "20240115T000000Z"]
    );
}

#[test]
fn exdate_in_another_zone_matches_the_same_instant() {
    let got = all_2024(&single(
        "VEVENT",
        "DTSTART;TZID=Europe/Berlin:20240101T090000\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20240102T080000Z",
    ));
    assert_eq!(got, ["20240101T080000Z", "20240103T080000Z"]);
}

#[test]
fn dtstart_counts_even_when_it_does_not_match_the_rule() {
    // 2024-01-02 is a Tuesday; the rule gives Mondays.
    let got = all_2024(&single(
        "VEVENT",
        "DTSTART:20240102T090000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3",
    ));
    assert_eq!(
        got,
        ["20240102T090000Z", "20240108T090000Z", "20240115T090000Z"]
    );
}

fn recurring_with_overrides() -> Vec<u8> {
    calendar(
        "BEGIN:VEVENT
UID:o@kairos
DTSTAMP:20240101T000000Z
DTSTART:20240101T090000Z
DURATION:PT1H
RRULE:FREQ=WEEKLY;COUNT=4
END:VEVENT
BEGIN:VEVENT
UID:o@kairos
DTSTAMP:20240101T000000Z
RECURRENCE-ID:20240108T090000Z
DTSTART:20240220T090000Z
DURATION:PT1H
END:VEVENT
BEGIN:VEVENT
UID:o@kairos
DTSTAMP:20240101T000000Z
RECURRENCE-ID:20240115T090000Z
DTSTART:20240116T100000Z
DURATION:PT2H
STATUS:CANCELLED
END:VEVENT",
    )
}

#[test]
fn overrides_move_instances_in_and_out_of_windows() {
    let s = schedule(&recurring_with_overrides());
    let january = expand(&s, &range("20240101T000000Z", "20240201T000000Z"));
    let got: Vec<_> = january
        .instances
        .iter()
        .map(|i| (i.component, i.start.unwrap(), i.recurrence_id.unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (0, utc("20240101T090000Z"), utc("20240101T090000Z")),
            (2, utc("20240116T100000Z"), utc("20240115T090000Z")),
            (0, utc("20240122T090000Z"), utc("20240122T090000Z")),
        ]
    );
    assert_eq!(january.instances[1].end, Some(utc("20240116T120000Z")));
    let february = expand(&s, &range("20240201T000000Z", "20240301T000000Z"));
    let got: Vec<_> = february
        .instances
        .iter()
        .map(|i| (i.component, i.start.unwrap()))
        .collect();
    assert_eq!(got, [(1, utc("20240220T090000Z"))]);
}

#[test]
fn overrides_without_a_master_are_just_their_instances() {
    let s = schedule(&calendar(
        "BEGIN:VEVENT
UID:x@kairos
DTSTAMP:20240101T000000Z
RECURRENCE-ID;TZID=America/New_York:20240108T090000
DTSTART;TZID=America/New_York:20240108T110000
DTEND;TZID=America/New_York:20240108T120000
END:VEVENT
BEGIN:VEVENT
UID:x@kairos
DTSTAMP:20240101T000000Z
RECURRENCE-ID;TZID=America/New_York:20240115T090000
DTSTART;TZID=America/New_York:20240115T090000
DTEND;TZID=America/New_York:20240115T100000
END:VEVENT",
    ));
    let e = expand(&s, &range(YEAR_2024.0, YEAR_2024.1));
    let got: Vec<_> = e
        .instances
        .iter()
        .map(|i| (i.component, i.start.unwrap(), i.recurrence_id.unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (0, utc("20240108T160000Z"), utc("20240108T140000Z")),
            (1, utc("20240115T140000Z"), utc("20240115T140000Z")),
        ]
    );
    assert_eq!(
        s.bounds(),
        Bounds {
            first: Some(utc("20240108T160000Z")),
            last: Some(utc("20240115T150000Z"))
        }
    );
}

#[test]
fn this_and_future_shifts_later_instances() {
    let s = schedule(&calendar(
        "BEGIN:VEVENT
UID:f@kairos
DTSTAMP:20240101T000000Z
DTSTART;TZID=America/New_York:20240301T100000
DURATION:PT1H
RRULE:FREQ=WEEKLY;COUNT=4
END:VEVENT
BEGIN:VEVENT
UID:f@kairos
DTSTAMP:20240101T000000Z
RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/New_York:20240308T100000
DTSTART;TZID=America/New_York:20240308T120000
DURATION:PT2H
END:VEVENT",
    ));
    let e = expand(&s, &range(YEAR_2024.0, YEAR_2024.1));
    let got: Vec<_> = e
        .instances
        .iter()
        .map(|i| {
            (
                i.component,
                helpers::civil_in(i.start.unwrap(), "America/New_York"),
                i.end.unwrap().duration_since(i.start.unwrap()).as_hours(),
            )
        })
        .collect();
    // The shift is two wall-clock hours, kept across the DST change of March 10.
    assert_eq!(
        got,
        [
            (0, "20240301T100000".to_owned(), 1),
            (1, "20240308T120000".to_owned(), 2),
            (1, "20240315T120000".to_owned(), 2),
            (1, "20240322T120000".to_owned(), 2),
        ]
    );
    assert_eq!(
        e.instances[2].recurrence_id,
        Some(helpers::local("20240315T100000", "America/New_York"))
    );
}

#[test]
fn until_in_utc_compares_the_resolved_instant() {
    let count = |until: &str| {
        all_2024(&single(
            "VEVENT",
            &format!("DTSTART;TZID=Europe/Berlin:20240101T090000\nRRULE:FREQ=DAILY;UNTIL={until}"),
        ))
        .len()
    };
    assert_eq!(count("20240103T080000Z"), 3);
    assert_eq!(count("20240103T075959Z"), 2);
}

#[test]
fn until_local_and_date_forms() {
    let floating = all_2024(&single(
        "VEVENT",
        "DTSTART:20240101T090000\nRRULE:FREQ=DAILY;UNTIL=20240103T090000",
    ));
    assert_eq!(floating.len(), 3);
    let dates = all_2024(&single(
        "VEVENT",
        "DTSTART;VALUE=DATE:20240101\nRRULE:FREQ=DAILY;UNTIL=20240103",
    ));
    assert_eq!(dates.len(), 3);
    // UNTIL before DTSTART: DTSTART is still the first instance.
    let before = all_2024(&single(
        "VEVENT",
        "DTSTART:20240105T090000Z\nRRULE:FREQ=DAILY;UNTIL=20240101T000000Z",
    ));
    assert_eq!(before, ["20240105T090000Z"]);
}

#[test]
fn cap_truncates_in_start_order() {
    let s = schedule(&single(
        "VEVENT",
        "DTSTART:20240101T090000Z\nRRULE:FREQ=DAILY",
    ));
    let e = s.instances(&range(YEAR_2024.0, YEAR_2024.1), &TimeZone::UTC, 5);
    assert!(e.truncated);
    assert_eq!(utc_starts(&e).len(), 5);
    assert_eq!(utc_starts(&e)[4], "20240105T090000Z");
    let e = s.instances(
        &range("20240101T000000Z", "20240106T000000Z"),
        &TimeZone::UTC,
        5,
    );
    assert!(!e.truncated);
}

#[test]
fn open_ended_secondly_rule_with_a_far_window_skips_ahead() {
    let s = schedule(&single(
        "VEVENT",
        "DTSTART:20000101T000000Z\nRRULE:FREQ=SECONDLY",
    ));
    let started = Instant::now();
    let e = s.instances(
        &range("20300101T000000Z", "20300102T000000Z"),
        &TimeZone::UTC,
        100,
    );
    assert!(e.truncated);
    assert_eq!(e.instances.len(), 100);
    assert_eq!(utc_starts(&e)[0], "20300101T000000Z");
    assert!(started.elapsed() < Duration::from_secs(30));
    let e = s.instances(
        &range("20000101T000000Z", "20000101T000010Z"),
        &TimeZone::UTC,
        100,
    );
    assert_eq!(e.instances.len(), 10);
    assert!(!e.truncated);
}

#[test]
fn counted_secondly_rule_with_a_far_window_is_cut_by_the_budget() {
    // COUNT forbids skipping (every earlier instance counts): the work budget stops it.
    let s = schedule(&single(
        "VEVENT",
        "DTSTART:20000101T000000Z\nRRULE:FREQ=SECONDLY;COUNT=999999999",
    ));
    let started = Instant::now();
    let e = s.instances(
        &range("20300101T000000Z", "20300102T000000Z"),
        &TimeZone::UTC,
        100,
    );
    assert!(e.truncated);
    assert!(e.instances.is_empty());
    // Generous: a debug build on a shared machine; the point is "not unbounded".
    assert!(started.elapsed() < Duration::from_secs(60));
    assert_eq!(s.bounds().last, None);
}

#[test]
fn unbounded_window_is_bounded_by_the_cap() {
    let s = schedule(&single(
        "VEVENT",
        "DTSTART:20000101T000000Z\nRRULE:FREQ=MINUTELY",
    ));
    let e = s.instances(&TimeRange::unbounded(), &TimeZone::UTC, 1000);
    assert!(e.truncated);
    assert_eq!(e.instances.len(), 1000);
}

#[test]
fn bounds_of_finite_open_and_single_events() {
    let finite = schedule(&single(
        "VEVENT",
        "DTSTART:20240101T090000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3",
    ));
    assert_eq!(
        finite.bounds(),
        Bounds {
            first: Some(utc("20240101T090000Z")),
            last: Some(utc("20240115T100000Z"))
        }
    );
    let until = schedule(&single(
        "VEVENT",
        "DTSTART:20240101T090000Z\nRRULE:FREQ=DAILY;UNTIL=20241231T090000Z",
    ));
    assert_eq!(until.bounds().last, Some(utc("20241231T090000Z")));
    let open = schedule(&single(
        "VEVENT",
        "DTSTART:20240101T090000Z\nRRULE:FREQ=DAILY",
    ));
    assert_eq!(
        open.bounds(),
        Bounds {
            first: Some(utc("20240101T090000Z")),
            last: None
        }
    );
    let single_event = schedule(&single(
        "VEVENT",
        "DTSTART:20240101T090000Z\nDTEND:20240101T093000Z",
    ));
    assert_eq!(
        single_event.bounds(),
        Bounds {
            first: Some(utc("20240101T090000Z")),
            last: Some(utc("20240101T093000Z"))
        }
    );
    // An override moved past the last instance extends the bounds.
    let moved = schedule(&recurring_with_overrides());
    assert_eq!(moved.bounds().last, Some(utc("20240220T100000Z")));
}

#[test]
fn non_recurring_event_has_no_recurrence_id() {
    let s = schedule(&single("VEVENT", "DTSTART:20240101T090000Z"));
    let e = expand(&s, &range(YEAR_2024.0, YEAR_2024.1));
    assert_eq!(e.instances[0].recurrence_id, None);
    assert_eq!(e.instances[0].end, e.instances[0].start);
}

/// RFC 2445 allowed several RRULEs (RFC 5545 says SHOULD NOT, but old data has them):
/// the set is their union, DTSTART counted once (and, as always, as the first of each
/// rule's COUNT: the Wednesday rule gives Jan 1, 3 and 10).
#[test]
fn several_rrules_give_the_union_of_their_instances() {
    let got = all_2024(&single(
        "VEVENT",
        "DTSTART:20240101T090000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3\nRRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=3",
    ));
    assert_eq!(
        got,
        [
            "20240101T090000Z",
            "20240103T090000Z",
            "20240108T090000Z",
            "20240110T090000Z",
            "20240115T090000Z",
        ]
    );
}

/// EXRULE (RFC 2445 §4.8.5.2, dropped by RFC 5545): the starts it gives leave the set,
/// whether they come from an RRULE or an RDATE, DTSTART included.
#[test]
fn exrule_takes_its_starts_out_of_the_set() {
    let got = all_2024(&single(
        "VEVENT",
        "DTSTART:20240101T090000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=10\nRDATE:20240113T090000Z,20240114T090000Z\nEXRULE:FREQ=DAILY;INTERVAL=3;UNTIL=20240131T000000Z",
    ));
    assert_eq!(
        got,
        [
            "20240102T090000Z",
            "20240103T090000Z",
            "20240105T090000Z",
            "20240106T090000Z",
            "20240108T090000Z",
            "20240109T090000Z",
            "20240114T090000Z",
        ]
    );
}

/// An endless EXRULE on an endless series: a window's expansion stays bounded and exact.
#[test]
fn an_endless_exrule_is_walked_only_as_far_as_the_window() {
    let s = schedule(&single(
        "VEVENT",
        "DTSTART:20200106T090000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY\nEXRULE:FREQ=WEEKLY;BYDAY=SA,SU",
    ));
    let e = expand(&s, &range("20240101T000000Z", "20240108T000000Z"));
    assert_eq!(
        utc_starts(&e),
        [
            "20240101T090000Z",
            "20240102T090000Z",
            "20240103T090000Z",
            "20240104T090000Z",
            "20240105T090000Z",
        ]
    );
    assert!(!e.truncated, "{e:?}");
}
