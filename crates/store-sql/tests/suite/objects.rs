use kairos_store::{
    CollectionId, CollectionKind, ComponentKind, DeadProperty, ObjectWrite, PropOwner, StoreError,
};

use crate::common::*;

async fn calendar(db: &TestDb) -> (kairos_store::Collection, kairos_store::Collection) {
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;
    (home, cal)
}

#[tokio::test(flavor = "multi_thread")]
async fn put_and_get_round_trip() {
    let db = setup().await;
    let (_, cal) = calendar(&db).await;
    let w = event("e1.ics", "uid-1");

    let mut tx = db.store.begin().await.unwrap();
    let meta = tx.put_object(cal.id, &w, T0 + 5).await.unwrap();
    // Visible inside the transaction.
    let inside = tx.object(cal.id, "e1.ics").await.unwrap().unwrap();
    assert_eq!(inside.meta, meta);
    tx.commit().await.unwrap();

    assert_eq!(meta.collection_id, cal.id);
    assert_eq!(meta.name, "e1.ics");
    assert_eq!(meta.etag, w.etag);
    assert_eq!(meta.content_type, w.content_type);
    assert_eq!(meta.size, w.data.len() as i64);
    assert_eq!(meta.created_at, T0 + 5);
    assert_eq!(meta.modified_at, T0 + 5);
    assert_eq!(meta.uid.as_deref(), Some("uid-1"));
    assert_eq!(meta.component, Some(ComponentKind::Event));

    let got = db.store.object(cal.id, "e1.ics").await.unwrap().unwrap();
    assert_eq!(got.meta, meta);
    assert_eq!(got.data, w.data);
    assert_eq!(
        db.store.object_meta(cal.id, "e1.ics").await.unwrap(),
        Some(meta)
    );
    assert_eq!(db.store.object(cal.id, "E1.ics").await.unwrap(), None);
    assert_eq!(db.store.object_meta(cal.id, "nope").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_data_round_trips_byte_for_byte() {
    let db = setup().await;
    let (home, _) = calendar(&db).await;
    let files = add_collection(&db.store, &home, "files", CollectionKind::Plain).await;

    let all_bytes: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    let not_utf8 = vec![
        0xff, 0xfe, 0x00, 0xc3, 0x28, 0x80, 0x00, 0x00, 0xed, 0xa0, 0x80,
    ];
    // 1 MB of pseudo-random bytes.
    let mut big = Vec::with_capacity(1 << 20);
    let mut x: u32 = 0x1234_5678;
    while big.len() < 1 << 20 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        big.extend_from_slice(&x.to_le_bytes());
    }
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("nul", vec![0]),
        ("digits", b"12345".to_vec()),
        ("all-bytes", all_bytes),
        ("not-utf8", not_utf8),
        ("crlf", b"line\r\nline\n\r".to_vec()),
        ("big", big),
    ];
    let writes: Vec<ObjectWrite> = cases.iter().map(|(n, d)| file(n, d)).collect();
    put_all(&db.store, files.id, &writes).await;

    for (name, data) in &cases {
        let got = db.store.object(files.id, name).await.unwrap().unwrap();
        assert_eq!(got.data.len(), data.len(), "{name}");
        assert!(got.data == *data, "{name} differs");
        assert_eq!(got.meta.size, data.len() as i64);
        assert_eq!(got.meta.uid, None);
        assert_eq!(got.meta.component, None);
    }
    let names: Vec<String> = cases.iter().map(|(n, _)| n.to_string()).collect();
    let fetched = db
        .store
        .objects_by_names(files.id, &names, true)
        .await
        .unwrap();
    assert_eq!(fetched.len(), cases.len());
    for f in fetched {
        let (_, data) = cases.iter().find(|(n, _)| *n == f.meta.name).unwrap();
        assert!(
            f.data.as_deref() == Some(data.as_slice()),
            "{} differs",
            f.meta.name
        );
    }
    let listed = db.store.list_objects_with_data(files.id).await.unwrap();
    for o in listed {
        let (_, data) = cases.iter().find(|(n, _)| *n == o.meta.name).unwrap();
        assert!(o.data == *data, "{} differs", o.meta.name);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn replace_keeps_id_and_created_at() {
    let db = setup().await;
    let (_, cal) = calendar(&db).await;

    let mut tx = db.store.begin().await.unwrap();
    let first = tx
        .put_object(cal.id, &event("e.ics", "u1"), T0)
        .await
        .unwrap();
    let prop = DeadProperty {
        namespace: "urn:x".into(),
        name: "p".into(),
        xml: "<p xmlns=\"urn:x\"/>".into(),
    };
    tx.set_dead_property(PropOwner::Object(first.id), &prop)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut replacement = file("e.ics", b"new bytes");
    replacement.etag = "v2".into();
    let mut tx = db.store.begin().await.unwrap();
    let second = tx.put_object(cal.id, &replacement, T0 + 100).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(second.id, first.id);
    assert_eq!(second.created_at, T0);
    assert_eq!(second.modified_at, T0 + 100);
    assert_eq!(second.etag, "v2");
    assert_eq!(second.uid, None);
    assert_eq!(second.component, None);
    assert_eq!(second.size, 9);
    let got = db.store.object(cal.id, "e.ics").await.unwrap().unwrap();
    assert_eq!(got.data, b"new bytes");
    assert_eq!(got.meta, second);
    assert_eq!(
        db.store
            .dead_properties(PropOwner::Object(first.id))
            .await
            .unwrap(),
        vec![prop]
    );
    assert_eq!(db.store.list_objects(cal.id).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn uid_is_unique_per_collection() {
    let db = setup().await;
    let (home, cal) = calendar(&db).await;
    let other = add_collection(&db.store, &home, "other", CollectionKind::Calendar).await;
    put_all(&db.store, cal.id, &[event("a.ics", "same")]).await;

    // Same UID under another name in the same collection: conflict.
    let mut tx = db.store.begin().await.unwrap();
    let err = tx
        .put_object(cal.id, &event("b.ics", "same"), T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    assert_eq!(db.store.object(cal.id, "b.ics").await.unwrap(), None);

    // Replacing the holder with the same UID is fine; so is the UID in another collection.
    put_all(&db.store, cal.id, &[event("a.ics", "same")]).await;
    put_all(&db.store, other.id, &[event("a.ics", "same")]).await;
    put_all(&db.store, other.id, &[event("b.ics", "different")]).await;
    // Files without a UID coexist.
    put_all(
        &db.store,
        cal.id,
        &[file("f1", b"1"), file("f2", b"2"), file("f3", b"3")],
    )
    .await;

    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.object_name_by_uid(cal.id, "same")
            .await
            .unwrap()
            .as_deref(),
        Some("a.ics")
    );
    assert_eq!(
        tx.object_name_by_uid(other.id, "different")
            .await
            .unwrap()
            .as_deref(),
        Some("b.ics")
    );
    assert_eq!(
        tx.object_name_by_uid(cal.id, "different").await.unwrap(),
        None
    );
    assert_eq!(tx.object_name_by_uid(cal.id, "SAME").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_objects_by_name_without_bytes() {
    let db = setup().await;
    let (_, cal) = calendar(&db).await;
    let names = [
        "b.ics", "a.ics", "Z.ics", "é.ics", "a b.ics", "a%.ics", "a_.ics",
    ];
    let writes: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, n)| event(n, &format!("u{i}")))
        .collect();
    put_all(&db.store, cal.id, &writes).await;

    let listed = db.store.list_objects(cal.id).await.unwrap();
    let got: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        got,
        [
            "Z.ics", "a b.ics", "a%.ics", "a.ics", "a_.ics", "b.ics", "é.ics"
        ]
    );
    let with_data = db.store.list_objects_with_data(cal.id).await.unwrap();
    assert_eq!(with_data.len(), names.len());
    for (meta, full) in listed.iter().zip(&with_data) {
        assert_eq!(meta, &full.meta);
        let w = writes.iter().find(|w| w.name == meta.name).unwrap();
        assert_eq!(full.data, w.data);
    }
    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.list_objects_with_data(cal.id).await.unwrap(), with_data);
    assert!(
        db.store
            .list_objects(CollectionId(kairos_store::new_id()))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_by_names_multiget() {
    let db = setup().await;
    let (_, cal) = calendar(&db).await;
    let writes: Vec<_> = (0..1500)
        .map(|i| event(&format!("e{i:04}.ics"), &format!("u{i}")))
        .collect();
    // One transaction for speed.
    let mut tx = db.store.begin().await.unwrap();
    for w in &writes {
        tx.put_object(cal.id, w, T0).await.unwrap();
    }
    tx.commit().await.unwrap();

    // A few, with a missing one and a duplicate.
    let ask: Vec<String> = ["e0003.ics", "missing.ics", "e0001.ics", "e0003.ics"]
        .map(String::from)
        .to_vec();
    let got = db
        .store
        .objects_by_names(cal.id, &ask, false)
        .await
        .unwrap();
    let names: Vec<&str> = got.iter().map(|f| f.meta.name.as_str()).collect();
    assert_eq!(names, ["e0001.ics", "e0003.ics"]);
    assert!(got.iter().all(|f| f.data.is_none()));
    let got = db.store.objects_by_names(cal.id, &ask, true).await.unwrap();
    assert_eq!(got[1].data.as_deref(), Some(&writes[3].data[..]));
    assert_eq!(
        got[1].meta,
        db.store
            .object_meta(cal.id, "e0003.ics")
            .await
            .unwrap()
            .unwrap()
    );

    // Every size class up to more than one chunk.
    for n in [1usize, 2, 3, 5, 17, 100, 1000, 1024, 1025, 1500] {
        let mut ask: Vec<String> = writes[..n].iter().map(|w| w.name.clone()).collect();
        ask.push("absent".into());
        let got = db
            .store
            .objects_by_names(cal.id, &ask, n < 200)
            .await
            .unwrap();
        assert_eq!(got.len(), n, "asked for {n}");
        for (f, w) in got.iter().zip(&writes) {
            assert_eq!(f.meta.name, w.name);
            if n < 200 {
                assert_eq!(f.data.as_deref(), Some(&w.data[..]));
            }
        }
    }
    assert!(
        db.store
            .objects_by_names(cal.id, &[], true)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_object_and_its_properties() {
    let db = setup().await;
    let (_, cal) = calendar(&db).await;
    put_all(
        &db.store,
        cal.id,
        &[event("a.ics", "ua"), event("b.ics", "ub")],
    )
    .await;
    let a = db
        .store
        .object_meta(cal.id, "a.ics")
        .await
        .unwrap()
        .unwrap();
    let prop = DeadProperty {
        namespace: String::new(),
        name: "p".into(),
        xml: "<p/>".into(),
    };

    let mut tx = db.store.begin().await.unwrap();
    tx.set_dead_property(PropOwner::Object(a.id), &prop)
        .await
        .unwrap();
    assert!(tx.delete_object(cal.id, "a.ics").await.unwrap());
    assert!(!tx.delete_object(cal.id, "a.ics").await.unwrap());
    assert!(!tx.delete_object(cal.id, "zzz").await.unwrap());
    assert_eq!(tx.object(cal.id, "a.ics").await.unwrap(), None);
    tx.commit().await.unwrap();

    assert_eq!(db.store.object(cal.id, "a.ics").await.unwrap(), None);
    assert!(
        db.store
            .dead_properties(PropOwner::Object(a.id))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(db.store.object(cal.id, "b.ics").await.unwrap().is_some());
    // The UID is free again.
    put_all(&db.store, cal.id, &[event("c.ics", "ua")]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn move_object_keeps_id_and_properties() {
    let db = setup().await;
    let (home, cal) = calendar(&db).await;
    let other = add_collection(&db.store, &home, "other", CollectionKind::Calendar).await;
    put_all(
        &db.store,
        cal.id,
        &[event("a.ics", "ua"), event("b.ics", "ub")],
    )
    .await;
    put_all(
        &db.store,
        other.id,
        &[event("taken.ics", "ut"), event("x.ics", "ub")],
    )
    .await;
    let a = db.store.object(cal.id, "a.ics").await.unwrap().unwrap();
    let prop = DeadProperty {
        namespace: "urn:x".into(),
        name: "p".into(),
        xml: "<p xmlns=\"urn:x\">v</p>".into(),
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.set_dead_property(PropOwner::Object(a.meta.id), &prop)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Rename within the collection.
    let mut tx = db.store.begin().await.unwrap();
    let renamed = tx
        .move_object(cal.id, "a.ics", cal.id, "renamed.ics", T0 + 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(renamed.id, a.meta.id);
    assert_eq!(renamed.name, "renamed.ics");
    assert_eq!(renamed.modified_at, T0 + 1);
    assert_eq!(renamed.created_at, a.meta.created_at);
    assert_eq!(renamed.etag, a.meta.etag);
    assert_eq!(db.store.object(cal.id, "a.ics").await.unwrap(), None);

    // Into another collection.
    let mut tx = db.store.begin().await.unwrap();
    let moved = tx
        .move_object(cal.id, "renamed.ics", other.id, "moved.ics", T0 + 2)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(moved.id, a.meta.id);
    assert_eq!(moved.collection_id, other.id);
    let got = db
        .store
        .object(other.id, "moved.ics")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.data, a.data);
    assert_eq!(got.meta, moved);
    assert_eq!(
        db.store
            .dead_properties(PropOwner::Object(a.meta.id))
            .await
            .unwrap(),
        vec![prop.clone()]
    );
    let member_props = db.store.member_dead_properties(other.id).await.unwrap();
    assert_eq!(member_props, vec![(a.meta.id, prop)]);
    assert!(
        db.store
            .member_dead_properties(cal.id)
            .await
            .unwrap()
            .is_empty()
    );

    // Destination name taken, destination UID taken, source missing: conflicts.
    let mut tx = db.store.begin().await.unwrap();
    let err = tx
        .move_object(other.id, "moved.ics", other.id, "taken.ics", T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    let mut tx = db.store.begin().await.unwrap();
    let err = tx
        .move_object(cal.id, "b.ics", other.id, "fresh.ics", T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    let mut tx = db.store.begin().await.unwrap();
    let err = tx
        .move_object(cal.id, "nope.ics", other.id, "fresh.ics", T0)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);
    assert!(db.store.object(cal.id, "b.ics").await.unwrap().is_some());
    assert!(
        db.store
            .object(other.id, "moved.ics")
            .await
            .unwrap()
            .is_some()
    );
}

/// The one-query GET lookup returns the same collection and object as the two-step one,
/// and nothing for another owner, another path or a missing name.
#[tokio::test(flavor = "multi_thread")]
async fn object_by_path_joins_collection_and_member() {
    let db = setup().await;
    let (_, cal) = calendar(&db).await;
    put_all(&db.store, cal.id, &[event("e1.ics", "uid-1")]).await;
    let (collection, object) = db
        .store
        .object_by_path(cal.owner_id, "cal", "e1.ics")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        collection,
        db.store.collection_by_id(cal.id).await.unwrap().unwrap()
    );
    assert_eq!(
        object,
        db.store.object(cal.id, "e1.ics").await.unwrap().unwrap()
    );
    let (bob, _) = user_with_home(&db.store, "bob").await;
    assert!(
        db.store
            .object_by_path(bob.id, "cal", "e1.ics")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        db.store
            .object_by_path(cal.owner_id, "", "e1.ics")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        db.store
            .object_by_path(cal.owner_id, "cal", "nope")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn insert_object_keeps_given_times_and_never_replaces() {
    let db = setup().await;
    let (home, cal) = calendar(&db).await;
    let files = add_collection(&db.store, &home, "files", CollectionKind::Plain).await;
    assert_eq!(db.store.count_objects().await.unwrap(), 0);

    let mut tx = db.store.begin().await.unwrap();
    let meta = tx
        .insert_object(cal.id, &event("e.ics", "u1"), T0 - 5_000, T0 + 7)
        .await
        .unwrap();
    tx.insert_object(files.id, &file("f.bin", b"\x00\xff"), T0, T0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(meta.created_at, T0 - 5_000);
    assert_eq!(meta.modified_at, T0 + 7);
    assert_eq!(meta.uid.as_deref(), Some("u1"));
    let got = db.store.object(cal.id, "e.ics").await.unwrap().unwrap();
    assert_eq!(got.meta, meta);
    assert_eq!(db.store.count_objects().await.unwrap(), 2);

    // A taken name is a conflict, not a replacement.
    let mut tx = db.store.begin().await.unwrap();
    let mut other = event("e.ics", "u2");
    other.data = b"different".to_vec();
    assert!(matches!(
        tx.insert_object(cal.id, &other, T0, T0).await,
        Err(StoreError::Conflict(_))
    ));
    drop(tx);
    // So is a taken UID.
    let mut tx = db.store.begin().await.unwrap();
    assert!(matches!(
        tx.insert_object(cal.id, &event("other.ics", "u1"), T0, T0)
            .await,
        Err(StoreError::Conflict(_))
    ));
    drop(tx);
    let still = db.store.object(cal.id, "e.ics").await.unwrap().unwrap();
    assert_eq!(still, got);
    assert_eq!(db.store.count_objects().await.unwrap(), 2);
}
