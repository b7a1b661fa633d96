//! Prometheus metrics at `/metrics`: requests by method and status class with their
//! latencies, database pool use and job queue depth.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kairos_core::Kairos;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Methods counted under their own name; anything else is `OTHER`, so a client sending
/// made-up methods cannot grow the label set without bound.
const KNOWN_METHODS: [&str; 17] = [
    "GET",
    "HEAD",
    "PUT",
    "POST",
    "DELETE",
    "OPTIONS",
    "PATCH",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "MKCALENDAR",
    "COPY",
    "MOVE",
    "REPORT",
    "LOCK",
    "UNLOCK",
    "ACL",
];

/// Latency buckets in seconds: sub-millisecond cache hits up to slow reports.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Histogram samples recorded between two upkeeps of the recorder.
///
/// Why: the exporter queues every histogram sample (16 bytes and its share of a block)
/// until something drains the queue into buckets, and a recorder from `build_recorder`
/// runs no upkeep of its own: a server nobody scraped grew by about 20 bytes per request
/// without end (9.5 MB per 480,000 PROPFINDs). Counting samples, not time, bounds the
/// queue at any request rate; each upkeep folds this many samples, so its cost per
/// request is what the scrape would have paid.
const SAMPLES_PER_UPKEEP: u64 = 4096;

/// The process-wide recorder: metrics macros report to one global recorder, so it is
/// installed once however many apps a process builds (tests build many).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .map(PrometheusBuilder::build_recorder)
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        // Another recorder already installed (an embedding program's) keeps working;
        // ours then only renders what it recorded, which is nothing.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Status classes, as labelled.
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// The counter and histogram handles of every method and status class, made once.
///
/// Why: `counter!` and `histogram!` with labels build a key and look it up in the
/// registry on every call; per request that was 2.6 % of the server's CPU in a `perf`
/// profile of GET under load. The handles stay valid for the life of the recorder.
struct RequestMetrics {
    /// Per method (`KNOWN_METHODS`, then `OTHER`), per status class.
    counts: Vec<[metrics::Counter; 5]>,
    /// Per method, as `counts`.
    durations: Vec<metrics::Histogram>,
}

fn request_metrics() -> &'static RequestMetrics {
    static HANDLES: OnceLock<RequestMetrics> = OnceLock::new();
    HANDLES.get_or_init(|| {
        // Handles are bound to the recorder installed when they are made.
        recorder();
        let methods = KNOWN_METHODS.iter().copied().chain(["OTHER"]);
        RequestMetrics {
            counts: methods
                .clone()
                .map(|method| {
                    STATUS_CLASSES.map(|status| {
                        metrics::counter!("kairos_http_requests_total", "method" => method, "status" => status)
                    })
                })
                .collect(),
            durations: methods
                .map(|method| {
                    metrics::histogram!("kairos_http_request_duration_seconds", "method" => method)
                })
                .collect(),
        }
    })
}

/// The index of `method` in the handles: its place in `KNOWN_METHODS`, or `OTHER`'s.
fn method_index(method: &Method) -> usize {
    KNOWN_METHODS
        .iter()
        .position(|m| *m == method.as_str())
        .unwrap_or(KNOWN_METHODS.len())
}

/// Middleware: counts each request and records its latency.
pub async fn track(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let start = Instant::now();
    let response = next.run(request).await;
    record_request(&method, response.status(), start.elapsed());
    response
}

/// Counts one answered request and records its latency, folding queued latency samples
/// into their buckets every [`SAMPLES_PER_UPKEEP`] requests.
pub fn record_request(method: &Method, status: StatusCode, elapsed: Duration) {
    static SAMPLES: AtomicU64 = AtomicU64::new(0);
    let handles = request_metrics();
    let method = method_index(method);
    let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
    if let Some(counts) = handles.counts.get(method)
        && let Some(count) = counts.get(class)
    {
        count.increment(1);
    }
    if let Some(duration) = handles.durations.get(method) {
        duration.record(elapsed.as_secs_f64());
    }
    if SAMPLES.fetch_add(1, Ordering::Relaxed) % SAMPLES_PER_UPKEEP == SAMPLES_PER_UPKEEP - 1 {
        recorder().run_upkeep();
    }
}

/// `GET /metrics`: the Prometheus text format.
pub async fn scrape(State(core): State<Arc<Kairos>>) -> Response {
    let pool = core.pool_usage();
    metrics::gauge!("kairos_db_connections", "state" => "open").set(f64::from(pool.open));
    metrics::gauge!("kairos_db_connections", "state" => "idle").set(f64::from(pool.idle));
    metrics::gauge!("kairos_db_connections_max").set(f64::from(pool.max));
    let answers = core.answer_cache_stats();
    // Byte counts of a cache far below 2^53: exact as f64.
    #[allow(clippy::cast_precision_loss)]
    metrics::gauge!("kairos_answer_cache_bytes").set(answers.bytes as f64);
    metrics::counter!("kairos_answer_cache_hits_total").absolute(answers.hits);
    metrics::counter!("kairos_answer_cache_misses_total").absolute(answers.misses);
    match core.queue_depth().await {
        Ok(depth) => {
            // u64 job counts are far below 2^53: exact as f64.
            #[allow(clippy::cast_precision_loss)]
            for (state, n) in [
                ("queued", depth.queued),
                ("running", depth.running),
                ("dead", depth.dead),
            ] {
                metrics::gauge!("kairos_jobs", "state" => state).set(n as f64);
            }
            metrics::gauge!("kairos_db_up").set(1.0);
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: queue depth unavailable");
            metrics::gauge!("kairos_db_up").set(0.0);
        }
    }
    let mut response = recorder().render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_index(&Method::GET), 0);
        let report = Method::from_bytes(b"REPORT").unwrap_or(Method::GET);
        assert_eq!(KNOWN_METHODS.get(method_index(&report)), Some(&"REPORT"));
        let odd = Method::from_bytes(b"FROBNICATE").unwrap_or(Method::GET);
        assert_eq!(method_index(&odd), KNOWN_METHODS.len());
    }

    #[test]
    fn requests_are_counted_by_method_and_status_class() {
        let odd = Method::from_bytes(b"FROBNICATE").unwrap_or(Method::GET);
        let lock = Method::from_bytes(b"LOCK").unwrap_or(Method::GET);
        record_request(&odd, StatusCode::NOT_IMPLEMENTED, Duration::from_millis(1));
        record_request(
            &lock,
            StatusCode::from_u16(199).unwrap_or(StatusCode::OK),
            Duration::ZERO,
        );
        record_request(
            &Method::HEAD,
            StatusCode::PRECONDITION_FAILED,
            Duration::ZERO,
        );
        let text = recorder().render();
        for line in [
            r#"kairos_http_requests_total{method="OTHER",status="5xx"}"#,
            r#"kairos_http_requests_total{method="LOCK",status="1xx"}"#,
            r#"kairos_http_requests_total{method="HEAD",status="4xx"}"#,
            r#"kairos_http_request_duration_seconds_count{method="OTHER"}"#,
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
        assert!(!text.contains("FROBNICATE"));
    }
}
