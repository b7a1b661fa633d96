//! `D:expand-property` (RFC 3253 §3.8).

use crate::element::Element;
use crate::error::XmlError;
use crate::names;
use crate::qname::{QName, ns};

/// One `D:property` of an expand-property request, with the properties to report
/// on the resources its hrefs point to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandItem {
    /// The property (namespace defaults to `DAV:`).
    pub name: QName,
    /// Nested properties to expand for each href the property holds.
    pub children: Vec<ExpandItem>,
}

pub(super) fn parse(root: &Element) -> Result<Vec<ExpandItem>, XmlError> {
    items(root)
}

fn items(parent: &Element) -> Result<Vec<ExpandItem>, XmlError> {
    parent
        .children_named(&names::PROPERTY)
        .map(|p| {
            let local = p
                .attr("name")
                .filter(|n| !n.is_empty())
                .ok_or_else(|| XmlError::Invalid("property needs a name attribute".into()))?;
            let namespace = p.attr("namespace").unwrap_or(ns::DAV);
            Ok(ExpandItem {
                name: QName::new(namespace.to_owned(), local.to_owned()),
                children: items(p)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Report, parse_report};

    /// RFC 3253 §3.8.1.
    #[test]
    fn rfc3253_example() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?>
   <D:expand-property xmlns:D="DAV:">
     <D:property name="version-history">
       <D:property name="version-set">
         <D:property name="creator-displayname"/>
         <D:property name="activity-set"/>
       </D:property>
     </D:property>
   </D:expand-property>"#;
        let Report::ExpandProperty(items) = parse_report(body).unwrap() else {
            panic!()
        };
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].name, QName::dav("version-history"));
        let set = &items[0].children[0];
        assert_eq!(set.name, QName::dav("version-set"));
        assert_eq!(
            set.children
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>(),
            [
                QName::dav("creator-displayname"),
                QName::dav("activity-set")
            ]
        );
    }

    #[test]
    fn namespaces_and_errors() {
        let body = br#"<D:expand-property xmlns:D="DAV:"><D:property name="calendar-proxy-write-for" namespace="http://calendarserver.org/ns/"><D:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"/></D:property></D:expand-property>"#;
        let Report::ExpandProperty(items) = parse_report(body).unwrap() else {
            panic!()
        };
        assert_eq!(items[0].name, QName::calserver("calendar-proxy-write-for"));
        assert_eq!(items[0].children[0].name, names::CALENDAR_USER_ADDRESS_SET);
        let bad = br#"<D:expand-property xmlns:D="DAV:"><D:property/></D:expand-property>"#;
        assert!(matches!(parse_report(bad), Err(XmlError::Invalid(_))));
    }
}
