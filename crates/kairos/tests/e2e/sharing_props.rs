//! Read-only sharing properties over CalDAV: Apple's caldav-sharing (`CS:shared`,
//! `CS:shared-owner`, `CS:invite`) and draft-pot-webdav-resource-sharing
//! (`DAV:share-access`, `DAV:invite`), for shares made through the REST API.

use crate::common;

use common::api::ALICE_PW;
use common::xml::MsResponse;
use common::*;
use http::StatusCode;
use serde_json::json;

const CAROL: Option<(&str, &str)> = Some(("carol", "carol-password"));
const DAVE: Option<(&str, &str)> = Some(("dave", "dave-password"));

const WORK: &str = "/dav/calendars/alice/work/";

/// Every sharing property, plus the resource type.
const SHARING: &[(&str, &str)] = &[
    (ns::DAV, "resourcetype"),
    (ns::CS, "invite"),
    (ns::DAV, "share-access"),
    (ns::DAV, "invite"),
];

/// Alice with a "work" calendar holding one event, carol and dave as further users.
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

async fn share(h: &Harness, id: &str, user: &str, access: &str) {
    h.alice_shares(id, user, access).await;
}

async fn unshare(h: &Harness, id: &str, user: &str) {
    let r = h
        .api(
            "DELETE",
            &format!("/api/v1/calendars/{id}/shares/{user}"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
}

/// The sharing properties of one resource, Depth 0.
async fn sharing(h: &Harness, user: Option<(&str, &str)>, path: &str) -> MsResponse {
    h.props(user, path, "0", SHARING).await.only().clone()
}

fn principal(user: &str) -> String {
    format!("/dav/principals/{user}/")
}

/// `{ns}local` names of the resource type.
fn types(r: &MsResponse) -> Vec<(String, String)> {
    r.prop_ok(ns::DAV, "resourcetype").child_names()
}

fn has_type(r: &MsResponse, ns_: &str, local: &str) -> bool {
    types(r).contains(&(ns_.to_owned(), local.to_owned()))
}

/// The single element inside a property value (`DAV:share-access`, `CS:access`, …).
fn only_child(n: &Node) -> (String, String) {
    let names = n.child_names();
    assert_eq!(names.len(), 1, "{n:?}");
    names[0].clone()
}

/// `(href, common-name, access)` of every `CS:user` in a `CS:invite`, after checking the
/// organizer is alice.
fn cs_invite(r: &MsResponse) -> Vec<(String, String, String)> {
    let invite = r.prop_ok(ns::CS, "invite");
    let organizer = invite.child(ns::CS, "organizer").expect("CS:organizer");
    assert_eq!(organizer.hrefs(), vec![principal("alice")]);
    assert_eq!(
        organizer.child(ns::CS, "common-name").unwrap().text,
        "alice"
    );
    invite
        .children_named(ns::CS, "user")
        .map(|u| {
            assert!(u.child(ns::CS, "invite-accepted").is_some(), "{u:?}");
            let (access_ns, access) = only_child(u.child(ns::CS, "access").unwrap());
            assert_eq!(access_ns, ns::CS);
            (
                u.hrefs().remove(0),
                u.child(ns::CS, "common-name").unwrap().text.clone(),
                access,
            )
        })
        .collect()
}

/// `(href, share-access)` of every `DAV:sharee` in a `DAV:invite`.
fn dav_invite(r: &MsResponse) -> Vec<(String, String)> {
    r.prop_ok(ns::DAV, "invite")
        .children_named(ns::DAV, "sharee")
        .map(|s| {
            assert!(s.child(ns::DAV, "invite-accepted").is_some(), "{s:?}");
            let (access_ns, access) = only_child(s.child(ns::DAV, "share-access").unwrap());
            assert_eq!(access_ns, ns::DAV);
            (s.hrefs().remove(0), access)
        })
        .collect()
}

fn share_access(r: &MsResponse) -> String {
    let (access_ns, access) = only_child(r.prop_ok(ns::DAV, "share-access"));
    assert_eq!(access_ns, ns::DAV);
    access
}

/// A calendar nobody else has: plain resource type, `not-shared`, no invites (404).
fn assert_plain(r: &MsResponse) {
    assert_eq!(
        types(r),
        vec![
            (ns::DAV.to_owned(), "collection".to_owned()),
            (ns::CALDAV.to_owned(), "calendar".to_owned()),
        ],
        "{}",
        r.href
    );
    assert_eq!(share_access(r), "not-shared", "{}", r.href);
    assert_eq!(r.prop_status(ns::CS, "invite"), Some(404), "{}", r.href);
    assert_eq!(r.prop_status(ns::DAV, "invite"), Some(404), "{}", r.href);
}

#[tokio::test]
async fn the_owners_calendar_turns_shared_owner_once_shared() {
    let (h, id) = setup().await;
    assert_plain(&sharing(&h, ALICE, WORK).await);

    share(&h, &id, "bob", "read-write").await;
    let r = sharing(&h, ALICE, WORK).await;
    assert!(has_type(&r, ns::CS, "shared-owner"), "{:?}", types(&r));
    assert!(!has_type(&r, ns::CS, "shared"), "{:?}", types(&r));
    assert!(has_type(&r, ns::CALDAV, "calendar"), "{:?}", types(&r));
    assert_eq!(
        cs_invite(&r),
        vec![(principal("bob"), "bob".to_owned(), "read-write".to_owned())]
    );
    assert_eq!(share_access(&r), "shared-owner");
    assert_eq!(
        dav_invite(&r),
        vec![
            (principal("alice"), "shared-owner".to_owned()),
            (principal("bob"), "read-write".to_owned()),
        ]
    );

    // The home listing: work is shared, default is not, the home has no sharing at all.
    let ms = h.props(ALICE, ALICE_HOME, "1", SHARING).await;
    let work = ms.response(WORK);
    assert!(has_type(work, ns::CS, "shared-owner"));
    assert_eq!(share_access(work), "shared-owner");
    assert_plain(ms.response(ALICE_CAL));
    let home = ms.response(ALICE_HOME);
    assert_eq!(home.prop_status(ns::DAV, "share-access"), Some(404));
    assert_eq!(home.prop_status(ns::CS, "invite"), Some(404));
    assert!(!has_type(home, ns::CS, "shared-owner"));
}

#[tokio::test]
async fn a_sharee_sees_the_calendar_as_shared_with_the_organizer_and_only_themself() {
    let (h, id) = setup().await;
    share(&h, &id, "bob", "read").await;
    share(&h, &id, "carol", "read-write").await;

    let bob = sharing(&h, BOB, WORK).await;
    assert!(has_type(&bob, ns::CS, "shared"), "{:?}", types(&bob));
    assert!(!has_type(&bob, ns::CS, "shared-owner"), "{:?}", types(&bob));
    assert_eq!(
        cs_invite(&bob),
        vec![(principal("bob"), "bob".to_owned(), "read".to_owned())]
    );
    assert_eq!(share_access(&bob), "read");
    assert_eq!(
        dav_invite(&bob),
        vec![
            (principal("alice"), "shared-owner".to_owned()),
            (principal("bob"), "read".to_owned()),
        ]
    );

    let carol = sharing(&h, CAROL, WORK).await;
    assert!(has_type(&carol, ns::CS, "shared"));
    assert_eq!(
        cs_invite(&carol),
        vec![(
            principal("carol"),
            "carol".to_owned(),
            "read-write".to_owned()
        )]
    );
    assert_eq!(share_access(&carol), "read-write");

    // Neither learns of the other, in any property.
    let body = propfind_body(SHARING);
    let as_bob = h.propfind(BOB, WORK, "0", &body).await;
    assert!(!as_bob.text().contains("carol"), "{}", as_bob.text());
    let as_carol = h.propfind(CAROL, WORK, "0", &body).await;
    assert!(!as_carol.text().contains("bob"), "{}", as_carol.text());

    // The owner sees both.
    let alice = sharing(&h, ALICE, WORK).await;
    let mut users = cs_invite(&alice);
    users.sort();
    assert_eq!(
        users,
        vec![
            (principal("bob"), "bob".to_owned(), "read".to_owned()),
            (
                principal("carol"),
                "carol".to_owned(),
                "read-write".to_owned()
            ),
        ]
    );

    // Through alice's home, as clients discover it.
    let ms = h.props(BOB, ALICE_HOME, "1", SHARING).await;
    assert_eq!(
        ms.hrefs(),
        vec![ALICE_HOME.to_owned(), WORK.to_owned()],
        "only the shared calendar is listed"
    );
    let work = ms.response(WORK);
    assert!(has_type(work, ns::CS, "shared"));
    assert_eq!(share_access(work), "read");
    assert!(!has_type(ms.response(ALICE_HOME), ns::CS, "shared"));
}

#[tokio::test]
async fn a_user_without_a_share_still_gets_404() {
    let (h, id) = setup().await;
    share(&h, &id, "bob", "read").await;
    let body = propfind_body(SHARING);
    for path in [WORK, ALICE_CAL] {
        let r = h.propfind(DAVE, path, "0", &body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
    }
    // And a sharee still cannot see alice's calendars that were not shared with them.
    let r = h.propfind(BOB, ALICE_CAL, "0", &body).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
}

#[tokio::test]
async fn free_busy_only_shares_are_not_listed() {
    let (h, id) = setup().await;
    share(&h, &id, "bob", "free-busy").await;
    // Bob has no access to the calendar itself, so over DAV it is not shared.
    assert_plain(&sharing(&h, ALICE, WORK).await);
    let r = h.propfind(BOB, WORK, "0", &propfind_body(SHARING)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    share(&h, &id, "carol", "read").await;
    let r = sharing(&h, ALICE, WORK).await;
    assert_eq!(
        cs_invite(&r),
        vec![(principal("carol"), "carol".to_owned(), "read".to_owned())]
    );
    assert_eq!(dav_invite(&r).len(), 2, "alice and carol");
}

#[tokio::test]
async fn unsharing_brings_the_plain_calendar_back() {
    let (h, id) = setup().await;
    share(&h, &id, "bob", "read-write").await;
    assert_eq!(
        share_access(&sharing(&h, ALICE, WORK).await),
        "shared-owner"
    );
    unshare(&h, &id, "bob").await;
    assert_plain(&sharing(&h, ALICE, WORK).await);
    let r = h.propfind(BOB, WORK, "0", &propfind_body(SHARING)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// The invite properties are the calendar's: when they change, so does its ctag (as
/// after a PROPPATCH), or the owner's other clients keep showing the old sharee list.
#[tokio::test]
async fn sharing_and_unsharing_move_the_calendars_ctag() {
    let (h, id) = setup().await;
    let before = h.ctag(ALICE, WORK).await;
    share(&h, &id, "bob", "read").await;
    let shared = h.ctag(ALICE, WORK).await;
    assert_ne!(shared, before, "sharing");
    share(&h, &id, "bob", "read-write").await;
    let changed = h.ctag(ALICE, WORK).await;
    assert_ne!(changed, shared, "a change of access");
    unshare(&h, &id, "bob").await;
    assert_ne!(h.ctag(ALICE, WORK).await, changed, "unsharing");
}

#[tokio::test]
async fn sharing_properties_come_by_name_and_propname_never_allprop() {
    let (h, id) = setup().await;
    share(&h, &id, "bob", "read").await;
    let sharing_names = [
        (ns::CS.to_owned(), "invite".to_owned()),
        (ns::DAV.to_owned(), "share-access".to_owned()),
        (ns::DAV.to_owned(), "invite".to_owned()),
    ];

    let allprop = r#"<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#;
    for user in [ALICE, BOB] {
        let ms = h
            .propfind(user, ALICE_HOME, "1", allprop)
            .await
            .multistatus();
        for r in &ms.responses {
            let names = r.ok_names();
            assert!(
                sharing_names.iter().all(|n| !names.contains(n)),
                "allprop gave sharing properties for {}: {names:?}",
                r.href
            );
        }
    }

    let propname = r#"<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>"#;
    let ms = h
        .propfind(ALICE, ALICE_HOME, "1", propname)
        .await
        .multistatus();
    let shared = ms.response(WORK).ok_names();
    assert!(
        sharing_names.iter().all(|n| shared.contains(n)),
        "{shared:?}"
    );
    // An unshared calendar has a share-access (not-shared) but no invites.
    let plain = ms.response(ALICE_CAL).ok_names();
    assert!(plain.contains(&sharing_names[1]), "{plain:?}");
    assert!(!plain.contains(&sharing_names[0]) && !plain.contains(&sharing_names[2]));
    let home = ms.response(ALICE_HOME).ok_names();
    assert!(sharing_names.iter().all(|n| !home.contains(n)), "{home:?}");
    let ms = h.propfind(BOB, WORK, "0", propname).await.multistatus();
    let names = ms.only().ok_names();
    assert!(sharing_names.iter().all(|n| names.contains(n)), "{names:?}");

    // allprop with include brings them in.
    let include = r#"<D:propfind xmlns:D="DAV:" xmlns:S="http://calendarserver.org/ns/"><D:allprop/><D:include><S:invite/><D:share-access/></D:include></D:propfind>"#;
    let ms = h.propfind(ALICE, WORK, "0", include).await.multistatus();
    assert_eq!(share_access(ms.only()), "shared-owner");
    assert_eq!(cs_invite(ms.only()).len(), 1);
}

#[tokio::test]
async fn sharing_properties_are_protected() {
    let (h, id) = setup().await;
    share(&h, &id, "bob", "read").await;
    for prop in [
        "<S:invite/>",
        "<D:share-access><D:not-shared/></D:share-access>",
        "<D:invite/>",
    ] {
        let body = format!(
            r#"<D:propertyupdate xmlns:D="DAV:" xmlns:S="http://calendarserver.org/ns/"><D:set><D:prop>{prop}</D:prop></D:set></D:propertyupdate>"#
        );
        let r = h
            .send(
                "PROPPATCH",
                WORK,
                ALICE,
                &[("content-type", "application/xml")],
                body,
            )
            .await;
        let ms = r.multistatus();
        assert!(
            ms.only().propstats.iter().all(|ps| ps.status == 403),
            "{prop}: {}",
            r.text()
        );
    }
    assert_eq!(
        share_access(&sharing(&h, ALICE, WORK).await),
        "shared-owner"
    );
}

#[tokio::test]
async fn only_the_owner_is_told_the_calendar_can_be_shared() {
    let (h, id) = setup().await;
    share(&h, &id, "bob", "read-write").await;
    let modes = |user| {
        let h = &h;
        async move {
            h.props(user, WORK, "0", &[(ns::CS, "allowed-sharing-modes")])
                .await
                .only()
                .prop_ok(ns::CS, "allowed-sharing-modes")
                .children
                .iter()
                .map(|c| (c.ns.clone(), c.local.clone()))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        modes(ALICE).await,
        vec![(ns::CS.to_owned(), "can-be-shared".to_owned())]
    );
    assert!(modes(BOB).await.is_empty());
}
