//! REST API: request-rate limits on sign-in and on minting credentials, whatever the
//! outcome of each request.

use crate::common;

use common::api::{ALICE_PW, As, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn sign_ins_are_rate_limited_per_client_even_when_they_succeed() {
    let h = Harness::new().await;
    let sign_in = || {
        h.api(
            "POST",
            "/api/v1/session",
            As::Anonymous,
            Some(json!({"user": "alice", "password": "alice-password"})),
            &[],
        )
    };
    let started = std::time::Instant::now();
    for _ in 0..10 {
        assert_eq!(sign_in().await.status, StatusCode::OK);
    }
    // The quota gives one sign-in back every 2 s: a machine slow enough to spend that on
    // the first ten (CI under load once did) has earned those back, and no more.
    let mut attempts = 0;
    let r = loop {
        let r = sign_in().await;
        attempts += 1;
        let earned = started.elapsed().as_secs() / 2 + 1;
        if r.status != StatusCode::OK || attempts > earned {
            break r;
        }
    };
    r.problem(StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn minting_credentials_is_rate_limited_per_user() {
    let h = Harness::new().await;
    let mint = |who| {
        h.api(
            "POST",
            "/api/v1/tokens",
            who,
            Some(json!({"name": "t", "scope": "read-only"})),
            &[],
        )
    };
    for _ in 0..10 {
        assert_eq!(mint(ALICE_PW).await.status, StatusCode::CREATED);
    }
    mint(ALICE_PW).await.problem(StatusCode::TOO_MANY_REQUESTS);
    // Someone else is not held back by alice's rate.
    assert_eq!(mint(BOB_PW).await.status, StatusCode::CREATED);
}
