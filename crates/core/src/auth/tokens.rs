//! API tokens and app passwords: random secrets shown once, stored as hashes, narrowed
//! by a scope and optionally to one calendar, revocable, with a last-used time.

use std::net::IpAddr;
use std::time::Duration;

use base64::Engine as _;
use kairos_store::{
    Collection, CollectionKind, Credential, CredentialId, CredentialKind, Scope, new_id,
};

use crate::access::{Limits, Principal};
use crate::{CoreError, CoreResult, Kairos, now_ms};

/// Prefix of every secret Kairos mints: lets a Basic password be recognised as an app
/// password without an argon2 check, and lets secret scanners find leaked ones.
pub const SECRET_PREFIX: &str = "kairos_";

/// Longest label accepted.
const MAX_NAME: usize = 100;
/// Most credentials one user may hold (a bound on what one account can make us store).
const MAX_PER_USER: usize = 200;
/// A use is stamped only if the previous stamp is older than this, so a busy client does
/// not turn every read into a write.
const TOUCH_EVERY_MS: i64 = 60_000;

/// What to mint.
#[derive(Clone, Debug)]
pub struct NewCredential {
    /// Token or app password.
    pub kind: CredentialKind,
    /// A label for its owner ("phone", "backup script").
    pub name: String,
    /// Read-only or read-write.
    pub scope: Scope,
    /// Home-relative path of the one calendar it may reach, if limited.
    pub calendar: Option<String>,
    /// Lifetime, if it should end.
    pub expires_in: Option<Duration>,
}

/// A newly minted credential and its secret (the only time the secret exists in clear).
#[derive(Clone, Debug)]
pub struct MintedCredential {
    /// The stored credential.
    pub credential: Credential,
    /// The secret to hand to the user.
    pub secret: String,
}

/// The stored hash of a secret. The secrets carry 256 random bits, so one fast hash is
/// as strong as argon2 here and keeps Bearer checks cheap.
pub(crate) fn secret_hash(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

/// A fresh secret: the prefix and 32 random bytes, URL-safe.
pub(crate) fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

impl Kairos {
    /// Mints a credential for the principal. Only a full sign-in (password or session) may
    /// mint or revoke: a token cannot breed tokens broader than itself.
    pub async fn create_credential(
        &self,
        principal: &Principal,
        new: NewCredential,
    ) -> CoreResult<MintedCredential> {
        require_full(principal)?;
        self.auth.limits.minting(principal.id())?;
        let name = new.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(CoreError::Invalid(format!(
                "a credential name has 1-{MAX_NAME} printable characters"
            )));
        }
        let collection = match &new.calendar {
            Some(path) => Some(self.own_calendar(principal, path).await?.id),
            None => None,
        };
        if self.store.credentials_of(principal.id()).await?.len() >= MAX_PER_USER {
            return Err(CoreError::Invalid(format!(
                "at most {MAX_PER_USER} tokens and app passwords per user; revoke some first"
            )));
        }
        let now = now_ms();
        let expires_at = new
            .expires_in
            .map(|d| now.saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)));
        let secret = new_secret();
        let credential = Credential {
            id: CredentialId(new_id()),
            user_id: principal.id(),
            kind: new.kind,
            name: name.to_owned(),
            secret_hash: secret_hash(&secret),
            scope: new.scope,
            collection,
            created_at: now,
            expires_at,
            last_used_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_credential(&credential).await?;
        tx.commit().await?;
        Ok(MintedCredential { credential, secret })
    }

    /// The principal's tokens and app passwords, oldest first (never their secrets).
    pub async fn credentials(&self, principal: &Principal) -> CoreResult<Vec<Credential>> {
        Ok(self.store.credentials_of(principal.id()).await?)
    }

    /// Revokes one of the principal's credentials; it stops working at once on this node
    /// and within the credential cache's TTL on others.
    pub async fn revoke_credential(
        &self,
        principal: &Principal,
        id: CredentialId,
    ) -> CoreResult<()> {
        require_full(principal)?;
        let mut tx = self.store.begin().await?;
        if !tx.delete_credential(principal.id(), id).await? {
            return Err(CoreError::NotFound);
        }
        tx.commit().await?;
        self.auth.forget_user(principal.id());
        Ok(())
    }

    /// Signs in with a token secret (a Bearer token, or an app password given as the
    /// Basic password of `expected_user`). Failures count towards the client's throttle.
    pub async fn authenticate_secret(
        &self,
        secret: &str,
        expected_user: Option<&str>,
        client: Option<IpAddr>,
    ) -> CoreResult<Principal> {
        // A valid secret always gets in, even from a blocked address: guessing a 256-bit
        // secret is hopeless, so the throttle only has to stop the wrong ones (and count
        // them against the address, for its password attempts).
        if let Some(principal) = self.principal_for_secret(secret, expected_user).await? {
            return Ok(principal);
        }
        let ip_key = client.map(|ip| format!("ip:{ip}"));
        let keys: Vec<&str> = ip_key.as_deref().into_iter().collect();
        if let Some(wait) = self.auth.throttle.blocked(&keys) {
            return Err(CoreError::RateLimited(wait));
        }
        self.auth.throttle.record_failure(&keys);
        tracing::info!(client = ?client, "failed token sign-in");
        Err(CoreError::Unauthenticated)
    }

    async fn principal_for_secret(
        &self,
        secret: &str,
        expected_user: Option<&str>,
    ) -> CoreResult<Option<Principal>> {
        if !secret.starts_with(SECRET_PREFIX) {
            return Ok(None);
        }
        let Some(credential) = self.store.credential_by_hash(&secret_hash(secret)).await? else {
            return Ok(None);
        };
        let now = now_ms();
        if credential.expires_at.is_some_and(|end| end <= now) {
            return Ok(None);
        }
        let Some(user) = self.store.user_by_id(credential.user_id).await? else {
            return Ok(None);
        };
        if expected_user.is_some_and(|u| u != user.name) {
            return Ok(None);
        }
        if credential
            .last_used_at
            .is_none_or(|t| now - t >= TOUCH_EVERY_MS)
        {
            // Best effort: a lost stamp only makes "last used" a minute older.
            if let Err(e) = self.store.touch_credential(credential.id, now).await {
                tracing::debug!(error = %e, "could not stamp credential use");
            }
        }
        let limits = Limits {
            read_only: credential.scope == Scope::ReadOnly,
            calendar: credential.collection,
        };
        let principal = Principal::by_credential(user.id, user.name, limits);
        self.ensure_home(&principal).await?;
        Ok(Some(principal))
    }

    /// One of the principal's own calendars by home-relative path.
    async fn own_calendar(&self, principal: &Principal, path: &str) -> CoreResult<Collection> {
        match self.store.collection_by_path(principal.id(), path).await? {
            Some(c) if c.kind == CollectionKind::Calendar => Ok(c),
            _ => Err(CoreError::Invalid(format!("no calendar {path:?}"))),
        }
    }
}

fn require_full(principal: &Principal) -> CoreResult<()> {
    if !principal.signed_in_by_credential() {
        Ok(())
    } else {
        Err(CoreError::Forbidden(
            "tokens and app passwords are managed after signing in with the account password",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_hash_stably() {
        let a = new_secret();
        let b = new_secret();
        assert!(a.starts_with(SECRET_PREFIX));
        assert_eq!(a.len(), SECRET_PREFIX.len() + 43);
        assert_ne!(a, b);
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert_ne!(secret_hash(&a), secret_hash(&b));
    }
}
