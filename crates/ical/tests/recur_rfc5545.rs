//! Every recurrence example of RFC 5545 §3.8.5.3, checked instance by instance.
//! The RFC states its results in America/New_York; so do these tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "recur_helpers.rs"]
mod helpers;

use helpers::{local, schedule, single, starts};
use jiff::tz::TimeZone;
use kairos_ical::TimeRange;

const NY: &str = "America/New_York";

/// `days` of `month` in `year` at `time` (HHMMSS), as civil strings.
fn on(year: u16, month: u8, days: &[u8], time: &str) -> Vec<String> {
    days.iter()
        .map(|d| format!("{year:04}{month:02}{d:02}T{time}"))
        .collect()
}

/// `on` at 09:00.
fn nine(year: u16, month: u8, days: &[u8]) -> Vec<String> {
    on(year, month, days, "090000")
}

fn span(a: u8, b: u8) -> Vec<u8> {
    (a..=b).collect()
}

/// Expands an event in New York from `dtstart` with `extra` properties, in the window
/// `[dtstart, until)` (local), and compares with `expected`.
fn check(dtstart: &str, extra: &str, until_local: &str, expected: Vec<Vec<String>>) {
    let bytes = single(
        "VEVENT",
        &format!("DTSTART;TZID={NY}:{dtstart}\nDURATION:PT1H\n{extra}"),
    );
    let s = schedule(&bytes);
    let window = TimeRange::new(local(dtstart, NY), local(until_local, NY));
    let e = s.instances(&window, &TimeZone::UTC, 10_000);
    assert!(!e.truncated, "{extra}");
    let expected: Vec<String> = expected.into_iter().flatten().collect();
    assert_eq!(starts(&e, NY), expected, "{extra}");
}

#[test]
fn daily_for_10_occurrences() {
    check(
        "19970902T090000",
        "RRULE:FREQ=DAILY;COUNT=10",
        "19990101T000000",
        vec![nine(1997, 9, &span(2, 11))],
    );
}

#[test]
fn daily_until_december_24() {
    check(
        "19970902T090000",
        "RRULE:FREQ=DAILY;UNTIL=19971224T000000Z",
        "19990101T000000",
        vec![
            nine(1997, 9, &span(2, 30)),
            nine(1997, 10, &span(1, 31)),
            nine(1997, 11, &span(1, 30)),
            nine(1997, 12, &span(1, 23)),
        ],
    );
}

#[test]
fn every_other_day_forever() {
    check(
        "19970902T090000",
        "RRULE:FREQ=DAILY;INTERVAL=2",
        "19971204T000000",
        vec![
            nine(1997, 9, &(2..=30).step_by(2).collect::<Vec<_>>()),
            nine(1997, 10, &(2..=30).step_by(2).collect::<Vec<_>>()),
            nine(1997, 11, &(1..=29).step_by(2).collect::<Vec<_>>()),
            nine(1997, 12, &[1, 3]),
        ],
    );
}

#[test]
fn every_10_days_5_occurrences() {
    check(
        "19970902T090000",
        "RRULE:FREQ=DAILY;INTERVAL=10;COUNT=5",
        "19990101T000000",
        vec![nine(1997, 9, &[2, 12, 22]), nine(1997, 10, &[2, 12])],
    );
}

#[test]
fn every_day_in_january_for_3_years() {
    let expected = || {
        vec![
            nine(1998, 1, &span(1, 31)),
            nine(1999, 1, &span(1, 31)),
            nine(2000, 1, &span(1, 31)),
        ]
    };
    check(
        "19980101T090000",
        "RRULE:FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        "20010101T000000",
        expected(),
    );
    check(
        "19980101T090000",
        "RRULE:FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
        "20010101T000000",
        expected(),
    );
}

#[test]
fn weekly_for_10_occurrences() {
    check(
        "19970902T090000",
        "RRULE:FREQ=WEEKLY;COUNT=10",
        "19990101T000000",
        vec![
            nine(1997, 9, &[2, 9, 16, 23, 30]),
            nine(1997, 10, &[7, 14, 21, 28]),
            nine(1997, 11, &[4]),
        ],
    );
}

#[test]
fn weekly_until_december_24() {
    check(
        "19970902T090000",
        "RRULE:FREQ=WEEKLY;UNTIL=19971224T000000Z",
        "19990101T000000",
        vec![
            nine(1997, 9, &[2, 9, 16, 23, 30]),
            nine(1997, 10, &[7, 14, 21, 28]),
            nine(1997, 11, &[4, 11, 18, 25]),
            nine(1997, 12, &[2, 9, 16, 23]),
        ],
    );
}

