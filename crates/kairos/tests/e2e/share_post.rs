//! Share requests over CalDAV: `POST` of Apple's `CS:share` and draft-pot's
//! `DAV:share-resource` on a calendar, by principal URL and by `mailto:`, all or nothing,
//! recorded in the sharing history like shares made over the REST API.

use crate::common;

use bytes::Bytes;
use common::api::ALICE_PW;
use common::*;
use http::StatusCode;
use serde_json::{Value, json};

const CAROL: Option<(&str, &str)> = Some(("carol", "carol-password"));
/// A user whose login name is an e-mail address (as single sign-on makes them).
const DAVE: Option<(&str, &str)> = Some(("dave@example.com", "dave-password"));

const WORK: &str = "/dav/calendars/alice/work/";
const HOST: &str = "cal.example.test";

/// Alice with a "work" calendar holding one event; carol and dave@example.com as further
/// users. Returns the calendar's API id.
async fn setup() -> (Harness, String) {
    let h = Harness::new().await;
    for (name, password) in [CAROL, DAVE].into_iter().flatten() {
        h.core
            .add_user(kairos_core::users::Admin::local_operator(), name, password)
            .await
            .unwrap();
    }
    let id = h
        .alice_calendar(json!({"name": "work", "display_name": "Work"}))
        .await;
    let put = h
        .put_ics(ALICE, &format!("{WORK}a.ics"), &event("a", "Planning"))
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    (h, id)
}

/// POST of an XML body with a content type, addressed to [`HOST`].
async fn post_as(
    h: &Harness,
    user: Option<(&str, &str)>,
    path: &str,
    content_type: &str,
    body: &str,
) -> Resp {
    h.send(
        "POST",
        path,
        user,
        &[("content-type", content_type), ("host", HOST)],
        body.to_owned(),
    )
    .await
}

/// A `CS:share` body from `(set-or-remove, href, access)` entries.
fn cs_share(entries: &[(&str, &str, &str)]) -> String {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <CS:share xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\">",
    );
    for (op, href, access) in entries {
        match *op {
            "set" => body.push_str(&format!(
                "<CS:set><D:href>{href}</D:href><CS:common-name>Someone</CS:common-name>\
                 <CS:summary>Work</CS:summary><CS:{access}/></CS:set>"
            )),
            "remove" => body.push_str(&format!("<CS:remove><D:href>{href}</D:href></CS:remove>")),
            _ => unreachable!(),
        }
    }
    body.push_str("</CS:share>");
    body
}

/// A `DAV:share-resource` body from `(href, access)` entries.
fn share_resource(entries: &[(&str, &str)]) -> String {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:share-resource xmlns:D=\"DAV:\">",
    );
    for (href, access) in entries {
        body.push_str(&format!(
            "<D:sharee><D:href>{href}</D:href><D:prop><D:displayname>X</D:displayname>\
             </D:prop><D:comment>hi</D:comment><D:share-access><D:{access}/></D:share-access>\
             </D:sharee>"
        ));
    }
    body.push_str("</D:share-resource>");
    body
}

async fn cs_post(h: &Harness, user: Option<(&str, &str)>, entries: &[(&str, &str, &str)]) -> Resp {
    post_as(
        h,
        user,
        WORK,
        "application/xml; charset=utf-8",
        &cs_share(entries),
    )
    .await
}

fn assert_ok(r: &Resp) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.body.is_empty(), "{}", r.text());
}

