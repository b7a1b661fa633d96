//! prop-filter time-ranges (RFC 4791 §9.9) read a property's TZID as the recurrence engine
//! reads DTSTART: the resource's own VTIMEZONE first (even one no IANA zone matches, even
//! over an IANA zone of the same name), else an IANA or Windows zone name, else floating.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use kairos_ical::TimeRange;
use kairos_ical::query::{
    CalendarDataRequest, CompFilter, PropFilter, QueryOptions, calendar_data, matches,
};
use support::calendar;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A fixed offset of +05:17, which no IANA zone has.
const ODD_OFFSET: &str = "BEGIN:VTIMEZONE\nTZID:Test/Odd Offset\nBEGIN:STANDARD\n\
DTSTART:19700101T000000\nTZOFFSETFROM:+0517\nTZOFFSETTO:+0517\nTZNAME:ODD\nEND:STANDARD\n\
END:VTIMEZONE";

/// +01:30 standard, +02:00 daylight from 03:00 on the second Sunday of April to 03:00 on
/// the first Sunday of October: a half-hour shift on dates no IANA zone uses.
const ODD_DST: &str = "BEGIN:VTIMEZONE\nTZID:Test/Odd DST\n\
BEGIN:DAYLIGHT\nDTSTART:20000409T030000\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=2SU\n\
TZOFFSETFROM:+0130\nTZOFFSETTO:+0200\nTZNAME:ODT\nEND:DAYLIGHT\n\
BEGIN:STANDARD\nDTSTART:20001001T030000\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\n\
TZOFFSETFROM:+0200\nTZOFFSETTO:+0130\nTZNAME:OST\nEND:STANDARD\nEND:VTIMEZONE";

/// The same fixed +05:17, under the TZID of an IANA zone.
const BERLIN_AS_ODD: &str = "BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\n\
DTSTART:19700101T000000\nTZOFFSETFROM:+0517\nTZOFFSETTO:+0517\nEND:STANDARD\nEND:VTIMEZONE";

/// A resource of one `component` holding `line`, after the VTIMEZONE `zone` (if any).
fn resource(zone: &str, component: &str, line: &str) -> Vec<u8> {
    calendar(&format!(
        "{zone}\nBEGIN:{component}\nUID:z\nDTSTAMP:20240101T000000Z\n{line}\nEND:{component}"
    ))
}

fn event(zone: &str, dtstart: &str) -> Vec<u8> {
    resource(zone, "VEVENT", dtstart)
}

fn prop_filter(component: &str, prop: &str, range: TimeRange) -> CompFilter {
    let mut p = PropFilter::named(prop);
    p.time_range = Some(range);
    let mut c = CompFilter::named(component);
    c.prop_filters.push(p);
    let mut cal = CompFilter::named("VCALENDAR");
    cal.comp_filters.push(c);
    cal
}

fn comp_filter(component: &str, range: TimeRange) -> CompFilter {
    let mut c = CompFilter::named(component);
    c.time_range = Some(range);
    let mut cal = CompFilter::named("VCALENDAR");
    cal.comp_filters.push(c);
    cal
}

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

/// Asserts that `prop` of the `component` in `data` is read as the instant `at`: a range
/// starting there matches, one ending there and one starting a second later do not. For
/// a VEVENT's DTSTART the recurrence engine (a comp-filter time-range) must agree.
fn assert_read_at(data: &[u8], component: &str, prop: &str, at: &str, opts: &QueryOptions) {
    let at = ts(at);
    let cases = [
        (TimeRange::new(at, at + secs(1)), true),
        (TimeRange::new(at - secs(1), at), false),
        (TimeRange::new(at + secs(1), at + secs(3600)), false),
    ];
    for (range, expected) in cases {
        let got = matches(&prop_filter(component, prop, range), data, opts).unwrap();
        assert_eq!(got, expected, "{prop} at {at}, range {range:?}");
        if component == "VEVENT" && prop == "DTSTART" {
            let engine = matches(&comp_filter(component, range), data, opts).unwrap();
            assert_eq!(
                got, engine,
                "prop-filter and engine disagree, range {range:?}"
            );
        }
    }
}

fn utc() -> QueryOptions {
    QueryOptions::default()
}

#[test]
fn windows_zone_name() {
    // W. Europe Standard Time is Europe/Berlin: CET (+01:00) in January.
    let data = event("", "DTSTART;TZID=W. Europe Standard Time:20240115T090000");
    assert_read_at(&data, "VEVENT", "DTSTART", "2024-01-15T08:00:00Z", &utc());
    // Quoted, and in summer time (CEST, +02:00).
    let data = event(
        "",
        "DTSTART;TZID=\"W. Europe Standard Time\":20240701T090000",
    );
    assert_read_at(&data, "VEVENT", "DTSTART", "2024-07-01T07:00:00Z", &utc());
    // DUE of a VTODO reads its TZID the same way.
    let data = resource(
        "",
        "VTODO",
        "DUE;TZID=W. Europe Standard Time:20240115T170000",
    );
    assert_read_at(&data, "VTODO", "DUE", "2024-01-15T16:00:00Z", &utc());
}

