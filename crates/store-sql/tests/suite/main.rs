//! The store contract, exercised through `Arc<dyn Store>` on SQLite (default) and on
//! PostgreSQL when `DATABASE_URL=postgres://…` is set.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod changes;
mod collections;
mod common;
mod concurrency;
mod identities;
mod jobs;
mod objects;
mod properties;
mod scale;
mod tx;
mod users;
