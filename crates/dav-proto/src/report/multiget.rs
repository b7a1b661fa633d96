//! `C:calendar-multiget` (RFC 4791 §7.9).

use super::Report;
use crate::element::Element;
use crate::error::XmlError;
use crate::names;
use crate::propfind::{PropRequest, selection_from};

pub(super) fn parse(root: &Element) -> Result<Report, XmlError> {
    // RFC 4791 makes the selection optional; without one we answer as for allprop.
    let prop = selection_from(root)?.unwrap_or_else(PropRequest::allprop);
    let hrefs = hrefs(root)?;
    if hrefs.is_empty() {
        return Err(XmlError::Invalid(
            "calendar-multiget needs at least one href".into(),
        ));
    }
    Ok(Report::CalendarMultiget { prop, hrefs })
}

/// The trimmed text of every `DAV:href` child; an empty href is an error.
pub(super) fn hrefs(parent: &Element) -> Result<Vec<String>, XmlError> {
    parent
        .children_named(&names::HREF)
        .map(|h| {
            let text = h.text();
            let trimmed = text.trim();
            if trimmed.is_empty() {
                Err(XmlError::Invalid("empty href".into()))
            } else {
                Ok(trimmed.to_owned())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propfind::PropFind;
    use crate::report::parse_report;

    #[test]
    fn rfc4791_7_9_1_example() {
        let body = include_bytes!("../../tests/data/rfc4791-7.9.1-multiget.xml");
        let Report::CalendarMultiget { prop, hrefs } = parse_report(body).unwrap() else {
            panic!("not a multiget")
        };
        assert_eq!(
            prop.selection,
            PropFind::Prop(vec![names::GETETAG, names::CALENDAR_DATA])
        );
        assert_eq!(prop.calendar_data, Some(Default::default()));
        assert_eq!(hrefs, ["/bernard/work/abcd1.ics", "/bernard/work/mtg1.ics"]);
    }

    #[test]
    fn errors() {
        let no_href = br#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop></C:calendar-multiget>"#;
        assert!(matches!(parse_report(no_href), Err(XmlError::Invalid(_))));
        let empty_href = br#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:href> </D:href></C:calendar-multiget>"#;
        assert!(matches!(
            parse_report(empty_href),
            Err(XmlError::Invalid(_))
        ));
        let no_prop = br#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:href>/a.ics</D:href></C:calendar-multiget>"#;
        let Report::CalendarMultiget { prop, .. } = parse_report(no_prop).unwrap() else {
            panic!()
        };
        assert_eq!(prop, PropRequest::allprop());
    }
}
