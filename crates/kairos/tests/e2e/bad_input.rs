//! Bad input: oversized bodies, DTDs and entities, malformed XML, odd methods and paths,
//! and a property test that no request makes the server fail or panic.

use crate::common;

use bytes::Bytes;
use common::{ALICE, ALICE_CAL, ALICE_HOME, Harness, event, ns, xml};
use http::StatusCode;
use proptest::prelude::*;

const XML_METHODS: &[(&str, &str)] = &[
    ("PROPFIND", ALICE_CAL),
    ("PROPPATCH", ALICE_CAL),
    ("REPORT", ALICE_CAL),
    ("MKCOL", "/dav/calendars/alice/new/"),
    ("MKCALENDAR", "/dav/calendars/alice/new/"),
];

async fn send_xml(h: &Harness, method: &str, path: &str, body: impl Into<Bytes>) -> common::Resp {
    h.send(
        method,
        path,
        ALICE,
        &[("depth", "0"), ("content-type", "application/xml")],
        body,
    )
    .await
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let h = Harness::with_settings(|s| s.max_body_size = 2048).await;
    let big_ics = event("big", &"x".repeat(4096));
    let r = h
        .put_ics(ALICE, &format!("{ALICE_CAL}big.ics"), &big_ics)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let big_xml = format!(
        r#"<D:propfind xmlns:D="DAV:"><D:prop>{}</D:prop></D:propfind>"#,
        "<D:displayname/>".repeat(300)
    );
    for (method, path) in XML_METHODS {
        let r = send_xml(&h, method, path, big_xml.clone()).await;
        assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{method}");
    }
    // Just under the limit is fine, and nothing was created by the refusals.
    let small = event("small", "x");
    let r = h
        .put_ics(ALICE, &format!("{ALICE_CAL}small.ics"), &small)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        h.members(ALICE, ALICE_HOME).await,
        vec![ALICE_CAL.to_owned()]
    );
    assert_eq!(
        h.members(ALICE, ALICE_CAL).await,
        vec![format!("{ALICE_CAL}small.ics")]
    );
}

#[tokio::test]
async fn doctype_and_entities_are_refused() {
    let h = Harness::new().await;
    let bodies = [
        r#"<?xml version="1.0"?><!DOCTYPE D:propfind><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#,
        r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<D:propfind xmlns:D="DAV:"><D:prop><D:displayname>&lol2;</D:displayname></D:prop></D:propfind>"#,
        r#"<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:x xmlns:Z="urn:z">&xxe;</Z:x></D:prop></D:set></D:propertyupdate>"#,
        r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:x xmlns:Z="urn:z">&undefined;</Z:x></D:prop></D:set></D:propertyupdate>"#,
    ];
    for body in bodies {
        for (method, path) in XML_METHODS {
            let r = send_xml(&h, method, path, body.to_owned()).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{method} {body}: {}",
                r.text()
            );
            assert!(!r.text().contains("root:"), "entity expanded");
        }
    }
    // Nothing was stored.
    let ms = h.props(ALICE, ALICE_CAL, "0", &[("urn:z", "x")]).await;
    assert_eq!(ms.only().prop_status("urn:z", "x"), Some(404));
    assert_eq!(
        h.members(ALICE, ALICE_HOME).await,
        vec![ALICE_CAL.to_owned()]
    );
}

