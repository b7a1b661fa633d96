//! A JSON-friendly reading of a calendar object: the fields people and programs ask for
//! (title, times, place, recurrence, status, people), per component. Read-only: the stored
//! bytes stay the truth and everything not read here stays in them.

use serde::Serialize;

use crate::error::IngestError;
use crate::query::ParsedObject;
use crate::value::unescape_text;

/// When something happens: a date (all-day), or a date-time that is UTC (`Z`), in a
/// time zone (`time_zone`), or floating (neither).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct When {
    /// `YYYY-MM-DD`, for all-day values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `YYYY-MM-DDThh:mm:ss` with `Z` when UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    /// The TZID the value is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// One event, task or journal entry of a resource (the master, or an override).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComponentSummary {
    /// `event`, `task` or `journal`.
    pub kind: String,
    /// The UID.
    pub uid: String,
    /// For an override: the instance it replaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_id: Option<When>,
    /// SUMMARY.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// DESCRIPTION.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// LOCATION.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// DTSTART.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<When>,
    /// DTEND.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<When>,
    /// DUE (tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<When>,
    /// DURATION as written (e.g. `PT1H`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// DTSTART is a date.
    pub all_day: bool,
    /// STATUS (e.g. `CONFIRMED`, `CANCELLED`, `COMPLETED`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// TRANSP: `OPAQUE` or `TRANSPARENT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transparency: Option<String>,
    /// RRULE, RDATE and EXDATE lines as written (e.g. `RRULE:FREQ=WEEKLY;BYDAY=MO`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recurrence: Vec<String>,
    /// CATEGORIES.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// ORGANIZER (the address, usually `mailto:`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizer: Option<String>,
    /// ATTENDEE addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<String>,
    /// PERCENT-COMPLETE (tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<u8>,
    /// Number of VALARMs.
    pub alarms: usize,
}

fn when(prop: &crate::query::parsed::Prop) -> Option<When> {
    let v = prop.value.trim();
    let is_date = prop
        .param("VALUE")
        .is_some_and(|t| t.eq_ignore_ascii_case("DATE"))
        || (v.len() == 8 && v.bytes().all(|b| b.is_ascii_digit()));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if is_date {
        if v.len() != 8 || !digits(v) {
            return None;
        }
        return Some(When {
            date: Some(format!("{}-{}-{}", &v[..4], &v[4..6], &v[6..8])),
            ..When::default()
        });
    }
    let (d, rest) = v.split_once('T')?;
    let (t, utc) = match rest.strip_suffix('Z') {
        Some(t) => (t, true),
        None => (rest, false),
    };
    if d.len() != 8 || t.len() != 6 || !digits(d) || !digits(t) {
        return None;
    }
    Some(When {
        date: None,
        date_time: Some(format!(
            "{}-{}-{}T{}:{}:{}{}",
            &d[..4],
            &d[4..6],
            &d[6..8],
            &t[..2],
            &t[2..4],
            &t[4..6],
            if utc { "Z" } else { "" }
        )),
        time_zone: if utc {
            None
        } else {
            prop.param("TZID").map(str::to_owned)
        },
    })
}

