use kairos_store::{
    CalendarPrefs, CollectionKind, Credential, CredentialId, CredentialKind, Scope, Session, Share,
    ShareAccess, ShareAction, ShareLogEntry, StoreError, UserId, new_id,
};

use crate::common::*;

fn credential(user: UserId, hash: &str) -> Credential {
    Credential {
        id: CredentialId(new_id()),
        user_id: user,
        kind: CredentialKind::AppPassword,
        name: "phone".into(),
        secret_hash: hash.into(),
        scope: Scope::ReadOnly,
        collection: None,
        created_at: T0,
        expires_at: Some(T0 + 1_000),
        last_used_at: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_found_by_hash_and_deleted_only_by_their_owner() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let (bob, _) = user_with_home(&db.store, "bob").await;
    let cal = add_collection(&db.store, &home, "work", CollectionKind::Calendar).await;
    let mut c = credential(alice.id, "h1");
    c.collection = Some(cal.id);
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_credential(&c).await.unwrap();
    tx.commit().await.unwrap();

    assert_eq!(
        db.store.credential_by_hash("h1").await.unwrap(),
        Some(c.clone())
    );
    assert_eq!(db.store.credential_by_hash("h2").await.unwrap(), None);
    assert_eq!(
        db.store.credentials_of(alice.id).await.unwrap(),
        vec![c.clone()]
    );
    assert!(db.store.credentials_of(bob.id).await.unwrap().is_empty());

    db.store.touch_credential(c.id, T0 + 5).await.unwrap();
    let touched = db.store.credential_by_hash("h1").await.unwrap().unwrap();
    assert_eq!(touched.last_used_at, Some(T0 + 5));

    // The same secret hash twice is a conflict.
    let mut tx = db.store.begin().await.unwrap();
    let err = tx
        .insert_credential(&credential(bob.id, "h1"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    drop(tx);

    let mut tx = db.store.begin().await.unwrap();
    assert!(!tx.delete_credential(bob.id, c.id).await.unwrap());
    assert!(tx.delete_credential(alice.id, c.id).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(db.store.credential_by_hash("h1").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_and_sessions_go_with_their_user() {
    let db = setup().await;
    let (alice, _) = user_with_home(&db.store, "alice").await;
    let session = Session {
        secret_hash: "s1".into(),
        user_id: alice.id,
        created_at: T0,
        expires_at: T0 + 10,
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_credential(&credential(alice.id, "h1"))
        .await
        .unwrap();
    tx.insert_session(&session).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.session_by_hash("s1").await.unwrap(), Some(session));

    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.delete_user(alice.id).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(db.store.credential_by_hash("h1").await.unwrap(), None);
    assert_eq!(db.store.session_by_hash("s1").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_end_one_by_one_per_user_or_by_expiry() {
    let db = setup().await;
    let (alice, _) = user_with_home(&db.store, "alice").await;
    let mut tx = db.store.begin().await.unwrap();
    for (hash, end) in [("a", T0 + 1), ("b", T0 + 100), ("c", T0 + 100)] {
        let s = Session {
            secret_hash: hash.into(),
            user_id: alice.id,
            created_at: T0,
            expires_at: end,
        };
        tx.insert_session(&s).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.prune_sessions(T0 + 50).await.unwrap(), 1);
    assert!(tx.delete_session("b").await.unwrap());
    assert!(!tx.delete_session("b").await.unwrap());
    tx.commit().await.unwrap();
    assert!(db.store.session_by_hash("c").await.unwrap().is_some());

    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(tx.delete_sessions_of(alice.id).await.unwrap(), 1);
    tx.commit().await.unwrap();
    assert_eq!(db.store.session_by_hash("c").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn shares_are_listed_both_ways_and_logged() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let (bob, _) = user_with_home(&db.store, "bob").await;
    let (carol, _) = user_with_home(&db.store, "carol").await;
    let work = add_collection(&db.store, &home, "work", CollectionKind::Calendar).await;
    let home_cal = add_collection(&db.store, &home, "home", CollectionKind::Calendar).await;

    let share = |c: &kairos_store::Collection, who: UserId, access| Share {
        collection: c.id,
        sharee: who,
        access,
        created_at: T0,
        modified_at: T0,
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.put_share(&share(&work, carol.id, ShareAccess::Read))
        .await
        .unwrap();
    tx.put_share(&share(&work, bob.id, ShareAccess::FreeBusy))
        .await
        .unwrap();
    tx.put_share(&share(&home_cal, bob.id, ShareAccess::Read))
        .await
        .unwrap();
    // Changing access keeps the creation time.
    let mut changed = share(&work, bob.id, ShareAccess::ReadWrite);
    changed.created_at = T0 + 7;
    changed.modified_at = T0 + 7;
    tx.put_share(&changed).await.unwrap();
    tx.log_share(&ShareLogEntry {
        collection: work.id,
        actor: "alice".into(),
        action: ShareAction::Shared,
        sharee: Some("bob".into()),
        access: Some(ShareAccess::ReadWrite),
        at: T0 + 7,
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let of = db.store.shares_of(work.id).await.unwrap();
    let names: Vec<_> = of.iter().map(|(s, n)| (n.as_str(), s.access)).collect();
    assert_eq!(
        names,
        [
            ("bob", ShareAccess::ReadWrite),
            ("carol", ShareAccess::Read)
        ]
    );
    assert_eq!(of[0].0.created_at, T0);
    assert_eq!(of[0].0.modified_at, T0 + 7);

    let incoming = db.store.shared_with(bob.id).await.unwrap();
    let seen: Vec<_> = incoming
        .iter()
        .map(|i| (i.owner_name.as_str(), i.collection.path.as_str(), i.access))
        .collect();
    assert_eq!(
        seen,
        [
            ("alice", "home", ShareAccess::Read),
            ("alice", "work", ShareAccess::ReadWrite)
        ]
    );
    let mut between = db.store.shares_between(alice.id, bob.id).await.unwrap();
    between.sort();
    let mut want = vec![
        (work.id, ShareAccess::ReadWrite),
        (home_cal.id, ShareAccess::Read),
    ];
    want.sort();
    assert_eq!(between, want);
    assert!(
        db.store
            .shares_between(bob.id, alice.id)
            .await
            .unwrap()
            .is_empty()
    );

    let log = db.store.share_log(work.id).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].sharee.as_deref(), Some("bob"));

    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.delete_share(work.id, bob.id).await.unwrap());
    assert!(!tx.delete_share(work.id, bob.id).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(db.store.shared_with(bob.id).await.unwrap().len(), 1);

    // Removing the sharee removes their shares; removing the calendar removes the rest.
    let mut tx = db.store.begin().await.unwrap();
    tx.delete_user(carol.id).await.unwrap();
    tx.delete_collection_tree(home_cal.id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(db.store.shares_of(work.id).await.unwrap().is_empty());
    assert!(db.store.shared_with(bob.id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_calendar_has_at_most_one_public_link() {
    let db = setup().await;
    let (_, home) = user_with_home(&db.store, "alice").await;
    let work = add_collection(&db.store, &home, "work", CollectionKind::Calendar).await;
    let mut tx = db.store.begin().await.unwrap();
    tx.set_public_link(work.id, "p1", T0).await.unwrap();
    tx.set_public_link(work.id, "p2", T0 + 1).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.public_link("p1").await.unwrap(), None);
    assert_eq!(db.store.public_link("p2").await.unwrap(), Some(work.id));
    assert_eq!(
        db.store.public_link_of(work.id).await.unwrap(),
        Some(T0 + 1)
    );

    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.delete_public_link(work.id).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(db.store.public_link("p2").await.unwrap(), None);
    assert_eq!(db.store.public_link_of(work.id).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn calendar_prefs_are_per_user_and_go_with_the_calendar() {
    let db = setup().await;
    let (alice, home) = user_with_home(&db.store, "alice").await;
    let (bob, _) = user_with_home(&db.store, "bob").await;
    let work = add_collection(&db.store, &home, "work", CollectionKind::Calendar).await;
    let play = add_collection(&db.store, &home, "play", CollectionKind::Calendar).await;
    let mut bobs = CalendarPrefs::unset(bob.id, work.id);
    bobs.displayname = Some("Alice's work".into());
    bobs.color = Some("#00FF00".into());
    bobs.order = Some(7);
    let mut alices = CalendarPrefs::unset(alice.id, play.id);
    alices.hidden = true;
    let mut tx = db.store.begin().await.unwrap();
    tx.put_calendar_prefs(&bobs).await.unwrap();
    tx.put_calendar_prefs(&alices).await.unwrap();
    assert_eq!(
        tx.calendar_prefs(bob.id, work.id).await.unwrap(),
        Some(bobs.clone())
    );
    assert_eq!(tx.calendar_prefs(bob.id, play.id).await.unwrap(), None);
    tx.commit().await.unwrap();
    assert_eq!(
        db.store.calendar_prefs(bob.id).await.unwrap(),
        vec![bobs.clone()]
    );
    assert_eq!(
        db.store.calendar_prefs(alice.id).await.unwrap(),
        vec![alices]
    );

    // Replacing keeps one row; clearing a field clears it.
    bobs.color = None;
    bobs.hidden = true;
    let mut tx = db.store.begin().await.unwrap();
    tx.put_calendar_prefs(&bobs).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.calendar_prefs(bob.id).await.unwrap(), vec![bobs]);

    // Deleting the calendar deletes everyone's settings for it.
    let mut tx = db.store.begin().await.unwrap();
    tx.delete_collection_tree(work.id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(db.store.calendar_prefs(bob.id).await.unwrap().is_empty());
    let mut tx = db.store.begin().await.unwrap();
    assert!(tx.delete_calendar_prefs(alice.id, play.id).await.unwrap());
    assert!(!tx.delete_calendar_prefs(alice.id, play.id).await.unwrap());
    tx.commit().await.unwrap();
    assert!(db.store.calendar_prefs(alice.id).await.unwrap().is_empty());
}
