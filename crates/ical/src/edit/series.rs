//! Instances of a document's series, through the crate's recurrence engine
//! ([`crate::Schedule`]) with bounded windows and caps, and recurrence ids matched by
//! instant.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::EditError;
use super::doc::{Component, Document};
use super::when::{Form, Stamp, Zones};
use crate::value::{DateOrDateTime, parse_date_or_date_time};
use crate::{Schedule, TimeRange};

/// Most instances one expansion may return.
const CAP: usize = 2_000;
/// Most instances counted from the start of a COUNT rule.
const MAX_COUNT: usize = 100_000;
/// Most windows tried when looking for the instance before another.
const MAX_PROBES: usize = 96;

/// An instance of the series, found by its recurrence id.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    /// The instance's original start (its RECURRENCE-ID), as an instant.
    pub key: Timestamp,
    /// The override for it, if there is one (index among the VCALENDAR's children).
    pub override_at: Option<usize>,
}

/// Which of the master's recurrence properties an expansion uses.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Set {
    /// DTSTART and RRULE only: the rule's own occurrences (what COUNT and UNTIL bound).
    Rule,
    /// The whole recurrence set: RRULE, RDATE, minus EXDATE.
    Full,
}

/// The expansion of a master alone (no overrides), under the engine's rules.
pub(crate) fn schedule(
    doc: &Document,
    master: &Component,
    set: Set,
) -> Result<Schedule, EditError> {
    let mut comp = master.clone();
    comp.children.clear();
    if set == Set::Rule {
        comp.remove("RDATE");
        comp.remove("EXDATE");
    }
    let mut root = Component::new("VCALENDAR");
    root.props = doc.root.props.clone();
    root.children = doc
        .root
        .children
        .iter()
        .filter(|c| c.is("VTIMEZONE"))
        .cloned()
        .collect();
    root.children.push(comp);
    Ok(Schedule::parse(&Document { root }.tree_bytes())?)
}

/// The recurrence ids (instants) of the instances overlapping `window`, and whether the
/// cap cut the list short.
fn keys(s: &Schedule, window: TimeRange, cap: usize) -> (Vec<Timestamp>, bool) {
    let e = s.instances(&window, &TimeZone::UTC, cap);
    let keys = e
        .instances
        .iter()
        .filter_map(|i| i.recurrence_id.or(i.start))
        .collect();
    (keys, e.truncated)
}

fn around(key: Timestamp, secs: i64) -> TimeRange {
    let d = SignedDuration::from_secs(secs);
    TimeRange {
        start: key.checked_sub(d).ok(),
        end: key.checked_add(d).ok(),
    }
}

/// Whether the schedule has an instance whose recurrence id is `key`.
pub(crate) fn has_instance(s: &Schedule, key: Timestamp) -> bool {
    keys(s, around(key, 1), CAP).0.contains(&key)
}

/// The number of instances before `key` and the last of them, counting from the start
/// (for COUNT rules, which are finite).
pub(crate) fn count_before(
    s: &Schedule,
    key: Timestamp,
) -> Result<(usize, Option<Timestamp>), EditError> {
    let window = TimeRange {
        start: None,
        end: Some(key),
    };
    let (found, truncated) = keys(s, window, MAX_COUNT);
    if truncated {
        return Err(EditError::TooManyInstances);
    }
    let before: Vec<Timestamp> = found.into_iter().filter(|k| *k < key).collect();
    Ok((before.len(), before.iter().max().copied()))
}

