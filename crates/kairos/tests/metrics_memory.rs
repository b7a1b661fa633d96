//! Request metrics hold bounded memory when nobody scrapes `/metrics`.
//!
//! Its own test binary (one process, one test): it reads the process's resident memory,
//! which other tests running beside it would disturb.

use std::time::Duration;

use axum::http::{Method, StatusCode};

/// Resident bytes of this process (Linux: `VmRSS` in `/proc/self/status`, in kB, so no
/// page size is assumed).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[test]
fn unscraped_latency_samples_do_not_pile_up() {
    let Some(_) = resident_bytes() else {
        eprintln!("no /proc/self/status here: skipped");
        return;
    };
    kairos::metrics::recorder();
    let record = |n: u32| {
        for i in 0..n {
            let method = if i % 2 == 0 { Method::GET } else { Method::PUT };
            let elapsed = Duration::from_micros(u64::from(i % 5000));
            kairos::metrics::record_request(&method, StatusCode::OK, elapsed);
        }
    };
    // First use allocates the metrics themselves; only what follows is measured.
    record(100_000);
    let before = resident_bytes().unwrap_or(0);
    record(1_000_000);
    let after = resident_bytes().unwrap_or(u64::MAX);
    // Queued until a scrape, a million samples take over 16 MB; folded into buckets as
    // they come, nothing grows.
    let grew = after.saturating_sub(before);
    assert!(
        grew < 4 << 20,
        "a million unscraped requests grew the process by {grew} bytes"
    );
    let text = kairos::metrics::recorder().render();
    assert!(
        text.contains("kairos_http_request_duration_seconds_count{method=\"GET\"} 550000"),
        "every sample still counted:\n{text}"
    );
}
