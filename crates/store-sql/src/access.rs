//! The `credentials` and `sessions` tables.

use kairos_store::{
    Credential, CredentialId, CredentialKind, Scope, Session, StoreResult, Timestamp, UserId,
};
use sqlx::{Any, Executor};

use crate::conn::{Conn, query};
use crate::error::{corrupt, db_err};
use crate::row::{RowRead, get, get_id, get_opt_id, id_text};

/// The columns [`credential_from_row`] reads.
macro_rules! credential_columns {
    () => {
        "id, user_id, kind, name, secret_hash, scope, collection_id, created_at, expires_at, \
         last_used_at"
    };
}

fn credential_from_row(row: &impl RowRead) -> StoreResult<Credential> {
    let kind: i16 = get(row, "kind")?;
    let scope: i16 = get(row, "scope")?;
    Ok(Credential {
        id: CredentialId(get_id(row, "id")?),
        user_id: UserId(get_id(row, "user_id")?),
        kind: CredentialKind::from_code(kind)
            .ok_or_else(|| corrupt(format!("credential kind {kind}")))?,
        name: get(row, "name")?,
        secret_hash: get(row, "secret_hash")?,
        scope: Scope::from_code(scope).ok_or_else(|| corrupt(format!("scope {scope}")))?,
        collection: get_opt_id(row, "collection_id")?.map(kairos_store::CollectionId),
        created_at: get(row, "created_at")?,
        expires_at: get(row, "expires_at")?,
        last_used_at: get(row, "last_used_at")?,
    })
}

/// The credential with this secret hash.
pub(crate) async fn credential_by_hash<'c, E>(ex: E, hash: &str) -> StoreResult<Option<Credential>>
where
    E: Executor<'c, Database = Any>,
{
    let sql = concat!(
        "SELECT ",
        credential_columns!(),
        " FROM credentials WHERE secret_hash = $1"
    );
    let row = sqlx::query(sql)
        .bind(hash)
        .fetch_optional(ex)
        .await
        .map_err(db_err)?;
    row.as_ref().map(credential_from_row).transpose()
}

/// A user's credentials, oldest first.
pub(crate) async fn credentials_of<'c, E>(ex: E, user: UserId) -> StoreResult<Vec<Credential>>
where
    E: Executor<'c, Database = Any>,
{
    let sql = concat!(
        "SELECT ",
        credential_columns!(),
        " FROM credentials WHERE user_id = $1 ORDER BY created_at, id"
    );
    let rows = sqlx::query(sql)
        .bind(id_text(user.0))
        .fetch_all(ex)
        .await
        .map_err(db_err)?;
    rows.iter().map(credential_from_row).collect()
}

/// Stamps the last use.
pub(crate) async fn touch_credential<'c, E>(
    ex: E,
    id: CredentialId,
    now: Timestamp,
) -> StoreResult<()>
where
    E: Executor<'c, Database = Any>,
{
    sqlx::query("UPDATE credentials SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id_text(id.0))
        .execute(ex)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Inserts a credential.
pub(crate) async fn insert_credential(conn: &mut Conn<'_>, c: &Credential) -> StoreResult<()> {
    query(concat!(
        "INSERT INTO credentials (",
        credential_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(id_text(c.id.0))
    .bind(id_text(c.user_id.0))
    .bind(c.kind.code())
    .bind(c.name.as_str())
    .bind(c.secret_hash.as_str())
    .bind(c.scope.code())
    .bind(c.collection.map(|id| id_text(id.0)))
    .bind(c.created_at)
    .bind(c.expires_at)
    .bind(c.last_used_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes one of a user's credentials.
pub(crate) async fn delete_credential(
    conn: &mut Conn<'_>,
    user: UserId,
    id: CredentialId,
) -> StoreResult<bool> {
    let done = query("DELETE FROM credentials WHERE id = $1 AND user_id = $2")
        .bind(id_text(id.0))
        .bind(id_text(user.0))
        .execute(conn)
        .await?;
    Ok(done > 0)
}

/// The session with this secret hash.
pub(crate) async fn session_by_hash<'c, E>(ex: E, hash: &str) -> StoreResult<Option<Session>>
where
    E: Executor<'c, Database = Any>,
{
    let row = sqlx::query(
        "SELECT secret_hash, user_id, created_at, expires_at FROM sessions WHERE secret_hash = $1",
    )
    .bind(hash)
    .fetch_optional(ex)
    .await
    .map_err(db_err)?;
    row.as_ref()
        .map(|row| {
            Ok(Session {
                secret_hash: get(row, "secret_hash")?,
                user_id: UserId(get_id(row, "user_id")?),
                created_at: get(row, "created_at")?,
                expires_at: get(row, "expires_at")?,
            })
        })
        .transpose()
}

/// Inserts a session.
pub(crate) async fn insert_session(conn: &mut Conn<'_>, s: &Session) -> StoreResult<()> {
    query(
        "INSERT INTO sessions (secret_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(s.secret_hash.as_str())
    .bind(id_text(s.user_id.0))
    .bind(s.created_at)
    .bind(s.expires_at)
    .execute(conn).await?;
    Ok(())
}

/// Runs a DELETE with one text parameter and counts the rows it removed.
async fn delete_where(conn: &mut Conn<'_>, sql: &str, arg: String) -> StoreResult<u64> {
    query(sql).bind(arg).execute(conn).await
}

/// Ends one session.
pub(crate) async fn delete_session(conn: &mut Conn<'_>, hash: &str) -> StoreResult<bool> {
    let n = delete_where(
        conn,
        "DELETE FROM sessions WHERE secret_hash = $1",
        hash.to_owned(),
    );
    Ok(n.await? > 0)
}

/// Ends every session of a user.
pub(crate) async fn delete_sessions_of(conn: &mut Conn<'_>, user: UserId) -> StoreResult<u64> {
    delete_where(
        conn,
        "DELETE FROM sessions WHERE user_id = $1",
        id_text(user.0),
    )
    .await
}

/// Forgets ended sessions.
pub(crate) async fn prune_sessions(conn: &mut Conn<'_>, now: Timestamp) -> StoreResult<u64> {
    query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(conn)
        .await
}
