//! The time index (`object_extents`, `object_instances`): written with the object in the
//! same transaction, read by time-range queries as a prefilter.

use std::collections::HashSet;

use kairos_ical::InstanceBusy;
use kairos_ical::query::BusyKind;
use kairos_store::{
    BusyInterval, CollectionId, ComponentKind, FAR_FUTURE, FAR_PAST, IndexedBusy, IndexedInstance,
    ObjectId, RangeCandidate, StaleIndex, StoreResult, TimeIndex, Timestamp,
};
use sqlx::Executor;

use crate::conn::{Conn, query};
use crate::direct::Arg;
use crate::error::db_err;
use crate::pool::Pools;
use crate::row::{get, get_id, id_text};

const DAY_MS: i64 = 86_400_000;

/// `object_instances.busy`: 0 free, 1 busy, 2 tentative, 3 unavailable, NULL evaluate.
fn busy_code(busy: InstanceBusy) -> Option<i16> {
    match busy {
        InstanceBusy::Free => Some(0),
        InstanceBusy::Busy(BusyKind::Busy) => Some(1),
        InstanceBusy::Busy(BusyKind::Tentative) => Some(2),
        InstanceBusy::Busy(BusyKind::Unavailable) => Some(3),
        InstanceBusy::Evaluate => None,
    }
}

/// The inverse of [`busy_code`]; an unknown code is evaluated, never trusted.
fn busy_from_code(code: Option<i64>) -> InstanceBusy {
    match code {
        Some(0) => InstanceBusy::Free,
        Some(1) => InstanceBusy::Busy(BusyKind::Busy),
        Some(2) => InstanceBusy::Busy(BusyKind::Tentative),
        Some(3) => InstanceBusy::Busy(BusyKind::Unavailable),
        _ => InstanceBusy::Evaluate,
    }
}

/// Longest envelope of span classes 0 and 1; class 2 holds everything longer.
const CLASS_WIDTHS: [i64; 2] = [2 * DAY_MS, 35 * DAY_MS];

/// Rows per multi-row INSERT (seven parameters each; far below both engines' limits).
const INSERT_BATCH: usize = 500;

fn span_class(i: &IndexedInstance) -> i16 {
    let width = i.hi.saturating_sub(i.lo);
    match CLASS_WIDTHS.iter().position(|&w| width <= w) {
        Some(0) => 0,
        Some(_) => 1,
        None => 2,
    }
}

