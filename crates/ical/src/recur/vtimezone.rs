//! A resource's own VTIMEZONE turned into a zone (RFC 5545 §3.6.5): the onsets of its
//! STANDARD/DAYLIGHT observances, expanded from their DTSTART, RRULE and RDATE, become
//! the transitions of a TZif zone that jiff then resolves like any IANA zone (so gaps and
//! folds follow the same rule everywhere).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex};

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::rule::{Budget, CivilInstances, Rule, Until};
use crate::tree::{Component, Tree};
use crate::value::{parse_date_time, parse_utc_offset};

/// Transitions are computed up to this year; later times keep the last offset.
const LAST_YEAR: i16 = 2100;
/// Yearly observances starting earlier (Outlook writes 1601) are moved up to here.
const FIRST_YEAR: i16 = 1900;
/// Onsets kept per zone: enough for two a year over the whole span, and a bound.
const MAX_TRANSITIONS: usize = 4_000;

/// One offset change: its instant, the offset after it and whether that is DST.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Onset {
    at: i64,
    offset: i32,
    dst: bool,
}

/// Zones already built, by the VTIMEZONE's content. Most resources of a calendar carry
/// the same few VTIMEZONEs, and building one (two centuries of onsets, a TZif image) costs
/// far more than reading the event that uses it: measured as most of an `expand`.
static BUILT: LazyLock<Mutex<HashMap<String, Option<NamedZone>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// A TZID and the zone it names.
type NamedZone = (String, TimeZone);
/// Distinct VTIMEZONEs remembered; past this the cache starts over (a bound, not an LRU:
/// real deployments see a few dozen zones).
const BUILT_LIMIT: usize = 512;

/// The VTIMEZONE's properties and its observances' properties, without line numbers: two
/// VTIMEZONEs with the same key define the same zone.
fn content_key(tree: &Tree<'_>, vtimezone: &Component<'_>) -> String {
    let mut key = String::new();
    let observances = vtimezone.children.iter().filter_map(|&i| tree.comps.get(i));
    for comp in std::iter::once(vtimezone).chain(observances) {
        let _ = writeln!(key, "BEGIN:{}", comp.name);
        for p in &comp.props {
            key.push_str(p.name);
            for param in &p.params {
                let _ = write!(key, ";{}={}", param.name, param.values.join(","));
            }
            let _ = writeln!(key, ":{}", p.value);
        }
    }
    key
}

/// The TZID and zone a VTIMEZONE defines; `None` when its observances give no offset.
pub(crate) fn zone_of(tree: &Tree<'_>, vtimezone: &Component<'_>) -> Option<(String, TimeZone)> {
    let key = content_key(tree, vtimezone);
    if let Some(found) = BUILT.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return found.clone();
    }
    let built = build_zone(tree, vtimezone);
    let mut cache = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= BUILT_LIMIT {
        cache.clear();
    }
    cache.insert(key, built.clone());
    built
}

fn build_zone(tree: &Tree<'_>, vtimezone: &Component<'_>) -> Option<(String, TimeZone)> {
    let tzid = vtimezone.props_named("TZID").next()?.value;
    let mut onsets = Vec::new();
    let mut initial = None;
    for obs in vtimezone
        .children
        .iter()
        .filter_map(|&i| tree.comps.get(i))
        .filter(|c| c.is("STANDARD") || c.is("DAYLIGHT"))
    {
        let first = observance_onsets(obs, &mut onsets)?;
        if initial.is_none_or(|(at, _)| first.0 < at) {
            initial = Some(first);
        }
    }
    let (_, initial_offset) = initial?;
    onsets.sort_by_key(|o| o.at);
    onsets.dedup_by_key(|o| o.at);
    onsets.truncate(MAX_TRANSITIONS);
    let bytes = tzif(initial_offset, &onsets)?;
    TimeZone::tzif(tzid, &bytes)
        .ok()
        .map(|tz| (tzid.to_owned(), tz))
}

