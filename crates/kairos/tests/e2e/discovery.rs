//! Discovery (RFC 6764, RFC 5397, RFC 4791 §6), OPTIONS and the default calendar.

use crate::common;

use bytes::Bytes;
use common::{ALICE, ALICE_CAL, ALICE_HOME, Harness, ns};
use http::StatusCode;

const DISCOVERY_PROPS: &[(&str, &str)] = &[
    (ns::DAV, "current-user-principal"),
    (ns::DAV, "principal-URL"),
    (ns::CALDAV, "calendar-home-set"),
    (ns::CALDAV, "calendar-user-address-set"),
    (ns::DAV, "owner"),
    (ns::DAV, "resourcetype"),
    (ns::DAV, "displayname"),
    (ns::DAV, "supported-report-set"),
    (ns::DAV, "current-user-privilege-set"),
];

#[tokio::test]
async fn well_known_redirects_to_the_dav_root() {
    let h = Harness::new().await;
    for path in ["/.well-known/caldav", "/.well-known/caldav/"] {
        for method in ["GET", "PROPFIND"] {
            let r = h.send(method, path, None, &[], Bytes::new()).await;
            assert_eq!(r.status, StatusCode::MOVED_PERMANENTLY, "{method} {path}");
            assert_eq!(r.header("location"), Some("/dav/"));
        }
    }
}

#[tokio::test]
async fn current_user_principal_from_the_root_and_the_dav_root() {
    let h = Harness::new().await;
    for path in ["/", "/dav/"] {
        let ms = h
            .props(ALICE, path, "0", &[(ns::DAV, "current-user-principal")])
            .await;
        let r = ms.only();
        assert_eq!(r.href, path);
        assert_eq!(
            r.prop_href(ns::DAV, "current-user-principal"),
            "/dav/principals/alice/"
        );
    }
    // Depth 1 on /dav/ shows the two fixed collections.
    let ms = h
        .props(ALICE, "/dav/", "1", &[(ns::DAV, "resourcetype")])
        .await;
    assert_eq!(
        ms.hrefs(),
        vec!["/dav/", "/dav/principals/", "/dav/calendars/"]
    );
}

#[tokio::test]
async fn principal_properties() {
    let h = Harness::new().await;
    let ms = h
        .props(ALICE, "/dav/principals/alice/", "0", DISCOVERY_PROPS)
        .await;
    let r = ms.response("/dav/principals/alice/");
    assert_eq!(
        r.prop_href(ns::DAV, "current-user-principal"),
        "/dav/principals/alice/"
    );
    assert_eq!(
        r.prop_href(ns::DAV, "principal-URL"),
        "/dav/principals/alice/"
    );
    assert_eq!(r.prop_href(ns::CALDAV, "calendar-home-set"), ALICE_HOME);
    let addresses = r.prop_ok(ns::CALDAV, "calendar-user-address-set").hrefs();
    assert!(!addresses.is_empty());
    assert_eq!(r.prop_href(ns::DAV, "owner"), "/dav/principals/alice/");
    let rt = r.prop_ok(ns::DAV, "resourcetype");
    assert!(rt.child(ns::DAV, "principal").is_some(), "{rt:?}");
    assert_eq!(r.prop_text(ns::DAV, "displayname"), "alice");
    r.prop_ok(ns::DAV, "supported-report-set");
    let privileges = r.prop_ok(ns::DAV, "current-user-privilege-set");
    assert!(
        privileges
            .children_named(ns::DAV, "privilege")
            .any(|p| p.child(ns::DAV, "read").is_some())
    );
}

#[tokio::test]
async fn home_and_calendar_properties() {
    let h = Harness::new().await;
    let ms = h.props(ALICE, ALICE_HOME, "1", DISCOVERY_PROPS).await;
    assert_eq!(ms.hrefs(), vec![ALICE_HOME, ALICE_CAL]);

    let home = ms.response(ALICE_HOME);
    let rt = home.prop_ok(ns::DAV, "resourcetype");
    assert_eq!(
        rt.child_names(),
        vec![(ns::DAV.into(), "collection".into())]
    );
    assert_eq!(home.prop_href(ns::DAV, "owner"), "/dav/principals/alice/");
    assert_eq!(
        home.prop_href(ns::DAV, "current-user-principal"),
        "/dav/principals/alice/"
    );

    let cal = ms.response(ALICE_CAL);
    let rt = cal.prop_ok(ns::DAV, "resourcetype");
    assert!(rt.child(ns::DAV, "collection").is_some());
    assert!(rt.child(ns::CALDAV, "calendar").is_some());
    assert_eq!(cal.prop_href(ns::DAV, "owner"), "/dav/principals/alice/");
    assert!(!cal.prop_text(ns::DAV, "displayname").is_empty());
    let reports: Vec<(String, String)> = cal
        .prop_ok(ns::DAV, "supported-report-set")
        .children_named(ns::DAV, "supported-report")
        .map(|s| {
            let report = s.child(ns::DAV, "report").expect("DAV:report");
            assert_eq!(report.children.len(), 1);
            (
                report.children[0].ns.clone(),
                report.children[0].local.clone(),
            )
        })
        .collect();
    for wanted in [
        (ns::CALDAV, "calendar-multiget"),
        (ns::CALDAV, "calendar-query"),
        (ns::DAV, "sync-collection"),
    ] {
        assert!(
            reports.contains(&(wanted.0.into(), wanted.1.into())),
            "{wanted:?} not in {reports:?}"
        );
    }
    let privileges: Vec<String> = cal
        .prop_ok(ns::DAV, "current-user-privilege-set")
        .children_named(ns::DAV, "privilege")
        .flat_map(|p| p.children.iter().map(|c| c.local.clone()))
        .collect();
    for p in [
        "read",
        "write",
        "write-content",
        "write-properties",
        "bind",
        "unbind",
    ] {
        assert!(
            privileges.iter().any(|x| x == p),
            "{p} not in {privileges:?}"
        );
    }
}

