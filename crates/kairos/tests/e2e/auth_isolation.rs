//! Authentication (HTTP Basic, throttling, password changes) and isolation between users:
//! bob can neither read, change nor learn the names of anything of alice's.

use crate::common;

use base64::Engine as _;
use bytes::Bytes;
use common::{ALICE, ALICE_CAL, ALICE_HOME, BOB, BOB_CAL, Harness, Resp, event, ns};
use http::StatusCode;
use kairos_core::users::Admin;

fn assert_challenge(r: &Resp) {
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    let challenge = r.header("www-authenticate").expect("WWW-Authenticate");
    assert!(
        challenge.starts_with("Basic realm=\""),
        "challenge {challenge:?}"
    );
}

#[tokio::test]
async fn missing_or_wrong_credentials_get_a_basic_challenge() {
    let h = Harness::new().await;
    let raw = |v: &str| vec![("authorization".to_owned(), v.to_owned())];
    type Case<'a> = (Option<(&'a str, &'a str)>, Vec<(String, String)>);
    let cases: Vec<Case> = vec![
        (None, vec![]),
        (Some(("alice", "wrong-password")), vec![]),
        (Some(("carol", "whatever-pw")), vec![]),
        (Some(("alice", "")), vec![]),
        (None, raw("Basic !!!not-base64")),
        (None, raw("Bearer abc")),
        (
            None,
            raw(&format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("no-colon")
            )),
        ),
    ];
    for (user, headers) in cases {
        let hs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        for (method, path) in [
            ("PROPFIND", "/"),
            ("PROPFIND", ALICE_HOME),
            ("GET", "/dav/calendars/alice/default/x.ics"),
            ("OPTIONS", ALICE_CAL),
        ] {
            let r = h.send(method, path, user, &hs, Bytes::new()).await;
            assert_challenge(&r);
        }
    }
    // A body sent with wrong credentials is still answered with a challenge.
    let r = h
        .put_ics(
            Some(("alice", "wrong-password")),
            "/dav/calendars/alice/default/x.ics",
            &event("x", "X"),
        )
        .await;
    assert_challenge(&r);
    // Health checks need no credentials.
    assert_eq!(h.get(None, "/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn repeated_failures_are_throttled_with_retry_after() {
    let h = Harness::with_settings(|s| {
        s.auth_max_failures = 3;
        s.auth_block_secs = 120;
    })
    .await;
    for _ in 0..3 {
        let r = h
            .send(
                "PROPFIND",
                "/",
                Some(("alice", "guess-guess")),
                &[("depth", "0")],
                Bytes::new(),
            )
            .await;
        assert_challenge(&r);
    }
    // Blocked now: even the right password is refused without being checked.
    for user in [Some(("alice", "guess-again")), ALICE] {
        let r = h
            .send("PROPFIND", "/", user, &[("depth", "0")], Bytes::new())
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
        let retry: u64 = r
            .header("retry-after")
            .expect("Retry-After")
            .parse()
            .expect("seconds");
        assert!((1..=120).contains(&retry), "{retry}");
    }
    // Another user is not affected.
    let r = h
        .send("PROPFIND", "/", BOB, &[("depth", "0")], Bytes::new())
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
}

#[tokio::test]
async fn a_password_change_takes_effect_at_once() {
    let h = Harness::new().await;
    // Sign in (the verification is cached) …
    let r = h
        .send("PROPFIND", "/", ALICE, &[("depth", "0")], Bytes::new())
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    // … change the password …
    h.core
        .set_password(Admin::local_operator(), "alice", "a-new-password")
        .await
        .unwrap();
    // … and the old one fails on the very next request.
    let r = h
        .send("PROPFIND", "/", ALICE, &[("depth", "0")], Bytes::new())
        .await;
    assert_challenge(&r);
    let r = h
        .send(
            "PROPFIND",
            "/",
            Some(("alice", "a-new-password")),
            &[("depth", "0")],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    // A removed user is refused at once too.
    h.core
        .remove_user(Admin::local_operator(), "alice")
        .await
        .unwrap();
    let r = h
        .send(
            "PROPFIND",
            "/",
            Some(("alice", "a-new-password")),
            &[("depth", "0")],
            Bytes::new(),
        )
        .await;
    assert_challenge(&r);
}

/// A hash of an earlier version (argon2id with the crate's defaults, m = 19 MiB, t = 2).
fn old_hash(password: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_hash_with_old_parameters_is_replaced_at_the_next_sign_in() {
    use kairos_store::{Store, User, UserId};
    let h = Harness::new().await;
    let old = old_hash("carol-password");
    assert!(old.contains("$m=19456,t=2,p=1$"), "{old}");
    let carol = User {
        id: UserId(uuid::Uuid::now_v7()),
        name: "carol".into(),
        password_hash: old.clone(),
        created_at: 0,
    };
    let mut tx = h.store.begin().await.unwrap();
    tx.insert_user(&carol).await.unwrap();
    tx.commit().await.unwrap();
    let stored = || async { h.store.user_by_name("carol").await.unwrap().unwrap() };

    // A wrong password changes nothing.
    let r = h
        .send(
            "PROPFIND",
            "/",
            Some(("carol", "not-carols")),
            &[("depth", "0")],
            Bytes::new(),
        )
        .await;
    assert_challenge(&r);
    assert_eq!(stored().await.password_hash, old);

    let r = h
        .send(
            "PROPFIND",
            "/",
            Some(("carol", "carol-password")),
            &[("depth", "0")],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    let new = stored().await.password_hash;
    assert!(new.contains("$m=7168,t=5,p=1$"), "{new}");
    assert!(kairos_core::auth::verify_password("carol-password", &new));
    assert!(!kairos_core::auth::needs_rehash(&new));
}

/// Alice's tree: default calendar with an event (and a dead property), a second
/// calendar and a plain collection.
async fn alice_tree(h: &Harness) {
    let r = h
        .put_ics(
            ALICE,
            "/dav/calendars/alice/default/e.ics",
            &event("e-uid", "Secret"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    h.mkcalendar(ALICE, "/dav/calendars/alice/work/").await;
    let r = h
        .send(
            "MKCOL",
            "/dav/calendars/alice/files/",
            ALICE,
            &[],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = h
        .send(
            "PROPPATCH",
            "/dav/calendars/alice/default/e.ics",
            ALICE,
            &[("content-type", "application/xml")],
            r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:tag xmlns:x="urn:x">v</x:tag></D:prop></D:set></D:propertyupdate>"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
}

/// Everything alice can observe of her tree, for before/after comparisons.
async fn alice_state(h: &Harness) -> String {
    let props = common::propfind_body(&[
        (ns::DAV, "getetag"),
        (ns::DAV, "displayname"),
        (ns::DAV, "sync-token"),
        (ns::CS, "getctag"),
        (ns::DAV, "resourcetype"),
        ("urn:x", "tag"),
    ]);
    let mut state = String::new();
    for path in [
        ALICE_HOME,
        ALICE_CAL,
        "/dav/calendars/alice/work/",
        "/dav/calendars/alice/files/",
    ] {
        let r = h.propfind(ALICE, path, "1", &props).await;
        state.push_str(r.text());
    }
    state.push_str(
        h.get(ALICE, "/dav/calendars/alice/default/e.ics")
            .await
            .text(),
    );
    state
}

const PROPPATCH_BODY: &str = r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>pwned</D:displayname></D:prop></D:set></D:propertyupdate>"#;
const QUERY_BODY: &str = r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>"#;

/// One attempt: method, headers, body.
type Attempt = (&'static str, Vec<(&'static str, String)>, String);

/// Every method bob might try.
fn attempts() -> Vec<Attempt> {
    let xml = |b: &str| b.to_owned();
    let ct = ("content-type", "application/xml".to_owned());
    vec![
        ("OPTIONS", vec![], String::new()),
        ("GET", vec![], String::new()),
        ("HEAD", vec![], String::new()),
        (
            "PUT",
            vec![("content-type", "text/calendar".to_owned())],
            event("bob-uid", "Bob was here"),
        ),
        (
            "PUT",
            vec![
                ("content-type", "text/calendar".to_owned()),
                ("if-none-match", "*".to_owned()),
            ],
            event("bob-uid", "Bob was here"),
        ),
        ("DELETE", vec![], String::new()),
        (
            "PROPFIND",
            vec![("depth", "0".to_owned()), ct.clone()],
            String::new(),
        ),
        (
            "PROPFIND",
            vec![("depth", "1".to_owned()), ct.clone()],
            String::new(),
        ),
        ("PROPPATCH", vec![ct.clone()], xml(PROPPATCH_BODY)),
        ("MKCOL", vec![], String::new()),
        ("MKCALENDAR", vec![], String::new()),
        (
            "COPY",
            vec![("destination", format!("{BOB_CAL}stolen.ics"))],
            String::new(),
        ),
        (
            "MOVE",
            vec![("destination", format!("{BOB_CAL}stolen.ics"))],
            String::new(),
        ),
        (
            "COPY",
            vec![("destination", "/dav/calendars/bob/stolen/".to_owned())],
            String::new(),
        ),
        (
            "MOVE",
            vec![("destination", "/dav/calendars/bob/stolen/".to_owned())],
            String::new(),
        ),
        (
            "REPORT",
            vec![("depth", "1".to_owned()), ct.clone()],
            common::multiget_body(&["/dav/calendars/alice/default/e.ics"]),
        ),
        (
            "REPORT",
            vec![("depth", "0".to_owned()), ct.clone()],
            common::sync_body("", None, &[(ns::DAV, "getetag")]),
        ),
        (
            "REPORT",
            vec![("depth", "1".to_owned()), ct],
            xml(QUERY_BODY),
        ),
    ]
}

#[tokio::test]
async fn bob_gets_identical_not_found_answers_on_every_method() {
    let h = Harness::new().await;
    alice_tree(&h).await;
    let before = alice_state(&h).await;
    // (existing, not existing) pairs in alice's tree, and beyond.
    let pairs = [
        (ALICE_HOME, "/dav/calendars/carol/"),
        ("/dav/calendars/alice", "/dav/calendars/carol"),
        (ALICE_CAL, "/dav/calendars/alice/nope/"),
        ("/dav/calendars/alice/default", "/dav/calendars/alice/nope"),
        ("/dav/calendars/alice/work/", "/dav/calendars/alice/nope/"),
        ("/dav/calendars/alice/files/", "/dav/calendars/alice/nope/"),
        (
            "/dav/calendars/alice/default/e.ics",
            "/dav/calendars/alice/default/nope.ics",
        ),
        (
            "/dav/calendars/alice/default/e.ics",
            "/dav/calendars/alice/nope/e.ics",
        ),
        (
            "/dav/calendars/alice/default/e.ics",
            "/dav/calendars/carol/default/e.ics",
        ),
        ("/dav/principals/alice/", "/dav/principals/carol/"),
    ];
    for (method, headers, body) in attempts() {
        let hs: Vec<(&str, &str)> = headers.iter().map(|(a, b)| (*a, b.as_str())).collect();
        for (existing, missing) in pairs {
            let a = h.send(method, existing, BOB, &hs, body.clone()).await;
            let b = h.send(method, missing, BOB, &hs, body.clone()).await;
            assert_eq!(
                a.status,
                StatusCode::NOT_FOUND,
                "{method} {existing} {hs:?}: {}",
                a.text()
            );
            assert_eq!(
                (a.status, &a.headers, &a.body),
                (b.status, &b.headers, &b.body),
                "{method} {existing} vs {missing} {hs:?} differ"
            );
        }
    }
    assert_eq!(alice_state(&h).await, before, "alice's tree changed");
    // Bob's own calendar did not receive anything either.
    assert!(h.members(BOB, BOB_CAL).await.is_empty());
    assert_eq!(
        h.members(BOB, common::BOB_HOME).await,
        vec![BOB_CAL.to_owned()]
    );
}

#[tokio::test]
async fn copy_and_move_into_alices_tree_are_refused() {
    let h = Harness::new().await;
    alice_tree(&h).await;
    let r = h
        .put_ics(
            BOB,
            "/dav/calendars/bob/default/b.ics",
            &event("b-uid", "Bob's"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    h.mkcalendar(BOB, "/dav/calendars/bob/cal2/").await;
    let before = alice_state(&h).await;
    let destinations = [
        (
            "/dav/calendars/alice/default/new.ics",
            "/dav/calendars/alice/nope/new.ics",
        ),
        (
            "/dav/calendars/alice/default/e.ics",
            "/dav/calendars/alice/default/nope.ics",
        ),
        ("/dav/calendars/alice/work/", "/dav/calendars/alice/nope/"),
        (
            "/dav/calendars/alice/newcal/",
            "/dav/calendars/carol/newcal/",
        ),
        (
            "http://localhost/dav/calendars/alice/default/new.ics",
            "http://localhost/dav/calendars/alice/nope/new.ics",
        ),
    ];
    for method in ["COPY", "MOVE"] {
        for source in [
            "/dav/calendars/bob/default/b.ics",
            "/dav/calendars/bob/cal2/",
        ] {
            for (existing, missing) in destinations {
                for overwrite in ["T", "F"] {
                    let headers = |dest: &'static str| {
                        [
                            ("destination", dest),
                            ("overwrite", overwrite),
                            ("host", "localhost"),
                        ]
                    };
                    let a = h
                        .send(method, source, BOB, &headers(existing), Bytes::new())
                        .await;
                    let b = h
                        .send(method, source, BOB, &headers(missing), Bytes::new())
                        .await;
                    assert_eq!(
                        a.status,
                        StatusCode::NOT_FOUND,
                        "{method} {source} -> {existing}: {}",
                        a.text()
                    );
                    assert_eq!(
                        (a.status, &a.headers, &a.body),
                        (b.status, &b.headers, &b.body),
                        "{method} {source} -> {existing} vs {missing}"
                    );
                }
            }
        }
    }
    assert_eq!(alice_state(&h).await, before);
    // Bob's sources are untouched.
    assert_eq!(
        h.get(BOB, "/dav/calendars/bob/default/b.ics").await.status,
        StatusCode::OK
    );
    let r = h
        .props(
            BOB,
            "/dav/calendars/bob/cal2/",
            "0",
            &[(ns::DAV, "resourcetype")],
        )
        .await;
    assert_eq!(r.hrefs(), vec!["/dav/calendars/bob/cal2/"]);
}

#[tokio::test]
async fn multiget_hrefs_into_alices_calendar_are_not_found() {
    let h = Harness::new().await;
    alice_tree(&h).await;
    let r = h
        .put_ics(
            BOB,
            "/dav/calendars/bob/default/b.ics",
            &event("b-uid", "Bob's"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let hrefs = [
        "/dav/calendars/bob/default/b.ics",
        "/dav/calendars/alice/default/e.ics",
        "/dav/calendars/alice/default/nope.ics",
        "http://localhost/dav/calendars/alice/default/e.ics",
    ];
    let r = h
        .report(BOB, BOB_CAL, "1", &common::multiget_body(&hrefs))
        .await;
    let ms = r.multistatus();
    assert_eq!(ms.hrefs(), hrefs);
    ms.response(hrefs[0]).prop_ok(ns::CALDAV, "calendar-data");
    for href in &hrefs[1..] {
        let resp = ms.response(href);
        assert_eq!(resp.status, Some(404), "{href}");
        assert!(resp.propstats.is_empty());
    }
    assert!(!r.text().contains("Secret"));
}

#[tokio::test]
async fn listings_show_only_the_requester() {
    let h = Harness::new().await;
    alice_tree(&h).await;
    let ms = h
        .props(BOB, "/dav/calendars/", "1", &[(ns::DAV, "resourcetype")])
        .await;
    assert_eq!(ms.hrefs(), vec!["/dav/calendars/", common::BOB_HOME]);
    let ms = h
        .props(BOB, "/dav/principals/", "1", &[(ns::DAV, "resourcetype")])
        .await;
    assert_eq!(ms.hrefs(), vec!["/dav/principals/", "/dav/principals/bob/"]);
    // A principal search for alice finds nothing.
    let search = r#"<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop><D:match>alice</D:match></D:property-search><D:prop><D:displayname/></D:prop></D:principal-property-search>"#;
    let r = h.report(BOB, "/dav/principals/", "0", search).await;
    assert!(r.multistatus().responses.is_empty(), "{}", r.text());
    assert!(!r.text().contains("alice"));
}

#[tokio::test]
async fn a_removed_and_re_added_user_starts_afresh() {
    let h = Harness::new().await;
    alice_tree(&h).await;
    h.core
        .remove_user(Admin::local_operator(), "alice")
        .await
        .unwrap();
    h.core
        .add_user(Admin::local_operator(), "alice", "alice-password")
        .await
        .unwrap();
    assert_eq!(
        h.members(ALICE, ALICE_HOME).await,
        vec![ALICE_CAL.to_owned()]
    );
    assert!(h.members(ALICE, ALICE_CAL).await.is_empty());
    // The old UID is free in the new calendar.
    let r = h
        .put_ics(
            ALICE,
            "/dav/calendars/alice/default/e.ics",
            &event("e-uid", "New"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[tokio::test]
async fn failures_from_one_address_block_that_address() {
    let h = Harness::with_settings(|s| s.auth_max_failures = 3).await;
    let attacker: std::net::SocketAddr = "192.0.2.7:40000".parse().unwrap();
    let other: std::net::SocketAddr = "198.51.100.9:40000".parse().unwrap();
    // Guessing different names from one address.
    for name in ["root", "admin", "carol"] {
        let (status, _, _) = h
            .request_from(
                Some(attacker),
                "PROPFIND",
                "/",
                Some((name, "guess-guess")),
                &[("depth", "0")],
                Bytes::new(),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, headers, _) = h
        .request_from(
            Some(attacker),
            "PROPFIND",
            "/",
            BOB,
            &[("depth", "0")],
            Bytes::new(),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(headers.contains_key("retry-after"));
    // Bob from elsewhere is fine.
    let (status, _, _) = h
        .request_from(
            Some(other),
            "PROPFIND",
            "/",
            BOB,
            &[("depth", "0")],
            Bytes::new(),
        )
        .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
}
