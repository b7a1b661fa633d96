//! Free/busy (RFC 4791 §7.10) beyond the RFC example: busy types from STATUS and TRANSP,
//! recurring events with overrides, clipping, merging across resources.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::Timestamp;
use kairos_ical::TimeRange;
use kairos_ical::query::{BusyKind, BusyPeriod, FreeBusy, QueryOptions};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn event(uid: &str, extra: &str) -> Vec<u8> {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20240101T000000Z\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    .into_bytes()
}

fn busy(start: &str, end: &str, kind: BusyKind) -> BusyPeriod {
    BusyPeriod {
        start: ts(start),
        end: ts(end),
        kind,
    }
}

fn day() -> FreeBusy {
    FreeBusy::new(TimeRange::new(
        ts("2024-03-01T00:00:00Z"),
        ts("2024-03-02T00:00:00Z"),
    ))
}

#[test]
fn status_and_transparency() {
    let mut fb = day();
    let opts = QueryOptions::default();
    for (uid, extra) in [
        (
            "plain",
            "DTSTART:20240301T090000Z\r\nDTEND:20240301T100000Z\r\n",
        ),
        (
            "confirmed",
            "DTSTART:20240301T093000Z\r\nDTEND:20240301T110000Z\r\nSTATUS:CONFIRMED\r\n",
        ),
        (
            "tentative",
            "DTSTART:20240301T120000Z\r\nDTEND:20240301T130000Z\r\nSTATUS:TENTATIVE\r\n",
        ),
        (
            "cancelled",
            "DTSTART:20240301T140000Z\r\nDTEND:20240301T150000Z\r\nSTATUS:CANCELLED\r\n",
        ),
        (
            "transparent",
            "DTSTART:20240301T160000Z\r\nDTEND:20240301T170000Z\r\nTRANSP:TRANSPARENT\r\n",
        ),
        (
            "opaque",
            "DTSTART:20240301T110000Z\r\nDTEND:20240301T113000Z\r\nTRANSP:OPAQUE\r\n",
        ),
        (
            "instant",
            "DTSTART:20240301T180000Z\r\nDTEND:20240301T180000Z\r\n",
        ),
    ] {
        fb.add(&event(uid, extra), &opts).unwrap();
    }
    assert_eq!(
        fb.periods(),
        &[
            // 09:00-10:00, 09:30-11:00 and the touching 11:00-11:30 are one busy block.
            busy(
                "2024-03-01T09:00:00Z",
                "2024-03-01T11:30:00Z",
                BusyKind::Busy
            ),
            busy(
                "2024-03-01T12:00:00Z",
                "2024-03-01T13:00:00Z",
                BusyKind::Tentative
            ),
        ]
    );
}

#[test]
fn recurring_events_clipped_and_overrides_applied() {
    let data = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;TZID=America/New_York:20240229T180000\r\nDURATION:PT8H\r\nRRULE:FREQ=DAILY;COUNT=4\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID;TZID=America/New_York:20240301T180000\r\nDTSTART;TZID=America/New_York:20240301T180000\r\nDURATION:PT1H\r\nSTATUS:TENTATIVE\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let mut fb = day();
    fb.add(data.as_bytes(), &QueryOptions::default()).unwrap();
    assert_eq!(
        fb.periods(),
        &[
            // Feb 29 18:00 EST (23:00Z) for 8 h, clipped at the range start.
            busy(
                "2024-03-01T00:00:00Z",
                "2024-03-01T07:00:00Z",
                BusyKind::Busy
            ),
            // The overridden Mar 1 instance is tentative and one hour long.
            busy(
                "2024-03-01T23:00:00Z",
                "2024-03-02T00:00:00Z",
                BusyKind::Tentative
            ),
        ]
    );
}

#[test]
fn todos_and_journals_are_never_busy() {
    let todo = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240301T090000Z\r\nDUE:20240301T100000Z\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
    let mut fb = day();
    fb.add(todo.as_bytes(), &QueryOptions::default()).unwrap();
    assert!(fb.periods().is_empty());
    let out = fb.to_ical(ts("2024-03-01T00:00:00Z"));
    assert!(!out.contains("FREEBUSY;"));
    assert!(out.contains("DTSTART:20240301T000000Z\r\nDTEND:20240302T000000Z\r\n"));
}

#[test]
fn all_day_events_are_busy_in_the_floating_zone() {
    let mut fb = FreeBusy::new(TimeRange::new(
        ts("2024-03-01T00:00:00Z"),
        ts("2024-03-03T00:00:00Z"),
    ));
    let opts = QueryOptions {
        floating: jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
        ..Default::default()
    };
    fb.add(
        &event(
            "d",
            "DTSTART;VALUE=DATE:20240301\r\nDTEND;VALUE=DATE:20240302\r\n",
        ),
        &opts,
    )
    .unwrap();
    assert_eq!(
        fb.periods(),
        &[busy(
            "2024-03-01T00:00:00Z",
            "2024-03-01T23:00:00Z",
            BusyKind::Busy
        )]
    );
}
