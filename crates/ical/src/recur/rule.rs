//! RRULE values (RFC 5545 §3.3.10) expanded in civil time with the `rrule` crate, our own
//! handling of DTSTART, COUNT and UNTIL, and a work budget.
//!
//! The rule runs on the civil (wall-clock) reading of DTSTART, handed to `rrule` as if it
//! were UTC: instances keep their local time across DST changes, and each is resolved in
//! the real zone afterwards. UNTIL and COUNT stay with us: a UTC UNTIL must be compared
//! with the *resolved* instance (the caller does that), and RFC 5545 counts DTSTART as
//! the first instance even when it does not match the rule, which `rrule` does not.

use chrono::{Datelike, NaiveDate, TimeZone as _, Timelike};
use jiff::civil::{Date, DateTime};
use jiff::{Timestamp, ToSpan};
use rrule::{Frequency, NWeekday, RRule, RRuleSetIter, Tz, Unvalidated};

use crate::value::{DateOrDateTime, parse_date_or_date_time};

/// The most rule steps one call may take (each step weighted by how many empty periods
/// `rrule` may have walked through to reach it); running out is truncation.
pub(crate) const STEP_BUDGET: u64 = 2_000_000;

/// Work left for one expansion.
#[derive(Debug)]
pub(crate) struct Budget {
    left: u64,
    /// The budget ran out before the rule ended.
    pub exhausted: bool,
}

impl Budget {
    /// A fresh budget of [`STEP_BUDGET`].
    pub fn new() -> Budget {
        Budget {
            left: STEP_BUDGET,
            exhausted: false,
        }
    }

    /// Takes `cost` steps; false (and `exhausted`) when they are not there.
    fn spend(&mut self, cost: u64) -> bool {
        match self.left.checked_sub(cost) {
            Some(left) => {
                self.left = left;
                true
            }
            None => {
                self.left = 0;
                self.exhausted = true;
                false
            }
        }
    }
}

/// How UNTIL bounds the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Until {
    /// A UTC DATE-TIME: compared with the resolved instant (by the caller).
    Utc(Timestamp),
    /// A local DATE-TIME: compared with the civil instance.
    Local(DateTime),
    /// A DATE: every instance on or before that day.
    Date(Date),
}

/// A parsed RRULE.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    freq: Frequency,
    interval: u64,
    /// COUNT.
    pub count: Option<u64>,
    /// UNTIL.
    pub until: Option<Until>,
    wkst: Option<chrono::Weekday>,
    by_second: Vec<u8>,
    by_minute: Vec<u8>,
    by_hour: Vec<u8>,
    by_day: Vec<(i16, chrono::Weekday)>,
    by_month_day: Vec<i8>,
    by_year_day: Vec<i16>,
    by_week_no: Vec<i8>,
    by_month: Vec<u8>,
    by_set_pos: Vec<i32>,
    /// RSCALE names a non-Gregorian calendar: only DTSTART is known.
    foreign_scale: bool,
}

fn weekday(s: &str) -> Option<chrono::Weekday> {
    use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
    [
        ("SU", Sun),
        ("MO", Mon),
        ("TU", Tue),
        ("WE", Wed),
        ("TH", Thu),
        ("FR", Fri),
        ("SA", Sat),
    ]
    .into_iter()
    .find(|(n, _)| n.eq_ignore_ascii_case(s))
    .map(|(_, d)| d)
}

fn ints<T: std::str::FromStr>(v: &str) -> Option<Vec<T>> {
    v.split(',')
        .map(|e| e.trim_start_matches('+').parse().ok())
        .collect()
}

fn by_day(v: &str) -> Option<Vec<(i16, chrono::Weekday)>> {
    v.split(',')
        .map(|e| {
            let split = e.len().checked_sub(2)?;
            let day = weekday(e.get(split..)?)?;
            let n = match e.get(..split)? {
                "" => 0,
                n => n.trim_start_matches('+').parse().ok()?,
            };
            Some((n, day))
        })
        .collect()
}

