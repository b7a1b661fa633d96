//! VALARMs as [`Alarm`]s. Only DISPLAY, AUDIO and EMAIL alarms are modelled; the rest
//! (Apple's `ACTION:NONE` placeholders, X- actions) are carried as they are.

use super::EditError;
use super::doc::{Component, Prop};
use super::json::{Alarm, AlarmAction, AlarmTrigger, Related};
use super::patch::Patch;
use super::text::{check_chars, escape_text};
use super::when::{ical_of_iso_utc, iso_of_ical_utc};
use crate::value::{parse_date_time, parse_duration, unescape_text};

fn action_of(c: &Component) -> Option<AlarmAction> {
    let v = c.prop("ACTION")?.value().trim();
    [
        ("DISPLAY", AlarmAction::Display),
        ("AUDIO", AlarmAction::Audio),
        ("EMAIL", AlarmAction::Email),
    ]
    .into_iter()
    .find(|(n, _)| n.eq_ignore_ascii_case(v))
    .map(|(_, a)| a)
}

fn action_name(a: AlarmAction) -> &'static str {
    match a {
        AlarmAction::Display => "DISPLAY",
        AlarmAction::Audio => "AUDIO",
        AlarmAction::Email => "EMAIL",
    }
}

/// A modelled VALARM; `None` for other components and unmodelled alarms.
pub(crate) fn read_alarm(c: &Component) -> Option<Alarm> {
    if !c.is("VALARM") {
        return None;
    }
    let action = action_of(c)?;
    let t = c.prop("TRIGGER")?;
    let absolute = match t.param("VALUE") {
        Some(v) => v.eq_ignore_ascii_case("DATE-TIME"),
        None => parse_date_time(t.value().trim()).is_some(),
    };
    let trigger = if absolute {
        AlarmTrigger::Absolute {
            at: iso_of_ical_utc(t.value())?,
        }
    } else {
        AlarmTrigger::Relative {
            duration: t.value().trim().to_owned(),
            related: if t
                .param("RELATED")
                .is_some_and(|r| r.eq_ignore_ascii_case("END"))
            {
                Related::End
            } else {
                Related::Start
            },
        }
    };
    Some(Alarm {
        action,
        trigger,
        description: c.prop("DESCRIPTION").map(|p| unescape_text(p.value())),
    })
}

/// What a new or changed alarm may need from its event.
pub(crate) struct AlarmContext<'a> {
    /// The event's SUMMARY value as written (escaped), for required alarm texts.
    pub summary: Option<&'a str>,
    /// The ORGANIZER address, the recipient of new e-mail alarms.
    pub organizer: Option<&'a str>,
}

fn write_alarm(
    c: &mut Component,
    a: &Alarm,
    i: usize,
    ctx: &AlarmContext<'_>,
) -> Result<(), EditError> {
    let field = |f: &str| format!("alarms[{i}].{f}");
    if action_of(c) != Some(a.action) {
        c.set("ACTION", action_name(a.action));
    }
    let t = c.ensure("TRIGGER");
    match &a.trigger {
        AlarmTrigger::Relative { duration, related } => {
            let d = duration.trim();
            if parse_duration(d).is_none() {
                return Err(EditError::field(
                    field("trigger.duration"),
                    format!("{d:?} is not a duration (e.g. -PT15M)"),
                ));
            }
            t.set_value(d);
            if t.param("VALUE")
                .is_some_and(|v| !v.eq_ignore_ascii_case("DURATION"))
            {
                t.set_param("VALUE", None);
            }
            let explicit_start = t
                .param("RELATED")
                .is_some_and(|r| r.eq_ignore_ascii_case("START"));
            match related {
                Related::End => t.set_param("RELATED", Some("END")),
                Related::Start if explicit_start => {}
                Related::Start => t.set_param("RELATED", None),
            }
        }
        AlarmTrigger::Absolute { at } => {
            t.set_value(ical_of_iso_utc(&field("trigger.at"), at)?);
            t.set_param("VALUE", Some("DATE-TIME"));
            t.set_param("RELATED", None);
        }
    }
    let default_text = ctx.summary.unwrap_or("Reminder").to_owned();
    match (&a.description, a.action) {
        (Some(d), _) => {
            check_chars(&field("description"), d, true)?;
            if c.prop("DESCRIPTION")
                .map(|p| unescape_text(p.value()))
                .as_ref()
                != Some(d)
            {
                c.set("DESCRIPTION", escape_text(d));
            }
        }
        (None, AlarmAction::Audio) => {
            c.remove("DESCRIPTION");
        }
        // RFC 5545 §3.6.6: DISPLAY and EMAIL alarms need a DESCRIPTION.
        (None, _) if c.prop("DESCRIPTION").is_none() => c.set("DESCRIPTION", default_text.clone()),
        (None, _) => {}
    }
    if a.action == AlarmAction::Email {
        if c.prop("SUMMARY").is_none() {
            c.set("SUMMARY", default_text);
        }
        if c.prop("ATTENDEE").is_none() {
            let Some(organizer) = ctx.organizer else {
                return Err(EditError::field(
                    field("action"),
                    "an e-mail alarm needs an organizer to send to",
                ));
            };
            c.props.push(Prop::new("ATTENDEE", organizer));
        }
    }
    Ok(())
}

