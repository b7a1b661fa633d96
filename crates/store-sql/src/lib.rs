//! SQL storage for Kairos: the [`kairos_store`] traits over SQLite or PostgreSQL.
//!
//! One code path for both engines: `sqlx::Any`, statements written once with `$N`
//! placeholders, one portable migration set (`migrations/`). Ids are UUIDv7 stored as
//! text, times are unix milliseconds, flags and enums are SMALLINT codes.
//!
//! ```no_run
//! # async fn demo() -> Result<(), kairos_store::StoreError> {
//! use kairos_store_sql::{SqlStore, StoreConfig, sqlite_url_for_dir};
//! let url = sqlite_url_for_dir(std::path::Path::new("./kairos-data"))?;
//! let store = SqlStore::connect(&StoreConfig::new(url)).await?;
//! store.migrate().await?;
//! # Ok(()) }
//! ```
//!
//! Module map: `config` (settings, URLs), `pool` (connections and per-connection
//! settings), `migrate`, one module per table group (`users`, `collections`, `objects`,
//! `changes`, `properties`), `tx` (the write transaction), `store` (reads), `error`
//! (driver errors to [`kairos_store::StoreError`]), `row` (decoding helpers).

#![warn(missing_docs)]

mod access;
mod changes;
mod checkpoint;
mod collections;
mod config;
mod conn;
mod direct;
mod error;
mod identities;
mod jobs;
mod migrate;
mod objects;
mod pool;
mod prefs;
mod properties;
mod read;
mod row;
mod search;
mod shares;
mod signals;
mod store;
mod time_index;
mod tx;
mod users;
mod writer;

pub use config::{Engine, SQLITE_FILE_NAME, StoreConfig, redact_url, sqlite_url_for_dir};
pub use store::SqlStore;
