//! API tokens and app passwords used by DAV clients: what they open, and every refusal.

use crate::common;

use common::*;
use http::StatusCode;
use kairos_core::Principal;
use kairos_core::auth::NewCredential;
use kairos_core::users::Admin;
use kairos_store::{CredentialKind, Scope};

async fn alice(h: &Harness) -> Principal {
    h.core
        .act_as(Admin::local_operator(), "alice")
        .await
        .unwrap()
}

async fn mint(h: &Harness, scope: Scope, calendar: Option<&str>) -> String {
    let new = NewCredential {
        kind: CredentialKind::AppPassword,
        name: "phone".into(),
        scope,
        calendar: calendar.map(str::to_owned),
        expires_in: None,
    };
    h.core
        .create_credential(&alice(h).await, new)
        .await
        .unwrap()
        .secret
}

fn bearer(secret: &str) -> String {
    format!("Bearer {secret}")
}

#[tokio::test]
async fn an_app_password_works_as_basic_password_and_as_bearer_token() {
    let h = Harness::new().await;
    let secret = mint(&h, Scope::ReadWrite, None).await;
    let with_basic = h
        .put_ics(
            Some(("alice", &secret)),
            &format!("{ALICE_CAL}a.ics"),
            &event("a", "A"),
        )
        .await;
    assert_eq!(with_basic.status, StatusCode::CREATED);
    let r = h
        .send(
            "GET",
            &format!("{ALICE_CAL}a.ics"),
            None,
            &[("authorization", &bearer(&secret))],
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // Another user's name with alice's app password is refused, as is a near miss.
    let r = h.get(Some(("bob", &secret)), BOB_CAL).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let wrong = format!("{}x", &secret);
    let r = h.get(Some(("alice", &wrong)), ALICE_CAL).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // And it never opens bob's data.
    let r = h
        .send(
            "PROPFIND",
            BOB_CAL,
            None,
            &[("authorization", &bearer(&secret)), ("depth", "0")],
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_read_only_credential_reads_but_every_write_is_refused() {
    let h = Harness::new().await;
    h.put_ics(ALICE, &format!("{ALICE_CAL}a.ics"), &event("a", "A"))
        .await;
    let secret = mint(&h, Scope::ReadOnly, None).await;
    let me = Some(("alice", secret.as_str()));
    assert_eq!(
        h.get(me, &format!("{ALICE_CAL}a.ics")).await.status,
        StatusCode::OK
    );

    let put = h
        .put_ics(me, &format!("{ALICE_CAL}b.ics"), &event("b", "B"))
        .await;
    assert_eq!(put.status, StatusCode::FORBIDDEN);
    let del = h
        .send("DELETE", &format!("{ALICE_CAL}a.ics"), me, &[], "")
        .await;
    assert_eq!(del.status, StatusCode::FORBIDDEN);
    let mk = h
        .send("MKCALENDAR", &format!("{ALICE_HOME}new/"), me, &[], "")
        .await;
    assert_eq!(mk.status, StatusCode::FORBIDDEN);
    let proppatch = h
        .send(
            "PROPPATCH",
            ALICE_CAL,
            me,
            &[("content-type", "application/xml")],
            r#"<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>"#,
        )
        .await;
    assert_eq!(proppatch.status, StatusCode::FORBIDDEN);
    // Nothing changed.
    assert_eq!(h.members(ALICE, ALICE_CAL).await.len(), 1);
}

#[tokio::test]
async fn a_calendar_limited_credential_sees_only_that_calendar() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, &format!("{ALICE_HOME}private/")).await;
    h.put_ics(
        ALICE,
        &format!("{ALICE_HOME}private/p.ics"),
        &event("p", "P"),
    )
    .await;
    let secret = mint(&h, Scope::ReadWrite, Some("default")).await;
    let me = Some(("alice", secret.as_str()));

    let put = h
        .put_ics(me, &format!("{ALICE_CAL}a.ics"), &event("a", "A"))
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    // The other calendar does not exist for this credential.
    for path in [
        format!("{ALICE_HOME}private/"),
        format!("{ALICE_HOME}private/p.ics"),
    ] {
        assert_eq!(
            h.get(me, &path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let put = h
        .put_ics(me, &format!("{ALICE_HOME}private/q.ics"), &event("q", "Q"))
        .await;
    assert_eq!(put.status, StatusCode::NOT_FOUND);
    // The home lists the one calendar only and cannot be written.
    let listed = h.members(me, ALICE_HOME).await;
    assert!(
        listed.iter().any(|m| m.ends_with("/default/")),
        "{listed:?}"
    );
    assert!(!listed.iter().any(|m| m.contains("private")), "{listed:?}");
    let mk = h
        .send("MKCALENDAR", &format!("{ALICE_HOME}new/"), me, &[], "")
        .await;
    assert_eq!(mk.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn revoked_and_expired_credentials_stop_working() {
    let h = Harness::new().await;
    let principal = alice(&h).await;
    let minted = h
        .core
        .create_credential(
            &principal,
            NewCredential {
                kind: CredentialKind::ApiToken,
                name: "script".into(),
                scope: Scope::ReadWrite,
                calendar: None,
                expires_in: None,
            },
        )
        .await
        .unwrap();
    let auth = bearer(&minted.secret);
    let ok = h
        .send(
            "PROPFIND",
            ALICE_CAL,
            None,
            &[("authorization", &auth), ("depth", "0")],
            "",
        )
        .await;
    assert_eq!(ok.status, StatusCode::MULTI_STATUS);
    let listed = h.core.credentials(&principal).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "use is stamped");

    h.core
        .revoke_credential(&principal, minted.credential.id)
        .await
        .unwrap();
    let gone = h
        .send(
            "PROPFIND",
            ALICE_CAL,
            None,
            &[("authorization", &auth), ("depth", "0")],
            "",
        )
        .await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    // Basic with the same secret is refused too (the verified-credential cache was dropped).
    assert_eq!(
        h.get(Some(("alice", &minted.secret)), ALICE_CAL)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let expired = h
        .core
        .create_credential(
            &principal,
            NewCredential {
                kind: CredentialKind::ApiToken,
                name: "short".into(),
                scope: Scope::ReadWrite,
                calendar: None,
                expires_in: Some(std::time::Duration::from_millis(1)),
            },
        )
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let r = h
        .send(
            "PROPFIND",
            ALICE_CAL,
            None,
            &[("authorization", &bearer(&expired.secret)), ("depth", "0")],
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_token_cannot_mint_or_revoke_tokens() {
    let h = Harness::new().await;
    let secret = mint(&h, Scope::ReadWrite, None).await;
    let as_token = h
        .core
        .authenticate(&kairos_core::auth::Presented::Bearer(secret), None)
        .await
        .unwrap();
    let err = h
        .core
        .create_credential(
            &as_token,
            NewCredential {
                kind: CredentialKind::ApiToken,
                name: "child".into(),
                scope: Scope::ReadWrite,
                calendar: None,
                expires_in: None,
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, kairos_core::CoreError::Forbidden(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn credentials_are_validated() {
    let h = Harness::new().await;
    let p = alice(&h).await;
    for (name, calendar) in [("", None), ("x", Some("nope")), ("bad\nname", None)] {
        let err = h
            .core
            .create_credential(
                &p,
                NewCredential {
                    kind: CredentialKind::ApiToken,
                    name: name.into(),
                    scope: Scope::ReadOnly,
                    calendar: calendar.map(str::to_owned),
                    expires_in: None,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, kairos_core::CoreError::Invalid(_)),
            "{name:?}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_blocked_address_still_gets_in_with_a_valid_token_but_not_with_guesses() {
    let h = Harness::new().await;
    let secret = mint(&h, Scope::ReadWrite, None).await;
    let addr: std::net::SocketAddr = "192.0.2.7:40000".parse().unwrap();
    for i in 0..12 {
        let user = format!("guess{i}");
        h.request_from(
            Some(addr),
            "PROPFIND",
            ALICE_CAL,
            Some((&user, "wrong")),
            &[("depth", "0")],
            "",
        )
        .await;
    }
    let blocked = h
        .request_from(
            Some(addr),
            "PROPFIND",
            ALICE_CAL,
            Some(("alice", "alice-password")),
            &[("depth", "0")],
            "",
        )
        .await;
    assert_eq!(
        blocked.0,
        StatusCode::TOO_MANY_REQUESTS,
        "passwords from the address are blocked"
    );
    let auth = bearer(&secret);
    let ok = h
        .request_from(
            Some(addr),
            "PROPFIND",
            ALICE_CAL,
            None,
            &[("authorization", &auth), ("depth", "0")],
            "",
        )
        .await;
    assert_eq!(
        ok.0,
        StatusCode::MULTI_STATUS,
        "a valid token is not a guess"
    );
    let guess = bearer("kairos_not-a-token");
    let refused = h
        .request_from(
            Some(addr),
            "PROPFIND",
            ALICE_CAL,
            None,
            &[("authorization", &guess), ("depth", "0")],
            "",
        )
        .await;
    assert_eq!(refused.0, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_calendar_limited_app_password_sees_its_own_privileges_in_the_home_listing() {
    let h = Harness::new().await;
    h.alice_calendar(serde_json::json!({"name": "work"})).await;
    let work = "/dav/calendars/alice/work/";
    for (scope, writes) in [(Scope::ReadWrite, true), (Scope::ReadOnly, false)] {
        let secret = mint(&h, scope, Some("work")).await;
        let user = Some(("alice", secret.as_str()));
        let listed = h.privileges(user, "/dav/calendars/alice/", "1", work).await;
        assert_eq!(listed, h.privileges(user, work, "0", work).await);
        assert_eq!(
            listed.contains(&"write-content".to_owned()),
            writes,
            "{listed:?}"
        );
        let home = h
            .privileges(user, "/dav/calendars/alice/", "0", "/dav/calendars/alice/")
            .await;
        assert!(!home.contains(&"bind".to_owned()), "{home:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn requests_presenting_one_password_at_once_share_a_single_argon2_check() {
    let h = Harness::new().await;
    let before = h.core.password_checks();
    let tries: Vec<_> = (0..8)
        .map(|_| {
            let core = h.core.clone();
            tokio::spawn(async move {
                core.authenticate_password("alice", "alice-password", None)
                    .await
            })
        })
        .collect();
    for t in tries {
        assert_eq!(t.await.unwrap().unwrap().name(), "alice");
    }
    // One check; the others waited for it and found it in the cache (each check holds
    // argon2's 19 MiB: two at once were a 38 MiB spike every time the cache entry ran out).
    assert_eq!(h.core.password_checks() - before, 1);
    // A wrong password is still checked, and refused.
    assert!(
        h.core
            .authenticate_password("alice", "not-alice-password", None)
            .await
            .is_err()
    );
    assert_eq!(h.core.password_checks() - before, 2);
}
