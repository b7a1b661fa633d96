//! Property tests: the engine against a brute-force oracle (enumerate days, filter), and
//! skipping ahead against walking from DTSTART.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "recur_helpers.rs"]
mod helpers;

use helpers::{schedule, single};
use jiff::civil::{Date, DateTime, Weekday, date};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use kairos_ical::TimeRange;
use proptest::prelude::*;

const DAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

#[derive(Clone, Debug)]
enum Freq {
    Daily,
    Weekly,
    Monthly,
}

#[derive(Clone, Debug)]
struct Case {
    start: Date,
    freq: Freq,
    interval: i64,
    by_day: Vec<usize>,
    by_month_day: Vec<i8>,
    end: End,
}

#[derive(Clone, Debug)]
enum End {
    Count(usize),
    Until(i64),
    Never,
}

fn case() -> impl Strategy<Value = Case> {
    (
        0i64..3000,
        prop_oneof![Just(Freq::Daily), Just(Freq::Weekly), Just(Freq::Monthly)],
        1i64..4,
        proptest::collection::btree_set(0usize..7, 0..4),
        proptest::collection::btree_set(prop_oneof![1i8..=31, -31i8..=-1], 0..3),
        prop_oneof![
            (1usize..40).prop_map(End::Count),
            (0i64..400).prop_map(End::Until),
            Just(End::Never)
        ],
    )
        .prop_map(|(offset, freq, interval, by_day, by_month_day, end)| {
            let by_month_day = match freq {
                Freq::Weekly => vec![],
                _ => by_month_day.into_iter().collect(),
            };
            Case {
                start: date(2020, 1, 1).checked_add(offset.days()).unwrap(),
                freq,
                interval,
                by_day: by_day.into_iter().collect(),
                by_month_day,
                end,
            }
        })
}

impl Case {
    fn rrule(&self) -> String {
        let freq = match self.freq {
            Freq::Daily => "DAILY",
            Freq::Weekly => "WEEKLY",
            Freq::Monthly => "MONTHLY",
        };
        let mut rule = format!("FREQ={freq};INTERVAL={}", self.interval);
        if !self.by_day.is_empty() {
            let days: Vec<_> = self.by_day.iter().map(|&d| DAYS[d].0).collect();
            rule.push_str(&format!(";BYDAY={}", days.join(",")));
        }
        if !self.by_month_day.is_empty() {
            let days: Vec<_> = self.by_month_day.iter().map(i8::to_string).collect();
            rule.push_str(&format!(";BYMONTHDAY={}", days.join(",")));
        }
        match self.end {
            End::Count(n) => rule.push_str(&format!(";COUNT={n}")),
            End::Until(d) => {
                let until = self.start.checked_add(d.days()).unwrap();
                rule.push_str(&format!(";UNTIL={}T100000", until.strftime("%Y%m%d")));
            }
            End::Never => {}
        }
        rule
    }

    /// Whether `day` is in the rule's set (ignoring COUNT/UNTIL and DTSTART's privilege).
    fn matches(&self, day: Date) -> bool {
        let weekdays: Vec<Weekday> = self.by_day.iter().map(|&d| DAYS[d].1).collect();
        let month_day_ok = |d: Date| {
            self.by_month_day.iter().any(|&m| {
                let m = i16::from(m);
                let len = i16::from(d.days_in_month());
                let want = if m > 0 { m } else { len + 1 + m };
                i16::from(d.day()) == want
            })
        };
        let since = day.since(self.start).unwrap().get_days() as i64;
        match self.freq {
            Freq::Daily => {
                since % self.interval == 0
                    && (weekdays.is_empty() || weekdays.contains(&day.weekday()))
                    && (self.by_month_day.is_empty() || month_day_ok(day))
            }
            Freq::Weekly => {
                let monday = |d: Date| {
                    d.checked_sub(i64::from(d.weekday().to_monday_zero_offset()).days())
                        .unwrap()
                };
                let weeks = monday(day).since(monday(self.start)).unwrap().get_days() as i64 / 7;
                let days = if weekdays.is_empty() {
                    vec![self.start.weekday()]
                } else {
                    weekdays
                };
                weeks % self.interval == 0 && days.contains(&day.weekday())
            }
            Freq::Monthly => {
                let months = (i64::from(day.year()) * 12 + i64::from(day.month()))
                    - (i64::from(self.start.year()) * 12 + i64::from(self.start.month()));
                if months % self.interval != 0 {
                    return false;
                }
                match (weekdays.is_empty(), self.by_month_day.is_empty()) {
                    (true, true) => day.day() == self.start.day(),
                    (false, true) => weekdays.contains(&day.weekday()),
                    (true, false) => month_day_ok(day),
                    (false, false) => weekdays.contains(&day.weekday()) && month_day_ok(day),
                }
            }
        }
    }

    /// Brute force: every day from DTSTART for `days` days, filtered.
    fn oracle(&self, days: i64) -> Vec<DateTime> {
        let mut out = vec![self.start.at(10, 0, 0, 0)];
        for n in 1..days {
            let day = self.start.checked_add(n.days()).unwrap();
            if let End::Until(u) = self.end
                && n > u
            {
                break;
            }
            if let End::Count(c) = self.end
                && out.len() >= c
            {
                break;
            }
            if self.matches(day) {
                out.push(day.at(10, 0, 0, 0));
            }
        }
        out
    }
}

