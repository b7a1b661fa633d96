//! What operators rely on: liveness, readiness and Prometheus metrics.

use crate::common;

use bytes::Bytes;
use common::*;
use http::StatusCode;

/// The value of the first sample line starting with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn health_and_readiness() {
    let h = Harness::new().await;
    let live = h.get(None, "/healthz").await;
    assert_eq!((live.status, live.text()), (StatusCode::OK, "ok\n"));
    let ready = h.get(None, "/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    // The database goes away: still alive, no longer ready.
    h.store.close().await;
    assert_eq!(h.get(None, "/healthz").await.status, StatusCode::OK);
    assert_eq!(
        h.get(None, "/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn metrics_count_requests_pool_and_jobs() {
    let h = Harness::new().await;
    let before = h.get(None, "/metrics").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        before
            .header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let series = r#"kairos_http_requests_total{method="PROPFIND",status="2xx"}"#;
    let count = |text: &str| sample(text, series).unwrap_or(0.0);
    let n0 = count(before.text());
    for _ in 0..3 {
        let r = h
            .send(
                "PROPFIND",
                ALICE_CAL,
                ALICE,
                &[("depth", "0")],
                Bytes::new(),
            )
            .await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS);
    }
    // A made-up method is counted, under one shared label.
    h.send("FROBNICATE", ALICE_CAL, ALICE, &[], Bytes::new())
        .await;
    let after = h.get(None, "/metrics").await;
    let text = after.text();
    // Other tests in this process may add more: at least ours are there.
    assert!(count(text) >= n0 + 3.0, "{text}");
    assert!(text.contains(r#"method="OTHER""#), "{text}");
    assert!(!text.contains("FROBNICATE"), "{text}");
    assert!(
        text.contains(
            r#"kairos_http_request_duration_seconds_bucket{method="PROPFIND",le="0.005"}"#
        ),
        "{text}"
    );
    assert!(
        sample(text, "kairos_db_connections_max").unwrap() >= 1.0,
        "{text}"
    );
    assert!(
        sample(text, r#"kairos_db_connections{state="open"}"#).is_some(),
        "{text}"
    );
    assert_eq!(
        sample(text, r#"kairos_jobs{state="queued"}"#),
        Some(0.0),
        "{text}"
    );
    assert_eq!(sample(text, "kairos_db_up"), Some(1.0), "{text}");
}

#[tokio::test]
async fn metrics_can_be_turned_off() {
    let h = Harness::with_settings(|s| s.metrics = false).await;
    assert_eq!(h.get(None, "/metrics").await.status, StatusCode::NOT_FOUND);
}
