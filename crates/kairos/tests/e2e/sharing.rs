//! Sharing a calendar with another user: over the API and over CalDAV, with every refusal.

use crate::common;

use common::api::{ALICE_PW, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::json;

const CAROL: Option<(&str, &str)> = Some(("carol", "carol-password"));

async fn setup() -> (Harness, String) {
    let h = Harness::new().await;
    h.core
        .add_user(
            kairos_core::users::Admin::local_operator(),
            "carol",
            "carol-password",
        )
        .await
        .unwrap();
    let work = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"name": "work", "display_name": "Work"})),
            &[],
        )
        .await
        .json();
    h.put_ics(
        ALICE,
        "/dav/calendars/alice/work/a.ics",
        &event("a", "Planning"),
    )
    .await;
    (h, work["id"].as_str().unwrap().to_owned())
}

async fn share(h: &Harness, id: &str, user: &str, access: &str) -> StatusCode {
    h.api(
        "PUT",
        &format!("/api/v1/calendars/{id}/shares/{user}"),
        ALICE_PW,
        Some(json!({"access": access})),
        &[],
    )
    .await
    .status
}

#[tokio::test]
async fn a_read_share_shows_in_the_api_and_over_caldav_and_refuses_writes() {
    let (h, id) = setup().await;
    // Before sharing, bob sees nothing of it.
    assert_eq!(
        h.get(BOB, "/dav/calendars/alice/work/a.ics").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(share(&h, &id, "bob", "read").await, StatusCode::NO_CONTENT);

    let list = h
        .api("GET", "/api/v1/calendars", BOB_PW, None, &[])
        .await
        .json();
    let shared = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(shared["owner"], "alice");
    assert_eq!(shared["access"], "read");

    // CalDAV: bob's home set names alice's home, which lists only the shared calendar.
    let principal = h
        .propfind(
            BOB,
            "/dav/principals/bob/",
            "0",
            &propfind_body(&[(ns::CALDAV, "calendar-home-set")]),
        )
        .await;
    assert!(
        principal.text().contains("/dav/calendars/alice/"),
        "{}",
        principal.text()
    );
    let listed = h.members(BOB, "/dav/calendars/alice/").await;
    assert_eq!(
        listed,
        vec!["/dav/calendars/alice/work/".to_owned()],
        "default stays hidden"
    );
    let got = h.get(BOB, "/dav/calendars/alice/work/a.ics").await;
    assert_eq!(got.status, StatusCode::OK);
    let privs = h
        .propfind(
            BOB,
            "/dav/calendars/alice/work/",
            "0",
            &propfind_body(&[(ns::DAV, "current-user-privilege-set")]),
        )
        .await;
    assert!(
        privs.text().contains("read") && !privs.text().contains("write"),
        "{}",
        privs.text()
    );

    // Refusals: writes, the calendar's properties, deleting it, alice's default calendar.
    assert_eq!(
        h.put_ics(BOB, "/dav/calendars/alice/work/b.ics", &event("b", "B"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.send("DELETE", "/dav/calendars/alice/work/a.ics", BOB, &[], "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.send("DELETE", "/dav/calendars/alice/work/", BOB, &[], "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        h.get(BOB, "/dav/calendars/alice/default/").await.status,
        StatusCode::NOT_FOUND
    );
    h.api(
        "PATCH",
        &format!("/api/v1/calendars/{id}"),
        BOB_PW,
        Some(json!({"description": "Mine"})),
        &[],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    // Carol, who got nothing, sees nothing.
    assert_eq!(
        h.get(CAROL, "/dav/calendars/alice/work/a.ics").await.status,
        StatusCode::NOT_FOUND
    );
    h.api(
        "GET",
        &format!("/api/v1/calendars/{id}"),
        common::api::As::Basic("carol", "carol-password"),
        None,
        &[],
    )
    .await
    .problem(StatusCode::NOT_FOUND);
    // Only the owner manages shares.
    h.api(
        "PUT",
        &format!("/api/v1/calendars/{id}/shares/carol"),
        BOB_PW,
        Some(json!({"access": "read"})),
        &[],
    )
    .await
    .problem(StatusCode::FORBIDDEN);

    // Revoked: gone everywhere.
    let r = h
        .api(
            "DELETE",
            &format!("/api/v1/calendars/{id}/shares/bob"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        h.get(BOB, "/dav/calendars/alice/work/a.ics").await.status,
        StatusCode::NOT_FOUND
    );
    h.api("GET", &format!("/api/v1/calendars/{id}"), BOB_PW, None, &[])
        .await
        .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_read_write_share_changes_events_and_the_change_log_records_them() {
    let (h, id) = setup().await;
    share(&h, &id, "bob", "read-write").await;
    let token = h.sync_token(ALICE, "/dav/calendars/alice/work/").await;
    let put = h
        .put_ics(
            BOB,
            "/dav/calendars/alice/work/b.ics",
            &event("b", "From Bob"),
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    assert_eq!(
        h.send("DELETE", "/dav/calendars/alice/work/a.ics", BOB, &[], "")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    // Still not the calendar itself.
    assert_eq!(
        h.send("DELETE", "/dav/calendars/alice/work/", BOB, &[], "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let proppatch = h
        .send(
            "PROPPATCH",
            "/dav/calendars/alice/work/",
            BOB,
            &[("content-type", "application/xml")],
            r#"<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:calendar-description>x</C:calendar-description></D:prop></D:set></D:propertyupdate>"#,
        )
        .await;
    // The description is the owner's (a sharee's own name and color are personal: see
    // calendar_prefs.rs).
    assert_eq!(proppatch.status, StatusCode::MULTI_STATUS);
    assert_eq!(
        proppatch
            .multistatus()
            .only()
            .prop(ns::CALDAV, "calendar-description")
            .unwrap()
            .0,
        403
    );
    // Alice's client sees both changes through sync.
    let changes = h
        .sync_collection(ALICE, "/dav/calendars/alice/work/", &token, None)
        .await;
    assert!(
        changes.text().contains("b.ics") && changes.text().contains("a.ics"),
        "{}",
        changes.text()
    );

    let history = h
        .api(
            "GET",
            &format!("/api/v1/calendars/{id}/share-history"),
            ALICE_PW,
            None,
            &[],
        )
        .await
        .json();
    assert_eq!(history["items"][0]["action"], "shared");
    assert_eq!(history["items"][0]["user"], "bob");
    assert_eq!(history["items"][0]["access"], "read-write");
    h.api(
        "GET",
        &format!("/api/v1/calendars/{id}/share-history"),
        BOB_PW,
        None,
        &[],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn free_busy_shares_give_busy_time_only() {
    let (h, id) = setup().await;
    let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nUID:fb\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nSUMMARY:Private\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    h.put_ics(ALICE, "/dav/calendars/alice/work/fb.ics", ics)
        .await;
    let ask =
        json!({"start": "2026-12-01T00:00:00Z", "end": "2026-12-02T00:00:00Z", "users": ["alice"]});
    h.api("POST", "/api/v1/freebusy", BOB_PW, Some(ask.clone()), &[])
        .await
        .problem(StatusCode::NOT_FOUND);

    share(&h, &id, "bob", "free-busy").await;
    let r = h
        .api("POST", "/api/v1/freebusy", BOB_PW, Some(ask), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.json()["users"][0]["busy"],
        json!([{"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z", "type": "BUSY"}])
    );
    assert!(!r.text().contains("Private"));
    // The calendar itself stays out of reach.
    assert_eq!(
        h.get(BOB, "/dav/calendars/alice/work/fb.ics").await.status,
        StatusCode::NOT_FOUND
    );
    h.api("GET", &format!("/api/v1/calendars/{id}"), BOB_PW, None, &[])
        .await
        .problem(StatusCode::NOT_FOUND);

    // Sharing refusals.
    for (user, status) in [
        ("alice", StatusCode::UNPROCESSABLE_ENTITY),
        ("nobody", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = h
            .api(
                "PUT",
                &format!("/api/v1/calendars/{id}/shares/{user}"),
                ALICE_PW,
                Some(json!({"access": "read"})),
                &[],
            )
            .await;
        r.problem(status);
    }
    let r = h
        .api(
            "PUT",
            &format!("/api/v1/calendars/{id}/shares/bob"),
            ALICE_PW,
            Some(json!({"access": "admin"})),
            &[],
        )
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    h.api(
        "DELETE",
        &format!("/api/v1/calendars/{id}/shares/carol"),
        ALICE_PW,
        None,
        &[],
    )
    .await
    .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_sharee_is_told_the_same_privileges_in_the_owners_home_listing_as_on_the_calendar() {
    let (h, id) = setup().await;
    let work = "/dav/calendars/alice/work/";
    for (access, writes) in [("read-write", true), ("read", false)] {
        assert_eq!(share(&h, &id, "bob", access).await, StatusCode::NO_CONTENT);
        let direct = h.privileges(BOB, work, "0", work).await;
        // Clients (Apple Calendar, DAVx5) learn what they may do from the home's Depth-1
        // listing; it used to carry the home's read-only set for every calendar.
        let listed = h.privileges(BOB, "/dav/calendars/alice/", "1", work).await;
        assert_eq!(listed, direct, "{access}");
        assert_eq!(
            direct.contains(&"write-content".to_owned()),
            writes,
            "{access}: {direct:?}"
        );
        assert_eq!(
            direct.contains(&"bind".to_owned()),
            writes,
            "{access}: {direct:?}"
        );
        // The home itself stays read-only for the sharee either way.
        let home = h
            .privileges(BOB, "/dav/calendars/alice/", "0", "/dav/calendars/alice/")
            .await;
        assert!(!home.contains(&"bind".to_owned()), "{home:?}");
    }
}
