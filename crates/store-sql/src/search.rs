//! The `search_words` table: written with the object, read by text search.
//!
//! Each distinct word of an object is one row, as UTF-8 bytes; a query word is a range
//! scan `[word, word ‖ 0xFF)` over them (no valid UTF-8 contains the byte 0xFF, and bytes
//! compare bytewise on both engines whatever the collation).

use kairos_store::{CollectionId, ObjectId, ObjectMeta, StoreResult};
use sqlx::{Any, Executor};

use crate::conn::{Conn, query};
use crate::error::db_err;
use crate::objects::{meta_from_row, prefixed_meta_columns};
use crate::row::{id_text, placeholders};

/// Most rows per multi-row INSERT (three parameters each).
const INSERT_BATCH: usize = 256;

/// Replaces the object's indexed words.
pub(crate) async fn write(
    conn: &mut Conn<'_>,
    object: ObjectId,
    collection: CollectionId,
    words: &[String],
) -> StoreResult<()> {
    let id = id_text(object.0);
    query("DELETE FROM search_words WHERE object_id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    let coll = id_text(collection.0);
    for batch in words.chunks(INSERT_BATCH) {
        let Some(last) = batch.last() else { continue };
        // Padded to a power of two by repeating the last word (the repeats are skipped
        // as conflicts), so a handful of statement texts serve every object and stay in
        // the connection's prepared-statement cache.
        let rows = batch.len().next_power_of_two().min(INSERT_BATCH);
        let mut sql =
            String::from("INSERT INTO search_words (collection_id, word, object_id) VALUES ");
        for i in 0..rows {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&placeholders(i * 3 + 1, 3));
            sql.push(')');
        }
        sql.push_str(" ON CONFLICT DO NOTHING");
        let mut q = query(&sql);
        for word in batch
            .iter()
            .chain(std::iter::repeat_n(last, rows - batch.len()))
        {
            q = q
                .bind(coll.as_str())
                .bind(word.as_bytes())
                .bind(id.as_str());
        }
        q.execute(conn).await?;
    }
    Ok(())
}

/// Follows an object moved to another collection.
pub(crate) async fn move_to(
    conn: &mut Conn<'_>,
    object: ObjectId,
    collection: CollectionId,
) -> StoreResult<()> {
    query("UPDATE search_words SET collection_id = $1 WHERE object_id = $2")
        .bind(id_text(collection.0))
        .bind(id_text(object.0))
        .execute(conn)
        .await?;
    Ok(())
}

/// Members of `collection` with, for every one of `prefixes`, an indexed word starting
/// with it; by name, at most `limit`.
pub(crate) async fn find<'c, E>(
    ex: E,
    collection: CollectionId,
    prefixes: &[String],
    limit: u32,
) -> StoreResult<Vec<ObjectMeta>>
where
    E: Executor<'c, Database = Any>,
{
    if prefixes.is_empty() {
        return Ok(Vec::new());
    }
    let ranges: Vec<String> = (0..prefixes.len())
        .map(|i| {
            format!(
                "SELECT object_id FROM search_words WHERE collection_id = $1 \
                 AND word >= ${} AND word < ${}",
                2 * i + 2,
                2 * i + 3
            )
        })
        .collect();
    let sql = format!(
        concat!(
            "SELECT ",
            prefixed_meta_columns!(),
            " FROM objects o WHERE o.id IN ({}) ORDER BY o.name LIMIT {}"
        ),
        ranges.join(" INTERSECT "),
        limit
    );
    let mut q = sqlx::query(&sql).bind(id_text(collection.0));
    for p in prefixes {
        let mut past = p.as_bytes().to_vec();
        past.push(0xff);
        q = q.bind(p.as_bytes().to_vec()).bind(past);
    }
    let rows = q.fetch_all(ex).await.map_err(db_err)?;
    let mut out = rows
        .iter()
        .map(meta_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    // Byte order on both engines (the database's collation may differ).
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
