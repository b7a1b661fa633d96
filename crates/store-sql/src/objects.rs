//! The `objects` table: member resources with their exact bytes and derived index fields.
//!
//! Metadata-only queries never select `data`, so listing a large collection does not
//! load any resource body.

use std::collections::BTreeSet;

use kairos_store::{
    Collection, CollectionId, ComponentKind, FetchedObject, ObjectId, ObjectMeta, ObjectWrite,
    StoreResult, StoredObject, Timestamp, UserId,
};
use sqlx::{Any, Executor};

use crate::conn::{Conn, query};
use crate::direct::Arg;
use crate::error::{corrupt, db_err, missing};
use crate::pool::Pools;
use crate::read::Decoder;
use crate::row::{Row, RowRead, get, get_id, id_text, placeholders};

/// The metadata columns [`meta_from_row`] reads (`data` is selected separately).
macro_rules! meta_columns {
    () => {
        "id, collection_id, name, etag, content_type, size, created_at, modified_at, uid, \
         component"
    };
}

/// [`meta_columns`] of the `objects` row aliased `o`.
macro_rules! prefixed_meta_columns {
    () => {
        "o.id, o.collection_id, o.name, o.etag, o.content_type, o.size, o.created_at, \
         o.modified_at, o.uid, o.component"
    };
}
pub(crate) use prefixed_meta_columns;

/// The largest `IN (…)` list sent in one statement. Both engines accept far more bound
/// parameters (SQLite 32766, PostgreSQL 65535); this keeps a multiget of ~1000 names to
/// one query.
const MAX_IN_LIST: usize = 1024;

/// Metadata from a row holding [`meta_columns`].
pub(crate) fn meta_from_row(row: &impl RowRead) -> StoreResult<ObjectMeta> {
    let component: Option<i16> = get(row, "component")?;
    let component = component
        .map(|c| {
            ComponentKind::from_code(c).ok_or_else(|| corrupt(format!("unknown component {c}")))
        })
        .transpose()?;
    Ok(ObjectMeta {
        id: ObjectId(get_id(row, "id")?),
        collection_id: CollectionId(get_id(row, "collection_id")?),
        name: get(row, "name")?,
        etag: get(row, "etag")?,
        content_type: get(row, "content_type")?,
        size: get(row, "size")?,
        created_at: get(row, "created_at")?,
        modified_at: get(row, "modified_at")?,
        uid: get(row, "uid")?,
        component,
    })
}

fn stored_from_row(row: &impl RowRead) -> StoreResult<StoredObject> {
    Ok(StoredObject {
        meta: meta_from_row(row)?,
        data: get(row, "data")?,
    })
}

/// A member with its bytes and its collection, found by the owner's collection path and
/// the member name in one query (the GET path: one round trip instead of two).
pub(crate) async fn by_path(
    pools: &Pools,
    owner: UserId,
    collection_path: &str,
    name: &str,
) -> StoreResult<Option<(Collection, StoredObject)>> {
    const SQL: &str = concat!(
        "SELECT ",
        crate::collections::aliased_columns!(),
        ", ",
        prefixed_meta_columns!(),
        ", o.data \
         FROM collections c JOIN objects o ON o.collection_id = c.id \
         WHERE c.owner_id = $1 AND c.path = $2 AND o.name = $3"
    );
    let args = [
        Arg::Text(id_text(owner.0)),
        Arg::Text(collection_path.to_owned()),
        Arg::Text(name.to_owned()),
    ];
    pools
        .optional(SQL, &args, |r| {
            Ok((
                crate::collections::from_row_named(r, &crate::collections::ALIASED)?,
                stored_from_row(r)?,
            ))
        })
        .await
}

const GET_ONE: &str = concat!(
    "SELECT ",
    meta_columns!(),
    ", data FROM objects WHERE collection_id = $1 AND name = $2"
);

const META: &str = concat!(
    "SELECT ",
    meta_columns!(),
    " FROM objects WHERE collection_id = $1 AND name = $2"
);