/// The last instance strictly before `key`, found with windows that widen until one
/// holds an instance (and narrow while one holds too many), so dense and sparse rules
/// both cost a bounded number of small expansions. `floor` is the series' first instant.
pub(crate) fn last_before(
    s: &Schedule,
    key: Timestamp,
    floor: Timestamp,
) -> Result<Option<Timestamp>, EditError> {
    let mut span: i64 = 8 * 86_400;
    // The widest span known to hold nothing, and the narrowest known to hold too much.
    let mut empty: Option<i64> = None;
    let mut full: Option<i64> = None;
    for _ in 0..MAX_PROBES {
        let start = key.checked_sub(SignedDuration::from_secs(span)).ok();
        let window = TimeRange {
            start,
            end: Some(key),
        };
        let (found, truncated) = keys(s, window, CAP);
        let before = found.into_iter().filter(|k| *k < key).max();
        if truncated {
            full = Some(span);
        } else if before.is_some() {
            return Ok(before);
        } else if start.is_none_or(|st| st < floor) {
            return Ok(None);
        } else {
            empty = Some(span);
        }
        span = match (empty, full) {
            (Some(lo), Some(hi)) if hi - lo <= 1 => return Err(EditError::TooManyInstances),
            (Some(lo), Some(hi)) => lo + (hi - lo) / 2,
            (None, Some(hi)) => (hi / 16).max(1),
            (Some(lo), None) => lo.saturating_mul(8),
            (None, None) => span,
        };
    }
    Err(EditError::TooManyInstances)
}

/// The overrides of the document with their recurrence ids as instants.
pub(crate) fn override_keys(doc: &Document, zones: &mut Zones) -> Vec<(usize, Timestamp)> {
    doc.overrides()
        .into_iter()
        .filter_map(|i| {
            let rid = Stamp::of_comp(doc.comp(i)?, "RECURRENCE-ID")?;
            Some((i, zones.instant(&rid)?))
        })
        .collect()
}

/// The form recurrence ids are written in: the master's DTSTART, else an override's.
pub(crate) fn rid_form(doc: &Document) -> Option<Stamp> {
    if let Some(m) = doc.master().and_then(|i| doc.comp(i)) {
        return Stamp::of_comp(m, "DTSTART");
    }
    doc.overrides()
        .into_iter()
        .filter_map(|i| doc.comp(i))
        .find_map(|c| Stamp::of_comp(c, "RECURRENCE-ID"))
}

/// Finds the instance a recurrence id names: by instant, against the overrides and the
/// master's recurrence set.
pub(crate) fn find(doc: &Document, rid: &str, zones: &mut Zones) -> Result<Found, EditError> {
    let bad = || EditError::BadRecurrenceId(rid.to_owned());
    let compact: String = rid
        .trim()
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let parsed = parse_date_or_date_time(&compact).ok_or_else(bad)?;
    let form = rid_form(doc).ok_or(EditError::NoComponent)?;
    let master = doc.master().and_then(|i| doc.comp(i));
    if let Some(m) = master
        && m.prop("RRULE").is_none()
        && m.prop("RDATE").is_none()
        && doc.overrides().is_empty()
    {
        return Err(EditError::NotRecurring);
    }
    let overrides = override_keys(doc, zones);
    let full = match master {
        Some(m) => Some(schedule(doc, m, Set::Full)?),
        None => None,
    };
    let key = match parsed {
        DateOrDateTime::DateTime { value, utc } => {
            let stamp = Stamp {
                civil: if form.is_date() {
                    value.date().to_datetime(Time::midnight())
                } else {
                    value
                },
                form: match (&form.form, utc) {
                    (Form::Date, _) => Form::Date,
                    (_, true) => Form::Utc,
                    (f, false) => f.clone(),
                },
            };
            zones.instant(&stamp).ok_or_else(bad)?
        }
        DateOrDateTime::Date(d) if form.is_date() => {
            let stamp = Stamp {
                civil: d.to_datetime(Time::midnight()),
                form: Form::Date,
            };
            zones.instant(&stamp).ok_or_else(bad)?
        }
        DateOrDateTime::Date(d) => on_day(d, &form, &overrides, full.as_ref(), zones, rid)?,
    };
    if let Some(&(at, _)) = overrides.iter().find(|(_, k)| *k == key) {
        return Ok(Found {
            key,
            override_at: Some(at),
        });
    }
    match full {
        Some(s) if has_instance(&s, key) => Ok(Found {
            key,
            override_at: None,
        }),
        _ => Err(EditError::NoSuchInstance(rid.to_owned())),
    }
}

