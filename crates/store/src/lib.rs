//! Storage traits and the domain types they speak.
//!
//! `core` depends on these traits only; `store-sql` implements them. Nothing here knows
//! about SQL, HTTP or XML. Rules (preconditions, access checks, change-log writes) live in
//! `core`: the store offers atomic building blocks inside a [`WriteTx`], and core decides.

use async_trait::async_trait;
pub use kairos_ical::{ComponentKind, ComponentSet};
use uuid::Uuid;

#[macro_use]
mod types;
mod access;
mod jobs;
pub use access::*;
pub use jobs::*;
pub use types::*;

/// Errors a store can report. Backend details are flattened to text: domain code never
/// sees driver types.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint was violated (duplicate user name, path, name or UID).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database was busy or a serialization conflict occurred; the caller may retry.
    #[error("database busy: {0}")]
    Busy(String),
    /// Stored data could not be decoded (corruption or a schema mismatch).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// Any other backend failure (I/O, connection, migration).
    #[error("storage backend: {0}")]
    Backend(String),
}

/// Result alias for store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// Read access plus the entry point for write transactions.
///
/// Reads outside a transaction see the latest committed state.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A user by login name.
    async fn user_by_name(&self, name: &str) -> StoreResult<Option<User>>;
    /// A user by id.
    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>>;
    /// All users, ordered by name.
    async fn list_users(&self) -> StoreResult<Vec<User>>;

    /// A collection by owner and home-relative path (`""` is the home itself).
    async fn collection_by_path(
        &self,
        owner: UserId,
        path: &str,
    ) -> StoreResult<Option<Collection>>;
    /// A collection by id.
    async fn collection_by_id(&self, id: CollectionId) -> StoreResult<Option<Collection>>;
    /// The direct child collections of `parent`, ordered by path.
    async fn child_collections(&self, parent: CollectionId) -> StoreResult<Vec<Collection>>;
    /// The collection at `path` and every collection below it, ordered by path (parents
    /// before children).
    async fn collection_tree(&self, owner: UserId, path: &str) -> StoreResult<Vec<Collection>>;
    /// How many member resources the whole store holds (sizes an export's progress bar).
    async fn count_objects(&self) -> StoreResult<u64>;

    /// One member resource with its bytes.
    async fn object(
        &self,
        collection: CollectionId,
        name: &str,
    ) -> StoreResult<Option<StoredObject>>;
    /// A member with its bytes and the collection holding it, by the owner's home-relative
    /// collection path, in one query (the GET path).
    async fn object_by_path(
        &self,
        owner: UserId,
        collection_path: &str,
        name: &str,
    ) -> StoreResult<Option<(Collection, StoredObject)>>;
    /// One member resource without its bytes.
    async fn object_meta(
        &self,
        collection: CollectionId,
        name: &str,
    ) -> StoreResult<Option<ObjectMeta>>;
    /// Every member resource of a collection (no bytes), ordered by name.
    async fn list_objects(&self, collection: CollectionId) -> StoreResult<Vec<ObjectMeta>>;
    /// Every member resource with its bytes, ordered by name.
    async fn list_objects_with_data(
        &self,
        collection: CollectionId,
    ) -> StoreResult<Vec<StoredObject>>;
    /// The named members that exist, in one query; missing names are simply absent.
    async fn objects_by_names(
        &self,
        collection: CollectionId,
        names: &[String],
        with_data: bool,
    ) -> StoreResult<Vec<FetchedObject>>;

    /// Members changed after `after_seq`, oldest first, at most `limit` rows, in one query.
    /// With `include_deleted = false` tombstones are skipped (initial sync).
    async fn changes_since(
        &self,
        collection: CollectionId,
        after_seq: i64,
        include_deleted: bool,
        limit: Option<u32>,
        with_data: bool,
    ) -> StoreResult<Vec<MemberChange>>;

    /// Calendar objects of `component` type whose indexed instances can overlap
    /// `[start, end]` (closed; `None` = unbounded), in one query, ordered by name. Objects
    /// materialised only up to a point before `end` are always candidates.
    async fn objects_in_range(
        &self,
        collection: CollectionId,
        component: ComponentKind,
        start: Option<Timestamp>,
        end: Option<Timestamp>,
    ) -> StoreResult<Vec<RangeCandidate>>;
    /// Free/busy over `[start, end]` (closed; `None` = unbounded) as far as the instance
    /// index knows it: busy intervals of objects whose every touching instance has a known
    /// busy state, and the VEVENT and VFREEBUSY objects that need evaluation.
    async fn busy_in_range(
        &self,
        collection: CollectionId,
        start: Option<Timestamp>,
        end: Option<Timestamp>,
    ) -> StoreResult<IndexedBusy>;
    /// Up to `limit` calendar objects indexed for a horizon before `before`.
    async fn stale_indexes(&self, before: Timestamp, limit: u32) -> StoreResult<Vec<StaleIndex>>;

    /// Dead properties of one resource, ordered by (namespace, name).
    async fn dead_properties(&self, owner: PropOwner) -> StoreResult<Vec<DeadProperty>>;
    /// Dead properties of every member object of a collection, in one query.
    async fn member_dead_properties(
        &self,
        collection: CollectionId,
    ) -> StoreResult<Vec<(ObjectId, DeadProperty)>>;

    /// The credential whose secret hashes to `hash`.
    async fn credential_by_hash(&self, hash: &str) -> StoreResult<Option<Credential>>;
    /// A user's credentials, oldest first.
    async fn credentials_of(&self, user: UserId) -> StoreResult<Vec<Credential>>;
    /// Stamps a credential's last use (outside any transaction: a lost stamp is harmless).
    async fn touch_credential(&self, id: CredentialId, now: Timestamp) -> StoreResult<()>;
    /// The session whose secret hashes to `hash`.
    async fn session_by_hash(&self, hash: &str) -> StoreResult<Option<Session>>;
    /// Members of a calendar with, for every one of `terms`, an indexed search term
    /// starting with it (text search), by name, at most `limit`.
    async fn search_objects(
        &self,
        collection: CollectionId,
        terms: &[String],
        limit: u32,
    ) -> StoreResult<Vec<ObjectMeta>>;
    /// The user a single sign-on identity (issuer, subject) belongs to.
    async fn identity_user(&self, issuer: &str, subject: &str) -> StoreResult<Option<UserId>>;
    /// Who a calendar is shared with, with their login names, by name.
    async fn shares_of(&self, collection: CollectionId) -> StoreResult<Vec<(Share, String)>>;
    /// The calendars shared with `sharee`, each with its owner's login name.
    async fn shared_with(&self, sharee: UserId) -> StoreResult<Vec<IncomingShare>>;
    /// What `sharee` may do in `owner`'s calendars, calendar by calendar.
    async fn shares_between(
        &self,
        owner: UserId,
        sharee: UserId,
    ) -> StoreResult<Vec<(CollectionId, ShareAccess)>>;
    /// The sharing history of a calendar, oldest first.
    async fn share_log(&self, collection: CollectionId) -> StoreResult<Vec<ShareLogEntry>>;
    /// The calendar a public link's secret opens.
    async fn public_link(&self, hash: &str) -> StoreResult<Option<CollectionId>>;
    /// When the calendar's public link was made, if it has one.
    async fn public_link_of(&self, collection: CollectionId) -> StoreResult<Option<Timestamp>>;
    /// A user's own settings for the calendars they set any for.
    async fn calendar_prefs(&self, user: UserId) -> StoreResult<Vec<CalendarPrefs>>;

    /// Starts a write transaction. Dropping it without [`WriteTx::commit`] rolls back.
    async fn begin(&self) -> StoreResult<Box<dyn WriteTx>>;

    /// Lightweight check that the database answers (readiness).
    async fn ping(&self) -> StoreResult<()>;

    /// Claims up to `limit` due jobs for `lease_ms` milliseconds: queued ones whose time
    /// has come, and running ones whose lease ran out (their worker died). Several
    /// workers claiming at once never get the same job. A job whose lease ran out on its
    /// last attempt turns dead instead of running again.
    async fn claim_jobs(
        &self,
        limit: u32,
        lease_ms: i64,
        now: Timestamp,
    ) -> StoreResult<Vec<ClaimedJob>>;
    /// Records what became of a claimed job; a no-op (false) when the claim is no longer
    /// the job's current one.
    async fn finish_job(
        &self,
        job: &ClaimedJob,
        outcome: &JobOutcome,
        now: Timestamp,
    ) -> StoreResult<bool>;
    /// One job as stored.
    async fn job(&self, id: JobId) -> StoreResult<Option<JobRecord>>;
    /// Jobs per open state.
    async fn queue_depth(&self) -> StoreResult<QueueDepth>;
    /// Signals of changes committed from now on, by any node sharing the database.
    async fn signals(&self) -> StoreResult<tokio::sync::broadcast::Receiver<Signal>>;
    /// Connections in use and idle, for metrics.
    fn pool_usage(&self) -> PoolUsage;
}

