//! Reads outside a transaction: direct on file-backed SQLite where possible
//! ([`crate::direct`]), else through the reader pool, with one SQL text and one row
//! decoder for both.

use kairos_store::StoreResult;
use sqlx::{Any, Executor};

use crate::direct::{self, Arg, NullOf};
use crate::error::db_err;
use crate::pool::Pools;
use crate::row::Row;

/// Turns a row of either driver into a value.
pub(crate) type Decoder<T> = fn(&Row<'_>) -> StoreResult<T>;

/// `sql` with `args` bound for sqlx.
pub(crate) fn bound<'q>(
    sql: &'q str,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    args.iter().fold(sqlx::query(sql), |q, a| match a {
        Arg::Text(s) => q.bind(s.as_str()),
        Arg::Int(i) => q.bind(*i),
        Arg::Int32(i) => q.bind(*i),
        Arg::Small(i) => q.bind(*i),
        Arg::Blob(b) => q.bind(b.as_slice()),
        Arg::Null(NullOf::Text) => q.bind(None::<&str>),
        Arg::Null(NullOf::Int) => q.bind(None::<i64>),
        Arg::Null(NullOf::Small) => q.bind(None::<i16>),
    })
}

/// The first row of `sql` through sqlx (in a transaction or on a pool).
pub(crate) async fn pooled_optional<'c, E, T>(
    ex: E,
    sql: &str,
    args: &[Arg],
    decode: Decoder<T>,
) -> StoreResult<Option<T>>
where
    E: Executor<'c, Database = Any>,
{
    let row = bound(sql, args).fetch_optional(ex).await.map_err(db_err)?;
    row.as_ref().map(|r| decode(&Row::Pooled(r))).transpose()
}

/// Every row of `sql` through sqlx.
pub(crate) async fn pooled_all<'c, E, T>(
    ex: E,
    sql: &str,
    args: &[Arg],
    decode: Decoder<T>,
) -> StoreResult<Vec<T>>
where
    E: Executor<'c, Database = Any>,
{
    let rows = bound(sql, args).fetch_all(ex).await.map_err(db_err)?;
    rows.iter().map(|r| decode(&Row::Pooled(r))).collect()
}

impl Pools {
    /// `direct` on this thread when the direct path can answer, else `pooled`.
    async fn inline<T>(
        &self,
        direct: impl FnOnce(&rusqlite::Connection) -> StoreResult<T>,
        pooled: impl Future<Output = StoreResult<T>>,
    ) -> StoreResult<T> {
        if let Some(answer) = self.direct.as_ref().and_then(|d| d.run(direct)) {
            return answer;
        }
        pooled.await
    }

    /// The first row of `sql`: a point read, run directly on this thread when it can be.
    pub(crate) async fn optional<T>(
        &self,
        sql: &'static str,
        args: &[Arg],
        decode: Decoder<T>,
    ) -> StoreResult<Option<T>> {
        self.inline(
            |c| direct::optional(c, sql, args, decode),
            pooled_optional(&self.reader, sql, args, decode),
        )
        .await
    }

    /// Every row of `sql`, for statements that return a handful: run directly on this
    /// thread when it can be.
    pub(crate) async fn few<T>(
        &self,
        sql: &'static str,
        args: &[Arg],
        decode: Decoder<T>,
    ) -> StoreResult<Vec<T>> {
        self.inline(
            |c| direct::all(c, sql, args, decode),
            pooled_all(&self.reader, sql, args, decode),
        )
        .await
    }

