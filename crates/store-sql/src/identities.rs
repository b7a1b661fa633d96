//! The `external_identities` and `pending_sign_ins` tables (single sign-on).

use kairos_store::{PendingSignIn, StoreResult, Timestamp, UserId};
use sqlx::{Any, Executor};

use crate::conn::{Conn, query};
use crate::error::db_err;
use crate::row::{get, get_id, id_text};

/// The user linked to (issuer, subject).
pub(crate) async fn identity_user<'c, E>(
    ex: E,
    issuer: &str,
    subject: &str,
) -> StoreResult<Option<UserId>>
where
    E: Executor<'c, Database = Any>,
{
    let row =
        sqlx::query("SELECT user_id FROM external_identities WHERE issuer = $1 AND subject = $2")
            .bind(issuer)
            .bind(subject)
            .fetch_optional(ex)
            .await
            .map_err(db_err)?;
    row.as_ref()
        .map(|r| get_id(r, "user_id").map(UserId))
        .transpose()
}

/// Links (issuer, subject) to a user.
pub(crate) async fn link_identity(
    conn: &mut Conn<'_>,
    issuer: &str,
    subject: &str,
    user: UserId,
    now: Timestamp,
) -> StoreResult<()> {
    query(
        "INSERT INTO external_identities (issuer, subject, user_id, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(issuer)
    .bind(subject)
    .bind(id_text(user.0))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores a sign-in in flight after dropping expired ones (so abandoned sign-ins never
/// pile up, with no sweeper needed).
pub(crate) async fn insert_pending(
    conn: &mut Conn<'_>,
    p: &PendingSignIn,
    now: Timestamp,
) -> StoreResult<()> {
    query("DELETE FROM pending_sign_ins WHERE expires_at < $1")
        .bind(now)
        .execute(conn)
        .await?;
    query(
        "INSERT INTO pending_sign_ins (state_hash, pkce_verifier, nonce, return_to, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(p.state_hash.as_str())
    .bind(p.pkce_verifier.as_str())
    .bind(p.nonce.as_str())
    .bind(p.return_to.as_str())
    .bind(p.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the sign-in with this state hash; returns it if it had not expired.
pub(crate) async fn take_pending(
    conn: &mut Conn<'_>,
    state_hash: &str,
    now: Timestamp,
) -> StoreResult<Option<PendingSignIn>> {
    let row = query(
        "DELETE FROM pending_sign_ins WHERE state_hash = $1 \
         RETURNING state_hash, pkce_verifier, nonce, return_to, expires_at",
    )
    .bind(state_hash)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let pending = PendingSignIn {
        state_hash: get(&row, "state_hash")?,
        pkce_verifier: get(&row, "pkce_verifier")?,
        nonce: get(&row, "nonce")?,
        return_to: get(&row, "return_to")?,
        expires_at: get(&row, "expires_at")?,
    };
    Ok((pending.expires_at >= now).then_some(pending))
}
