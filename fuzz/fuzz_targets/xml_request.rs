//! Feeds arbitrary bytes to every request parser of kairos-dav-proto; whatever parses
//! must survive `to_xml` → `parse_element` and embedding in a multistatus unchanged.

#![no_main]

use std::borrow::Cow;

use kairos_dav_proto::headers::{Depth, parse_destination, parse_etag_list, parse_overwrite};
use kairos_dav_proto::{
    Element, MultistatusWriter, PatchOp, PropStat, PropValue, names, parse_element,
    parse_mkcalendar, parse_mkcol, parse_propfind, parse_proppatch, parse_report,
};
use libfuzzer_sys::fuzz_target;

fn round_trip(el: &Element) {
    let xml = el.to_xml();
    let back = parse_element(xml.as_bytes())
        .unwrap_or_else(|e| panic!("to_xml output does not parse: {e}\n{xml}"));
    assert_eq!(&back, el, "to_xml round trip changed the element:\n{xml}");

    let mut w = MultistatusWriter::new();
    w.response(
        "/fuzz/a&b",
        &[PropStat::new(
            200,
            vec![
                (el.name.clone(), PropValue::Raw(Cow::Borrowed(&xml))),
                (names::RESOURCETYPE, PropValue::Children(vec![el.clone()])),
                (names::DISPLAYNAME, PropValue::Text(Cow::Owned(el.text()))),
            ],
        )],
    );
    let doc = w.finish();
    let parsed = parse_element(doc.as_bytes())
        .unwrap_or_else(|e| panic!("multistatus does not parse: {e}\n{doc}"));
    let prop = parsed
        .child(&names::RESPONSE)
        .and_then(|r| r.child(&names::PROPSTAT))
        .and_then(|p| p.child(&names::PROP))
        .expect("multistatus lost its prop element");
    let mut kids = prop.child_elements();
    assert_eq!(
        kids.next(),
        Some(el),
        "dead property changed in multistatus"
    );
    let live = kids.next().and_then(|rt| rt.child_elements().next());
    assert_eq!(live, Some(el), "live Children value changed in multistatus");
}

fuzz_target!(|data: &[u8]| {
    let _ = parse_propfind(data);
    let _ = parse_report(data);
    if let Ok(ops) = parse_proppatch(data) {
        for op in &ops {
            if let PatchOp::Set(el) = op {
                round_trip(el);
            }
        }
    }
    for parse in [parse_mkcol, parse_mkcalendar] {
        if let Ok(props) = parse(data) {
            props.iter().for_each(round_trip);
        }
    }
    if let Ok(el) = parse_element(data) {
        round_trip(&el);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = Depth::parse(s);
        let _ = parse_overwrite(s);
        let _ = parse_etag_list(s);
        if let Ok(d) = parse_destination(s) {
            assert!(d.path.starts_with('/'));
        }
    }
});
