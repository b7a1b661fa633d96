//! Small helpers for reading rows and writing ids, shared by the table modules.

use std::cell::Cell;

use kairos_store::StoreResult;
use rusqlite::types::FromSql;
use sqlx::any::AnyRow;
use sqlx::{Decode, Row as _, Type};
use uuid::Uuid;

use crate::direct::{ColumnNames, direct_err};
use crate::error::{corrupt, db_err};

/// The stored form of an id: the hyphenated lowercase text, whose byte order matches the
/// UUID's (so UUIDv7 ids sort by creation time in SQL too).
pub(crate) fn id_text(id: Uuid) -> String {
    id.hyphenated().to_string()
}

/// A value type both drivers decode the same way.
pub(crate) trait Column: for<'r> Decode<'r, sqlx::Any> + Type<sqlx::Any> + FromSql {}

impl<T> Column for T where T: for<'r> Decode<'r, sqlx::Any> + Type<sqlx::Any> + FromSql {}

/// A result row of either driver, read by column name.
pub(crate) trait RowRead {
    /// The value of `column`, with decode failures reported as corruption.
    fn col<T: Column>(&self, column: &str) -> StoreResult<T>;
}

impl RowRead for AnyRow {
    fn col<T: Column>(&self, column: &str) -> StoreResult<T> {
        self.try_get(column).map_err(db_err)
    }
}

/// A row from the pooled path or from a direct read, so that one decoder serves both.
pub(crate) enum Row<'a> {
    /// From sqlx.
    Pooled(&'a AnyRow),
    /// From rusqlite, with its statement's column names (rusqlite's own lookup by name
    /// asks SQLite for every column's name on every call).
    Direct {
        row: &'a rusqlite::Row<'a>,
        names: &'a ColumnNames,
        /// Where the next lookup starts: decoders mostly read columns in the order they
        /// were selected, so a lookup usually matches at its first comparison.
        next: Cell<usize>,
    },
}

impl<'a> Row<'a> {
    /// A rusqlite row whose columns are named by `names`.
    pub(crate) fn direct(row: &'a rusqlite::Row<'a>, names: &'a ColumnNames) -> Row<'a> {
        Row::Direct {
            row,
            names,
            next: Cell::new(0),
        }
    }
}

/// The index of `column` in `names`, searched from `start` onward and then from the top.
pub(crate) fn column_index(names: &[Box<str>], column: &str, start: usize) -> Option<usize> {
    let start = start.min(names.len());
    (start..names.len())
        .chain(0..start)
        .find(|&i| names.get(i).is_some_and(|n| **n == *column))
}

impl RowRead for Row<'_> {
    fn col<T: Column>(&self, column: &str) -> StoreResult<T> {
        match self {
            Row::Pooled(r) => r.col(column),
            Row::Direct { row, names, next } => {
                let index = column_index(names, column, next.get())
                    .ok_or_else(|| corrupt(format!("no column {column}")))?;
                next.set(index + 1);
                row.get(index).map_err(direct_err)
            }
        }
    }
}

/// A column by name, with decode failures reported as corruption.
pub(crate) fn get<T: Column>(row: &impl RowRead, column: &str) -> StoreResult<T> {
    row.col(column)
}

/// An id column.
pub(crate) fn get_id(row: &impl RowRead, column: &str) -> StoreResult<Uuid> {
    let text: String = get(row, column)?;
    Uuid::parse_str(&text).map_err(|e| corrupt(format!("{column} {text:?}: {e}")))
}

/// A nullable id column.
pub(crate) fn get_opt_id(row: &impl RowRead, column: &str) -> StoreResult<Option<Uuid>> {
    let text: Option<String> = get(row, column)?;
    text.map(|t| Uuid::parse_str(&t).map_err(|e| corrupt(format!("{column} {t:?}: {e}"))))
        .transpose()
}

/// SQL placeholders `$first, $first+1, …` for `count` parameters.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    let mut out = String::with_capacity(count * 6);
    for i in 0..count {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('$');
        out.push_str(&(first + i).to_string());
    }
    out
}

/// The number of characters SQL `substr`/`length` count in `s` (both engines count
/// Unicode code points in text, which is what `chars()` yields).
pub(crate) fn sql_len(s: &str) -> i32 {
    i32::try_from(s.chars().count()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_lists() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 1), "$1");
        assert_eq!(placeholders(5, 0), "");
    }

    #[test]
    fn lengths_count_code_points() {
        assert_eq!(sql_len("a/é/日本"), 6);
        assert_eq!(sql_len(""), 0);
    }

    #[test]
    fn column_lookups_start_at_the_hint_and_wrap() {
        let names: Vec<Box<str>> = ["id", "name", "etag", "id2"].map(Box::from).into();
        assert_eq!(column_index(&names, "etag", 0), Some(2));
        assert_eq!(column_index(&names, "etag", 3), Some(2));
        assert_eq!(column_index(&names, "id", 1), Some(0));
        assert_eq!(column_index(&names, "id2", 9), Some(3));
        assert_eq!(column_index(&names, "nope", 2), None);
        assert_eq!(column_index(&[], "id", 0), None);
    }
}