/// `(user, access)` of every share of the calendar, from the REST API.
async fn shares(h: &Harness, id: &str) -> Vec<(String, String)> {
    let list = h
        .api(
            "GET",
            &format!("/api/v1/calendars/{id}/shares"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["user"].as_str().unwrap().to_owned(),
                s["access"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// The sharing history as `(actor, action, user, access)`.
async fn history(h: &Harness, id: &str) -> Vec<(String, String, String, Value)> {
    let r = h
        .api(
            "GET",
            &format!("/api/v1/calendars/{id}/share-history"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
                e["user"].as_str().unwrap_or_default().to_owned(),
                e["access"].clone(),
            )
        })
        .collect()
}

/// The privileges `user` holds on WORK (local names), or the PROPFIND status when it
/// is not 207.
async fn privileges(h: &Harness, user: Option<(&str, &str)>) -> Result<Vec<String>, StatusCode> {
    let r = h
        .propfind(
            user,
            WORK,
            "0",
            &propfind_body(&[(ns::DAV, "current-user-privilege-set")]),
        )
        .await;
    if r.status != StatusCode::MULTI_STATUS {
        return Err(r.status);
    }
    let ms = r.multistatus();
    let set = ms.only().prop_ok(ns::DAV, "current-user-privilege-set");
    Ok(set
        .children_named(ns::DAV, "privilege")
        .flat_map(|p| p.children.iter().map(|c| c.local.clone()))
        .collect())
}

/// Whether `user`'s calendar-home-set names alice's home.
async fn sees_alices_home(h: &Harness, user: Option<(&str, &str)>, name: &str) -> bool {
    let ms = h
        .props(
            user,
            &format!("/dav/principals/{}/", name.replace('@', "%40")),
            "0",
            &[(ns::CALDAV, "calendar-home-set")],
        )
        .await;
    ms.only()
        .prop_ok(ns::CALDAV, "calendar-home-set")
        .hrefs()
        .contains(&ALICE_HOME.to_owned())
}

async fn put_as(h: &Harness, user: Option<(&str, &str)>, name: &str) -> StatusCode {
    h.put_ics(
        user,
        &format!("{WORK}{name}.ics"),
        &event(name, "From a sharee"),
    )
    .await
    .status
}

#[tokio::test]
async fn cs_share_by_principal_url_and_mailto_then_change_and_remove() {
    let (h, id) = setup().await;
    assert!(!sees_alices_home(&h, BOB, "bob").await);
    assert_eq!(privileges(&h, BOB).await, Err(StatusCode::NOT_FOUND));

    let r = cs_post(
        &h,
        ALICE,
        &[
            ("set", "/dav/principals/bob/", "read"),
            ("set", "mailto:dave@example.com", "read-write"),
        ],
    )
    .await;
    assert_ok(&r);
    assert_eq!(
        shares(&h, &id).await,
        pairs(&[("bob", "read"), ("dave@example.com", "read-write")])
    );

    // Bob reads but does not write; dave writes.
    assert!(sees_alices_home(&h, BOB, "bob").await);
    let bob = privileges(&h, BOB).await.unwrap();
    assert!(bob.contains(&"read".to_owned()), "{bob:?}");
    assert!(!bob.contains(&"write-content".to_owned()), "{bob:?}");
    assert_eq!(
        h.get(BOB, &format!("{WORK}a.ics")).await.status,
        StatusCode::OK
    );
    assert_eq!(put_as(&h, BOB, "b1").await, StatusCode::FORBIDDEN);
    assert!(sees_alices_home(&h, DAVE, "dave@example.com").await);
    let dave = privileges(&h, DAVE).await.unwrap();
    assert!(dave.contains(&"write-content".to_owned()), "{dave:?}");
    assert_eq!(put_as(&h, DAVE, "d1").await, StatusCode::CREATED);

    // Changing bob's access, by absolute principal URL on the addressed host.
    let r = cs_post(
        &h,
        ALICE,
        &[(
            "set",
            &format!("http://{HOST}/dav/principals/bob/"),
            "read-write",
        )],
    )
    .await;
    assert_ok(&r);
    assert_eq!(
        shares(&h, &id).await,
        pairs(&[("bob", "read-write"), ("dave@example.com", "read-write")])
    );
    assert_eq!(put_as(&h, BOB, "b2").await, StatusCode::CREATED);

    // Taking both away: dave by his address in other case, bob by principal URL.
    let r = cs_post(
        &h,
        ALICE,
        &[
            ("remove", "MAILTO:Dave@Example.com", ""),
            ("remove", "/dav/principals/bob", ""),
        ],
    )
    .await;
    assert_ok(&r);
    assert!(shares(&h, &id).await.is_empty());
    assert!(!sees_alices_home(&h, BOB, "bob").await);
    assert_eq!(privileges(&h, BOB).await, Err(StatusCode::NOT_FOUND));
    assert_eq!(privileges(&h, DAVE).await, Err(StatusCode::NOT_FOUND));
    assert_eq!(
        h.get(BOB, &format!("{WORK}a.ics")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn dav_share_resource_sets_and_no_access_removes() {
    let (h, id) = setup().await;
    let r = post_as(
        &h,
        ALICE,
        WORK,
        "application/davsharing+xml; charset=utf-8",
        &share_resource(&[
            ("/dav/principals/bob/", "read-write"),
            ("mailto:dave@example.com", "read"),
        ]),
    )
    .await;
    assert_ok(&r);
    assert_eq!(
        shares(&h, &id).await,
        pairs(&[("bob", "read-write"), ("dave@example.com", "read")])
    );
    assert_eq!(put_as(&h, BOB, "b").await, StatusCode::CREATED);
    assert_eq!(put_as(&h, DAVE, "d").await, StatusCode::FORBIDDEN);

    // The owner's DAV view agrees.
    let ms = h.props(ALICE, WORK, "0", &[(ns::DAV, "invite")]).await;
    let invite = ms.only().prop_ok(ns::DAV, "invite").clone();
    let listed: Vec<(String, String)> = invite
        .children_named(ns::DAV, "sharee")
        .map(|s| {
            (
                s.hrefs().remove(0),
                s.child(ns::DAV, "share-access").unwrap().children[0]
                    .local
                    .clone(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        pairs(&[
            ("/dav/principals/alice/", "shared-owner"),
            ("/dav/principals/bob/", "read-write"),
            ("/dav/principals/dave@example.com/", "read"),
        ])
    );

    let before = history(&h, &id).await.len();
    let r = post_as(
        &h,
        ALICE,
        WORK,
        "application/xml",
        &share_resource(&[("/dav/principals/bob/", "no-access")]),
    )
    .await;
    assert_ok(&r);
    assert_eq!(
        shares(&h, &id).await,
        pairs(&[("dave@example.com", "read")])
    );
    assert_eq!(put_as(&h, BOB, "b2").await, StatusCode::NOT_FOUND);
    assert_eq!(history(&h, &id).await.len(), before + 1);

    // No access for someone who has none: nothing changes, nothing is recorded.
    let r = post_as(
        &h,
        ALICE,
        WORK,
        "application/xml",
        &share_resource(&[("/dav/principals/carol/", "no-access")]),
    )
    .await;
    assert_ok(&r);
    assert_eq!(
        shares(&h, &id).await,
        pairs(&[("dave@example.com", "read")])
    );
    assert_eq!(history(&h, &id).await.len(), before + 1);
}

#[tokio::test]
async fn only_the_owner_shares() {
    let (h, id) = setup().await;
    assert_ok(&cs_post(&h, ALICE, &[("set", "/dav/principals/bob/", "read-write")]).await);
    assert_ok(&cs_post(&h, ALICE, &[("set", "/dav/principals/carol/", "read")]).await);
    // A read-write sharee may change events, not who has the calendar.
    for (user, name) in [(BOB, "bob"), (CAROL, "carol")] {
        let r = cs_post(
            &h,
            user,
            &[("set", "mailto:dave@example.com", "read-write")],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {}", r.text());
        let r = cs_post(&h, user, &[("remove", "/dav/principals/bob/", "")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {}", r.text());
    }
    assert_eq!(
        shares(&h, &id).await,
        pairs(&[("bob", "read-write"), ("carol", "read")])
    );
    // Someone with no share does not even see the calendar.
    let r = cs_post(
        &h,
        DAVE,
        &[("set", "/dav/principals/dave@example.com/", "read")],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    // Nor may alice share bob's calendar.
    let r = post_as(
        &h,
        ALICE,
        BOB_CAL,
        "application/xml",
        &cs_share(&[("set", "/dav/principals/carol/", "read")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
}

#[tokio::test]
async fn one_bad_entry_refuses_the_whole_request() {
    let (h, id) = setup().await;
    assert_ok(&cs_post(&h, ALICE, &[("set", "/dav/principals/carol/", "read")]).await);
    let before = history(&h, &id).await;

    let unknown = [
        "/dav/principals/nobody/",
        "mailto:nobody@example.com",
        // bob exists, but "bob" is no e-mail address and bob has none.
        "mailto:bob",
        "mailto:bob@example.com",
        // A principal URL of another server.
        "https://elsewhere.example/dav/principals/bob/",
        "urn:uuid:01234567-89ab-cdef-0123-456789abcdef",
        "/dav/calendars/bob/",
    ];
    for href in unknown {
        let r = cs_post(
            &h,
            ALICE,
            &[
                ("set", "/dav/principals/bob/", "read-write"),
                ("remove", "/dav/principals/carol/", ""),
                ("set", href, "read"),
            ],
        )
        .await;
        let cond = r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "recognized-principal");
        assert_eq!(cond.hrefs(), vec![href.to_owned()], "{}", r.text());
        // The same in the other dialect.
        let r = post_as(
            &h,
            ALICE,
            WORK,
            "application/davsharing+xml",
            &share_resource(&[("/dav/principals/bob/", "read"), (href, "read-write")]),
        )
        .await;
        let cond = r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "recognized-principal");
        assert_eq!(cond.hrefs(), vec![href.to_owned()], "{}", r.text());
    }

    // Sharing with oneself, by either address form.
    for me in [
        "/dav/principals/alice/",
        "http://cal.example.test/dav/principals/alice/",
    ] {
        let r = cs_post(
            &h,
            ALICE,
            &[
                ("set", "/dav/principals/bob/", "read"),
                ("set", me, "read-write"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        assert!(r.text().contains("owner"), "{}", r.text());
    }

    // Nothing of any of it was applied or recorded.
    assert_eq!(shares(&h, &id).await, pairs(&[("carol", "read")]));
    assert_eq!(history(&h, &id).await, before);
    assert_eq!(privileges(&h, BOB).await, Err(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn bodies_that_are_no_share_request_are_refused() {
    let (h, id) = setup().await;
    let cases: &[(&str, &str, StatusCode, &str)] = &[
        // Not well-formed.
        (
            "application/xml",
            "<CS:share xmlns:CS=\"http://calendarserver.org/ns/\"><CS:set>",
            StatusCode::BAD_REQUEST,
            "malformed",
        ),
        // DTDs are refused before anything else.
        (
            "application/xml",
            "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"bob\">]>\
             <CS:share xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\">\
             <CS:set><D:href>/dav/principals/&e;/</D:href><CS:read/></CS:set></CS:share>",
            StatusCode::BAD_REQUEST,
            "DOCTYPE",
        ),
        // A set without an access, a sharee without share-access.
        (
            "application/xml",
            "<CS:share xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\">\
             <CS:set><D:href>/dav/principals/bob/</D:href></CS:set></CS:share>",
            StatusCode::BAD_REQUEST,
            "no access",
        ),
        (
            "application/xml",
            "<D:share-resource xmlns:D=\"DAV:\"><D:sharee><D:href>/dav/principals/bob/\
             </D:href></D:sharee></D:share-resource>",
            StatusCode::BAD_REQUEST,
            "share-access",
        ),
        // Changes nothing.
        (
            "application/xml",
            "<CS:share xmlns:CS=\"http://calendarserver.org/ns/\"/>",
            StatusCode::BAD_REQUEST,
            "changes nothing",
        ),
        // No body at all.
        ("application/xml", "", StatusCode::BAD_REQUEST, "body"),
        // Another XML document: not a POST this server takes.
        (
            "application/xml",
            "<D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "share request",
        ),
        (
            "application/xml",
            "<CS:invite-reply xmlns:CS=\"http://calendarserver.org/ns/\"/>",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "share request",
        ),
        // Another media type (RFC 5995 add-member POSTs iCalendar).
        (
            "text/calendar",
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "share request",
        ),
    ];
    for (content_type, body, status, says) in cases {
        let r = post_as(&h, ALICE, WORK, content_type, body).await;
        assert_eq!(r.status, *status, "{body}: {}", r.text());
        assert!(r.text().contains(says), "{body}: {}", r.text());
    }
    assert!(shares(&h, &id).await.is_empty());
    assert!(history(&h, &id).await.is_empty());
}

#[tokio::test]
async fn post_elsewhere_than_a_calendar() {
    let (h, _) = setup().await;
    h.send(
        "MKCOL",
        "/dav/calendars/alice/files/",
        ALICE,
        &[],
        Bytes::new(),
    )
    .await;
    let body = cs_share(&[("set", "/dav/principals/bob/", "read")]);
    let cases: &[(&str, StatusCode)] = &[
        (ALICE_HOME, StatusCode::METHOD_NOT_ALLOWED),
        (
            "/dav/calendars/alice/files/",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "/dav/calendars/alice/work/a.ics",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        ("/dav/", StatusCode::METHOD_NOT_ALLOWED),
        ("/dav/principals/alice/", StatusCode::METHOD_NOT_ALLOWED),
        ("/dav/calendars/alice/missing/", StatusCode::NOT_FOUND),
        ("/dav/calendars/bob/", StatusCode::NOT_FOUND),
    ];
    for (path, status) in cases {
        let r = post_as(&h, ALICE, path, "application/xml", &body).await;
        assert_eq!(r.status, *status, "{path}: {}", r.text());
        if *status == StatusCode::METHOD_NOT_ALLOWED {
            let allow = r
                .header("allow")
                .unwrap_or_else(|| panic!("Allow on {path}"));
            assert!(!allow.contains("POST"), "{path}: {allow}");
        }
    }
    // OPTIONS says where POST (and GET) may go.
    let allow = |r: &Resp| -> Vec<String> {
        r.header("allow")
            .unwrap()
            .split(',')
            .map(|m| m.trim().to_owned())
            .collect()
    };
    let r = h.send("OPTIONS", WORK, ALICE, &[], Bytes::new()).await;
    let on_calendar = allow(&r);
    for m in ["POST", "GET", "HEAD", "PROPFIND", "REPORT", "DELETE"] {
        assert!(on_calendar.iter().any(|a| a == m), "{m}: {on_calendar:?}");
    }
    assert!(!on_calendar.iter().any(|a| a == "PUT"), "{on_calendar:?}");
    let r = h
        .send("OPTIONS", ALICE_HOME, ALICE, &[], Bytes::new())
        .await;
    let on_home = allow(&r);
    assert!(
        !on_home.iter().any(|a| a == "POST" || a == "GET"),
        "{on_home:?}"
    );
    // PUT on a calendar URL says what the calendar does allow.
    let r = h.put_ics(ALICE, WORK, &event("x", "X")).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.header("allow").unwrap().contains("POST"));
}

#[tokio::test]
async fn the_history_records_dav_changes_with_their_actor() {
    let (h, id) = setup().await;
    assert_ok(
        &cs_post(
            &h,
            ALICE,
            &[
                ("set", "/dav/principals/bob/", "read"),
                ("set", "mailto:dave@example.com", "read-write"),
            ],
        )
        .await,
    );
    assert_ok(
        &post_as(
            &h,
            ALICE,
            WORK,
            "application/davsharing+xml",
            &share_resource(&[("/dav/principals/bob/", "read-write")]),
        )
        .await,
    );
    assert_ok(&cs_post(&h, ALICE, &[("remove", "/dav/principals/bob/", "")]).await);
    let alice = || "alice".to_owned();
    assert_eq!(
        history(&h, &id).await,
        vec![
            (alice(), "shared".into(), "bob".into(), json!("read")),
            (
                alice(),
                "shared".into(),
                "dave@example.com".into(),
                json!("read-write")
            ),
            (alice(), "shared".into(), "bob".into(), json!("read-write")),
            (alice(), "unshared".into(), "bob".into(), Value::Null),
        ]
    );
}
