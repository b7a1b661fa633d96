//! Collections: MKCALENDAR, extended MKCOL, PROPFIND, PROPPATCH, change tags, DELETE.

use crate::common;

use bytes::Bytes;
use common::{ALICE, ALICE_CAL, ALICE_HOME, Harness, Node, Resp, event, ns, todo, xml};
use http::StatusCode;

const MKCALENDAR_RFC: &str = include_str!("../data/rfc4791-5.3.1.2-mkcalendar.xml");
const MKCOL_CALENDAR: &str = include_str!("../data/rfc5689-mkcol-calendar.xml");
const WORK: &str = "/dav/calendars/alice/work/";

async fn send_xml(h: &Harness, method: &str, path: &str, body: &str) -> Resp {
    h.send(
        method,
        path,
        ALICE,
        &[("content-type", "application/xml; charset=utf-8")],
        body.to_owned(),
    )
    .await
}

fn comp_names(n: &Node) -> Vec<String> {
    n.children_named(ns::CALDAV, "comp")
        .map(|c| c.attr("name").expect("comp name").to_owned())
        .collect()
}

/// The property elements a request body sets (`*/D:set/D:prop/*`), parsed.
fn set_props(body: &str) -> Vec<Node> {
    let root = xml::parse(body.as_bytes()).unwrap();
    root.children_named(ns::DAV, "set")
        .flat_map(|s| s.children_named(ns::DAV, "prop"))
        .flat_map(|p| p.children.iter().cloned())
        .collect()
}