impl Rule {
    /// Reads an RRULE value that passed ingest; `None` when it does not parse.
    pub fn parse(value: &str) -> Option<Rule> {
        let mut rule = Rule {
            freq: Frequency::Daily,
            interval: 1,
            count: None,
            until: None,
            wkst: None,
            by_second: vec![],
            by_minute: vec![],
            by_hour: vec![],
            by_day: vec![],
            by_month_day: vec![],
            by_year_day: vec![],
            by_week_no: vec![],
            by_month: vec![],
            by_set_pos: vec![],
            foreign_scale: false,
        };
        let mut has_freq = false;
        for part in value.split(';').filter(|p| !p.is_empty()) {
            let (name, v) = part.split_once('=')?;
            match name.to_ascii_uppercase().as_str() {
                "FREQ" => {
                    has_freq = true;
                    rule.freq = match v.to_ascii_uppercase().as_str() {
                        "SECONDLY" => Frequency::Secondly,
                        "MINUTELY" => Frequency::Minutely,
                        "HOURLY" => Frequency::Hourly,
                        "DAILY" => Frequency::Daily,
                        "WEEKLY" => Frequency::Weekly,
                        "MONTHLY" => Frequency::Monthly,
                        "YEARLY" => Frequency::Yearly,
                        _ => return None,
                    }
                }
                "INTERVAL" => rule.interval = v.parse().ok().filter(|n| *n > 0)?,
                "COUNT" => rule.count = Some(v.parse().ok()?),
                "UNTIL" => {
                    rule.until = Some(match parse_date_or_date_time(v)? {
                        DateOrDateTime::Date(d) => Until::Date(d),
                        DateOrDateTime::DateTime { value, utc: true } => {
                            Until::Utc(super::zone::resolve(value, &jiff::tz::TimeZone::UTC)?)
                        }
                        DateOrDateTime::DateTime { value, utc: false } => Until::Local(value),
                    })
                }
                "WKST" => rule.wkst = Some(weekday(v)?),
                "BYSECOND" => rule.by_second = ints(v)?,
                "BYMINUTE" => rule.by_minute = ints(v)?,
                "BYHOUR" => rule.by_hour = ints(v)?,
                "BYDAY" => rule.by_day = by_day(v)?,
                "BYMONTHDAY" => rule.by_month_day = ints(v)?,
                "BYYEARDAY" => rule.by_year_day = ints(v)?,
                "BYWEEKNO" => rule.by_week_no = ints(v)?,
                // RFC 7529 leap months ("5L") only exist with a non-Gregorian RSCALE.
                "BYMONTH" => rule.by_month = ints(v)?,
                "BYSETPOS" => rule.by_set_pos = ints(v)?,
                "RSCALE" => rule.foreign_scale = !v.eq_ignore_ascii_case("GREGORIAN"),
                "SKIP" => {}
                _ => return None,
            }
        }
        has_freq.then_some(rule)
    }

    /// This rule with the parts RFC 5545 takes from DTSTART written out, so it can be
    /// started at another period without changing its instances.
    fn explicit(&self, start: DateTime) -> Rule {
        let mut rule = self.clone();
        let day_parts = !rule.by_week_no.is_empty()
            || !rule.by_year_day.is_empty()
            || !rule.by_month_day.is_empty()
            || !rule.by_day.is_empty();
        if !day_parts {
            let day = start.day();
            match rule.freq {
                Frequency::Yearly => {
                    if rule.by_month.is_empty() {
                        rule.by_month = vec![u8::try_from(start.month()).unwrap_or(1)];
                    }
                    rule.by_month_day = vec![day];
                }
                Frequency::Monthly => rule.by_month_day = vec![day],
                Frequency::Weekly => rule.by_day = vec![(0, chrono_weekday(start.date()))],
                _ => {}
            }
        }
        let coarser = |f: Frequency| (rule.freq as u8) < (f as u8);
        if rule.by_hour.is_empty() && coarser(Frequency::Hourly) {
            rule.by_hour = vec![u8::try_from(start.hour()).unwrap_or(0)];
        }
        if rule.by_minute.is_empty() && coarser(Frequency::Minutely) {
            rule.by_minute = vec![u8::try_from(start.minute()).unwrap_or(0)];
        }
        if rule.by_second.is_empty() && coarser(Frequency::Secondly) {
            rule.by_second = vec![u8::try_from(start.second()).unwrap_or(0)];
        }
        rule
    }