/// How the database connection pool is used right now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolUsage {
    /// Connections open.
    pub open: u32,
    /// Of those, idle.
    pub idle: u32,
    /// Most allowed.
    pub max: u32,
}

/// A write transaction. Every method runs inside it; nothing is visible to others until
/// [`WriteTx::commit`].
#[async_trait]
pub trait WriteTx: Send {
    /// Inserts a user; [`StoreError::Conflict`] if the name is taken.
    async fn insert_user(&mut self, user: &User) -> StoreResult<()>;
    /// Replaces a user's password hash; false if there is no such user.
    async fn set_password_hash(&mut self, id: UserId, hash: &str) -> StoreResult<bool>;
    /// Replaces a user's password hash only while it is still `old` (a rehash must not undo
    /// a password change made meanwhile); false if it was not.
    async fn upgrade_password_hash(
        &mut self,
        id: UserId,
        old: &str,
        new: &str,
    ) -> StoreResult<bool>;
    /// Deletes a user and everything they own; false if there is no such user.
    async fn delete_user(&mut self, id: UserId) -> StoreResult<bool>;

    /// Inserts a collection; [`StoreError::Conflict`] if (owner, path) exists.
    async fn insert_collection(&mut self, collection: &Collection) -> StoreResult<()>;
    /// A collection by owner and path, read inside the transaction.
    async fn collection_by_path(
        &mut self,
        owner: UserId,
        path: &str,
    ) -> StoreResult<Option<Collection>>;
    /// The collection at `path` and every collection below it, ordered by path (parents
    /// before children).
    async fn collection_tree(&mut self, owner: UserId, path: &str) -> StoreResult<Vec<Collection>>;
    /// Replaces the collection's descriptive properties.
    async fn update_collection_props(
        &mut self,
        id: CollectionId,
        props: &CollectionProps,
    ) -> StoreResult<()>;
    /// Increments the collection's sequence, stamps `modified_at`, and returns the new
    /// sequence. Takes the collection's write lock: call it first in a transaction that
    /// changes the collection, so concurrent writers serialize.
    async fn bump_seq(&mut self, id: CollectionId, now: Timestamp) -> StoreResult<i64>;
    /// Deletes a collection, everything below it and all their members.
    async fn delete_collection_tree(&mut self, id: CollectionId) -> StoreResult<()>;
    /// Moves a collection (and the paths of everything below it) to `new_parent`/`new_path`.
    async fn move_collection(
        &mut self,
        id: CollectionId,
        new_parent: CollectionId,
        new_path: &str,
    ) -> StoreResult<()>;