fn member_args(collection: CollectionId, name: &str) -> [Arg; 2] {
    [Arg::Text(id_text(collection.0)), Arg::Text(name.to_owned())]
}

fn stored_row(row: &Row<'_>) -> StoreResult<StoredObject> {
    stored_from_row(row)
}

fn meta_row(row: &Row<'_>) -> StoreResult<ObjectMeta> {
    meta_from_row(row)
}

/// One member with its bytes.
pub(crate) async fn get_one(
    conn: &mut Conn<'_>,
    collection: CollectionId,
    name: &str,
) -> StoreResult<Option<StoredObject>> {
    conn.optional(GET_ONE, &member_args(collection, name), stored_row)
        .await
}

/// [`get_one`] outside a transaction.
pub(crate) async fn read_one(
    pools: &Pools,
    collection: CollectionId,
    name: &str,
) -> StoreResult<Option<StoredObject>> {
    pools
        .optional(GET_ONE, &member_args(collection, name), stored_row)
        .await
}

/// One member without its bytes.
pub(crate) async fn meta(
    pools: &Pools,
    collection: CollectionId,
    name: &str,
) -> StoreResult<Option<ObjectMeta>> {
    pools
        .optional(META, &member_args(collection, name), meta_row)
        .await
}

const LIST: &str = concat!(
    "SELECT ",
    meta_columns!(),
    " FROM objects WHERE collection_id = $1 ORDER BY name"
);

/// Every member's metadata, ordered by name (byte order, sorted in Rust so both engines
/// agree whatever the collation); on SQLite directly, on one blocking thread.
pub(crate) async fn read_list(
    pools: &Pools,
    collection: CollectionId,
) -> StoreResult<Vec<ObjectMeta>> {
    let args = vec![Arg::Text(id_text(collection.0))];
    let mut out = pools.all(LIST.into(), args, meta_row).await?;
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

const LIST_WITH_DATA: &str = concat!(
    "SELECT ",
    meta_columns!(),
    ", data FROM objects WHERE collection_id = $1 ORDER BY name"
);

/// Every member with its bytes, ordered by name (byte order).
pub(crate) async fn list_with_data(
    conn: &mut Conn<'_>,
    collection: CollectionId,
) -> StoreResult<Vec<StoredObject>> {
    let args = [Arg::Text(id_text(collection.0))];
    Ok(by_name(conn.all(LIST_WITH_DATA, &args, stored_row).await?))
}

/// [`list_with_data`] outside a transaction.
pub(crate) async fn read_list_with_data(
    pools: &Pools,
    collection: CollectionId,
) -> StoreResult<Vec<StoredObject>> {
    let args = vec![Arg::Text(id_text(collection.0))];
    Ok(by_name(
        pools.all(LIST_WITH_DATA.into(), args, stored_row).await?,
    ))
}

fn by_name(mut objects: Vec<StoredObject>) -> Vec<StoredObject> {
    objects.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
    objects
}

/// The named members that exist, ordered by name; duplicates in `names` are ignored.
///
/// One statement per [`MAX_IN_LIST`] names. The list is padded (by repeating the last
/// name) to the next power of two so that only a handful of distinct statement texts
/// exist and each stays in the per-connection prepared statement cache.
pub(crate) async fn by_names(
    pools: &Pools,
    collection: CollectionId,
    names: &[String],
    with_data: bool,
) -> StoreResult<Vec<FetchedObject>> {
    let unique: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let collection = id_text(collection.0);
    let mut out = Vec::with_capacity(unique.len());
    for chunk in unique.chunks(MAX_IN_LIST) {
        let Some(last) = chunk.last() else { continue };
        let padded = chunk.len().next_power_of_two().min(MAX_IN_LIST);
        let sql = format!(
            "SELECT {}{} FROM objects WHERE collection_id = $1 AND name IN ({})",
            meta_columns!(),
            if with_data { ", data" } else { "" },
            placeholders(2, padded)
        );
        let args = std::iter::once(collection.clone())
            .chain(
                chunk
                    .iter()
                    .chain(std::iter::repeat_n(last, padded - chunk.len()))
                    .map(|n| (*n).to_owned()),
            )
            .map(Arg::Text)
            .collect();
        let decode: Decoder<FetchedObject> = if with_data {
            |r| {
                Ok(FetchedObject {
                    meta: meta_from_row(r)?,
                    data: Some(get::<Vec<u8>>(r, "data")?.into()),
                })
            }
        } else {
            |r| {
                Ok(FetchedObject {
                    meta: meta_from_row(r)?,
                    data: None,
                })
            }
        };
        out.extend(pools.all(sql, args, decode).await?);
    }
    out.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
    Ok(out)
}

/// The members of `collection` with these ids and one of `kinds`, in no order.
pub(crate) async fn metas_by_ids(
    pools: &Pools,
    collection: CollectionId,
    ids: &[String],
    kinds: &[ComponentKind],
) -> StoreResult<Vec<ObjectMeta>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_IN_LIST) {
        let Some(last) = chunk.last() else { continue };
        // Padded to a power of two so that few distinct statements reach the cache.
        let padded = chunk.len().next_power_of_two().min(MAX_IN_LIST);
        // Only the ids in SQL: given `collection_id = ?` as well, SQLite walked the whole
        // collection by its (collection_id, name) index instead of looking the ids up
        // (100 ms for 18 ids in a 100,000-object calendar). Ids are unique anyway; the
        // collection and the kinds are checked on the rows.
        let sql = metas_by_ids_sql(padded);
        let args = chunk
            .iter()
            .chain(std::iter::repeat_n(last, padded - chunk.len()))
            .map(|id| Arg::Text(id.clone()))
            .collect();
        let metas = pools.all(sql, args, |r| meta_from_row(r)).await?;
        out.extend(metas.into_iter().filter(|m| {
            m.collection_id == collection && m.component.is_some_and(|k| kinds.contains(&k))
        }));
    }
    Ok(out)
}