#[test]
fn windows_zone_across_its_spring_gap() {
    // Berlin skips 02:00–03:00 on 2024-03-31; a time in the gap moves forward by its
    // length (02:30 CET = 03:30 CEST = 01:30Z).
    let tzid = "DTSTART;TZID=W. Europe Standard Time";
    let at = |local: &str, utc_at: &str| {
        let data = event("", &format!("{tzid}:{local}"));
        assert_read_at(&data, "VEVENT", "DTSTART", utc_at, &utc());
    };
    at("20240331T015959", "2024-03-31T00:59:59Z");
    at("20240331T023000", "2024-03-31T01:30:00Z");
    at("20240331T030000", "2024-03-31T01:00:00Z");
}

#[test]
fn custom_vtimezone_matching_no_iana_zone() {
    let data = event(ODD_OFFSET, "DTSTART;TZID=Test/Odd Offset:20240601T120000");
    assert_read_at(&data, "VEVENT", "DTSTART", "2024-06-01T06:43:00Z", &utc());
    let data = resource(
        ODD_OFFSET,
        "VTODO",
        "DUE;TZID=Test/Odd Offset:20240601T000000",
    );
    assert_read_at(&data, "VTODO", "DUE", "2024-05-31T18:43:00Z", &utc());
    // The query's floating zone plays no part in a defined TZID.
    let new_york = QueryOptions {
        floating: TimeZone::get("America/New_York").unwrap(),
        ..QueryOptions::default()
    };
    let data = event(ODD_OFFSET, "DTSTART;TZID=Test/Odd Offset:20240601T120000");
    assert_read_at(
        &data,
        "VEVENT",
        "DTSTART",
        "2024-06-01T06:43:00Z",
        &new_york,
    );
}

#[test]
fn the_resources_vtimezone_wins_over_the_iana_zone_of_that_name() {
    let data = event(BERLIN_AS_ODD, "DTSTART;TZID=Europe/Berlin:20240601T120000");
    assert_read_at(&data, "VEVENT", "DTSTART", "2024-06-01T06:43:00Z", &utc());
}

#[test]
fn custom_vtimezone_dst_boundaries() {
    let at = |local: &str, utc_at: &str| {
        let data = event(ODD_DST, &format!("DTSTART;TZID=Test/Odd DST:{local}"));
        assert_read_at(&data, "VEVENT", "DTSTART", utc_at, &utc());
    };
    // Winter and summer offsets.
    at("20240115T120000", "2024-01-15T10:30:00Z");
    at("20240715T120000", "2024-07-15T10:00:00Z");
    // Spring, 2024-04-14 (second Sunday): 03:00 +01:30 becomes 03:30 +02:00.
    at("20240414T025959", "2024-04-14T01:29:59Z");
    at("20240414T030000", "2024-04-14T01:30:00Z");
    at("20240414T031500", "2024-04-14T01:45:00Z");
    at("20240414T033000", "2024-04-14T01:30:00Z");
    // The first Sunday of April is still winter: the rule is the zone's own.
    at("20240407T033000", "2024-04-07T02:00:00Z");
    // Autumn, 2024-10-06 (first Sunday): 03:00 +02:00 becomes 02:30 +01:30; a time in the
    // fold takes the earlier instant.
    at("20241006T022959", "2024-10-06T00:29:59Z");
    at("20241006T024500", "2024-10-06T00:45:00Z");
    at("20241006T030000", "2024-10-06T01:30:00Z");
}

#[test]
fn unknown_tzid_without_vtimezone_is_floating() {
    let data = event("", "DTSTART;TZID=Nowhere/Atlantis:20240601T120000");
    assert_read_at(&data, "VEVENT", "DTSTART", "2024-06-01T12:00:00Z", &utc());
    let new_york = QueryOptions {
        floating: TimeZone::get("America/New_York").unwrap(),
        ..QueryOptions::default()
    };
    assert_read_at(
        &data,
        "VEVENT",
        "DTSTART",
        "2024-06-01T16:00:00Z",
        &new_york,
    );
}

#[test]
fn limit_recurrence_set_reads_the_original_time_in_a_windows_zone() {
    // The override's original time is 2024-01-10 09:00 CET (08:00Z–09:00Z); it now lies
    // on the 20th, so only its original time can bring it into a range on the 10th.
    let tzid = "TZID=W. Europe Standard Time";
    let body = format!(
        "BEGIN:VEVENT\nUID:r\nDTSTAMP:20240101T000000Z\nDTSTART;{tzid}:20240101T090000\n\
DURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=30\nSUMMARY:master\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:r\nDTSTAMP:20240101T000000Z\nRECURRENCE-ID;{tzid}:20240110T090000\n\
DTSTART;{tzid}:20240120T150000\nDURATION:PT1H\nSUMMARY:moved\nEND:VEVENT"
    );
    let data = calendar(&body);
    let limited = |start: &str, end: &str| {
        let req = CalendarDataRequest {
            limit_recurrence_set: Some(TimeRange::new(ts(start), ts(end))),
            ..Default::default()
        };
        calendar_data(&req, &data, &utc()).unwrap()
    };
    assert!(limited("2024-01-10T08:59:00Z", "2024-01-10T09:00:00Z").contains("SUMMARY:moved"));
    let after = limited("2024-01-10T09:00:00Z", "2024-01-10T10:00:00Z");
    assert!(after.contains("SUMMARY:master"));
    assert!(!after.contains("SUMMARY:moved"), "{after}");
}
