//! REST API: calendars, and the same calendars over CalDAV.

use crate::common;

use common::api::{ALICE_PW, As, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn calendars_are_listed_created_changed_and_deleted() {
    let h = Harness::new().await;
    let list = h.api("GET", "/api/v1/calendars", ALICE_PW, None, &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "default");
    assert_eq!(items[0]["access"], "owner");

    let created = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"name": "work", "display_name": "Work", "color": "#FF8800", "components": ["VEVENT"]})),
            &[],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let cal = created.json();
    let id = cal["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("location"),
        Some(format!("/api/v1/calendars/{id}").as_str())
    );
    assert_eq!(cal["components"], json!(["VEVENT"]));

    // The same calendar over CalDAV.
    let props = h
        .propfind(
            ALICE,
            "/dav/calendars/alice/work/",
            "0",
            &propfind_body(&[(ns::DAV, "displayname"), (ns::APPLE, "calendar-color")]),
        )
        .await;
    assert!(
        props.text().contains("Work") && props.text().contains("#FF8800"),
        "{}",
        props.text()
    );

    let patched = h
        .api(
            "PATCH",
            &format!("/api/v1/calendars/{id}"),
            ALICE_PW,
            Some(json!({"display_name": "Job", "color": null})),
            &[],
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    assert_eq!(patched.json()["display_name"], "Job");
    assert!(patched.json()["color"].is_null());
    assert_ne!(
        patched.json()["etag"],
        cal["etag"],
        "a change moves the etag"
    );

    let bad = h
        .api(
            "PATCH",
            &format!("/api/v1/calendars/{id}"),
            ALICE_PW,
            Some(json!({"color": "red"})),
            &[],
        )
        .await;
    let p = bad.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["pointer"], "/color");

    let gone = h
        .api(
            "DELETE",
            &format!("/api/v1/calendars/{id}"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    h.api(
        "GET",
        &format!("/api/v1/calendars/{id}"),
        ALICE_PW,
        None,
        &[],
    )
    .await
    .problem(StatusCode::NOT_FOUND);
    assert_eq!(
        h.get(ALICE, "/dav/calendars/alice/work/").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn nobody_reaches_another_users_calendars() {
    let h = Harness::new().await;
    let alice_cal = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/calendars/{alice_cal}");
    for (method, body) in [
        ("GET", None),
        ("PATCH", Some(json!({"display_name": "x"}))),
        ("DELETE", None),
    ] {
        h.api(method, &path, BOB_PW, body, &[])
            .await
            .problem(StatusCode::NOT_FOUND);
    }
    let bobs = h
        .api("GET", "/api/v1/calendars", BOB_PW, None, &[])
        .await
        .json();
    assert!(!bobs.to_string().contains(&alice_cal));
    // And an unknown id looks the same as someone else's.
    h.api(
        "GET",
        &format!("/api/v1/calendars/{}", uuid::Uuid::now_v7()),
        BOB_PW,
        None,
        &[],
    )
    .await
    .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn requests_without_valid_credentials_get_a_problem_and_a_challenge() {
    let h = Harness::new().await;
    for who in [
        As::Anonymous,
        As::Basic("alice", "wrong"),
        As::Bearer("kairos_nope"),
    ] {
        let r = h.api("GET", "/api/v1/calendars", who, None, &[]).await;
        r.problem(StatusCode::UNAUTHORIZED);
        assert!(
            r.header("www-authenticate").unwrap().contains("Bearer"),
            "{who:?}"
        );
    }
}

#[tokio::test]
async fn bad_bodies_are_problems() {
    let h = Harness::new().await;
    let r = h
        .send(
            "POST",
            "/api/v1/calendars",
            ALICE,
            &[("content-type", "application/json")],
            "{not json",
        )
        .await;
    r.problem(StatusCode::BAD_REQUEST);
    let r = h
        .send(
            "POST",
            "/api/v1/calendars",
            ALICE,
            &[("content-type", "text/plain")],
            "{}",
        )
        .await;
    r.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"nmae": "typo"})),
            &[],
        )
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let r = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"components": ["VFREEBUSY"]})),
            &[],
        )
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let r = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"name": "default"})),
            &[],
        )
        .await;
    r.problem(StatusCode::CONFLICT);
    let r = h
        .api("GET", "/api/v1/nothing-here", ALICE_PW, None, &[])
        .await;
    r.problem(StatusCode::NOT_FOUND);
    let r = h
        .api("GET", "/api/v1/calendars/not-a-uuid", ALICE_PW, None, &[])
        .await;
    assert!(r.status.is_client_error(), "{}", r.text());
}

#[tokio::test]
async fn the_openapi_document_and_reference_page_are_served() {
    let h = Harness::new().await;
    let doc = h
        .api("GET", "/api/v1/openapi.json", As::Anonymous, None, &[])
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["paths"]["/api/v1/calendars/{calendar_id}"]["patch"].is_object());
    let page = h.api("GET", "/api/v1/docs", As::Anonymous, None, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("/api/v1/docs/redoc.js"));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    let js = h
        .api("GET", "/api/v1/docs/redoc.js", As::Anonymous, None, &[])
        .await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.len() > 500_000);
}

#[tokio::test]
async fn answers_carry_security_headers_and_cors_is_off_by_default() {
    let h = Harness::new().await;
    let origin = [("origin", "https://evil.example")];
    let r = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &origin)
        .await;
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(r.header("access-control-allow-origin").is_none());

    let h = Harness::with_settings(|s| s.cors_origins = vec!["https://app.example".into()]).await;
    let ok = [("origin", "https://app.example")];
    let r = h.api("GET", "/api/v1/calendars", ALICE_PW, None, &ok).await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    let r = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &origin)
        .await;
    assert!(r.header("access-control-allow-origin").is_none());
}
