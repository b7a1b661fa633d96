//! Scope `following`: ending a series before an instance, as a new series
//! ([`Document::split_at`]) or by deleting the rest ([`Document::truncate_at`]).
//!
//! The old rule ends at the last occurrence strictly before the instance: a COUNT rule
//! keeps COUNT (the number of occurrences kept), any other rule gets UNTIL in the form
//! RFC 5545 §3.3.10 requires — UTC when DTSTART is UTC or has a TZID, floating when
//! DTSTART is floating, a DATE when DTSTART is a DATE. UNTIL is that occurrence's own
//! instant as the engine resolved it in the event's zone, so a DST change between it and
//! the split does not move it.

use jiff::Timestamp;

use super::EditError;
use super::apply::touch;
use super::doc::{Component, Document};
use super::scope::carry_end;
use super::series::{Set, count_before, find, has_instance, last_before, override_keys, schedule};
use super::text::{check_chars, escape_text};
use super::times::write_time;
use super::when::{Form, Stamp, Zones, ical_date, ical_date_time, ical_utc};

/// How a rule is bounded.
enum Bound {
    Count(usize),
    Until(String),
}

/// A RRULE value with COUNT and UNTIL replaced by `bound` (never both).
fn rule_with(rule: &str, bound: Option<Bound>) -> String {
    let mut parts: Vec<String> = rule
        .split(';')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = p.split_once('=').map_or(*p, |(n, _)| n);
            !name.eq_ignore_ascii_case("COUNT") && !name.eq_ignore_ascii_case("UNTIL")
        })
        .map(str::to_owned)
        .collect();
    match bound {
        Some(Bound::Count(n)) => parts.push(format!("COUNT={n}")),
        Some(Bound::Until(u)) => parts.push(format!("UNTIL={u}")),
        None => {}
    }
    parts.join(";")
}

fn count_of(rule: &str) -> Option<usize> {
    rule.split(';').find_map(|p| {
        let (n, v) = p.split_once('=')?;
        n.eq_ignore_ascii_case("COUNT")
            .then(|| v.trim().parse().ok())?
    })
}

/// UNTIL for the occurrence at `last` of a series starting at `start`.
fn until_of(last: Timestamp, start: &Stamp, zones: &mut Zones) -> String {
    match start.form {
        Form::Date => ical_date(zones.stamp_at(last, start).civil.date()),
        Form::Floating => ical_date_time(zones.stamp_at(last, start).civil),
        Form::Utc | Form::Zoned(_) => ical_utc(last),
    }
}

/// Keeps the values of each `name` property whose instant satisfies `keep`; drops
/// properties left empty. PERIOD values count by their start.
fn keep_values(
    comp: &mut Component,
    name: &str,
    zones: &mut Zones,
    keep: impl Fn(Timestamp) -> bool,
) {
    for prop in comp.props.iter_mut().filter(|p| p.is(name)) {
        let kept: Vec<String> = prop
            .value()
            .split(',')
            .filter(|v| {
                let start = v.split('/').next().unwrap_or_default();
                Stamp::read(prop, start)
                    .and_then(|s| zones.instant(&s))
                    .is_some_and(&keep)
            })
            .map(str::to_owned)
            .collect();
        prop.set_value(kept.join(","));
    }
    comp.props.retain(|p| !(p.is(name) && p.value().is_empty()));
}

/// The split point: the instance, the master's parts before and after it.
struct Cut {
    /// The master with its rule ended before `key` (`None`: no master).
    old: Option<Component>,
    /// The master of the series from `key` on (`None`: no master).
    new: Option<Component>,
    /// Overrides (indices) at or after `key`.
    later: Vec<usize>,
}

