//! Writing an [`EventPatch`] into one component. Only the properties the patch names are
//! touched, and a property whose value would not change keeps its original line.

use jiff::Timestamp;

use super::EditError;
use super::alarms::{AlarmContext, apply_alarms};
use super::doc::Component;
use super::json::{Kind, Transparency};
use super::patch::{EventPatch, Patch};
use super::people::{apply_attendees, apply_organizer};
use super::text::{check_chars, escape_text, split_list};
use super::times::apply_times;
use super::when::{Zones, ical_of_iso_utc, ical_utc};
use crate::value::unescape_text;

/// Whether the patch holds a field the component's kind does not have.
fn check_kind(kind: Kind, patch: &EventPatch, is_override: bool) -> Result<(), EditError> {
    let only = |present: bool, field: &str, ok: bool, what: &str| {
        if present && !ok {
            Err(EditError::field(field, format!("only {what}")))
        } else {
            Ok(())
        }
    };
    let event = kind == Kind::Event;
    let task = kind == Kind::Task;
    only(
        patch.end.is_present(),
        "end",
        event,
        "events have an end (tasks have due)",
    )?;
    only(patch.due.is_present(), "due", task, "tasks have a due time")?;
    only(
        patch.completed.is_present(),
        "completed",
        task,
        "tasks are completed",
    )?;
    only(
        patch.percent_complete.is_present(),
        "percent_complete",
        task,
        "tasks have a percentage",
    )?;
    only(
        patch.duration.is_present(),
        "duration",
        event || task,
        "events and tasks have a duration",
    )?;
    only(
        patch.transparency.is_present(),
        "transparency",
        event,
        "events block time",
    )?;
    only(
        patch.alarms.is_present(),
        "alarms",
        event || task,
        "events and tasks have alarms",
    )?;
    only(
        patch.recurrence.is_present(),
        "recurrence",
        !is_override,
        "the master has recurrence rules (edit the series, not one instance)",
    )
}

/// Sets or removes a TEXT property.
fn text(comp: &mut Component, name: &str, field: &str, p: &Patch<String>) -> Result<(), EditError> {
    match p {
        Patch::Absent => {}
        Patch::Null => {
            comp.remove(name);
        }
        Patch::Set(v) => {
            check_chars(field, v, true)?;
            if comp.prop(name).map(|p| unescape_text(p.value())).as_ref() != Some(v) {
                comp.set(name, escape_text(v));
            }
        }
    }
    Ok(())
}

/// Sets or removes a property from an already checked value. Token values (STATUS,
/// CLASS, TRANSP) are case-insensitive, so `status:confirmed` already reads CONFIRMED.
fn raw(comp: &mut Component, name: &str, value: Option<Option<String>>) {
    const TOKENS: [&str; 3] = ["STATUS", "CLASS", "TRANSP"];
    let token = TOKENS.iter().any(|t| t.eq_ignore_ascii_case(name));
    match value {
        None => {}
        Some(None) => {
            comp.remove(name);
        }
        Some(Some(v)) => {
            let same = comp.prop(name).is_some_and(|p| {
                let current = p.value().trim();
                current == v || (token && current.eq_ignore_ascii_case(&v))
            });
            if !same {
                comp.set(name, v);
            }
        }
    }
}

/// An upper-case token (STATUS, CLASS): letters, digits and `-`.
fn token(field: &str, v: &str, allowed: &[&str]) -> Result<String, EditError> {
    let v = v.trim().to_ascii_uppercase();
    let shaped = !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if shaped && (allowed.contains(&v.as_str()) || v.starts_with("X-")) {
        Ok(v)
    } else {
        Err(EditError::field(
            field,
            format!("{v:?} is not one of {}", allowed.join(", ")),
        ))
    }
}

fn statuses(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Event => &["TENTATIVE", "CONFIRMED", "CANCELLED"],
        Kind::Task => &["NEEDS-ACTION", "COMPLETED", "IN-PROCESS", "CANCELLED"],
        Kind::Journal => &["DRAFT", "FINAL", "CANCELLED"],
    }
}

fn number(field: &str, p: &Patch<u8>, max: u8) -> Result<Option<Option<String>>, EditError> {
    Ok(match p {
        Patch::Absent => None,
        Patch::Null => Some(None),
        Patch::Set(n) if *n <= max => Some(Some(n.to_string())),
        Patch::Set(n) => {
            return Err(EditError::field(field, format!("{n} is above {max}")));
        }
    })
}

