use kairos_store::{
    Collection, CollectionId, CollectionKind, CollectionProps, ComponentKind, ComponentSet,
    DeadProperty, PropOwner, StoreError, UserId, new_id,
};

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn insert_and_look_up_collections() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;

    let mut cal = collection(alice.id, Some(home.id), "work", CollectionKind::Calendar);
    cal.seq = 7;
    cal.min_sync_seq = 3;
    cal.created_at = T0 + 1;
    cal.modified_at = T0 + 2;
    cal.props = CollectionProps {
        displayname: Some("Work ✓".into()),
        description: Some("Meetings; 'quotes' and \"doubles\"".into()),
        color: Some("#FF8800FF".into()),
        order: Some(-42),
        timezone: Some("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into()),
        components: [ComponentKind::Event, ComponentKind::Availability]
            .into_iter()
            .collect(),
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_collection(&cal).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(
        db.store.collection_by_path(alice.id, "").await.unwrap(),
        Some(home.clone())
    );
    assert_eq!(
        db.store.collection_by_path(alice.id, "work").await.unwrap(),
        Some(cal.clone())
    );
    assert_eq!(
        db.store.collection_by_id(cal.id).await.unwrap(),
        Some(cal.clone())
    );
    assert_eq!(
        db.store.collection_by_path(alice.id, "Work").await.unwrap(),
        None
    );
    assert_eq!(
        db.store
            .collection_by_path(UserId(new_id()), "work")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        db.store
            .collection_by_id(CollectionId(new_id()))
            .await
            .unwrap(),
        None
    );
    assert_eq!(home.parent_id, None);
    assert_eq!(cal.name(), "work");
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_path_is_a_conflict_per_owner() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let (_, bob_home) = user_with_home(&db.store, "bob").await;
    add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;

    let dup = collection(alice.id, Some(home.id), "cal", CollectionKind::Plain);
    let mut tx = db.store.begin().await.unwrap();
    let err = tx.insert_collection(&dup).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    // A second home for the same user is a duplicate path too.
    let home2 = collection(alice.id, None, "", CollectionKind::Home);
    let mut tx = db.store.begin().await.unwrap();
    let err = tx.insert_collection(&home2).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    // Another owner may use the same path.
    add_collection(&db.store, &bob_home, "cal", CollectionKind::Calendar).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn child_collections_are_direct_children_by_path() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let b = add_collection(&db.store, &home, "b", CollectionKind::Plain).await;
    let a = add_collection(&db.store, &home, "a", CollectionKind::Calendar).await;
    let z = add_collection(&db.store, &home, "Z", CollectionKind::Calendar).await;
    add_collection(&db.store, &b, "b/inner", CollectionKind::Calendar).await;

    let children = db.store.child_collections(home.id).await.unwrap();
    let ids: Vec<_> = children.iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![z.id, a.id, b.id]);
    let inner = db.store.child_collections(b.id).await.unwrap();
    assert_eq!(inner.len(), 1);
    assert_eq!(inner[0].path, "b/inner");
    assert!(db.store.child_collections(a.id).await.unwrap().is_empty());
}

/// A home with tricky siblings: `a`, `ab`, `a%`, `a_b`, `a b`, Unicode, each with a child.
async fn tricky_tree(db: &TestDb) -> (UserId, Collection, Vec<Collection>) {
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let mut all = Vec::new();
    for name in ["a", "ab", "a%", "a_b", "a b", "ä", "日本"] {
        let c = add_collection(&db.store, &home, name, CollectionKind::Plain).await;
        let child =
            add_collection(&db.store, &c, &format!("{name}/x"), CollectionKind::Plain).await;
        let grand = add_collection(
            &db.store,
            &child,
            &format!("{name}/x/y"),
            CollectionKind::Calendar,
        )
        .await;
        put_all(&db.store, grand.id, &[event("e.ics", name)]).await;
        // Re-read: the put bumped its sequence.
        let grand = db.store.collection_by_id(grand.id).await.unwrap().unwrap();
        all.extend([c, child, grand]);
    }
    (alice.id, home, all)
}

