//! The `collections` table: homes, plain collections and calendars, addressed by
//! (owner, home-relative path).
//!
//! Subtrees are found by path prefix within one owner: `substr(path, 1, n) = 'a/b/'`.
//! Unlike `LIKE`, that treats `%` and `_` in names literally, and `substr` counts code
//! points on both engines, matching [`sql_len`].

use kairos_store::{
    Collection, CollectionId, CollectionKind, CollectionProps, ComponentSet, StoreError,
    StoreResult, Timestamp, UserId,
};
use sqlx::{Any, Executor};

use crate::conn::{Conn, query};
use crate::direct::Arg;
use crate::error::{corrupt, db_err, missing};
use crate::pool::Pools;
use crate::row::{Row, RowRead, get, get_id, get_opt_id, id_text, sql_len};

/// The columns [`from_row`] reads.
macro_rules! columns {
    () => {
        "id, owner_id, parent_id, path, kind, seq, min_sync_seq, created_at, modified_at, \
         displayname, description, color, sort_order, timezone, components"
    };
}

/// Column names a collection row is read from: plain, or aliased with a `c_` prefix where
/// a join would make them ambiguous.
pub(crate) struct Columns {
    id: &'static str,
    owner_id: &'static str,
    parent_id: &'static str,
    path: &'static str,
    kind: &'static str,
    seq: &'static str,
    min_sync_seq: &'static str,
    created_at: &'static str,
    modified_at: &'static str,
    displayname: &'static str,
    description: &'static str,
    color: &'static str,
    sort_order: &'static str,
    timezone: &'static str,
    components: &'static str,
}

macro_rules! column_names {
    ($($field:ident),* ; $prefix:literal) => {
        Columns { $($field: concat!($prefix, stringify!($field))),* }
    };
}

/// Names as selected by [`columns!`].
const PLAIN: Columns = column_names!(id, owner_id, parent_id, path, kind, seq, min_sync_seq,
    created_at, modified_at, displayname, description, color, sort_order, timezone,
    components; "");

/// Names as selected by [`aliased_columns!`].
pub(crate) const ALIASED: Columns = column_names!(id, owner_id, parent_id, path, kind, seq,
    min_sync_seq, created_at, modified_at, displayname, description, color, sort_order,
    timezone, components; "c_");

/// The collection columns of table alias `c`, renamed with a `c_` prefix.
macro_rules! aliased_columns {
    () => {
        "c.id AS c_id, c.owner_id AS c_owner_id, c.parent_id AS c_parent_id, c.path AS c_path, \
         c.kind AS c_kind, c.seq AS c_seq, c.min_sync_seq AS c_min_sync_seq, \
         c.created_at AS c_created_at, c.modified_at AS c_modified_at, \
         c.displayname AS c_displayname, c.description AS c_description, c.color AS c_color, \
         c.sort_order AS c_sort_order, c.timezone AS c_timezone, c.components AS c_components"
    };
}
pub(crate) use aliased_columns;

fn from_row(row: &impl RowRead) -> StoreResult<Collection> {
    from_row_named(row, &PLAIN)
}

/// A collection from a row whose columns are named by `n`.
pub(crate) fn from_row_named(row: &impl RowRead, n: &Columns) -> StoreResult<Collection> {
    let kind: i16 = get(row, n.kind)?;
    let components: i16 = get(row, n.components)?;
    Ok(Collection {
        id: CollectionId(get_id(row, n.id)?),
        owner_id: UserId(get_id(row, n.owner_id)?),
        parent_id: get_opt_id(row, n.parent_id)?.map(CollectionId),
        path: get(row, n.path)?,
        kind: CollectionKind::from_code(kind)
            .ok_or_else(|| corrupt(format!("unknown collection kind {kind}")))?,
        seq: get(row, n.seq)?,
        min_sync_seq: get(row, n.min_sync_seq)?,
        created_at: get(row, n.created_at)?,
        modified_at: get(row, n.modified_at)?,
        props: CollectionProps {
            displayname: get(row, n.displayname)?,
            description: get(row, n.description)?,
            color: get(row, n.color)?,
            order: get(row, n.sort_order)?,
            timezone: get(row, n.timezone)?,
            components: ComponentSet::from_bits(components),
        },
    })
}

fn from_rows(rows: &[impl RowRead]) -> StoreResult<Vec<Collection>> {
    let mut out = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    // Byte order whatever the database collation; a parent's path is a prefix of its
    // children's, so parents come first.
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The prefix every strict descendant of `path` has (`""` for a home: everything).
fn subtree_prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    }
}

