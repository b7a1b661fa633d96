//! PROPFIND bodies (RFC 4918 §9.1, §14.20) and the property selection shared with REPORTs.

use crate::calendar_data::{CalendarDataRequest, calendar_data_request};
use crate::element::Element;
use crate::error::XmlError;
use crate::names;
use crate::qname::QName;
use crate::reader::{check_root, parse_document};

/// Which properties a PROPFIND (or REPORT) asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropFind {
    /// `DAV:allprop`, plus the names listed in `DAV:include`.
    AllProp {
        /// Extra (typically expensive) properties asked for explicitly.
        include: Vec<QName>,
    },
    /// `DAV:propname`: names only, no values.
    PropName,
    /// `DAV:prop`: exactly these properties, in request order, without duplicates.
    Prop(Vec<QName>),
}

/// A property selection plus the CalDAV `calendar-data` options that may come with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropRequest {
    /// The properties asked for.
    pub selection: PropFind,
    /// Set when `C:calendar-data` is among the names (its name is in `selection` too).
    pub calendar_data: Option<CalendarDataRequest>,
}

impl PropRequest {
    /// The `allprop` request an empty PROPFIND body stands for.
    pub fn allprop() -> Self {
        PropRequest {
            selection: PropFind::AllProp {
                include: Vec::new(),
            },
            calendar_data: None,
        }
    }
}

/// PROPFIND body; an empty (or whitespace-only) body means allprop (RFC 4918 §9.1).
///
/// Unknown child elements of `DAV:propfind` are ignored (RFC 4918 §17).
pub fn parse_propfind(body: &[u8]) -> Result<PropRequest, XmlError> {
    let Some(root) = parse_document(body)? else {
        return Ok(PropRequest::allprop());
    };
    check_root(&root, &names::PROPFIND)?;
    selection_from(&root)?
        .ok_or_else(|| XmlError::Invalid("propfind needs one of prop, allprop or propname".into()))
}

/// Reads the `allprop | propname | prop` choice among `parent`'s children;
/// `Ok(None)` when none is present.
pub(crate) fn selection_from(parent: &Element) -> Result<Option<PropRequest>, XmlError> {
    let mut allprop = false;
    let mut propname = false;
    let mut props: Option<Vec<QName>> = None;
    let mut include: Vec<QName> = Vec::new();
    let mut calendar_data = None;
    for child in parent.child_elements() {
        if child.name == names::ALLPROP {
            allprop = true;
        } else if child.name == names::PROPNAME {
            propname = true;
        } else if child.name == names::PROP {
            // Several DAV:prop elements are merged rather than refused.
            let list = props.get_or_insert_with(Vec::new);
            collect_names(child, list, &mut calendar_data)?;
        } else if child.name == names::INCLUDE {
            collect_names(child, &mut include, &mut calendar_data)?;
        }
    }
    let chosen = usize::from(allprop) + usize::from(propname) + usize::from(props.is_some());
    if chosen > 1 {
        return Err(XmlError::Invalid(
            "only one of prop, allprop and propname may be given".into(),
        ));
    }
    let selection = if allprop {
        PropFind::AllProp { include }
    } else if propname {
        PropFind::PropName
    } else if let Some(list) = props {
        PropFind::Prop(list)
    } else {
        return Ok(None);
    };
    Ok(Some(PropRequest {
        selection,
        calendar_data,
    }))
}

