//! calendar-data retrieval beyond the RFC 4791 examples: expand for every component type,
//! all-day and floating values, overrides, limit-recurrence-set with THISANDFUTURE, the
//! expansion cap, and partial selection composed with expand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use jiff::Timestamp;
use kairos_ical::TimeRange;
use kairos_ical::query::{
    CalendarDataRequest, CompSelection, ParsedObject, PropSelection, QueryOptions, calendar_data,
};
use support::fixture;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn range(start: &str, end: &str) -> TimeRange {
    TimeRange::new(ts(start), ts(end))
}

fn lf(s: String) -> String {
    assert!(!s.replace("\r\n", "").contains('\n'), "bare LF:\n{s}");
    s.replace("\r\n", "\n")
}

fn expand(data: &[u8], window: TimeRange, opts: &QueryOptions) -> String {
    let req = CalendarDataRequest {
        expand: Some(window),
        ..Default::default()
    };
    lf(calendar_data(&req, data, opts).unwrap())
}

fn cal(body: &str) -> Vec<u8> {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}END:VCALENDAR\r\n")
        .into_bytes()
}

#[test]
fn expand_todos_rewrites_due() {
    let data = cal(
        "BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=Europe/Paris:20240102T090000\r\nDUE;TZID=Europe/Paris:20240102T100000\r\nRRULE:FREQ=DAILY;COUNT=3\r\nSUMMARY:Stand-up\r\nEND:VTODO\r\n",
    );
    let out = expand(
        &data,
        range("2024-01-03T00:00:00Z", "2024-01-05T00:00:00Z"),
        &QueryOptions::default(),
    );
    insta::assert_snapshot!(out);
}

#[test]
fn expand_journal() {
    let data = cal(
        "BEGIN:VJOURNAL\r\nUID:j\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T080000Z\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nSUMMARY:Notes\r\nEND:VJOURNAL\r\n",
    );
    let out = expand(
        &data,
        range("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"),
        &QueryOptions::default(),
    );
    assert_eq!(out.matches("BEGIN:VJOURNAL").count(), 2);
    assert!(out.contains("DTSTART:20240108T080000Z\nRECURRENCE-ID:20240108T080000Z\n"));
    assert!(!out.contains("RRULE"));
}

#[test]
fn expand_keeps_all_day_values_as_dates() {
    let out = expand(
        &fixture("clients/all-day-recurring.ics"),
        range("2024-01-01T00:00:00Z", "2026-01-02T00:00:00Z"),
        &QueryOptions::default(),
    );
    insta::assert_snapshot!(out);
    assert!(!out.contains("EXDATE") && !out.contains("RDATE") && !out.contains("RRULE"));
    // 2025-01-01 is excluded; 2024-06-15 is added by RDATE.
    assert!(!out.contains("DTSTART;VALUE=DATE:20250101"));
    assert!(out.contains("DTSTART;VALUE=DATE:20240615"));
}

#[test]
fn expand_reads_floating_times_in_the_callers_zone() {
    let data = cal(
        "BEGIN:VEVENT\r\nUID:f\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240110T090000\r\nDTEND:20240110T100000\r\nEND:VEVENT\r\n",
    );
    let paris = QueryOptions {
        floating: jiff::tz::TimeZone::get("Europe/Paris").unwrap(),
        ..Default::default()
    };
    let out = expand(
        &data,
        range("2024-01-10T00:00:00Z", "2024-01-11T00:00:00Z"),
        &paris,
    );
    assert!(
        out.contains("DTSTART:20240110T080000Z\nDTEND:20240110T090000Z\n"),
        "{out}"
    );
    assert!(!out.contains("RECURRENCE-ID"));
}

#[test]
fn expand_overrides_without_master() {
    let out = expand(
        &fixture("clients/overrides-only.ics"),
        range("2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"),
        &QueryOptions::default(),
    );
    insta::assert_snapshot!(out);
    assert!(!out.contains("VTIMEZONE") && !out.contains("TZID"));
}

