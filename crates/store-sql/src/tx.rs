//! [`WriteTx`] over one database transaction.
//!
//! Sequence bumps after the first one per collection are counted in memory: the first
//! `UPDATE … RETURNING seq` already holds the row lock (PostgreSQL) or the database write
//! lock (SQLite) until the end of the transaction, so nobody else can move the sequence
//! meanwhile, and the final value is written back once, before the transaction reads
//! collections again and at commit. Core bumps once per member change ("a sequence of its
//! own" per change); updating one PostgreSQL row N times in a transaction costs O(N²),
//! because every update walks the row's growing version chain (100k bumps: ~15 minutes).
//!
//! On file-backed SQLite the transaction is the direct writer's ([`crate::writer`]),
//! elsewhere sqlx's; every statement goes through [`Conn`], so both run the same SQL.
//! Dropping the value without committing rolls back (the direct writer at once, sqlx
//! before its connection is reused). On PostgreSQL any failed statement aborts the whole
//! transaction, so callers must treat every error as the end of the transaction (check
//! first, then write) on both engines.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use kairos_store::{
    CalendarPrefs, Collection, CollectionId, CollectionProps, Credential, CredentialId,
    DeadProperty, JobId, NewJob, ObjectId, ObjectMeta, ObjectWrite, PendingSignIn, PropOwner,
    Session, Share, ShareLogEntry, Signal, StoreResult, StoredObject, TimeIndex, Timestamp, User,
    UserId, WriteTx,
};
use sqlx::{Any, Transaction};

use crate::conn::Conn;
use crate::error::db_err;
use crate::signals::SignalHub;
use crate::writer::DirectTx;
use crate::{
    access, changes, collections, identities, jobs, objects, prefs, properties, shares, users,
};

/// An open write transaction of a [`crate::SqlStore`].
pub(crate) struct SqlWriteTx {
    tx: Inner,
    /// Collections this transaction has bumped (and so locked), with the values their row
    /// must end up with.
    bumped: HashMap<CollectionId, Bumped>,
    /// Whether a job was enqueued (workers are told on commit).
    queued_job: bool,
    signals: Arc<SignalHub>,
}

/// The transaction underneath: sqlx's, or the direct SQLite writer's.
pub(crate) enum Inner {
    Sqlx(Transaction<'static, Any>),
    Direct(DirectTx),
}

impl Inner {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Inner::Sqlx(tx) => Conn::Pooled(tx),
            Inner::Direct(tx) => Conn::Direct(tx.conn()),
        }
    }
}

/// The pending sequence state of one locked collection.
struct Bumped {
    seq: i64,
    modified_at: Timestamp,
    /// Whether `seq`/`modified_at` are ahead of the row.
    dirty: bool,
}

impl SqlWriteTx {
    pub(crate) fn new(tx: Inner, signals: Arc<SignalHub>) -> SqlWriteTx {
        SqlWriteTx {
            tx,
            bumped: HashMap::new(),
            queued_job: false,
            signals,
        }
    }

    /// What this transaction tells other nodes when it commits.
    fn signals_to_send(&self) -> Vec<Signal> {
        let mut out: Vec<Signal> = self
            .bumped
            .iter()
            .map(|(id, b)| Signal::Changed {
                collection: *id,
                seq: b.seq,
            })
            .collect();
        if self.queued_job {
            out.push(Signal::JobQueued);
        }
        out
    }