#[tokio::test]
async fn mkcalendar_with_the_rfc_example_body() {
    let h = Harness::new().await;
    let r = send_xml(&h, "MKCALENDAR", WORK, MKCALENDAR_RFC).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

    let ms = h
        .props(
            ALICE,
            WORK,
            "0",
            &[
                (ns::DAV, "resourcetype"),
                (ns::DAV, "displayname"),
                (ns::CALDAV, "calendar-description"),
                (ns::CALDAV, "supported-calendar-component-set"),
                (ns::CALDAV, "calendar-timezone"),
            ],
        )
        .await;
    let cal = ms.response(WORK);
    let rt = cal.prop_ok(ns::DAV, "resourcetype");
    assert!(rt.child(ns::DAV, "collection").is_some());
    assert!(rt.child(ns::CALDAV, "calendar").is_some());
    assert_eq!(cal.prop_text(ns::DAV, "displayname"), "Lisa's Events");
    assert_eq!(
        cal.prop_text(ns::CALDAV, "calendar-description"),
        "Calendar restricted to events."
    );
    assert_eq!(
        comp_names(cal.prop_ok(ns::CALDAV, "supported-calendar-component-set")),
        vec!["VEVENT"]
    );
    // The time zone comes back as sent (the CDATA text).
    let sent = set_props(MKCALENDAR_RFC)
        .into_iter()
        .find(|p| p.is(ns::CALDAV, "calendar-timezone"))
        .unwrap();
    assert_eq!(cal.prop_text(ns::CALDAV, "calendar-timezone"), sent.text);
    assert!(sent.text.contains("TZID:US-Eastern"));

    // VEVENT-only: a VTODO is refused, an event accepted.
    let r = h
        .put_ics(ALICE, &format!("{WORK}t.ics"), &todo("t", "T"))
        .await;
    r.assert_condition(
        StatusCode::FORBIDDEN,
        ns::CALDAV,
        "supported-calendar-component",
    );
    let r = h
        .put_ics(ALICE, &format!("{WORK}e.ics"), &event("e", "E"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[tokio::test]
async fn extended_mkcol_creates_calendars_and_plain_collections() {
    let h = Harness::new().await;
    let r = send_xml(&h, "MKCOL", "/dav/calendars/alice/special/", MKCOL_CALENDAR).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let ms = h
        .props(
            ALICE,
            "/dav/calendars/alice/special/",
            "0",
            &[
                (ns::DAV, "resourcetype"),
                (ns::DAV, "displayname"),
                (ns::CALDAV, "calendar-description"),
                (ns::CALDAV, "supported-calendar-component-set"),
                (ns::APPLE, "calendar-color"),
                (ns::APPLE, "calendar-order"),
            ],
        )
        .await;
    let c = ms.only();
    assert!(
        c.prop_ok(ns::DAV, "resourcetype")
            .child(ns::CALDAV, "calendar")
            .is_some()
    );
    assert_eq!(c.prop_text(ns::DAV, "displayname"), "Special Resource");
    assert_eq!(
        c.prop_text(ns::CALDAV, "calendar-description"),
        "A special resource"
    );
    assert_eq!(
        comp_names(c.prop_ok(ns::CALDAV, "supported-calendar-component-set")),
        vec!["VTODO", "VJOURNAL"]
    );
    assert_eq!(c.prop_text(ns::APPLE, "calendar-color"), "#FF8800");
    assert_eq!(c.prop_text(ns::APPLE, "calendar-order"), "3");

    // A plain collection with a display name and a dead property.
    let plain = r#"<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:"><D:set><D:prop>
  <D:resourcetype><D:collection/></D:resourcetype>
  <D:displayname>Files</D:displayname>
  <Z:note xmlns:Z="urn:z">kept</Z:note>
</D:prop></D:set></D:mkcol>"#;
    let r = send_xml(&h, "MKCOL", "/dav/calendars/alice/files/", plain).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let ms = h
        .props(
            ALICE,
            "/dav/calendars/alice/files/",
            "0",
            &[
                (ns::DAV, "resourcetype"),
                (ns::DAV, "displayname"),
                ("urn:z", "note"),
            ],
        )
        .await;
    let c = ms.only();
    assert_eq!(
        c.prop_ok(ns::DAV, "resourcetype").child_names(),
        vec![(ns::DAV.to_owned(), "collection".to_owned())]
    );
    assert_eq!(c.prop_text(ns::DAV, "displayname"), "Files");
    assert_eq!(c.prop_text("urn:z", "note"), "kept");

    // A plain MKCOL without a body.
    let r = h
        .send(
            "MKCOL",
            "/dav/calendars/alice/files/sub/",
            ALICE,
            &[],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

/// Asserts an extended MKCOL / MKCALENDAR failure body: `bad` refused (403 or 409),
/// every other property 424, under root `(ns, local)`.
fn assert_failed_creation(
    r: &Resp,
    root: (&str, &str),
    bad: (&str, &str),
    others: &[(&str, &str)],
) {
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let doc = r.xml();
    assert!(
        doc.is(root.0, root.1),
        "root {:?}: {}",
        (&doc.ns, &doc.local),
        r.text()
    );
    let mut seen = Vec::new();
    for ps in doc.children_named(ns::DAV, "propstat") {
        let status = xml::status_code(&ps.child(ns::DAV, "status").unwrap().text);
        for p in &ps.child(ns::DAV, "prop").unwrap().children {
            seen.push(((p.ns.clone(), p.local.clone()), status));
        }
    }
    let status_of = |n: (&str, &str)| {
        seen.iter()
            .find(|(k, _)| k.0 == n.0 && k.1 == n.1)
            .map(|(_, s)| *s)
            .unwrap_or_else(|| panic!("{n:?} not in {seen:?}"))
    };
    assert!(matches!(status_of(bad), 403 | 409), "{seen:?}");
    for o in others {
        assert_eq!(status_of(*o), 424, "{o:?}");
    }
}

#[tokio::test]
async fn a_bad_initial_property_creates_nothing() {
    let h = Harness::new().await;
    let body = r#"<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">
<D:set><D:prop>
  <D:displayname>Colourful</D:displayname>
  <A:calendar-color>red</A:calendar-color>
</D:prop></D:set></C:mkcalendar>"#;
    let r = send_xml(&h, "MKCALENDAR", WORK, body).await;
    assert_failed_creation(
        &r,
        (ns::CALDAV, "mkcalendar-response"),
        (ns::APPLE, "calendar-color"),
        &[(ns::DAV, "displayname")],
    );
    let mkcol = r#"<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">
<D:set><D:prop>
  <D:resourcetype><D:collection/><C:calendar/></D:resourcetype>
  <D:displayname>Ordered</D:displayname>
  <A:calendar-order>first</A:calendar-order>
</D:prop></D:set></D:mkcol>"#;
    let r = send_xml(&h, "MKCOL", WORK, mkcol).await;
    assert_failed_creation(
        &r,
        (ns::DAV, "mkcol-response"),
        (ns::APPLE, "calendar-order"),
        &[(ns::DAV, "displayname")],
    );
    // An unknown resource type is refused with valid-resourcetype.
    let odd = r#"<D:mkcol xmlns:D="DAV:"><D:set><D:prop><D:resourcetype><D:collection/><X:odd xmlns:X="urn:x"/></D:resourcetype></D:prop></D:set></D:mkcol>"#;
    let r = send_xml(&h, "MKCOL", WORK, odd).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // Nothing was created.
    assert_eq!(h.members(ALICE, ALICE_HOME).await, vec![ALICE_CAL]);
    let r = h.propfind(ALICE, WORK, "0", "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn mkcol_and_mkcalendar_refusals() {
    let h = Harness::new().await;
    // On something that exists: 405.
    for method in ["MKCOL", "MKCALENDAR"] {
        for path in [ALICE_CAL, ALICE_HOME, "/dav/calendars/alice/default"] {
            let r = h.send(method, path, ALICE, &[], Bytes::new()).await;
            assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(r.header("allow").is_some());
        }
        // Missing parent: 409.
        let r = h
            .send(
                method,
                "/dav/calendars/alice/a/b/",
                ALICE,
                &[],
                Bytes::new(),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{method}");
    }
    // An object with that name exists: 405.
    let r = h
        .put_ics(ALICE, &format!("{ALICE_CAL}e.ics"), &event("e", "E"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = h
        .send(
            "MKCOL",
            &format!("{ALICE_CAL}e.ics"),
            ALICE,
            &[],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    // A calendar inside a calendar.
    let r = h
        .send(
            "MKCALENDAR",
            &format!("{ALICE_CAL}inner/"),
            ALICE,
            &[],
            Bytes::new(),
        )
        .await;
    r.assert_condition(
        StatusCode::FORBIDDEN,
        ns::CALDAV,
        "calendar-collection-location-ok",
    );
    let r = send_xml(&h, "MKCOL", &format!("{ALICE_CAL}inner/"), MKCOL_CALENDAR).await;
    r.assert_condition(
        StatusCode::FORBIDDEN,
        ns::CALDAV,
        "calendar-collection-location-ok",
    );
    // A body that is not XML.
    let r = h
        .send(
            "MKCOL",
            "/dav/calendars/alice/x/",
            ALICE,
            &[("content-type", "text/plain")],
            "make me a collection",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(h.members(ALICE, ALICE_HOME).await, vec![ALICE_CAL]);
    assert_eq!(
        h.members(ALICE, ALICE_CAL).await,
        vec![format!("{ALICE_CAL}e.ics")]
    );
}

#[tokio::test]
async fn propfind_depth_rules() {
    let h = Harness::new().await;
    for headers in [vec![("depth", "infinity")], vec![]] {
        for path in [ALICE_HOME, ALICE_CAL, "/", "/dav/"] {
            let r = h
                .send("PROPFIND", path, ALICE, &headers, Bytes::new())
                .await;
            r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "propfind-finite-depth");
        }
    }
    let r = h
        .send(
            "PROPFIND",
            ALICE_CAL,
            ALICE,
            &[("depth", "2")],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// A calendar with one event carrying a dead property.
async fn calendar_with_event(h: &Harness) -> String {
    let href = format!("{ALICE_CAL}e.ics");
    let r = h.put_ics(ALICE, &href, &event("e", "E")).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = send_xml(
        h,
        "PROPPATCH",
        &href,
        r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:tag xmlns:Z="urn:z">t</Z:tag></D:prop></D:set></D:propertyupdate>"#,
    )
    .await;
    assert_eq!(
        r.multistatus().only().prop_status("urn:z", "tag"),
        Some(200)
    );
    href
}

#[tokio::test]
async fn propfind_allprop_and_propname() {
    let h = Harness::new().await;
    let href = calendar_with_event(&h).await;
    let allprop = r#"<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#;
    for body in [allprop, ""] {
        let ms = h.propfind(ALICE, ALICE_CAL, "1", body).await.multistatus();
        assert_eq!(ms.hrefs(), vec![ALICE_CAL.to_owned(), href.clone()]);
        for r in &ms.responses {
            let names = r.ok_names();
            assert!(names.contains(&(ns::DAV.into(), "resourcetype".into())));
            assert!(
                !names.iter().any(|(n, _)| n == ns::CALDAV),
                "allprop returned CalDAV properties for {}: {names:?}",
                r.href
            );
            assert!(r.propstats.iter().all(|ps| ps.status == 200));
        }
        let obj = ms.response(&href);
        obj.prop_ok(ns::DAV, "getetag");
        obj.prop_ok(ns::DAV, "getcontenttype");
        assert_eq!(obj.prop_text("urn:z", "tag"), "t");
    }
    // allprop with include brings calendar-data in.
    let include = r#"<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:allprop/><D:include><C:calendar-data/></D:include></D:propfind>"#;
    let ms = h.propfind(ALICE, &href, "0", include).await.multistatus();
    assert_eq!(
        ms.only().prop_text(ns::CALDAV, "calendar-data"),
        event("e", "E")
    );

    // propname: names only, no values, calendar-data not offered.
    let propname = r#"<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>"#;
    let ms = h
        .propfind(ALICE, ALICE_CAL, "1", propname)
        .await
        .multistatus();
    for r in &ms.responses {
        for ps in &r.propstats {
            assert_eq!(ps.status, 200);
            for p in &ps.props {
                assert!(p.children.is_empty() && p.text.trim().is_empty(), "{p:?}");
            }
        }
    }
    let cal_names = ms.response(ALICE_CAL).ok_names();
    for n in [
        (ns::DAV, "resourcetype"),
        (ns::DAV, "sync-token"),
        (ns::CALDAV, "supported-calendar-component-set"),
    ] {
        assert!(cal_names.contains(&(n.0.into(), n.1.into())), "{n:?}");
    }
    let obj_names = ms.response(&href).ok_names();
    assert!(obj_names.contains(&(ns::DAV.into(), "getetag".into())));
    assert!(obj_names.contains(&("urn:z".into(), "tag".into())));
    assert!(!obj_names.contains(&(ns::CALDAV.into(), "calendar-data".into())));

    // Unknown properties are 404 beside the found ones.
    let ms = h
        .props(
            ALICE,
            ALICE_CAL,
            "0",
            &[(ns::DAV, "displayname"), ("urn:nope", "missing")],
        )
        .await;
    let c = ms.only();
    assert_eq!(c.prop_status(ns::DAV, "displayname"), Some(200));
    assert_eq!(c.prop_status("urn:nope", "missing"), Some(404));
}

#[tokio::test]
async fn object_and_calendar_live_properties() {
    let h = Harness::new().await;
    let ics = event("p", "Props");
    let href = format!("{ALICE_CAL}p.ics");
    let put = h.put_ics(ALICE, &href, &ics).await;
    assert_eq!(put.status, StatusCode::CREATED);
    let ms = h
        .props(
            ALICE,
            ALICE_CAL,
            "1",
            &[
                (ns::DAV, "getetag"),
                (ns::DAV, "getcontentlength"),
                (ns::DAV, "getcontenttype"),
                (ns::DAV, "getlastmodified"),
                (ns::CALDAV, "max-resource-size"),
                (ns::CALDAV, "supported-calendar-data"),
            ],
        )
        .await;
    let obj = ms.response(&href);
    assert_eq!(obj.prop_text(ns::DAV, "getetag"), put.etag());
    assert_eq!(
        obj.prop_text(ns::DAV, "getcontentlength"),
        ics.len().to_string()
    );
    assert!(
        obj.prop_text(ns::DAV, "getcontenttype")
            .starts_with("text/calendar")
    );
    let modified = obj.prop_text(ns::DAV, "getlastmodified");
    httpdate::parse_http_date(&modified).expect("an HTTP date");
    let get = h.get(ALICE, &href).await;
    assert_eq!(get.header("last-modified"), Some(modified.as_str()));

    let cal = ms.response(ALICE_CAL);
    assert_eq!(
        cal.prop_text(ns::CALDAV, "max-resource-size"),
        h.settings.max_resource_size.to_string()
    );
    let data = cal.prop_ok(ns::CALDAV, "supported-calendar-data");
    let types: Vec<(Option<&str>, Option<&str>)> = data
        .children_named(ns::CALDAV, "calendar-data")
        .map(|c| (c.attr("content-type"), c.attr("version")))
        .collect();
    assert_eq!(
        types,
        vec![
            (Some("text/calendar"), Some("2.0")),
            (Some("application/calendar+json"), Some("2.0"))
        ]
    );
}

const DEAD_PROPS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:Z="http://example.com/z/">
  <D:set>
    <D:prop>
      <Z:Author xml:lang="fr" Z:role="main">Jürgen <Z:b>bold</Z:b> &amp; &lt;☃&gt; 日本</Z:Author>
      <plain xmlns="">no namespace <child a="1"/></plain>
      <Y:mixed xmlns:Y="urn:y"><Z:inner attr="v &quot;q&quot; x"/><W:other xmlns:W="urn:w">t</W:other><Y:empty/></Y:mixed>
      <D:unknown-dav-prop>dav namespace, not live</D:unknown-dav-prop>
      <D:odd xmlns:D="urn:not-dav"><D:inner/></D:odd>
      <C:clash xmlns:C="urn:clash"><C:child>not CalDAV</C:child></C:clash>
      <Q:outer xmlns:Q="urn:q"><D:href>/uses/the/outer/prefix</D:href><x xmlns="urn:default">t<y/></x></Q:outer>
    </D:prop>
  </D:set>
</D:propertyupdate>"#;

/// Removes whitespace-only text so that trees compare by content.
fn normalized(mut n: Node) -> Node {
    if n.text.trim().is_empty() {
        n.text.clear();
    }
    n.children = n.children.into_iter().map(normalized).collect();
    n
}

#[tokio::test]
async fn dead_properties_come_back_exactly() {
    let h = Harness::new().await;
    let href = calendar_with_event(&h).await;
    let sent: Vec<Node> = set_props(DEAD_PROPS).into_iter().map(normalized).collect();
    let names: Vec<(String, String)> = sent
        .iter()
        .map(|p| (p.ns.clone(), p.local.clone()))
        .collect();
    let name_refs: Vec<(&str, &str)> = names
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    for target in [
        ALICE_CAL.to_owned(),
        href.clone(),
        "/dav/calendars/alice/".to_owned(),
    ] {
        let r = send_xml(&h, "PROPPATCH", &target, DEAD_PROPS).await;
        let ms = r.multistatus();
        assert_eq!(ms.only().href, target);
        for (ns_, local) in &name_refs {
            assert_eq!(ms.only().prop_status(ns_, local), Some(200), "{local}");
        }
        let ms = h.props(ALICE, &target, "0", &name_refs).await;
        for want in &sent {
            let got = normalized(ms.only().prop_ok(&want.ns, &want.local).clone());
            assert_eq!(&got, want, "{target}");
        }
        // allprop returns them as well.
        let ms = h.propfind(ALICE, &target, "0", "").await.multistatus();
        for want in &sent {
            let got = normalized(ms.only().prop_ok(&want.ns, &want.local).clone());
            assert_eq!(&got, want, "allprop {target}");
        }
        // Replacing one and removing another.
        let update = r#"<D:propertyupdate xmlns:D="DAV:" xmlns:Z="http://example.com/z/"><D:set><D:prop><Z:Author>Ann</Z:Author></D:prop></D:set><D:remove><D:prop><plain xmlns=""/></D:prop></D:remove></D:propertyupdate>"#;
        let r = send_xml(&h, "PROPPATCH", &target, update).await;
        let ms = r.multistatus();
        assert_eq!(
            ms.only().prop_status("http://example.com/z/", "Author"),
            Some(200)
        );
        assert_eq!(ms.only().prop_status("", "plain"), Some(200));
        let ms = h
            .props(
                ALICE,
                &target,
                "0",
                &[("http://example.com/z/", "Author"), ("", "plain")],
            )
            .await;
        let p = ms.only();
        assert_eq!(p.prop_text("http://example.com/z/", "Author"), "Ann");
        assert!(
            p.prop_ok("http://example.com/z/", "Author")
                .attrs
                .is_empty()
        );
        assert_eq!(p.prop_status("", "plain"), Some(404));
    }
}

#[tokio::test]
async fn live_properties_are_validated() {
    let h = Harness::new().await;
    let set = |prop: &str| {
        format!(
            r#"<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop>{prop}</D:prop></D:set></D:propertyupdate>"#
        )
    };
    let good = [
        (
            ns::APPLE,
            "calendar-color",
            "<A:calendar-color>#00FF00</A:calendar-color>",
            "#00FF00",
        ),
        (
            ns::APPLE,
            "calendar-order",
            "<A:calendar-order>7</A:calendar-order>",
            "7",
        ),
        (
            ns::DAV,
            "displayname",
            "<D:displayname>Renamed ☀</D:displayname>",
            "Renamed ☀",
        ),
        (
            ns::CALDAV,
            "calendar-description",
            "<C:calendar-description>About &amp; more</C:calendar-description>",
            "About & more",
        ),
    ];
    for (ns_, local, xml_, value) in good {
        let r = send_xml(&h, "PROPPATCH", ALICE_CAL, &set(xml_)).await;
        assert_eq!(
            r.multistatus().only().prop_status(ns_, local),
            Some(200),
            "{local}"
        );
        let ms = h.props(ALICE, ALICE_CAL, "0", &[(ns_, local)]).await;
        assert_eq!(ms.only().prop_text(ns_, local), value);
    }
    let tz = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ical/tests/data/rfc4791/calendar-timezone-5.2.2.ics"
    ))
    .unwrap();
    let r = send_xml(
        &h,
        "PROPPATCH",
        ALICE_CAL,
        &set(&format!(
            "<C:calendar-timezone><![CDATA[{tz}]]></C:calendar-timezone>"
        )),
    )
    .await;
    assert_eq!(
        r.multistatus()
            .only()
            .prop_status(ns::CALDAV, "calendar-timezone"),
        Some(200)
    );

    let before = h
        .propfind(ALICE, ALICE_CAL, "0", "")
        .await
        .text()
        .to_owned();
    let bad = [
        (
            ns::APPLE,
            "calendar-color",
            "<A:calendar-color>red</A:calendar-color>",
        ),
        (
            ns::APPLE,
            "calendar-color",
            "<A:calendar-color>#12345</A:calendar-color>",
        ),
        (
            ns::APPLE,
            "calendar-order",
            "<A:calendar-order>first</A:calendar-order>",
        ),
        (
            ns::CALDAV,
            "calendar-timezone",
            "<C:calendar-timezone>not a time zone</C:calendar-timezone>",
        ),
        (
            ns::CALDAV,
            "calendar-timezone",
            "<C:calendar-timezone>BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n</C:calendar-timezone>",
        ),
    ];
    for (ns_, local, xml_) in bad {
        let r = send_xml(&h, "PROPPATCH", ALICE_CAL, &set(xml_)).await;
        let status = r.multistatus().only().prop_status(ns_, local);
        assert!(matches!(status, Some(403 | 409)), "{xml_}: {status:?}");
    }
    assert_eq!(h.propfind(ALICE, ALICE_CAL, "0", "").await.text(), before);
}

#[tokio::test]
async fn proppatch_is_all_or_nothing() {
    let h = Harness::new().await;
    let before = h
        .propfind(ALICE, ALICE_CAL, "0", "")
        .await
        .text()
        .to_owned();
    let ctag = h.ctag(ALICE, ALICE_CAL).await;
    let body = r#"<D:propertyupdate xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/" xmlns:Z="urn:z">
<D:set><D:prop><D:displayname>New name</D:displayname><Z:dead>x</Z:dead></D:prop></D:set>
<D:set><D:prop><A:calendar-color>red</A:calendar-color></D:prop></D:set>
<D:remove><D:prop><Z:other/></D:prop></D:remove>
</D:propertyupdate>"#;
    let r = send_xml(&h, "PROPPATCH", ALICE_CAL, body).await;
    let ms = r.multistatus();
    let resp = ms.only();
    assert!(matches!(
        resp.prop_status(ns::APPLE, "calendar-color"),
        Some(403 | 409)
    ));
    assert_eq!(resp.prop_status(ns::DAV, "displayname"), Some(424));
    assert_eq!(resp.prop_status("urn:z", "dead"), Some(424));
    assert_eq!(resp.prop_status("urn:z", "other"), Some(424));
    assert_eq!(h.propfind(ALICE, ALICE_CAL, "0", "").await.text(), before);
    assert_eq!(h.ctag(ALICE, ALICE_CAL).await, ctag);
}

#[tokio::test]
async fn protected_properties_cannot_be_changed() {
    let h = Harness::new().await;
    let href = calendar_with_event(&h).await;
    let cases = [
        (
            ALICE_CAL,
            ns::DAV,
            "getetag",
            r#"<D:getetag>"x"</D:getetag>"#,
        ),
        (
            ALICE_CAL,
            ns::DAV,
            "resourcetype",
            "<D:resourcetype><D:collection/></D:resourcetype>",
        ),
        (
            ALICE_CAL,
            ns::CALDAV,
            "supported-calendar-component-set",
            r#"<C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>"#,
        ),
        (
            ALICE_CAL,
            ns::DAV,
            "sync-token",
            "<D:sync-token>x</D:sync-token>",
        ),
        (ALICE_CAL, ns::CS, "getctag", "<S:getctag>x</S:getctag>"),
        (&href, ns::DAV, "getetag", r#"<D:getetag>"x"</D:getetag>"#),
        (
            &href,
            ns::DAV,
            "getcontentlength",
            "<D:getcontentlength>1</D:getcontentlength>",
        ),
        (
            &href,
            ns::CALDAV,
            "calendar-data",
            "<C:calendar-data>x</C:calendar-data>",
        ),
    ];
    for (target, ns_, local, prop) in cases {
        let before = h.propfind(ALICE, target, "0", "").await.text().to_owned();
        for op in ["set", "remove"] {
            let body = format!(
                r#"<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:S="http://calendarserver.org/ns/"><D:{op}><D:prop>{prop}</D:prop></D:{op}></D:propertyupdate>"#
            );
            let r = send_xml(&h, "PROPPATCH", target, &body).await;
            let ms = r.multistatus();
            let (status, _) = ms.only().prop(ns_, local).expect("listed");
            assert_eq!(status, 403, "{op} {local} on {target}");
            let ps = ms
                .only()
                .propstats
                .iter()
                .find(|p| p.status == 403)
                .unwrap();
            let err = ps.error.as_ref().expect("DAV:error in the propstat");
            assert!(
                err.child(ns::DAV, "cannot-modify-protected-property")
                    .is_some(),
                "{}",
                r.text()
            );
        }
        assert_eq!(h.propfind(ALICE, target, "0", "").await.text(), before);
    }
}

#[tokio::test]
async fn ctag_and_sync_token_move_with_every_change() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut check = async |h: &Harness, what: &str| {
        let pair = (
            h.ctag(ALICE, ALICE_CAL).await,
            h.sync_token(ALICE, ALICE_CAL).await,
        );
        assert!(!seen.contains(&pair), "unchanged after {what}: {pair:?}");
        seen.push(pair);
    };
    check(&h, "start").await;
    let e = format!("{ALICE_CAL}e.ics");
    assert_eq!(
        h.put_ics(ALICE, &e, &event("e", "1")).await.status,
        StatusCode::CREATED
    );
    check(&h, "create").await;
    assert_eq!(
        h.put_ics(ALICE, &e, &event("e", "2")).await.status,
        StatusCode::NO_CONTENT
    );
    check(&h, "replace").await;
    let r = send_xml(
        &h,
        "PROPPATCH",
        ALICE_CAL,
        r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    check(&h, "proppatch").await;
    let other = format!("{WORK}other.ics");
    assert_eq!(
        h.put_ics(ALICE, &other, &event("o", "1")).await.status,
        StatusCode::CREATED
    );
    let r = h
        .send(
            "COPY",
            &other,
            ALICE,
            &[("destination", &format!("{ALICE_CAL}copy.ics"))],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    check(&h, "copy in").await;
    let r = h
        .send(
            "MOVE",
            &e,
            ALICE,
            &[("destination", &format!("{WORK}e.ics"))],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    check(&h, "move out").await;
    let r = h
        .send(
            "MOVE",
            &format!("{WORK}e.ics"),
            ALICE,
            &[("destination", &e)],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    check(&h, "move in").await;
    let r = h.send("DELETE", &e, ALICE, &[], Bytes::new()).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    check(&h, "delete").await;
    // Reading changes nothing.
    let _ = h.get(ALICE, &format!("{ALICE_CAL}copy.ics")).await;
    let _ = h.propfind(ALICE, ALICE_CAL, "1", "").await;
    assert_eq!(
        seen.last().unwrap(),
        &(
            h.ctag(ALICE, ALICE_CAL).await,
            h.sync_token(ALICE, ALICE_CAL).await
        )
    );
}

#[tokio::test]
async fn deleting_a_calendar_removes_its_objects() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    for i in 0..3 {
        let r = h
            .put_ics(
                ALICE,
                &format!("{WORK}{i}.ics"),
                &event(&format!("uid-{i}"), "x"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let old_token = h.sync_token(ALICE, WORK).await;
    // If-Match cannot hold on a collection.
    let r = h
        .send(
            "DELETE",
            WORK,
            ALICE,
            &[("if-match", "\"x\"")],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = h.send("DELETE", WORK, ALICE, &[], Bytes::new()).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    for i in 0..3 {
        assert_eq!(
            h.get(ALICE, &format!("{WORK}{i}.ics")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        h.propfind(ALICE, WORK, "0", "").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.send("DELETE", WORK, ALICE, &[], Bytes::new())
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A new calendar of the same name starts empty, takes the same UIDs again and
    // refuses the old calendar's sync token.
    h.mkcalendar(ALICE, WORK).await;
    assert!(h.members(ALICE, WORK).await.is_empty());
    let r = h
        .put_ics(ALICE, &format!("{WORK}new.ics"), &event("uid-0", "x"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = h.sync_collection(ALICE, WORK, &old_token, None).await;
    r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "valid-sync-token");
    // The home cannot be deleted.
    let r = h.send("DELETE", ALICE_HOME, ALICE, &[], Bytes::new()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn dead_properties_follow_the_resource_not_the_name() {
    let h = Harness::new().await;
    let href = calendar_with_event(&h).await;
    // Replacing the content keeps the properties.
    assert_eq!(
        h.put_ics(ALICE, &href, &event("e", "changed")).await.status,
        StatusCode::NO_CONTENT
    );
    let ms = h.props(ALICE, &href, "0", &[("urn:z", "tag")]).await;
    assert_eq!(ms.only().prop_text("urn:z", "tag"), "t");
    // A new resource under a deleted one's name starts without them.
    assert_eq!(
        h.send("DELETE", &href, ALICE, &[], Bytes::new())
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.put_ics(ALICE, &href, &event("e", "new")).await.status,
        StatusCode::CREATED
    );
    let ms = h.props(ALICE, &href, "0", &[("urn:z", "tag")]).await;
    assert_eq!(ms.only().prop_status("urn:z", "tag"), Some(404));
    // Same for collections.
    let r = send_xml(
        &h,
        "MKCALENDAR",
        WORK,
        r#"<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><Z:tag xmlns:Z="urn:z">w</Z:tag><D:displayname>Work</D:displayname></D:prop></D:set></C:mkcalendar>"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let ms = h
        .props(
            ALICE,
            WORK,
            "0",
            &[("urn:z", "tag"), (ns::DAV, "displayname")],
        )
        .await;
    assert_eq!(ms.only().prop_text("urn:z", "tag"), "w");
    assert_eq!(
        h.send("DELETE", WORK, ALICE, &[], Bytes::new())
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    h.mkcalendar(ALICE, WORK).await;
    let ms = h
        .props(
            ALICE,
            WORK,
            "0",
            &[("urn:z", "tag"), (ns::DAV, "displayname")],
        )
        .await;
    assert_eq!(ms.only().prop_status("urn:z", "tag"), Some(404));
    assert_eq!(ms.only().prop_status(ns::DAV, "displayname"), Some(404));
}

#[tokio::test]
async fn propfind_on_members_and_missing_resources() {
    let h = Harness::new().await;
    let href = calendar_with_event(&h).await;
    // Depth 1 on a member is the member alone.
    let ms = h.props(ALICE, &href, "1", &[(ns::DAV, "getetag")]).await;
    assert_eq!(ms.hrefs(), vec![href.clone()]);
    // A collection addressed without its trailing slash answers with its canonical href.
    let ms = h
        .props(
            ALICE,
            "/dav/calendars/alice/default",
            "0",
            &[(ns::DAV, "resourcetype")],
        )
        .await;
    assert_eq!(ms.hrefs(), vec![ALICE_CAL.to_owned()]);
    for missing in [
        "/dav/calendars/alice/default/nope.ics",
        "/dav/calendars/alice/nope/",
        "/dav/calendars/alice/nope/x.ics",
        "/dav/calendars/alice/default/e.ics/",
    ] {
        let r = h.propfind(ALICE, missing, "0", "").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}");
    }
    // A PROPPATCH on something missing is 404 too.
    let r = send_xml(
        &h,
        "PROPPATCH",
        "/dav/calendars/alice/default/nope.ics",
        r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:a xmlns:Z="urn:z">1</Z:a></D:prop></D:set></D:propertyupdate>"#,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
