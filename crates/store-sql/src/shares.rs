//! The `shares`, `share_log` and `public_links` tables.

use kairos_store::{
    CollectionId, IncomingShare, Share, ShareAccess, ShareAction, ShareLogEntry, StoreResult,
    Timestamp, UserId,
};
use sqlx::{Any, Executor};

use crate::collections::{ALIASED, aliased_columns, from_row_named};
use crate::conn::{Conn, query};
use crate::direct::Arg;
use crate::error::{corrupt, db_err};
use crate::pool::Pools;
use crate::row::{RowRead, get, get_id, id_text};

fn access_of(row: &impl RowRead, column: &str) -> StoreResult<ShareAccess> {
    let code: i16 = get(row, column)?;
    ShareAccess::from_code(code).ok_or_else(|| corrupt(format!("share access {code}")))
}

/// Who a calendar is shared with, by login name (byte order, whatever the collation).
pub(crate) async fn shares_of<'c, E>(
    ex: E,
    collection: CollectionId,
) -> StoreResult<Vec<(Share, String)>>
where
    E: Executor<'c, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT s.sharee_id, s.access, s.created_at, s.modified_at, u.name \
         FROM shares s JOIN users u ON u.id = s.sharee_id WHERE s.collection_id = $1",
    )
    .bind(id_text(collection.0))
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    let mut out = rows
        .iter()
        .map(|row| {
            Ok((
                Share {
                    collection,
                    sharee: UserId(get_id(row, "sharee_id")?),
                    access: access_of(row, "access")?,
                    created_at: get(row, "created_at")?,
                    modified_at: get(row, "modified_at")?,
                },
                get::<String>(row, "name")?,
            ))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// The calendars shared with a user, with their owners' names.
pub(crate) async fn shared_with(pools: &Pools, sharee: UserId) -> StoreResult<Vec<IncomingShare>> {
    // Read by every principal PROPFIND (the calendar-home-set names shared homes).
    const SQL: &str = concat!(
        "SELECT ",
        aliased_columns!(),
        ", s.access, u.name AS owner_name FROM shares s \
         JOIN collections c ON c.id = s.collection_id JOIN users u ON u.id = c.owner_id \
         WHERE s.sharee_id = $1"
    );
    let mut out = pools
        .few(SQL, &[Arg::Text(id_text(sharee.0))], |row| {
            Ok(IncomingShare {
                collection: from_row_named(row, &ALIASED)?,
                owner_name: get(row, "owner_name")?,
                access: access_of(row, "access")?,
            })
        })
        .await?;
    out.sort_by(|a, b| {
        (a.owner_name.as_str(), a.collection.path.as_str())
            .cmp(&(b.owner_name.as_str(), b.collection.path.as_str()))
    });
    Ok(out)
}

/// What `sharee` may do in each of `owner`'s shared calendars.
pub(crate) async fn shares_between<'c, E>(
    ex: E,
    owner: UserId,
    sharee: UserId,
) -> StoreResult<Vec<(CollectionId, ShareAccess)>>
where
    E: Executor<'c, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT s.collection_id, s.access FROM shares s \
         JOIN collections c ON c.id = s.collection_id WHERE c.owner_id = $1 AND s.sharee_id = $2",
    )
    .bind(id_text(owner.0))
    .bind(id_text(sharee.0))
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok((
                CollectionId(get_id(row, "collection_id")?),
                access_of(row, "access")?,
            ))
        })
        .collect()
}