#[tokio::test]
async fn malformed_xml_gets_400() {
    let h = Harness::new().await;
    let deep = format!("{}{}", "<a>".repeat(200), "</a>".repeat(200));
    let many = format!(
        r#"<D:propfind xmlns:D="DAV:"><D:prop>{}</D:prop></D:propfind>"#,
        "<D:x/>".repeat(100_001)
    );
    let bodies: Vec<Bytes> = vec![
        "<D:propfind xmlns:D=\"DAV:\"><D:prop>".into(),
        "<D:propfind xmlns:D=\"DAV:\"></D:prop></D:propfind>".into(),
        "not xml at all".into(),
        "<D:propfind xmlns:D=\"DAV:\"/><D:propfind xmlns:D=\"DAV:\"/>".into(),
        "<x:propfind xmlns:D=\"DAV:\"/>".into(),
        "<D:propfind xmlns:D=\"DAV:\" a=\"1\" a=\"2\"/>".into(),
        "<D:propfind xmlns:D=\"DAV:\" xmlns:x=\"\"><x:prop/></D:propfind>".into(),
        Bytes::from_static(b"<D:propfind xmlns:D=\"DAV:\"><D:prop><D:displayname>\xff\xfe</D:displayname></D:prop></D:propfind>"),
        "<D:propfind xmlns:D=\"DAV:\"><D:prop>&#0;</D:prop></D:propfind>".into(),
        deep.into(),
        many.into(),
    ];
    for body in bodies {
        for (method, path) in XML_METHODS {
            let r = send_xml(&h, method, path, body.clone()).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{method} {:?}: {}",
                String::from_utf8_lossy(&body[..body.len().min(80)]),
                r.text()
            );
        }
    }
    // A well-formed document with the wrong root.
    for (method, path) in [("PROPFIND", ALICE_CAL), ("PROPPATCH", ALICE_CAL)] {
        let r = send_xml(&h, method, path, r#"<D:nonsense xmlns:D="DAV:"/>"#).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{method}");
    }
    // Bad header values.
    let r = h
        .send(
            "PROPFIND",
            ALICE_CAL,
            ALICE,
            &[("depth", "banana")],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = h
        .send(
            "COPY",
            ALICE_CAL,
            ALICE,
            &[("destination", "::not a uri::")],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // A limit of zero results is not a limit.
    let r = h
        .report(
            ALICE,
            ALICE_CAL,
            "0",
            &common::sync_body("", Some(0), &[(ns::DAV, "getetag")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn odd_paths_and_methods() {
    let h = Harness::new().await;
    for path in [
        "/dav/calendars/alice/a%2Fb/",
        "/dav/calendars/alice/../bob/",
        "/dav/calendars/alice/%ff.ics",
        "/dav/calendars/alice/./default/",
    ] {
        let r = h
            .send("PROPFIND", path, ALICE, &[("depth", "0")], Bytes::new())
            .await;
        assert!(
            matches!(r.status, StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND),
            "{path}: {}",
            r.status
        );
    }
    let deep = format!("/dav/calendars/alice/{}", "a/".repeat(40));
    let r = h.send("MKCOL", &deep, ALICE, &[], Bytes::new()).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let long = format!("/dav/calendars/alice/default/{}.ics", "x".repeat(300));
    let r = h.put_ics(ALICE, &long, &event("long", "x")).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let r = h.get(ALICE, "/nothing-here").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Methods the server does not implement (POST only takes share requests on a
    // calendar; share_post.rs covers it).
    for method in ["BREW", "LOCK", "UNLOCK", "PATCH", "TRACE", "SEARCH", "ACL"] {
        for path in ["/", ALICE_CAL, "/dav/"] {
            let r = h.send(method, path, ALICE, &[], Bytes::new()).await;
            assert!(
                matches!(
                    r.status,
                    StatusCode::NOT_IMPLEMENTED | StatusCode::METHOD_NOT_ALLOWED
                ),
                "{method} {path}: {}",
                r.status
            );
        }
    }
}

/// Every character of an XML document must be an XML 1.0 `Char`, or strict clients fail.
fn assert_xml_chars(body: &[u8]) {
    let text = std::str::from_utf8(body).expect("UTF-8");
    for c in text.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..),
            "{c:?} in {text}"
        );
    }
    xml::parse(body).expect("well-formed");
}

#[tokio::test]
async fn control_characters_never_break_xml_answers() {
    let h = Harness::new().await;
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:ctl\r\n\
DTSTAMP:20240101T000000Z\r\nDTSTART:20240101T100000Z\r\nSUMMARY:bell\u{7}and\u{1b}escape\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";
    let path = format!("{ALICE_CAL}ctl.ics");
    let r = h.put_ics(ALICE, &path, ics).await;
    if r.status == StatusCode::CREATED {
        // Accepted: every XML answer carrying the data must stay well-formed.
        let r = h
            .report(ALICE, ALICE_CAL, "1", &common::multiget_body(&[&path]))
            .await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS);
        assert_xml_chars(&r.body);
        let r = h
            .report(
                ALICE,
                ALICE_CAL,
                "0",
                &common::sync_body("", None, &[(ns::CALDAV, "calendar-data")]),
            )
            .await;
        assert_xml_chars(&r.body);
    } else {
        r.assert_condition(StatusCode::FORBIDDEN, ns::CALDAV, "valid-calendar-data");
    }
    // Dead property values with control characters cannot be written as XML at all.
    let r = h
        .send(
            "PROPPATCH",
            ALICE_CAL,
            ALICE,
            &[("content-type", "application/xml")],
            "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><Z:x xmlns:Z=\"urn:z\">&#1;</Z:x></D:prop></D:set></D:propertyupdate>",
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = h.propfind(ALICE, ALICE_CAL, "1", "").await;
    assert_xml_chars(&r.body);
}

const METHODS: &[&str] = &[
    "OPTIONS",
    "GET",
    "HEAD",
    "PUT",
    "DELETE",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "MKCALENDAR",
    "COPY",
    "MOVE",
    "REPORT",
    "LOCK",
    "POST",
];

const PATHS: &[&str] = &[
    "/",
    "/dav/",
    "/dav/principals/",
    "/dav/principals/alice/",
    "/dav/calendars/",
    ALICE_HOME,
    ALICE_CAL,
    "/dav/calendars/alice/default/e.ics",
    "/dav/calendars/alice/default/new.ics",
    "/dav/calendars/alice/new/",
    "/dav/calendars/alice/new/x.ics",
    "/dav/calendars/bob/default/",
    "/dav/calendars/alice/%ff/",
    "/dav/calendars/alice/a%2Fb",
    "/.well-known/caldav",
];

/// Fragments that random bodies are assembled from, so that many of them get past the
/// first parsing step.
const FRAGMENTS: &[&str] = &[
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
    "<D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">",
    "</D:propfind>",
    "<D:prop>",
    "</D:prop>",
    "<D:allprop/>",
    "<D:propname/>",
    "<D:getetag/>",
    "<C:calendar-data/>",
    "<D:propertyupdate xmlns:D=\"DAV:\">",
    "</D:propertyupdate>",
    "<D:set>",
    "</D:set>",
    "<D:remove>",
    "</D:remove>",
    "<D:displayname>x</D:displayname>",
    "<Z:dead xmlns:Z=\"urn:z\">v</Z:dead>",
    "<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">",
    "</C:calendar-multiget>",
    "<D:href>/dav/calendars/alice/default/e.ics</D:href>",
    "<D:href>http://x/dav/calendars/bob/default/e.ics</D:href>",
    "<D:sync-collection xmlns:D=\"DAV:\">",
    "</D:sync-collection>",
    "<D:sync-token></D:sync-token>",
    "<D:sync-token>urn:kairos:sync:0:0</D:sync-token>",
    "<D:limit><D:nresults>1</D:nresults></D:limit>",
    "<C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">",
    "<C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\"/></C:comp-filter></C:filter>",
    "</C:calendar-query>",
    "<C:mkcalendar xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">",
    "</C:mkcalendar>",
    "<D:mkcol xmlns:D=\"DAV:\">",
    "</D:mkcol>",
    "<D:resourcetype><D:collection/></D:resourcetype>",
    "<C:supported-calendar-component-set><C:comp name=\"VTODO\"/></C:supported-calendar-component-set>",
    "<C:calendar-timezone>BEGIN:VCALENDAR</C:calendar-timezone>",
    "BEGIN:VCALENDAR\r\n",
    "VERSION:2.0\r\n",
    "BEGIN:VEVENT\r\n",
    "UID:prop\r\n",
    "DTSTART:20240101T000000Z\r\n",
    "RRULE:FREQ=DAILY;COUNT=3\r\n",
    "END:VEVENT\r\n",
    "END:VCALENDAR\r\n",
    "&amp;",
    "&#x1F600;",
    "<!DOCTYPE x>",
    "]]>",
    "<![CDATA[",
];

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300),
        proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..12)
            .prop_map(|parts| parts.concat().into_bytes()),
        ".{0,200}".prop_map(String::into_bytes),
    ]
}

