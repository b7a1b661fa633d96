//! Kairos services: authentication, access control, calendars, objects and sync.
//!
//! Every front-end (DAV today; REST, web and MCP later) calls these services, so each rule
//! (a precondition, an access check, a change-log write) exists once, here.

// Unit tests may unwrap; the library itself is still checked by the non-test build.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod access;
mod answers;
pub mod auth;
mod cache;
mod calendars;
mod collections;
mod conditions;
pub mod config;
mod error;
mod events;
mod home;
pub mod jobs;
pub mod moving;
mod objects;
mod props;
mod publish;
mod query;
mod resolve;
mod sharing;
mod sync;
mod time_index;
mod transfer;
mod turns;
pub mod users;

use std::sync::Arc;

use kairos_store::Store;

pub use access::{Granted, Limits, Principal, Privileges, Reader, Writer};
pub use answers::{Answer, AnswerCacheStats, AnswerKey};
pub use cache::CacheLimits;
pub use calendars::calendar_timezone;
pub use collections::NewCollection;
pub use conditions::{Conditions, EtagMatch};
pub use config::{AuthConfig, CoreConfig};
pub use error::{Condition, CoreError, CoreResult, PropertyError, ResourceLocation};
pub use events::{BatchChange, EditOutcome, Scope, member_name_for};
pub use jobs::{JobFailure, JobHandler, JobHandlers, WorkerConfig};
pub use objects::{Members, PutOutcome, calendar_data};
pub use props::{LiveProperty, PropChange};
pub use publish::{ImportOutcome, MAX_IMPORT};
pub use query::QueryZone;
pub use resolve::{Resource, valid_segment};
pub use sharing::{ShareChange, ShareRefusal, Sharee, ShareeAddress};
pub use sync::{SyncMembers, SyncPage, SyncToken};
pub use time_index::TimeIndexConfig;
pub use transfer::{TransferOutcome, TransferTarget};
pub use turns::AnswerTurn;

/// The services, over one store. Cheap to share (`Arc`).
pub struct Kairos {
    store: Arc<dyn Store>,
    config: CoreConfig,
    auth: auth::Authenticator,
    homes: home::ReadyHomes,
    cache: cache::MemberCache,
    answers: answers::AnswerCache,
    /// Set once the process begins to stop: long-lived answers (live streams) end.
    stopping: tokio::sync::watch::Sender<bool>,
    turns: turns::AnswerTurns,
}

impl Kairos {
    /// Services over `store` with `config`.
    pub fn new(store: Arc<dyn Store>, config: CoreConfig) -> Self {
        Kairos {
            turns: turns::AnswerTurns::new(config.concurrent_answers),
            auth: auth::Authenticator::new(&config.auth),
            cache: cache::MemberCache::new(config.cache),
            answers: answers::AnswerCache::new(config.cache.answer_bytes),
            store,
            config,
            homes: home::ReadyHomes::default(),
            stopping: tokio::sync::watch::Sender::new(false),
        }
    }

    /// Tells long-lived answers (live streams) to end: the process is stopping.
    pub fn begin_shutdown(&self) {
        self.stopping.send_replace(true);
    }

    /// Becomes true when the process begins to stop.
    pub fn stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    /// The settings in force.
    pub fn config(&self) -> &CoreConfig {
        &self.config
    }

    /// Whether the database answers (readiness probe).
    pub async fn ready(&self) -> CoreResult<()> {
        Ok(self.store.ping().await?)
    }

    /// Waits for a turn to build and send a large answer (a REPORT, a Depth 1 PROPFIND):
    /// at most `concurrent_answers` at once, first come first served. Hold the turn until
    /// the answer is sent.
    pub async fn large_answer_turn(&self) -> AnswerTurn {
        self.turns.wait().await
    }

    /// Turns for large answers free right now (`None`: no limit; for metrics and tests).
    pub fn free_answer_turns(&self) -> Option<usize> {
        self.turns.free()
    }

    /// Database connections in use (for metrics).
    pub fn pool_usage(&self) -> kairos_store::PoolUsage {
        self.store.pool_usage()
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// The strong entity tag of a resource's bytes (without quotes): a content hash, so equal
/// bytes always carry the same tag and any change changes it.
pub fn etag_for(data: &[u8]) -> String {
    let hash = blake3::hash(data);
    hash.to_hex()[..32].to_owned()
}
