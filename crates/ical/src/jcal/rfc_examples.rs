//! The examples of RFC 7265, checked for the exact JSON in both directions. The two
//! Appendix B calendars are in `tests/data/jcal`, written from the RFC by hand; where the
//! RFC's JSON disagrees with its own iCalendar or its §3.6.9 (the second event's SUMMARY,
//! the RDATE period as one string), the fixture follows the iCalendar and §3.6.9.

use serde_json::{Value, json};

use super::{from_jcal, to_jcal};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/jcal/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn appendix_b(name: &str) {
    let ical = fixture(&format!("{name}.ics"));
    let expected: Value = serde_json::from_slice(&fixture(&format!("{name}.json"))).unwrap();
    assert_eq!(
        to_jcal(&ical).unwrap(),
        expected,
        "{name}: iCalendar to jCal"
    );
    // The text itself may differ from the fixture (VALUE goes first, folds move); the
    // fixture round trip in `round_trip` compares the lines semantically.
    let text = from_jcal(&expected).unwrap();
    assert_eq!(
        to_jcal(text.as_bytes()).unwrap(),
        expected,
        "{name}: jCal to iCalendar"
    );
}

#[test]
fn appendix_b1() {
    appendix_b("rfc7265-b1");
}

#[test]
fn appendix_b2() {
    appendix_b("rfc7265-b2");
}

/// One property line and its jCal array, each the other's conversion.
fn both_ways(line: &str, prop: Value) {
    let ical = format!("BEGIN:VCALENDAR\r\n{line}\r\nEND:VCALENDAR\r\n");
    let jcal = to_jcal(ical.as_bytes()).unwrap();
    assert_eq!(jcal[1][0], prop, "{line} to jCal");
    let back = from_jcal(&json!(["vcalendar", [prop], []])).unwrap();
    assert_eq!(back.replace("\r\n ", ""), ical, "{prop} to iCalendar");
}

#[test]
fn section_3_4_special_properties() {
    both_ways(
        "CATEGORIES:computers,cameras",
        json!(["categories", {}, "text", "computers", "cameras"]),
    );
    both_ways(
        "GEO:37.386013;-122.082932",
        json!(["geo", {}, "float", [37.386013, -122.082932]]),
    );
    both_ways(
        "REQUEST-STATUS:2.0;Success",
        json!(["request-status", {}, "text", ["2.0", "Success"]]),
    );
    both_ways(
        "REQUEST-STATUS:3.7;Invalid calendar user;ATTENDEE:mailto:jsmith@example.org",
        json!([
            "request-status",
            {},
            "text",
            [
                "3.7",
                "Invalid calendar user",
                "ATTENDEE:mailto:jsmith@example.org"
            ]
        ]),
    );
}

#[test]
fn section_3_5_parameters() {
    both_ways(
        "ATTENDEE;DELEGATED-TO=\"mailto:jdoe@example.com\",\"mailto:jqpublic@example.com\":mailto:jsmith@example.com",
        json!(["attendee",
            {"delegated-to": ["mailto:jdoe@example.com", "mailto:jqpublic@example.com"]},
            "cal-address", "mailto:jsmith@example.com"]),
    );
    both_ways(
        "DTSTART;VALUE=DATE;TZID=Europe/Berlin:20111217",
        json!(["dtstart", {"tzid": "Europe/Berlin"}, "date", "2011-12-17"]),
    );
}

