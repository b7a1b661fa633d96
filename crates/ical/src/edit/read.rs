//! Reading a document's events, tasks and journal entries as [`EventFields`].

use super::alarms::read_alarm;
use super::doc::{Component, Document};
use super::json::{EventFields, Kind, Transparency};
use super::people::{read_attendee, read_person};
use super::text::split_list;
use super::when::{Stamp, iso_of_ical_utc};
use crate::value::unescape_text;

/// The events, tasks and journal entries of a document: the master first, then the
/// overrides in document order.
pub fn read(doc: &Document) -> Vec<EventFields> {
    let master = doc.master();
    master
        .into_iter()
        .chain(doc.overrides())
        .filter_map(|i| doc.comp(i))
        .filter_map(fields_of)
        .collect()
}

/// The recurrence lines of a component (RRULE first, then RDATE/EXDATE as written).
pub(crate) fn recurrence_lines(comp: &Component) -> Vec<String> {
    let mut lines: Vec<String> = comp
        .props
        .iter()
        .filter(|p| p.is("RRULE") || p.is("RDATE") || p.is("EXDATE"))
        .map(|p| p.line())
        .collect();
    lines.sort_by_key(|l| !l.get(..6).is_some_and(|h| h.eq_ignore_ascii_case("RRULE:")));
    lines
}

/// One component's fields; `None` for components that are not events, tasks or journals.
pub(crate) fn fields_of(comp: &Component) -> Option<EventFields> {
    let kind = Kind::of(&comp.name)?;
    let text = |name: &str| comp.prop(name).map(|p| unescape_text(p.value()));
    let raw = |name: &str| comp.prop(name).map(|p| p.value().trim().to_owned());
    let when = |name: &str| Stamp::of_comp(comp, name).map(|s| s.to_when());
    let utc = |name: &str| comp.prop(name).and_then(|p| iso_of_ical_utc(p.value()));
    Some(EventFields {
        kind,
        uid: text("UID").unwrap_or_default(),
        recurrence_id: when("RECURRENCE-ID"),
        summary: text("SUMMARY"),
        description: text("DESCRIPTION"),
        location: text("LOCATION"),
        start: when("DTSTART"),
        end: when("DTEND"),
        duration: raw("DURATION"),
        due: when("DUE"),
        completed: utc("COMPLETED"),
        percent_complete: raw("PERCENT-COMPLETE").and_then(|v| v.parse().ok()),
        status: raw("STATUS").map(|s| s.to_ascii_uppercase()),
        transparency: raw("TRANSP").and_then(|t| {
            if t.eq_ignore_ascii_case("TRANSPARENT") {
                Some(Transparency::Transparent)
            } else if t.eq_ignore_ascii_case("OPAQUE") {
                Some(Transparency::Opaque)
            } else {
                None
            }
        }),
        class: raw("CLASS").map(|s| s.to_ascii_uppercase()),
        priority: raw("PRIORITY").and_then(|v| v.parse().ok()),
        categories: comp
            .props_named("CATEGORIES")
            .flat_map(|p| split_list(p.value()))
            .collect(),
        url: raw("URL"),
        color: text("COLOR"),
        organizer: comp.prop("ORGANIZER").map(read_person),
        attendees: comp.props_named("ATTENDEE").map(read_attendee).collect(),
        alarms: comp.children.iter().filter_map(read_alarm).collect(),
        recurrence: recurrence_lines(comp),
        sequence: raw("SEQUENCE").and_then(|v| v.parse().ok()).unwrap_or(0),
        created: utc("CREATED"),
        last_modified: utc("LAST-MODIFIED"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{AlarmAction, AlarmTrigger, Related};

    const SRC: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n\
BEGIN:VEVENT\r\nUID:u\r\nRECURRENCE-ID;TZID=Europe/Berlin:20260112T090000\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART:20260112T100000Z\r\nDURATION:PT30M\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20260101T000000Z\r\nCREATED:20260101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20260105T090000\r\nDTEND;TZID=Europe/Berlin:20260105T100000\r\n\
SUMMARY:Stand\\, up\r\nRRULE:FREQ=WEEKLY\r\nEXDATE;TZID=Europe/Berlin:20260119T090000\r\n\
CATEGORIES:a\\,b,c\r\nTRANSP:TRANSPARENT\r\nSEQUENCE:3\r\n\
ORGANIZER;CN=\"Anna ^'A^'\":mailto:anna@example.com\r\n\
ATTENDEE;CN=Bob;PARTSTAT=ACCEPTED;RSVP=TRUE;ROLE=CHAIR:mailto:bob@example.com\r\n\
BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;RELATED=END:-PT5M\r\nDESCRIPTION:x\r\nEND:VALARM\r\n\
BEGIN:VALARM\r\nACTION:NONE\r\nTRIGGER;VALUE=DATE-TIME:19760401T005545Z\r\nEND:VALARM\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn master_first_with_all_fields() {
        let doc = Document::parse(SRC.as_bytes()).unwrap();
        let all = read(&doc);
        assert_eq!(all.len(), 2);
        let m = &all[0];
        assert_eq!(m.summary.as_deref(), Some("Stand, up"));
        assert_eq!(m.recurrence[0], "RRULE:FREQ=WEEKLY");
        assert_eq!(m.categories, ["a,b", "c"]);
        assert_eq!(m.transparency, Some(Transparency::Transparent));
        assert_eq!(m.sequence, 3);
        assert_eq!(m.created.as_deref(), Some("2026-01-01T00:00:00Z"));
        let org = m.organizer.as_ref().unwrap();
        assert_eq!(org.email, "anna@example.com");
        assert_eq!(org.name.as_deref(), Some("Anna \"A\""));
        let bob = &m.attendees[0];
        assert_eq!(
            (bob.status.as_deref(), bob.role.as_deref(), bob.rsvp),
            (Some("ACCEPTED"), Some("CHAIR"), Some(true))
        );
        assert_eq!(m.alarms.len(), 1, "the ACTION:NONE alarm is not modelled");
        assert_eq!(m.alarms[0].action, AlarmAction::Display);
        assert_eq!(
            m.alarms[0].trigger,
            AlarmTrigger::Relative {
                duration: "-PT5M".into(),
                related: Related::End
            }
        );
        let o = &all[1];
        assert_eq!(
            o.recurrence_id.as_ref().unwrap().time_zone.as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(o.duration.as_deref(), Some("PT30M"));
    }
}
