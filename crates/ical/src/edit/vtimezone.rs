//! VTIMEZONE components written from jiff's zone data (RFC 5545 §3.6.5), so an object the
//! edit module names an IANA zone in carries its own definition, as §3.2.19 requires and
//! clients such as Thunderbird and Outlook expect.
//!
//! The component covers a window with the zone's real transitions. Transitions that follow
//! a yearly rule (a month, an n-th or last weekday, a wall-clock time, the same offsets and
//! name) in consecutive years become one observance with an RRULE; the rest are written
//! one by one (DTSTART, then RDATEs). A rule is stretched backwards over earlier
//! transitions and forwards past the window while jiff's transitions keep following it,
//! and left without UNTIL when it still holds ten years on, so the definition stays right
//! when the event is moved later on.

use std::collections::HashSet;

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::{Offset, TimeZone, TimeZoneTransition};
use jiff::{SignedDuration, Timestamp};

use super::doc::{Component, Document};
use super::when::{Stamp, Zones, ical_date_time, ical_utc};
use crate::fold::push_folded;
use crate::value::{DateOrDateTime, parse_date_or_date_time};

/// Most transitions read from the window itself, so most written one by one.
const MAX_TRANSITIONS: usize = 200;
/// Most transitions before the window a yearly rule may take over.
const MAX_BEFORE: usize = 200;
/// Transitions after the window that must all follow the rules for the rules to be left
/// open-ended: ten years of a zone with daylight saving time.
const AHEAD: usize = 20;
/// A year, as the window arithmetic on instants counts it.
const YEAR: SignedDuration = SignedDuration::from_hours(366 * 24);
/// How far an open-ended series is covered past its start (the rules usually go on).
const OPEN_SERIES: SignedDuration = SignedDuration::from_hours(5 * 366 * 24);
/// The longest span a COUNT rule is assumed to cover.
const LONGEST_SERIES: SignedDuration = SignedDuration::from_hours(100 * 366 * 24);

/// One change of offset, name or DST flag.
#[derive(Clone, Debug)]
struct Change {
    at: Timestamp,
    /// The offset before the change: RFC 5545 observance onsets are in that local time.
    from: Offset,
    to: Offset,
    name: String,
    dst: bool,
    /// `at` in local time before the change.
    local: DateTime,
}

impl Change {
    fn of(tz: &TimeZone, t: &TimeZoneTransition<'_>) -> Change {
        let at = t.timestamp();
        let from = at
            .checked_sub(SignedDuration::from_secs(1))
            .map_or(t.offset(), |before| tz.to_offset(before));
        Change {
            at,
            from,
            to: t.offset(),
            name: t.abbreviation().to_owned(),
            dst: t.dst().is_dst(),
            local: from.to_datetime(at),
        }
    }

    /// Whether both could be instances of one observance's yearly rule (ordinal aside).
    fn same_kind(&self, other: &Change) -> bool {
        self.dst == other.dst
            && self.from == other.from
            && self.to == other.to
            && self.name == other.name
            && self.local.month() == other.local.month()
            && self.local.weekday() == other.local.weekday()
            && self.local.time() == other.local.time()
    }

    /// The ways a yearly rule can name this day: n-th (1 to 4) or last weekday of the
    /// month, or the weekday on or after a day of the month (tzdata's `Sun>=8`).
    fn picks(&self) -> Vec<Pick> {
        let day = self.local.day();
        let mut out = Vec::with_capacity(9);
        let nth = (day - 1) / 7 + 1;
        if nth <= 4 {
            out.push(Pick::Nth(nth));
        }
        if day + 7 > self.local.date().days_in_month() {
            out.push(Pick::Nth(-1));
        }
        out.extend(((day - 6).max(1)..=day).map(Pick::OnOrAfter));
        out
    }
}

/// How an RRULE picks the day in the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    /// `BYDAY=2SU`, `BYDAY=-1SU`.
    Nth(i8),
    /// The weekday among this day of the month and the six after it (`BYMONTHDAY`).
    OnOrAfter(i8),
}

impl Pick {
    /// The day it picks in `year`, if that day is in the month.
    fn day(self, year: i16, month: i8, weekday: Weekday) -> Option<Date> {
        match self {
            Pick::Nth(n) => Date::new(year, month, 1)
                .and_then(|d| d.nth_weekday_of_month(n, weekday))
                .ok(),
            Pick::OnOrAfter(first) => {
                let start = Date::new(year, month, first).ok()?;
                let ahead = (weekday.to_monday_zero_offset()
                    - start.weekday().to_monday_zero_offset())
                .rem_euclid(7);
                // A day past the month's end is an error: the rule picks nothing then.
                Date::new(year, month, first + ahead).ok()
            }
        }
    }