#[test]
fn section_3_6_values() {
    for (line, prop) in [
        (
            "ATTACH;VALUE=BINARY;ENCODING=BASE64:SGVsbG8gV29ybGQh",
            json!(["attach", {"encoding": "BASE64"}, "binary", "SGVsbG8gV29ybGQh"]),
        ),
        (
            "X-NON-SMOKING;VALUE=BOOLEAN:TRUE",
            json!(["x-non-smoking", {}, "boolean", true]),
        ),
        (
            "ATTENDEE:mailto:kewisch@example.com",
            json!(["attendee", {}, "cal-address", "mailto:kewisch@example.com"]),
        ),
        (
            "DTSTART;VALUE=DATE:20110517",
            json!(["dtstart", {}, "date", "2011-05-17"]),
        ),
        (
            "DTSTART:20121017T120000",
            json!(["dtstart", {}, "date-time", "2012-10-17T12:00:00"]),
        ),
        (
            "DTSTAMP:20121117T120000Z",
            json!(["dtstamp", {}, "date-time", "2012-11-17T12:00:00Z"]),
        ),
        (
            "DTEND;TZID=Europe/Berlin:20111217T130000",
            json!(["dtend", {"tzid": "Europe/Berlin"}, "date-time", "2011-12-17T13:00:00"]),
        ),
        ("DURATION:P1D", json!(["duration", {}, "duration", "P1D"])),
        (
            "X-GRADE;VALUE=FLOAT:1.3",
            json!(["x-grade", {}, "float", 1.3]),
        ),
        (
            "PERCENT-COMPLETE:42",
            json!(["percent-complete", {}, "integer", 42]),
        ),
        (
            "X-FOO;VALUE=INTEGER:-42",
            json!(["x-foo", {}, "integer", -42]),
        ),
        (
            "FREEBUSY;FBTYPE=FREE:19970308T160000Z/P1D",
            json!(["freebusy", {"fbtype": "FREE"}, "period", ["1997-03-08T16:00:00Z", "P1D"]]),
        ),
        (
            "RRULE:FREQ=YEARLY;COUNT=5;BYDAY=-1SU,2MO;BYMONTH=10",
            json!(["rrule", {}, "recur",
                {"freq": "YEARLY", "count": 5, "byday": ["-1SU", "2MO"], "bymonth": 10}]),
        ),
        (
            "RRULE:FREQ=MONTHLY;UNTIL=20131001;INTERVAL=2;BYMONTHDAY=1,15,-1",
            json!(["rrule", {}, "recur",
                {"freq": "MONTHLY", "interval": 2, "bymonthday": [1, 15, -1], "until": "2013-10-01"}]),
        ),
        (
            "COMMENT:hello\\, world",
            json!(["comment", {}, "text", "hello, world"]),
        ),
        (
            "X-TIME-LOCAL;VALUE=TIME:123000",
            json!(["x-time-local", {}, "time", "12:30:00"]),
        ),
        (
            "X-TIME-UTC;VALUE=TIME:123100Z",
            json!(["x-time-utc", {}, "time", "12:31:00Z"]),
        ),
        (
            "TZURL:http://example.org/tz/Europe-Berlin.ics",
            json!([
                "tzurl",
                {},
                "uri",
                "http://example.org/tz/Europe-Berlin.ics"
            ]),
        ),
        (
            "TZOFFSETFROM:-0500",
            json!(["tzoffsetfrom", {}, "utc-offset", "-05:00"]),
        ),
        (
            "TZOFFSETTO:+1245",
            json!(["tzoffsetto", {}, "utc-offset", "+12:45"]),
        ),
        (
            "TRIGGER;VALUE=DATE-TIME:19760401T005545Z",
            json!(["trigger", {}, "date-time", "1976-04-01T00:55:45Z"]),
        ),
    ] {
        both_ways(line, prop);
    }
}

#[test]
fn section_5_3_unknown_properties() {
    both_ways(
        "X-COMPLAINT-DEADLINE:20110512T120000Z",
        json!(["x-complaint-deadline", {}, "unknown", "20110512T120000Z"]),
    );
    both_ways(
        "X-COFFEE-DATA:Stenophylla;Guinea\\,Africa",
        json!([
            "x-coffee-data",
            {},
            "unknown",
            "Stenophylla;Guinea\\,Africa"
        ]),
    );
    // A known type on an unknown property needs its VALUE parameter back.
    both_ways(
        "X-COMPLAINT-DEADLINE;VALUE=DATE-TIME:20110512T120000Z",
        json!([
            "x-complaint-deadline",
            {},
            "date-time",
            "2011-05-12T12:00:00Z"
        ]),
    );
}
