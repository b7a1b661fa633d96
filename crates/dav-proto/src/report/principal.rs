//! RFC 3744 §9.4 `D:principal-property-search`, parsed minimally.

use super::Report;
use crate::element::Element;
use crate::error::XmlError;
use crate::names;
use crate::propfind::{PropFind, PropRequest, selection_from};
use crate::qname::QName;

/// One `D:property-search`: the properties to look in and the text to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertySearch {
    /// Properties whose values are searched.
    pub props: Vec<QName>,
    /// `D:match` text (case-insensitive substring per RFC 3744).
    pub match_text: String,
}

pub(super) fn parse_search(root: &Element) -> Result<Report, XmlError> {
    let mut searches = Vec::new();
    for ps in root.children_named(&names::PROPERTY_SEARCH) {
        let props: Vec<QName> = ps
            .child(&names::PROP)
            .map(|p| p.child_elements().map(|e| e.name.clone()).collect())
            .unwrap_or_default();
        let match_text = ps
            .child(&names::MATCH)
            .ok_or_else(|| XmlError::Invalid("property-search needs a match".into()))?
            .text();
        if props.is_empty() {
            return Err(XmlError::Invalid("property-search needs a prop".into()));
        }
        searches.push(PropertySearch { props, match_text });
    }
    // RFC 3744 asks for at least one property-search, but the Python caldav library sends
    // none to list every principal; an empty search matches all (visible) principals.
    let any_of = root.attr("test") == Some("anyof");
    let prop = selection_from(root)?.unwrap_or(PropRequest {
        selection: PropFind::Prop(Vec::new()),
        calendar_data: None,
    });
    Ok(Report::PrincipalPropertySearch {
        searches,
        any_of,
        prop,
        apply_to_principal_collection_set: root
            .child(&names::APPLY_TO_PRINCIPAL_COLLECTION_SET)
            .is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::parse_report;

    /// RFC 3744 §9.4.
    #[test]
    fn rfc3744_example() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?>
   <D:principal-property-search xmlns:D="DAV:">
     <D:property-search>
       <D:prop>
         <D:displayname/>
       </D:prop>
       <D:match>doE</D:match>
     </D:property-search>
     <D:property-search>
       <D:prop xmlns:B="http://www.example.com/ns/">
         <B:title/>
       </D:prop>
       <D:match>Sales</D:match>
     </D:property-search>
     <D:prop xmlns:B="http://www.example.com/ns/">
       <D:displayname/>
       <B:department/>
       <B:phone/>
       <B:office/>
       <B:salary/>
     </D:prop>
   </D:principal-property-search>"#;
        let Report::PrincipalPropertySearch {
            searches,
            any_of,
            prop,
            apply_to_principal_collection_set,
        } = parse_report(body).unwrap()
        else {
            panic!()
        };
        assert!(!any_of && !apply_to_principal_collection_set);
        assert_eq!(searches.len(), 2);
        assert_eq!(searches[0].props, [names::DISPLAYNAME]);
        assert_eq!(searches[0].match_text, "doE");
        assert_eq!(
            searches[1].props,
            [QName::new_static("http://www.example.com/ns/", "title")]
        );
        let PropFind::Prop(list) = prop.selection else {
            panic!()
        };
        assert_eq!(list.len(), 5);
    }

    #[test]
    fn anyof_and_errors() {
        let body = br#"<D:principal-property-search xmlns:D="DAV:" test="anyof"><D:property-search><D:prop><D:displayname/></D:prop><D:match>a</D:match></D:property-search><D:apply-to-principal-collection-set/></D:principal-property-search>"#;
        let Report::PrincipalPropertySearch {
            any_of,
            apply_to_principal_collection_set,
            ..
        } = parse_report(body).unwrap()
        else {
            panic!()
        };
        assert!(any_of && apply_to_principal_collection_set);
        // No property-search at all lists everyone (what the Python caldav library sends).
        let Report::PrincipalPropertySearch { searches, .. } =
            parse_report(br#"<D:principal-property-search xmlns:D="DAV:"/>"#).unwrap()
        else {
            panic!()
        };
        assert!(searches.is_empty());
        for bad in [
            r#"<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop></D:property-search></D:principal-property-search>"#,
            r#"<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:match>x</D:match></D:property-search></D:principal-property-search>"#,
        ] {
            assert!(
                matches!(parse_report(bad.as_bytes()), Err(XmlError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