    /// The RRULE parts after BYMONTH.
    fn rule_parts(self, weekday: Weekday) -> String {
        let code = weekday_code(weekday);
        match self {
            Pick::Nth(n) => format!("BYDAY={n}{code}"),
            Pick::OnOrAfter(first) => {
                let days: Vec<String> = (first..first + 7)
                    .filter(|d| *d <= 31)
                    .map(|d| d.to_string())
                    .collect();
                format!("BYDAY={code};BYMONTHDAY={}", days.join(","))
            }
        }
    }
}

/// Transitions one yearly rule reproduces: same kind, consecutive years.
#[derive(Debug)]
struct Run {
    members: Vec<Change>,
    /// The picks every member agrees with.
    picks: Vec<Pick>,
}

impl Run {
    fn new(c: Change) -> Run {
        Run {
            picks: c.picks(),
            members: vec![c],
        }
    }

    fn first(&self) -> &Change {
        &self.members[0]
    }

    fn last(&self) -> &Change {
        &self.members[self.members.len() - 1]
    }

    /// The picks left if `c` joins, `None` when it cannot.
    fn shared(&self, c: &Change, year: i16) -> Option<Vec<Pick>> {
        let edge = if year > self.last().local.year() {
            self.last()
        } else {
            self.first()
        };
        if !edge.same_kind(c) || (i32::from(year) - i32::from(edge.local.year())).abs() != 1 {
            return None;
        }
        let picks: Vec<Pick> = c
            .picks()
            .into_iter()
            .filter(|p| self.picks.contains(p))
            .collect();
        (!picks.is_empty()).then_some(picks)
    }

    /// Adds `c` as the year after the last member, if the rule allows.
    fn push(&mut self, c: &Change) -> bool {
        let year = c.local.year();
        if year <= self.last().local.year() {
            return false;
        }
        match self.shared(c, year) {
            Some(picks) => {
                self.picks = picks;
                self.members.push(c.clone());
                true
            }
            None => false,
        }
    }

    /// Adds `c` as the year before the first member, if the rule allows.
    fn push_front(&mut self, c: &Change) -> bool {
        let year = c.local.year();
        if year >= self.first().local.year() {
            return false;
        }
        match self.shared(c, year) {
            Some(picks) => {
                self.picks = picks;
                self.members.insert(0, c.clone());
                true
            }
            None => false,
        }
    }

    /// The pick written: "last", else n-th (what zone rules usually say and every client
    /// reads), else the narrowest "on or after".
    fn pick(&self) -> Option<Pick> {
        let nth = |p: &&Pick| matches!(p, Pick::Nth(_));
        self.picks
            .iter()
            .find(|p| **p == Pick::Nth(-1))
            .or_else(|| self.picks.iter().find(nth))
            .or_else(|| {
                self.picks.iter().max_by_key(|p| match p {
                    Pick::OnOrAfter(d) => *d,
                    Pick::Nth(_) => 0,
                })
            })
            .copied()
    }

    /// Whether the yearly rule from the first member gives exactly the members.
    fn reproduces(&self) -> bool {
        let Some(pick) = self.pick() else {
            return false;
        };
        let first = self.first();
        let (month, weekday) = (first.local.month(), first.local.weekday());
        self.members
            .iter()
            .zip(first.local.year()..)
            .all(|(m, year)| {
                pick.day(year, month, weekday) == Some(m.local.date())
                    && m.local.time() == first.local.time()
            })
    }
}

/// Attaches each change to a run it continues, else starts a run.
fn runs_of(changes: &[Change]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    for c in changes {
        if !runs.iter_mut().rev().any(|r| r.push(c)) {
            runs.push(Run::new(c.clone()));
        }
    }
    runs
}

