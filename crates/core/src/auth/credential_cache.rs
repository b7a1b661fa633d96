//! Remembers recently verified credentials so that Basic auth does not pay for argon2 on
//! every request (argon2 would cap throughput at a few dozen requests a second).
//!
//! Safety: entries are keyed by a keyed BLAKE3 hash of (user, password) under a random
//! per-process key, so the cache never holds a password or anything an attacker could
//! test guesses against offline; entries expire after a short TTL and are dropped when
//! the user's password changes or the user is removed.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use kairos_store::UserId;

use crate::access::Principal;

/// Upper bound on entries; past it, expired entries are purged and, if still full, all.
const MAX_ENTRIES: usize = 10_000;

/// Verified credentials, keyed by a keyed hash.
pub struct CredentialCache {
    key: [u8; 32],
    ttl: Duration,
    entries: RwLock<HashMap<[u8; 32], (Principal, Instant)>>,
}

impl CredentialCache {
    /// A cache with a fresh random key.
    pub fn new(ttl: Duration) -> Self {
        CredentialCache {
            key: rand::random(),
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The cache key of a credential pair.
    pub fn key_for(&self, user: &str, password: &str) -> [u8; 32] {
        let mut h = blake3::Hasher::new_keyed(&self.key);
        // Length-prefix the user so ("ab","c") and ("a","bc") differ.
        h.update(&(user.len() as u64).to_le_bytes());
        h.update(user.as_bytes());
        h.update(password.as_bytes());
        *h.finalize().as_bytes()
    }

    /// The principal for a verified key, if fresh.
    pub fn get(&self, key: &[u8; 32]) -> Option<Principal> {
        let entries = self.entries.read().ok()?;
        let (principal, expires) = entries.get(key)?;
        (Instant::now() < *expires).then(|| principal.clone())
    }

    /// Records a successful verification.
    pub fn insert(&self, key: [u8; 32], principal: Principal) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        let now = Instant::now();
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (_, exp)| *exp > now);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (principal, now + self.ttl));
    }

    /// Drops every entry of a user (password changed, user removed).
    pub fn forget_user(&self, id: UserId) {
        if let Ok(mut entries) = self.entries.write() {
            entries.retain(|_, (p, _)| p.id() != id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kairos_store::new_id;

    fn alice() -> Principal {
        Principal::new(UserId(new_id()), "alice".into())
    }

    #[test]
    fn keys_depend_on_both_parts_and_the_secret() {
        let c = CredentialCache::new(Duration::from_secs(60));
        assert_ne!(c.key_for("ab", "c"), c.key_for("a", "bc"));
        assert_ne!(c.key_for("a", "b"), c.key_for("a", "c"));
        let other = CredentialCache::new(Duration::from_secs(60));
        assert_ne!(c.key_for("a", "b"), other.key_for("a", "b"));
    }

    #[test]
    fn entries_expire_and_are_forgotten() {
        let c = CredentialCache::new(Duration::from_millis(0));
        let k = c.key_for("alice", "pw");
        c.insert(k, alice());
        assert!(c.get(&k).is_none(), "zero TTL must expire at once");

        let c = CredentialCache::new(Duration::from_secs(60));
        let a = alice();
        c.insert(k, a.clone());
        assert_eq!(c.get(&k), Some(a.clone()));
        c.forget_user(a.id());
        assert!(c.get(&k).is_none());
    }
}
