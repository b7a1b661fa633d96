//! Each person's own view of a calendar: a sharee names, colors, orders and hides a shared
//! calendar for themselves (over the API and CalDAV) without touching the owner's; the
//! owner hides their own; time zones by name.

use crate::common;

use common::api::{ALICE_PW, As, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::{Value, json};

const WORK: &str = "/dav/calendars/alice/work/";

async fn setup(access: &str) -> (Harness, String) {
    let h = Harness::new().await;
    let id = h
        .alice_calendar(json!({"name": "work", "display_name": "Work", "color": "#112233"}))
        .await;
    h.alice_shares(&id, "bob", access).await;
    (h, id)
}

async fn calendar(h: &Harness, who: As<'_>, id: &str) -> Value {
    let r = h
        .api("GET", &format!("/api/v1/calendars/{id}"), who, None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

async fn patch(h: &Harness, who: As<'_>, id: &str, body: Value) -> Resp {
    h.api(
        "PATCH",
        &format!("/api/v1/calendars/{id}"),
        who,
        Some(body),
        &[],
    )
    .await
}

/// displayname and calendar-color of the work calendar as `user` sees it over CalDAV.
async fn dav_look(h: &Harness, user: Option<(&str, &str)>) -> (String, String) {
    let ms = h
        .props(
            user,
            WORK,
            "0",
            &[(ns::DAV, "displayname"), (ns::APPLE, "calendar-color")],
        )
        .await;
    let r = ms.only();
    (
        r.prop_text(ns::DAV, "displayname"),
        r.prop_text(ns::APPLE, "calendar-color"),
    )
}

#[tokio::test]
async fn a_sharee_renames_recolors_and_hides_a_calendar_for_themselves_only() {
    let (h, id) = setup("read").await;
    let r = patch(
        &h,
        BOB_PW,
        &id,
        json!({"display_name": "Alice's work", "color": "#00AA00", "order": 4, "visible": false}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let bobs = r.json();
    assert_eq!(bobs["display_name"], "Alice's work");
    assert_eq!(bobs["color"], "#00AA00");
    assert_eq!(bobs["order"], 4);
    assert_eq!(bobs["visible"], false);
    assert_eq!(bobs["access"], "read");

    // Alice's calendar is as she left it, for her and over CalDAV.
    let alices = calendar(&h, ALICE_PW, &id).await;
    assert_eq!(alices["display_name"], "Work");
    assert_eq!(alices["color"], "#112233");
    assert_eq!(alices["order"], Value::Null);
    assert_eq!(alices["visible"], true);
    assert_eq!(dav_look(&h, ALICE).await, ("Work".into(), "#112233".into()));
    // Bob's CalDAV client shows his names too.
    assert_eq!(
        dav_look(&h, BOB).await,
        ("Alice's work".into(), "#00AA00".into())
    );
    // Hidden calendars stay listed, marked.
    let list = h
        .api("GET", "/api/v1/calendars", BOB_PW, None, &[])
        .await
        .json();
    let entry = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(entry["visible"], false);
    assert_eq!(entry["display_name"], "Alice's work");

    // When alice renames it, bob keeps his name but follows her color once he clears his.
    assert_eq!(
        patch(
            &h,
            ALICE_PW,
            &id,
            json!({"display_name": "Job", "color": "#445566"})
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = patch(&h, BOB_PW, &id, json!({"color": null})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let bobs = r.json();
    assert_eq!(bobs["display_name"], "Alice's work");
    assert_eq!(bobs["color"], "#445566");
    let r = patch(&h, BOB_PW, &id, json!({"display_name": null})).await;
    assert_eq!(r.json()["display_name"], "Job");
}

#[tokio::test]
async fn a_sharee_cannot_change_what_belongs_to_the_owner() {
    let (h, id) = setup("read-write").await;
    for body in [
        json!({"description": "mine now"}),
        json!({"time_zone": "Europe/Paris"}),
        json!({"display_name": "Mine", "description": "mine now"}),
    ] {
        let r = patch(&h, BOB_PW, &id, body.clone()).await;
        r.problem(StatusCode::FORBIDDEN);
    }
    // All or nothing: the refused request changed nothing, not even bob's own name.
    let bobs = calendar(&h, BOB_PW, &id).await;
    assert_eq!(bobs["display_name"], "Work");
    assert_eq!(bobs["description"], Value::Null);
    // Invalid values are invalid for sharees too.
    let r = patch(&h, BOB_PW, &id, json!({"color": "green"})).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["pointer"], "/color", "{p}");
    // Deleting stays the owner's.
    let r = h
        .api(
            "DELETE",
            &format!("/api/v1/calendars/{id}"),
            BOB_PW,
            None,
            &[],
        )
        .await;
    r.problem(StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_read_only_token_changes_nothing_not_even_preferences() {
    let (h, id) = setup("read").await;
    let token = h
        .api(
            "POST",
            "/api/v1/tokens",
            BOB_PW,
            Some(json!({"name": "ro", "scope": "read-only"})),
            &[],
        )
        .await
        .json()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = patch(&h, As::Bearer(&token), &id, json!({"visible": false})).await;
    r.problem(StatusCode::FORBIDDEN);
    assert_eq!(calendar(&h, BOB_PW, &id).await["visible"], true);
}

#[tokio::test]
async fn over_caldav_a_sharee_proppatch_is_personal_and_owner_properties_are_refused() {
    let (h, id) = setup("read").await;
    let set = |inner: &str| {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">
<D:set><D:prop>{inner}</D:prop></D:set></D:propertyupdate>"#
        )
    };
    let ct = [("content-type", "application/xml")];
    let r = h
        .send(
            "PROPPATCH",
            WORK,
            BOB,
            &ct,
            set("<D:displayname>Hers</D:displayname><A:calendar-color>#ABCDEF</A:calendar-color>"),
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.text());
    let ms = r.multistatus();
    assert_eq!(ms.only().prop(ns::DAV, "displayname").unwrap().0, 200);
    assert_eq!(dav_look(&h, BOB).await, ("Hers".into(), "#ABCDEF".into()));
    assert_eq!(dav_look(&h, ALICE).await, ("Work".into(), "#112233".into()));
    assert_eq!(calendar(&h, BOB_PW, &id).await["display_name"], "Hers");

    // The description is the owner's: 403 for it, 424 for the rest, nothing applied.
    let r = h
        .send(
            "PROPPATCH",
            WORK,
            BOB,
            &ct,
            set("<D:displayname>Again</D:displayname><C:calendar-description>x</C:calendar-description>"),
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.text());
    let ms = r.multistatus();
    let only = ms.only();
    assert_eq!(
        only.prop(ns::CALDAV, "calendar-description").unwrap().0,
        403
    );
    assert_eq!(only.prop(ns::DAV, "displayname").unwrap().0, 424);
    assert_eq!(dav_look(&h, BOB).await.0, "Hers");
}

#[tokio::test]
async fn the_owner_hides_a_calendar_without_changing_it_for_anyone() {
    let (h, id) = setup("read").await;
    let ctag = h.ctag(ALICE, WORK).await;
    let r = patch(&h, ALICE_PW, &id, json!({"visible": false})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["visible"], false);
    assert_eq!(calendar(&h, BOB_PW, &id).await["visible"], true);
    // A personal choice is not a change to the calendar: CalDAV clients see no change.
    assert_eq!(h.ctag(ALICE, WORK).await, ctag);
    let r = patch(&h, ALICE_PW, &id, json!({"visible": true})).await;
    assert_eq!(r.json()["visible"], true);

    // Created hidden.
    let r = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"name": "archive", "visible": false})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["visible"], false);
}

#[tokio::test]
async fn a_revoked_share_forgets_the_sharees_settings() {
    let (h, id) = setup("read").await;
    patch(&h, BOB_PW, &id, json!({"display_name": "Old name"})).await;
    let revoke = h
        .api(
            "DELETE",
            &format!("/api/v1/calendars/{id}/shares/bob"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    h.alice_shares(&id, "bob", "read").await;
    assert_eq!(calendar(&h, BOB_PW, &id).await["display_name"], "Work");
}

#[tokio::test]
async fn calendars_take_a_time_zone_by_name() {
    let h = Harness::new().await;
    let r = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"name": "berlin", "time_zone": "Europe/Berlin"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let created = r.json();
    assert_eq!(created["time_zone"], "Europe/Berlin");
    let id = created["id"].as_str().unwrap().to_owned();
    // CalDAV clients get a whole VTIMEZONE with the zone's rules.
    let ms = h
        .props(
            ALICE,
            "/dav/calendars/alice/berlin/",
            "0",
            &[(ns::CALDAV, "calendar-timezone")],
        )
        .await;
    let tz = ms.only().prop_text(ns::CALDAV, "calendar-timezone");
    assert!(tz.contains("BEGIN:VTIMEZONE"), "{tz}");
    assert!(tz.contains("TZID:Europe/Berlin"), "{tz}");
    assert!(tz.contains("TZOFFSETTO:+0200"), "{tz}");

    let r = patch(&h, ALICE_PW, &id, json!({"time_zone": "America/New_York"})).await;
    assert_eq!(r.json()["time_zone"], "America/New_York");
    let r = patch(&h, ALICE_PW, &id, json!({"time_zone": "Nowhere/Special"})).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["pointer"], "/time_zone", "{p}");
    assert_eq!(
        calendar(&h, ALICE_PW, &id).await["time_zone"],
        "America/New_York"
    );
    let r = patch(&h, ALICE_PW, &id, json!({"time_zone": null})).await;
    assert_eq!(r.json()["time_zone"], Value::Null);
    let r = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"time_zone": "Nowhere/Special"})),
            &[],
        )
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY);
}
