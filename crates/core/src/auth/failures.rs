//! Throttles password guessing: after a few failed sign-ins for one user name or from one
//! client address, further attempts are refused for a while without being checked.
//!
//! Only failures count, so a burst of legitimate first requests (16 connections opening at
//! once) is never throttled; successful sign-ins clear the user's record.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failure bookkeeping for one key.
struct Record {
    failures: u32,
    window_start: Instant,
    blocked_until: Option<Instant>,
}

/// Failed-attempt counters keyed by user name and by client address.
pub struct FailureThrottle {
    max_failures: u32,
    window: Duration,
    block: Duration,
    records: Mutex<HashMap<String, Record>>,
}

/// Bound on tracked keys, so an attacker cycling names cannot grow memory without limit.
const MAX_KEYS: usize = 100_000;

impl FailureThrottle {
    /// `max_failures` within `window` block the key for `block`.
    pub fn new(max_failures: u32, window: Duration, block: Duration) -> Self {
        FailureThrottle {
            max_failures,
            window,
            block,
            records: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds until any of `keys` may try again, if one of them is blocked.
    pub fn blocked(&self, keys: &[&str]) -> Option<u64> {
        let records = self.records.lock().ok()?;
        let now = Instant::now();
        keys.iter()
            .filter_map(|k| records.get(*k)?.blocked_until)
            .filter(|until| *until > now)
            .map(|until| (until - now).as_secs().max(1))
            .max()
    }

    /// Counts a failure against every key.
    pub fn record_failure(&self, keys: &[&str]) {
        let Ok(mut records) = self.records.lock() else {
            return;
        };
        let now = Instant::now();
        if records.len() >= MAX_KEYS {
            records.retain(|_, r| {
                r.blocked_until.is_some_and(|u| u > now) || now - r.window_start < self.window
            });
        }
        for key in keys {
            let r = records.entry((*key).to_owned()).or_insert(Record {
                failures: 0,
                window_start: now,
                blocked_until: None,
            });
            if now - r.window_start > self.window {
                r.failures = 0;
                r.window_start = now;
            }
            r.failures += 1;
            if r.failures >= self.max_failures {
                r.blocked_until = Some(now + self.block);
                r.failures = 0;
                r.window_start = now;
            }
        }
    }

    /// Clears a key after a successful sign-in.
    pub fn clear(&self, key: &str) {
        if let Ok(mut records) = self.records.lock() {
            records.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_and_clears() {
        let t = FailureThrottle::new(3, Duration::from_secs(60), Duration::from_secs(30));
        for _ in 0..2 {
            t.record_failure(&["user:bob", "ip:1"]);
        }
        assert_eq!(t.blocked(&["user:bob"]), None);
        t.record_failure(&["user:bob", "ip:1"]);
        assert!(t.blocked(&["user:bob"]).is_some());
        assert!(t.blocked(&["ip:1"]).is_some());
        assert_eq!(t.blocked(&["user:alice", "ip:2"]), None);
        t.clear("user:bob");
        assert_eq!(t.blocked(&["user:bob"]), None);
    }
}