/// Shares, or changes the access of an existing share (keeping its creation time).
pub(crate) async fn put_share(conn: &mut Conn<'_>, s: &Share) -> StoreResult<()> {
    query(
        "INSERT INTO shares (collection_id, sharee_id, access, created_at, modified_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (collection_id, sharee_id) \
         DO UPDATE SET access = excluded.access, modified_at = excluded.modified_at",
    )
    .bind(id_text(s.collection.0))
    .bind(id_text(s.sharee.0))
    .bind(s.access.code())
    .bind(s.created_at)
    .bind(s.modified_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a share away.
pub(crate) async fn delete_share(
    conn: &mut Conn<'_>,
    collection: CollectionId,
    sharee: UserId,
) -> StoreResult<bool> {
    let done = query("DELETE FROM shares WHERE collection_id = $1 AND sharee_id = $2")
        .bind(id_text(collection.0))
        .bind(id_text(sharee.0))
        .execute(conn)
        .await?;
    Ok(done > 0)
}

/// Appends to the sharing history.
pub(crate) async fn log_share(conn: &mut Conn<'_>, e: &ShareLogEntry) -> StoreResult<()> {
    query(
        "INSERT INTO share_log (id, collection_id, actor_name, action, sharee_name, access, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id_text(kairos_store::new_id()))
    .bind(id_text(e.collection.0))
    .bind(e.actor.as_str())
    .bind(e.action.code())
    .bind(e.sharee.as_deref())
    .bind(e.access.map(ShareAccess::code))
    .bind(e.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The sharing history of a calendar, oldest first.
pub(crate) async fn share_log<'c, E>(
    ex: E,
    collection: CollectionId,
) -> StoreResult<Vec<ShareLogEntry>>
where
    E: Executor<'c, Database = Any>,
{
    let rows = sqlx::query(
        "SELECT actor_name, action, sharee_name, access, at FROM share_log \
         WHERE collection_id = $1 ORDER BY at, id",
    )
    .bind(id_text(collection.0))
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let action: i16 = get(row, "action")?;
            let access: Option<i16> = get(row, "access")?;
            Ok(ShareLogEntry {
                collection,
                actor: get(row, "actor_name")?,
                action: ShareAction::from_code(action)
                    .ok_or_else(|| corrupt(format!("share action {action}")))?,
                sharee: get(row, "sharee_name")?,
                access: access
                    .map(|c| {
                        ShareAccess::from_code(c).ok_or_else(|| corrupt(format!("access {c}")))
                    })
                    .transpose()?,
                at: get(row, "at")?,
            })
        })
        .collect()
}

/// The calendar a public link's secret hash opens.
pub(crate) async fn public_link<'c, E>(ex: E, hash: &str) -> StoreResult<Option<CollectionId>>
where
    E: Executor<'c, Database = Any>,
{
    let row = sqlx::query("SELECT collection_id FROM public_links WHERE secret_hash = $1")
        .bind(hash)
        .fetch_optional(ex)
        .await
        .map_err(db_err)?;
    row.as_ref()
        .map(|r| Ok(CollectionId(get_id(r, "collection_id")?)))
        .transpose()
}

/// When a calendar's public link was made.
pub(crate) async fn public_link_of<'c, E>(
    ex: E,
    collection: CollectionId,
) -> StoreResult<Option<Timestamp>>
where
    E: Executor<'c, Database = Any>,
{
    let row = sqlx::query("SELECT created_at FROM public_links WHERE collection_id = $1")
        .bind(id_text(collection.0))
        .fetch_optional(ex)
        .await
        .map_err(db_err)?;
    row.as_ref().map(|r| get(r, "created_at")).transpose()
}

/// Gives a calendar a (new) public link.
pub(crate) async fn set_public_link(
    conn: &mut Conn<'_>,
    collection: CollectionId,
    hash: &str,
    now: Timestamp,
) -> StoreResult<()> {
    delete_public_link(conn, collection).await?;
    query("INSERT INTO public_links (secret_hash, collection_id, created_at) VALUES ($1, $2, $3)")
        .bind(hash)
        .bind(id_text(collection.0))
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes a calendar's public link.
pub(crate) async fn delete_public_link(
    conn: &mut Conn<'_>,
    collection: CollectionId,
) -> StoreResult<bool> {
    let done = query("DELETE FROM public_links WHERE collection_id = $1")
        .bind(id_text(collection.0))
        .execute(conn)
        .await?;
    Ok(done > 0)
}
