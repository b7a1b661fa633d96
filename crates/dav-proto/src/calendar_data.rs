//! `C:calendar-data` as a request: which parts of the calendar data to return
//! (RFC 4791 §9.6).

use crate::element::Element;
use crate::error::XmlError;
use crate::names;
use crate::time_range::time_range_from_element_both;

pub use kairos_ical::query::{CalendarDataRequest, CompSelection, PropSelection};

/// Reads a `C:calendar-data` request element.
pub(crate) fn calendar_data_request(el: &Element) -> Result<CalendarDataRequest, XmlError> {
    let mut req = CalendarDataRequest {
        content_type: el.attr("content-type").map(str::to_owned),
        version: el.attr("version").map(str::to_owned),
        ..Default::default()
    };
    for child in el.child_elements() {
        if child.name == names::COMP {
            if req.comp.is_some() {
                return Err(XmlError::Invalid(
                    "calendar-data has two comp elements".into(),
                ));
            }
            req.comp = Some(comp_selection(child)?);
        } else if child.name == names::EXPAND {
            req.expand = Some(time_range_from_element_both(child)?);
        } else if child.name == names::LIMIT_RECURRENCE_SET {
            req.limit_recurrence_set = Some(time_range_from_element_both(child)?);
        } else if child.name == names::LIMIT_FREEBUSY_SET {
            req.limit_freebusy_set = Some(time_range_from_element_both(child)?);
        }
    }
    if req.expand.is_some() && req.limit_recurrence_set.is_some() {
        return Err(XmlError::Invalid(
            "expand and limit-recurrence-set are mutually exclusive".into(),
        ));
    }
    Ok(req)
}

fn comp_selection(el: &Element) -> Result<CompSelection, XmlError> {
    let name = required_name(el)?;
    let mut sel = CompSelection {
        name,
        allprop: false,
        props: Vec::new(),
        allcomp: false,
        comps: Vec::new(),
    };
    for child in el.child_elements() {
        if child.name == names::CALDAV_ALLPROP {
            sel.allprop = true;
        } else if child.name == names::CALDAV_PROP {
            let novalue = match child.attr("novalue") {
                None | Some("no") => false,
                Some("yes") => true,
                Some(other) => {
                    return Err(XmlError::Invalid(format!(
                        "novalue must be yes or no, not {other:?}"
                    )));
                }
            };
            sel.props.push(PropSelection {
                name: required_name(child)?,
                novalue,
            });
        } else if child.name == names::ALLCOMP {
            sel.allcomp = true;
        } else if child.name == names::COMP {
            sel.comps.push(comp_selection(child)?);
        }
    }
    Ok(sel)
}

/// The mandatory `name` attribute, upper-cased.
pub(crate) fn required_name(el: &Element) -> Result<String, XmlError> {
    match el.attr("name") {
        Some(n) if !n.trim().is_empty() => Ok(n.trim().to_ascii_uppercase()),
        _ => Err(XmlError::Invalid(format!(
            "{} needs a name attribute",
            el.name.local
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::parse_element;

    /// A calendar-data request combining RFC 4791 §7.8.1 (partial) and §7.8.3 (expand).
    #[test]
    fn rfc4791_partial_retrieval() {
        let xml = br#"<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav">
         <C:comp name="VCALENDAR">
           <C:prop name="VERSION"/>
           <C:comp name="VEVENT">
             <C:prop name="SUMMARY"/>
             <C:prop name="UID"/>
             <C:prop name="DTSTART"/>
             <C:prop name="DTEND"/>
             <C:prop name="DURATION"/>
             <C:prop name="RRULE"/>
             <C:prop name="RDATE"/>
             <C:prop name="EXRULE"/>
             <C:prop name="EXDATE"/>
             <C:prop name="RECURRENCE-ID"/>
           </C:comp>
           <C:comp name="VTIMEZONE"/>
         </C:comp>
         <C:expand start="20060103T000000Z" end="20060105T000000Z"/>
       </C:calendar-data>"#;
        let req = calendar_data_request(&parse_element(xml).unwrap()).unwrap();
        let comp = req.comp.unwrap();
        assert_eq!(comp.name, "VCALENDAR");
        assert_eq!(comp.props.len(), 1);
        assert_eq!(comp.comps.len(), 2);
        assert_eq!(comp.comps[0].props.len(), 10);
        assert_eq!(comp.comps[0].props[9].name, "RECURRENCE-ID");
        assert_eq!(comp.comps[1].name, "VTIMEZONE");
        let expand = req.expand.unwrap();
        assert_eq!(expand.start.unwrap().to_string(), "2006-01-03T00:00:00Z");
        assert_eq!(expand.end.unwrap().to_string(), "2006-01-05T00:00:00Z");
    }

    #[test]
    fn attributes_and_errors() {
        let el = parse_element(
            br#"<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav" content-type="text/calendar" version="2.0"><C:comp name="vcalendar"><C:allprop/><C:allcomp/></C:comp><C:limit-freebusy-set start="20060102T000000Z" end="20060103T000000Z"/></C:calendar-data>"#,
        )
        .unwrap();
        let req = calendar_data_request(&el).unwrap();
        assert_eq!(req.content_type.as_deref(), Some("text/calendar"));
        assert_eq!(req.version.as_deref(), Some("2.0"));
        let comp = req.comp.unwrap();
        assert!(comp.allprop && comp.allcomp && comp.name == "VCALENDAR");
        assert!(req.limit_freebusy_set.is_some());

        for bad in [
            r#"<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav"><C:comp/></C:calendar-data>"#,
            r#"<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav"><C:expand start="20060103T000000Z"/></C:calendar-data>"#,
            r#"<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav"><C:expand start="20060103T000000Z" end="20060103T010000Z"/><C:limit-recurrence-set start="20060103T000000Z" end="20060103T010000Z"/></C:calendar-data>"#,
            r#"<C:calendar-data xmlns:C="urn:ietf:params:xml:ns:caldav"><C:comp name="VCALENDAR"><C:prop name="X" novalue="maybe"/></C:comp></C:calendar-data>"#,
        ] {
            let el = parse_element(bad.as_bytes()).unwrap();
            assert!(
                matches!(calendar_data_request(&el), Err(XmlError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
