//! Browser sessions: cookie flags, CSRF, sign-out, expiry and password changes.

use crate::common;

use common::api::As;
use common::*;
use http::StatusCode;
use kairos_core::users::Admin;
use serde_json::json;

/// Signs alice in; returns the cookie pair and the CSRF token.
async fn sign_in(h: &Harness) -> (String, String) {
    let r = h
        .api(
            "POST",
            "/api/v1/session",
            As::Anonymous,
            Some(json!({"user": "alice", "password": "alice-password"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let set = r.header("set-cookie").unwrap().to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(set.contains(flag), "{flag} missing from {set}");
    }
    let pair = set.split(';').next().unwrap().to_owned();
    (pair, r.json()["csrf_token"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_session_reads_and_writes_with_its_csrf_token_only() {
    let h = Harness::new().await;
    let (cookie, csrf) = sign_in(&h).await;
    let r = h
        .api(
            "GET",
            "/api/v1/calendars",
            As::Anonymous,
            None,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let me = h
        .api(
            "GET",
            "/api/v1/session",
            As::Anonymous,
            None,
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(me.json()["csrf_token"], csrf.as_str());

    let body = json!({"name": "from-browser"});
    // Without the token, or with another session's token: refused.
    h.api(
        "POST",
        "/api/v1/calendars",
        As::Anonymous,
        Some(body.clone()),
        &[("cookie", &cookie)],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let (_, other_csrf) = sign_in(&h).await;
    h.api(
        "POST",
        "/api/v1/calendars",
        As::Anonymous,
        Some(body.clone()),
        &[("cookie", &cookie), ("x-csrf-token", &other_csrf)],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let ok = h
        .api(
            "POST",
            "/api/v1/calendars",
            As::Anonymous,
            Some(body),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text());
    // Sessions may mint tokens (they are a full sign-in).
    let t = h
        .api(
            "POST",
            "/api/v1/tokens",
            As::Anonymous,
            Some(json!({"name": "t", "scope": "read-only"})),
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text());
}

#[tokio::test]
async fn signing_out_and_changing_the_password_end_sessions() {
    let h = Harness::new().await;
    let (cookie, csrf) = sign_in(&h).await;
    let out = h
        .api(
            "DELETE",
            "/api/v1/session",
            As::Anonymous,
            None,
            &[("cookie", &cookie), ("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    h.api(
        "GET",
        "/api/v1/calendars",
        As::Anonymous,
        None,
        &[("cookie", &cookie)],
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);

    let (cookie, _) = sign_in(&h).await;
    h.core
        .set_password(Admin::local_operator(), "alice", "a-new-password")
        .await
        .unwrap();
    h.api(
        "GET",
        "/api/v1/calendars",
        As::Anonymous,
        None,
        &[("cookie", &cookie)],
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn expired_and_forged_sessions_are_refused() {
    let h = Harness::with_settings(|s| s.session_hours = 1).await;
    for forged in ["kairos_session=kairos_forged", "kairos_session="] {
        h.api(
            "GET",
            "/api/v1/calendars",
            As::Anonymous,
            None,
            &[("cookie", forged)],
        )
        .await
        .problem(StatusCode::UNAUTHORIZED);
    }
    // Expiry is checked against the stored end: move it into the past.
    let (cookie, _) = sign_in(&h).await;
    let secret = cookie.trim_start_matches("kairos_session=");
    let hash = blake3::hash(secret.as_bytes()).to_hex().to_string();
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(h.database_url())
        .await
        .unwrap();
    sqlx::query("UPDATE sessions SET expires_at = 0 WHERE secret_hash = $1")
        .bind(hash)
        .execute(&mut conn)
        .await
        .unwrap();
    h.api(
        "GET",
        "/api/v1/calendars",
        As::Anonymous,
        None,
        &[("cookie", &cookie)],
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sign_in_refuses_wrong_passwords_app_passwords_and_then_throttles() {
    let h = Harness::new().await;
    let bad = h
        .api(
            "POST",
            "/api/v1/session",
            As::Anonymous,
            Some(json!({"user": "alice", "password": "nope"})),
            &[],
        )
        .await;
    bad.problem(StatusCode::UNAUTHORIZED);
    assert!(bad.header("set-cookie").is_none());
    let token = h
        .api(
            "POST",
            "/api/v1/tokens",
            common::api::ALICE_PW,
            Some(json!({"name": "p", "scope": "read-write", "kind": "app-password"})),
            &[],
        )
        .await
        .json()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    h.api(
        "POST",
        "/api/v1/session",
        As::Anonymous,
        Some(json!({"user": "alice", "password": token})),
        &[],
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        last = h
            .api(
                "POST",
                "/api/v1/session",
                As::Anonymous,
                Some(json!({"user": "bob", "password": "wrong-one"})),
                &[],
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
