//! Start, end, due, duration and recurrence lines of one component, validated together.

use super::EditError;
use super::doc::Component;
use super::json::{Kind, When};
use super::patch::{EventPatch, Patch};
use super::recurrence::write_recurrence;
use super::when::{Stamp, Zones};
use crate::value::parse_duration;

/// The value a time field will have: the current one, none, or the patch's.
fn target(
    p: &Patch<When>,
    field: &str,
    current: Option<Stamp>,
    zones: &mut Zones,
) -> Result<Option<Stamp>, EditError> {
    match p {
        Patch::Absent => Ok(current),
        Patch::Null => Ok(None),
        Patch::Set(w) => Stamp::from_when(field, w, zones).map(Some),
    }
}

/// Writes a time property, or removes it; an equal value keeps the original line.
pub(crate) fn write_time(comp: &mut Component, name: &str, stamp: Option<&Stamp>) {
    let Some(stamp) = stamp else {
        comp.remove(name);
        return;
    };
    if Stamp::of_comp(comp, name).as_ref() == Some(stamp) {
        return;
    }
    match comp.prop_mut(name) {
        Some(prop) => stamp.write_to(prop),
        None => comp.props.push(stamp.to_prop(name)),
    }
}

/// Applies start, end (or due), duration and recurrence; refuses what RFC 5545 forbids.
pub(crate) fn apply_times(
    comp: &mut Component,
    kind: Kind,
    patch: &EventPatch,
    zones: &mut Zones,
) -> Result<(), EditError> {
    if !patch.touches_times() {
        return Ok(());
    }
    let (end_name, end_field, end_patch) = match kind {
        Kind::Task => ("DUE", "due", &patch.due),
        _ => ("DTEND", "end", &patch.end),
    };
    let start = target(
        &patch.start,
        "start",
        Stamp::of_comp(comp, "DTSTART"),
        zones,
    )?;
    let mut end = target(end_patch, end_field, Stamp::of_comp(comp, end_name), zones)?;
    let mut duration = match &patch.duration {
        Patch::Absent => comp.prop("DURATION").map(|p| p.value().trim().to_owned()),
        Patch::Null => None,
        Patch::Set(d) => Some(d.trim().to_owned()),
    };
    match (end_patch, &patch.duration) {
        (Patch::Set(_), Patch::Set(_)) => {
            return Err(EditError::field(
                "duration",
                format!("give {end_field} or duration, not both"),
            ));
        }
        // A new end replaces a DURATION, and the other way round (RFC 5545 allows one).
        (Patch::Set(_), _) => duration = None,
        (_, Patch::Set(_)) => end = None,
        _ => {}
    }
    let recurs = match &patch.recurrence {
        Patch::Absent => comp.prop("RRULE").is_some() || comp.prop("RDATE").is_some(),
        Patch::Null => false,
        Patch::Set(lines) => !lines.is_empty(),
    };
    let is_override = comp.prop("RECURRENCE-ID").is_some();
    if start.is_none() {
        if kind == Kind::Event || is_override || recurs {
            return Err(EditError::field(
                "start",
                "required for events and for recurring items",
            ));
        }
        if duration.is_some() {
            return Err(EditError::field("duration", "a duration needs a start"));
        }
    }
    if let (Some(s), Some(e)) = (&start, &end) {
        let blame = if end_patch.is_present() {
            end_field
        } else {
            "start"
        };
        if s.is_date() != e.is_date() {
            return Err(EditError::field(
                blame,
                format!("start and {end_field} must both be dates or both date-times"),
            ));
        }
        if zones.instant(e) <= zones.instant(s) {
            return Err(EditError::field(
                blame,
                format!("{end_field} must be after start"),
            ));
        }
    }
    if let Some(d) = &duration {
        check_duration(d, start.as_ref().is_some_and(Stamp::is_date))?;
    }
    write_time(comp, "DTSTART", start.as_ref());
    write_time(comp, end_name, end.as_ref());
    match duration {
        Some(d) if comp.prop("DURATION").map(|p| p.value().trim()) == Some(d.as_str()) => {}
        Some(d) => comp.set("DURATION", d),
        None => {
            comp.remove("DURATION");
        }
    }
    match &patch.recurrence {
        Patch::Absent => Ok(()),
        Patch::Null => write_recurrence(comp, &[], start.as_ref(), zones),
        Patch::Set(lines) => write_recurrence(comp, lines, start.as_ref(), zones),
    }
}