/// Works out both halves of the series around the instance `rid`.
fn cut(doc: &Document, rid: &str, zones: &mut Zones) -> Result<Cut, EditError> {
    let key = find(doc, rid, zones)?.key;
    let overrides = override_keys(doc, zones);
    let later: Vec<usize> = overrides
        .iter()
        .filter(|(_, k)| *k >= key)
        .map(|(i, _)| *i)
        .collect();
    let earlier_override = overrides.iter().any(|(_, k)| *k < key);
    let first = || EditError::FirstInstance(rid.to_owned());
    let Some(master) = doc.master().and_then(|i| doc.comp(i)) else {
        return if earlier_override {
            Ok(Cut {
                old: None,
                new: None,
                later,
            })
        } else {
            Err(first())
        };
    };
    let start = Stamp::of_comp(master, "DTSTART").ok_or(EditError::NotRecurring)?;
    let start_at = zones.instant(&start).ok_or(EditError::NotRecurring)?;
    let full = schedule(doc, master, Set::Full)?;
    // RDATEs may lie before DTSTART: look back to the earliest of them.
    let floor = master
        .props_named("RDATE")
        .flat_map(|p| {
            p.value()
                .split(',')
                .filter_map(|v| Stamp::read(p, v.split('/').next()?))
        })
        .filter_map(|s| zones.instant(&s))
        .fold(start_at, Timestamp::min);
    if !earlier_override && last_before(&full, key, floor)?.is_none() {
        return Err(first());
    }
    if start_at >= key {
        return Err(EditError::Unsupported(
            "the series' DTSTART is not before this instance (only RDATEs are)".into(),
        ));
    }
    let mut old = master.clone();
    let mut new = master.clone();
    if let Some(rule) = master.prop("RRULE").map(|p| p.value().to_owned()) {
        let rules = schedule(doc, master, Set::Rule)?;
        if !has_instance(&rules, key) {
            return Err(EditError::Unsupported(
                "splitting a rule at an RDATE instance".into(),
            ));
        }
        let (old_bound, new_bound) = match count_of(&rule) {
            Some(count) => {
                let (kept, _) = count_before(&rules, key)?;
                (
                    Bound::Count(kept),
                    Some(Bound::Count(count.saturating_sub(kept))),
                )
            }
            None => {
                let last = last_before(&rules, key, start_at)?.unwrap_or(start_at);
                let until = rule.split(';').find_map(|p| {
                    let (n, v) = p.split_once('=')?;
                    n.eq_ignore_ascii_case("UNTIL")
                        .then(|| Bound::Until(v.to_owned()))
                });
                (Bound::Until(until_of(last, &start, zones)), until)
            }
        };
        old.set("RRULE", rule_with(&rule, Some(old_bound)));
        new.set("RRULE", rule_with(&rule, new_bound));
    }
    for name in ["RDATE", "EXDATE"] {
        keep_values(&mut old, name, zones, |t| t < key);
        keep_values(&mut new, name, zones, |t| t >= key);
    }
    let new_start = zones.stamp_at(key, &start);
    write_time(&mut new, "DTSTART", Some(&new_start));
    for name in ["DTEND", "DUE"] {
        if let Some(end) = carry_end(master, name, &new_start, zones) {
            write_time(&mut new, name, Some(&end));
        }
    }
    Ok(Cut {
        old: Some(old),
        new: Some(new),
        later,
    })
}

/// A VCALENDAR with `doc`'s calendar properties and VTIMEZONEs, and no components.
fn shell(doc: &Document) -> Document {
    let mut root = Component::new("VCALENDAR");
    root.props = doc.root.props.clone();
    root.children = doc
        .root
        .children
        .iter()
        .filter(|c| c.is("VTIMEZONE"))
        .cloned()
        .collect();
    Document { root }
}