fn collect_names(
    prop: &Element,
    out: &mut Vec<QName>,
    calendar_data: &mut Option<CalendarDataRequest>,
) -> Result<(), XmlError> {
    for el in prop.child_elements() {
        if el.name == names::CALENDAR_DATA {
            *calendar_data = Some(calendar_data_request(el)?);
        }
        if !out.contains(&el.name) {
            out.push(el.name.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dav(local: &'static str) -> QName {
        QName::dav(local)
    }

    #[test]
    fn empty_body_is_allprop() {
        assert_eq!(parse_propfind(b"").unwrap(), PropRequest::allprop());
        assert_eq!(parse_propfind(b"  \r\n").unwrap(), PropRequest::allprop());
    }

    /// RFC 4918 §9.1.3: retrieving named properties.
    #[test]
    fn rfc4918_named_properties() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?>
   <D:propfind xmlns:D="DAV:">
     <D:prop xmlns:R="http://ns.example.com/boxschema/">
       <R:bigbox/>
       <R:author/>
       <R:DingALing/>
       <R:Random/>
     </D:prop>
   </D:propfind>"#;
        let req = parse_propfind(body).unwrap();
        let ns = "http://ns.example.com/boxschema/";
        assert_eq!(
            req.selection,
            PropFind::Prop(vec![
                QName::new_static(ns, "bigbox"),
                QName::new_static(ns, "author"),
                QName::new_static(ns, "DingALing"),
                QName::new_static(ns, "Random"),
            ])
        );
        assert_eq!(req.calendar_data, None);
    }

    /// RFC 4918 §9.1.4: propname.
    #[test]
    fn rfc4918_propname() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?>
     <propfind xmlns="DAV:">
       <propname/>
     </propfind>"#;
        assert_eq!(parse_propfind(body).unwrap().selection, PropFind::PropName);
    }

    /// RFC 4918 §9.1.6: allprop with include.
    #[test]
    fn rfc4918_allprop_include() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?>
     <D:propfind xmlns:D="DAV:">
       <D:allprop/>
       <D:include>
         <D:supported-live-property-set/>
         <D:supported-report-set/>
       </D:include>
     </D:propfind>"#;
        assert_eq!(
            parse_propfind(body).unwrap().selection,
            PropFind::AllProp {
                include: vec![
                    dav("supported-live-property-set"),
                    dav("supported-report-set")
                ]
            }
        );
    }

    #[test]
    fn litmus_propextended_ignores_unknown_elements() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?><propfind xmlns="DAV:"><foobar/><allprop/></propfind>"#;
        assert_eq!(
            parse_propfind(body).unwrap().selection,
            PropFind::AllProp { include: vec![] }
        );
    }

    #[test]
    fn litmus_propwformed_and_null_namespace() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?><propfind xmlns='DAV:'><prop><valnspace xmlns='http://example.com/neon/litmus/'/><nonamespace xmlns=""/></prop></propfind>"#;
        assert_eq!(
            parse_propfind(body).unwrap().selection,
            PropFind::Prop(vec![
                QName::new_static("http://example.com/neon/litmus/", "valnspace"),
                QName::new_static("", "nonamespace"),
            ])
        );
    }

    #[test]
    fn semantic_errors() {
        let both =
            br#"<D:propfind xmlns:D="DAV:"><D:allprop/><D:prop><D:getetag/></D:prop></D:propfind>"#;
        assert!(matches!(parse_propfind(both), Err(XmlError::Invalid(_))));
        let none = br#"<D:propfind xmlns:D="DAV:"/>"#;
        assert!(matches!(parse_propfind(none), Err(XmlError::Invalid(_))));
        let wrong_root = br#"<D:propertyupdate xmlns:D="DAV:"/>"#;
        assert!(matches!(
            parse_propfind(wrong_root),
            Err(XmlError::UnexpectedRoot { .. })
        ));
        // Same local name, wrong namespace: prefixes must not matter.
        let foreign = br#"<D:propfind xmlns:D="urn:not-dav"><D:allprop/></D:propfind>"#;
        assert!(matches!(
            parse_propfind(foreign),
            Err(XmlError::UnexpectedRoot { .. })
        ));
        assert!(matches!(
            parse_propfind(b"<foo>"),
            Err(XmlError::Malformed(_))
        ));
    }

    #[test]
    fn duplicates_removed_and_calendar_data_captured() {
        let body = br#"<propfind xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><prop><getetag/><getetag/><C:calendar-data/></prop></propfind>"#;
        let req = parse_propfind(body).unwrap();
        assert_eq!(
            req.selection,
            PropFind::Prop(vec![dav("getetag"), names::CALENDAR_DATA])
        );
        assert_eq!(req.calendar_data, Some(CalendarDataRequest::default()));
    }
}
