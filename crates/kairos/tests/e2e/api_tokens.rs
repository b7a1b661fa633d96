//! REST API: tokens and app passwords, and what each opens.

use crate::common;

use common::api::{ALICE_PW, As, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::json;

async fn create(h: &Harness, body: serde_json::Value) -> serde_json::Value {
    let r = h
        .api("POST", "/api/v1/tokens", ALICE_PW, Some(body), &[])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

#[tokio::test]
async fn a_token_is_shown_once_listed_without_secret_and_revocable() {
    let h = Harness::new().await;
    let t = create(&h, json!({"name": "script", "scope": "read-write"})).await;
    let secret = t["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("kairos_"));
    let listed = h.api("GET", "/api/v1/tokens", ALICE_PW, None, &[]).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(!listed.text().contains(&secret));
    assert_eq!(listed.json()["items"][0]["name"], "script");

    let cals = h
        .api("GET", "/api/v1/calendars", As::Bearer(&secret), None, &[])
        .await;
    assert_eq!(cals.status, StatusCode::OK, "{}", cals.text());
    assert!(
        h.api("GET", "/api/v1/tokens", ALICE_PW, None, &[])
            .await
            .json()["items"][0]["last_used"]
            .is_string()
    );

    // A token may not create or revoke tokens.
    let id = t["id"].as_str().unwrap();
    h.api(
        "POST",
        "/api/v1/tokens",
        As::Bearer(&secret),
        Some(json!({"name": "x", "scope": "read-only"})),
        &[],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    h.api(
        "DELETE",
        &format!("/api/v1/tokens/{id}"),
        As::Bearer(&secret),
        None,
        &[],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    // Nor can bob revoke alice's.
    h.api("DELETE", &format!("/api/v1/tokens/{id}"), BOB_PW, None, &[])
        .await
        .problem(StatusCode::NOT_FOUND);

    let r = h
        .api(
            "DELETE",
            &format!("/api/v1/tokens/{id}"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    h.api("GET", "/api/v1/calendars", As::Bearer(&secret), None, &[])
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn read_only_and_calendar_limited_tokens() {
    let h = Harness::new().await;
    let ro = create(&h, json!({"name": "ro", "scope": "read-only"})).await;
    let ro = ro["secret"].as_str().unwrap();
    let default_id = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.api(
        "POST",
        "/api/v1/calendars",
        As::Bearer(ro),
        Some(json!({"name": "x"})),
        &[],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    h.api(
        "PATCH",
        &format!("/api/v1/calendars/{default_id}"),
        As::Bearer(ro),
        Some(json!({"display_name": "x"})),
        &[],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let listed = h
        .api("GET", "/api/v1/calendars", As::Bearer(ro), None, &[])
        .await
        .json();
    assert_eq!(listed["items"][0]["access"], "read");

    let work = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"name": "work"})),
            &[],
        )
        .await
        .json();
    let only = create(
        &h,
        json!({"name": "only work", "scope": "read-write", "calendar_id": work["id"]}),
    )
    .await;
    assert_eq!(only["calendar_id"], work["id"]);
    let only = only["secret"].as_str().unwrap();
    let seen = h
        .api("GET", "/api/v1/calendars", As::Bearer(only), None, &[])
        .await
        .json();
    let names: Vec<_> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("work")]);
    h.api(
        "GET",
        &format!("/api/v1/calendars/{default_id}"),
        As::Bearer(only),
        None,
        &[],
    )
    .await
    .problem(StatusCode::NOT_FOUND);

    // Bob cannot limit a token to alice's calendar.
    let r = h
        .api(
            "POST",
            "/api/v1/tokens",
            BOB_PW,
            Some(json!({"name": "x", "scope": "read-only", "calendar_id": default_id})),
            &[],
        )
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    for bad in [
        json!({"name": "", "scope": "read-only"}),
        json!({"name": "x", "scope": "all"}),
        json!({"name": "x", "scope": "read-only", "expires_in_days": 0}),
    ] {
        let r = h
            .api("POST", "/api/v1/tokens", ALICE_PW, Some(bad.clone()), &[])
            .await;
        r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
}
