//! Live changes (`/api/v1/changes`, server-sent events): a change made over CalDAV reaches
//! the owner's stream and a sharee's, never a stranger's.

use crate::common;

use std::time::Duration;

use axum::body::Body;
use common::*;
use http::StatusCode;
use http_body_util::BodyExt;
use serde_json::json;

/// Reads the stream until an event named `name` arrives (skipping keep-alive comments),
/// or gives up after `wait`; returns its data.
async fn next_event(body: &mut Body, name: &str, wait: Duration) -> Option<String> {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .ok()??
            .ok()?;
        if let Ok(data) = frame.into_data() {
            text.push_str(std::str::from_utf8(&data).unwrap());
        }
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            let field = |f: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(f).map(|v| v.trim().to_owned()))
            };
            if field("event:").as_deref() == Some(name) {
                return field("data:");
            }
        }
    }
}

#[tokio::test]
async fn changes_reach_the_owner_and_sharees_but_no_one_else() {
    let h = Harness::new().await;
    let id = h.alice_calendar(json!({"name": "work"})).await;
    h.alice_shares(&id, "bob", "read").await;
    h.core
        .add_user(
            kairos_core::users::Admin::local_operator(),
            "carol",
            "carol-password",
        )
        .await
        .unwrap();

    let (status, mut alice) = h.open_stream("/api/v1/changes", ALICE).await;
    assert_eq!(status, StatusCode::OK);
    let (_, mut bob) = h.open_stream("/api/v1/changes", BOB).await;
    let (_, mut carol) = h
        .open_stream("/api/v1/changes", Some(("carol", "carol-password")))
        .await;

    let put = h
        .put_ics(
            ALICE,
            "/dav/calendars/alice/work/a.ics",
            &event("a", "Planning"),
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    let token = h.sync_token(ALICE, "/dav/calendars/alice/work/").await;
    let expected = json!({"calendar_id": id, "sync_token": token});

    for stream in [&mut alice, &mut bob] {
        let data = next_event(stream, "changed", Duration::from_secs(10))
            .await
            .expect("a changed event");
        let got: serde_json::Value = serde_json::from_str(&data).unwrap();
        assert_eq!(got, expected);
    }
    // Carol hears nothing of alice's calendar.
    assert_eq!(
        next_event(&mut carol, "changed", Duration::from_millis(500)).await,
        None
    );
}

#[tokio::test]
async fn the_stream_needs_a_signed_in_caller() {
    let h = Harness::new().await;
    let (status, _) = h.open_stream("/api/v1/changes", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = h
        .open_stream("/api/v1/changes", Some(("alice", "wrong")))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
