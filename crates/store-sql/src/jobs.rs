//! The `jobs` table: a queue claimed with `FOR UPDATE SKIP LOCKED` on PostgreSQL (so
//! workers on many nodes never take the same job and never wait for each other) and
//! through the single writer connection on SQLite (which serializes claims anyway).

use kairos_store::{
    ClaimedJob, JobId, JobOutcome, JobRecord, JobState, NewJob, QueueDepth, StoreResult, Timestamp,
};
use sqlx::AnyPool;
use sqlx::any::AnyRow;

use crate::config::Engine;
use crate::conn::{Conn, query};
use crate::error::{corrupt, db_err};
use crate::row::{get, get_id, id_text};

const QUEUED: i16 = 0;
const RUNNING: i16 = 1;
const DONE: i16 = 2;
const DEAD: i16 = 3;

fn state_from_code(code: i16) -> StoreResult<JobState> {
    Ok(match code {
        QUEUED => JobState::Queued,
        RUNNING => JobState::Running,
        DONE => JobState::Done,
        DEAD => JobState::Dead,
        other => return Err(corrupt(format!("job state {other}"))),
    })
}

fn count(row: &AnyRow, column: &str) -> StoreResult<u32> {
    let n: i64 = get(row, column)?;
    u32::try_from(n).map_err(|_| corrupt(format!("{column} {n}")))
}

/// Inserts `job` unless its dedupe key is taken.
pub(crate) async fn enqueue(
    conn: &mut Conn<'_>,
    job: &NewJob,
    now: Timestamp,
) -> StoreResult<Option<JobId>> {
    let id = JobId(kairos_store::new_id());
    let max_attempts = i64::from(job.max_attempts.max(1));
    let done = query(
        "INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, \
         dedupe_key, created_at, updated_at) \
         VALUES ($1, $2, $3, 0, 0, $4, $5, $6, $7, $7) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(id_text(id.0))
    .bind(&job.kind)
    .bind(&job.payload)
    .bind(max_attempts)
    .bind(job.run_at)
    .bind(job.dedupe_key.as_deref())
    .bind(now)
    .execute(conn)
    .await?;
    Ok((done == 1).then_some(id))
}

/// Claims up to `limit` due jobs under a fresh lease token.
pub(crate) async fn claim(
    pool: &AnyPool,
    engine: Engine,
    limit: u32,
    lease_ms: i64,
    now: Timestamp,
) -> StoreResult<Vec<ClaimedJob>> {
    // A lease that ran out on the last attempt: the worker died running it for the last
    // time, so it is dead rather than run once more than allowed.
    sqlx::query(
        "UPDATE jobs SET state = 3, locked_by = NULL, locked_until = NULL, updated_at = $1, \
         last_error = 'lease ran out during the last attempt' \
         WHERE state = 1 AND locked_until < $1 AND attempts >= max_attempts",
    )
    .bind(now)
    .execute(pool)
    .await
    .map_err(db_err)?;
    let lease = id_text(kairos_store::new_id());
    let lock = match engine {
        Engine::Postgres => "FOR UPDATE SKIP LOCKED",
        // One writer connection: claims cannot interleave.
        Engine::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET state = 1, attempts = attempts + 1, locked_by = $1, \
         locked_until = $2, updated_at = $3 \
         WHERE id IN (SELECT id FROM jobs \
           WHERE (state = 0 AND run_at <= $3) OR (state = 1 AND locked_until < $3) \
           ORDER BY run_at LIMIT $4 {lock}) \
         RETURNING id, kind, payload, attempts, max_attempts"
    );
    let rows = sqlx::query(&sql)
        .bind(&lease)
        .bind(now.saturating_add(lease_ms))
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            Ok(ClaimedJob {
                id: JobId(get_id(row, "id")?),
                kind: get(row, "kind")?,
                payload: get(row, "payload")?,
                attempt: count(row, "attempts")?,
                max_attempts: count(row, "max_attempts")?,
                lease: lease.clone(),
            })
        })
        .collect()
}

/// Records the outcome of `job`'s claim, if that claim is still the current one.
pub(crate) async fn finish(
    pool: &AnyPool,
    job: &ClaimedJob,
    outcome: &JobOutcome,
    now: Timestamp,
) -> StoreResult<bool> {
    let (state, run_at, error) = match outcome {
        JobOutcome::Done => (DONE, None, None),
        JobOutcome::Retry { at, error } => (QUEUED, Some(*at), Some(error.as_str())),
        JobOutcome::Dead { error } => (DEAD, None, Some(error.as_str())),
    };
    let done = sqlx::query(
        "UPDATE jobs SET state = $1, run_at = COALESCE($2, run_at), \
         last_error = COALESCE($3, last_error), locked_by = NULL, locked_until = NULL, \
         updated_at = $4 \
         WHERE id = $5 AND state = 1 AND locked_by = $6",
    )
    .bind(state)
    .bind(run_at)
    .bind(error)
    .bind(now)
    .bind(id_text(job.id.0))
    .bind(&job.lease)
    .execute(pool)
    .await
    .map_err(db_err)?
    .rows_affected();
    Ok(done == 1)
}

/// One job.
pub(crate) async fn get_one(pool: &AnyPool, id: JobId) -> StoreResult<Option<JobRecord>> {
    let row = sqlx::query(
        "SELECT id, kind, state, attempts, max_attempts, run_at, last_error \
         FROM jobs WHERE id = $1",
    )
    .bind(id_text(id.0))
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    row.map(|row| {
        Ok(JobRecord {
            id: JobId(get_id(&row, "id")?),
            kind: get(&row, "kind")?,
            state: state_from_code(get(&row, "state")?)?,
            attempts: count(&row, "attempts")?,
            max_attempts: count(&row, "max_attempts")?,
            run_at: get(&row, "run_at")?,
            last_error: get(&row, "last_error")?,
        })
    })
    .transpose()
}

/// Jobs per open state.
pub(crate) async fn depth(pool: &AnyPool) -> StoreResult<QueueDepth> {
    let rows = sqlx::query(
        "SELECT state, COUNT(*) AS n FROM jobs WHERE state IN (0, 1, 3) GROUP BY state",
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let mut depth = QueueDepth::default();
    for row in &rows {
        let state: i16 = get(row, "state")?;
        let n: i64 = get(row, "n")?;
        let n = u64::try_from(n).unwrap_or(0);
        match state {
            QUEUED => depth.queued = n,
            RUNNING => depth.running = n,
            DEAD => depth.dead = n,
            _ => {}
        }
    }
    Ok(depth)
}

/// Deletes done and dead jobs last touched before `before`.
pub(crate) async fn prune(conn: &mut Conn<'_>, before: Timestamp) -> StoreResult<u64> {
    query("DELETE FROM jobs WHERE state IN (2, 3) AND updated_at < $1")
        .bind(before)
        .execute(conn)
        .await
}
