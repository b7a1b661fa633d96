//! [`SqlStore`]: the [`Store`] over the pools.

use std::sync::Arc;

use async_trait::async_trait;
use kairos_store::{
    CalendarPrefs, ClaimedJob, Collection, CollectionId, ComponentKind, Credential, CredentialId,
    DeadProperty, FetchedObject, IncomingShare, IndexedBusy, JobId, JobOutcome, JobRecord,
    MemberChange, ObjectId, ObjectMeta, PoolUsage, PropOwner, QueueDepth, RangeCandidate, Session,
    Share, ShareAccess, ShareLogEntry, Signal, StaleIndex, Store, StoreResult, StoredObject,
    Timestamp, User, UserId, WriteTx,
};
use tokio::sync::broadcast;

use crate::config::{Engine, StoreConfig};
use crate::conn::Conn;
use crate::error::db_err;
use crate::pool::{self, Pools};
use crate::signals::SignalHub;
use crate::tx::{Inner, SqlWriteTx};
use crate::{
    access, changes, collections, identities, jobs, migrate, objects, prefs, properties, search,
    shares, users,
};

/// The SQL store: SQLite or PostgreSQL through one code path.
///
/// Cheap to clone (the pools are shared). Reads outside a transaction go to the reader
/// pool and see the latest committed state. On SQLite write transactions are serialized
/// through one connection: a task must not call [`Store::begin`] while it already holds
/// an open [`WriteTx`], or it waits for itself until the acquire timeout.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pools: Pools,
    signals: Arc<SignalHub>,
}

impl SqlStore {
    /// Connects to the database `config` names (the SQLite file is created if missing).
    /// Does not touch the schema: call [`SqlStore::migrate`] next.
    pub async fn connect(config: &StoreConfig) -> StoreResult<SqlStore> {
        let pools = pool::open(config).await?;
        tracing::debug!(engine = ?pools.engine, "store connected");
        let signals = SignalHub::new(pools.engine, &config.url);
        Ok(SqlStore { pools, signals })
    }

    /// Brings the schema up to date. Idempotent, and safe when several nodes start at
    /// once against one PostgreSQL database (they serialize on an advisory lock).
    pub async fn migrate(&self) -> StoreResult<()> {
        let pools = &self.pools;
        pools
            .written(migrate::run(&pools.writer, pools.engine))
            .await
    }

    /// Which engine this store runs on.
    pub fn engine(&self) -> Engine {
        self.pools.engine
    }

