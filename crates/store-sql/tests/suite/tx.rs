use std::time::Duration;

use kairos_store::{CollectionKind, DeadProperty, PropOwner, User, UserId, new_id};
use kairos_store_sql::{Engine, SqlStore, StoreConfig};

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn dropped_transaction_rolls_back() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;
    put_all(&db.store, cal.id, &[event("keep.ics", "k")]).await;
    let before = db.store.collection_by_id(cal.id).await.unwrap().unwrap();

    let bob = User {
        id: UserId(new_id()),
        name: "bob".into(),
        password_hash: "h".into(),
        created_at: T0,
    };
    {
        let mut tx = db.store.begin().await.unwrap();
        tx.insert_user(&bob).await.unwrap();
        let seq = tx.bump_seq(cal.id, T0 + 1).await.unwrap();
        tx.put_object(cal.id, &event("new.ics", "n"), T0)
            .await
            .unwrap();
        tx.record_change(cal.id, "new.ics", seq, false, 0)
            .await
            .unwrap();
        tx.delete_object(cal.id, "keep.ics").await.unwrap();
        tx.insert_collection(&collection(
            alice.id,
            Some(home.id),
            "x",
            CollectionKind::Plain,
        ))
        .await
        .unwrap();
        tx.set_dead_property(
            PropOwner::Collection(cal.id),
            &DeadProperty {
                namespace: "urn:x".into(),
                name: "p".into(),
                xml: "<p/>".into(),
            },
        )
        .await
        .unwrap();
        tx.set_password_hash(alice.id, "changed").await.unwrap();
        // Dropped here without commit.
    }

    let s = &db.store;
    assert_eq!(s.user_by_name("bob").await.unwrap(), None);
    assert_eq!(s.user_by_id(alice.id).await.unwrap(), Some(alice.clone()));
    assert_eq!(s.object(cal.id, "new.ics").await.unwrap(), None);
    assert!(s.object(cal.id, "keep.ics").await.unwrap().is_some());
    assert_eq!(s.collection_by_path(alice.id, "x").await.unwrap(), None);
    assert_eq!(s.collection_by_id(cal.id).await.unwrap(), Some(before));
    assert_eq!(
        s.changes_since(cal.id, 1, true, None, false).await.unwrap(),
        vec![]
    );
    assert!(
        s.dead_properties(PropOwner::Collection(cal.id))
            .await
            .unwrap()
            .is_empty()
    );

    // The (single, on SQLite) writer connection is usable again.
    let mut tx = s.begin().await.unwrap();
    tx.insert_user(&bob).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(s.user_by_name("bob").await.unwrap(), Some(bob));
}

