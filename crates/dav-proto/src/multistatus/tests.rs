use super::*;
use crate::element::Node;
use crate::names;
use crate::proppatch::{PatchOp, parse_proppatch};
use crate::reader::parse_element;

const LITMUS_NS: &str = "http://example.com/neon/litmus/";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>";

fn responses(doc: &Element) -> Vec<&Element> {
    doc.children_named(&names::RESPONSE).collect()
}

/// Stores every `set` of a PROPPATCH body with `to_xml`, writes the stored fragments
/// back as `Raw` values, re-parses the multistatus and checks each property survived.
fn assert_dead_props_round_trip(body: &str) {
    let ops = parse_proppatch(body.as_bytes()).unwrap();
    let set: Vec<Element> = ops
        .into_iter()
        .filter_map(|op| match op {
            PatchOp::Set(e) => Some(e),
            PatchOp::Remove(_) => None,
        })
        .collect();
    assert!(!set.is_empty());
    let stored: Vec<String> = set.iter().map(Element::to_xml).collect();
    for (el, xml) in set.iter().zip(&stored) {
        assert_eq!(
            &parse_element(xml.as_bytes()).unwrap(),
            el,
            "fragment {xml}"
        );
    }
    let mut w = MultistatusWriter::new();
    let props = set
        .iter()
        .zip(&stored)
        .map(|(el, xml)| (el.name.clone(), PropValue::Raw(Cow::Borrowed(xml.as_str()))))
        .collect();
    w.response("/litmus/prop", &[PropStat::new(200, props)]);
    let doc = parse_element(w.finish().as_bytes()).unwrap();
    let resp = responses(&doc)[0];
    let prop = resp
        .child(&names::PROPSTAT)
        .and_then(|ps| ps.child(&names::PROP))
        .unwrap();
    let back: Vec<&Element> = prop.child_elements().collect();
    assert_eq!(back.len(), set.len());
    for (got, want) in back.iter().zip(&set) {
        assert_eq!(*got, want);
    }
}

#[test]
fn litmus_propset() {
    let mut body = format!("{XML_DECL}<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>");
    for n in 0..10 {
        body.push_str(&format!(
            "<prop{n} xmlns=\"{LITMUS_NS}\">value{n}</prop{n}>"
        ));
    }
    body.push_str("</D:prop></D:set></D:propertyupdate>");
    assert_dead_props_round_trip(&body);
}

#[test]
fn litmus_propnullns() {
    assert_dead_props_round_trip(&format!(
        "{XML_DECL}<propertyupdate xmlns=\"DAV:\"><set><prop>\
         <nonamespace xmlns=\"\">randomvalue</nonamespace>\
         </prop></set></propertyupdate>"
    ));
}

#[test]
fn litmus_prophighunicode() {
    let body = format!(
        "{XML_DECL}<propertyupdate xmlns='DAV:'><set><prop>\
         <high-unicode xmlns='{LITMUS_NS}'>&#65536;</high-unicode>\
         </prop></set></propertyupdate>"
    );
    assert_dead_props_round_trip(&body);
    let ops = parse_proppatch(body.as_bytes()).unwrap();
    assert!(matches!(&ops[0], PatchOp::Set(e) if e.text() == "\u{10000}"));
}

#[test]
fn litmus_propvalnspace() {
    let body = format!(
        "{XML_DECL}<propertyupdate xmlns='DAV:'><set><prop>\
         <t:valnspace xmlns:t='{LITMUS_NS}'><foo xmlns='http://bar'/></t:valnspace>\
         </prop></set></propertyupdate>"
    );
    assert_dead_props_round_trip(&body);
    let ops = parse_proppatch(body.as_bytes()).unwrap();
    let PatchOp::Set(el) = &ops[0] else { panic!() };
    assert_eq!(
        el.child_elements().next().unwrap().name,
        QName::new_static("http://bar", "foo")
    );
}

#[test]
fn litmus_propmanyns() {
    let mut body = format!("{XML_DECL}<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>");
    for ns in [
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    ] {
        body.push_str(&format!(
            "<somename xmlns=\"http://example.com/{ns}\">manynsvalue</somename>"
        ));
    }
    body.push_str("</D:prop></D:set></D:propertyupdate>");
    assert_dead_props_round_trip(&body);
}