#[test]
fn every_other_week_forever() {
    check(
        "19970902T090000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;WKST=SU",
        "19980218T000000",
        vec![
            nine(1997, 9, &[2, 16, 30]),
            nine(1997, 10, &[14, 28]),
            nine(1997, 11, &[11, 25]),
            nine(1997, 12, &[9, 23]),
            nine(1998, 1, &[6, 20]),
            nine(1998, 2, &[3, 17]),
        ],
    );
}

#[test]
fn weekly_on_tuesday_and_thursday_for_five_weeks() {
    let expected = || {
        vec![
            nine(1997, 9, &[2, 4, 9, 11, 16, 18, 23, 25, 30]),
            nine(1997, 10, &[2]),
        ]
    };
    check(
        "19970902T090000",
        "RRULE:FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
        "19990101T000000",
        expected(),
    );
    check(
        "19970902T090000",
        "RRULE:FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
        "19990101T000000",
        expected(),
    );
}

#[test]
fn every_other_week_mo_we_fr_until_december_24() {
    check(
        "19970901T090000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
        "19990101T000000",
        vec![
            nine(1997, 9, &[1, 3, 5, 15, 17, 19, 29]),
            nine(1997, 10, &[1, 3, 13, 15, 17, 27, 29, 31]),
            nine(1997, 11, &[10, 12, 14, 24, 26, 28]),
            nine(1997, 12, &[8, 10, 12, 22]),
        ],
    );
}

#[test]
fn every_other_week_tu_th_for_8_occurrences() {
    check(
        "19970902T090000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
        "19990101T000000",
        vec![
            nine(1997, 9, &[2, 4, 16, 18, 30]),
            nine(1997, 10, &[2, 14, 16]),
        ],
    );
}

#[test]
fn monthly_on_the_first_friday_for_10_occurrences() {
    check(
        "19970905T090000",
        "RRULE:FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
        "19990101T000000",
        vec![
            nine(1997, 9, &[5]),
            nine(1997, 10, &[3]),
            nine(1997, 11, &[7]),
            nine(1997, 12, &[5]),
            nine(1998, 1, &[2]),
            nine(1998, 2, &[6]),
            nine(1998, 3, &[6]),
            nine(1998, 4, &[3]),
            nine(1998, 5, &[1]),
            nine(1998, 6, &[5]),
        ],
    );
}

#[test]
fn monthly_on_the_first_friday_until_december_24() {
    check(
        "19970905T090000",
        "RRULE:FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
        "19990101T000000",
        vec![
            nine(1997, 9, &[5]),
            nine(1997, 10, &[3]),
            nine(1997, 11, &[7]),
            nine(1997, 12, &[5]),
        ],
    );
}

#[test]
fn every_other_month_first_and_last_sunday_for_10() {
    check(
        "19970907T090000",
        "RRULE:FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
        "19990101T000000",
        vec![
            nine(1997, 9, &[7, 28]),
            nine(1997, 11, &[2, 30]),
            nine(1998, 1, &[4, 25]),
            nine(1998, 3, &[1, 29]),
            nine(1998, 5, &[3, 31]),
        ],
    );
}

#[test]
fn monthly_second_to_last_monday_for_6_months() {
    check(
        "19970922T090000",
        "RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
        "19990101T000000",
        vec![
            nine(1997, 9, &[22]),
            nine(1997, 10, &[20]),
            nine(1997, 11, &[17]),
            nine(1997, 12, &[22]),
            nine(1998, 1, &[19]),
            nine(1998, 2, &[16]),
        ],
    );
}

#[test]
fn monthly_third_to_the_last_day_forever() {
    check(
        "19970928T090000",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=-3",
        "19980301T000000",
        vec![
            nine(1997, 9, &[28]),
            nine(1997, 10, &[29]),
            nine(1997, 11, &[28]),
            nine(1997, 12, &[29]),
            nine(1998, 1, &[29]),
            nine(1998, 2, &[26]),
        ],
    );
}

#[test]
fn monthly_on_the_2nd_and_15th_for_10() {
    check(
        "19970902T090000",
        "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
        "19990101T000000",
        vec![
            nine(1997, 9, &[2, 15]),
            nine(1997, 10, &[2, 15]),
            nine(1997, 11, &[2, 15]),
            nine(1997, 12, &[2, 15]),
            nine(1998, 1, &[2, 15]),
        ],
    );
}