/// A collection by owner and path.
pub(crate) async fn by_path(
    conn: &mut Conn<'_>,
    owner: UserId,
    path: &str,
) -> StoreResult<Option<Collection>> {
    conn.optional(BY_PATH, &by_path_args(owner, path), plain_row)
        .await
}

/// [`by_path`] outside a transaction.
pub(crate) async fn read_by_path(
    pools: &Pools,
    owner: UserId,
    path: &str,
) -> StoreResult<Option<Collection>> {
    pools
        .optional(BY_PATH, &by_path_args(owner, path), plain_row)
        .await
}

const BY_PATH: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM collections WHERE owner_id = $1 AND path = $2"
);

fn by_path_args(owner: UserId, path: &str) -> [Arg; 2] {
    [Arg::Text(id_text(owner.0)), Arg::Text(path.to_owned())]
}

fn plain_row(row: &Row<'_>) -> StoreResult<Collection> {
    from_row_named(row, &PLAIN)
}

/// A collection by id.
pub(crate) async fn by_id<'c, E>(ex: E, id: CollectionId) -> StoreResult<Option<Collection>>
where
    E: Executor<'c, Database = Any>,
{
    let sql = concat!("SELECT ", columns!(), " FROM collections WHERE id = $1");
    let row = sqlx::query(sql)
        .bind(id_text(id.0))
        .fetch_optional(ex)
        .await
        .map_err(db_err)?;
    row.as_ref().map(from_row).transpose()
}

/// The direct children of `parent`, ordered by path.
pub(crate) async fn children<'c, E>(ex: E, parent: CollectionId) -> StoreResult<Vec<Collection>>
where
    E: Executor<'c, Database = Any>,
{
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM collections WHERE parent_id = $1 ORDER BY path"
    );
    let rows = sqlx::query(sql)
        .bind(id_text(parent.0))
        .fetch_all(ex)
        .await
        .map_err(db_err)?;
    from_rows(&rows)
}

/// The collection at `path` and everything below it, parents before children.
pub(crate) async fn tree(
    conn: &mut Conn<'_>,
    owner: UserId,
    path: &str,
) -> StoreResult<Vec<Collection>> {
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM collections WHERE owner_id = $1 AND (path = $2 OR substr(path, 1, $3) = $4) \
         ORDER BY path"
    );
    let prefix = subtree_prefix(path);
    let rows = query(sql)
        .bind(id_text(owner.0))
        .bind(path)
        .bind(sql_len(&prefix))
        .bind(prefix.as_str())
        .fetch_all(conn)
        .await?;
    from_rows(&rows)
}

