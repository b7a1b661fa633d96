//! Translation of driver errors into [`StoreError`]: callers never see sqlx types.

use kairos_store::StoreError;
use sqlx::error::ErrorKind;

/// SQLite primary result codes that mean "someone else holds the lock".
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;

/// PostgreSQL SQLSTATEs after which retrying the transaction can succeed:
/// serialization_failure, deadlock_detected, lock_not_available, query_canceled (raised
/// by `statement_timeout`, in practice while waiting for a row lock).
const PG_RETRYABLE: [&str; 4] = ["40001", "40P01", "55P03", "57014"];

/// Maps a driver error onto the store's error kinds.
pub(crate) fn db_err(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) => {
            let message = db.message().to_owned();
            if matches!(db.kind(), ErrorKind::UniqueViolation) {
                return StoreError::Conflict(message);
            }
            let busy = if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                db.code().is_some_and(|c| is_sqlite_busy(&c))
            } else if db
                .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                db.code().is_some_and(|c| PG_RETRYABLE.contains(&&*c))
            } else {
                false
            };
            if busy {
                StoreError::Busy(message)
            } else {
                StoreError::Backend(message)
            }
        }
        // Every connection is taken: on SQLite this is the writer queue being too long.
        sqlx::Error::PoolTimedOut => StoreError::Busy(err.to_string()),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(err.to_string()),
        _ => StoreError::Backend(err.to_string()),
    }
}

/// Whether a SQLite result code (extended, in decimal) means another connection holds
/// the lock.
fn is_sqlite_busy(code: &str) -> bool {
    // SQLite reports extended codes (e.g. 517 = SQLITE_BUSY_SNAPSHOT); the primary code
    // is the low byte.
    match code.parse::<i64>() {
        Ok(n) => matches!(n & 0xff, SQLITE_BUSY | SQLITE_LOCKED),
        Err(_) => false,
    }
}

/// A value read from the database that the domain types cannot represent.
pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

/// The target of a write vanished (typically deleted by a concurrent transaction between
/// the caller's check and the write). Reported as a conflict so the caller answers with a
/// precondition/conflict status rather than a server error.
pub(crate) fn missing(what: impl std::fmt::Display) -> StoreError {
    StoreError::Conflict(format!("{what} does not exist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_codes() {
        assert!(is_sqlite_busy("5"));
        assert!(is_sqlite_busy("517"));
        assert!(is_sqlite_busy("6"));
        assert!(!is_sqlite_busy("2067"));
        assert!(!is_sqlite_busy("1"));
        assert!(!is_sqlite_busy("x"));
    }

    #[test]
    fn pool_timeout_is_busy() {
        assert!(matches!(
            db_err(sqlx::Error::PoolTimedOut),
            StoreError::Busy(_)
        ));
        assert!(matches!(
            db_err(sqlx::Error::ColumnNotFound("x".into())),
            StoreError::Corrupt(_)
        ));
    }
}