/// Reads the events, tasks and journal entries of stored bytes (master first, then
/// overrides, in document order).
pub fn summarize(bytes: &[u8]) -> Result<Vec<ComponentSummary>, IngestError> {
    let object = ParsedObject::parse(bytes)?;
    let mut out = Vec::new();
    for &i in object.top_level() {
        let Some(comp) = object.comp(i) else { continue };
        let kind = match comp.name.as_str() {
            "VEVENT" => "event",
            "VTODO" => "task",
            "VJOURNAL" => "journal",
            _ => continue,
        };
        let text = |name: &str| comp.prop(name).map(|p| unescape_text(&p.value));
        let raw = |name: &str| comp.prop(name).map(|p| p.value.trim().to_owned());
        let start = comp.prop("DTSTART").and_then(when);
        let mut recurrence: Vec<String> = comp
            .props
            .iter()
            .filter(|p| matches!(p.name.as_str(), "RRULE" | "RDATE" | "EXDATE"))
            .map(|p| format!("{}:{}", p.head, p.value))
            .collect();
        recurrence.sort_by_key(|l| !l.starts_with("RRULE"));
        out.push(ComponentSummary {
            kind: kind.to_owned(),
            uid: raw("UID").unwrap_or_default(),
            recurrence_id: comp.prop("RECURRENCE-ID").and_then(when),
            summary: text("SUMMARY"),
            description: text("DESCRIPTION"),
            location: text("LOCATION"),
            all_day: start.as_ref().is_some_and(|w| w.date.is_some()),
            start,
            end: comp.prop("DTEND").and_then(when),
            due: comp.prop("DUE").and_then(when),
            duration: raw("DURATION"),
            status: raw("STATUS").map(|s| s.to_ascii_uppercase()),
            transparency: raw("TRANSP").map(|s| s.to_ascii_uppercase()),
            recurrence,
            categories: comp
                .props_named("CATEGORIES")
                .flat_map(|p| split_list(&p.value))
                .collect(),
            organizer: raw("ORGANIZER"),
            attendees: comp
                .props_named("ATTENDEE")
                .map(|p| p.value.trim().to_owned())
                .collect(),
            percent_complete: raw("PERCENT-COMPLETE").and_then(|v| v.parse().ok()),
            alarms: comp
                .children
                .iter()
                .filter(|&&c| object.comp(c).is_some_and(|a| a.name == "VALARM"))
                .count(),
        });
    }
    Ok(out)
}

/// A TEXT list split at unescaped commas, each value unescaped.
fn split_list(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            out.push(unescape_text(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    out.push(unescape_text(&current));
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERIES: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\n\
BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\n\
DTEND;TZID=Europe/Berlin:20260105T100000\r\nSUMMARY:Stand\\, up\r\nLOCATION:Room 1\r\n\
RRULE:FREQ=WEEKLY;COUNT=5\r\nEXDATE;TZID=Europe/Berlin:20260112T090000\r\nCATEGORIES:a\\,b,c\r\n\
ATTENDEE;CN=Bob:mailto:bob@example.com\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\n\
DESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:s1\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260119T090000\r\n\
DTSTART:20260119T100000Z\r\nDURATION:PT30M\r\nSUMMARY:Moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn reads_master_and_override() {
        let all = summarize(SERIES.as_bytes()).unwrap();
        assert_eq!(all.len(), 2);
        let m = &all[0];
        assert_eq!(m.kind, "event");
        assert_eq!(m.summary.as_deref(), Some("Stand, up"));
        assert_eq!(
            m.start,
            Some(When {
                date: None,
                date_time: Some("2026-01-05T09:00:00".into()),
                time_zone: Some("Europe/Berlin".into())
            })
        );
        assert_eq!(m.recurrence[0], "RRULE:FREQ=WEEKLY;COUNT=5");
        assert_eq!(m.recurrence[1], "EXDATE;TZID=Europe/Berlin:20260112T090000");
        assert_eq!(m.categories, ["a,b", "c"]);
        assert_eq!(m.attendees, ["mailto:bob@example.com"]);
        assert_eq!(m.alarms, 1);
        let o = &all[1];
        assert_eq!(
            o.recurrence_id.as_ref().unwrap().date_time.as_deref(),
            Some("2026-01-19T09:00:00")
        );
        assert_eq!(
            o.start.as_ref().unwrap().date_time.as_deref(),
            Some("2026-01-19T10:00:00Z")
        );
        assert_eq!(o.duration.as_deref(), Some("PT30M"));
    }

    #[test]
    fn all_day_tasks() {
        let t = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VTODO\r\nUID:t\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260105\r\nDUE;VALUE=DATE:20260107\r\n\
STATUS:needs-action\r\nPERCENT-COMPLETE:40\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
        let s = &summarize(t.as_bytes()).unwrap()[0];
        assert_eq!(s.kind, "task");
        assert!(s.all_day);
        assert_eq!(s.due.as_ref().unwrap().date.as_deref(), Some("2026-01-07"));
        assert_eq!(s.status.as_deref(), Some("NEEDS-ACTION"));
        assert_eq!(s.percent_complete, Some(40));
    }
}