fn paths(cs: &[Collection]) -> Vec<&str> {
    cs.iter().map(|c| c.path.as_str()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn collection_tree_by_prefix_with_tricky_names() {
    let db = setup().await;
    let (owner, _home, _) = tricky_tree(&db).await;

    let mut tx = db.store.begin().await.unwrap();
    for name in ["a", "a%", "a_b", "ä", "日本"] {
        let tree = tx.collection_tree(owner, name).await.unwrap();
        let expect = [name.to_owned(), format!("{name}/x"), format!("{name}/x/y")];
        assert_eq!(paths(&tree), expect, "tree of {name}");
    }
    let tree = tx.collection_tree(owner, "a/x").await.unwrap();
    assert_eq!(paths(&tree), ["a/x", "a/x/y"]);
    assert!(tx.collection_tree(owner, "nope").await.unwrap().is_empty());

    // The home's tree is everything, parents before children.
    let all = tx.collection_tree(owner, "").await.unwrap();
    assert_eq!(all.len(), 1 + 7 * 3);
    assert_eq!(all[0].path, "");
    for (i, c) in all.iter().enumerate() {
        if let Some(parent) = c.parent_id {
            let pos = all.iter().position(|p| p.id == parent).unwrap();
            assert!(pos < i, "{} listed before its parent", c.path);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_collection_tree_leaves_siblings_alone() {
    let db = setup().await;
    let (owner, home, all) = tricky_tree(&db).await;
    let a = &all[0];
    let a_grand = &all[2];
    let prop = DeadProperty {
        namespace: "urn:x".into(),
        name: "p".into(),
        xml: "<p xmlns=\"urn:x\">1</p>".into(),
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.set_dead_property(PropOwner::Collection(a_grand.id), &prop)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.store.begin().await.unwrap();
    tx.delete_collection_tree(a.id).await.unwrap();
    tx.commit().await.unwrap();

    for c in &all[..3] {
        assert_eq!(db.store.collection_by_id(c.id).await.unwrap(), None);
    }
    assert!(db.store.list_objects(a_grand.id).await.unwrap().is_empty());
    assert!(
        db.store
            .dead_properties(PropOwner::Collection(a_grand.id))
            .await
            .unwrap()
            .is_empty()
    );
    // `ab`, `a%`, `a_b`, … and their subtrees survive, objects included.
    for c in &all[3..] {
        assert_eq!(
            db.store.collection_by_id(c.id).await.unwrap().as_ref(),
            Some(c)
        );
    }
    for name in ["ab", "a%", "a_b", "a b"] {
        let grand = db
            .store
            .collection_by_path(owner, &format!("{name}/x/y"))
            .await
            .unwrap()
            .unwrap();
        assert!(db.store.object(grand.id, "e.ics").await.unwrap().is_some());
    }

    // `a%` is a literal name, not a pattern.
    let pct = &all[6];
    assert_eq!(pct.path, "a%");
    let mut tx = db.store.begin().await.unwrap();
    tx.delete_collection_tree(pct.id).await.unwrap();
    // Deleting something already gone is a no-op.
    tx.delete_collection_tree(a.id).await.unwrap();
    let left = tx.collection_tree(owner, "").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        paths(&left),
        [
            "",
            "a b",
            "a b/x",
            "a b/x/y",
            "a_b",
            "a_b/x",
            "a_b/x/y",
            "ab",
            "ab/x",
            "ab/x/y",
            "ä",
            "ä/x",
            "ä/x/y",
            "日本",
            "日本/x",
            "日本/x/y"
        ]
    );

    // The home's tree is everything the user has.
    let mut tx = db.store.begin().await.unwrap();
    tx.delete_collection_tree(home.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.collection_by_path(owner, "").await.unwrap(), None);
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.collection_tree(owner, "").await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn move_collection_rewrites_descendants_only() {
    let db = setup().await;
    let (owner, home, all) = tricky_tree(&db).await;
    let (a, a_x, a_y) = (&all[0], &all[1], &all[2]);
    let target = add_collection(&db.store, &home, "t", CollectionKind::Plain).await;

    let mut tx = db.store.begin().await.unwrap();
    tx.move_collection(a.id, target.id, "t/a%_ü").await.unwrap();
    tx.commit().await.unwrap();

    let moved = db.store.collection_by_id(a.id).await.unwrap().unwrap();
    assert_eq!(moved.path, "t/a%_ü");
    assert_eq!(moved.parent_id, Some(target.id));
    let x = db.store.collection_by_id(a_x.id).await.unwrap().unwrap();
    assert_eq!(x.path, "t/a%_ü/x");
    assert_eq!(x.parent_id, Some(a.id));
    let y = db.store.collection_by_id(a_y.id).await.unwrap().unwrap();
    assert_eq!(y.path, "t/a%_ü/x/y");
    // Members move with their collection (same id).
    assert!(db.store.object(a_y.id, "e.ics").await.unwrap().is_some());
    assert_eq!(
        db.store
            .collection_by_path(owner, "t/a%_ü/x/y")
            .await
            .unwrap()
            .map(|c| c.id),
        Some(a_y.id)
    );
    assert_eq!(db.store.collection_by_path(owner, "a").await.unwrap(), None);
    assert_eq!(
        db.store.collection_by_path(owner, "a/x").await.unwrap(),
        None
    );
    for c in &all[3..] {
        assert_eq!(
            db.store.collection_by_id(c.id).await.unwrap().as_ref(),
            Some(c),
            "sibling {} must be untouched",
            c.path
        );
    }

    // And back up to the home under a Unicode name.
    let mut tx = db.store.begin().await.unwrap();
    tx.move_collection(a.id, home.id, "ñ").await.unwrap();
    let tree = tx.collection_tree(owner, "ñ").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(paths(&tree), ["ñ", "ñ/x", "ñ/x/y"]);
    assert_eq!(tree[0].parent_id, Some(home.id));
}

#[tokio::test(flavor = "multi_thread")]
async fn move_collection_rejects_bad_targets() {
    let db = setup().await;
    let (owner, home, all) = tricky_tree(&db).await;
    let (a, a_x) = (&all[0], &all[1]);
    let ab = &all[3];
    assert_eq!(ab.path, "ab");

    // Onto a taken path: conflict, and nothing changed.
    let mut tx = db.store.begin().await.unwrap();
    let err = tx.move_collection(a.id, home.id, "ab").await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    // Below itself.
    let mut tx = db.store.begin().await.unwrap();
    let err = tx.move_collection(a.id, a_x.id, "a/x/a").await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    // A home cannot move.
    let mut tx = db.store.begin().await.unwrap();
    let err = tx
        .move_collection(home.id, a.id, "a/home")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    // Unknown collection.
    let mut tx = db.store.begin().await.unwrap();
    let err = tx
        .move_collection(CollectionId(new_id()), home.id, "q")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    let mut tx = db.store.begin().await.unwrap();
    let tree = tx.collection_tree(owner, "").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(tree.len(), 1 + all.len());
    for c in &all {
        assert!(tree.contains(c), "{} changed", c.path);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn move_collection_to_another_owner() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let (bob, bob_home) = user_with_home(&db.store, "bob").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Plain).await;
    let inner = add_collection(&db.store, &cal, "cal/in", CollectionKind::Calendar).await;

    let mut tx = db.store.begin().await.unwrap();
    tx.move_collection(cal.id, bob_home.id, "from-alice")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let moved = db.store.collection_by_id(inner.id).await.unwrap().unwrap();
    assert_eq!(moved.owner_id, bob.id);
    assert_eq!(moved.path, "from-alice/in");
    assert_eq!(
        db.store
            .collection_by_path(bob.id, "from-alice")
            .await
            .unwrap()
            .map(|c| c.id),
        Some(cal.id)
    );
    assert_eq!(
        db.store.collection_by_path(alice.id, "cal").await.unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn update_props_and_bump_seq() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;

    let props = CollectionProps {
        displayname: Some("Renamed".into()),
        description: None,
        color: Some("#000000".into()),
        order: Some(5),
        timezone: None,
        components: ComponentSet::EMPTY,
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.update_collection_props(cal.id, &props).await.unwrap();
    assert_eq!(tx.bump_seq(cal.id, T0 + 10).await.unwrap(), 1);
    assert_eq!(tx.bump_seq(cal.id, T0 + 20).await.unwrap(), 2);
    let err = tx.bump_seq(CollectionId(new_id()), T0).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    // Dropped: nothing of it is visible.
    assert_eq!(
        db.store.collection_by_id(cal.id).await.unwrap().as_ref(),
        Some(&cal)
    );

    let mut tx = db.store.begin().await.unwrap();
    tx.update_collection_props(cal.id, &props).await.unwrap();
    assert_eq!(tx.bump_seq(cal.id, T0 + 10).await.unwrap(), 1);
    assert_eq!(tx.bump_seq(cal.id, T0 + 20).await.unwrap(), 2);
    tx.commit().await.unwrap();

    let stored = db.store.collection_by_id(cal.id).await.unwrap().unwrap();
    assert_eq!(stored.props, props);
    assert_eq!(stored.seq, 2);
    assert_eq!(stored.modified_at, T0 + 20);
    assert_eq!(stored.created_at, cal.created_at);

    let mut tx = db.store.begin().await.unwrap();
    let err = tx
        .update_collection_props(CollectionId(new_id()), &props)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn collection_tree_outside_a_transaction_matches_the_one_inside() {
    let db = setup().await;
    let (owner, _home, _) = tricky_tree(&db).await;

    for path in ["", "a", "a%", "a/x", "日本", "nope"] {
        let outside = db.store.collection_tree(owner, path).await.unwrap();
        let mut tx = db.store.begin().await.unwrap();
        let inside = tx.collection_tree(owner, path).await.unwrap();
        drop(tx);
        assert_eq!(outside, inside, "tree of {path:?}");
    }
    assert!(
        db.store
            .collection_tree(UserId(new_id()), "")
            .await
            .unwrap()
            .is_empty()
    );
}