fn header_strategy() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let depth = prop_oneof![
        Just("0".to_owned()),
        Just("1".to_owned()),
        Just("infinity".to_owned()),
        "[a-z0-9]{0,4}"
    ];
    let etag = prop_oneof![
        Just("*".to_owned()),
        Just("\"abc\"".to_owned()),
        Just("W/\"x\", \"y\"".to_owned()),
        "[ -~]{0,12}"
    ];
    let destination = prop_oneof![
        Just("/dav/calendars/alice/default/moved.ics".to_owned()),
        Just("/dav/calendars/alice/other/".to_owned()),
        Just("/dav/calendars/bob/default/x.ics".to_owned()),
        Just("http://localhost/dav/calendars/alice/default/y.ics".to_owned()),
        "[ -~]{0,30}"
    ];
    let content_type = prop_oneof![
        Just("application/xml".to_owned()),
        Just("text/calendar".to_owned()),
        Just("text/plain".to_owned()),
    ];
    (
        proptest::option::of(depth),
        proptest::option::of(etag.clone()),
        proptest::option::of(etag),
        proptest::option::of(destination),
        proptest::option::of(prop_oneof![
            Just("T".to_owned()),
            Just("F".to_owned()),
            "[A-Z]?"
        ]),
        proptest::option::of(content_type),
    )
        .prop_map(|(d, im, inm, dest, ow, ct)| {
            let mut h = Vec::new();
            let mut add = |name: &'static str, v: Option<String>| {
                if let Some(v) = v.filter(|v| http::HeaderValue::from_str(v).is_ok()) {
                    h.push((name, v));
                }
            };
            add("depth", d);
            add("if-match", im);
            add("if-none-match", inm);
            add("destination", dest);
            add("overwrite", ow);
            add("content-type", ct);
            h
        })
}