/// A VTIMEZONE for `tzid` with `tz`'s offsets from the transition before `from` through
/// `until` (at least a year), or `None` when `tzid` cannot be written as a TZID value.
pub(crate) fn vtimezone_for(
    tzid: &str,
    tz: &TimeZone,
    from: Timestamp,
    until: Timestamp,
) -> Option<String> {
    if !plain_text(tzid) {
        return None;
    }
    // Two transitions of each kind are needed to see a rule: look at a year at least.
    let until = from.checked_add(YEAR).map_or(until, |y| until.max(y));
    if tz.following(from).next().is_none() {
        return Some(fixed(tzid, tz, from));
    }
    let mut window: Vec<Change> = tz
        .preceding(from)
        .next()
        .map(|t| Change::of(tz, &t))
        .into_iter()
        .collect();
    let start = window.first().map_or(from, |c| c.at);
    let mut capped = false;
    for t in tz.following(start) {
        if t.timestamp() > until {
            break;
        }
        if window.len() >= MAX_TRANSITIONS {
            capped = true;
            break;
        }
        window.push(Change::of(tz, &t));
    }
    let (Some(first), Some(last)) = (window.first(), window.last()) else {
        return Some(fixed(tzid, tz, from));
    };
    let (first_at, last_at) = (first.at, last.at);
    let mut runs = runs_of(&window);
    for t in tz.preceding(first_at).take(MAX_BEFORE) {
        let c = Change::of(tz, &t);
        if !runs.iter_mut().any(|r| r.push_front(&c)) {
            break;
        }
    }
    let mut open_from = None;
    if !capped {
        let mut followed = 0;
        let mut year = 0;
        for t in tz.following(last_at).take(AHEAD) {
            let c = Change::of(tz, &t);
            if !runs.iter_mut().rev().any(|r| r.push(&c)) {
                break;
            }
            followed += 1;
            year = c.local.year();
        }
        if followed == AHEAD {
            // Rules still followed at the end are the zone's current ones.
            open_from = Some(year - 1);
        }
    }
    if runs.iter().all(|r| r.members.len() < 2 || r.reproduces()) {
        return Some(render(tzid, tz, &runs, open_from));
    }
    let one_by_one: Vec<Run> = window.into_iter().map(Run::new).collect();
    Some(render(tzid, tz, &one_by_one, None))
}

/// Whether `s` can be written as a TEXT value as it is (and so be matched by TZID).
fn plain_text(s: &str) -> bool {
    !s.is_empty()
        && !s
            .chars()
            .any(|c| c.is_control() || matches!(c, ',' | ';' | '\\'))
}

/// `+hhmm`, or `+hhmmss` when the offset has seconds (RFC 5545 §3.3.14).
fn utc_offset(o: Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs / 60 % 60, abs % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

fn begin(out: &mut String, tzid: &str, tz: &TimeZone) {
    push_folded(out, "BEGIN:VTIMEZONE");
    push_folded(out, &format!("TZID:{tzid}"));
    if let Some(name) = tz.iana_name().filter(|n| plain_text(n)) {
        push_folded(out, &format!("X-LIC-LOCATION:{name}"));
    }
}

/// The lines every observance starts with.
fn observance_head(out: &mut String, dst: bool, from: Offset, to: Offset, name: &str) {
    let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
    push_folded(out, &format!("BEGIN:{kind}"));
    push_folded(out, &format!("TZOFFSETFROM:{}", utc_offset(from)));
    push_folded(out, &format!("TZOFFSETTO:{}", utc_offset(to)));
    if plain_text(name) {
        push_folded(out, &format!("TZNAME:{name}"));
    }
}

/// A zone without transitions from `from` on: one STANDARD with its offset then.
fn fixed(tzid: &str, tz: &TimeZone, from: Timestamp) -> String {
    let info = tz.to_offset_info(from);
    let mut out = String::new();
    begin(&mut out, tzid, tz);
    observance_head(
        &mut out,
        false,
        info.offset(),
        info.offset(),
        info.abbreviation(),
    );
    push_folded(&mut out, "DTSTART:19700101T000000");
    push_folded(&mut out, "END:STANDARD");
    push_folded(&mut out, "END:VTIMEZONE");
    out
}

/// Runs of two or more as RRULE observances (without UNTIL when their last member is in
/// `open_from` or later), single changes grouped by kind into DTSTART and RDATEs.
fn render(tzid: &str, tz: &TimeZone, runs: &[Run], open_from: Option<i16>) -> String {
    // Each observance: its first onset (for order) and its text.
    let mut observances: Vec<(Timestamp, String)> = Vec::new();
    let mut singles: Vec<Vec<&Change>> = Vec::new();
    for run in runs {
        let first = run.first();
        let pick = run.pick().filter(|_| run.members.len() >= 2);
        let Some(pick) = pick else {
            for c in &run.members {
                match singles.iter_mut().find(|g| {
                    let g = g[0];
                    (g.dst, g.from, g.to, &g.name) == (c.dst, c.from, c.to, &c.name)
                }) {
                    Some(group) => group.push(c),
                    None => singles.push(vec![c]),
                }
            }
            continue;
        };
        let mut text = String::new();
        observance_head(&mut text, first.dst, first.from, first.to, &first.name);
        push_folded(
            &mut text,
            &format!("DTSTART:{}", ical_date_time(first.local)),
        );
        let mut rule = format!(
            "RRULE:FREQ=YEARLY;BYMONTH={};{}",
            first.local.month(),
            pick.rule_parts(first.local.weekday())
        );
        if open_from.is_none_or(|y| run.last().local.year() < y) {
            rule.push_str(&format!(";UNTIL={}", ical_utc(run.last().at)));
        }
        push_folded(&mut text, &rule);
        end_observance(&mut text, first.dst);
        observances.push((first.at, text));
    }
    for mut group in singles {
        group.sort_by_key(|c| c.at);
        let first = group[0];
        let mut text = String::new();
        observance_head(&mut text, first.dst, first.from, first.to, &first.name);
        push_folded(
            &mut text,
            &format!("DTSTART:{}", ical_date_time(first.local)),
        );
        if group.len() > 1 {
            let dates: Vec<String> = group[1..].iter().map(|c| ical_date_time(c.local)).collect();
            push_folded(&mut text, &format!("RDATE:{}", dates.join(",")));
        }
        end_observance(&mut text, first.dst);
        observances.push((first.at, text));
    }
    observances.sort_by_key(|(at, _)| *at);
    let mut out = String::new();
    begin(&mut out, tzid, tz);
    for (_, text) in observances {
        out.push_str(&text);
    }
    push_folded(&mut out, "END:VTIMEZONE");
    out
}

fn end_observance(out: &mut String, dst: bool) {
    push_folded(out, if dst { "END:DAYLIGHT" } else { "END:STANDARD" });
}

fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    }
}