#[test]
fn monthly_first_and_last_day_for_10() {
    check(
        "19970930T090000",
        "RRULE:FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
        "19990101T000000",
        vec![
            nine(1997, 9, &[30]),
            nine(1997, 10, &[1, 31]),
            nine(1997, 11, &[1, 30]),
            nine(1997, 12, &[1, 31]),
            nine(1998, 1, &[1, 31]),
            nine(1998, 2, &[1]),
        ],
    );
}

#[test]
fn every_18_months_10th_to_15th_for_10() {
    check(
        "19970910T090000",
        "RRULE:FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
        "20010101T000000",
        vec![nine(1997, 9, &span(10, 15)), nine(1999, 3, &span(10, 13))],
    );
}

#[test]
fn every_tuesday_every_other_month() {
    check(
        "19970902T090000",
        "RRULE:FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
        "19980401T000000",
        vec![
            nine(1997, 9, &[2, 9, 16, 23, 30]),
            nine(1997, 11, &[4, 11, 18, 25]),
            nine(1998, 1, &[6, 13, 20, 27]),
            nine(1998, 3, &[3, 10, 17, 24, 31]),
        ],
    );
}

#[test]
fn yearly_in_june_and_july_for_10() {
    check(
        "19970610T090000",
        "RRULE:FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
        "20100101T000000",
        (1997..=2001)
            .flat_map(|y| [nine(y, 6, &[10]), nine(y, 7, &[10])])
            .collect(),
    );
}

#[test]
fn every_other_year_january_to_march_for_10() {
    let mut expected = vec![nine(1997, 3, &[10])];
    for y in [1999, 2001, 2003] {
        expected.extend([nine(y, 1, &[10]), nine(y, 2, &[10]), nine(y, 3, &[10])]);
    }
    check(
        "19970310T090000",
        "RRULE:FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
        "20100101T000000",
        expected,
    );
}

#[test]
fn every_third_year_1st_100th_200th_day_for_10() {
    check(
        "19970101T090000",
        "RRULE:FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
        "20100101T000000",
        vec![
            nine(1997, 1, &[1]),
            nine(1997, 4, &[10]),
            nine(1997, 7, &[19]),
            nine(2000, 1, &[1]),
            nine(2000, 4, &[9]),
            nine(2000, 7, &[18]),
            nine(2003, 1, &[1]),
            nine(2003, 4, &[10]),
            nine(2003, 7, &[19]),
            nine(2006, 1, &[1]),
        ],
    );
}

#[test]
fn every_20th_monday_of_the_year() {
    check(
        "19970519T090000",
        "RRULE:FREQ=YEARLY;BYDAY=20MO",
        "19991231T000000",
        vec![
            nine(1997, 5, &[19]),
            nine(1998, 5, &[18]),
            nine(1999, 5, &[17]),
        ],
    );
}

#[test]
fn monday_of_week_number_20() {
    check(
        "19970512T090000",
        "RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        "19991231T000000",
        vec![
            nine(1997, 5, &[12]),
            nine(1998, 5, &[11]),
            nine(1999, 5, &[17]),
        ],
    );
}

#[test]
fn every_thursday_in_march() {
    check(
        "19970313T090000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
        "19991231T000000",
        vec![
            nine(1997, 3, &[13, 20, 27]),
            nine(1998, 3, &[5, 12, 19, 26]),
            nine(1999, 3, &[4, 11, 18, 25]),
        ],
    );
}

#[test]
fn every_thursday_in_june_july_august() {
    check(
        "19970605T090000",
        "RRULE:FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
        "19991231T000000",
        vec![
            nine(1997, 6, &[5, 12, 19, 26]),
            nine(1997, 7, &[3, 10, 17, 24, 31]),
            nine(1997, 8, &[7, 14, 21, 28]),
            nine(1998, 6, &[4, 11, 18, 25]),
            nine(1998, 7, &[2, 9, 16, 23, 30]),
            nine(1998, 8, &[6, 13, 20, 27]),
            nine(1999, 6, &[3, 10, 17, 24]),
            nine(1999, 7, &[1, 8, 15, 22, 29]),
            nine(1999, 8, &[5, 12, 19, 26]),
        ],
    );
}

#[test]
fn every_friday_the_13th() {
    check(
        "19970902T090000",
        "EXDATE;TZID=America/New_York:19970902T090000\nRRULE:FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        "20001231T000000",
        vec![
            nine(1998, 2, &[13]),
            nine(1998, 3, &[13]),
            nine(1998, 11, &[13]),
            nine(1999, 8, &[13]),
            nine(2000, 10, &[13]),
        ],
    );
}