/// Adds an observance's onsets; returns its first onset and the offset before it.
fn observance_onsets(obs: &Component<'_>, out: &mut Vec<Onset>) -> Option<(i64, i32)> {
    let dst = obs.is("DAYLIGHT");
    let (start, _) = parse_date_time(obs.props_named("DTSTART").next()?.value)?;
    let from = parse_utc_offset(obs.props_named("TZOFFSETFROM").next()?.value)?;
    let to = parse_utc_offset(obs.props_named("TZOFFSETTO").next()?.value)?;
    let instant = |civil: DateTime| -> Option<i64> {
        let utc = super::zone::resolve(civil, &TimeZone::UTC)?;
        Some(utc.as_second() - i64::from(from))
    };
    let first_at = instant(start)?;
    let mut push = |at: i64| {
        if out.len() < MAX_TRANSITIONS * 2 {
            out.push(Onset {
                at,
                offset: to,
                dst,
            });
        }
    };
    push(first_at);
    for prop in obs.props_named("RDATE") {
        for v in prop.value.split(',') {
            match parse_date_time(v) {
                Some((civil, true)) => {
                    if let Some(t) = super::zone::resolve(civil, &TimeZone::UTC) {
                        push(t.as_second());
                    }
                }
                Some((civil, false)) => {
                    if let Some(at) = instant(civil) {
                        push(at);
                    }
                }
                None => {}
            }
        }
    }
    if let Some(rule) = obs
        .props_named("RRULE")
        .next()
        .and_then(|p| Rule::parse(p.value))
    {
        let begin = rule
            .yearly_interval()
            .filter(|_| rule.count.is_none())
            .and_then(|interval| moved_up(start, interval))
            .unwrap_or(start);
        let mut instances = CivilInstances::new(&rule, begin);
        let mut budget = Budget::new();
        let mut taken = 0;
        while let Some(civil) = instances.next(&mut budget) {
            if civil.year() > LAST_YEAR || taken >= MAX_TRANSITIONS {
                break;
            }
            let Some(at) = instant(civil) else { break };
            if let Some(Until::Utc(until)) = rule.until
                && at > until.as_second()
            {
                break;
            }
            push(at);
            taken += 1;
        }
    }
    Some((first_at, from))
}

/// A yearly onset long before [`FIRST_YEAR`] moved up by whole intervals: the instances
/// from there on are the same, and nothing before matters to a calendar.
fn moved_up(start: DateTime, interval: u64) -> Option<DateTime> {
    if start.year() >= FIRST_YEAR || (start.month() == 2 && start.day() == 29) {
        return None;
    }
    let interval = i64::try_from(interval).ok()?.max(1);
    let behind = i64::from(FIRST_YEAR - start.year());
    let steps = (behind + interval - 1) / interval;
    let year = i64::from(start.year()) + steps * interval;
    let year = i16::try_from(year).ok()?;
    start.with().year(year).build().ok()
}

/// A TZif (RFC 8536, version 2) image of the transitions.
fn tzif(initial_offset: i32, onsets: &[Onset]) -> Option<Vec<u8>> {
    let mut types: Vec<(i32, bool)> = vec![(initial_offset, false)];
    let mut indices = Vec::with_capacity(onsets.len());
    for o in onsets {
        let index = match types.iter().position(|t| *t == (o.offset, o.dst)) {
            Some(i) => i,
            None => {
                types.push((o.offset, o.dst));
                types.len() - 1
            }
        };
        indices.push(u8::try_from(index).ok()?);
    }
    let count = |n: usize| u32::try_from(n).ok().map(u32::to_be_bytes);
    let designation = b"VTZ\0";
    let mut out = Vec::new();
    let header = |out: &mut Vec<u8>, timecnt: usize, typecnt: usize| -> Option<()> {
        out.extend_from_slice(b"TZif2");
        out.extend_from_slice(&[0; 15]);
        for n in [0, 0, 0, timecnt, typecnt, designation.len()] {
            out.extend_from_slice(&count(n)?);
        }
        Some(())
    };
    // The version 1 block is required but ignored by version 2 readers: keep it minimal.
    header(&mut out, 0, 1)?;
    out.extend_from_slice(&initial_offset.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(designation);
    header(&mut out, onsets.len(), types.len())?;
    for o in onsets {
        out.extend_from_slice(&o.at.to_be_bytes());
    }
    out.extend_from_slice(&indices);
    for (offset, dst) in &types {
        out.extend_from_slice(&offset.to_be_bytes());
        out.extend_from_slice(&[u8::from(*dst), 0]);
    }
    out.extend_from_slice(designation);
    // No footer rule: after the last transition its offset holds.
    out.extend_from_slice(b"\n\n");
    Some(out)
}