fn check_duration(d: &str, all_day: bool) -> Result<(), EditError> {
    let secs = parse_duration(d).ok_or_else(|| {
        EditError::field(
            "duration",
            format!("{d:?} is not a duration (e.g. PT1H30M)"),
        )
    })?;
    if secs < 0 {
        return Err(EditError::field("duration", "must not be negative"));
    }
    if all_day && secs % 86_400 != 0 {
        return Err(EditError::field(
            "duration",
            "an all-day item lasts whole days (e.g. P1D)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Document;
    use crate::edit::doc::Prop;

    fn doc(lines: &str) -> Document {
        let src = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\n{lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        Document::parse(src.as_bytes()).unwrap()
    }

    fn apply(d: &mut Document, json: &str) -> Result<(), EditError> {
        let patch: EventPatch = serde_json::from_str(json).unwrap();
        let mut zones = Zones::of(d);
        apply_times(d.comp_mut(0).unwrap(), Kind::Event, &patch, &mut zones)
    }

    fn field_of(r: Result<(), EditError>) -> String {
        match r {
            Err(EditError::Field { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    const TIMED: &str = "DTSTART;TZID=Europe/Berlin:20261203T090000\r\nDTEND;TZID=Europe/Berlin:20261203T100000\r\n";

    #[test]
    fn end_replaces_duration_and_back() {
        let mut d = doc("DTSTART:20261203T090000Z\r\nDURATION:PT1H\r\n");
        apply(&mut d, r#"{"end":{"date_time":"2026-12-03T11:00:00Z"}}"#).unwrap();
        let c = d.comp(0).unwrap();
        assert!(c.prop("DURATION").is_none());
        assert_eq!(c.prop("DTEND").unwrap().line(), "DTEND:20261203T110000Z");
        apply(&mut d, r#"{"duration":"PT30M"}"#).unwrap();
        let c = d.comp(0).unwrap();
        assert!(c.prop("DTEND").is_none());
        assert_eq!(c.prop("DURATION").unwrap().value(), "PT30M");
    }

    #[test]
    fn refusals() {
        let end = |w: &str| format!(r#"{{"end":{w}}}"#);
        assert_eq!(
            field_of(apply(&mut doc(TIMED), &end(r#"{"date":"2026-12-04"}"#))),
            "end"
        );
        assert_eq!(
            field_of(apply(
                &mut doc(TIMED),
                &end(r#"{"date_time":"2026-12-03T08:59:00","time_zone":"Europe/Berlin"}"#)
            )),
            "end"
        );
        assert_eq!(
            field_of(apply(
                &mut doc(TIMED),
                r#"{"start":{"date_time":"2026-12-03T10:30:00Z"}}"#
            )),
            "start"
        );
        assert_eq!(
            field_of(apply(&mut doc(TIMED), r#"{"start":null}"#)),
            "start"
        );
        assert_eq!(
            field_of(apply(
                &mut doc(TIMED),
                r#"{"start":{"date_time":"2026-12-03T08:00:00","time_zone":"Nowhere/Atlantis"}}"#
            )),
            "start"
        );
        assert_eq!(
            field_of(apply(
                &mut doc("DTSTART;VALUE=DATE:20261203\r\n"),
                r#"{"duration":"PT1H"}"#
            )),
            "duration"
        );
        assert_eq!(
            field_of(apply(
                &mut doc(TIMED),
                r#"{"recurrence":["RRULE:FREQ=SOMETIMES"]}"#
            )),
            "recurrence[0]"
        );
        assert_eq!(
            field_of(apply(
                &mut doc(TIMED),
                r#"{"recurrence":["RRULE:FREQ=DAILY","RRULE:FREQ=WEEKLY"]}"#
            )),
            "recurrence[1]"
        );
        assert_eq!(
            field_of(apply(
                &mut doc(TIMED),
                r#"{"recurrence":["RRULE:FREQ=DAILY;UNTIL=20261210T090000"]}"#
            )),
            "recurrence[0]"
        );
        assert_eq!(
            field_of(apply(
                &mut doc(TIMED),
                r#"{"recurrence":["EXRULE:FREQ=DAILY"]}"#
            )),
            "recurrence[0]"
        );
        assert_eq!(
            field_of(apply(
                &mut doc(TIMED),
                r#"{"recurrence":["EXDATE;TZID=Mars/Base:20261210T090000"]}"#
            )),
            "recurrence[0]"
        );
    }

    #[test]
    fn all_day_pair() {
        let mut d = doc(TIMED);
        apply(
            &mut d,
            r#"{"start":{"date":"2026-12-03"},"end":{"date":"2026-12-05"}}"#,
        )
        .unwrap();
        let c = d.comp(0).unwrap();
        assert_eq!(
            c.prop("DTSTART").unwrap().line(),
            "DTSTART;VALUE=DATE:20261203"
        );
        assert_eq!(c.prop("DTEND").unwrap().line(), "DTEND;VALUE=DATE:20261205");
    }

    #[test]
    fn recurrence_lines_replace_and_keep_equal_ones() {
        let mut d = doc(&format!(
            "{TIMED}RRULE:FREQ=WEEKLY\r\nEXDATE;TZID=Europe/Berlin:20261210T090000\r\nX-A:1\r\n"
        ));
        apply(
            &mut d,
            r#"{"recurrence":["EXDATE;TZID=Europe/Berlin:20261210T090000","RRULE:FREQ=WEEKLY;COUNT=3"]}"#,
        )
        .unwrap();
        let lines: Vec<String> = d.comp(0).unwrap().props.iter().map(Prop::line).collect();
        assert_eq!(
            lines[3..],
            [
                "EXDATE;TZID=Europe/Berlin:20261210T090000",
                "RRULE:FREQ=WEEKLY;COUNT=3",
                "X-A:1"
            ]
        );
    }
}