impl Document {
    /// Scope `following` as a new series: this series ends before the instance `rid`,
    /// and the returned document holds the series from `rid` on, under `new_uid` — a copy
    /// of the master starting at that instance (COUNT reduced by the occurrences before,
    /// RDATEs and EXDATEs from `rid` on) with the overrides at or after `rid` moved into
    /// it. At the first instance this refuses with [`EditError::FirstInstance`]: edit the
    /// whole series instead.
    pub fn split_at(
        &mut self,
        rid: &str,
        new_uid: &str,
        now: Timestamp,
    ) -> Result<Document, EditError> {
        check_chars("uid", new_uid, false)?;
        if new_uid.trim().is_empty() {
            return Err(EditError::field("uid", "a new UID is required"));
        }
        let mut zones = Zones::of(self);
        let cut = cut(self, rid, &mut zones)?;
        let mut doc = self.clone();
        let mut next = shell(&doc);
        let uid = escape_text(new_uid.trim());
        if let (Some(at), Some(mut old), Some(mut new)) = (doc.master(), cut.old, cut.new) {
            touch(&mut old, now, true);
            new.set("UID", uid.clone());
            new.set("SEQUENCE", "0");
            new.set("CREATED", ical_utc(now));
            touch(&mut new, now, false);
            if let Some(slot) = doc.comp_mut(at) {
                *slot = old;
            }
            next.root.children.push(new);
        }
        for &i in &cut.later {
            if let Some(mut o) = doc.comp(i).cloned() {
                o.set("UID", uid.clone());
                next.root.children.push(o);
            }
        }
        remove_children(&mut doc, &cut.later);
        *self = doc;
        Ok(next)
    }

    /// Scope `following`, deleting: the series ends before the instance `rid` (same
    /// UNTIL/COUNT rules as [`Document::split_at`]) and overrides at or after it go. At
    /// the first instance this refuses with [`EditError::FirstInstance`]: delete the
    /// whole object instead.
    pub fn truncate_at(&mut self, rid: &str, now: Timestamp) -> Result<(), EditError> {
        let mut zones = Zones::of(self);
        let cut = cut(self, rid, &mut zones)?;
        let mut doc = self.clone();
        if let (Some(at), Some(mut old)) = (doc.master(), cut.old) {
            touch(&mut old, now, true);
            if let Some(slot) = doc.comp_mut(at) {
                *slot = old;
            }
        }
        remove_children(&mut doc, &cut.later);
        *self = doc;
        Ok(())
    }
}

/// Removes the VCALENDAR children at `indices`.
fn remove_children(doc: &mut Document, indices: &[usize]) {
    let mut sorted = indices.to_vec();
    sorted.sort_unstable();
    for &i in sorted.iter().rev() {
        if i < doc.root.children.len() {
            doc.root.children.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_get_one_bound() {
        assert_eq!(
            rule_with("FREQ=WEEKLY;COUNT=10;BYDAY=MO", Some(Bound::Count(3))),
            "FREQ=WEEKLY;BYDAY=MO;COUNT=3"
        );
        assert_eq!(
            rule_with(
                "FREQ=WEEKLY;UNTIL=20261231T000000Z;",
                Some(Bound::Until("20261019T070000Z".into()))
            ),
            "FREQ=WEEKLY;UNTIL=20261019T070000Z"
        );
        assert_eq!(rule_with("FREQ=DAILY;count=4", None), "FREQ=DAILY");
        assert_eq!(count_of("FREQ=DAILY;count=4"), Some(4));
        assert_eq!(count_of("FREQ=DAILY"), None);
    }

    #[test]
    fn rdate_series_split_partitions_the_dates() {
        let src = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:r\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART:20261201T100000Z\r\nDURATION:PT1H\r\n\
RDATE:20261205T100000Z,20261209T100000Z\r\nRDATE:20261212T100000Z\r\n\
EXDATE:20261212T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let now: Timestamp = "2026-11-20T08:00:00Z".parse().unwrap();
        let mut old = Document::parse(src.as_bytes()).unwrap();
        let new = old.split_at("20261209T100000Z", "r2", now).unwrap();
        let text = |d: &Document| String::from_utf8(d.to_bytes()).unwrap();
        crate::ingest(&old.to_bytes()).unwrap();
        crate::ingest(&new.to_bytes()).unwrap();
        assert!(text(&old).contains("RDATE:20261205T100000Z\r\n"));
        assert!(!text(&old).contains("20261209") && !text(&old).contains("EXDATE"));
        let n = text(&new);
        assert!(n.contains("DTSTART:20261209T100000Z\r\n"));
        assert!(n.contains(
            "RDATE:20261209T100000Z\r\nRDATE:20261212T100000Z\r\nEXDATE:20261212T100000Z\r\n"
        ));
        assert!(!n.contains("20261205"));
    }
}