    /// The start of the last whole period (counted from DTSTART's, by INTERVAL) that
    /// begins at or before `target`, if that is after `start`.
    fn period_start_before(&self, start: DateTime, target: DateTime) -> Option<DateTime> {
        let interval = i64::try_from(self.interval).ok()?;
        // `rrule` steps MINUTELY/SECONDLY rules over hours (minutes) outside BYHOUR
        // (BYMINUTE) in whole units, which keeps INTERVAL's phase only when it divides 60;
        // otherwise the instances depend on where iteration starts, so never restart.
        let coarse_filter = !self.by_hour.is_empty() || !self.by_minute.is_empty();
        if matches!(self.freq, Frequency::Minutely | Frequency::Secondly)
            && coarse_filter
            && 60 % interval != 0
        {
            return None;
        }
        let midnight = jiff::civil::Time::midnight();
        let whole = |n: i64| (n > 0).then(|| n / interval * interval).filter(|k| *k > 0);
        let moved = match self.freq {
            Frequency::Yearly => {
                let k = whole(i64::from(target.year()) - i64::from(start.year()))?;
                let year = i16::try_from(i64::from(start.year()) + k).ok()?;
                Date::new(year, 1, 1).ok()?.to_datetime(midnight)
            }
            Frequency::Monthly => {
                let months = |d: DateTime| i64::from(d.year()) * 12 + i64::from(d.month()) - 1;
                let k = whole(months(target) - months(start))?;
                let m = months(start) + k;
                let year = i16::try_from(m.div_euclid(12)).ok()?;
                let month = i8::try_from(m.rem_euclid(12) + 1).ok()?;
                Date::new(year, month, 1).ok()?.to_datetime(midnight)
            }
            Frequency::Weekly => {
                let wkst = self.wkst.unwrap_or(chrono::Weekday::Mon);
                let into_week = (i64::from(chrono_weekday(start.date()).num_days_from_monday())
                    - i64::from(wkst.num_days_from_monday()))
                .rem_euclid(7);
                let week_start = start.date().checked_sub(into_week.days()).ok()?;
                let days = i64::from(target.date().since(week_start).ok()?.get_days());
                let k = whole(days.div_euclid(7))?;
                week_start
                    .checked_add((k * 7).days())
                    .ok()?
                    .to_datetime(midnight)
            }
            Frequency::Daily => {
                let days = i64::from(target.date().since(start.date()).ok()?.get_days());
                let k = whole(days)?;
                start
                    .date()
                    .checked_add(k.days())
                    .ok()?
                    .to_datetime(midnight)
            }
            Frequency::Hourly | Frequency::Minutely | Frequency::Secondly => {
                let unit: i64 = match self.freq {
                    Frequency::Hourly => 3_600,
                    Frequency::Minutely => 60,
                    _ => 1,
                };
                let base = match self.freq {
                    Frequency::Hourly => start.with().minute(0).second(0).build().ok()?,
                    Frequency::Minutely => start.with().second(0).build().ok()?,
                    _ => start,
                };
                let k = whole(target.duration_since(base).as_secs().div_euclid(unit))?;
                base.checked_add(jiff::SignedDuration::from_secs(k.checked_mul(unit)?))
                    .ok()?
            }
        };
        (moved > start).then_some(moved)
    }

    /// Whether the rule has an end (COUNT or UNTIL).
    pub fn is_finite(&self) -> bool {
        self.count.is_some() || self.until.is_some()
    }

    /// The `rrule` form of this rule, starting at `start` read as UTC; `None` when the
    /// crate cannot express it (see [`Rule::to_rrule_parts`]).
    fn to_rrule(&self, start: DateTime) -> Option<rrule::RRuleSet> {
        let dt = chrono_of(start)?;
        let rule = self.to_rrule_parts()?;
        rule.build(dt).ok().map(rrule::RRuleSet::limit)
    }

