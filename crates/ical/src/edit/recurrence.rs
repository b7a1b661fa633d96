//! Recurrence lines (RRULE, RDATE, EXDATE) from JSON: checked, then written so that
//! lines equal to existing ones keep their original text.

use super::EditError;
use super::doc::{Component, Prop};
use super::read::recurrence_lines;
use super::text::check_chars;
use super::when::{Form, Stamp, Zones};
use crate::value::{DateOrDateTime, check_rrule, parse_date_or_date_time, parse_period};

/// UNTIL must have DTSTART's value type, and be UTC when DTSTART is not floating
/// (RFC 5545 §3.3.10).
fn check_until(field: &str, rule: &str, start: Option<&Stamp>) -> Result<(), EditError> {
    let Some(start) = start else { return Ok(()) };
    for part in rule.split(';') {
        let Some((name, v)) = part.split_once('=') else {
            continue;
        };
        if !name.eq_ignore_ascii_case("UNTIL") {
            continue;
        }
        let ok = matches!(
            (&start.form, parse_date_or_date_time(v)),
            (Form::Date, Some(DateOrDateTime::Date(_)))
                | (
                    Form::Utc | Form::Zoned(_),
                    Some(DateOrDateTime::DateTime { utc: true, .. })
                )
                | (
                    Form::Floating,
                    Some(DateOrDateTime::DateTime { utc: false, .. })
                )
        );
        if !ok {
            let want = match start.form {
                Form::Date => "a date (the start is a date)",
                Form::Floating => "a floating date-time (the start is floating)",
                _ => "a UTC date-time ending in Z",
            };
            return Err(EditError::field(field, format!("UNTIL must be {want}")));
        }
    }
    Ok(())
}

/// Checks one recurrence line and returns it as a property.
fn recurrence_prop(
    field: &str,
    line: &str,
    start: Option<&Stamp>,
    zones: &Zones,
) -> Result<Prop, EditError> {
    check_chars(field, line, false)?;
    let prop = Prop::parse_line(line.trim())
        .map_err(|e| EditError::field(field, format!("not a content line: {e}")))?;
    if prop.is("RRULE") {
        check_rrule(prop.value()).map_err(|reason| EditError::field(field, reason))?;
        check_until(field, prop.value(), start)?;
    } else if prop.is("RDATE") || prop.is("EXDATE") {
        if let Some(tzid) = prop.param("TZID")
            && zones.canonical(tzid).is_none()
        {
            return Err(EditError::field(
                field,
                format!("unknown time zone {tzid:?}"),
            ));
        }
        for v in prop.value().split(',') {
            let period = prop.is("RDATE") && v.contains('/');
            let ok = if period {
                parse_period(v).is_ok()
            } else {
                Stamp::read(&prop, v).is_some()
            };
            if !ok {
                return Err(EditError::field(
                    field,
                    format!("{v:?} is not a date or date-time"),
                ));
            }
        }
    } else {
        return Err(EditError::field(
            field,
            "only RRULE, RDATE and EXDATE lines",
        ));
    }
    Ok(prop)
}

/// Replaces the RRULE/RDATE/EXDATE lines; lines equal to an existing one keep it.
pub(crate) fn write_recurrence(
    comp: &mut Component,
    lines: &[String],
    start: Option<&Stamp>,
    zones: &Zones,
) -> Result<(), EditError> {
    let mut props = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let field = format!("recurrence[{i}]");
        let prop = recurrence_prop(&field, line, start, zones)?;
        if prop.is("RRULE") && props.iter().any(|p: &Prop| p.is("RRULE")) {
            return Err(EditError::field(field, "only one RRULE"));
        }
        props.push(prop);
    }
    if !props.is_empty() && start.is_none() {
        return Err(EditError::field(
            "recurrence",
            "a recurring item needs a start",
        ));
    }
    let mut current = recurrence_lines(comp);
    let mut wanted: Vec<String> = props.iter().map(Prop::line).collect();
    current.sort();
    wanted.sort();
    if current == wanted {
        return Ok(());
    }
    let is_rule = |p: &Prop| p.is("RRULE") || p.is("RDATE") || p.is("EXDATE");
    let at = comp
        .props
        .iter()
        .position(is_rule)
        .unwrap_or(comp.props.len());
    comp.props.retain(|p| !is_rule(p));
    let tail = comp.props.split_off(at.min(comp.props.len()));
    comp.props.extend(props);
    comp.props.extend(tail);
    Ok(())
}
