//! `C:calendar-query` (RFC 4791 §7.8, §9.5).

use super::filter::{CompFilter, parse_filter};
use crate::element::Element;
use crate::error::XmlError;
use crate::names;
use crate::propfind::{PropRequest, selection_from};

/// A parsed `C:calendar-query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarQuery {
    /// Properties to return for each match (allprop when the request names none).
    pub prop: PropRequest,
    /// The top-level `VCALENDAR` comp-filter.
    pub filter: CompFilter,
    /// `C:timezone`: iCalendar text with the VTIMEZONE for floating-time evaluation.
    pub timezone: Option<String>,
    /// `C:timezone-id` (RFC 7809): a time zone by identifier instead of by value.
    pub timezone_id: Option<String>,
}

pub(super) fn parse(root: &Element) -> Result<CalendarQuery, XmlError> {
    let prop = selection_from(root)?.unwrap_or_else(PropRequest::allprop);
    let filter = root
        .child(&names::FILTER)
        .ok_or_else(|| XmlError::InvalidFilter("calendar-query needs a filter".into()))?;
    let filter = parse_filter(filter)?;
    let timezone = root.child(&names::TIMEZONE).map(Element::text);
    let timezone_id = root
        .child(&names::TIMEZONE_ID)
        .map(|e| e.text().trim().to_owned());
    if timezone.is_some() && timezone_id.is_some() {
        return Err(XmlError::Invalid(
            "timezone and timezone-id are mutually exclusive".into(),
        ));
    }
    Ok(CalendarQuery {
        prop,
        filter,
        timezone,
        timezone_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propfind::PropFind;
    use crate::report::{Report, parse_report};

    fn query(body: &[u8]) -> Result<CalendarQuery, XmlError> {
        match parse_report(body)? {
            Report::CalendarQuery(q) => Ok(q),
            other => panic!("unexpected {other:?}"),
        }
    }

    /// RFC 4791 §7.8.1: partial retrieval of events by time range.
    #[test]
    fn rfc4791_7_8_1() {
        let q = query(include_bytes!("../../tests/data/rfc4791-7.8.1-query.xml")).unwrap();
        assert_eq!(
            q.prop.selection,
            PropFind::Prop(vec![names::GETETAG, names::CALENDAR_DATA])
        );
        let cd = q.prop.calendar_data.unwrap();
        assert!(cd.expand.is_none());
        assert_eq!(cd.comp.unwrap().comps[0].name, "VEVENT");
        let ev = &q.filter.comp_filters[0];
        assert_eq!(ev.name, "VEVENT");
        let tr = ev.time_range.unwrap();
        assert_eq!(tr.start.unwrap().to_string(), "2006-01-04T00:00:00Z");
        assert_eq!(tr.end.unwrap().to_string(), "2006-01-05T00:00:00Z");
    }

    /// RFC 4791 §7.8.3: expanded retrieval of recurring events.
    #[test]
    fn rfc4791_7_8_3() {
        let q = query(include_bytes!("../../tests/data/rfc4791-7.8.3-query.xml")).unwrap();
        assert_eq!(q.prop.selection, PropFind::Prop(vec![names::CALENDAR_DATA]));
        let expand = q.prop.calendar_data.unwrap().expand.unwrap();
        assert_eq!(expand.start.unwrap().to_string(), "2006-01-03T00:00:00Z");
        assert!(q.filter.comp_filters[0].time_range.is_some());
    }

    /// RFC 4791 §7.8.5: retrieval of to-dos by alarm time range.
    #[test]
    fn rfc4791_7_8_5() {
        let q = query(include_bytes!("../../tests/data/rfc4791-7.8.5-query.xml")).unwrap();
        let todo = &q.filter.comp_filters[0];
        assert_eq!(todo.name, "VTODO");
        let alarm = &todo.comp_filters[0];
        assert_eq!(alarm.name, "VALARM");
        assert!(alarm.time_range.is_some());
        assert_eq!(q.prop.calendar_data, Some(Default::default()));
    }

    /// RFC 4791 §7.8.6: retrieval of an event by UID.
    #[test]
    fn rfc4791_7_8_6() {
        let q = query(include_bytes!("../../tests/data/rfc4791-7.8.6-query.xml")).unwrap();
        let uid = &q.filter.comp_filters[0].prop_filters[0];
        assert_eq!(uid.name, "UID");
        let tm = uid.text_match.as_ref().unwrap();
        assert_eq!(tm.value, "DC6C50A017428C5216A2F1CD@example.com");
        assert_eq!(tm.collation, "i;octet");
    }

    /// RFC 4791 §7.8.7: events by PARTSTAT.
    #[test]
    fn rfc4791_7_8_7() {
        let q = query(include_bytes!("../../tests/data/rfc4791-7.8.7-query.xml")).unwrap();
        let att = &q.filter.comp_filters[0].prop_filters[0];
        assert_eq!(att.name, "ATTENDEE");
        assert_eq!(att.param_filters[0].name, "PARTSTAT");
        assert_eq!(
            att.param_filters[0].text_match.as_ref().unwrap().value,
            "NEEDS-ACTION"
        );
    }

    /// RFC 4791 §7.8.9: to-dos that are not completed (is-not-defined, negate-condition).
    #[test]
    fn rfc4791_7_8_9() {
        let q = query(include_bytes!("../../tests/data/rfc4791-7.8.9-query.xml")).unwrap();
        let todo = &q.filter.comp_filters[0];
        assert!(todo.prop_filters[0].is_not_defined);
        assert_eq!(todo.prop_filters[0].name, "COMPLETED");
        let status = todo.prop_filters[1].text_match.as_ref().unwrap();
        assert!(status.negate);
        assert_eq!(status.value, "CANCELLED");
    }

    #[test]
    fn errors_and_timezone() {
        let no_filter = br#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop></C:calendar-query>"#;
        assert!(matches!(query(no_filter), Err(XmlError::InvalidFilter(_))));
        let wrong_top = br#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:filter><C:comp-filter name="VEVENT"/></C:filter></C:calendar-query>"#;
        assert!(matches!(query(wrong_top), Err(XmlError::InvalidFilter(_))));
        let both = br#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:allprop/><D:propname/><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>"#;
        assert!(matches!(query(both), Err(XmlError::Invalid(_))));
        let tz = br#"<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:filter><C:comp-filter name="VCALENDAR"/></C:filter><C:timezone>BEGIN:VCALENDAR&#13;
END:VCALENDAR</C:timezone></C:calendar-query>"#;
        let q = query(tz).unwrap();
        assert_eq!(
            q.timezone.as_deref(),
            Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR")
        );
        assert_eq!(q.prop, PropRequest::allprop());
        let tzid = br#"<C:calendar-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:filter><C:comp-filter name="VCALENDAR"/></C:filter><C:timezone-id>Europe/Paris</C:timezone-id></C:calendar-query>"#;
        assert_eq!(
            query(tzid).unwrap().timezone_id.as_deref(),
            Some("Europe/Paris")
        );
    }
}