    /// One member with its bytes.
    async fn object(
        &mut self,
        collection: CollectionId,
        name: &str,
    ) -> StoreResult<Option<StoredObject>>;
    /// Every member with bytes (for copying a collection).
    async fn list_objects_with_data(
        &mut self,
        collection: CollectionId,
    ) -> StoreResult<Vec<StoredObject>>;
    /// The name of the member holding `uid` in `collection`, if any.
    async fn object_name_by_uid(
        &mut self,
        collection: CollectionId,
        uid: &str,
    ) -> StoreResult<Option<String>>;
    /// Creates or replaces the member `write.name`. On replace the object keeps its id and
    /// `created_at`. Returns the stored metadata.
    async fn put_object(
        &mut self,
        collection: CollectionId,
        write: &ObjectWrite,
        now: Timestamp,
    ) -> StoreResult<ObjectMeta>;
    /// Inserts a new member with the given creation and modification times (restoring an
    /// export, where those times belong to the resource, not to the import);
    /// [`StoreError::Conflict`] if the name or the UID is taken. Returns the stored metadata.
    async fn insert_object(
        &mut self,
        collection: CollectionId,
        write: &ObjectWrite,
        created_at: Timestamp,
        modified_at: Timestamp,
    ) -> StoreResult<ObjectMeta>;
    /// Replaces the time index of an object (re-indexing after the horizon moved).
    async fn set_time_index(&mut self, object: ObjectId, index: &TimeIndex) -> StoreResult<()>;
    /// Deletes a member and its dead properties; false if it did not exist.
    async fn delete_object(&mut self, collection: CollectionId, name: &str) -> StoreResult<bool>;
    /// Moves a member (keeping its id and dead properties) to another name and/or
    /// collection. The destination name must be free.
    async fn move_object(
        &mut self,
        from: CollectionId,
        from_name: &str,
        to: CollectionId,
        to_name: &str,
        now: Timestamp,
    ) -> StoreResult<ObjectMeta>;