/// Replaces the object's index rows with `index` (or removes them when `None`).
pub(crate) async fn write(
    conn: &mut Conn<'_>,
    object: ObjectId,
    collection: CollectionId,
    index: Option<&TimeIndex>,
) -> StoreResult<()> {
    let id = id_text(object.0);
    query("DELETE FROM object_instances WHERE object_id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    let Some(index) = index else {
        query("DELETE FROM object_extents WHERE object_id = $1")
            .bind(id.as_str())
            .execute(conn)
            .await?;
        return Ok(());
    };
    let coll = id_text(collection.0);
    query(
        "INSERT INTO object_extents \
         (object_id, collection_id, first_start, last_end, indexed_until, horizon) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (object_id) DO UPDATE SET collection_id = excluded.collection_id, \
         first_start = excluded.first_start, last_end = excluded.last_end, \
         indexed_until = excluded.indexed_until, horizon = excluded.horizon",
    )
    .bind(id.as_str())
    .bind(coll.as_str())
    .bind(index.first)
    .bind(index.last)
    .bind(index.indexed_until)
    .bind(index.horizon)
    .execute(conn)
    .await?;
    for batch in index.instances.chunks(INSERT_BATCH) {
        let mut sql = String::from(
            "INSERT INTO object_instances \
             (object_id, collection_id, span_class, lo, hi, exact, busy) VALUES ",
        );
        for i in 0..batch.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(&crate::row::placeholders(i * 7 + 1, 7));
            sql.push(')');
        }
        let mut q = query(&sql);
        for inst in batch {
            q = q
                .bind(id.as_str())
                .bind(coll.as_str())
                .bind(span_class(inst))
                .bind(inst.lo)
                .bind(inst.hi)
                .bind(i16::from(inst.exact))
                .bind(busy_code(inst.busy));
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
    for table in ["object_extents", "object_instances"] {
        query(format!(
            "UPDATE {table} SET collection_id = $2 WHERE object_id = $1"
        ))
        .bind(id_text(object.0))
        .bind(id_text(collection.0))
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// The instance rows whose envelope touches `[$2, $3]` in collection `$1`, as `columns`:
/// a range scan per span class ($4 and $5 are the range start less the longest span of
/// classes 0 and 1), so the rows read grow with the answer, not the calendar.
fn touching_instances(columns: &str) -> String {
    format!(
        "SELECT {columns} FROM object_instances \
           WHERE collection_id = $1 AND span_class = 0 AND lo >= $4 AND lo <= $3 AND hi >= $2 \
         UNION ALL SELECT {columns} FROM object_instances \
           WHERE collection_id = $1 AND span_class = 1 AND lo >= $5 AND lo <= $3 AND hi >= $2 \
         UNION ALL SELECT {columns} FROM object_instances \
           WHERE collection_id = $1 AND span_class = 2 AND lo <= $3 AND hi >= $2"
    )
}

/// The objects of collection `$1` materialised only up to a point before `$3` whose
/// bounds allow an instance in `[$2, $3]`: candidates whatever their instance rows say.
const NOT_MATERIALISED: &str = "FROM object_extents WHERE collection_id = $1 AND indexed_until < $3 \
     AND (last_end IS NULL OR last_end >= $2) AND (first_start IS NULL OR first_start <= $3)";

/// The parameters of [`touching_instances`] and [`NOT_MATERIALISED`].
fn range_args(
    collection: CollectionId,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
) -> Vec<Arg> {
    let start = start.unwrap_or(FAR_PAST);
    let end = end.unwrap_or(FAR_FUTURE);
    vec![
        Arg::Text(id_text(collection.0)),
        Arg::Int(start),
        Arg::Int(end),
        Arg::Int(start - CLASS_WIDTHS[0]),
        Arg::Int(start - CLASS_WIDTHS[1]),
    ]
}

/// The prefilter: one statement, a range scan per span class plus the objects whose
/// materialisation stops before the range ends.
pub(crate) async fn in_range(
    pools: &Pools,
    collection: CollectionId,
    component: ComponentKind,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
) -> StoreResult<Vec<RangeCandidate>> {
    // Confirmed rows satisfy the exact half-open test (an instant overlaps a range that
    // contains it, RFC 4791 §9.9).
    const CONFIRMED: &str = "object_id, CAST(CASE WHEN exact = 1 AND lo < $3 AND (hi > $2 OR (lo = hi AND lo >= $2)) \
                             THEN 1 ELSE 0 END AS BIGINT) AS confirmed";
    let sql = format!(
        "SELECT {meta}, c.confirmed AS confirmed FROM objects o JOIN ( \
         SELECT object_id, MAX(confirmed) AS confirmed FROM ( \
         {instances} \
         UNION ALL SELECT object_id, CAST(0 AS BIGINT) AS confirmed {NOT_MATERIALISED} \
         ) u GROUP BY object_id) c ON o.id = c.object_id \
         WHERE o.component = $6",
        meta = crate::objects::prefixed_meta_columns!(),
        instances = touching_instances(CONFIRMED),
    );
    let mut args = range_args(collection, start, end);
    args.push(Arg::Int(component.code().into()));
    let mut out = pools
        .all(sql, args, |r| {
            let confirmed: i64 = get(r, "confirmed")?;
            Ok(RangeCandidate {
                meta: crate::objects::meta_from_row(r)?,
                confirmed: confirmed != 0,
            })
        })
        .await?;
    // Byte order on both engines (the database's collation may differ).
    out.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
    Ok(out)
}

/// Free/busy from the index: the busy intervals of objects whose every instance touching
/// the range has a known busy state; the others (and objects not materialised that far)
/// are named for evaluation.
pub(crate) async fn busy_in_range(
    pools: &Pools,
    collection: CollectionId,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
) -> StoreResult<IndexedBusy> {
    // busy is read as BIGINT: sqlx's Any driver decodes SQLite integers only that wide.
    let sql = format!(
        "{instances} UNION ALL SELECT object_id, CAST(0 AS BIGINT) AS lo, \
         CAST(0 AS BIGINT) AS hi, CAST(NULL AS BIGINT) AS busy {NOT_MATERIALISED}",
        instances = touching_instances("object_id, lo, hi, CAST(busy AS BIGINT) AS busy"),
    );
    let rows = pools
        .all(sql, range_args(collection, start, end), |r| {
            let busy: Option<i64> = get(r, "busy")?;
            Ok((
                get::<String>(r, "object_id")?,
                get::<i64>(r, "lo")?,
                get::<i64>(r, "hi")?,
                busy_from_code(busy),
            ))
        })
        .await?;
    let evaluate: HashSet<&str> = rows
        .iter()
        .filter(|(_, _, _, busy)| *busy == InstanceBusy::Evaluate)
        .map(|(object, ..)| object.as_str())
        .collect();
    let intervals = rows
        .iter()
        .filter(|(object, ..)| !evaluate.contains(object.as_str()))
        .filter_map(|&(_, lo, hi, busy)| match busy {
            InstanceBusy::Busy(kind) if lo < hi => Some(BusyInterval {
                start: lo,
                end: hi,
                kind,
            }),
            _ => None,
        })
        .collect();
    let ids: Vec<String> = evaluate.into_iter().map(str::to_owned).collect();
    let kinds = [ComponentKind::Event, ComponentKind::FreeBusy];
    let mut metas = crate::objects::metas_by_ids(pools, collection, &ids, &kinds).await?;
    metas.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(IndexedBusy {
        intervals,
        evaluate: metas,
    })
}

/// Objects whose index aimed for a horizon before `before`, most overdue first.
pub(crate) async fn stale<'c, E>(
    ex: E,
    before: Timestamp,
    limit: u32,
) -> StoreResult<Vec<StaleIndex>>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT o.id AS id, o.data AS data FROM object_extents e \
         JOIN objects o ON o.id = e.object_id WHERE e.horizon < $1 \
         ORDER BY e.horizon LIMIT $2",
    )
    .bind(before)
    .bind(i64::from(limit))
    .fetch_all(ex)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(StaleIndex {
                id: ObjectId(get_id(r, "id")?),
                data: get(r, "data")?,
            })
        })
        .collect()
}

/// The collection an object is in (for re-indexing by id).
pub(crate) async fn collection_of(
    conn: &mut Conn<'_>,
    object: ObjectId,
) -> StoreResult<Option<CollectionId>> {
    let row = query("SELECT collection_id FROM objects WHERE id = $1")
        .bind(id_text(object.0))
        .fetch_optional(conn)
        .await?;
    row.map(|r| get_id(&r, "collection_id").map(CollectionId))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_busy_state_survives_its_stored_code() {
        let all = [
            InstanceBusy::Free,
            InstanceBusy::Busy(BusyKind::Busy),
            InstanceBusy::Busy(BusyKind::Tentative),
            InstanceBusy::Busy(BusyKind::Unavailable),
            InstanceBusy::Evaluate,
        ];
        for busy in all {
            assert_eq!(busy_from_code(busy_code(busy).map(i64::from)), busy);
        }
        assert_eq!(busy_from_code(Some(9)), InstanceBusy::Evaluate);
    }
}
