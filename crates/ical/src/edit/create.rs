//! A new calendar object from JSON fields.

use jiff::Timestamp;

use super::EditError;
use super::apply::apply_fields;
use super::doc::{Component, Document};
use super::json::Kind;
use super::patch::EventPatch;
use super::text::{check_chars, escape_text};
use super::when::{Zones, ical_utc};

/// The PRODID of objects Kairos writes.
const PRODID: &str = "-//Kairos//Kairos//EN";

/// A new VCALENDAR (VERSION, PRODID) holding one component of `kind` with UID, DTSTAMP,
/// CREATED and the fields of `fields` (`null` fields are simply left out). Events need
/// a start. Time zones are written as `TZID=` with their IANA name; [`Document::to_bytes`]
/// adds their VTIMEZONEs.
pub fn new_object(
    kind: Kind,
    uid: &str,
    fields: &EventPatch,
    now: Timestamp,
) -> Result<Document, EditError> {
    check_chars("uid", uid, false)?;
    if uid.trim().is_empty() {
        return Err(EditError::field("uid", "a UID is required"));
    }
    let mut root = Component::new("VCALENDAR");
    root.set("VERSION", "2.0");
    root.set("PRODID", PRODID);
    let mut comp = Component::new(kind.component_name());
    let stamp = ical_utc(now);
    comp.set("UID", escape_text(uid.trim()));
    comp.set("DTSTAMP", stamp.clone());
    comp.set("CREATED", stamp.clone());
    let mut doc = Document { root };
    let mut zones = Zones::of(&doc);
    apply_fields(&mut comp, fields, &mut zones)?;
    if kind == Kind::Event && comp.prop("DTSTART").is_none() {
        return Err(EditError::field("start", "an event needs a start"));
    }
    comp.set("LAST-MODIFIED", stamp);
    doc.root.children.push(comp);
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Patch, When, read};

    fn now() -> Timestamp {
        "2026-11-20T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn event_with_zone_passes_ingest() {
        let fields = EventPatch {
            summary: Patch::Set("Lunch, maybe".into()),
            start: Patch::Set(When {
                date_time: Some("2026-12-03T12:00:00".into()),
                time_zone: Some("Europe/Berlin".into()),
                date: None,
            }),
            end: Patch::Set(When {
                date_time: Some("2026-12-03T13:00:00".into()),
                time_zone: Some("Europe/Berlin".into()),
                date: None,
            }),
            location: Patch::Null,
            recurrence: Patch::Set(vec!["RRULE:FREQ=WEEKLY;COUNT=3".into()]),
            ..EventPatch::default()
        };
        let doc = new_object(Kind::Event, "u-1", &fields, now()).unwrap();
        let bytes = doc.to_bytes();
        let object = crate::ingest(&bytes).unwrap();
        assert_eq!(object.uid, "u-1");
        assert!(object.is_recurring);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos//Kairos//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
        assert_eq!(text.matches("BEGIN:VTIMEZONE\r\n").count(), 1);
        assert!(text.contains("END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:u-1\r\nDTSTAMP:20261120T080000Z\r\nCREATED:20261120T080000Z\r\n"));
        assert!(text.contains("DTSTART;TZID=Europe/Berlin:20261203T120000\r\n"));
        let read = read(&doc);
        assert_eq!(read[0].summary.as_deref(), Some("Lunch, maybe"));
        assert_eq!(
            read[0].last_modified.as_deref(),
            Some("2026-11-20T08:00:00Z")
        );
    }

    #[test]
    fn refusals() {
        let none = EventPatch::default();
        assert!(matches!(
            new_object(Kind::Event, "u", &none, now()),
            Err(EditError::Field { field, .. }) if field == "start"
        ));
        assert!(matches!(
            new_object(Kind::Task, " ", &none, now()),
            Err(EditError::Field { field, .. }) if field == "uid"
        ));
        let task = new_object(Kind::Task, "t", &none, now()).unwrap();
        assert!(crate::ingest(&task.to_bytes()).is_ok());
    }
}