/// Where the zones of one TZID are used: the span they must be right for.
struct Use {
    tzid: String,
    from: Timestamp,
    until: Timestamp,
    written: bool,
}

/// The span one calendar component's times need: its own times, and its RRULE's end.
fn component_span(comp: &Component, zones: &mut Zones) -> Option<(Timestamp, Timestamp)> {
    const TIMES: [&str; 6] = [
        "DTSTART",
        "DTEND",
        "DUE",
        "RECURRENCE-ID",
        "RDATE",
        "EXDATE",
    ];
    let mut instants: Vec<Timestamp> = Vec::new();
    for prop in comp.props.iter().filter(|p| TIMES.iter().any(|n| p.is(n))) {
        for v in prop.value().split(',') {
            let start = v.split('/').next().unwrap_or_default();
            if let Some(t) = Stamp::read(prop, start).and_then(|s| zones.instant(&s)) {
                instants.push(t);
            }
        }
    }
    let start = Stamp::of_comp(comp, "DTSTART").and_then(|s| zones.instant(&s));
    if let Some(start) = start {
        for rule in comp.props_named("RRULE") {
            instants.push(rule_end(rule.value(), start));
        }
    }
    let from = instants.iter().min().copied()?;
    let until = instants.iter().max().copied()?;
    Some((from, until))
}

