//! Scale check (ignored by default: `cargo test -p kairos-store-sql -- --ignored scale`):
//! a 100k-member calendar, timing the hot read paths. Prints timings; asserts results.

use std::time::Instant;

use kairos_store::CollectionKind;

use crate::common::*;

const MEMBERS: usize = 100_000;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "slow: builds a 100k-member collection"]
async fn scale_large_collection_reads() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "big", CollectionKind::Calendar).await;

    let started = Instant::now();
    let padding = "X".repeat(1000);
    let mut tx = db.store.begin().await.unwrap();
    for i in 0..MEMBERS {
        let name = format!("e{i:06}.ics");
        let mut w = event(&name, &name);
        w.data.extend_from_slice(padding.as_bytes());
        // One sequence per change, as core's log_change does.
        let seq = tx.bump_seq(cal.id, T0).await.unwrap();
        tx.put_object(cal.id, &w, T0).await.unwrap();
        tx.record_change(cal.id, &name, seq, false, 0)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    println!(
        "{:?}: insert {MEMBERS}: {:?}",
        db.engine(),
        started.elapsed()
    );

    {
        // Baseline: the driver alone, no decoding into domain types.
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&db.config.url).await.unwrap();
        // Statistics as autovacuum would have gathered them on a live system (without,
        // PostgreSQL plans the bulk-loaded tables as if empty).
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        let t = Instant::now();
        let rows = sqlx::query(
            "SELECT id, collection_id, name, etag, content_type, size, created_at, \
             modified_at, uid, component FROM objects WHERE collection_id = $1 ORDER BY name",
        )
        .bind(cal.id.to_string())
        .fetch_all(&pool)
        .await
        .unwrap();
        println!("raw sqlx fetch_all of the same rows: {:?}", t.elapsed());
        assert_eq!(rows.len(), MEMBERS);
        pool.close().await;
    }
    for _ in 0..2 {
        let t = Instant::now();
        let list = db.store.list_objects(cal.id).await.unwrap();
        println!("list_objects: {:?}", t.elapsed());
        assert_eq!(list.len(), MEMBERS);
    }

    let names: Vec<String> = (0..1000).map(|i| format!("e{:06}.ics", i * 97)).collect();
    let t = Instant::now();
    let got = db
        .store
        .objects_by_names(cal.id, &names, true)
        .await
        .unwrap();
    println!("objects_by_names(1000, data): {:?}", t.elapsed());
    assert_eq!(got.len(), 1000);

    let t = Instant::now();
    let page = db
        .store
        .changes_since(cal.id, 50_000, true, Some(1000), true)
        .await
        .unwrap();
    println!("changes_since(limit 1000, data): {:?}", t.elapsed());
    assert_eq!(page.len(), 1000);
    assert_eq!(page[0].seq, 50_001);

    let t = Instant::now();
    for i in 0..1000 {
        let name = format!("e{:06}.ics", i * 89);
        let c = db
            .store
            .collection_by_path(home.owner_id, "big")
            .await
            .unwrap();
        assert!(c.is_some());
        assert!(db.store.object(cal.id, &name).await.unwrap().is_some());
    }
    println!("1000 x (collection_by_path + object): {:?}", t.elapsed());
}
