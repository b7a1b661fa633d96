use kairos_store::{CollectionKind, DeadProperty, PropOwner};

use crate::common::*;

fn prop(ns: &str, name: &str, value: &str) -> DeadProperty {
    DeadProperty {
        namespace: ns.into(),
        name: name.into(),
        xml: format!("<{name} xmlns=\"{ns}\">{value}</{name}>"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn set_replace_remove_and_order() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;
    put_all(&db.store, cal.id, &[event("e.ics", "u")]).await;
    let obj = db
        .store
        .object_meta(cal.id, "e.ics")
        .await
        .unwrap()
        .unwrap();

    for owner in [PropOwner::Collection(cal.id), PropOwner::Object(obj.id)] {
        let mut tx = db.store.begin().await.unwrap();
        tx.set_dead_property(owner, &prop("urn:b", "z", "1"))
            .await
            .unwrap();
        tx.set_dead_property(owner, &prop("urn:a", "y", "2"))
            .await
            .unwrap();
        tx.set_dead_property(owner, &prop("", "x", "3"))
            .await
            .unwrap();
        tx.set_dead_property(owner, &prop("urn:a", "B", "4"))
            .await
            .unwrap();
        // Replace keeps one row per (namespace, name).
        tx.set_dead_property(owner, &prop("urn:a", "y", "<&amp; ünï>"))
            .await
            .unwrap();
        let inside = tx.dead_properties(owner).await.unwrap();
        assert_eq!(inside.len(), 4);
        tx.commit().await.unwrap();

        let got = db.store.dead_properties(owner).await.unwrap();
        assert_eq!(
            got,
            vec![
                prop("", "x", "3"),
                prop("urn:a", "B", "4"),
                prop("urn:a", "y", "<&amp; ünï>"),
                prop("urn:b", "z", "1"),
            ]
        );

        let mut tx = db.store.begin().await.unwrap();
        tx.remove_dead_property(owner, "urn:a", "y").await.unwrap();
        // Absent: not an error.
        tx.remove_dead_property(owner, "urn:a", "y").await.unwrap();
        tx.remove_dead_property(owner, "urn:none", "x")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let names: Vec<String> = db
            .store
            .dead_properties(owner)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["x", "B", "z"]);
    }

    // Collection and object properties are separate namespaces of storage.
    assert_eq!(
        db.store
            .dead_properties(PropOwner::Collection(cal.id))
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        db.store
            .dead_properties(PropOwner::Collection(home.id))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn member_dead_properties_in_one_query() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let cal = add_collection(&db.store, &home, "cal", CollectionKind::Calendar).await;
    let other = add_collection(&db.store, &home, "other", CollectionKind::Calendar).await;
    put_all(
        &db.store,
        cal.id,
        &[event("a", "ua"), event("b", "ub"), event("c", "uc")],
    )
    .await;
    put_all(&db.store, other.id, &[event("a", "ua")]).await;
    let meta = db.store.list_objects(cal.id).await.unwrap();
    let other_a = db.store.object_meta(other.id, "a").await.unwrap().unwrap();

    let mut tx = db.store.begin().await.unwrap();
    tx.set_dead_property(PropOwner::Object(meta[1].id), &prop("urn:x", "q", "1"))
        .await
        .unwrap();
    tx.set_dead_property(PropOwner::Object(meta[0].id), &prop("urn:x", "q", "2"))
        .await
        .unwrap();
    tx.set_dead_property(PropOwner::Object(meta[0].id), &prop("urn:x", "p", "3"))
        .await
        .unwrap();
    tx.set_dead_property(PropOwner::Object(other_a.id), &prop("urn:x", "p", "4"))
        .await
        .unwrap();
    tx.set_dead_property(PropOwner::Collection(cal.id), &prop("urn:x", "c", "5"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let got = db.store.member_dead_properties(cal.id).await.unwrap();
    // Ids are UUIDv7 created in order a, b: (object id, namespace, name) order.
    assert_eq!(
        got,
        vec![
            (meta[0].id, prop("urn:x", "p", "3")),
            (meta[0].id, prop("urn:x", "q", "2")),
            (meta[1].id, prop("urn:x", "q", "1")),
        ]
    );
    assert_eq!(
        db.store.member_dead_properties(other.id).await.unwrap(),
        vec![(other_a.id, prop("urn:x", "p", "4"))]
    );
}