/// When a rule ends, roughly but not early: UNTIL, else COUNT times its period, else a
/// few years (the generated rules are usually open-ended anyway).
fn rule_end(rule: &str, start: Timestamp) -> Timestamp {
    let part = |name: &str| {
        rule.split(';').find_map(|p| {
            let (n, v) = p.split_once('=')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    };
    if let Some(until) = part("UNTIL").and_then(parse_date_or_date_time) {
        let civil = match until {
            DateOrDateTime::Date(d) => d.to_datetime(jiff::civil::Time::midnight()),
            DateOrDateTime::DateTime { value, .. } => value,
        };
        // A local UNTIL read as UTC is off by hours; the window's margin covers that.
        if let Ok(t) = civil.to_zoned(TimeZone::UTC) {
            return t.timestamp().max(start);
        }
    }
    let span = match part("COUNT").and_then(|c| c.parse::<i64>().ok()) {
        Some(count) => {
            let interval = part("INTERVAL")
                .and_then(|i| i.parse::<i64>().ok())
                .unwrap_or(1)
                .max(1);
            let days = match part("FREQ").map(str::to_ascii_uppercase).as_deref() {
                Some("YEARLY") => 366,
                Some("MONTHLY") => 31,
                Some("WEEKLY") => 7,
                _ => 1,
            };
            let hours = count
                .saturating_mul(interval)
                .saturating_mul(days)
                .saturating_mul(24);
            SignedDuration::from_hours(hours).min(LONGEST_SERIES)
        }
        None => OPEN_SERIES,
    };
    start.checked_add(span).unwrap_or(start)
}

/// Every TZID used in `comp` and below it, and whether the edit module wrote it.
fn tzids_in(comp: &Component, out: &mut Vec<(String, bool)>) {
    for prop in &comp.props {
        if let Some(tzid) = prop.param("TZID") {
            match out.iter_mut().find(|(t, _)| t == tzid) {
                Some((_, written)) => *written |= prop.is_written(),
                None => out.push((tzid.to_owned(), prop.is_written())),
            }
        }
    }
    for child in &comp.children {
        tzids_in(child, out);
    }
}

/// A VCALENDAR holding one VTIMEZONE for zone `tzid` (an IANA or Windows name), the form
/// of a calendar's CALDAV:calendar-timezone, with the zone's rules from a year before
/// `around` to a year after (its current rule open-ended); `None` for an unknown zone.
pub fn calendar_timezone(tzid: &str, around: Timestamp) -> Option<String> {
    let tz = crate::zone_by_name(tzid)?;
    let from = around.checked_sub(YEAR).unwrap_or(around);
    let until = around.checked_add(YEAR).unwrap_or(around);
    let vtimezone = vtimezone_for(tzid, &tz, from, until)?;
    Some(format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos//Kairos//EN\r\n{vtimezone}END:VCALENDAR\r\n"
    ))
}

/// VTIMEZONEs for the TZIDs the edit module wrote that `doc` neither defines nor leaves
/// unresolved, in order of first use. Each covers its zone from a year before the first
/// time that uses it to a year after the last (recurrence included).
pub(crate) fn missing_timezones(doc: &Document) -> Vec<String> {
    let defined: HashSet<&str> = doc
        .root
        .children
        .iter()
        .filter(|c| c.is("VTIMEZONE"))
        .filter_map(|c| c.prop("TZID"))
        .map(|p| p.value())
        .collect();
    let comps: Vec<&Component> = doc
        .root
        .children
        .iter()
        .filter(|c| !c.is("VTIMEZONE"))
        .collect();
    let mut per_comp: Vec<Vec<(String, bool)>> = Vec::with_capacity(comps.len());
    for comp in &comps {
        let mut found = Vec::new();
        tzids_in(comp, &mut found);
        per_comp.push(found);
    }
    let wanted = |tzid: &str, written: bool| written && !defined.contains(tzid);
    if !per_comp
        .iter()
        .flatten()
        .any(|(tzid, written)| wanted(tzid, *written))
    {
        return Vec::new();
    }
    let mut zones = Zones::of(doc);
    let mut uses: Vec<Use> = Vec::new();
    for (comp, found) in comps.iter().zip(&per_comp) {
        let Some((from, until)) = component_span(comp, &mut zones) else {
            continue;
        };
        for (tzid, written) in found {
            match uses.iter_mut().find(|u| &u.tzid == tzid) {
                Some(u) => {
                    u.from = u.from.min(from);
                    u.until = u.until.max(until);
                    u.written |= written;
                }
                None => uses.push(Use {
                    tzid: tzid.clone(),
                    from,
                    until,
                    written: *written,
                }),
            }
        }
    }
    uses.into_iter()
        .filter(|u| wanted(&u.tzid, u.written))
        .filter_map(|u| {
            let tz = crate::zone_by_name(&u.tzid)?;
            let from = u.from.checked_sub(YEAR).unwrap_or(u.from);
            let until = u.until.checked_add(YEAR).unwrap_or(u.until);
            vtimezone_for(&u.tzid, &tz, from, until)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{EventPatch, Kind, Patch, Target, When, new_object};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn zone(name: &str) -> TimeZone {
        crate::zone_by_name(name).unwrap()
    }

    /// The zone the crate's own VTIMEZONE engine reads from `text`, under a TZID no name
    /// lookup resolves, so a failed read cannot fall back to the IANA zone.
    fn engine_zone(text: &str) -> TimeZone {
        let text = text.replacen("\r\nTZID:", "\r\nTZID:Kairos-Generated-", 1);
        let cal = format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n{text}END:VCALENDAR\r\n");
        crate::validate_timezone(cal.as_bytes()).unwrap();
        crate::zone_of_calendar_timezone(cal.as_bytes())
            .unwrap()
            .expect("the engine reads the generated VTIMEZONE")
    }

    /// Checks the generated zone against jiff hourly and around every transition; returns
    /// the text unfolded.
    fn agrees(name: &str, from: &str, until: &str) -> String {
        agrees_every(name, from, until, SignedDuration::from_mins(61))
    }

    fn agrees_every(name: &str, from: &str, until: &str, step: SignedDuration) -> String {
        let tz = zone(name);
        let (from, until) = (ts(from), ts(until));
        let text = vtimezone_for(name, &tz, from, until).unwrap();
        let ours = engine_zone(&text);
        let mut at = from;
        while at <= until {
            assert_eq!(
                ours.to_offset(at),
                tz.to_offset(at),
                "{name} at {at}\n{text}"
            );
            at = at.checked_add(step).unwrap();
        }
        for t in tz.following(from).take_while(|t| t.timestamp() <= until) {
            for d in [-1, 0, 1] {
                let at = t.timestamp() + SignedDuration::from_secs(d);
                assert_eq!(
                    ours.to_offset(at),
                    tz.to_offset(at),
                    "{name} at {at}\n{text}"
                );
            }
        }
        for line in text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line}");
        }
        text.replace("\r\n ", "")
    }

    fn count(text: &str, line: &str) -> usize {
        text.split("\r\n").filter(|l| l.starts_with(line)).count()
    }

    #[test]
    fn new_york_is_two_rules() {
        let text = agrees(
            "America/New_York",
            "2025-01-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
        );
        assert!(text.starts_with(
            "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nX-LIC-LOCATION:America/New_York\r\n"
        ));
        assert!(text.contains(
            "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\n\
DTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n"
        ));
        assert!(text.contains(
            "BEGIN:STANDARD\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n\
DTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n"
        ));
        assert!(text.ends_with("END:VTIMEZONE\r\n"));
        assert_eq!(count(&text, "BEGIN:"), 3);
        // Before the 2007 rule change: each rule ends, none is open-ended.
        let text = agrees(
            "America/New_York",
            "2004-01-01T00:00:00Z",
            "2006-12-31T00:00:00Z",
        );
        assert_eq!(count(&text, "RRULE:"), 2);
        assert_eq!(count(&text, "RDATE"), 0);
        assert!(text.contains("BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z\r\n"));
        assert!(text.contains("BYMONTH=10;BYDAY=-1SU;UNTIL=20061029T060000Z\r\n"));
        // Across it: both rules, each twice.
        let text = agrees(
            "America/New_York",
            "2005-01-01T00:00:00Z",
            "2012-01-01T00:00:00Z",
        );
        assert_eq!(count(&text, "RRULE:"), 4);
    }

    #[test]
    fn europe_uses_last_sundays() {
        let text = agrees(
            "Europe/Berlin",
            "2025-03-01T09:00:00Z",
            "2031-03-01T00:00:00Z",
        );
        assert!(text.contains(
            "TZNAME:CEST\r\nDTSTART:19960331T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
        ));
        assert!(text.contains(
            "TZNAME:CET\r\nDTSTART:19961027T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
        ));
        assert_eq!(count(&text, "BEGIN:"), 3);
        let text = agrees(
            "Europe/London",
            "2025-03-01T09:00:00Z",
            "2031-03-01T00:00:00Z",
        );
        assert!(text.contains("TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\n"));
        assert!(text.contains("TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\n"));
        assert_eq!(count(&text, "RRULE:"), 2);
        assert_eq!(count(&text, "UNTIL"), 0);
    }

    #[test]
    fn lord_howe_moves_half_an_hour() {
        let text = agrees(
            "Australia/Lord_Howe",
            "2024-06-01T00:00:00Z",
            "2030-01-01T00:00:00Z",
        );
        assert!(text.contains("TZOFFSETFROM:+1030\r\nTZOFFSETTO:+1100\r\n"));
        assert!(text.contains("TZOFFSETFROM:+1100\r\nTZOFFSETTO:+1030\r\n"));
        assert!(text.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\r\n"));
        assert!(text.contains("RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\r\n"));
        assert_eq!(count(&text, "BEGIN:"), 3);
    }

    #[test]
    fn zones_without_dst_have_one_standard() {
        for (name, offset) in [("Asia/Tokyo", "+0900"), ("UTC", "+0000")] {
            let text = agrees(name, "2025-01-01T00:00:00Z", "2028-01-01T00:00:00Z");
            assert_eq!(count(&text, "BEGIN:"), 2, "{text}");
            assert!(text.contains(&format!(
                "BEGIN:STANDARD\r\nTZOFFSETFROM:{offset}\r\nTZOFFSETTO:{offset}\r\n"
            )));
            assert!(text.contains("DTSTART:19700101T000000\r\n"));
        }
        // São Paulo after it gave up DST in 2019.
        let text = agrees(
            "America/Sao_Paulo",
            "2021-01-01T00:00:00Z",
            "2025-01-01T00:00:00Z",
        );
        assert_eq!(count(&text, "BEGIN:"), 2, "{text}");
        assert!(text.contains("TZOFFSETFROM:-0300\r\nTZOFFSETTO:-0300\r\n"));
    }

    #[test]
    fn sao_paulo_across_the_end_of_dst() {
        let text = agrees(
            "America/Sao_Paulo",
            "2016-06-01T00:00:00Z",
            "2022-01-01T00:00:00Z",
        );
        // The last DST start (November 2018) broke the October rule: its own observance.
        assert!(
            text.contains("DTSTART:20181104T000000\r\nEND:DAYLIGHT\r\n"),
            "{text}"
        );
        assert!(text.contains("UNTIL=20190217T020000Z\r\n"), "{text}");
        for line in text.split("\r\n").filter(|l| l.starts_with("RRULE")) {
            assert!(line.contains("UNTIL="), "{line}");
        }
        // Nothing after February 2019: the engine keeps -03 from there on.
        let ours = engine_zone(&text);
        let later = ts("2040-01-01T00:00:00Z");
        assert_eq!(ours.to_offset(later).seconds(), -3 * 3600);
    }

    #[test]
    fn irregular_zones_are_written_one_by_one() {
        // Morocco suspends DST for Ramadan: dates follow no weekday rule.
        let text = agrees(
            "Africa/Casablanca",
            "2022-01-01T00:00:00Z",
            "2026-01-01T00:00:00Z",
        );
        assert!(text.contains("RDATE:"), "{text}");
        // Short windows and windows before a zone's first transition still agree.
        agrees(
            "Europe/Berlin",
            "2026-06-01T00:00:00Z",
            "2026-06-02T00:00:00Z",
        );
        agrees(
            "Europe/Berlin",
            "1850-01-01T00:00:00Z",
            "1895-01-01T00:00:00Z",
        );
    }

    #[test]
    fn windows_are_capped() {
        let tz = zone("Europe/Berlin");
        let text = vtimezone_for(
            "Europe/Berlin",
            &tz,
            ts("1900-01-01T00:00:00Z"),
            ts("2400-01-01T00:00:00Z"),
        )
        .unwrap();
        let rdates: usize = text
            .split("\r\n")
            .filter(|l| l.starts_with("RDATE:") || l.starts_with(" "))
            .count();
        assert!(rdates < 200, "{text}");
        engine_zone(&text);
    }

    #[test]
    fn every_zone_agrees_with_jiff() {
        let db = jiff::tz::TimeZoneDatabase::bundled();
        let mut rrule_free = Vec::new();
        for name in db.available() {
            let name = name.as_str();
            // Transitions are checked to the second; between them a daily look is enough.
            let day = SignedDuration::from_hours(24);
            let text = agrees_every(name, "2023-06-01T00:00:00Z", "2029-06-01T00:00:00Z", day);
            if text.contains("RDATE") {
                rrule_free.push(name.to_owned());
            }
        }
        // Rules tied to Ramadan (Morocco, Palestine) follow no weekday; Egypt's autumn
        // change is the day after the last Thursday, sometimes in November.
        assert_eq!(
            rrule_free,
            [
                "Africa/Cairo",
                "Africa/Casablanca",
                "Africa/El_Aaiun",
                "Asia/Gaza",
                "Asia/Hebron",
                "Egypt"
            ]
        );
    }

    #[test]
    fn names_that_are_not_plain_text_are_refused() {
        let tz = zone("Europe/Berlin");
        let t = ts("2026-01-01T00:00:00Z");
        assert!(vtimezone_for("a;b", &tz, t, t).is_none());
        assert!(vtimezone_for("", &tz, t, t).is_none());
        assert_eq!(
            utc_offset(Offset::from_seconds(-(3600 * 3 + 1800 + 9)).unwrap()),
            "-033009"
        );
    }

    fn berlin(date_time: &str) -> When {
        When {
            date_time: Some(date_time.into()),
            time_zone: Some("Europe/Berlin".into()),
            date: None,
        }
    }

    fn text(d: &Document) -> String {
        String::from_utf8(d.to_bytes()).unwrap()
    }

    #[test]
    fn new_objects_carry_their_zone() {
        let fields = EventPatch {
            start: Patch::Set(berlin("2026-03-01T10:00:00")),
            end: Patch::Set(When {
                date_time: Some("2026-03-01T05:00:00".into()),
                time_zone: Some("America/New_York".into()),
                date: None,
            }),
            recurrence: Patch::Set(vec!["RRULE:FREQ=WEEKLY;COUNT=10".into()]),
            ..EventPatch::default()
        };
        let now = ts("2026-02-01T00:00:00Z");
        let doc = new_object(Kind::Event, "u", &fields, now).unwrap();
        let out = text(&doc);
        assert_eq!(out.matches("BEGIN:VTIMEZONE\r\n").count(), 2, "{out}");
        assert_eq!(out.matches("\r\nTZID:Europe/Berlin\r\n").count(), 1);
        assert_eq!(out.matches("\r\nTZID:America/New_York\r\n").count(), 1);
        // Before the event, in the order the event names them.
        let berlin_at = out.find("TZID:Europe/Berlin").unwrap();
        let new_york_at = out.find("TZID:America/New_York").unwrap();
        assert!(berlin_at < new_york_at && new_york_at < out.find("BEGIN:VEVENT").unwrap());
        let object = crate::ingest(out.as_bytes()).unwrap();
        assert_eq!(object.uid, "u");
        // The instances the stored object now resolves through its own VTIMEZONE are the
        // ones the IANA zone gives, across the end of March change.
        let stored = crate::Schedule::parse(out.as_bytes()).unwrap();
        let bare = crate::Schedule::parse(&doc.tree_bytes()).unwrap();
        let all = crate::TimeRange {
            start: None,
            end: None,
        };
        let starts = |s: &crate::Schedule| -> Vec<Option<Timestamp>> {
            let e = s.instances(&all, &TimeZone::UTC, 100);
            e.instances.iter().map(|i| i.start).collect()
        };
        assert_eq!(starts(&stored), starts(&bare));
        assert_eq!(starts(&stored).len(), 10);
        // A second edit keeps the (now defined) zone as it is.
        let mut again = Document::parse(out.as_bytes()).unwrap();
        let patch = EventPatch {
            start: Patch::Set(berlin("2026-03-01T09:00:00")),
            ..EventPatch::default()
        };
        again.apply(Target::Master, &patch, now).unwrap();
        assert_eq!(text(&again).matches("BEGIN:VTIMEZONE\r\n").count(), 2);
    }

    const CLIENT: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:c\r\n\
BEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20261005T090000\r\nDURATION:PT1H\r\n\
RRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn only_written_tzids_get_a_zone() {
        let now = ts("2026-11-20T08:00:00Z");
        let mut d = Document::parse(CLIENT.as_bytes()).unwrap();
        let summary = EventPatch {
            summary: Patch::Set("x".into()),
            ..EventPatch::default()
        };
        d.apply(Target::Master, &summary, now).unwrap();
        assert!(
            !text(&d).contains("VTIMEZONE"),
            "the client's TZID is left alone"
        );
        // A new override writes RECURRENCE-ID and DTSTART with the TZID: one VTIMEZONE.
        d.edit_instance("20261012T090000", &summary, now).unwrap();
        let out = text(&d);
        assert_eq!(out.matches("BEGIN:VTIMEZONE\r\n").count(), 1, "{out}");
        crate::ingest(out.as_bytes()).unwrap();
        // UTC and floating times need none.
        let mut d = Document::parse(CLIENT.as_bytes()).unwrap();
        let utc = EventPatch {
            start: Patch::Set(When {
                date_time: Some("2026-10-05T08:00:00Z".into()),
                ..When::default()
            }),
            ..EventPatch::default()
        };
        d.apply(Target::Master, &utc, now).unwrap();
        assert!(!text(&d).contains("VTIMEZONE"));
    }

    #[test]
    fn the_objects_own_zones_are_kept() {
        // A client's (deliberately odd) definition: fixed +0130, lowercase, at the end.
        let own = "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nbegin:STANDARD\r\n\
DTSTART:19700101T000000\r\nTZOFFSETFROM:+0130\r\nTZOFFSETTO:+0130\r\nend:STANDARD\r\n\
END:VTIMEZONE\r\n";
        let src = CLIENT.replace("END:VCALENDAR\r\n", &format!("{own}END:VCALENDAR\r\n"));
        let now = ts("2026-11-20T08:00:00Z");
        let mut d = Document::parse(src.as_bytes()).unwrap();
        let patch = EventPatch {
            start: Patch::Set(berlin("2026-10-06T09:00:00")),
            ..EventPatch::default()
        };
        d.apply(Target::Master, &patch, now).unwrap();
        let out = text(&d);
        assert_eq!(out.matches("BEGIN:VTIMEZONE\r\n").count(), 1);
        assert!(out.ends_with(&format!("{own}END:VCALENDAR\r\n")), "{out}");
        // A series split: the new series takes the client's definition, the old gets none.
        let mut d = Document::parse(CLIENT.as_bytes()).unwrap();
        let next = d.split_at("20261019T090000", "u2", now).unwrap();
        let (old, new) = (text(&d), text(&next));
        assert!(!old.contains("VTIMEZONE"), "{old}");
        assert_eq!(new.matches("BEGIN:VTIMEZONE\r\n").count(), 1, "{new}");
        crate::ingest(new.as_bytes()).unwrap();
    }

    #[test]
    fn rule_ends_are_not_early() {
        let start = ts("2026-01-01T00:00:00Z");
        assert_eq!(
            rule_end("FREQ=WEEKLY;UNTIL=20270101T000000Z", start),
            ts("2027-01-01T00:00:00Z")
        );
        assert_eq!(
            rule_end("FREQ=MONTHLY;INTERVAL=2;COUNT=12", start),
            start + SignedDuration::from_hours(24 * 31 * 24)
        );
        assert_eq!(rule_end("FREQ=DAILY", start), start + OPEN_SERIES);
    }

    #[test]
    fn calendar_timezones_are_valid_calendar_timezone_values() {
        let text = calendar_timezone("Europe/Berlin", ts("2026-06-01T00:00:00Z")).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
        assert!(text.contains("TZID:Europe/Berlin\r\n"), "{text}");
        assert!(
            text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
            "{text}"
        );
        crate::validate_timezone(text.as_bytes()).unwrap();
        assert!(calendar_timezone("Mars/Olympus_Mons", ts("2026-06-01T00:00:00Z")).is_none());
    }
}