    /// The rule for the `rrule` crate, without COUNT and UNTIL. The crate validates
    /// tighter than RFC 5545 in a few places: BYSETPOS and BYDAY ordinals are bounded by
    /// the frequency (e.g. ±31 and -4..5 for MONTHLY), BYSECOND stops at 59, INTERVAL
    /// fits 16 bits. Values outside its bounds are dropped where they can never match
    /// (a leap second; a position beyond any set the rule can build); where dropping
    /// would change the meaning (`-5MO` monthly, a huge INTERVAL) the rule is refused,
    /// and the component keeps only DTSTART and its RDATEs.
    fn to_rrule_parts(&self) -> Option<RRule<Unvalidated>> {
        if self.foreign_scale {
            return None;
        }
        let interval = u16::try_from(self.interval).ok()?;
        let (day_lo, day_hi, pos_max): (i16, i16, i32) = match self.freq {
            Frequency::Yearly | Frequency::Daily => (-52, 53, 366),
            Frequency::Monthly => (-4, 5, 31),
            Frequency::Weekly => (-7, 8, 53),
            Frequency::Hourly => (-3, 4, 24),
            Frequency::Minutely | Frequency::Secondly => (-8, 9, 60),
        };
        let mut rule = RRule::new(self.freq).interval(interval);
        if let Some(wkst) = self.wkst {
            rule = rule.week_start(wkst);
        }
        if !self.by_day.is_empty() {
            let mut days = Vec::with_capacity(self.by_day.len());
            for &(n, day) in &self.by_day {
                if n == 0 {
                    days.push(NWeekday::Every(day));
                } else if (day_lo..=day_hi).contains(&n) {
                    days.push(NWeekday::Nth(n, day));
                } else {
                    return None;
                }
            }
            rule = rule.by_weekday(days);
        }
        if !self.by_set_pos.is_empty() {
            let kept: Vec<i32> = self
                .by_set_pos
                .iter()
                .copied()
                .filter(|p| p.abs() <= pos_max)
                .collect();
            if kept.is_empty() || self.sub_day_parts() && kept.len() != self.by_set_pos.len() {
                return None;
            }
            rule = rule.by_set_pos(kept);
        }
        if !self.by_second.is_empty() {
            let kept: Vec<u8> = self.by_second.iter().copied().filter(|s| *s < 60).collect();
            if kept.is_empty() {
                return None;
            }
            rule = rule.by_second(kept);
        }
        if !self.by_minute.is_empty() {
            rule = rule.by_minute(self.by_minute.clone());
        }
        if !self.by_hour.is_empty() {
            rule = rule.by_hour(self.by_hour.clone());
        }
        if !self.by_month_day.is_empty() {
            rule = rule.by_month_day(self.by_month_day.clone());
        }
        if !self.by_year_day.is_empty() {
            rule = rule.by_year_day(self.by_year_day.clone());
        }
        if !self.by_week_no.is_empty() {
            rule = rule.by_week_no(self.by_week_no.clone());
        }
        if !self.by_month.is_empty() {
            let months: Option<Vec<chrono::Month>> = self
                .by_month
                .iter()
                .map(|m| chrono::Month::try_from(*m).ok())
                .collect();
            rule = rule.by_month(&months?);
        }
        Some(rule)
    }

    /// The INTERVAL of a FREQ=YEARLY rule.
    pub fn yearly_interval(&self) -> Option<u64> {
        (self.freq == Frequency::Yearly).then_some(self.interval)
    }

    /// BYHOUR/BYMINUTE/BYSECOND can make a set larger than the frequency's day count.
    fn sub_day_parts(&self) -> bool {
        !self.by_hour.is_empty() || !self.by_minute.is_empty() || !self.by_second.is_empty()
    }

    /// A rough length of one period in seconds, to weigh steps.
    fn period_seconds(&self) -> i64 {
        let unit: i64 = match self.freq {
            Frequency::Yearly => 365 * 86_400,
            Frequency::Monthly => 28 * 86_400,
            Frequency::Weekly => 7 * 86_400,
            Frequency::Daily => 86_400,
            Frequency::Hourly => 3_600,
            Frequency::Minutely => 60,
            Frequency::Secondly => 1,
        };
        unit.saturating_mul(i64::try_from(self.interval).unwrap_or(i64::MAX))
    }
}

/// The chrono weekday of a civil date.
fn chrono_weekday(d: Date) -> chrono::Weekday {
    use jiff::civil::Weekday as W;
    match d.weekday() {
        W::Monday => chrono::Weekday::Mon,
        W::Tuesday => chrono::Weekday::Tue,
        W::Wednesday => chrono::Weekday::Wed,
        W::Thursday => chrono::Weekday::Thu,
        W::Friday => chrono::Weekday::Fri,
        W::Saturday => chrono::Weekday::Sat,
        W::Sunday => chrono::Weekday::Sun,
    }
}

/// A civil time as a chrono UTC time, for the `rrule` crate.
fn chrono_of(dt: DateTime) -> Option<chrono::DateTime<Tz>> {
    let date = NaiveDate::from_ymd_opt(
        i32::from(dt.year()),
        u32::try_from(dt.month()).ok()?,
        u32::try_from(dt.day()).ok()?,
    )?;
    let naive = date.and_hms_opt(
        u32::try_from(dt.hour()).ok()?,
        u32::try_from(dt.minute()).ok()?,
        u32::try_from(dt.second()).ok()?,
    )?;
    Some(Tz::UTC.from_utc_datetime(&naive))
}

