//! Authentication: password sign-in with a verified-credential cache and a failure throttle.

mod credential_cache;
mod failures;
mod limits;
mod oidc;
mod password;
mod presented;
mod sessions;
mod tokens;
pub(crate) use tokens::{new_secret, secret_hash};

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;

pub use credential_cache::CredentialCache;
pub use failures::FailureThrottle;
pub use oidc::{OidcConfig, SignInDone, SignInStart, local_path};
pub use password::{hash_password, needs_rehash, verify_password};
pub use presented::{Presented, presented_or_unauthenticated};
pub use sessions::{NewSession, csrf_matches, csrf_token, same_secret};
pub use tokens::{MintedCredential, NewCredential, SECRET_PREFIX};

use crate::access::Principal;
use crate::config::AuthConfig;
use crate::{CoreError, CoreResult, Kairos};

/// Shards of the one-check-per-credential locks: more only spread unrelated credentials
/// that happen to share a shard (they then wait for each other's check).
const CREDENTIAL_SHARDS: usize = 16;

/// Authentication state shared by every request.
pub struct Authenticator {
    cache: CredentialCache,
    throttle: FailureThrottle,
    /// argon2 needs 7 MiB (19 MiB for older hashes) and tens of milliseconds per check:
    /// bound how many run at once so a burst of cold connections cannot exhaust memory or
    /// starve the runtime.
    verify_slots: Arc<Semaphore>,
    /// One check at a time per credential (by a shard of its cache key): requests that
    /// present the same pair while it is being checked wait for that check and find its
    /// result in the cache, instead of each running argon2 (and holding its memory).
    same_credential: Box<[tokio::sync::Mutex<()>]>,
    /// argon2 checks run by this process.
    checks: AtomicU64,
    /// Hash checked when the user does not exist, so timing does not reveal user names.
    decoy_hash: OnceLock<String>,
    /// The single sign-on provider, when one is configured.
    provider: Option<oidc::Provider>,
    /// Rates of sign-ins and of credentials minted.
    limits: limits::RequestLimits,
}

impl Authenticator {
    /// Authentication state from configuration.
    pub fn new(config: &AuthConfig) -> Self {
        Authenticator {
            cache: CredentialCache::new(config.cache_ttl),
            throttle: FailureThrottle::new(
                config.max_failures,
                config.failure_window,
                config.block_duration,
            ),
            verify_slots: Arc::new(Semaphore::new(config.max_concurrent_verifications.max(1))),
            same_credential: (0..CREDENTIAL_SHARDS)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
            checks: AtomicU64::new(0),
            decoy_hash: OnceLock::new(),
            limits: limits::RequestLimits::new(),
            provider: config.oidc.as_ref().and_then(|_| {
                oidc::Provider::new()
                    .map_err(|e| tracing::error!(error = %e, "single sign-on disabled"))
                    .ok()
            }),
        }
    }

    /// Drops cached credentials of a user (after a password change or removal).
    pub fn forget_user(&self, id: kairos_store::UserId) {
        self.cache.forget_user(id);
    }

    fn decoy_hash(&self) -> CoreResult<String> {
        if let Some(h) = self.decoy_hash.get() {
            return Ok(h.clone());
        }
        let h = hash_password("kairos-decoy-password")?;
        Ok(self.decoy_hash.get_or_init(|| h).clone())
    }
}

impl Kairos {
    /// How many argon2 password checks this process has run.
    pub fn password_checks(&self) -> u64 {
        self.auth.checks.load(Ordering::Relaxed)
    }

    /// Stores a password's hash made with the current parameters in place of an older one.
    /// A failure is logged, not returned: the sign-in it follows has succeeded.
    async fn upgrade_password_hash(&self, user: kairos_store::UserId, old: &str, new: &str) {
        let upgraded = async {
            let mut tx = self.store.begin().await?;
            let done = tx.upgrade_password_hash(user, old, new).await?;
            tx.commit().await?;
            Ok::<_, kairos_store::StoreError>(done)
        };
        match upgraded.await {
            Ok(true) => tracing::info!(user = %user.0, "password rehashed with current parameters"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "password rehash not stored"),
        }
    }

    /// Checks a user name and password (HTTP Basic). Successful checks are cached briefly;
    /// failures count towards a throttle per user name and per client address.
    pub async fn authenticate_password(
        &self,
        user: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> CoreResult<Principal> {
        let auth = &self.auth;
        let key = auth.cache.key_for(user, password);
        if let Some(principal) = auth.cache.get(&key) {
            return Ok(principal);
        }
        // An app password: checked by its hash, no argon2. A real password that happens to
        // start with the prefix still gets its argon2 check below.
        if password.starts_with(SECRET_PREFIX)
            && let Ok(principal) = self.authenticate_secret(password, Some(user), client).await
        {
            auth.cache.insert(key, principal.clone());
            return Ok(principal);
        }
        if self.config.auth.oidc.as_ref().is_some_and(|o| o.only) {
            // Single sign-on only: account passwords are not accepted anywhere.
            return Err(CoreError::Unauthenticated);
        }
        let user_key = format!("user:{user}");
        let ip_key = client.map(|ip| format!("ip:{ip}"));
        let keys: Vec<&str> = std::iter::once(user_key.as_str())
            .chain(ip_key.as_deref())
            .collect();
        if let Some(wait) = auth.throttle.blocked(&keys) {
            return Err(CoreError::RateLimited(wait));
        }

        let shard = usize::from(key[0]) % auth.same_credential.len();
        let _same = auth.same_credential[shard].lock().await;
        if let Some(principal) = auth.cache.get(&key) {
            return Ok(principal);
        }
        let permit = auth
            .verify_slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| CoreError::Internal("verification pool closed".into()))?;
        // Another request with the same credentials may have finished while we waited.
        if let Some(principal) = auth.cache.get(&key) {
            return Ok(principal);
        }
        let found = self.store.user_by_name(user).await?;
        let stored_hash = match &found {
            Some(u) => u.password_hash.clone(),
            None => auth.decoy_hash()?,
        };
        let candidate = password.to_owned();
        auth.checks.fetch_add(1, Ordering::Relaxed);
        // The rehash runs under the same permit: it costs as much as the check.
        let (verified, rehashed) = tokio::task::spawn_blocking(move || {
            let verified = verify_password(&candidate, &stored_hash);
            let rehashed = (verified && needs_rehash(&stored_hash))
                .then(|| hash_password(&candidate).ok())
                .flatten();
            (verified, rehashed)
        })
        .await
        .map_err(|e| CoreError::Internal(format!("verification task failed: {e}")))?;
        drop(permit);

        match found {
            Some(u) if verified => {
                auth.throttle.clear(&user_key);
                if let Some(new) = rehashed {
                    self.upgrade_password_hash(u.id, &u.password_hash, &new)
                        .await;
                }
                let principal = Principal::new(u.id, u.name);
                self.ensure_home(&principal).await?;
                auth.cache.insert(key, principal.clone());
                Ok(principal)
            }
            _ => {
                auth.throttle.record_failure(&keys);
                tracing::info!(user, client = ?client, "failed sign-in");
                Err(CoreError::Unauthenticated)
            }
        }
    }
}