/// Inserts a collection; a taken (owner, path) is reported as a conflict.
pub(crate) async fn insert(conn: &mut Conn<'_>, c: &Collection) -> StoreResult<()> {
    let sql = concat!(
        "INSERT INTO collections (",
        columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
    );
    let p = &c.props;
    query(sql)
        .bind(id_text(c.id.0))
        .bind(id_text(c.owner_id.0))
        .bind(c.parent_id.map(|p| id_text(p.0)))
        .bind(c.path.as_str())
        .bind(c.kind.code())
        .bind(c.seq)
        .bind(c.min_sync_seq)
        .bind(c.created_at)
        .bind(c.modified_at)
        .bind(p.displayname.as_deref())
        .bind(p.description.as_deref())
        .bind(p.color.as_deref())
        .bind(p.order)
        .bind(p.timezone.as_deref())
        .bind(p.components.bits())
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the descriptive properties.
pub(crate) async fn update_props(
    conn: &mut Conn<'_>,
    id: CollectionId,
    p: &CollectionProps,
) -> StoreResult<()> {
    let done = query(
        "UPDATE collections SET displayname = $2, description = $3, color = $4, \
         sort_order = $5, timezone = $6, components = $7 WHERE id = $1",
    )
    .bind(id_text(id.0))
    .bind(p.displayname.as_deref())
    .bind(p.description.as_deref())
    .bind(p.color.as_deref())
    .bind(p.order)
    .bind(p.timezone.as_deref())
    .bind(p.components.bits())
    .execute(conn)
    .await?;
    if done == 0 {
        return Err(missing(format!("collection {id}")));
    }
    Ok(())
}

/// Increments the sequence and returns it. The UPDATE takes the row lock on PostgreSQL
/// (concurrent writers to the same collection wait here) and the database write lock on
/// SQLite (already held: write transactions begin IMMEDIATE).
pub(crate) async fn bump_seq(
    conn: &mut Conn<'_>,
    id: CollectionId,
    now: Timestamp,
) -> StoreResult<i64> {
    let row =
        query("UPDATE collections SET seq = seq + 1, modified_at = $2 WHERE id = $1 RETURNING seq")
            .bind(id_text(id.0))
            .bind(now)
            .fetch_optional(conn)
            .await?;
    match row {
        Some(row) => get(&row, "seq"),
        None => Err(missing(format!("collection {id}"))),
    }
}

/// Sets the sequence and `modified_at` of a collection this transaction already holds
/// locked (write-back of in-memory bumps; see `tx`). A row deleted meanwhile is skipped.
pub(crate) async fn set_seq(
    conn: &mut Conn<'_>,
    id: CollectionId,
    seq: i64,
    now: Timestamp,
) -> StoreResult<()> {
    query("UPDATE collections SET seq = $2, modified_at = $3 WHERE id = $1")
        .bind(id_text(id.0))
        .bind(seq)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Owner and path of a collection, if it exists.
async fn locate(conn: &mut Conn<'_>, id: CollectionId) -> StoreResult<Option<(String, String)>> {
    let row = query("SELECT owner_id, path FROM collections WHERE id = $1")
        .bind(id_text(id.0))
        .fetch_optional(conn)
        .await?;
    row.map(|r| Ok((get(&r, "owner_id")?, get(&r, "path")?)))
        .transpose()
}

/// Deletes a collection and every collection below it, explicitly by path prefix (one
/// statement, any depth) rather than through a chain of `parent_id` cascades. Members,
/// change log and dead properties go with their collection by `ON DELETE CASCADE`.
/// Deleting a collection that no longer exists is a no-op.
pub(crate) async fn delete_tree(conn: &mut Conn<'_>, id: CollectionId) -> StoreResult<()> {
    let Some((owner, path)) = locate(conn, id).await? else {
        return Ok(());
    };
    let prefix = subtree_prefix(&path);
    query("DELETE FROM collections WHERE owner_id = $1 AND (id = $2 OR substr(path, 1, $3) = $4)")
        .bind(owner.as_str())
        .bind(id_text(id.0))
        .bind(sql_len(&prefix))
        .bind(prefix.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Moves a collection below `new_parent` as `new_path`, rewriting the path (and, when the
/// new parent belongs to someone else, the owner) of every collection below it.
pub(crate) async fn move_to(
    conn: &mut Conn<'_>,
    id: CollectionId,
    new_parent: CollectionId,
    new_path: &str,
) -> StoreResult<()> {
    let (owner, old_path) = locate(conn, id)
        .await?
        .ok_or_else(|| missing(format!("collection {id}")))?;
    let (new_owner, parent_path) = locate(conn, new_parent)
        .await?
        .ok_or_else(|| missing(format!("collection {new_parent}")))?;
    if old_path.is_empty() {
        return Err(StoreError::Conflict("a home cannot be moved".into()));
    }
    if new_path.is_empty() {
        return Err(StoreError::Conflict(
            "a collection cannot become a home".into(),
        ));
    }
    let prefix = subtree_prefix(&old_path);
    // Moving into its own subtree would detach it from the tree (and make the prefix
    // rewrite below collide with itself).
    let below_self = |p: &str| p == old_path || p.starts_with(&prefix);
    if owner == new_owner && (below_self(&parent_path) || new_path.starts_with(&prefix)) {
        return Err(StoreError::Conflict(
            "a collection cannot be moved below itself".into(),
        ));
    }

    // The root first: if `new_path` is taken this fails before anything changed, so a
    // caller that goes on after the conflict (possible on SQLite, where a failed
    // statement does not abort the transaction) is not left with half a move.
    query("UPDATE collections SET owner_id = $1, parent_id = $2, path = $3 WHERE id = $4")
        .bind(new_owner.as_str())
        .bind(id_text(new_parent.0))
        .bind(new_path)
        .bind(id_text(id.0))
        .execute(conn)
        .await?;

    // Then the descendants: `new_path || substr(path, n + 1)` keeps the `/rest` after the
    // old prefix. No new path can collide: each lies below `new_path`, which was free
    // and is not below the old path.
    query(
        "UPDATE collections SET owner_id = $1, path = $2 || substr(path, $3) \
         WHERE owner_id = $4 AND substr(path, 1, $5) = $6",
    )
    .bind(new_owner.as_str())
    .bind(new_path)
    .bind(sql_len(&old_path).saturating_add(1))
    .bind(owner.as_str())
    .bind(sql_len(&prefix))
    .bind(prefix.as_str())
    .execute(conn)
    .await?;

    Ok(())
}