#[test]
fn mixed_namespaces_attributes_and_special_characters() {
    assert_dead_props_round_trip(
        r#"<?xml version="1.0"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z" xmlns:Y="urn:y">
  <D:set><D:prop>
    <Z:Authors xml:lang="en" Y:kind="a&amp;b &lt;c&gt; &quot;q&quot; &#9;tab&#10;nl">
      <Z:Author>Jim &amp; Roy &lt;3 ]]&gt; &#13;&#10;</Z:Author>
      <D:href>/x%20y</D:href>
      <plain xmlns="">no ns <Y:inner Z:attr="v"/> <![CDATA[<raw & stuff>]]></plain>
      <Y:empty/>
      emoji 😀 and CJK 日本語
    </Z:Authors>
    <D:displayname>&lt;DAV-owned&gt;</D:displayname>
    <C:calendar-color xmlns:C="http://apple.com/ns/ical/">#FF0000FF</C:calendar-color>
  </D:prop></D:set>
</D:propertyupdate>"#,
    );
}

#[test]
fn default_namespace_inside_value_does_not_leak() {
    // A value that declares a default namespace must not change the meaning of
    // the elements written after it.
    let body = r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x xmlns="urn:default"><y/></x></D:prop></D:set></D:propertyupdate>"#;
    let ops = parse_proppatch(body.as_bytes()).unwrap();
    let PatchOp::Set(el) = &ops[0] else { panic!() };
    let mut w = MultistatusWriter::new();
    w.response(
        "/a",
        &[PropStat::new(
            200,
            vec![
                (el.name.clone(), PropValue::Raw(el.to_xml().into())),
                (QName::new_static("", "bare"), PropValue::Text("t".into())),
            ],
        )],
    );
    let doc = parse_element(w.finish().as_bytes()).unwrap();
    let prop = responses(&doc)[0]
        .child(&names::PROPSTAT)
        .and_then(|p| p.child(&names::PROP))
        .unwrap();
    let names: Vec<&QName> = prop.child_elements().map(|e| &e.name).collect();
    assert_eq!(
        names,
        [
            &QName::new_static("urn:default", "x"),
            &QName::new_static("", "bare")
        ]
    );
}

fn sample() -> String {
    let mut w = MultistatusWriter::new();
    w.response(
        "/cal/alice/work/",
        &[
            PropStat::new(
                200,
                vec![
                    (
                        names::RESOURCETYPE,
                        PropValue::Children(vec![
                            Element::new(names::COLLECTION),
                            Element::new(names::CALENDAR),
                        ]),
                    ),
                    (names::DISPLAYNAME, PropValue::Text("Work & <Play>".into())),
                    (names::GETCTAG, PropValue::Text("\"42\"".into())),
                    (names::CALENDAR_COLOR, PropValue::Text("#00FF00FF".into())),
                    (
                        names::CURRENT_USER_PRINCIPAL,
                        PropValue::Href("/principals/alice/".into()),
                    ),
                    (
                        names::CALENDAR_USER_ADDRESS_SET,
                        PropValue::Hrefs(vec![
                            "mailto:alice@example.com".into(),
                            "/principals/alice/".into(),
                        ]),
                    ),
                    (names::GETCONTENTTYPE, PropValue::Text("".into())),
                ],
            ),
            PropStat::not_found([
                QName::new_static("urn:x", "unknown"),
                QName::new_static("", "nonamespace"),
            ]),
            PropStat {
                status: 403,
                props: vec![(names::GETETAG, PropValue::Empty)],
                error: Some(Precondition::new(names::CANNOT_MODIFY_PROTECTED_PROPERTY)),
                description: Some("protected".into()),
            },
        ],
    );
    w.response_status("/cal/alice/work/gone.ics", 404, None);
    w.response_status(
        "/cal/alice/work/",
        507,
        Some(&Precondition::new(names::NUMBER_OF_MATCHES_WITHIN_LIMITS)),
    );
    w.sync_token("http://kairos/sync/7");
    w.finish()
}

#[test]
fn snapshot() {
    insta::assert_snapshot!(sample());
}