    /// Closes every pooled connection, waiting for checked-out ones to come back (for a
    /// clean shutdown; on SQLite this also checkpoints the WAL when the last one closes).
    pub async fn close(&self) {
        if let Some(direct) = &self.pools.direct {
            direct.close();
        }
        if let Some(writer) = &self.pools.direct_writer {
            writer.close().await;
        }
        self.pools.writer.close().await;
        self.pools.reader.close().await;
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn user_by_name(&self, name: &str) -> StoreResult<Option<User>> {
        users::by_name(&self.pools.reader, name).await
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        users::by_id(&self.pools.reader, id).await
    }

    async fn list_users(&self) -> StoreResult<Vec<User>> {
        users::list(&self.pools.reader).await
    }

    async fn collection_by_path(
        &self,
        owner: UserId,
        path: &str,
    ) -> StoreResult<Option<Collection>> {
        collections::read_by_path(&self.pools, owner, path).await
    }

    async fn collection_by_id(&self, id: CollectionId) -> StoreResult<Option<Collection>> {
        collections::by_id(&self.pools.reader, id).await
    }

    async fn child_collections(&self, parent: CollectionId) -> StoreResult<Vec<Collection>> {
        collections::children(&self.pools.reader, parent).await
    }

    async fn collection_tree(&self, owner: UserId, path: &str) -> StoreResult<Vec<Collection>> {
        let mut conn = self.pools.reader.acquire().await.map_err(db_err)?;
        collections::tree(&mut Conn::Pooled(&mut conn), owner, path).await
    }

    async fn count_objects(&self) -> StoreResult<u64> {
        objects::count_all(&self.pools.reader).await
    }

    async fn object(
        &self,
        collection: CollectionId,
        name: &str,
    ) -> StoreResult<Option<StoredObject>> {
        objects::read_one(&self.pools, collection, name).await
    }

    async fn object_by_path(
        &self,
        owner: UserId,
        collection_path: &str,
        name: &str,
    ) -> StoreResult<Option<(Collection, StoredObject)>> {
        objects::by_path(&self.pools, owner, collection_path, name).await
    }

    async fn object_meta(
        &self,
        collection: CollectionId,
        name: &str,
    ) -> StoreResult<Option<ObjectMeta>> {
        objects::meta(&self.pools, collection, name).await
    }

    async fn list_objects(&self, collection: CollectionId) -> StoreResult<Vec<ObjectMeta>> {
        objects::read_list(&self.pools, collection).await
    }

    async fn list_objects_with_data(
        &self,
        collection: CollectionId,
    ) -> StoreResult<Vec<StoredObject>> {
        objects::read_list_with_data(&self.pools, collection).await
    }

    async fn objects_in_range(
        &self,
        collection: CollectionId,
        component: ComponentKind,
        start: Option<Timestamp>,
        end: Option<Timestamp>,
    ) -> StoreResult<Vec<RangeCandidate>> {
        crate::time_index::in_range(&self.pools, collection, component, start, end).await
    }

    async fn busy_in_range(
        &self,
        collection: CollectionId,
        start: Option<Timestamp>,
        end: Option<Timestamp>,
    ) -> StoreResult<IndexedBusy> {
        crate::time_index::busy_in_range(&self.pools, collection, start, end).await
    }

    async fn stale_indexes(&self, before: Timestamp, limit: u32) -> StoreResult<Vec<StaleIndex>> {
        crate::time_index::stale(&self.pools.reader, before, limit).await
    }

    async fn objects_by_names(
        &self,
        collection: CollectionId,
        names: &[String],
        with_data: bool,
    ) -> StoreResult<Vec<FetchedObject>> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        objects::by_names(&self.pools, collection, names, with_data).await
    }

    async fn changes_since(
        &self,
        collection: CollectionId,
        after_seq: i64,
        include_deleted: bool,
        limit: Option<u32>,
        with_data: bool,
    ) -> StoreResult<Vec<MemberChange>> {
        changes::since(
            &self.pools,
            collection,
            after_seq,
            include_deleted,
            limit,
            with_data,
        )
        .await
    }

    async fn dead_properties(&self, owner: PropOwner) -> StoreResult<Vec<DeadProperty>> {
        properties::read_list(&self.pools, owner).await
    }

    async fn member_dead_properties(
        &self,
        collection: CollectionId,
    ) -> StoreResult<Vec<(ObjectId, DeadProperty)>> {
        properties::of_members(&self.pools, collection).await
    }

    async fn credential_by_hash(&self, hash: &str) -> StoreResult<Option<Credential>> {
        access::credential_by_hash(&self.pools.reader, hash).await
    }

    async fn credentials_of(&self, user: UserId) -> StoreResult<Vec<Credential>> {
        access::credentials_of(&self.pools.reader, user).await
    }

    async fn touch_credential(&self, id: CredentialId, now: Timestamp) -> StoreResult<()> {
        let pools = &self.pools;
        pools
            .written(access::touch_credential(&pools.writer, id, now))
            .await
    }

    async fn session_by_hash(&self, hash: &str) -> StoreResult<Option<Session>> {
        access::session_by_hash(&self.pools.reader, hash).await
    }

    async fn search_objects(
        &self,
        collection: CollectionId,
        terms: &[String],
        limit: u32,
    ) -> StoreResult<Vec<ObjectMeta>> {
        search::find(&self.pools.reader, collection, terms, limit).await
    }

