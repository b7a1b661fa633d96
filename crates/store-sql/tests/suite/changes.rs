use kairos_store::{Collection, CollectionKind, MemberChange};

use crate::common::*;

async fn calendar(db: &TestDb, path: &str) -> Collection {
    let (_, home) = match db.store.user_by_name("alice").await.unwrap() {
        Some(u) => {
            let home = db
                .store
                .collection_by_path(u.id, "")
                .await
                .unwrap()
                .unwrap();
            (u, home)
        }
        None => user_with_home(&db.store, "alice").await,
    };
    add_collection(&db.store, &home, path, CollectionKind::Calendar).await
}

fn summary(changes: &[MemberChange]) -> Vec<(&str, i64, bool)> {
    changes
        .iter()
        .map(|c| (c.name.as_str(), c.seq, c.object.is_some()))
        .collect()
}

/// a, b, c created at 1, 2, 3; b changed at 4; a deleted at 5; d created at 6.
async fn history(db: &TestDb, cal: &Collection) {
    put_all(
        &db.store,
        cal.id,
        &[event("a", "ua"), event("b", "ub"), event("c", "uc")],
    )
    .await;
    let mut tx = db.store.begin().await.unwrap();
    let seq = tx.bump_seq(cal.id, T0).await.unwrap();
    assert_eq!(seq, 4);
    let mut b = event("b", "ub");
    b.etag = "b2".into();
    tx.put_object(cal.id, &b, T0).await.unwrap();
    tx.record_change(cal.id, "b", seq, false, 0).await.unwrap();
    let seq = tx.bump_seq(cal.id, T0).await.unwrap();
    tx.delete_object(cal.id, "a").await.unwrap();
    tx.record_change(cal.id, "a", seq, true, 0).await.unwrap();
    tx.commit().await.unwrap();
    put_all(&db.store, cal.id, &[event("d", "ud")]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_are_ordered_and_upserted() {
    let db = setup().await;
    let cal = calendar(&db, "cal").await;
    history(&db, &cal).await;
    let s = &db.store;

    let all = s.changes_since(cal.id, 0, true, None, false).await.unwrap();
    assert_eq!(
        summary(&all),
        [
            ("c", 3, true),
            ("b", 4, true),
            ("a", 5, false),
            ("d", 6, true)
        ]
    );
    let b = all[1].object.as_ref().unwrap();
    assert_eq!(b.meta.etag, "b2");
    assert_eq!(b.data, None);

    // Initial sync skips tombstones.
    let live = s
        .changes_since(cal.id, 0, false, None, false)
        .await
        .unwrap();
    assert_eq!(
        summary(&live),
        [("c", 3, true), ("b", 4, true), ("d", 6, true)]
    );

    // Incremental.
    let after = s.changes_since(cal.id, 4, true, None, false).await.unwrap();
    assert_eq!(summary(&after), [("a", 5, false), ("d", 6, true)]);
    assert!(
        s.changes_since(cal.id, 6, true, None, false)
            .await
            .unwrap()
            .is_empty()
    );

    // Limit.
    let page = s
        .changes_since(cal.id, 0, true, Some(2), false)
        .await
        .unwrap();
    assert_eq!(summary(&page), [("c", 3, true), ("b", 4, true)]);
    let page = s
        .changes_since(cal.id, 4, true, Some(1), false)
        .await
        .unwrap();
    assert_eq!(summary(&page), [("a", 5, false)]);
    let page = s
        .changes_since(cal.id, 0, false, Some(3), false)
        .await
        .unwrap();
    assert_eq!(
        summary(&page),
        [("c", 3, true), ("b", 4, true), ("d", 6, true)]
    );
    assert!(
        s.changes_since(cal.id, 0, true, Some(0), false)
            .await
            .unwrap()
            .is_empty()
    );

    // With data: the current bytes of live members, none for tombstones.
    let full = s.changes_since(cal.id, 0, true, None, true).await.unwrap();
    for c in &full {
        match &c.object {
            Some(o) => {
                let stored = s.object(cal.id, &c.name).await.unwrap().unwrap();
                assert_eq!(o.data.as_deref(), Some(&stored.data[..]));
                assert_eq!(o.meta, stored.meta);
            }
            None => assert_eq!(c.name, "a"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn recreated_member_is_live_again() {
    let db = setup().await;
    let cal = calendar(&db, "cal").await;
    history(&db, &cal).await;
    put_all(&db.store, cal.id, &[event("a", "ua")]).await;
    let all = db
        .store
        .changes_since(cal.id, 0, true, None, false)
        .await
        .unwrap();
    assert_eq!(
        summary(&all),
        [
            ("c", 3, true),
            ("b", 4, true),
            ("d", 6, true),
            ("a", 7, true)
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn older_sequence_never_hides_a_newer_change() {
    let db = setup().await;
    let cal = calendar(&db, "cal").await;
    put_all(&db.store, cal.id, &[event("x", "ux")]).await;

    let mut tx = db.store.begin().await.unwrap();
    tx.record_change(cal.id, "x", 10, true, 0).await.unwrap();
    tx.record_change(cal.id, "x", 9, false, 0).await.unwrap();
    // Same sequence: the later call wins.
    tx.record_change(cal.id, "y", 11, false, 0).await.unwrap();
    tx.record_change(cal.id, "y", 11, true, 0).await.unwrap();
    tx.commit().await.unwrap();

    let all = db
        .store
        .changes_since(cal.id, 0, true, None, false)
        .await
        .unwrap();
    assert_eq!(summary(&all), [("x", 10, false), ("y", 11, false)]);
}

#[tokio::test(flavor = "multi_thread")]
async fn change_without_object_counts_as_deleted() {
    // Defensive: a live change row whose member is gone reads as a tombstone and is
    // skipped by an initial sync.
    let db = setup().await;
    let cal = calendar(&db, "cal").await;
    let mut tx = db.store.begin().await.unwrap();
    tx.record_change(cal.id, "ghost", 1, false, 0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let s = &db.store;
    let all = s.changes_since(cal.id, 0, true, None, true).await.unwrap();
    assert_eq!(summary(&all), [("ghost", 1, false)]);
    assert!(
        s.changes_since(cal.id, 0, false, None, true)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn change_logs_are_per_collection() {
    let db = setup().await;
    let one = calendar(&db, "one").await;
    let two = calendar(&db, "two").await;
    put_all(&db.store, one.id, &[event("a", "u")]).await;
    put_all(&db.store, two.id, &[event("a", "u"), event("b", "v")]).await;
    let s = &db.store;
    assert_eq!(
        summary(&s.changes_since(one.id, 0, true, None, false).await.unwrap()),
        [("a", 1, true)]
    );
    assert_eq!(
        summary(&s.changes_since(two.id, 0, true, None, false).await.unwrap()),
        [("a", 1, true), ("b", 2, true)]
    );
    let one_after = s.collection_by_id(one.id).await.unwrap().unwrap();
    assert_eq!(one_after.seq, 1);
}

/// Pruning drops only old tombstones and raises `min_sync_seq` to the newest one dropped,
/// so a token that would need them can be refused; live changes stay.
#[tokio::test(flavor = "multi_thread")]
async fn pruning_old_tombstones_raises_min_sync_seq() {
    let db = setup().await;
    let cal = calendar(&db, "cal").await;
    put_all(&db.store, cal.id, &[event("a", "ua"), event("b", "ub")]).await;
    let mut tx = db.store.begin().await.unwrap();
    let old = tx.bump_seq(cal.id, T0).await.unwrap();
    tx.delete_object(cal.id, "a").await.unwrap();
    tx.record_change(cal.id, "a", old, true, 1_000)
        .await
        .unwrap();
    let recent = tx.bump_seq(cal.id, T0).await.unwrap();
    tx.delete_object(cal.id, "b").await.unwrap();
    tx.record_change(cal.id, "b", recent, true, 5_000)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.prune_tombstones(2_000).await.unwrap(), 1);
    tx.commit().await.unwrap();

    let c = db.store.collection_by_id(cal.id).await.unwrap().unwrap();
    assert_eq!(c.min_sync_seq, old);
    let left = db
        .store
        .changes_since(cal.id, 0, true, None, false)
        .await
        .unwrap();
    assert_eq!(summary(&left), [("b", recent, false)]);

    // Nothing more to prune: min_sync_seq does not move.
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.prune_tombstones(2_000).await.unwrap(), 0);
    tx.commit().await.unwrap();
    let c = db.store.collection_by_id(cal.id).await.unwrap().unwrap();
    assert_eq!(c.min_sync_seq, old);
}