#[test]
fn structure_parses_back() {
    let xml = sample();
    let doc = parse_element(xml.as_bytes()).unwrap();
    assert_eq!(doc.name, names::MULTISTATUS);
    let rs = responses(&doc);
    assert_eq!(rs.len(), 3);
    assert_eq!(
        rs[0].child(&names::HREF).unwrap().text(),
        "/cal/alice/work/"
    );
    let stats: Vec<&Element> = rs[0].children_named(&names::PROPSTAT).collect();
    assert_eq!(stats.len(), 3);
    let status = |ps: &Element| ps.child(&names::STATUS).unwrap().text();
    assert_eq!(status(stats[0]), "HTTP/1.1 200 OK");
    assert_eq!(status(stats[1]), "HTTP/1.1 404 Not Found");
    assert_eq!(status(stats[2]), "HTTP/1.1 403 Forbidden");
    let ok = stats[0].child(&names::PROP).unwrap();
    let rt = ok.child(&names::RESOURCETYPE).unwrap();
    assert!(rt.child(&names::COLLECTION).is_some() && rt.child(&names::CALENDAR).is_some());
    assert_eq!(
        ok.child(&names::DISPLAYNAME).unwrap().text(),
        "Work & <Play>"
    );
    assert_eq!(ok.child(&names::GETCTAG).unwrap().text(), "\"42\"");
    assert_eq!(
        ok.child(&names::CALENDAR_COLOR).unwrap().text(),
        "#00FF00FF"
    );
    let cup = ok.child(&names::CURRENT_USER_PRINCIPAL).unwrap();
    assert_eq!(
        cup.child(&names::HREF).unwrap().text(),
        "/principals/alice/"
    );
    let cuas = ok.child(&names::CALENDAR_USER_ADDRESS_SET).unwrap();
    assert_eq!(cuas.children_named(&names::HREF).count(), 2);
    assert!(
        ok.child(&names::GETCONTENTTYPE)
            .unwrap()
            .children
            .is_empty()
    );
    let missing = stats[1].child(&names::PROP).unwrap();
    assert!(
        missing
            .child(&QName::new_static("urn:x", "unknown"))
            .is_some()
    );
    assert!(
        missing
            .child(&QName::new_static("", "nonamespace"))
            .is_some()
    );
    let err = stats[2].child(&names::ERROR).unwrap();
    assert!(
        err.child(&names::CANNOT_MODIFY_PROTECTED_PROPERTY)
            .is_some()
    );
    assert_eq!(
        stats[2].child(&names::RESPONSEDESCRIPTION).unwrap().text(),
        "protected"
    );
    assert_eq!(
        rs[1].child(&names::STATUS).unwrap().text(),
        "HTTP/1.1 404 Not Found"
    );
    assert!(
        rs[2]
            .child(&names::ERROR)
            .unwrap()
            .child(&names::NUMBER_OF_MATCHES_WITHIN_LIMITS)
            .is_some()
    );
    // The sync-token comes after all responses.
    let last = doc.child_elements().last().unwrap();
    assert_eq!(last.name, names::SYNC_TOKEN);
    assert_eq!(last.text(), "http://kairos/sync/7");
}

#[test]
fn empty_multistatus() {
    let w = MultistatusWriter::default();
    assert!(w.is_empty());
    let doc = parse_element(w.finish().as_bytes()).unwrap();
    assert_eq!(doc.name, names::MULTISTATUS);
    assert!(doc.is_blank());
}

#[test]
fn calendar_data_text_keeps_crlf() {
    let ics = "BEGIN:VCALENDAR\r\nSUMMARY:a<b&c\r\nEND:VCALENDAR\r\n";
    let mut w = MultistatusWriter::new();
    w.response(
        "/c/1.ics",
        &[PropStat::new(
            200,
            vec![(names::CALENDAR_DATA, PropValue::Text(ics.into()))],
        )],
    );
    let doc = parse_element(w.finish().as_bytes()).unwrap();
    let cd = responses(&doc)[0]
        .child(&names::PROPSTAT)
        .and_then(|p| p.child(&names::PROP))
        .and_then(|p| p.child(&names::CALENDAR_DATA))
        .unwrap();
    assert_eq!(cd.children, vec![Node::Text(ics.into())]);
}

#[test]
fn many_responses_stay_linear() {
    let resourcetype = [Element::new(names::COLLECTION)];
    let mut w = MultistatusWriter::with_capacity(1 << 20);
    for i in 0..10_000 {
        let href = format!("/cal/alice/work/{i}.ics");
        let etag = format!("\"{i}\"");
        w.response(
            &href,
            &[PropStat::new(
                200,
                vec![
                    (names::GETETAG, PropValue::Text(Cow::Borrowed(&etag))),
                    (names::RESOURCETYPE, PropValue::ChildrenRef(&resourcetype)),
                ],
            )],
        );
    }
    let xml = w.finish();
    let doc = parse_element(xml.as_bytes()).unwrap();
    let rs = responses(&doc);
    assert_eq!(rs.len(), 10_000);
    let last = rs[9_999]
        .child(&names::PROPSTAT)
        .and_then(|p| p.child(&names::PROP))
        .and_then(|p| p.child(&names::RESOURCETYPE))
        .unwrap();
    assert!(last.child(&names::COLLECTION).is_some());
}