    async fn identity_user(&self, issuer: &str, subject: &str) -> StoreResult<Option<UserId>> {
        identities::identity_user(&self.pools.reader, issuer, subject).await
    }

    async fn calendar_prefs(&self, user: UserId) -> StoreResult<Vec<CalendarPrefs>> {
        prefs::prefs_of(&self.pools.reader, user).await
    }

    async fn shares_of(&self, collection: CollectionId) -> StoreResult<Vec<(Share, String)>> {
        shares::shares_of(&self.pools.reader, collection).await
    }

    async fn shared_with(&self, sharee: UserId) -> StoreResult<Vec<IncomingShare>> {
        shares::shared_with(&self.pools, sharee).await
    }

    async fn shares_between(
        &self,
        owner: UserId,
        sharee: UserId,
    ) -> StoreResult<Vec<(CollectionId, ShareAccess)>> {
        shares::shares_between(&self.pools.reader, owner, sharee).await
    }

    async fn share_log(&self, collection: CollectionId) -> StoreResult<Vec<ShareLogEntry>> {
        shares::share_log(&self.pools.reader, collection).await
    }

    async fn public_link(&self, hash: &str) -> StoreResult<Option<CollectionId>> {
        shares::public_link(&self.pools.reader, hash).await
    }

    async fn public_link_of(&self, collection: CollectionId) -> StoreResult<Option<Timestamp>> {
        shares::public_link_of(&self.pools.reader, collection).await
    }

    async fn begin(&self) -> StoreResult<Box<dyn WriteTx>> {
        let tx = match (&self.pools.direct_writer, self.pools.engine) {
            (Some(writer), _) => Inner::Direct(writer.begin().await?),
            // IMMEDIATE takes the write lock now, where `busy_timeout` applies, instead of
            // upgrading a read lock later, which fails at once with SQLITE_BUSY when
            // another process (e.g. the admin CLI) wrote in between.
            (None, Engine::Sqlite) => Inner::Sqlx(
                self.pools
                    .writer
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(db_err)?,
            ),
            (None, Engine::Postgres) => {
                Inner::Sqlx(self.pools.writer.begin().await.map_err(db_err)?)
            }
        };
        Ok(Box::new(SqlWriteTx::new(tx, self.signals.clone())))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pools.reader)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn claim_jobs(
        &self,
        limit: u32,
        lease_ms: i64,
        now: Timestamp,
    ) -> StoreResult<Vec<ClaimedJob>> {
        let pools = &self.pools;
        pools
            .written(jobs::claim(
                &pools.writer,
                pools.engine,
                limit,
                lease_ms,
                now,
            ))
            .await
    }

    async fn finish_job(
        &self,
        job: &ClaimedJob,
        outcome: &JobOutcome,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let pools = &self.pools;
        pools
            .written(jobs::finish(&pools.writer, job, outcome, now))
            .await
    }

    async fn job(&self, id: JobId) -> StoreResult<Option<JobRecord>> {
        jobs::get_one(&self.pools.reader, id).await
    }

    async fn queue_depth(&self) -> StoreResult<QueueDepth> {
        jobs::depth(&self.pools.reader).await
    }

    async fn signals(&self) -> StoreResult<broadcast::Receiver<Signal>> {
        self.signals.subscribe().await
    }

    fn pool_usage(&self) -> PoolUsage {
        let reader = &self.pools.reader;
        let mut usage = PoolUsage {
            open: reader.size(),
            idle: u32::try_from(reader.num_idle()).unwrap_or(u32::MAX),
            max: reader.options().get_max_connections(),
        };
        if self.pools.separate_writer {
            let writer = &self.pools.writer;
            usage.open += writer.size();
            usage.idle += u32::try_from(writer.num_idle()).unwrap_or(u32::MAX);
            usage.max += writer.options().get_max_connections();
        }
        usage
    }
}
