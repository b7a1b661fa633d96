use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kairos_store::{Collection, CollectionKind, Store, StoreError};
use kairos_store_sql::SqlStore;

use crate::common::*;

const TASKS: usize = 16;
const ROUNDS: usize = 10;

/// One task's work: ROUNDS transactions of begin / bump_seq / put / record / commit.
async fn writer(store: Arc<dyn Store>, cal: Collection, task: usize) {
    for round in 0..ROUNDS {
        let mut tx = store.begin().await.expect("begin");
        let seq = tx.bump_seq(cal.id, T0).await.expect("bump_seq");
        let name = format!("t{task}-r{round}.ics");
        tx.put_object(cal.id, &event(&name, &name), T0)
            .await
            .expect("put");
        tx.record_change(cal.id, &name, seq, false, 0)
            .await
            .expect("record");
        // Yield while holding the transaction so others pile up behind it.
        tokio::task::yield_now().await;
        tx.commit().await.expect("commit");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_writers_to_one_collection_all_succeed() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;

    let mut tasks = Vec::new();
    for task in 0..TASKS {
        tasks.push(tokio::spawn(writer(db.store.clone(), cal.clone(), task)));
    }
    // Readers keep reading meanwhile.
    let reader = {
        let s = db.store.clone();
        let id = cal.id;
        tokio::spawn(async move {
            for _ in 0..50 {
                s.list_objects(id).await.expect("list");
                s.changes_since(id, 0, true, None, false)
                    .await
                    .expect("changes");
            }
        })
    };
    for t in tasks {
        t.await.expect("writer task");
    }
    reader.await.expect("reader task");

    let total = (TASKS * ROUNDS) as i64;
    let stored = db.store.collection_by_id(cal.id).await.unwrap().unwrap();
    assert_eq!(stored.seq, total);
    assert_eq!(
        db.store.list_objects(cal.id).await.unwrap().len(),
        TASKS * ROUNDS
    );
    // Every transaction got its own sequence number: bump_seq serialized them.
    let changes = db
        .store
        .changes_since(cal.id, 0, true, None, false)
        .await
        .unwrap();
    let seqs: HashSet<i64> = changes.iter().map(|c| c.seq).collect();
    assert_eq!(seqs.len(), TASKS * ROUNDS);
    assert_eq!(seqs, (1..=total).collect());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_writers_to_many_collections_all_succeed() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let mut cals = Vec::new();
    for i in 0..4 {
        cals.push(
            add_collection(&db.store, &home, &format!("c{i}"), CollectionKind::Calendar).await,
        );
    }
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let cal = cals[task % cals.len()].clone();
        tasks.push(tokio::spawn(writer(db.store.clone(), cal, task)));
    }
    for t in tasks {
        t.await.expect("writer task");
    }
    for cal in &cals {
        let stored = db.store.collection_by_id(cal.id).await.unwrap().unwrap();
        assert_eq!(stored.seq, (TASKS / cals.len() * ROUNDS) as i64);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn two_stores_on_one_sqlite_file_share_the_lock() {
    // Like the server and the admin CLI: two processes' worth of pools on one file.
    // BEGIN IMMEDIATE plus busy_timeout make them wait for each other, not fail.
    let db = sqlite().await;
    db.sql.migrate().await.unwrap();
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;
    let second: Arc<dyn Store> = Arc::new(SqlStore::connect(&db.config).await.unwrap());

    let mut tasks = Vec::new();
    for task in 0..8 {
        let store = if task % 2 == 0 {
            db.store.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(writer(store, cal.clone(), task)));
    }
    for t in tasks {
        t.await.expect("writer task");
    }
    let stored = second.collection_by_id(cal.id).await.unwrap().unwrap();
    assert_eq!(stored.seq, (8 * ROUNDS) as i64);
}

#[tokio::test(flavor = "multi_thread")]
async fn lock_waits_that_time_out_are_busy() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;

    // A second store on the same database with short waits: on SQLite another process's
    // write lock outlasting busy_timeout, on PostgreSQL a row lock outlasting
    // statement_timeout.
    let mut config = db.config.clone();
    config.busy_timeout = Duration::from_millis(200);
    config.statement_timeout = Some(Duration::from_millis(200));
    let impatient: Arc<dyn Store> = Arc::new(SqlStore::connect(&config).await.unwrap());

    let mut holder = db.store.begin().await.unwrap();
    holder.bump_seq(cal.id, T0).await.unwrap();

    let started = Instant::now();
    let err = match impatient.begin().await {
        Err(err) => err,
        Ok(mut tx) => tx.bump_seq(cal.id, T0).await.unwrap_err(),
    };
    assert!(matches!(err, StoreError::Busy(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));

    holder.commit().await.unwrap();
    let mut tx = impatient.begin().await.unwrap();
    assert_eq!(tx.bump_seq(cal.id, T0).await.unwrap(), 2);
    tx.commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn writer_queue_timeout_is_busy_on_sqlite() {
    // In-process, SQLite writers queue for the single writer connection; waiting longer
    // than acquire_timeout is reported as Busy.
    let db = sqlite().await;
    db.sql.migrate().await.unwrap();
    let mut config = db.config.clone();
    config.acquire_timeout = Duration::from_millis(200);
    let store: Arc<dyn Store> = Arc::new(SqlStore::connect(&config).await.unwrap());

    let holder = store.begin().await.unwrap();
    let err = store
        .begin()
        .await
        .err()
        .expect("second writer must time out");
    assert!(matches!(err, StoreError::Busy(_)), "{err:?}");
    drop(holder);
    store.begin().await.unwrap().commit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn many_bumps_in_one_transaction() {
    // Core gives every member change its own sequence, so a copy or import bumps one
    // collection thousands of times in one transaction.
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;
    let other = add_collection(&db.store, &home, "other", CollectionKind::Calendar).await;

    let mut tx = db.store.begin().await.unwrap();
    for i in 1..=20_000i64 {
        assert_eq!(tx.bump_seq(cal.id, T0 + i).await.unwrap(), i);
    }
    assert_eq!(tx.bump_seq(other.id, T0).await.unwrap(), 1);
    // Reads inside the transaction see the bumps.
    let seen = tx
        .collection_by_path(alice.id, "cal")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((seen.seq, seen.modified_at), (20_000, T0 + 20_000));
    assert_eq!(tx.bump_seq(cal.id, T0 + 1).await.unwrap(), 20_001);
    let tree = tx.collection_tree(alice.id, "cal").await.unwrap();
    assert_eq!(tree[0].seq, 20_001);
    // Nothing is visible outside before commit.
    assert_eq!(
        db.store
            .collection_by_id(cal.id)
            .await
            .unwrap()
            .unwrap()
            .seq,
        0
    );
    assert_eq!(tx.bump_seq(cal.id, T0 + 2).await.unwrap(), 20_002);
    tx.commit().await.unwrap();

    let stored = db.store.collection_by_id(cal.id).await.unwrap().unwrap();
    assert_eq!((stored.seq, stored.modified_at), (20_002, T0 + 2));
    assert_eq!(
        db.store
            .collection_by_id(other.id)
            .await
            .unwrap()
            .unwrap()
            .seq,
        1
    );

    // Dropped: the bumps vanish with the transaction.
    let mut tx = db.store.begin().await.unwrap();
    for _ in 0..10 {
        tx.bump_seq(cal.id, T0).await.unwrap();
    }
    drop(tx);
    assert_eq!(
        db.store
            .collection_by_id(cal.id)
            .await
            .unwrap()
            .unwrap()
            .seq,
        20_002
    );

    // A bumped collection deleted in the same transaction: the write-back is harmless.
    let mut tx = db.store.begin().await.unwrap();
    tx.bump_seq(other.id, T0).await.unwrap();
    tx.bump_seq(other.id, T0).await.unwrap();
    tx.delete_collection_tree(other.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.collection_by_id(other.id).await.unwrap(), None);
}
