//! Spans per component type and the RFC 4791 §9.9 overlap table; VALARM triggers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "recur_helpers.rs"]
mod helpers;

use helpers::{calendar, expand, range, schedule, single, utc};
use jiff::tz::TimeZone;
use kairos_ical::{ComponentKind, Span, TimeRange};

fn only_span(kind: &str, props: &str) -> Span {
    let s = schedule(&single(kind, props));
    let e = expand(&s, &TimeRange::unbounded());
    assert_eq!(e.instances.len(), 1, "{props}");
    e.instances[0].span
}

fn r(a: &str, b: &str) -> TimeRange {
    range(a, b)
}

#[test]
fn vevent_rows() {
    let interval = Span::Interval {
        start: utc("20240101T100000Z"),
        end: utc("20240101T110000Z"),
    };
    assert!(interval.overlaps(&r("20240101T105959Z", "20240101T120000Z")));
    assert!(!interval.overlaps(&r("20240101T110000Z", "20240101T120000Z")));
    assert!(!interval.overlaps(&r("20240101T090000Z", "20240101T100000Z")));
    assert!(interval.overlaps(&TimeRange {
        start: None,
        end: Some(utc("20240101T100001Z"))
    }));
    // DTSTART only / zero duration: the range must contain the instant.
    let instant = Span::Interval {
        start: utc("20240101T100000Z"),
        end: utc("20240101T100000Z"),
    };
    assert!(instant.overlaps(&r("20240101T100000Z", "20240101T110000Z")));
    assert!(!instant.overlaps(&r("20240101T090000Z", "20240101T100000Z")));
    assert_eq!(only_span("VEVENT", "DTSTART:20240101T100000Z"), instant);
    assert_eq!(
        only_span("VEVENT", "DTSTART:20240101T100000Z\nDURATION:PT0S"),
        instant
    );
    // DTEND equal to DTSTART is the DTEND row (`start < DTEND AND end > DTSTART`),
    // not the zero-duration one: a range starting at the instant misses it.
    let ends_at_start = only_span("VEVENT", "DTSTART:20240101T100000Z\nDTEND:20240101T100000Z");
    assert_eq!(ends_at_start, Span::EndsAtStart(utc("20240101T100000Z")));
    assert!(!ends_at_start.overlaps(&r("20240101T100000Z", "20240101T110000Z")));
    assert!(ends_at_start.overlaps(&r("20240101T095959Z", "20240101T110000Z")));
    assert!(!ends_at_start.overlaps(&r("20240101T090000Z", "20240101T100000Z")));
    assert_eq!(
        only_span("VEVENT", "DTSTART;VALUE=DATE:20240101"),
        Span::Interval {
            start: utc("20240101T000000Z"),
            end: utc("20240102T000000Z")
        }
    );
}

#[test]
fn vtodo_rows() {
    let start_due = only_span("VTODO", "DTSTART:20240101T100000Z\nDUE:20240101T120000Z");
    assert_eq!(
        start_due,
        Span::TodoStartDue {
            start: utc("20240101T100000Z"),
            due: utc("20240101T120000Z")
        }
    );
    assert!(start_due.overlaps(&r("20240101T110000Z", "20240101T113000Z")));
    assert!(!start_due.overlaps(&r("20240101T120000Z", "20240101T130000Z")));
    assert!(!start_due.overlaps(&r("20240101T090000Z", "20240101T100000Z")));
    // The DUE row: a range starting at DUE is after the to-do.
    assert!(!start_due.overlaps(&r("20240101T120000Z", "20240101T120001Z")));
    let start_duration = only_span("VTODO", "DTSTART:20240101T100000Z\nDURATION:PT2H");
    assert_eq!(
        start_duration,
        Span::TodoStartDuration {
            start: utc("20240101T100000Z"),
            end: utc("20240101T120000Z")
        }
    );
    // The DURATION row says `start <= DTSTART+DURATION`: a range starting at the end
    // still overlaps.
    assert!(start_duration.overlaps(&r("20240101T120000Z", "20240101T130000Z")));
    assert!(start_duration.overlaps(&r("20240101T110000Z", "20240101T113000Z")));
    assert!(!start_duration.overlaps(&r("20240101T120001Z", "20240101T130000Z")));
    assert!(!start_duration.overlaps(&r("20240101T090000Z", "20240101T100000Z")));
    let start_only = only_span("VTODO", "DTSTART:20240101T100000Z");
    assert_eq!(start_only, Span::Start(utc("20240101T100000Z")));
    assert!(start_only.overlaps(&r("20240101T100000Z", "20240101T100001Z")));
    assert!(!start_only.overlaps(&r("20240101T090000Z", "20240101T100000Z")));
    let due_only = only_span("VTODO", "DUE:20240101T120000Z");
    assert_eq!(due_only, Span::Due(utc("20240101T120000Z")));
    assert!(due_only.overlaps(&r("20240101T110000Z", "20240101T120000Z")));
    assert!(!due_only.overlaps(&r("20240101T120000Z", "20240101T130000Z")));
    let both = only_span(
        "VTODO",
        "COMPLETED:20240105T000000Z\nCREATED:20240101T000000Z",
    );
    assert_eq!(
        both,
        Span::CompletedCreated {
            completed: Some(utc("20240105T000000Z")),
            created: Some(utc("20240101T000000Z"))
        }
    );
    assert!(both.overlaps(&r("20240102T000000Z", "20240103T000000Z")));
    assert!(!both.overlaps(&r("20240106T000000Z", "20240107T000000Z")));
    let completed = only_span("VTODO", "COMPLETED:20240105T000000Z");
    assert!(completed.overlaps(&r("20240104T000000Z", "20240105T000000Z")));
    assert!(!completed.overlaps(&r("20240101T000000Z", "20240104T000000Z")));
    let created = only_span("VTODO", "CREATED:20240101T000000Z");
    assert!(created.overlaps(&r("20240102T000000Z", "20240103T000000Z")));
    assert!(!created.overlaps(&r("20231201T000000Z", "20240101T000000Z")));
    assert_eq!(created.envelope(), (Some(utc("20240101T000000Z")), None));
    let nothing = only_span("VTODO", "SUMMARY:whenever");
    assert_eq!(nothing, Span::Always);
    assert!(nothing.overlaps(&r("19000101T000000Z", "19000102T000000Z")));
}

