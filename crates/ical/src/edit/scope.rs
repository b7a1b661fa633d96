//! Edits with a recurrence scope: the whole series (`all`), one instance (`this`), and
//! deleting one instance. Splitting and truncating (`following`) are in `split`.
//!
//! Every operation works on a copy and replaces the document only on success, so a
//! refused edit leaves it as it was.

use jiff::{Timestamp, ToSpan};

use super::apply::{apply_fields, time_lines, touch};
use super::doc::{Component, Document};
use super::patch::EventPatch;
use super::series::find;
use super::shift::follow_start;
use super::times::write_time;
use super::when::{Form, Stamp, Zones};
use super::{EditError, Target};

/// The end property (`DTEND` or `DUE`) of `comp`'s instance starting at `inst`: the
/// length `comp` has from its own DTSTART, carried over (whole days for dates, exact
/// seconds for date-times, as RFC 5545 §3.8.5.3 reads instance lengths).
pub(crate) fn carry_end(
    comp: &Component,
    name: &str,
    inst: &Stamp,
    zones: &mut Zones,
) -> Option<Stamp> {
    let start = Stamp::of_comp(comp, "DTSTART")?;
    let end = Stamp::of_comp(comp, name)?;
    if start.is_date() != inst.is_date() {
        return None;
    }
    if start.is_date() && end.is_date() {
        let days = end.civil.date().since(start.civil.date()).ok()?.get_days();
        let date = inst.civil.date().checked_add(days.days()).ok()?;
        return Some(Stamp {
            civil: date.to_datetime(jiff::civil::Time::midnight()),
            form: Form::Date,
        });
    }
    let length = zones.instant(&end)?.duration_since(zones.instant(&start)?);
    let at = zones.instant(inst)?.checked_add(length).ok()?;
    Some(zones.stamp_at(at, &end))
}

/// Where a new component of the series goes: after the last one.
fn after_series(doc: &Document) -> usize {
    doc.calendar_components()
        .last()
        .map_or(doc.root.children.len(), |i| i + 1)
}

/// The index of the VCALENDAR child that is the master; refuses objects without one.
pub(crate) fn master_index(doc: &Document) -> Result<usize, EditError> {
    match doc.master() {
        Some(i) => Ok(i),
        None if doc.calendar_components().is_empty() => Err(EditError::NoComponent),
        None => Err(EditError::NoMaster),
    }
}

/// Makes the override for the instance at `key`: a copy of the master without its
/// recurrence rules, with RECURRENCE-ID in the master's DTSTART form and the instance's
/// own DTSTART and DTEND (or DUE). Returns its index.
fn make_override(
    doc: &mut Document,
    key: Timestamp,
    zones: &mut Zones,
) -> Result<usize, EditError> {
    let master = doc
        .comp(master_index(doc)?)
        .cloned()
        .ok_or(EditError::NoMaster)?;
    let start = Stamp::of_comp(&master, "DTSTART").ok_or(EditError::NotRecurring)?;
    let inst = zones.stamp_at(key, &start);
    let mut o = master.clone();
    for name in ["RRULE", "RDATE", "EXDATE", "EXRULE"] {
        o.remove(name);
    }
    let at = o
        .props
        .iter()
        .position(|p| p.is("UID"))
        .map_or(0, |i| i + 1);
    o.props.insert(at, inst.to_prop("RECURRENCE-ID"));
    write_time(&mut o, "DTSTART", Some(&inst));
    for name in ["DTEND", "DUE"] {
        if let Some(end) = carry_end(&master, name, &inst, zones) {
            write_time(&mut o, name, Some(&end));
        }
    }
    let at = after_series(doc);
    doc.root.children.insert(at, o);
    Ok(at)
}

/// Applies `patch` to the component at `at`, then stamps it.
fn patch_component(
    doc: &mut Document,
    at: usize,
    patch: &EventPatch,
    zones: &mut Zones,
    now: Timestamp,
) -> Result<(), EditError> {
    let comp = doc.comp_mut(at).ok_or(EditError::NoComponent)?;
    let before = time_lines(comp);
    apply_fields(comp, patch, zones)?;
    let significant = time_lines(comp) != before;
    touch(comp, now, significant);
    Ok(())
}

