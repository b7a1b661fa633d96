//! The `users` table.

use kairos_store::{StoreResult, User, UserId};
use sqlx::{Any, Executor};

use crate::conn::{Conn, query};
use crate::error::db_err;
use crate::row::{RowRead, get, get_id, id_text};

/// The columns [`from_row`] reads (a macro so statements are `concat!`-ed at compile time).
macro_rules! columns {
    () => {
        "id, name, password_hash, created_at"
    };
}

fn from_row(row: &impl RowRead) -> StoreResult<User> {
    Ok(User {
        id: UserId(get_id(row, "id")?),
        name: get(row, "name")?,
        password_hash: get(row, "password_hash")?,
        created_at: get(row, "created_at")?,
    })
}

/// A user by login name.
pub(crate) async fn by_name<'c, E>(ex: E, name: &str) -> StoreResult<Option<User>>
where
    E: Executor<'c, Database = Any>,
{
    let sql = concat!("SELECT ", columns!(), " FROM users WHERE name = $1");
    let row = sqlx::query(sql)
        .bind(name)
        .fetch_optional(ex)
        .await
        .map_err(db_err)?;
    row.as_ref().map(from_row).transpose()
}

/// A user by id.
pub(crate) async fn by_id<'c, E>(ex: E, id: UserId) -> StoreResult<Option<User>>
where
    E: Executor<'c, Database = Any>,
{
    let sql = concat!("SELECT ", columns!(), " FROM users WHERE id = $1");
    let row = sqlx::query(sql)
        .bind(id_text(id.0))
        .fetch_optional(ex)
        .await
        .map_err(db_err)?;
    row.as_ref().map(from_row).transpose()
}

/// Every user, in byte order of the name (re-sorted in Rust so both engines agree
/// whatever the database collation).
pub(crate) async fn list<'c, E>(ex: E) -> StoreResult<Vec<User>>
where
    E: Executor<'c, Database = Any>,
{
    let sql = concat!("SELECT ", columns!(), " FROM users ORDER BY name");
    let rows = sqlx::query(sql).fetch_all(ex).await.map_err(db_err)?;
    let mut users = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    users.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(users)
}

/// Inserts a user; a taken name is a unique violation, reported as a conflict.
pub(crate) async fn insert(conn: &mut Conn<'_>, user: &User) -> StoreResult<()> {
    query("INSERT INTO users (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id_text(user.id.0))
        .bind(user.name.as_str())
        .bind(user.password_hash.as_str())
        .bind(user.created_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces a password hash; false if there is no such user.
pub(crate) async fn set_password_hash(
    conn: &mut Conn<'_>,
    id: UserId,
    hash: &str,
) -> StoreResult<bool> {
    let done = query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id_text(id.0))
        .bind(hash)
        .execute(conn)
        .await?;
    Ok(done > 0)
}

pub(crate) async fn upgrade_password_hash(
    conn: &mut Conn<'_>,
    id: UserId,
    old: &str,
    new: &str,
) -> StoreResult<bool> {
    let done = query("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
        .bind(id_text(id.0))
        .bind(old)
        .bind(new)
        .execute(conn)
        .await?;
    Ok(done > 0)
}

/// Deletes a user and everything they own.
///
/// Their collections are deleted explicitly by owner first (one statement, whatever the
/// depth of the tree) rather than through a chain of cascades; members, change log and
/// dead properties then go with their collections by `ON DELETE CASCADE`.
pub(crate) async fn delete(conn: &mut Conn<'_>, id: UserId) -> StoreResult<bool> {
    let id = id_text(id.0);
    query("DELETE FROM collections WHERE owner_id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    let done = query("DELETE FROM users WHERE id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(done > 0)
}
