//! Extended MKCOL (RFC 5689 §5.1) and MKCALENDAR (RFC 4791 §5.3.1) bodies.

use crate::element::{Element, Node};
use crate::error::XmlError;
use crate::names;
use crate::qname::QName;
use crate::reader::{check_root, parse_document};

/// RFC 5689 extended MKCOL body (`D:mkcol/D:set/D:prop/*`): the properties to set,
/// including `D:resourcetype`. An empty body (plain MKCOL) yields no properties.
pub fn parse_mkcol(body: &[u8]) -> Result<Vec<Element>, XmlError> {
    parse_set_body(body, &names::MKCOL)
}

/// RFC 4791 §5.3.1 MKCALENDAR body (`C:mkcalendar/D:set/D:prop/*`); the body is
/// optional, and an empty one yields no properties.
pub fn parse_mkcalendar(body: &[u8]) -> Result<Vec<Element>, XmlError> {
    parse_set_body(body, &names::MKCALENDAR)
}

fn parse_set_body(body: &[u8], root_name: &QName) -> Result<Vec<Element>, XmlError> {
    let Some(root) = parse_document(body)? else {
        return Ok(Vec::new());
    };
    check_root(&root, root_name)?;
    let mut props: Vec<Element> = Vec::new();
    for node in root.children {
        let Node::Element(set) = node else { continue };
        if set.name != names::SET {
            continue;
        }
        for inner in set.children {
            let Node::Element(prop) = inner else { continue };
            if prop.name != names::PROP {
                continue;
            }
            for value in prop.children {
                let Node::Element(value) = value else {
                    continue;
                };
                if props.iter().any(|p| p.name == value.name) {
                    return Err(XmlError::Invalid(format!(
                        "property {} set twice",
                        value.name
                    )));
                }
                props.push(value);
            }
        }
    }
    Ok(props)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4791_mkcalendar_example() {
        let body = include_bytes!("../tests/data/rfc4791-5.3.1-mkcalendar.xml");
        let props = parse_mkcalendar(body).unwrap();
        let names: Vec<&QName> = props.iter().map(|p| &p.name).collect();
        assert_eq!(
            names,
            [
                &names::DISPLAYNAME,
                &names::CALENDAR_DESCRIPTION,
                &names::SUPPORTED_CALENDAR_COMPONENT_SET,
                &names::CALENDAR_TIMEZONE,
            ]
        );
        assert_eq!(props[0].text(), "Lisa's Events");
        assert_eq!(props[1].attr_ns_lang(), Some("en"));
        let comps: Vec<_> = props[2]
            .child_elements()
            .filter_map(|c| c.attr("name"))
            .collect();
        assert_eq!(comps, ["VEVENT"]);
        assert!(props[3].text().contains("BEGIN:VTIMEZONE"));
    }

    #[test]
    fn rfc5689_extended_mkcol_example() {
        let body = include_bytes!("../tests/data/rfc5689-mkcol.xml");
        let props = parse_mkcol(body).unwrap();
        assert_eq!(props[0].name, names::RESOURCETYPE);
        let types: Vec<&QName> = props[0].child_elements().map(|c| &c.name).collect();
        assert_eq!(
            types,
            [
                &names::COLLECTION,
                &QName::new_static("http://example.com/ns/", "special-resource")
            ]
        );
        assert_eq!(props[1].name, names::DISPLAYNAME);
        assert_eq!(props[1].text(), "Special Resource");
        assert_eq!(props.len(), 2);
    }

    #[test]
    fn caldav_extended_mkcol() {
        let body = br#"<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype><C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></D:mkcol>"#;
        let props = parse_mkcol(body).unwrap();
        assert!(props[0].child(&names::CALENDAR).is_some());
        assert_eq!(props[1].name, names::SUPPORTED_CALENDAR_COMPONENT_SET);
    }

    #[test]
    fn empty_bodies_and_errors() {
        assert_eq!(parse_mkcol(b"").unwrap(), vec![]);
        assert_eq!(parse_mkcalendar(b"\n").unwrap(), vec![]);
        assert!(matches!(
            parse_mkcol(br#"<C:mkcalendar xmlns:C="urn:ietf:params:xml:ns:caldav"/>"#),
            Err(XmlError::UnexpectedRoot { .. })
        ));
        assert!(matches!(
            parse_mkcol(br#"<D:mkcol xmlns:D="DAV:"><D:set><D:prop><D:displayname>a</D:displayname></D:prop></D:set><D:set><D:prop><D:displayname>b</D:displayname></D:prop></D:set></D:mkcol>"#),
            Err(XmlError::Invalid(_))
        ));
    }

    trait LangExt {
        fn attr_ns_lang(&self) -> Option<&str>;
    }
    impl LangExt for Element {
        fn attr_ns_lang(&self) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(n, _)| n.is(crate::qname::ns::XML, "lang"))
                .map(|(_, v)| v.as_str())
        }
    }
}
