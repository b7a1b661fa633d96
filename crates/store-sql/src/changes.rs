//! The `changes` table: the per-collection change log behind sync-collection.

use kairos_store::{CollectionId, FetchedObject, MemberChange, StoreResult, Timestamp};

use crate::conn::{Conn, query};
use crate::direct::Arg;
use crate::objects::meta_from_row;
use crate::pool::Pools;
use crate::read::Decoder;
use crate::row::Row;
use crate::row::{get, id_text};

/// Records the latest change of one member: one row per (collection, name), upserted.
///
/// The update is guarded by `seq <= excluded.seq` so a late call carrying an older
/// sequence can never hide a newer change from sync clients; an equal sequence (several
/// changes to one member in one transaction) lets the last call win.
pub(crate) async fn record(
    conn: &mut Conn<'_>,
    collection: CollectionId,
    name: &str,
    seq: i64,
    deleted: bool,
    now: Timestamp,
) -> StoreResult<()> {
    query(
        "INSERT INTO changes (collection_id, name, seq, deleted, changed_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (collection_id, name) DO UPDATE \
         SET seq = excluded.seq, deleted = excluded.deleted, changed_at = excluded.changed_at \
         WHERE changes.seq <= excluded.seq",
    )
    .bind(id_text(collection.0))
    .bind(name)
    .bind(seq)
    .bind(i16::from(deleted))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The statement for [`since`], by (include_deleted, with_data): four fixed texts so
/// each is prepared once per connection.
///
/// One query: the log LEFT JOINed to the members. A member is reported deleted when its
/// log row is a tombstone, or when (inconsistently) it no longer exists; the join
/// condition includes `deleted = 0` so a tombstone never fetches a body. Ties in `seq`
/// (several members changed in one transaction) are broken by name for a stable order.
fn since_sql(include_deleted: bool, with_data: bool) -> &'static str {
    macro_rules! since {
        ($data:literal, $filter:literal) => {
            concat!(
                "SELECT c.name AS change_name, c.seq AS change_seq, \
                 o.id, o.collection_id, o.name, o.etag, o.content_type, o.size, o.created_at, \
                 o.modified_at, o.uid, o.component",
                $data,
                " FROM changes c LEFT JOIN objects o \
                 ON o.collection_id = c.collection_id AND o.name = c.name AND c.deleted = 0 \
                 WHERE c.collection_id = $1 AND c.seq > $2",
                $filter,
                " ORDER BY c.seq, c.name LIMIT $3"
            )
        };
    }
    match (include_deleted, with_data) {
        (true, true) => since!(", o.data", ""),
        (true, false) => since!("", ""),
        (false, true) => since!(", o.data", " AND o.id IS NOT NULL"),
        (false, false) => since!("", " AND o.id IS NOT NULL"),
    }
}

/// Members changed after `after_seq`, oldest first, at most `limit`, in one query (on
/// SQLite directly, on one blocking thread).
pub(crate) async fn since(
    pools: &Pools,
    collection: CollectionId,
    after_seq: i64,
    include_deleted: bool,
    limit: Option<u32>,
    with_data: bool,
) -> StoreResult<Vec<MemberChange>> {
    // Both engines take a bound LIMIT; "no limit" is the largest value rather than a
    // second statement text (PostgreSQL rejects a negative LIMIT, SQLite a NULL one).
    let limit = limit.map_or(i64::MAX, i64::from);
    let args = vec![
        Arg::Text(id_text(collection.0)),
        Arg::Int(after_seq),
        Arg::Int(limit),
    ];
    let decode: Decoder<MemberChange> = if with_data {
        |row| change_from_row(row, true)
    } else {
        |row| change_from_row(row, false)
    };
    pools
        .all(since_sql(include_deleted, with_data).into(), args, decode)
        .await
}

fn change_from_row(row: &Row<'_>, with_data: bool) -> StoreResult<MemberChange> {
    let present: Option<String> = get(row, "id")?;
    let object = match present {
        Some(_) => Some(FetchedObject {
            meta: meta_from_row(row)?,
            data: if with_data {
                Some(get::<Vec<u8>>(row, "data")?.into())
            } else {
                None
            },
        }),
        None => None,
    };
    Ok(MemberChange {
        name: get(row, "change_name")?,
        seq: get(row, "change_seq")?,
        object,
    })
}

/// Drops tombstones recorded before `older_than` and raises each affected collection's
/// `min_sync_seq` to the newest dropped sequence, so tokens that would need them are
/// refused instead of silently missing deletions. Returns how many were dropped.
pub(crate) async fn prune_tombstones(
    conn: &mut Conn<'_>,
    older_than: Timestamp,
) -> StoreResult<u64> {
    query(
        "UPDATE collections SET min_sync_seq = ( \
             SELECT MAX(c.seq) FROM changes c \
             WHERE c.collection_id = collections.id AND c.deleted = 1 AND c.changed_at < $1) \
         WHERE EXISTS (SELECT 1 FROM changes c \
             WHERE c.collection_id = collections.id AND c.deleted = 1 AND c.changed_at < $1 \
             AND c.seq > collections.min_sync_seq)",
    )
    .bind(older_than)
    .execute(conn)
    .await?;
    query("DELETE FROM changes WHERE deleted = 1 AND changed_at < $1")
        .bind(older_than)
        .execute(conn)
        .await
}