/// Writes every field of `patch` into `comp` (a VEVENT, VTODO or VJOURNAL). DTSTAMP,
/// LAST-MODIFIED and SEQUENCE are the caller's (see [`touch`]).
pub(crate) fn apply_fields(
    comp: &mut Component,
    patch: &EventPatch,
    zones: &mut Zones,
) -> Result<(), EditError> {
    let kind = Kind::of(&comp.name).ok_or(EditError::NoComponent)?;
    let is_override = comp.prop("RECURRENCE-ID").is_some();
    check_kind(kind, patch, is_override)?;
    text(comp, "SUMMARY", "summary", &patch.summary)?;
    text(comp, "DESCRIPTION", "description", &patch.description)?;
    text(comp, "LOCATION", "location", &patch.location)?;
    text(comp, "COLOR", "color", &patch.color)?;
    let status = match &patch.status {
        Patch::Set(s) => Some(Some(token("status", s, statuses(kind))?)),
        p => p.as_change().map(|_| None),
    };
    raw(comp, "STATUS", status);
    let class = match &patch.class {
        Patch::Set(s) => Some(Some(token(
            "class",
            s,
            &["PUBLIC", "PRIVATE", "CONFIDENTIAL"],
        )?)),
        p => p.as_change().map(|_| None),
    };
    raw(comp, "CLASS", class);
    raw(comp, "PRIORITY", number("priority", &patch.priority, 9)?);
    raw(
        comp,
        "PERCENT-COMPLETE",
        number("percent_complete", &patch.percent_complete, 100)?,
    );
    let transp = patch.transparency.as_change().map(|t| {
        t.map(|t| match t {
            Transparency::Opaque => "OPAQUE".to_owned(),
            Transparency::Transparent => "TRANSPARENT".to_owned(),
        })
    });
    raw(comp, "TRANSP", transp);
    let url = match &patch.url {
        Patch::Set(u) => {
            check_chars("url", u, false)?;
            Some(Some(u.trim().to_owned()))
        }
        p => p.as_change().map(|_| None),
    };
    raw(comp, "URL", url);
    let completed = match &patch.completed {
        Patch::Set(c) => Some(Some(ical_of_iso_utc("completed", c)?)),
        p => p.as_change().map(|_| None),
    };
    raw(comp, "COMPLETED", completed);
    categories(comp, &patch.categories)?;
    apply_times(comp, kind, patch, zones)?;
    apply_organizer(comp, &patch.organizer)?;
    apply_attendees(comp, &patch.attendees)?;
    let summary = comp.prop("SUMMARY").map(|p| p.value().to_owned());
    let organizer = comp.prop("ORGANIZER").map(|p| p.value().to_owned());
    let ctx = AlarmContext {
        summary: summary.as_deref(),
        organizer: organizer.as_deref(),
    };
    apply_alarms(comp, &patch.alarms, &ctx)
}

fn categories(comp: &mut Component, p: &Patch<Vec<String>>) -> Result<(), EditError> {
    let wanted: &[String] = match p {
        Patch::Absent => return Ok(()),
        Patch::Null => &[],
        Patch::Set(list) => list,
    };
    let current: Vec<String> = comp
        .props_named("CATEGORIES")
        .flat_map(|p| split_list(p.value()))
        .collect();
    if current == wanted {
        return Ok(());
    }
    for (i, c) in wanted.iter().enumerate() {
        check_chars(&format!("categories[{i}]"), c, false)?;
        if c.trim().is_empty() {
            return Err(EditError::field(
                format!("categories[{i}]"),
                "empty category",
            ));
        }
    }
    let props = if wanted.is_empty() {
        Vec::new()
    } else {
        let list: Vec<String> = wanted.iter().map(|c| escape_text(c.trim())).collect();
        vec![super::doc::Prop::new("CATEGORIES", list.join(","))]
    };
    comp.replace_all("CATEGORIES", props);
    Ok(())
}

