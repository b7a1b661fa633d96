//! One statement API for both drivers, used by everything that runs inside a write
//! transaction: sqlx's connection (PostgreSQL, in-memory SQLite) or the direct SQLite
//! writer ([`crate::writer`]). The SQL text, the bound values and the row decoders are
//! the same on both.

use std::borrow::Cow;
use std::sync::Arc;

use kairos_store::{StoreError, StoreResult};
use rusqlite::types::{Value, ValueRef};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::direct::{self, Arg, ColumnNames, direct_err};
use crate::error::{corrupt, db_err};
use crate::read::{Decoder, bound, pooled_all, pooled_optional};
use crate::row::{Column, Row, RowRead, column_index};

/// The connection a statement runs on.
pub(crate) enum Conn<'a> {
    /// A sqlx connection (a transaction's, or one taken from a pool).
    Pooled(&'a mut AnyConnection),
    /// The direct SQLite writer, on this thread (`&mut`: a shared reference to a
    /// connection is not `Send`, and futures holding one must be).
    Direct(&'a mut rusqlite::Connection),
}

/// A statement and its bound values, run with [`Query::execute`] or one of the fetches.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct Query<'q> {
    sql: Cow<'q, str>,
    args: Vec<Arg>,
}

/// Starts a statement; bind `$1`, `$2`, … in order with [`Query::bind`].
pub(crate) fn query<'q>(sql: impl Into<Cow<'q, str>>) -> Query<'q> {
    Query {
        sql: sql.into(),
        args: Vec::new(),
    }
}

impl Query<'_> {
    /// Binds the next parameter.
    pub(crate) fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    pub(crate) async fn execute(self, conn: &mut Conn<'_>) -> StoreResult<u64> {
        match conn {
            Conn::Pooled(c) => Ok(bound(&self.sql, &self.args)
                .execute(&mut **c)
                .await
                .map_err(db_err)?
                .rows_affected()),
            Conn::Direct(c) => {
                let mut statement = direct::bound(c, &self.sql, &self.args)?;
                let changed = statement.raw_execute().map_err(direct_err)?;
                Ok(u64::try_from(changed).unwrap_or(u64::MAX))
            }
        }
    }

    /// The first row, if there is one.
    pub(crate) async fn fetch_optional(self, conn: &mut Conn<'_>) -> StoreResult<Option<OwnedRow>> {
        match conn {
            Conn::Pooled(c) => Ok(bound(&self.sql, &self.args)
                .fetch_optional(&mut **c)
                .await
                .map_err(db_err)?
                .map(OwnedRow::Pooled)),
            Conn::Direct(c) => direct::optional(c, &self.sql, &self.args, DirectRow::read),
        }
    }

    /// The first row; a statement that returns none is a backend error.
    pub(crate) async fn fetch_one(self, conn: &mut Conn<'_>) -> StoreResult<OwnedRow> {
        self.fetch_optional(conn)
            .await?
            .ok_or_else(|| StoreError::Backend("the statement returned no row".into()))
    }

    /// Every row.
    pub(crate) async fn fetch_all(self, conn: &mut Conn<'_>) -> StoreResult<Vec<OwnedRow>> {
        match conn {
            Conn::Pooled(c) => Ok(bound(&self.sql, &self.args)
                .fetch_all(&mut **c)
                .await
                .map_err(db_err)?
                .into_iter()
                .map(OwnedRow::Pooled)
                .collect()),
            Conn::Direct(c) => direct::all(c, &self.sql, &self.args, DirectRow::read),
        }
    }
}

/// A result row owned by the caller, from either driver.
pub(crate) enum OwnedRow {
    /// From sqlx.
    Pooled(AnyRow),
    /// From rusqlite.
    Direct(DirectRow),
}

/// A row read from rusqlite: its values, by the statement's column names.
pub(crate) struct DirectRow {
    names: ColumnNames,
    values: Vec<Value>,
}

impl DirectRow {
    /// Copies a row out of its statement; the column names are shared by its rows.
    fn read(row: &Row<'_>) -> StoreResult<OwnedRow> {
        let Row::Direct { row, names, .. } = row else {
            return Err(StoreError::Backend("a sqlx row on the direct path".into()));
        };
        let values = (0..names.len())
            .map(|i| row.get::<_, Value>(i).map_err(direct_err))
            .collect::<StoreResult<Vec<Value>>>()?;
        Ok(OwnedRow::Direct(DirectRow {
            names: Arc::clone(names),
            values,
        }))
    }
}

impl RowRead for OwnedRow {
    fn col<T: Column>(&self, column: &str) -> StoreResult<T> {
        match self {
            OwnedRow::Pooled(r) => r.col(column),
            OwnedRow::Direct(r) => {
                let value = column_index(&r.names, column, 0)
                    .and_then(|i| r.values.get(i))
                    .ok_or_else(|| corrupt(format!("no column {column}")))?;
                T::column_result(ValueRef::from(value))
                    .map_err(|e| corrupt(format!("column {column}: {e}")))
            }
        }
    }
}

impl Conn<'_> {
    /// The first row of `sql`, through the decoder the read paths share.
    pub(crate) async fn optional<T>(
        &mut self,
        sql: &str,
        args: &[Arg],
        decode: Decoder<T>,
    ) -> StoreResult<Option<T>> {
        match self {
            Conn::Pooled(c) => pooled_optional(&mut **c, sql, args, decode).await,
            Conn::Direct(c) => direct::optional(c, sql, args, decode),
        }
    }

    /// Every row of `sql`, through the decoder the read paths share.
    pub(crate) async fn all<T>(
        &mut self,
        sql: &str,
        args: &[Arg],
        decode: Decoder<T>,
    ) -> StoreResult<Vec<T>> {
        match self {
            Conn::Pooled(c) => pooled_all(&mut **c, sql, args, decode).await,
            Conn::Direct(c) => direct::all(c, sql, args, decode),
        }
    }
}