/// More instances in the range than the cap: refused, never answered with part of them
/// (a client would take the first five minutes for the whole year).
#[test]
fn expand_beyond_the_cap_is_refused_not_cut() {
    let data = cal(
        "BEGIN:VEVENT\r\nUID:m\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T000000Z\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n",
    );
    let opts = QueryOptions {
        expansion_cap: 5,
        ..Default::default()
    };
    let req = |end: &str| CalendarDataRequest {
        expand: Some(range("2024-01-01T00:00:00Z", end)),
        ..Default::default()
    };
    assert!(matches!(
        calendar_data(&req("2025-01-01T00:00:00Z"), &data, &opts),
        Err(kairos_ical::IngestError::TooManyInstances { cap: 5 })
    ));
    // Exactly the cap is still answered.
    let five = calendar_data(&req("2024-01-01T00:05:00Z"), &data, &opts).unwrap();
    assert_eq!(five.matches("BEGIN:VEVENT").count(), 5);
}

#[test]
fn partial_selection_composes_with_expand() {
    let data = fixture("clients/overrides-only.ics");
    let mut vevent = CompSelection::named("VEVENT");
    vevent.props = ["SUMMARY", "DTSTART", "RECURRENCE-ID", "ATTENDEE"]
        .iter()
        .map(|n| PropSelection {
            name: (*n).into(),
            novalue: *n == "ATTENDEE",
        })
        .collect();
    let mut top = CompSelection::named("VCALENDAR");
    top.comps = vec![vevent];
    let req = CalendarDataRequest {
        comp: Some(top),
        expand: Some(range("2024-01-20T00:00:00Z", "2024-02-01T00:00:00Z")),
        ..Default::default()
    };
    let out = lf(calendar_data(&req, &data, &QueryOptions::default()).unwrap());
    assert_eq!(
        out,
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nRECURRENCE-ID:20240124T090000Z\nDTSTART:20240124T130000Z\n\
SUMMARY:Weekly sync (moved)\nEND:VEVENT\nEND:VCALENDAR\n"
    );
}

#[test]
fn limit_recurrence_set_keeps_thisandfuture_overrides() {
    let body = "BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T100000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=30\r\nSUMMARY:master\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20240105T100000Z\r\nDTSTART:20240105T110000Z\r\nDURATION:PT1H\r\nSUMMARY:from the 5th\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID:20240102T100000Z\r\nDTSTART:20240120T100000Z\r\nDURATION:PT1H\r\nSUMMARY:moved far away\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID:20240125T100000Z\r\nDTSTART:20240125T120000Z\r\nDURATION:PT1H\r\nSUMMARY:later\r\nEND:VEVENT\r\n";
    let data = cal(body);
    let object = ParsedObject::parse(&data).unwrap();
    let limited = |start: &str, end: &str| {
        let req = CalendarDataRequest {
            limit_recurrence_set: Some(range(start, end)),
            ..Default::default()
        };
        lf(object
            .calendar_data(&req, &QueryOptions::default())
            .unwrap())
    };
    // Jan 10: only THISANDFUTURE (from the 5th) affects it.
    let jan10 = limited("2024-01-10T00:00:00Z", "2024-01-11T00:00:00Z");
    assert!(jan10.contains("SUMMARY:master"));
    assert!(jan10.contains("SUMMARY:from the 5th"));
    assert!(!jan10.contains("moved far away") && !jan10.contains("SUMMARY:later"));
    // Jan 2: the original time of the moved instance; THISANDFUTURE from the 5th does not
    // reach back.
    let jan2 = limited("2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z");
    assert!(jan2.contains("moved far away"));
    assert!(!jan2.contains("from the 5th"));
    // Jan 20: the moved instance's new time.
    let jan20 = limited("2024-01-20T00:00:00Z", "2024-01-21T00:00:00Z");
    assert!(jan20.contains("moved far away"));
    // Everything kept is the stored text.
    assert!(jan20.starts_with("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n"));
}
