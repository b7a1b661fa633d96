//! Large answers (REPORT, Depth 1 PROPFIND) take turns: at most `concurrent_answers` are
//! built and sent at once, each keeps its turn until its body is read, and a client that
//! does not read gives its turn up.

use crate::common;

use std::time::Duration;

use common::{ALICE, ALICE_CAL, Harness, event, propfind_body};
use http::StatusCode;
use http_body_util::BodyExt;

const DEPTH_1: &[(&str, &str)] = &[("depth", "1"), ("content-type", "application/xml")];

async fn one_turn() -> (Harness, String) {
    let h = Harness::with_settings(|s| s.concurrent_answers = 1).await;
    let r = h
        .put_ics(ALICE, &format!("{ALICE_CAL}a.ics"), &event("a", "A"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    (h, propfind_body(&[("DAV:", "getetag")]))
}

/// Waits (a bounded while) until `check` holds; the work it waits for runs on other tasks.
async fn eventually(check: impl Fn() -> bool) -> bool {
    for _ in 0..500 {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    check()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_answer_keeps_its_turn_until_its_body_is_read() {
    let (h, body) = one_turn().await;
    assert_eq!(h.core.free_answer_turns(), Some(1));
    let (status, unread) = h.open("PROPFIND", ALICE_CAL, ALICE, DEPTH_1, body).await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert_eq!(h.core.free_answer_turns(), Some(0));

    let text = unread.collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&text).contains("a.ics"));
    assert!(eventually(|| h.core.free_answer_turns() == Some(1)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_does_not_read_gives_its_turn_up() {
    let (h, body) = one_turn().await;
    let (_, unread) = h
        .open("PROPFIND", ALICE_CAL, ALICE, DEPTH_1, body.clone())
        .await;
    // The second large answer is served although the first body is never read.
    let second = tokio::time::timeout(
        Duration::from_secs(30),
        h.send("PROPFIND", ALICE_CAL, ALICE, DEPTH_1, body),
    )
    .await
    .expect("the second answer got its turn");
    assert_eq!(second.status, StatusCode::MULTI_STATUS);
    drop(unread);
    assert!(eventually(|| h.core.free_answer_turns() == Some(1)).await);
}

#[tokio::test]
async fn no_limit_takes_no_turns() {
    let h = Harness::with_settings(|s| s.concurrent_answers = 0).await;
    let (status, _unread) = h
        .open(
            "PROPFIND",
            ALICE_CAL,
            ALICE,
            DEPTH_1,
            propfind_body(&[("DAV:", "getetag")]),
        )
        .await;
    assert_eq!(status, StatusCode::MULTI_STATUS);
    assert_eq!(h.core.free_answer_turns(), None);
}
