//! The `calendar_prefs` table: each person's own settings for a calendar.

use kairos_store::{CalendarPrefs, CollectionId, StoreResult, UserId};
use sqlx::{Any, Executor};

use crate::conn::{Conn, query};
use crate::error::db_err;
use crate::row::{RowRead, get, get_id, id_text};

const COLUMNS: &str = "collection_id, user_id, displayname, color, sort_order, hidden";

fn from_row(row: &impl RowRead) -> StoreResult<CalendarPrefs> {
    let hidden: i16 = get(row, "hidden")?;
    Ok(CalendarPrefs {
        collection: CollectionId(get_id(row, "collection_id")?),
        user: UserId(get_id(row, "user_id")?),
        displayname: get(row, "displayname")?,
        color: get(row, "color")?,
        order: get(row, "sort_order")?,
        hidden: hidden != 0,
    })
}

/// Every calendar setting of one user.
pub(crate) async fn prefs_of<'c, E>(ex: E, user: UserId) -> StoreResult<Vec<CalendarPrefs>>
where
    E: Executor<'c, Database = Any>,
{
    let sql = format!("SELECT {COLUMNS} FROM calendar_prefs WHERE user_id = $1");
    let rows = sqlx::query(&sql)
        .bind(id_text(user.0))
        .fetch_all(ex)
        .await
        .map_err(db_err)?;
    rows.iter().map(from_row).collect()
}

/// One user's settings for one calendar.
pub(crate) async fn prefs_for(
    conn: &mut Conn<'_>,
    user: UserId,
    collection: CollectionId,
) -> StoreResult<Option<CalendarPrefs>> {
    let sql =
        format!("SELECT {COLUMNS} FROM calendar_prefs WHERE user_id = $1 AND collection_id = $2");
    let row = query(&sql)
        .bind(id_text(user.0))
        .bind(id_text(collection.0))
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Stores one user's settings for one calendar.
pub(crate) async fn put_prefs(conn: &mut Conn<'_>, p: &CalendarPrefs) -> StoreResult<()> {
    query(
        "INSERT INTO calendar_prefs (user_id, collection_id, displayname, color, sort_order, hidden) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, collection_id) \
         DO UPDATE SET displayname = excluded.displayname, color = excluded.color, \
         sort_order = excluded.sort_order, hidden = excluded.hidden",
    )
    .bind(id_text(p.user.0))
    .bind(id_text(p.collection.0))
    .bind(p.displayname.as_deref())
    .bind(p.color.as_deref())
    .bind(p.order)
    .bind(i16::from(p.hidden))
    .execute(conn).await?;
    Ok(())
}

/// Drops one user's settings for one calendar.
pub(crate) async fn delete_prefs(
    conn: &mut Conn<'_>,
    user: UserId,
    collection: CollectionId,
) -> StoreResult<bool> {
    let done = query("DELETE FROM calendar_prefs WHERE user_id = $1 AND collection_id = $2")
        .bind(id_text(user.0))
        .bind(id_text(collection.0))
        .execute(conn)
        .await?;
    Ok(done > 0)
}