/// Applies an `alarms` change. Alarms equal to an existing VALARM keep it untouched;
/// changed ones reuse a remaining modelled VALARM (keeping its other properties); the
/// rest are new. Unmodelled VALARMs and other sub-components always stay.
pub(crate) fn apply_alarms(
    comp: &mut Component,
    patch: &Patch<Vec<Alarm>>,
    ctx: &AlarmContext<'_>,
) -> Result<(), EditError> {
    let wanted: &[Alarm] = match patch {
        Patch::Absent => return Ok(()),
        Patch::Null => &[],
        Patch::Set(list) => list,
    };
    let current: Vec<Alarm> = comp.children.iter().filter_map(read_alarm).collect();
    if current == wanted {
        return Ok(());
    }
    let (mut modelled, kept): (Vec<Component>, Vec<Component>) = std::mem::take(&mut comp.children)
        .into_iter()
        .partition(|c| read_alarm(c).is_some());
    comp.children = kept;
    let mut chosen: Vec<Option<Component>> = wanted
        .iter()
        .map(|a| {
            let at = modelled
                .iter()
                .position(|c| read_alarm(c).as_ref() == Some(a))?;
            Some(modelled.remove(at))
        })
        .collect();
    let mut spare = modelled.into_iter();
    for (i, (a, slot)) in wanted.iter().zip(chosen.iter_mut()).enumerate() {
        if slot.is_none() {
            let mut c = spare.next().unwrap_or_else(|| Component::new("VALARM"));
            write_alarm(&mut c, a, i, ctx)?;
            *slot = Some(c);
        }
    }
    comp.children.extend(chosen.into_iter().flatten());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Document;

    const EV: &str = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Talk\r\n\
BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:a\r\nX-MOZ-LASTACK:20240301T101011Z\r\nEND:VALARM\r\n\
BEGIN:VALARM\r\nACTION:NONE\r\nTRIGGER;VALUE=DATE-TIME:19760401T005545Z\r\nEND:VALARM\r\n\
BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;RELATED=END:PT0S\r\nATTACH:Basso\r\nEND:VALARM\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

    const CTX: AlarmContext<'static> = AlarmContext {
        summary: Some("Talk"),
        organizer: None,
    };

    fn alarms(doc: &Document) -> Vec<Alarm> {
        doc.comp(0)
            .unwrap()
            .children
            .iter()
            .filter_map(read_alarm)
            .collect()
    }

    #[test]
    fn unchanged_list_changes_nothing() {
        let mut doc = Document::parse(EV.as_bytes()).unwrap();
        let list = alarms(&doc);
        apply_alarms(doc.comp_mut(0).unwrap(), &Patch::Set(list), &CTX).unwrap();
        assert_eq!(doc.to_bytes(), EV.as_bytes());
    }

    #[test]
    fn removing_one_keeps_the_others_verbatim() {
        let mut doc = Document::parse(EV.as_bytes()).unwrap();
        let list = alarms(&doc)[1..].to_vec();
        apply_alarms(doc.comp_mut(0).unwrap(), &Patch::Set(list), &CTX).unwrap();
        let out = String::from_utf8(doc.to_bytes()).unwrap();
        assert!(!out.contains("TRIGGER:-PT15M"));
        assert!(out.contains("ACTION:NONE\r\n"));
        assert!(out.contains("TRIGGER;RELATED=END:PT0S\r\nATTACH:Basso\r\n"));
    }

    #[test]
    fn changed_trigger_reuses_the_valarm() {
        let mut doc = Document::parse(EV.as_bytes()).unwrap();
        let mut list = alarms(&doc);
        list[0].trigger = AlarmTrigger::Relative {
            duration: "-PT30M".into(),
            related: Related::Start,
        };
        list.push(Alarm {
            action: AlarmAction::Display,
            trigger: AlarmTrigger::Absolute {
                at: "2026-12-03T08:00:00Z".into(),
            },
            description: None,
        });
        apply_alarms(doc.comp_mut(0).unwrap(), &Patch::Set(list.clone()), &CTX).unwrap();
        assert_eq!(alarms(&doc), {
            let mut l = list.clone();
            l[2].description = Some("Talk".into());
            l
        });
        let out = String::from_utf8(doc.to_bytes()).unwrap();
        assert!(
            out.contains("TRIGGER:-PT30M\r\nDESCRIPTION:a\r\nX-MOZ-LASTACK:20240301T101011Z\r\n")
        );
        assert!(out.contains("TRIGGER;VALUE=DATE-TIME:20261203T080000Z"));
    }

    #[test]
    fn refusals_name_the_alarm() {
        let mut doc = Document::parse(EV.as_bytes()).unwrap();
        let bad = vec![Alarm {
            action: AlarmAction::Email,
            trigger: AlarmTrigger::Relative {
                duration: "-PT1H".into(),
                related: Related::Start,
            },
            description: None,
        }];
        let err = apply_alarms(doc.comp_mut(0).unwrap(), &Patch::Set(bad), &CTX);
        assert!(matches!(err, Err(EditError::Field { field, .. }) if field == "alarms[0].action"));
        let bad = vec![Alarm {
            action: AlarmAction::Display,
            trigger: AlarmTrigger::Relative {
                duration: "15 minutes".into(),
                related: Related::Start,
            },
            description: None,
        }];
        let err = apply_alarms(doc.comp_mut(0).unwrap(), &Patch::Set(bad), &CTX);
        assert!(
            matches!(err, Err(EditError::Field { field, .. }) if field == "alarms[0].trigger.duration")
        );
    }
}