impl Document {
    /// Applies `patch` to the master (scope `all`, or a single event) or to one instance
    /// (scope `this`, see [`Document::edit_instance`]). Changing start, end, duration, due
    /// or recurrence bumps SEQUENCE; DTSTAMP and LAST-MODIFIED become `now`.
    ///
    /// When the start of a series changes, the overrides' RECURRENCE-IDs, the EXDATEs,
    /// the RDATEs (not PERIOD ones) and a RRULE UNTIL move by the same wall-clock amount
    /// (and into the new start's form), so they keep naming the same instances, as Apple
    /// Calendar does; overrides that were not moved in time move with the series. If the
    /// patch also gives `recurrence`, its EXDATE/RDATE/UNTIL are taken as written.
    pub fn apply(
        &mut self,
        target: Target,
        patch: &EventPatch,
        now: Timestamp,
    ) -> Result<(), EditError> {
        let at = match target {
            Target::Instance(rid) => return self.edit_instance(&rid, patch, now),
            Target::Master => master_index(self)?,
        };
        let mut doc = self.clone();
        let mut zones = Zones::of(&doc);
        let old = doc.comp(at).and_then(|c| Stamp::of_comp(c, "DTSTART"));
        patch_component(&mut doc, at, patch, &mut zones, now)?;
        let new = doc.comp(at).and_then(|c| Stamp::of_comp(c, "DTSTART"));
        if let (Some(old), Some(new)) = (old, new)
            && old != new
        {
            follow_start(
                &mut doc,
                at,
                &old,
                &new,
                patch.recurrence.is_absent(),
                &mut zones,
                now,
            )?;
        }
        *self = doc;
        Ok(())
    }

    /// Scope `this`: patches the instance's override, making one first if needed (a copy
    /// of the master's properties, alarms and unknown properties included, without
    /// RRULE/RDATE/EXDATE).
    pub fn edit_instance(
        &mut self,
        rid: &str,
        patch: &EventPatch,
        now: Timestamp,
    ) -> Result<(), EditError> {
        let mut doc = self.clone();
        let mut zones = Zones::of(&doc);
        let found = find(&doc, rid, &mut zones)?;
        let at = match found.override_at {
            Some(at) => at,
            None => make_override(&mut doc, found.key, &mut zones)?,
        };
        patch_component(&mut doc, at, patch, &mut zones, now)?;
        *self = doc;
        Ok(())
    }

    /// Deletes one instance: removes its override, if any, and adds an EXDATE in the
    /// master's DTSTART form. Refuses ([`EditError::WouldBeEmpty`]) when that removes the
    /// last component of an object without master.
    pub fn delete_instance(&mut self, rid: &str, now: Timestamp) -> Result<(), EditError> {
        let mut doc = self.clone();
        let mut zones = Zones::of(&doc);
        let found = find(&doc, rid, &mut zones)?;
        if let Some(at) = found.override_at {
            doc.root.children.remove(at);
        }
        match doc.master() {
            Some(m) => {
                let master = doc.comp_mut(m).ok_or(EditError::NoMaster)?;
                let start = Stamp::of_comp(master, "DTSTART").ok_or(EditError::NotRecurring)?;
                let exdate = zones.stamp_at(found.key, &start).to_prop("EXDATE");
                let is_rule =
                    |p: &super::doc::Prop| p.is("RRULE") || p.is("RDATE") || p.is("EXDATE");
                let at = master
                    .props
                    .iter()
                    .rposition(is_rule)
                    .map_or(master.props.len(), |i| i + 1);
                master.props.insert(at, exdate);
                touch(master, now, true);
            }
            None if doc.calendar_components().is_empty() => return Err(EditError::WouldBeEmpty),
            None => {}
        }
        *self = doc;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_lengths_are_exact_across_dst() {
        let src = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\n\
DTSTART;TZID=Europe/Berlin:20261019T090000\r\nDTEND;TZID=America/New_York:20261019T040000\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";
        let d = Document::parse(src.as_bytes()).unwrap();
        let mut z = Zones::of(&d);
        let inst = Stamp {
            civil: jiff::civil::date(2026, 10, 26).at(9, 0, 0, 0),
            form: Form::Zoned("Europe/Berlin".into()),
        };
        let end = carry_end(d.comp(0).unwrap(), "DTEND", &inst, &mut z).unwrap();
        // One hour after 09:00 CET is 10:00 CET = 05:00 in New York (still on EDT).
        assert_eq!(end.value(), "20261026T050000");
        assert_eq!(end.form, Form::Zoned("America/New_York".into()));
    }
}