fn metas_by_ids_sql(ids: usize) -> String {
    format!(
        "SELECT {} FROM objects WHERE id IN ({})",
        meta_columns!(),
        placeholders(1, ids)
    )
}

/// The name of the member holding `uid`, if any.
pub(crate) async fn name_by_uid(
    conn: &mut Conn<'_>,
    collection: CollectionId,
    uid: &str,
) -> StoreResult<Option<String>> {
    let row = query("SELECT name FROM objects WHERE collection_id = $1 AND uid = $2")
        .bind(id_text(collection.0))
        .bind(uid)
        .fetch_optional(conn)
        .await?;
    row.map(|r| get(&r, "name")).transpose()
}

/// Creates or replaces a member in one upsert; on replace the row keeps its id and
/// `created_at` (and so its dead properties). A UID already used by another member of
/// the collection is a unique violation, reported as a conflict.
pub(crate) async fn put(
    conn: &mut Conn<'_>,
    collection: CollectionId,
    w: &ObjectWrite,
    now: Timestamp,
) -> StoreResult<ObjectMeta> {
    const SQL: &str = concat!(
        "INSERT INTO objects (",
        meta_columns!(),
        ", data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (collection_id, name) DO UPDATE SET \
         etag = excluded.etag, content_type = excluded.content_type, size = excluded.size, \
         modified_at = excluded.modified_at, uid = excluded.uid, \
         component = excluded.component, data = excluded.data \
         RETURNING ",
        meta_columns!()
    );
    write_row(conn, SQL, collection, w, now, now).await
}

/// Inserts a new member with the given times (restoring an export). Unlike [`put`] it
/// never replaces: a taken name or UID is a unique violation, reported as a conflict, so
/// a duplicate in the input cannot silently overwrite what was imported before it.
pub(crate) async fn insert(
    conn: &mut Conn<'_>,
    collection: CollectionId,
    w: &ObjectWrite,
    created_at: Timestamp,
    modified_at: Timestamp,
) -> StoreResult<ObjectMeta> {
    const SQL: &str = concat!(
        "INSERT INTO objects (",
        meta_columns!(),
        ", data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ",
        meta_columns!()
    );
    write_row(conn, SQL, collection, w, created_at, modified_at).await
}

