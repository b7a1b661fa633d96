//! Test harness: a fresh, migrated database per test.
//!
//! SQLite (a temporary directory) by default; PostgreSQL when `DATABASE_URL` is a
//! `postgres://` URL, in which case each test creates its own database
//! `kairos_test_<random>` and drops it (WITH FORCE) when the harness is dropped, even if
//! the test panicked.

use std::sync::Arc;

use kairos_store::{
    Collection, CollectionId, CollectionKind, CollectionProps, ComponentKind, ComponentSet,
    ObjectWrite, Store, User, UserId, new_id,
};
use kairos_store_sql::{Engine, SqlStore, StoreConfig, sqlite_url_for_dir};
use kairos_test_support::TestDatabase;

pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub sql: SqlStore,
    pub config: StoreConfig,
    _db: TestDatabase,
}

impl TestDb {
    pub fn engine(&self) -> Engine {
        self.sql.engine()
    }
}

/// A fresh migrated store on the engine chosen by `DATABASE_URL`.
pub async fn setup() -> TestDb {
    let db = empty().await;
    db.sql.migrate().await.expect("migrate");
    db
}

fn sqlite_url(dir: &std::path::Path) -> String {
    sqlite_url_for_dir(dir).expect("url")
}

async fn open(db: TestDatabase) -> TestDb {
    let config = StoreConfig::new(db.url.clone());
    let sql = SqlStore::connect(&config).await.expect("connect");
    TestDb {
        store: Arc::new(sql.clone()),
        sql,
        config,
        _db: db,
    }
}

/// A fresh store whose schema has not been migrated yet.
pub async fn empty() -> TestDb {
    open(TestDatabase::new(sqlite_url).await).await
}

/// A fresh store on SQLite, whatever `DATABASE_URL` says (for SQLite-specific tests).
pub async fn sqlite() -> TestDb {
    open(TestDatabase::sqlite(sqlite_url)).await
}

pub const T0: i64 = 1_700_000_000_000;

/// Inserts a user and their home collection, committed.
pub async fn user_with_home(store: &Arc<dyn Store>, name: &str) -> (User, Collection) {
    let user = User {
        id: UserId(new_id()),
        name: name.to_owned(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned(),
        created_at: T0,
    };
    let home = collection(user.id, None, "", CollectionKind::Home);
    let mut tx = store.begin().await.expect("begin");
    tx.insert_user(&user).await.expect("insert user");
    tx.insert_collection(&home).await.expect("insert home");
    tx.commit().await.expect("commit");
    (user, home)
}

/// A collection value (not stored).
pub fn collection(
    owner: UserId,
    parent: Option<CollectionId>,
    path: &str,
    kind: CollectionKind,
) -> Collection {
    Collection {
        id: CollectionId(new_id()),
        owner_id: owner,
        parent_id: parent,
        path: path.to_owned(),
        kind,
        seq: 0,
        min_sync_seq: 0,
        created_at: T0,
        modified_at: T0,
        props: CollectionProps {
            components: if kind == CollectionKind::Calendar {
                ComponentSet::DEFAULT
            } else {
                ComponentSet::EMPTY
            },
            ..CollectionProps::default()
        },
    }
}

/// Inserts a collection below `parent` named by `path`, committed.
pub async fn add_collection(
    store: &Arc<dyn Store>,
    parent: &Collection,
    path: &str,
    kind: CollectionKind,
) -> Collection {
    let c = collection(parent.owner_id, Some(parent.id), path, kind);
    let mut tx = store.begin().await.expect("begin");
    tx.insert_collection(&c).await.expect("insert collection");
    tx.commit().await.expect("commit");
    c
}

/// A calendar object write with a UID.
pub fn event(name: &str, uid: &str) -> ObjectWrite {
    let data = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    ObjectWrite {
        name: name.to_owned(),
        etag: format!("etag-{name}-{}", data.len()),
        data: data.into_bytes(),
        content_type: "text/calendar; charset=utf-8".to_owned(),
        uid: Some(uid.to_owned()),
        component: Some(ComponentKind::Event),
        time_index: None,
        search_terms: Vec::new(),
    }
}

/// A plain file write (no UID).
pub fn file(name: &str, data: &[u8]) -> ObjectWrite {
    ObjectWrite {
        name: name.to_owned(),
        data: data.to_vec(),
        etag: format!("etag-{name}"),
        content_type: "application/octet-stream".to_owned(),
        uid: None,
        component: None,
        time_index: None,
        search_terms: Vec::new(),
    }
}

/// Puts objects into a collection in one committed transaction (bumping the sequence
/// and recording the change, as core does).
pub async fn put_all(store: &Arc<dyn Store>, coll: CollectionId, writes: &[ObjectWrite]) {
    let mut tx = store.begin().await.expect("begin");
    for w in writes {
        let seq = tx.bump_seq(coll, T0).await.expect("bump");
        tx.put_object(coll, w, T0).await.expect("put");
        tx.record_change(coll, &w.name, seq, false, 0)
            .await
            .expect("record");
    }
    tx.commit().await.expect("commit");
}