#[tokio::test(flavor = "multi_thread")]
async fn uncommitted_writes_are_invisible_to_readers() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;

    let mut tx = db.store.begin().await.unwrap();
    let seq = tx.bump_seq(cal.id, T0 + 9).await.unwrap();
    tx.put_object(cal.id, &event("e.ics", "u"), T0)
        .await
        .unwrap();
    tx.record_change(cal.id, "e.ics", seq, false, 0)
        .await
        .unwrap();
    tx.insert_collection(&collection(
        alice.id,
        Some(home.id),
        "y",
        CollectionKind::Plain,
    ))
    .await
    .unwrap();
    // The transaction sees its own writes ...
    assert!(tx.object(cal.id, "e.ics").await.unwrap().is_some());
    assert!(
        tx.collection_by_path(alice.id, "y")
            .await
            .unwrap()
            .is_some()
    );

    // ... readers do not, and are not blocked by the open writer.
    let s = db.store.clone();
    let reads = async move {
        assert_eq!(s.object(cal.id, "e.ics").await.unwrap(), None);
        assert!(s.list_objects(cal.id).await.unwrap().is_empty());
        assert_eq!(s.collection_by_path(alice.id, "y").await.unwrap(), None);
        assert_eq!(s.collection_by_id(cal.id).await.unwrap().unwrap().seq, 0);
        assert!(
            s.changes_since(cal.id, 0, true, None, false)
                .await
                .unwrap()
                .is_empty()
        );
    };
    tokio::time::timeout(Duration::from_secs(5), reads)
        .await
        .expect("reads must not wait for the writer");

    tx.commit().await.unwrap();
    assert!(db.store.object(cal.id, "e.ics").await.unwrap().is_some());
    assert_eq!(
        db.store
            .collection_by_id(cal.id)
            .await
            .unwrap()
            .unwrap()
            .seq,
        1
    );
    assert!(
        db.store
            .collection_by_path(alice.id, "y")
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ping_and_idempotent_migrate() {
    let db = setup().await;
    // The harness really runs on the engine DATABASE_URL names.
    let pg = std::env::var("DATABASE_URL").is_ok_and(|u| u.starts_with("postgres"));
    assert_eq!(db.engine() == Engine::Postgres, pg);
    db.store.ping().await.unwrap();
    user_with_home(&db.store, "alice").await;
    db.sql.migrate().await.unwrap();
    db.sql.migrate().await.unwrap();
    assert!(db.store.user_by_name("alice").await.unwrap().is_some());

    // A second store on the same database sees the same data and migrates as a no-op.
    let again = SqlStore::connect(&db.config).await.unwrap();
    again.migrate().await.unwrap();
    assert_eq!(again.engine(), db.engine());
    assert_eq!(
        kairos_store::Store::list_users(&again).await.unwrap().len(),
        1
    );
    again.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_migrations_apply_once() {
    // Several nodes starting at once on an empty database.
    let db = empty().await;
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let config = db.config.clone();
        tasks.push(tokio::spawn(async move {
            let store = SqlStore::connect(&config).await.unwrap();
            store.migrate().await.unwrap();
            store.close().await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    db.sql.migrate().await.unwrap();
    user_with_home(&db.store, "alice").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_settings_are_applied() {
    use sqlx::Connection;
    let db = sqlite().await;
    db.sql.migrate().await.unwrap();
    assert_eq!(db.engine(), Engine::Sqlite);
    // Read the journal mode with an independent connection: WAL is a property of the
    // file, so it proves the store switched it.
    let path = db.config.url.trim_start_matches("sqlite://");
    let path = path.split('?').next().unwrap();
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
        .await
        .unwrap();
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    conn.close().await.unwrap();
    assert!(path.ends_with("/kairos.db"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sqlite_in_memory_and_odd_directory_names() {
    let mem = SqlStore::connect(&StoreConfig::new("sqlite::memory:"))
        .await
        .unwrap();
    mem.migrate().await.unwrap();
    let store: std::sync::Arc<dyn kairos_store::Store> = std::sync::Arc::new(mem);
    let (alice, _) = user_with_home(&store, "alice").await;
    assert_eq!(store.user_by_id(alice.id).await.unwrap(), Some(alice));

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data dir #1 ?x=%20 ü");
    let url = kairos_store_sql::sqlite_url_for_dir(&dir).unwrap();
    let store = SqlStore::connect(&StoreConfig::new(url)).await.unwrap();
    store.migrate().await.unwrap();
    assert!(dir.join("kairos.db").is_file());
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_urls_are_backend_errors() {
    let err = SqlStore::connect(&StoreConfig::new("mysql://x/y"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kairos_store::StoreError::Backend(_)),
        "{err:?}"
    );
    let mut config = StoreConfig::new("postgres://nobody@127.0.0.1:1/none");
    config.acquire_timeout = Duration::from_secs(2);
    let err = SqlStore::connect(&config).await.unwrap_err();
    assert!(
        matches!(
            err,
            kairos_store::StoreError::Backend(_) | kairos_store::StoreError::Busy(_)
        ),
        "{err:?}"
    );
}
