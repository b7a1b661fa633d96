//! Browser sessions: a random secret in a cookie, stored hashed, with a fixed lifetime;
//! and the CSRF token that goes with each session.

use std::net::IpAddr;

use kairos_store::Session;

use crate::access::Principal;
use crate::auth::tokens::{new_secret, secret_hash};
use crate::{CoreError, CoreResult, Kairos, now_ms};

/// A session just begun: the secret for the cookie (the only time it exists in clear).
#[derive(Clone, Debug)]
pub struct NewSession {
    /// Who signed in.
    pub principal: Principal,
    /// The cookie value.
    pub secret: String,
    /// When it ends (ms since the epoch).
    pub expires_at: i64,
}

/// The CSRF token of a session: derived from its secret, so every node can check it
/// without storing it, and a page can hold it without holding the cookie.
pub fn csrf_token(session_secret: &str) -> String {
    let mut h = blake3::Hasher::new_derive_key("kairos 2026 session csrf token");
    h.update(session_secret.as_bytes());
    h.finalize().to_hex()[..32].to_owned()
}

/// Whether `presented` is the CSRF token of the session (compared in constant time).
pub fn csrf_matches(session_secret: &str, presented: &str) -> bool {
    same_secret(&csrf_token(session_secret), presented)
}

/// Whether two secrets are equal, compared in time that does not depend on where they
/// differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl Kairos {
    /// Signs in with a password and begins a session (password sign-in rules and throttle
    /// apply; app passwords are refused here: they are for devices, not browsers).
    pub async fn begin_session(
        &self,
        user: &str,
        password: &str,
        client: Option<IpAddr>,
    ) -> CoreResult<NewSession> {
        if self.config.auth.oidc.as_ref().is_some_and(|o| o.only) {
            return Err(CoreError::Forbidden(
                "password sign-in is off: sign in through single sign-on",
            ));
        }
        self.auth.limits.sign_in(client)?;
        let principal = self.authenticate_password(user, password, client).await?;
        if principal.signed_in_by_credential() {
            return Err(CoreError::Unauthenticated);
        }
        self.session_for(principal).await
    }

    /// Begins a session for a principal who already proved who they are (single sign-on).
    pub(crate) async fn session_for(&self, principal: Principal) -> CoreResult<NewSession> {
        let secret = new_secret();
        let now = now_ms();
        let lifetime =
            i64::try_from(self.config.auth.session_lifetime.as_millis()).unwrap_or(i64::MAX);
        let session = Session {
            secret_hash: secret_hash(&secret),
            user_id: principal.id(),
            created_at: now,
            expires_at: now.saturating_add(lifetime),
        };
        let mut tx = self.store.begin().await?;
        tx.prune_sessions(now).await?;
        tx.insert_session(&session).await?;
        tx.commit().await?;
        Ok(NewSession {
            principal,
            secret,
            expires_at: session.expires_at,
        })
    }

    /// The principal of a live session.
    pub async fn session(&self, secret: &str) -> CoreResult<Principal> {
        let session = self
            .store
            .session_by_hash(&secret_hash(secret))
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        if session.expires_at <= now_ms() {
            return Err(CoreError::Unauthenticated);
        }
        let user = self
            .store
            .user_by_id(session.user_id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        let principal = Principal::new(user.id, user.name);
        self.ensure_home(&principal).await?;
        Ok(principal)
    }

    /// Ends a session (signing out); ending one that is already gone is fine.
    pub async fn end_session(&self, secret: &str) -> CoreResult<()> {
        let mut tx = self.store.begin().await?;
        tx.delete_session(&secret_hash(secret)).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_are_per_session_and_checked_exactly() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(csrf_token(&a), csrf_token(&b));
        assert!(csrf_matches(&a, &csrf_token(&a)));
        assert!(!csrf_matches(&a, &csrf_token(&b)));
        assert!(!csrf_matches(&a, ""));
        assert!(!csrf_matches(&a, &csrf_token(&a)[..31]));
    }
}