#[test]
fn no_request_makes_the_server_fail() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let h = rt.block_on(async {
        let h = Harness::new().await;
        let r = h
            .put_ics(
                ALICE,
                "/dav/calendars/alice/default/e.ics",
                &event("e", "E"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        h
    });
    let config = ProptestConfig {
        // PROPTEST_CASES runs a longer search locally.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(
        method in proptest::sample::select(METHODS),
        path in proptest::sample::select(PATHS),
        headers in header_strategy(),
        body in body_strategy(),
    )| {
        let hs: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let r = rt.block_on(h.send(method, path, ALICE, &hs, body.clone()));
        // 501 is the honest answer to a method the server does not implement.
        prop_assert!(
            !r.status.is_server_error() || r.status == StatusCode::NOT_IMPLEMENTED,
            "{} {} {:?} {:?}: {} {}",
            method, path, hs, String::from_utf8_lossy(&body), r.status, String::from_utf8_lossy(&r.body)
        );
        // XML answers the server writes are well-formed. GET is left out: it
        // returns stored bytes as-is, and a plain WebDAV collection may hold
        // any body under any content type the client chose.
        let is_xml = r
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/xml"));
        if is_xml && method != "HEAD" && method != "GET" {
            prop_assert!(xml::parse(&r.body).is_ok(), "{}", String::from_utf8_lossy(&r.body));
        }
    });
    // The server still works afterwards.
    let r = rt.block_on(h.send(
        "PROPFIND",
        ALICE_HOME,
        ALICE,
        &[("depth", "1")],
        Bytes::new(),
    ));
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    drop(h);
}