#[tokio::test]
async fn options_advertises_exactly_what_is_implemented() {
    let h = Harness::new().await;
    let r = h
        .put_ics(
            ALICE,
            "/dav/calendars/alice/default/e.ics",
            &common::event("e", "E"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let cases: &[(&str, &[&str], &[&str])] = &[
        ("/", &["PROPFIND"], &["PUT", "MKCOL"]),
        ("/dav/", &["PROPFIND"], &["PUT", "MKCOL"]),
        ("/dav/principals/alice/", &["PROPFIND"], &["PUT"]),
        (
            ALICE_HOME,
            &["PROPFIND", "PROPPATCH", "REPORT"],
            &["MKCOL", "MKCALENDAR", "PUT", "LOCK"],
        ),
        (
            ALICE_CAL,
            &["PROPFIND", "PROPPATCH", "DELETE", "REPORT", "COPY", "MOVE"],
            &["MKCOL", "MKCALENDAR", "PUT", "LOCK"],
        ),
        (
            "/dav/calendars/alice/default/e.ics",
            &["GET", "HEAD", "PUT", "DELETE", "PROPFIND", "COPY", "MOVE"],
            &["MKCOL", "MKCALENDAR", "LOCK"],
        ),
        (
            "/dav/calendars/alice/new/",
            &["MKCOL", "MKCALENDAR"],
            &["GET", "DELETE", "PROPFIND", "LOCK"],
        ),
    ];
    for (path, present, absent) in cases {
        let r = h.send("OPTIONS", path, ALICE, &[], Bytes::new()).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(
            r.header("dav"),
            Some("1, 3, calendar-access, extended-mkcol, calendarserver-sharing, resource-sharing"),
            "{path}"
        );
        let allow: Vec<String> = r
            .header("allow")
            .unwrap_or_else(|| panic!("Allow on {path}"))
            .split(',')
            .map(|m| m.trim().to_owned())
            .collect();
        assert!(allow.iter().any(|m| m == "OPTIONS"), "{path}: {allow:?}");
        for m in *present {
            assert!(
                allow.iter().any(|a| a == m),
                "{m} missing on {path}: {allow:?}"
            );
        }
        for m in *absent {
            assert!(
                !allow.iter().any(|a| a == m),
                "{m} allowed on {path}: {allow:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_new_user_gets_a_default_calendar_once() {
    let h = Harness::new().await;
    // The first request creates the home with its calendar.
    assert_eq!(h.members(ALICE, ALICE_HOME).await, vec![ALICE_CAL]);
    let r = h.send("DELETE", ALICE_CAL, ALICE, &[], Bytes::new()).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(h.members(ALICE, ALICE_HOME).await.is_empty());
    // A new process over the same store (a restart) does not bring it back either.
    let fresh = std::sync::Arc::new(kairos_core::Kairos::new(
        std::sync::Arc::new(h.store.clone()),
        h.settings.core(),
    ));
    let app = kairos::serve::app(fresh, &h.settings);
    let req = http::Request::builder()
        .method("PROPFIND")
        .uri(ALICE_HOME)
        .header("depth", "1")
        .header(
            "authorization",
            format!(
                "Basic {}",
                base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    "alice:alice-password"
                )
            ),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = tower::ServiceExt::oneshot(app, req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::MULTI_STATUS);
    let body = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .unwrap()
        .to_bytes();
    let ms = common::Multistatus::from_node(&common::xml::parse(&body).unwrap());
    assert_eq!(ms.hrefs(), vec![ALICE_HOME]);
}

#[tokio::test]
async fn healthz_and_readyz() {
    let h = Harness::new().await;
    let r = h.get(None, "/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = h.get(None, "/readyz").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simultaneous_first_requests_make_one_home() {
    let h = Harness::new().await;
    h.core
        .add_user(
            kairos_core::users::Admin::local_operator(),
            "carol",
            "carol-password",
        )
        .await
        .unwrap();
    let carol = Some(("carol", "carol-password"));
    let requests = (0..8).map(|i| {
        let path = if i % 2 == 0 {
            "/dav/calendars/carol/"
        } else {
            "/dav/calendars/carol/default/"
        };
        h.send("PROPFIND", path, carol, &[("depth", "1")], Bytes::new())
    });
    for r in futures::future::join_all(requests).await {
        assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.text());
    }
    assert_eq!(
        h.members(carol, "/dav/calendars/carol/").await,
        vec!["/dav/calendars/carol/default/"]
    );
}