#[test]
fn first_saturday_after_first_sunday() {
    check(
        "19970913T090000",
        "RRULE:FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
        "19980614T000000",
        vec![
            nine(1997, 9, &[13]),
            nine(1997, 10, &[11]),
            nine(1997, 11, &[8]),
            nine(1997, 12, &[13]),
            nine(1998, 1, &[10]),
            nine(1998, 2, &[7]),
            nine(1998, 3, &[7]),
            nine(1998, 4, &[11]),
            nine(1998, 5, &[9]),
            nine(1998, 6, &[13]),
        ],
    );
}

#[test]
fn us_presidential_election_day() {
    check(
        "19961105T090000",
        "RRULE:FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
        "20050101T000000",
        vec![
            nine(1996, 11, &[5]),
            nine(2000, 11, &[7]),
            nine(2004, 11, &[2]),
        ],
    );
}

#[test]
fn third_tu_we_th_of_the_month_for_3_months() {
    check(
        "19970904T090000",
        "RRULE:FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
        "19990101T000000",
        vec![
            nine(1997, 9, &[4]),
            nine(1997, 10, &[7]),
            nine(1997, 11, &[6]),
        ],
    );
}

#[test]
fn second_to_last_weekday_of_the_month() {
    check(
        "19970929T090000",
        "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
        "19980331T000000",
        vec![
            nine(1997, 9, &[29]),
            nine(1997, 10, &[30]),
            nine(1997, 11, &[27]),
            nine(1997, 12, &[30]),
            nine(1998, 1, &[29]),
            nine(1998, 2, &[26]),
            nine(1998, 3, &[30]),
        ],
    );
}

/// The RFC lists 09:00, 12:00 and 15:00, but its UNTIL (17:00Z) is 13:00 EDT, so 15:00
/// EDT lies after it: the example is inconsistent (UNTIL is inclusive and in UTC, §3.3.10).
/// We follow the normative text; with UNTIL at 21:00Z (17:00 EDT) the RFC's list comes out.
#[test]
fn every_3_hours_on_a_specific_day() {
    check(
        "19970902T090000",
        "RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
        "19990101T000000",
        vec![on(1997, 9, &[2], "090000"), on(1997, 9, &[2], "120000")],
    );
    check(
        "19970902T090000",
        "RRULE:FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z",
        "19990101T000000",
        vec![
            on(1997, 9, &[2], "090000"),
            on(1997, 9, &[2], "120000"),
            on(1997, 9, &[2], "150000"),
        ],
    );
}

#[test]
fn every_15_minutes_for_6_occurrences() {
    check(
        "19970902T090000",
        "RRULE:FREQ=MINUTELY;INTERVAL=15;COUNT=6",
        "19990101T000000",
        ["090000", "091500", "093000", "094500", "100000", "101500"]
            .iter()
            .map(|t| on(1997, 9, &[2], t))
            .collect(),
    );
}

#[test]
fn every_hour_and_a_half_for_4_occurrences() {
    check(
        "19970902T090000",
        "RRULE:FREQ=MINUTELY;INTERVAL=90;COUNT=4",
        "19990101T000000",
        ["090000", "103000", "120000", "133000"]
            .iter()
            .map(|t| on(1997, 9, &[2], t))
            .collect(),
    );
}

#[test]
fn every_20_minutes_from_9_to_16_40() {
    let mut expected = Vec::new();
    for day in [2, 3] {
        for hour in 9..=16 {
            for minute in [0, 20, 40] {
                expected.push(on(1997, 9, &[day], &format!("{hour:02}{minute:02}00")));
            }
        }
    }
    for rule in [
        "RRULE:FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        "RRULE:FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
    ] {
        check("19970902T090000", rule, "19970904T000000", expected.clone());
    }
}

#[test]
fn wkst_makes_a_difference() {
    check(
        "19970805T090000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
        "19990101T000000",
        vec![nine(1997, 8, &[5, 10, 19, 24])],
    );
    check(
        "19970805T090000",
        "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
        "19990101T000000",
        vec![nine(1997, 8, &[5, 17, 19, 31])],
    );
}

#[test]
fn invalid_dates_are_ignored() {
    check(
        "20070115T090000",
        "RRULE:FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
        "20080101T000000",
        vec![
            nine(2007, 1, &[15, 30]),
            nine(2007, 2, &[15]),
            nine(2007, 3, &[15, 30]),
        ],
    );
}