    /// Every row of `sql`: run directly on a blocking thread when it can be.
    pub(crate) async fn all<T: Send + 'static>(
        &self,
        sql: String,
        args: Vec<Arg>,
        decode: Decoder<T>,
    ) -> StoreResult<Vec<T>> {
        if let Some(d) = &self.direct {
            let (sql, args) = (sql.clone(), args.clone());
            if let Some(answer) = d
                .run_blocking(move |c| direct::all(c, &sql, &args, decode))
                .await
            {
                return answer;
            }
        }
        pooled_all(&self.reader, &sql, &args, decode).await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::config::{StoreConfig, sqlite_url_for_dir};
    use crate::row::get;

    type Triple = (String, i64, Vec<u8>);

    fn triple(r: &Row<'_>) -> StoreResult<Triple> {
        Ok((get(r, "a")?, get(r, "b")?, get(r, "c")?))
    }

    const ONE: &str = "SELECT a, b, c FROM t WHERE a = $1";
    const SOME: &str = "SELECT a, b, c FROM t WHERE b >= $1 ORDER BY b";
    // `$2` before `$1` in the text, as the time-range query has it.
    const BETWEEN: &str = "SELECT a, b, c FROM t WHERE b <= $2 AND b >= $1 ORDER BY b";

    #[tokio::test]
    async fn direct_and_pooled_reads_agree_and_see_the_last_commit() {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url_for_dir(dir.path()).unwrap();
        let pools = crate::pool::open(&StoreConfig::new(url)).await.unwrap();
        assert!(pools.direct.is_some(), "file-backed SQLite reads directly");
        sqlx::query("CREATE TABLE t (a TEXT, b INTEGER, c BLOB)")
            .execute(&pools.writer)
            .await
            .unwrap();
        for (a, b) in [("x", 1_i64), ("y", 2), ("z", 3)] {
            sqlx::query("INSERT INTO t VALUES ($1, $2, $3)")
                .bind(a)
                .bind(b)
                .bind(vec![0_u8, 0xff, b as u8])
                .execute(&pools.writer)
                .await
                .unwrap();
        }
        let key = [Arg::Text("y".into())];
        let direct = pools.optional(ONE, &key, triple).await.unwrap();
        let pooled = pooled_optional(&pools.reader, ONE, &key, triple)
            .await
            .unwrap();
        assert_eq!(direct, Some(("y".to_owned(), 2, vec![0, 0xff, 2])));
        assert_eq!(direct, pooled);

        let from = vec![Arg::Int(2)];
        let direct = pools.all(SOME.into(), from.clone(), triple).await.unwrap();
        let pooled = pooled_all(&pools.reader, SOME, &from, triple)
            .await
            .unwrap();
        assert_eq!(direct.len(), 2);
        assert_eq!(direct, pooled);

        let range = vec![Arg::Int(1), Arg::Int(2)];
        let direct = pools
            .all(BETWEEN.into(), range.clone(), triple)
            .await
            .unwrap();
        let pooled = pooled_all(&pools.reader, BETWEEN, &range, triple)
            .await
            .unwrap();
        assert_eq!(direct.iter().map(|t| t.1).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(direct, pooled);

        // A write committed through the writer is seen by the next direct read (the
        // direct readers' snapshots end with it).
        pools
            .written(async {
                sqlx::query("UPDATE t SET b = 20 WHERE a = 'y'")
                    .execute(&pools.writer)
                    .await
                    .map_err(crate::error::db_err)
            })
            .await
            .unwrap();
        let after = pools.optional(ONE, &key, triple).await.unwrap();
        assert_eq!(after.map(|t| t.1), Some(20));
    }

    #[tokio::test]
    async fn a_direct_reader_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let url = sqlite_url_for_dir(dir.path()).unwrap();
        let pools = crate::pool::open(&StoreConfig::new(url)).await.unwrap();
        sqlx::query("CREATE TABLE t (a TEXT, b INTEGER, c BLOB)")
            .execute(&pools.writer)
            .await
            .unwrap();
        let direct = pools.direct.as_ref().unwrap();
        let wrote = direct.run(|c| {
            c.execute("INSERT INTO t VALUES ('w', 1, NULL)", [])
                .map_err(crate::direct::direct_err)
        });
        assert!(matches!(wrote, Some(Err(_))), "{wrote:?}");
    }
}