/// Runs one of the member-writing statements above (same eleven parameters) and writes
/// the member's time index beside it.
async fn write_row(
    conn: &mut Conn<'_>,
    sql: &'static str,
    collection: CollectionId,
    w: &ObjectWrite,
    created_at: Timestamp,
    modified_at: Timestamp,
) -> StoreResult<ObjectMeta> {
    let size = i64::try_from(w.data.len()).map_err(|_| corrupt("object larger than i64"))?;
    let row = query(sql)
        .bind(id_text(kairos_store::new_id()))
        .bind(id_text(collection.0))
        .bind(w.name.as_str())
        .bind(w.etag.as_str())
        .bind(w.content_type.as_str())
        .bind(size)
        .bind(created_at)
        .bind(modified_at)
        .bind(w.uid.as_deref())
        .bind(w.component.map(ComponentKind::code))
        .bind(w.data.as_slice())
        .fetch_one(conn)
        .await?;
    let meta = meta_from_row(&row)?;
    crate::time_index::write(conn, meta.id, collection, w.time_index.as_ref()).await?;
    crate::search::write(conn, meta.id, collection, &w.search_terms).await?;
    Ok(meta)
}

/// How many members the whole store holds.
pub(crate) async fn count_all<'c, E>(ex: E) -> StoreResult<u64>
where
    E: Executor<'c, Database = Any>,
{
    let row = sqlx::query("SELECT COUNT(*) AS n FROM objects")
        .fetch_one(ex)
        .await
        .map_err(db_err)?;
    let n: i64 = get(&row, "n")?;
    u64::try_from(n).map_err(|_| corrupt(format!("negative object count {n}")))
}

/// Deletes a member; its dead properties go by `ON DELETE CASCADE`.
pub(crate) async fn delete(
    conn: &mut Conn<'_>,
    collection: CollectionId,
    name: &str,
) -> StoreResult<bool> {
    let done = query("DELETE FROM objects WHERE collection_id = $1 AND name = $2")
        .bind(id_text(collection.0))
        .bind(name)
        .execute(conn)
        .await?;
    Ok(done > 0)
}

/// Moves a member by updating its row in place, so the id and dead properties follow.
/// A taken destination name (or UID in the destination) is a conflict.
pub(crate) async fn move_to(
    conn: &mut Conn<'_>,
    from: CollectionId,
    from_name: &str,
    to: CollectionId,
    to_name: &str,
    now: Timestamp,
) -> StoreResult<ObjectMeta> {
    let sql = concat!(
        "UPDATE objects SET collection_id = $3, name = $4, modified_at = $5 \
         WHERE collection_id = $1 AND name = $2 RETURNING ",
        meta_columns!()
    );
    let row = query(sql)
        .bind(id_text(from.0))
        .bind(from_name)
        .bind(id_text(to.0))
        .bind(to_name)
        .bind(now)
        .fetch_optional(conn)
        .await?;
    match row {
        Some(row) => {
            let meta = meta_from_row(&row)?;
            if from != to {
                crate::time_index::move_to(conn, meta.id, to).await?;
                crate::search::move_to(conn, meta.id, to).await?;
            }
            Ok(meta)
        }
        None => Err(missing(format!(
            "object {from_name:?} in collection {from}"
        ))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The plan SQLite picks for `sql` on the real schema, with every parameter bound.
    fn plan(sql: &str, params: usize) -> String {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(include_str!("../migrations/0001_init.sql"))
            .unwrap();
        let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let values: Vec<String> = (0..params).map(|i| format!("v{i}")).collect();
        let rows = statement
            .query_map(rusqlite::params_from_iter(values.iter()), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    }

    #[test]
    fn objects_by_id_are_looked_up_by_id_however_many() {
        for ids in [1, 8, 32, MAX_IN_LIST] {
            let plan = plan(&metas_by_ids_sql(ids), ids);
            assert!(
                plan.contains("sqlite_autoindex_objects_1 (id=?)"),
                "{ids} ids: {plan}"
            );
        }
    }
}