/// The civil time back from `rrule`.
fn civil_of(dt: &chrono::DateTime<Tz>) -> Option<DateTime> {
    let n = dt.naive_utc();
    jiff::civil::DateTime::new(
        i16::try_from(n.year()).ok()?,
        i8::try_from(n.month()).ok()?,
        i8::try_from(n.day()).ok()?,
        i8::try_from(n.hour()).ok()?,
        i8::try_from(n.minute()).ok()?,
        i8::try_from(n.second()).ok()?,
        0,
    )
    .ok()
}

/// The civil instances of a rule with its DTSTART, in order, honouring COUNT and local
/// or DATE UNTIL (a UTC UNTIL is the caller's: see the module docs).
pub(crate) struct CivilInstances {
    rule: Rule,
    inner: Option<RRuleSetIter>,
    start: DateTime,
    /// DTSTART not yet yielded.
    start_pending: bool,
    /// `start` is a later period boundary, not DTSTART.
    restarted: bool,
    /// Instances yielded (COUNT counts DTSTART).
    yielded: u64,
    previous: DateTime,
    done: bool,
}

impl CivilInstances {
    /// The instances of `rule` starting at civil `start`.
    pub fn new(rule: &Rule, start: DateTime) -> CivilInstances {
        CivilInstances {
            inner: rule.to_rrule(start).map(|set| (&set).into_iter()),
            rule: rule.clone(),
            start,
            start_pending: true,
            restarted: false,
            yielded: 0,
            previous: start,
            done: false,
        }
    }

    /// The instances of `rule` from DTSTART `start` that can matter at or after civil
    /// `target`. Without COUNT, whole periods before `target` are skipped: the rule is
    /// restarted at a later period boundary with the parts it took from DTSTART written
    /// out, which gives the same instances there without walking every earlier one.
    pub fn near(rule: &Rule, start: DateTime, target: DateTime) -> CivilInstances {
        if rule.count.is_some() {
            return CivilInstances::new(rule, start);
        }
        let Some(restart) = rule.period_start_before(start, target) else {
            return CivilInstances::new(rule, start);
        };
        let explicit = rule.explicit(start);
        CivilInstances {
            inner: explicit.to_rrule(restart).map(|set| (&set).into_iter()),
            rule: explicit,
            start: restart,
            start_pending: false,
            restarted: true,
            yielded: 0,
            previous: restart,
            done: false,
        }
    }

    fn past_until(&self, civil: DateTime) -> bool {
        match self.rule.until {
            Some(Until::Local(until)) => civil > until,
            Some(Until::Date(day)) => civil.date() > day,
            Some(Until::Utc(_)) | None => false,
        }
    }

    /// The next civil instance, spending from `budget`.
    pub fn next(&mut self, budget: &mut Budget) -> Option<DateTime> {
        if self.done {
            return None;
        }
        if self.rule.count.is_some_and(|c| self.yielded >= c) {
            self.done = true;
            return None;
        }
        // DTSTART is the first instance whatever UNTIL says (RFC 5545 §3.8.5.3).
        let next = if std::mem::take(&mut self.start_pending) {
            Some(self.start)
        } else {
            self.next_from_rule(budget).filter(|c| !self.past_until(*c))
        };
        match next {
            Some(civil) => {
                self.yielded += 1;
                self.previous = civil;
                Some(civil)
            }
            _ => {
                self.done = true;
                None
            }
        }
    }

    fn next_from_rule(&mut self, budget: &mut Budget) -> Option<DateTime> {
        let period = self.rule.period_seconds().max(1);
        loop {
            let chrono_next = self.inner.as_mut()?.next()?;
            let civil = civil_of(&chrono_next)?;
            let gap = civil
                .duration_since(self.previous)
                .as_secs()
                .max(0)
                .checked_div(period)
                .unwrap_or(0);
            if !budget.spend(u64::try_from(gap).unwrap_or(u64::MAX).saturating_add(1)) {
                return None;
            }
            // DTSTART was yielded already and `rrule` gives it again when it matches; after
            // a restart, an instance at the restart point itself is a real one.
            if civil > self.start || (self.restarted && civil == self.start) {
                return Some(civil);
            }
        }
    }
}