    /// Records that member `name` of `collection` changed (or was deleted) at `seq`, at
    /// time `now`. Keeps one row per member: the latest change wins.
    async fn record_change(
        &mut self,
        collection: CollectionId,
        name: &str,
        seq: i64,
        deleted: bool,
        now: Timestamp,
    ) -> StoreResult<()>;

    /// Drops deletion records older than `older_than` and raises the affected
    /// collections' `min_sync_seq`, so sync tokens that predate them are refused.
    /// Returns how many records were dropped.
    async fn prune_tombstones(&mut self, older_than: Timestamp) -> StoreResult<u64>;

    /// Dead properties of one resource.
    async fn dead_properties(&mut self, owner: PropOwner) -> StoreResult<Vec<DeadProperty>>;
    /// Sets (inserts or replaces) a dead property.
    async fn set_dead_property(&mut self, owner: PropOwner, prop: &DeadProperty)
    -> StoreResult<()>;
    /// Removes a dead property; removing an absent one is not an error.
    async fn remove_dead_property(
        &mut self,
        owner: PropOwner,
        namespace: &str,
        name: &str,
    ) -> StoreResult<()>;

    /// Puts a job on the queue when this transaction commits; `None` when a job with the
    /// same dedupe key already exists.
    async fn enqueue_job(&mut self, job: &NewJob, now: Timestamp) -> StoreResult<Option<JobId>>;
    /// Forgets finished jobs (done, or dead) last touched before `before`.
    async fn prune_jobs(&mut self, before: Timestamp) -> StoreResult<u64>;

    /// Stores a new credential.
    async fn insert_credential(&mut self, credential: &Credential) -> StoreResult<()>;
    /// Deletes one of `user`'s credentials; false if they have no such credential.
    async fn delete_credential(&mut self, user: UserId, id: CredentialId) -> StoreResult<bool>;
    /// Stores a new session.
    async fn insert_session(&mut self, session: &Session) -> StoreResult<()>;
    /// Ends a session; false if there was none.
    async fn delete_session(&mut self, hash: &str) -> StoreResult<bool>;
    /// Ends every session of a user (password change, removal).
    async fn delete_sessions_of(&mut self, user: UserId) -> StoreResult<u64>;
    /// Forgets sessions that ended before `now`.
    async fn prune_sessions(&mut self, now: Timestamp) -> StoreResult<u64>;
    /// Replaces an object's text search terms (re-indexing stored objects).
    async fn set_search_terms(&mut self, object: ObjectId, terms: &[String]) -> StoreResult<()>;
    /// Links a single sign-on identity to a user (conflict if it is linked already).
    async fn link_identity(
        &mut self,
        issuer: &str,
        subject: &str,
        user: UserId,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Stores a sign-in in flight, forgetting those that expired before `now`.
    async fn insert_pending_sign_in(
        &mut self,
        pending: &PendingSignIn,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Removes and returns the unexpired sign-in with this state hash (single use).
    async fn take_pending_sign_in(
        &mut self,
        state_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<PendingSignIn>>;
    /// Shares a calendar, or changes the access of an existing share.
    async fn put_share(&mut self, share: &Share) -> StoreResult<()>;
    /// Takes a share away; false if there was none.
    async fn delete_share(&mut self, collection: CollectionId, sharee: UserId)
    -> StoreResult<bool>;
    /// A user's own settings for one calendar, if they set any.
    async fn calendar_prefs(
        &mut self,
        user: UserId,
        collection: CollectionId,
    ) -> StoreResult<Option<CalendarPrefs>>;
    /// Stores a user's own settings for a calendar, replacing earlier ones.
    async fn put_calendar_prefs(&mut self, prefs: &CalendarPrefs) -> StoreResult<()>;
    /// Drops a user's own settings for a calendar; false if there were none.
    async fn delete_calendar_prefs(
        &mut self,
        user: UserId,
        collection: CollectionId,
    ) -> StoreResult<bool>;
    /// Appends to a calendar's sharing history.
    async fn log_share(&mut self, entry: &ShareLogEntry) -> StoreResult<()>;
    /// Gives a calendar a public link, replacing any earlier one.
    async fn set_public_link(
        &mut self,
        collection: CollectionId,
        hash: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Removes a calendar's public link; false if it had none.
    async fn delete_public_link(&mut self, collection: CollectionId) -> StoreResult<bool>;

    /// Makes every change of this transaction durable and visible.
    async fn commit(self: Box<Self>) -> StoreResult<()>;
}

/// Generates a new time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
