use kairos_store::{CollectionKind, DeadProperty, PropOwner, StoreError, User, UserId, new_id};

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn insert_and_look_up_users() {
    let db = setup().await;
    let (alice, _) = user_with_home(&db.store, "alice").await;

    let by_name = db.store.user_by_name("alice").await.unwrap();
    assert_eq!(by_name.as_ref(), Some(&alice));
    let by_id = db.store.user_by_id(alice.id).await.unwrap();
    assert_eq!(by_id, Some(alice.clone()));

    assert_eq!(db.store.user_by_name("Alice").await.unwrap(), None);
    assert_eq!(db.store.user_by_name("bob").await.unwrap(), None);
    assert_eq!(db.store.user_by_id(UserId(new_id())).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicate_user_name_is_a_conflict() {
    let db = setup().await;
    let (alice, _) = user_with_home(&db.store, "alice").await;

    let again = User {
        id: UserId(new_id()),
        ..alice.clone()
    };
    let mut tx = db.store.begin().await.unwrap();
    let err = tx.insert_user(&again).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    // The same id under another name is a primary-key violation: also a conflict.
    let same_id = User {
        name: "alice2".into(),
        ..alice.clone()
    };
    let mut tx = db.store.begin().await.unwrap();
    let err = tx.insert_user(&same_id).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    assert_eq!(db.store.list_users().await.unwrap(), vec![alice]);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_users_in_byte_order() {
    let db = setup().await;
    for name in ["émile", "bob", "Zoe", "alice", "_x", "a b"] {
        user_with_home(&db.store, name).await;
    }
    let names: Vec<String> = db
        .store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert_eq!(names, ["Zoe", "_x", "a b", "alice", "bob", "émile"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn set_password_hash() {
    let db = setup().await;
    let (alice, _) = user_with_home(&db.store, "alice").await;

    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.set_password_hash(alice.id, "new-hash").await.unwrap());
    assert!(!tx.set_password_hash(UserId(new_id()), "x").await.unwrap());
    tx.commit().await.unwrap();

    let stored = db.store.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(stored.password_hash, "new-hash");
    assert_eq!(stored.name, "alice");
}

#[tokio::test(flavor = "multi_thread")]
async fn upgrade_password_hash_only_replaces_the_hash_it_was_given() {
    let db = setup().await;
    let (alice, _) = user_with_home(&db.store, "alice").await;
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.set_password_hash(alice.id, "changed").await.unwrap());
    // A rehash computed from the hash read before the change loses.
    assert!(
        !tx.upgrade_password_hash(alice.id, "before", "rehashed")
            .await
            .unwrap()
    );
    assert!(
        tx.upgrade_password_hash(alice.id, "changed", "rehashed")
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let stored = db.store.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(stored.password_hash, "rehashed");
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_user_removes_everything_they_own() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let (bob, bob_home) = user_with_home(&db.store, "bob").await;

    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;
    let deep = add_collection(&db.store, &cal, "cal/deep", CollectionKind::Plain).await;
    let bob_cal = add_collection(&db.store, &bob_home, "cal", CollectionKind::Calendar).await;
    put_all(&db.store, cal.id, &[event("e.ics", "u1")]).await;
    put_all(&db.store, deep.id, &[file("f.txt", b"x")]).await;
    put_all(&db.store, bob_cal.id, &[event("e.ics", "u1")]).await;

    let obj = db
        .store
        .object_meta(cal.id, "e.ics")
        .await
        .unwrap()
        .unwrap();
    let prop = DeadProperty {
        namespace: "urn:x".into(),
        name: "p".into(),
        xml: "<p xmlns=\"urn:x\"/>".into(),
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.set_dead_property(PropOwner::Object(obj.id), &prop)
        .await
        .unwrap();
    tx.set_dead_property(PropOwner::Collection(cal.id), &prop)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.delete_user(alice.id).await.unwrap());
    tx.commit().await.unwrap();

    let s = &db.store;
    assert_eq!(s.user_by_id(alice.id).await.unwrap(), None);
    assert_eq!(s.collection_by_path(alice.id, "").await.unwrap(), None);
    for c in [&home, &cal, &deep] {
        assert_eq!(s.collection_by_id(c.id).await.unwrap(), None);
        assert!(s.list_objects(c.id).await.unwrap().is_empty());
        assert!(
            s.changes_since(c.id, 0, true, None, false)
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert!(
        s.dead_properties(PropOwner::Object(obj.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.dead_properties(PropOwner::Collection(cal.id))
            .await
            .unwrap()
            .is_empty()
    );

    // Bob is untouched.
    assert_eq!(s.user_by_id(bob.id).await.unwrap(), Some(bob.clone()));
    assert!(s.object(bob_cal.id, "e.ics").await.unwrap().is_some());
    assert_eq!(s.list_users().await.unwrap(), vec![bob]);

    // Deleting again reports that nothing was there.
    let mut tx = db.store.begin().await.unwrap();
    assert!(!tx.delete_user(alice.id).await.unwrap());
    tx.commit().await.unwrap();
}