#[test]
fn vjournal_rows() {
    assert_eq!(
        only_span("VJOURNAL", "DTSTART;VALUE=DATE:20240101"),
        Span::Interval {
            start: utc("20240101T000000Z"),
            end: utc("20240102T000000Z")
        }
    );
    assert_eq!(
        only_span("VJOURNAL", "DTSTART:20240101T100000Z"),
        Span::Start(utc("20240101T100000Z"))
    );
    // Without DTSTART a journal overlaps no range, so no window finds it.
    let undated = schedule(&single("VJOURNAL", "SUMMARY:undated"));
    assert!(
        expand(&undated, &TimeRange::unbounded())
            .instances
            .is_empty()
    );
    assert!(!Span::Never.overlaps(&TimeRange::unbounded()));
}

#[test]
fn vfreebusy_rows() {
    assert_eq!(
        only_span(
            "VFREEBUSY",
            "DTSTART:20240101T100000Z\nDTEND:20240101T120000Z"
        ),
        Span::Interval {
            start: utc("20240101T100000Z"),
            end: utc("20240101T120000Z")
        }
    );
    let s = schedule(&single(
        "VFREEBUSY",
        "FREEBUSY:20240101T100000Z/PT1H,20240102T100000Z/20240102T110000Z",
    ));
    assert_eq!(s.kind(), ComponentKind::FreeBusy);
    let e = expand(&s, &r("20240102T000000Z", "20240103T000000Z"));
    assert_eq!(e.instances.len(), 1);
    assert_eq!(e.instances[0].start, Some(utc("20240102T100000Z")));
}

#[test]
fn recurring_todo_instances() {
    let s = schedule(&single(
        "VTODO",
        "DTSTART:20240101T090000Z\nDUE:20240101T170000Z\nRRULE:FREQ=DAILY;COUNT=3",
    ));
    let e = expand(&s, &r("20240102T120000Z", "20240102T130000Z"));
    assert_eq!(e.instances.len(), 1);
    assert_eq!(
        e.instances[0].span,
        Span::TodoStartDue {
            start: utc("20240102T090000Z"),
            due: utc("20240102T170000Z")
        }
    );
}

fn alarm_event(alarms: &str) -> kairos_ical::Schedule {
    schedule(&calendar(&format!(
        "BEGIN:VEVENT\nUID:a@kairos\nDTSTAMP:20240101T000000Z\nDTSTART;TZID=America/New_York:20240309T090000\nDTEND;TZID=America/New_York:20240309T100000\nRRULE:FREQ=DAILY;COUNT=2\n{alarms}\nEND:VEVENT"
    )))
}

#[test]
fn alarm_triggers_relative_absolute_and_repeated() {
    let s = alarm_event(
        "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:a\nTRIGGER:-PT15M\nEND:VALARM
BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:b\nTRIGGER;RELATED=END:PT5M\nREPEAT:2\nDURATION:PT10M\nEND:VALARM
BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:c\nTRIGGER;VALUE=DATE-TIME:20240101T050000Z\nEND:VALARM",
    );
    let e = expand(&s, &TimeRange::unbounded());
    let second = &e.instances[1];
    let triggers: Vec<_> = s
        .alarm_triggers(second, &TimeZone::UTC)
        .into_iter()
        .map(|t| (t.alarm, t.at))
        .collect();
    // 2024-03-10 09:00 EDT is 13:00Z.
    assert_eq!(
        triggers,
        [
            (0, utc("20240310T124500Z")),
            (1, utc("20240310T140500Z")),
            (1, utc("20240310T141500Z")),
            (1, utc("20240310T142500Z")),
            (2, utc("20240101T050000Z")),
        ]
    );
}

#[test]
fn day_offsets_in_triggers_follow_the_wall_clock() {
    let s = alarm_event("BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:a\nTRIGGER:P1D\nEND:VALARM");
    let e = expand(&s, &TimeRange::unbounded());
    let first = s.alarm_triggers(&e.instances[0], &TimeZone::UTC);
    // One day after 2024-03-09 09:00 EST is 2024-03-10 09:00 EDT (23 hours later).
    assert_eq!(first[0].at, utc("20240310T130000Z"));
}
