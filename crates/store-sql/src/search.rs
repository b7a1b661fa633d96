//! The `search_terms` table: written with the object, read by text search.

use kairos_store::{CollectionId, ObjectId, ObjectMeta, StoreResult};
use sqlx::{Any, AnyConnection, Executor};

use crate::error::db_err;
use crate::objects::{meta_from_row, prefixed_meta_columns};
use crate::row::id_text;

/// Rows per multi-row INSERT (three parameters each).
const INSERT_BATCH: usize = 500;

/// Replaces the object's search terms.
pub(crate) async fn write(
    conn: &mut AnyConnection,
    object: ObjectId,
    collection: CollectionId,
    terms: &[String],
) -> StoreResult<()> {
    let id = id_text(object.0);
    sqlx::query("DELETE FROM search_terms WHERE object_id = $1")
        .bind(id.as_str())
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    let coll = id_text(collection.0);
    for batch in terms.chunks(INSERT_BATCH) {
        let mut sql =
            String::from("INSERT INTO search_terms (collection_id, term, object_id) VALUES ");
        for i in 0..batch.len() {
            let p = i * 3;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${})", p + 1, p + 2, p + 3));
        }
        let mut q = sqlx::query(&sql);
        for term in batch {
            q = q.bind(coll.as_str()).bind(term.as_str()).bind(id.as_str());
        }
        q.execute(&mut *conn).await.map_err(db_err)?;
    }
    Ok(())
}

/// Follows an object moved to another collection.
pub(crate) async fn move_to(
    conn: &mut AnyConnection,
    object: ObjectId,
    collection: CollectionId,
) -> StoreResult<()> {
    sqlx::query("UPDATE search_terms SET collection_id = $1 WHERE object_id = $2")
        .bind(id_text(collection.0))
        .bind(id_text(object.0))
        .execute(conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Members of `collection` indexed under every one of `terms`, by name, at most `limit`.
pub(crate) async fn find<'c, E>(
    ex: E,
    collection: CollectionId,
    terms: &[String],
    limit: u32,
) -> StoreResult<Vec<ObjectMeta>>
where
    E: Executor<'c, Database = Any>,
{
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = (0..terms.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        concat!(
            "SELECT ",
            prefixed_meta_columns!(),
            " FROM objects o WHERE o.id IN (SELECT object_id FROM search_terms \
             WHERE collection_id = $1 AND term IN ({}) GROUP BY object_id \
             HAVING COUNT(*) = $2) ORDER BY o.name LIMIT {}"
        ),
        list.join(", "),
        limit
    );
    let count = i64::try_from(terms.len()).unwrap_or(i64::MAX);
    let mut q = sqlx::query(&sql).bind(id_text(collection.0)).bind(count);
    for t in terms {
        q = q.bind(t.as_str());
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