/// The lines RFC 5546 counts as a significant change when they change.
pub(crate) fn time_lines(comp: &Component) -> Vec<String> {
    const NAMES: [&str; 7] = [
        "DTSTART", "DTEND", "DURATION", "DUE", "RRULE", "RDATE", "EXDATE",
    ];
    comp.props
        .iter()
        .filter(|p| NAMES.iter().any(|n| p.is(n)))
        .map(|p| p.line())
        .collect()
}

/// Marks an edit: DTSTAMP and LAST-MODIFIED become `now`; SEQUENCE goes up by one when
/// the instances changed (RFC 5546 §2.1.4).
pub(crate) fn touch(comp: &mut Component, now: Timestamp, significant: bool) {
    let stamp = ical_utc(now);
    comp.set("DTSTAMP", stamp.clone());
    comp.set("LAST-MODIFIED", stamp);
    if significant {
        let seq = comp
            .prop("SEQUENCE")
            .and_then(|p| p.value().trim().parse::<u32>().ok())
            .unwrap_or(0);
        comp.set("SEQUENCE", seq.saturating_add(1).to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Document;

    fn doc(lines: &str) -> Document {
        let src = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20260101T100000Z\r\n{lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        Document::parse(src.as_bytes()).unwrap()
    }

    fn apply(d: &mut Document, json: &str) -> Result<(), EditError> {
        let patch: EventPatch = serde_json::from_str(json).unwrap();
        let mut zones = Zones::of(d);
        apply_fields(d.comp_mut(0).unwrap(), &patch, &mut zones)
    }

    #[test]
    fn equal_values_keep_original_lines() {
        let mut d = doc("SUMMARY:a\\, b\r\nstatus:confirmed\r\nCATEGORIES:x,y\r\n");
        let before = d.to_bytes();
        apply(
            &mut d,
            r#"{"summary":"a, b","status":"CONFIRMED","categories":["x","y"]}"#,
        )
        .unwrap();
        assert_eq!(d.to_bytes(), before);
    }

    #[test]
    fn set_and_remove() {
        let mut d = doc("SUMMARY:a\r\nX-KEEP;P=1:v\r\nCATEGORIES:x\r\nCATEGORIES:y\r\n");
        apply(
            &mut d,
            r#"{"summary":null,"location":"Room; 1","categories":["z"],"priority":1,"status":"tentative"}"#,
        )
        .unwrap();
        let out = String::from_utf8(d.to_bytes()).unwrap();
        assert!(!out.contains("SUMMARY"));
        assert!(out.contains("X-KEEP;P=1:v\r\nCATEGORIES:z\r\n"));
        assert!(out.contains("LOCATION:Room\\; 1\r\n"));
        assert!(out.contains("\r\nPRIORITY:1\r\n"));
        assert!(out.contains("\r\nSTATUS:TENTATIVE\r\n"));
    }

    #[test]
    fn refusals_name_the_field() {
        let field = |json: &str| match apply(&mut doc(""), json) {
            Err(EditError::Field { field, .. }) => field,
            other => panic!("{json}: {other:?}"),
        };
        assert_eq!(field(r#"{"status":"DONE"}"#), "status");
        assert_eq!(field(r#"{"priority":10}"#), "priority");
        assert_eq!(field(r#"{"due":{"date":"2026-01-02"}}"#), "due");
        assert_eq!(field(r#"{"summary":"a\u0007"}"#), "summary");
        assert_eq!(
            field(r#"{"completed":"2026-01-01T00:00:00Z"}"#),
            "completed"
        );
        assert_eq!(field(r#"{"categories":["a",""]}"#), "categories[1]");
        assert_eq!(field(r#"{"class":"SECRET"}"#), "class");
    }

    #[test]
    fn touch_bumps_sequence_only_when_significant() {
        let mut d = doc("SEQUENCE:4\r\n");
        let now: Timestamp = "2026-02-01T10:00:00Z".parse().unwrap();
        let c = d.comp_mut(0).unwrap();
        touch(c, now, false);
        assert_eq!(c.prop("SEQUENCE").unwrap().value(), "4");
        touch(c, now, true);
        assert_eq!(c.prop("SEQUENCE").unwrap().value(), "5");
        assert_eq!(c.prop("DTSTAMP").unwrap().value(), "20260201T100000Z");
        assert_eq!(c.prop("LAST-MODIFIED").unwrap().value(), "20260201T100000Z");
    }
}
