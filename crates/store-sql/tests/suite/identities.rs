use kairos_store::{PendingSignIn, StoreError};

use crate::common::*;

#[tokio::test(flavor = "multi_thread")]
async fn identities_link_once_and_follow_their_user() {
    let db = setup().await;
    let (alice, _) = user_with_home(&db.store, "alice").await;
    let (bob, _) = user_with_home(&db.store, "bob").await;
    let iss = "https://idp.example";
    let mut tx = db.store.begin().await.unwrap();
    tx.link_identity(iss, "sub-1", alice.id, T0).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        db.store.identity_user(iss, "sub-1").await.unwrap(),
        Some(alice.id)
    );
    // Same subject at another issuer is someone else.
    assert_eq!(
        db.store
            .identity_user("https://other.example", "sub-1")
            .await
            .unwrap(),
        None
    );
    // One identity, one user.
    let mut tx = db.store.begin().await.unwrap();
    let again = tx.link_identity(iss, "sub-1", bob.id, T0).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    drop(tx);
    // Removing the user removes the link.
    let mut tx = db.store.begin().await.unwrap();
    tx.delete_user(alice.id).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(db.store.identity_user(iss, "sub-1").await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn pending_sign_ins_are_single_use_and_expire() {
    let db = setup().await;
    let pending = |hash: &str, expires_at| PendingSignIn {
        state_hash: hash.into(),
        pkce_verifier: "verifier".into(),
        nonce: "nonce".into(),
        return_to: "/".into(),
        expires_at,
    };
    let mut tx = db.store.begin().await.unwrap();
    tx.insert_pending_sign_in(&pending("a", T0 + 100), T0)
        .await
        .unwrap();
    tx.insert_pending_sign_in(&pending("b", T0 + 10), T0)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.store.begin().await.unwrap();
    assert_eq!(
        tx.take_pending_sign_in("a", T0 + 50).await.unwrap(),
        Some(pending("a", T0 + 100))
    );
    assert_eq!(tx.take_pending_sign_in("a", T0 + 50).await.unwrap(), None);
    assert_eq!(tx.take_pending_sign_in("b", T0 + 50).await.unwrap(), None);
    tx.commit().await.unwrap();
}