    fn conn(&mut self) -> Conn<'_> {
        self.tx.conn()
    }

    /// Writes the in-memory sequence bumps back to their rows.
    async fn flush_seqs(&mut self) -> StoreResult<()> {
        for (id, b) in &mut self.bumped {
            if b.dirty {
                collections::set_seq(&mut self.tx.conn(), *id, b.seq, b.modified_at).await?;
                b.dirty = false;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl WriteTx for SqlWriteTx {
    async fn insert_user(&mut self, user: &User) -> StoreResult<()> {
        users::insert(&mut self.conn(), user).await
    }

    async fn set_password_hash(&mut self, id: UserId, hash: &str) -> StoreResult<bool> {
        users::set_password_hash(&mut self.conn(), id, hash).await
    }

    async fn upgrade_password_hash(
        &mut self,
        id: UserId,
        old: &str,
        new: &str,
    ) -> StoreResult<bool> {
        users::upgrade_password_hash(&mut self.conn(), id, old, new).await
    }

    async fn delete_user(&mut self, id: UserId) -> StoreResult<bool> {
        users::delete(&mut self.conn(), id).await
    }

    async fn insert_collection(&mut self, collection: &Collection) -> StoreResult<()> {
        collections::insert(&mut self.conn(), collection).await
    }

    async fn collection_by_path(
        &mut self,
        owner: UserId,
        path: &str,
    ) -> StoreResult<Option<Collection>> {
        self.flush_seqs().await?;
        collections::by_path(&mut self.conn(), owner, path).await
    }

    async fn collection_tree(&mut self, owner: UserId, path: &str) -> StoreResult<Vec<Collection>> {
        self.flush_seqs().await?;
        collections::tree(&mut self.conn(), owner, path).await
    }

    async fn update_collection_props(
        &mut self,
        id: CollectionId,
        props: &CollectionProps,
    ) -> StoreResult<()> {
        collections::update_props(&mut self.conn(), id, props).await
    }

    async fn bump_seq(&mut self, id: CollectionId, now: Timestamp) -> StoreResult<i64> {
        if let Some(b) = self.bumped.get_mut(&id) {
            // Already locked by this transaction: count here, write back later.
            b.seq += 1;
            b.modified_at = now;
            b.dirty = true;
            return Ok(b.seq);
        }
        let seq = collections::bump_seq(&mut self.conn(), id, now).await?;
        self.bumped.insert(
            id,
            Bumped {
                seq,
                modified_at: now,
                dirty: false,
            },
        );
        Ok(seq)
    }

    async fn delete_collection_tree(&mut self, id: CollectionId) -> StoreResult<()> {
        collections::delete_tree(&mut self.conn(), id).await
    }

    async fn move_collection(
        &mut self,
        id: CollectionId,
        new_parent: CollectionId,
        new_path: &str,
    ) -> StoreResult<()> {
        collections::move_to(&mut self.conn(), id, new_parent, new_path).await
    }

    async fn object(
        &mut self,
        collection: CollectionId,
        name: &str,
    ) -> StoreResult<Option<StoredObject>> {
        objects::get_one(&mut self.conn(), collection, name).await
    }

    async fn list_objects_with_data(
        &mut self,
        collection: CollectionId,
    ) -> StoreResult<Vec<StoredObject>> {
        objects::list_with_data(&mut self.conn(), collection).await
    }

    async fn object_name_by_uid(
        &mut self,
        collection: CollectionId,
        uid: &str,
    ) -> StoreResult<Option<String>> {
        objects::name_by_uid(&mut self.conn(), collection, uid).await
    }

    async fn put_object(
        &mut self,
        collection: CollectionId,
        write: &ObjectWrite,
        now: Timestamp,
    ) -> StoreResult<ObjectMeta> {
        objects::put(&mut self.conn(), collection, write, now).await
    }

    async fn insert_object(
        &mut self,
        collection: CollectionId,
        write: &ObjectWrite,
        created_at: Timestamp,
        modified_at: Timestamp,
    ) -> StoreResult<ObjectMeta> {
        objects::insert(&mut self.conn(), collection, write, created_at, modified_at).await
    }

    async fn set_time_index(&mut self, object: ObjectId, index: &TimeIndex) -> StoreResult<()> {
        let Some(collection) = crate::time_index::collection_of(&mut self.conn(), object).await?
        else {
            return Ok(());
        };
        crate::time_index::write(&mut self.conn(), object, collection, Some(index)).await
    }

    async fn delete_object(&mut self, collection: CollectionId, name: &str) -> StoreResult<bool> {
        objects::delete(&mut self.conn(), collection, name).await
    }

    async fn move_object(
        &mut self,
        from: CollectionId,
        from_name: &str,
        to: CollectionId,
        to_name: &str,
        now: Timestamp,
    ) -> StoreResult<ObjectMeta> {
        objects::move_to(&mut self.conn(), from, from_name, to, to_name, now).await
    }

    async fn record_change(
        &mut self,
        collection: CollectionId,
        name: &str,
        seq: i64,
        deleted: bool,
        now: Timestamp,
    ) -> StoreResult<()> {
        changes::record(&mut self.conn(), collection, name, seq, deleted, now).await
    }

    async fn prune_tombstones(&mut self, older_than: Timestamp) -> StoreResult<u64> {
        self.flush_seqs().await?;
        changes::prune_tombstones(&mut self.conn(), older_than).await
    }

    async fn dead_properties(&mut self, owner: PropOwner) -> StoreResult<Vec<DeadProperty>> {
        properties::list(&mut self.conn(), owner).await
    }

    async fn set_dead_property(
        &mut self,
        owner: PropOwner,
        prop: &DeadProperty,
    ) -> StoreResult<()> {
        properties::set(&mut self.conn(), owner, prop).await
    }

    async fn remove_dead_property(
        &mut self,
        owner: PropOwner,
        namespace: &str,
        name: &str,
    ) -> StoreResult<()> {
        properties::remove(&mut self.conn(), owner, namespace, name).await
    }

    async fn enqueue_job(&mut self, job: &NewJob, now: Timestamp) -> StoreResult<Option<JobId>> {
        let id = jobs::enqueue(&mut self.conn(), job, now).await?;
        self.queued_job |= id.is_some();
        Ok(id)
    }

    async fn prune_jobs(&mut self, before: Timestamp) -> StoreResult<u64> {
        jobs::prune(&mut self.conn(), before).await
    }

    async fn insert_credential(&mut self, credential: &Credential) -> StoreResult<()> {
        access::insert_credential(&mut self.conn(), credential).await
    }

    async fn delete_credential(&mut self, user: UserId, id: CredentialId) -> StoreResult<bool> {
        access::delete_credential(&mut self.conn(), user, id).await
    }

    async fn insert_session(&mut self, session: &Session) -> StoreResult<()> {
        access::insert_session(&mut self.conn(), session).await
    }

    async fn delete_session(&mut self, hash: &str) -> StoreResult<bool> {
        access::delete_session(&mut self.conn(), hash).await
    }

    async fn delete_sessions_of(&mut self, user: UserId) -> StoreResult<u64> {
        access::delete_sessions_of(&mut self.conn(), user).await
    }

    async fn prune_sessions(&mut self, now: Timestamp) -> StoreResult<u64> {
        access::prune_sessions(&mut self.conn(), now).await
    }

    async fn set_search_terms(&mut self, object: ObjectId, terms: &[String]) -> StoreResult<()> {
        let Some(collection) = crate::time_index::collection_of(&mut self.conn(), object).await?
        else {
            return Ok(());
        };
        crate::search::write(&mut self.conn(), object, collection, terms).await
    }

    async fn link_identity(
        &mut self,
        issuer: &str,
        subject: &str,
        user: UserId,
        now: Timestamp,
    ) -> StoreResult<()> {
        identities::link_identity(&mut self.conn(), issuer, subject, user, now).await
    }

    async fn insert_pending_sign_in(
        &mut self,
        pending: &PendingSignIn,
        now: Timestamp,
    ) -> StoreResult<()> {
        identities::insert_pending(&mut self.conn(), pending, now).await
    }

    async fn take_pending_sign_in(
        &mut self,
        state_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<PendingSignIn>> {
        identities::take_pending(&mut self.conn(), state_hash, now).await
    }

    async fn put_share(&mut self, share: &Share) -> StoreResult<()> {
        shares::put_share(&mut self.conn(), share).await
    }

    async fn delete_share(
        &mut self,
        collection: CollectionId,
        sharee: UserId,
    ) -> StoreResult<bool> {
        shares::delete_share(&mut self.conn(), collection, sharee).await
    }

    async fn calendar_prefs(
        &mut self,
        user: UserId,
        collection: CollectionId,
    ) -> StoreResult<Option<CalendarPrefs>> {
        prefs::prefs_for(&mut self.conn(), user, collection).await
    }

    async fn put_calendar_prefs(&mut self, prefs: &CalendarPrefs) -> StoreResult<()> {
        prefs::put_prefs(&mut self.conn(), prefs).await
    }

    async fn delete_calendar_prefs(
        &mut self,
        user: UserId,
        collection: CollectionId,
    ) -> StoreResult<bool> {
        prefs::delete_prefs(&mut self.conn(), user, collection).await
    }

    async fn log_share(&mut self, entry: &ShareLogEntry) -> StoreResult<()> {
        shares::log_share(&mut self.conn(), entry).await
    }

    async fn set_public_link(
        &mut self,
        collection: CollectionId,
        hash: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        shares::set_public_link(&mut self.conn(), collection, hash, now).await
    }

    async fn delete_public_link(&mut self, collection: CollectionId) -> StoreResult<bool> {
        shares::delete_public_link(&mut self.conn(), collection).await
    }

    async fn commit(mut self: Box<Self>) -> StoreResult<()> {
        self.flush_seqs().await?;
        let signals = self.signals_to_send();
        let hub = self.signals.clone();
        hub.notify_in_tx(&mut self.conn(), &signals).await?;
        match self.tx {
            Inner::Sqlx(tx) => {
                tx.commit().await.map_err(db_err)?;
                hub.committed(signals);
            }
            Inner::Direct(tx) => tx.commit(move || hub.committed(signals)).await?,
        }
        Ok(())
    }
}
