//! Property-based checks: any element tree survives `to_xml` → `parse_element`, also
//! when embedded as a dead property in a multistatus.

#![allow(clippy::unwrap_used)]

use std::borrow::Cow;

use kairos_dav_proto::{
    Element, MultistatusWriter, Node, PropStat, PropValue, QName, names, ns, parse_element,
};
use proptest::prelude::*;

fn namespace() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(""),
        Just(ns::DAV),
        Just(ns::CALDAV),
        Just(ns::APPLE),
        Just("urn:a"),
        Just("http://example.com/b?x=\"q\"&y"),
        Just(ns::XML),
    ]
}

fn local() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_.-]{0,6}"
}

fn xml_text() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| {
        s.chars()
            .filter(|c| {
                matches!(*c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
            })
            .collect()
    })
}

fn attr_name() -> impl Strategy<Value = QName> {
    prop_oneof![
        (namespace(), local()).prop_map(|(n, l)| QName::new(n, l)),
        Just(QName::new_static(ns::XML, "lang")),
    ]
}

fn leaf() -> impl Strategy<Value = Element> {
    (
        namespace(),
        local(),
        proptest::collection::vec((attr_name(), xml_text()), 0..3),
        xml_text(),
    )
        .prop_map(|(n, l, attrs, text)| {
            let mut el = Element::new(QName::new(n, l));
            for (name, value) in attrs {
                if !el.attrs.iter().any(|(a, _)| *a == name) {
                    el.attrs.push((name, value));
                }
            }
            el.push_text(&text);
            el
        })
}

fn tree() -> impl Strategy<Value = Element> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        (leaf(), proptest::collection::vec((inner, xml_text()), 0..4)).prop_map(|(mut el, kids)| {
            for (kid, text) in kids {
                el.children.push(Node::Element(kid));
                el.push_text(&text);
            }
            el
        })
    })
}

proptest! {
    #[test]
    fn to_xml_round_trips(el in tree()) {
        let xml = el.to_xml();
        let back = parse_element(xml.as_bytes());
        prop_assert_eq!(back.as_ref(), Ok(&el), "xml: {}", xml);
    }

    #[test]
    fn raw_dead_property_round_trips_through_multistatus(el in tree(), other in leaf()) {
        let stored = el.to_xml();
        let mut w = MultistatusWriter::new();
        w.response("/p", &[PropStat::new(200, vec![
            (el.name.clone(), PropValue::Raw(Cow::Borrowed(&stored))),
            (other.name.clone(), PropValue::Children(vec![other.clone()])),
        ])]);
        let doc = parse_element(w.finish().as_bytes()).unwrap();
        let prop = doc
            .child(&names::RESPONSE)
            .and_then(|r| r.child(&names::PROPSTAT))
            .and_then(|p| p.child(&names::PROP))
            .unwrap();
        let kids: Vec<&Element> = prop.child_elements().collect();
        prop_assert_eq!(kids[0], &el);
        // Live values written with fixed prefixes come back equal too.
        let wrapped = kids[1].child_elements().next().unwrap();
        prop_assert_eq!(wrapped, &other);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_element(&bytes);
        let _ = kairos_dav_proto::parse_report(&bytes);
        let _ = kairos_dav_proto::parse_propfind(&bytes);
        let _ = kairos_dav_proto::parse_proppatch(&bytes);
    }
}