/// The one instance of a timed series that falls on a local day (a DATE recurrence id).
fn on_day(
    day: Date,
    form: &Stamp,
    overrides: &[(usize, Timestamp)],
    full: Option<&Schedule>,
    zones: &mut Zones,
    rid: &str,
) -> Result<Timestamp, EditError> {
    let tz = zones.tz(&form.form);
    let local = |t: Timestamp| t.to_zoned(tz.clone()).date();
    let mut hits: Vec<Timestamp> = overrides
        .iter()
        .map(|(_, k)| *k)
        .filter(|k| local(*k) == day)
        .collect();
    if let Some(s) = full {
        let start = day.to_datetime(Time::midnight());
        let from = tz.to_ambiguous_timestamp(start).compatible().ok();
        let window = TimeRange {
            start: from.and_then(|f| f.checked_sub(SignedDuration::from_hours(1)).ok()),
            end: from.and_then(|f| f.checked_add(SignedDuration::from_hours(26)).ok()),
        };
        hits.extend(
            keys(s, window, CAP)
                .0
                .into_iter()
                .filter(|k| local(*k) == day),
        );
    }
    hits.sort();
    hits.dedup();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(EditError::NoSuchInstance(rid.to_owned())),
        _ => Err(EditError::BadRecurrenceId(format!(
            "{rid} (more than one instance that day: give the time)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> Document {
        let src = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20260101T000000Z\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        Document::parse(src.as_bytes()).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn last(body: &str, key: &str) -> Option<Timestamp> {
        let d = doc(body);
        let m = d.comp(0).unwrap();
        let s = schedule(&d, m, Set::Rule).unwrap();
        let floor = Zones::of(&d)
            .instant(&Stamp::of_comp(m, "DTSTART").unwrap())
            .unwrap();
        last_before(&s, ts(key), floor).unwrap()
    }

    #[test]
    fn last_before_dense_and_sparse_rules() {
        assert_eq!(
            last(
                "DTSTART:20260101T000000Z\r\nRRULE:FREQ=MINUTELY\r\n",
                "2026-06-01T00:00:00Z"
            ),
            Some(ts("2026-05-31T23:59:00Z"))
        );
        assert_eq!(
            last(
                "DTSTART:20000101T120000Z\r\nRRULE:FREQ=YEARLY;INTERVAL=5\r\n",
                "2030-01-01T12:00:00Z"
            ),
            Some(ts("2025-01-01T12:00:00Z"))
        );
        assert_eq!(
            last(
                "DTSTART:20260101T120000Z\r\nRRULE:FREQ=DAILY\r\n",
                "2026-01-01T12:00:00Z"
            ),
            None
        );
    }

    #[test]
    fn recurrence_ids_match_by_instant_in_every_form() {
        let d =
            doc("DTSTART;TZID=America/New_York:20261101T013000\r\nRRULE:FREQ=DAILY;COUNT=5\r\n");
        let mut z = Zones::of(&d);
        // 1 November 2026 01:30 happens twice in New York: the engine takes the first (EDT).
        let want = ts("2026-11-01T05:30:00Z");
        for rid in [
            "20261101T013000",
            "20261101T053000Z",
            "20261101",
            "2026-11-01T05:30:00Z",
        ] {
            assert_eq!(find(&d, rid, &mut z).unwrap().key, want, "{rid}");
        }
        assert_eq!(
            find(&d, "20261102T063000Z", &mut z).unwrap().key,
            ts("2026-11-02T06:30:00Z")
        );
        assert!(matches!(
            find(&d, "20261106", &mut z),
            Err(EditError::NoSuchInstance(_))
        ));
        assert!(matches!(
            find(&d, "2026110", &mut z),
            Err(EditError::BadRecurrenceId(_))
        ));
        let twice = doc("DTSTART:20261101T090000Z\r\nRRULE:FREQ=DAILY;BYHOUR=9,17\r\n");
        assert!(matches!(
            find(&twice, "20261102", &mut Zones::of(&twice)),
            Err(EditError::BadRecurrenceId(_))
        ));
        let single = doc("DTSTART:20261101T090000Z\r\n");
        assert!(matches!(
            find(&single, "20261101T090000Z", &mut Zones::of(&single)),
            Err(EditError::NotRecurring)
        ));
    }
}
