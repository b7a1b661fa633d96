//! Helpers shared by the recurrence tests (included with `#[path]`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kairos_ical::{Expansion, Schedule, TimeRange};

/// A VCALENDAR holding `body` verbatim.
pub fn calendar(body: &str) -> Vec<u8> {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kairos//recur tests//EN\r\n{body}\r\nEND:VCALENDAR\r\n")
        .replace("\r\n", "\n")
        .into_bytes()
}

/// A calendar with one component of `kind` holding `props` (UID and DTSTAMP added).
pub fn single(kind: &str, props: &str) -> Vec<u8> {
    calendar(&format!(
        "BEGIN:{kind}\nUID:test@kairos\nDTSTAMP:20240101T000000Z\n{props}\nEND:{kind}"
    ))
}

/// Parses after checking that ingest accepts the bytes, as the server would.
pub fn schedule(bytes: &[u8]) -> Schedule {
    kairos_ical::ingest(bytes).unwrap_or_else(|e| panic!("ingest: {e}"));
    Schedule::parse(bytes).unwrap()
}

/// A UTC instant from `YYYYMMDDTHHMMSSZ`.
pub fn utc(s: &str) -> Timestamp {
    let s = s.trim_end_matches('Z');
    let dt = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", s).unwrap();
    dt.to_zoned(TimeZone::UTC).unwrap().timestamp()
}

/// The instant of civil `YYYYMMDDTHHMMSS` in the IANA zone `tz`.
pub fn local(s: &str, tz: &str) -> Timestamp {
    let dt = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%S", s).unwrap();
    dt.to_zoned(TimeZone::get(tz).unwrap()).unwrap().timestamp()
}

/// `[start, end)` from two UTC strings.
pub fn range(start: &str, end: &str) -> TimeRange {
    TimeRange::new(utc(start), utc(end))
}

/// An instant shown as civil `YYYYMMDDTHHMMSS` in `tz`.
pub fn civil_in(t: Timestamp, tz: &str) -> String {
    t.to_zoned(TimeZone::get(tz).unwrap())
        .strftime("%Y%m%dT%H%M%S")
        .to_string()
}

/// An instant as `YYYYMMDDTHHMMSSZ`.
pub fn utc_string(t: Timestamp) -> String {
    t.to_zoned(TimeZone::UTC)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// The starts of an expansion, shown in `tz`.
pub fn starts(e: &Expansion, tz: &str) -> Vec<String> {
    e.instances
        .iter()
        .map(|i| civil_in(i.start.unwrap(), tz))
        .collect()
}

/// The starts of an expansion in UTC.
pub fn utc_starts(e: &Expansion) -> Vec<String> {
    e.instances
        .iter()
        .map(|i| utc_string(i.start.unwrap()))
        .collect()
}

/// Every instance of a schedule in a window, floating as UTC, cap 10,000.
pub fn expand(s: &Schedule, window: &TimeRange) -> Expansion {
    s.instances(window, &TimeZone::UTC, 10_000)
}