fn ts(dt: DateTime) -> Timestamp {
    dt.to_zoned(TimeZone::UTC).unwrap().timestamp()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn engine_agrees_with_brute_force(case in case()) {
        const DAYS_SCANNED: i64 = 500;
        let bytes = single(
            "VEVENT",
            &format!("DTSTART:{}\nDURATION:PT1H\nRRULE:{}", case.start.at(10, 0, 0, 0).strftime("%Y%m%dT%H%M%S"), case.rrule()),
        );
        let s = schedule(&bytes);
        let end = case.start.checked_add(DAYS_SCANNED.days()).unwrap().at(0, 0, 0, 0);
        let window = TimeRange::new(ts(case.start.at(0, 0, 0, 0)), ts(end));
        let got: Vec<Timestamp> = s
            .instances(&window, &TimeZone::UTC, 10_000)
            .instances
            .iter()
            .map(|i| i.start.unwrap())
            .collect();
        let want: Vec<Timestamp> = case.oracle(DAYS_SCANNED).into_iter().map(ts).collect();
        prop_assert_eq!(got, want, "{}", case.rrule());
    }

    #[test]
    fn skipping_ahead_changes_nothing(
        case in case(),
        rule in prop_oneof![
            Just("FREQ=HOURLY;INTERVAL=5"),
            Just("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9,17"),
            Just("FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,17"),
            Just("FREQ=SECONDLY;INTERVAL=50;BYMINUTE=0"),
            Just("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"),
            Just("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO"),
            Just("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2"),
            Just("FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=TU,SU"),
            Just(""),
        ],
        skip_days in 30i64..4000,
    ) {
        let rule = if rule.is_empty() {
            match case.end { End::Never => case.rrule(), _ => return Ok(()) }
        } else {
            rule.to_owned()
        };
        let bytes = single(
            "VEVENT",
            &format!("DTSTART;TZID=Europe/Paris:{}\nDURATION:PT2H\nRRULE:{rule}", case.start.at(10, 30, 0, 0).strftime("%Y%m%dT%H%M%S")),
        );
        let s = schedule(&bytes);
        // Walking from DTSTART must stay within the work budget for the comparison.
        let sub_daily = ["HOURLY", "MINUTELY", "SECONDLY"].iter().any(|f| rule.contains(f));
        let (skip_days, window_hours) = if sub_daily { (skip_days % 12 + 1, 30) } else { (skip_days, 24 * 40) };
        let from = ts(case.start.checked_add(skip_days.days()).unwrap().at(0, 0, 0, 0));
        let to = from.checked_add(jiff::SignedDuration::from_hours(window_hours)).unwrap();
        let window = TimeRange::new(from, to);
        let skipped = s.instances(&window, &TimeZone::UTC, 100_000);
        let walked = s.instances(&TimeRange { start: None, end: Some(to) }, &TimeZone::UTC, 100_000);
        prop_assert!(!skipped.truncated && !walked.truncated);
        let walked: Vec<_> = walked.instances.into_iter().filter(|i| i.span.overlaps(&window)).collect();
        let starts = |v: &[kairos_ical::Instance]| v.iter().map(|i| i.start).collect::<Vec<_>>();
        prop_assert!(skipped.instances == walked, "{}: {:?} != {:?}", rule, starts(&skipped.instances).first(), starts(&walked).first());
    }
}

/// Pieces a mutated calendar is built from: valid and broken values alike.
fn line() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("DTSTART:20240101T090000Z"),
        Just("DTSTART;TZID=Europe/Paris:20240101T090000"),
        Just("DTSTART;VALUE=DATE:20240101"),
        Just("DTEND:20240101T100000Z"),
        Just("DURATION:-P1W"),
        Just("RRULE:FREQ=SECONDLY;BYSETPOS=-366;BYDAY=MO"),
        Just("RRULE:FREQ=MONTHLY;BYDAY=-5MO"),
        Just("RRULE:FREQ=YEARLY;INTERVAL=999999999;COUNT=999999999"),
        Just("RRULE:FREQ=DAILY;UNTIL=99991231T235959Z"),
        Just("RRULE:FREQ=MINUTELY;BYSECOND=60"),
        Just("RDATE;VALUE=PERIOD:20240101T100000Z/P99999D"),
        Just("EXDATE;VALUE=DATE:20240101"),
        Just("RECURRENCE-ID;RANGE=THISANDFUTURE:20240102T090000Z"),
        Just("DUE:20240101T100000Z"),
        Just("COMPLETED:20240101T100000Z"),
        Just(
            "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER;RELATED=END:-P9999W\nREPEAT:4000000000\nDURATION:PT1S\nEND:VALARM"
        ),
        Just("DTSTART:99991231T235959Z"),
        Just("DTSTART:00010101T000000Z"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn odd_input_never_panics(
        kind in prop_oneof![Just("VEVENT"), Just("VTODO"), Just("VJOURNAL"), Just("VFREEBUSY")],
        lines in proptest::collection::vec(line(), 0..6),
    ) {
        let bytes = single(kind, &lines.join("\n"));
        if let Ok(s) = kairos_ical::Schedule::parse(&bytes) {
            let window = TimeRange::new(
                ts(date(2024, 1, 1).at(0, 0, 0, 0)),
                ts(date(2024, 2, 1).at(0, 0, 0, 0)),
            );
            let e = s.instances(&window, &TimeZone::UTC, 50);
            prop_assert!(e.instances.len() <= 50);
            let _ = s.bounds();
            for i in &e.instances {
                let triggers = s.alarm_triggers(i, &TimeZone::UTC);
                // REPEAT is capped per alarm: the trigger plus at most 1,000 repetitions.
                let most = triggers.iter().fold(std::collections::HashMap::new(), |mut m, t| {
                    *m.entry(t.alarm).or_insert(0usize) += 1;
                    m
                });
                prop_assert!(most.values().all(|&n| n <= 1001));
            }
        }
    }
}
