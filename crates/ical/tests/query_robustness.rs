//! The query functions never panic and never refuse data that passed ingest: every
//! fixture, every kind of request.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use jiff::Timestamp;
use kairos_ical::query::{
    CalendarDataRequest, CompFilter, CompSelection, FreeBusy, ParsedObject, PropFilter,
    QueryOptions, TextMatch, calendar_data, matches,
};
use kairos_ical::{TimeRange, ingest};
use proptest::prelude::*;
use support::fixture;

const FIXTURES: [&str; 19] = [
    "clients/all-day-recurring.ics",
    "clients/availability.ics",
    "clients/custom-zones-and-extensions.ics",
    "clients/overrides-only.ics",
    "clients/windows-zones.ics",
    "rfc5545/conference.ics",
    "rfc5545/group-meeting.ics",
    "rfc5545/journal.ics",
    "rfc5545/todo.ics",
    "rfc4791/abcd1.ics",
    "rfc4791/abcd2.ics",
    "rfc4791/abcd3.ics",
    "rfc4791/abcd4.ics",
    "rfc4791/abcd5.ics",
    "rfc4791/abcd6.ics",
    "rfc4791/abcd7.ics",
    "rfc4791/abcd8.ics",
    "query/abcd2-errata4164.ics",
    "query/todo-alarm.ics",
];

fn window(start: i64, days: i64) -> TimeRange {
    let start = Timestamp::from_second(start).unwrap();
    TimeRange::new(start, start + jiff::SignedDuration::from_hours(24 * days))
}

fn everything_filter(range: TimeRange) -> CompFilter {
    let mut cal = CompFilter::named("VCALENDAR");
    for name in ["VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VAVAILABILITY"] {
        let mut c = CompFilter::named(name);
        c.time_range = Some(range);
        let mut alarm = CompFilter::named("VALARM");
        alarm.time_range = Some(range);
        c.comp_filters.push(alarm);
        let mut summary = PropFilter::named("SUMMARY");
        summary.text_match = Some(TextMatch::new("e", "i;unicode-casemap"));
        c.prop_filters.push(summary);
        let mut stamp = PropFilter::named("DTSTART");
        stamp.time_range = Some(range);
        c.prop_filters.push(stamp);
        cal.comp_filters.push(c);
    }
    cal
}

#[test]
fn every_fixture_passes_ingest_and_every_query() {
    let opts = QueryOptions::default();
    let mut checked = 0;
    for name in FIXTURES {
        let data = fixture(name);
        if ingest(&data).is_err() {
            continue;
        }
        checked += 1;
        let range = window(1_104_537_600, 400); // 2005-01-01, a bit over a year
        let object = ParsedObject::parse(&data).unwrap();
        object
            .matches(&everything_filter(range), &opts)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut all = CompSelection::named("VCALENDAR");
        all.allprop = true;
        all.allcomp = true;
        for req in [
            CalendarDataRequest {
                expand: Some(range),
                comp: Some(all.clone()),
                ..Default::default()
            },
            CalendarDataRequest {
                limit_recurrence_set: Some(range),
                limit_freebusy_set: Some(range),
                ..Default::default()
            },
        ] {
            let out = object
                .calendar_data(&req, &opts)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(out.starts_with("BEGIN:VCALENDAR\r\n") && out.ends_with("END:VCALENDAR\r\n"));
        }
        let mut fb = FreeBusy::new(range);
        fb.add(&data, &opts)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert!(checked >= 15, "only {checked} fixtures pass ingest");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary windows (including far past and future) on every fixture.
    #[test]
    fn arbitrary_windows_never_panic(
        index in 0..FIXTURES.len(),
        start in -2_000_000_000i64..4_000_000_000,
        days in 1i64..4000,
        text in "\\PC{0,8}",
    ) {
        let data = fixture(FIXTURES[index]);
        prop_assume!(ingest(&data).is_ok());
        let range = window(start, days);
        let opts = QueryOptions { expansion_cap: 500, ..Default::default() };
        let mut filter = everything_filter(range);
        filter.comp_filters[0].prop_filters[0].text_match = Some(TextMatch::new(&text, "i;unicode-casemap"));
        matches(&filter, &data, &opts).unwrap();
        let req = CalendarDataRequest { expand: Some(range), ..Default::default() };
        calendar_data(&req, &data, &opts).unwrap();
        let mut fb = FreeBusy::new(range);
        fb.add(&data, &opts).unwrap();
    }
}
