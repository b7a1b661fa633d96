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
use sqlx::Connection;

pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub sql: SqlStore,
    pub config: StoreConfig,
    _tmp: Option<tempfile::TempDir>,
    _pg: Option<PgDatabase>,
}

impl TestDb {
    pub fn engine(&self) -> Engine {
        self.sql.engine()
    }
}

/// The PostgreSQL server URL to test against, if any.
fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres:") || u.starts_with("postgresql:"))
}

/// A fresh migrated store on the engine chosen by `DATABASE_URL`.
pub async fn setup() -> TestDb {
    let db = empty().await;
    db.sql.migrate().await.expect("migrate");
    db
}

/// A fresh store whose schema has not been migrated yet.
pub async fn empty() -> TestDb {
    match postgres_url() {
        Some(admin) => {
            let pg = PgDatabase::create(&admin).await;
            let config = StoreConfig::new(pg.url.clone());
            let sql = SqlStore::connect(&config).await.expect("connect postgres");
            TestDb {
                store: Arc::new(sql.clone()),
                sql,
                config,
                _tmp: None,
                _pg: Some(pg),
            }
        }
        None => sqlite().await,
    }
}

/// A fresh store on SQLite, whatever `DATABASE_URL` says (for SQLite-specific tests).
pub async fn sqlite() -> TestDb {
    let tmp = tempfile::tempdir().expect("tempdir");
    let config = StoreConfig::new(sqlite_url_for_dir(tmp.path()).expect("url"));
    let sql = SqlStore::connect(&config).await.expect("connect sqlite");
    TestDb {
        store: Arc::new(sql.clone()),
        sql,
        config,
        _tmp: Some(tmp),
        _pg: None,
    }
}

/// A throwaway PostgreSQL database.
pub struct PgDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub async fn create(admin: &str) -> PgDatabase {
        let name = format!("kairos_test_{}", new_id().simple());
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .expect("connect to DATABASE_URL");
        // A linguistic (ICU) collation where the server has one, so the tests prove that
        // the store's orderings do not depend on the database collation; plain otherwise.
        let icu = format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
             LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
        );
        if sqlx::raw_sql(&icu).execute(&mut conn).await.is_err() {
            sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create test database");
        }
        let _ = conn.close().await;
        PgDatabase {
            url: with_database(admin, &name),
            admin: admin.to_owned(),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime: do the async cleanup on a thread of its own.
        let admin = self.admin.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(&sql).execute(&mut conn).await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// `url` with its database (path) replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
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

#[test]
fn database_url_rewrite() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/test?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
