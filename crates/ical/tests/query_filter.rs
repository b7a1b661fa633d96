//! calendar-query filters on recurring data: alarms of later instances, overrides that
//! move an instance in or out of a range, property names in any case.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::Timestamp;
use kairos_ical::TimeRange;
use kairos_ical::query::{CompFilter, PropFilter, QueryOptions, TextMatch, matches};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const WEEKLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:w\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/London:20240301T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\nSUMMARY:Weekly\r\n\
BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:soon\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:w\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID;TZID=Europe/London:20240315T090000\r\nDTSTART;TZID=Europe/London:20240316T090000\r\nDURATION:PT1H\r\nSUMMARY:Moved\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

fn event_filter(f: impl FnOnce(&mut CompFilter)) -> CompFilter {
    let mut ev = CompFilter::named("VEVENT");
    f(&mut ev);
    let mut cal = CompFilter::named("VCALENDAR");
    cal.comp_filters.push(ev);
    cal
}

fn run(filter: &CompFilter) -> bool {
    matches(filter, WEEKLY.as_bytes(), &QueryOptions::default()).unwrap()
}

#[test]
fn alarm_of_a_later_instance_across_dst() {
    // The 2024-04-05 instance is 09:00 BST (08:00Z); its alarm fires at 07:45Z.
    let alarm_at = |start: &str, end: &str| {
        event_filter(|e| {
            let mut alarm = CompFilter::named("VALARM");
            alarm.time_range = Some(TimeRange::new(ts(start), ts(end)));
            e.comp_filters.push(alarm);
        })
    };
    assert!(run(&alarm_at(
        "2024-04-05T07:45:00Z",
        "2024-04-05T07:46:00Z"
    )));
    assert!(!run(&alarm_at(
        "2024-04-05T07:46:00Z",
        "2024-04-05T09:00:00Z"
    )));
    // The override has no alarm: nothing fires on the 15th or 16th.
    assert!(!run(&alarm_at(
        "2024-03-15T00:00:00Z",
        "2024-03-17T00:00:00Z"
    )));
}

#[test]
fn overrides_move_instances() {
    let in_range = |start: &str, end: &str, summary: &str| {
        event_filter(|e| {
            e.time_range = Some(TimeRange::new(ts(start), ts(end)));
            let mut p = PropFilter::named("summary");
            p.text_match = Some(TextMatch::new(summary, "i;octet"));
            e.prop_filters.push(p);
        })
    };
    // The 15th was moved away, so no component overlaps that day.
    let mut day15 = event_filter(|e| {
        e.time_range = Some(TimeRange::new(
            ts("2024-03-15T00:00:00Z"),
            ts("2024-03-16T00:00:00Z"),
        ));
    });
    assert!(!run(&day15));
    day15.comp_filters[0].time_range = Some(TimeRange::new(
        ts("2024-03-16T00:00:00Z"),
        ts("2024-03-17T00:00:00Z"),
    ));
    assert!(run(&day15));
    // Conditions hold for the same component: on the 16th only the override overlaps.
    assert!(run(&in_range(
        "2024-03-16T00:00:00Z",
        "2024-03-17T00:00:00Z",
        "Moved"
    )));
    assert!(!run(&in_range(
        "2024-03-16T00:00:00Z",
        "2024-03-17T00:00:00Z",
        "Weekly"
    )));
    assert!(run(&in_range(
        "2024-03-22T00:00:00Z",
        "2024-03-23T00:00:00Z",
        "Weekly"
    )));
}

#[test]
fn property_names_in_any_case() {
    let data = include_str!("data/rfc4791/abcd1.ics");
    let filter = event_filter(|e| {
        let mut p = PropFilter::named("DESCRIPTION");
        p.text_match = Some(TextMatch::new("STEELERS", "i;ascii-casemap"));
        e.prop_filters.push(p);
    });
    assert!(matches(&filter, data.as_bytes(), &QueryOptions::default()).unwrap());
}
