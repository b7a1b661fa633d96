//! Single sign-on with OpenID Connect: against a real certified provider (panva's
//! oidc-provider, run by `bash tests/oidc/ci.sh`, which CI runs) and, without one, the
//! rules that need no provider (OIDC-only mode).

use crate::common;

use std::process::Stdio;

use common::api::{ALICE_PW, As};
use common::*;
use http::StatusCode;
use kairos_core::auth::NewCredential;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

const REDIRECT: &str = "http://kairos.test/api/v1/session/oidc/callback";

/// The local provider, stopped when dropped.
struct LocalProvider {
    issuer: String,
    _child: tokio::process::Child,
}

async fn start_provider() -> LocalProvider {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc");
    assert!(
        dir.join("node_modules/oidc-provider").exists(),
        "run `npm ci` in tests/oidc first (bash tests/oidc/ci.sh does)"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = tokio::process::Command::new("node")
        .arg("provider.mjs")
        .arg(port.to_string())
        .arg(REDIRECT)
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let issuer = loop {
        let line = lines.next_line().await.unwrap().expect("provider exited");
        if let Some(issuer) = line.strip_prefix("ready ") {
            break issuer.to_owned();
        }
    };
    // Keep reading: a closed pipe would kill the provider at its next log line.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    LocalProvider {
        issuer,
        _child: child,
    }
}

async fn kairos_for(provider: &LocalProvider, only: bool) -> Harness {
    let issuer = provider.issuer.clone();
    Harness::with_settings(move |s| {
        s.oidc_issuer = issuer;
        s.oidc_client_id = "kairos".into();
        s.oidc_client_secret = "kairos-test-secret".into();
        s.oidc_redirect_url = REDIRECT.into();
        s.oidc_only = only;
    })
    .await
}

fn location(r: &Resp) -> String {
    r.headers
        .get("location")
        .unwrap_or_else(|| panic!("no Location: {} {}", r.status, r.text()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Walks a browser through the provider's development sign-in and consent pages as
/// `login`, returning where the provider sends it back (Kairos's callback URL).
async fn through_provider(issuer: &str, authorize_url: &str, login: &str) -> String {
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = authorize_url.to_owned();
    for _ in 0..20 {
        if url.starts_with(REDIRECT) {
            return url;
        }
        let r = browser.get(&url).send().await.unwrap();
        if r.status().is_redirection() {
            let to = r.headers()["location"].to_str().unwrap().to_owned();
            url = if to.starts_with('/') {
                format!("{issuer}{to}")
            } else {
                to
            };
            continue;
        }
        assert_eq!(r.status(), 200, "{url}");
        let page = r.text().await.unwrap();
        let form: Vec<(&str, &str)> = if page.contains("name=\"login\"") {
            vec![("prompt", "login"), ("login", login), ("password", "any")]
        } else {
            vec![("prompt", "consent")]
        };
        let r = browser.post(&url).form(&form).send().await.unwrap();
        assert!(r.status().is_redirection(), "{} on {url}", r.status());
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        url = if to.starts_with('/') {
            format!("{issuer}{to}")
        } else {
            to
        };
    }
    panic!("the provider never sent the browser back");
}

/// Begins a sign-in at Kairos and finishes it at the provider as `login`: the callback
/// path (with code and state) to send to Kairos.
async fn sign_in_at_provider(
    h: &Harness,
    p: &LocalProvider,
    login: &str,
    return_to: &str,
) -> String {
    let begin = h
        .send(
            "GET",
            &format!("/api/v1/session/oidc?return_to={return_to}"),
            None,
            &[],
            Vec::new(),
        )
        .await;
    assert_eq!(begin.status, StatusCode::SEE_OTHER, "{}", begin.text());
    let authorize = location(&begin);
    assert!(authorize.starts_with(&p.issuer), "{authorize}");
    assert!(
        authorize.contains("code_challenge_method=S256"),
        "{authorize}"
    );
    let back = through_provider(&p.issuer, &authorize, login).await;
    back.strip_prefix("http://kairos.test").unwrap().to_owned()
}

fn session_cookie(r: &Resp) -> String {
    let set = r.headers["set-cookie"].to_str().unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"));
    set.split(';').next().unwrap().to_owned()
}

#[tokio::test]
#[ignore = "needs the local OpenID Connect provider: bash tests/oidc/ci.sh"]
async fn first_sign_in_makes_an_account_and_later_ones_find_it() {
    let p = start_provider().await;
    let h = kairos_for(&p, false).await;
    let methods = h
        .api("GET", "/api/v1/session/methods", As::Anonymous, None, &[])
        .await
        .json();
    assert_eq!(methods, json!({"password": true, "oidc": true}));

    let callback = sign_in_at_provider(&h, &p, "id-1001", "/calendar?view=week").await;
    let done = h.send("GET", &callback, None, &[], Vec::new()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(location(&done), "/calendar?view=week");
    let cookie = session_cookie(&done);

    // The session works on the API; the account is carol (the provider's name for
    // subject id-1001), with her default calendar.
    let me = h
        .send(
            "GET",
            "/api/v1/session",
            None,
            &[("cookie", &cookie)],
            Vec::new(),
        )
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    let me: serde_json::Value = serde_json::from_slice(&me.body).unwrap();
    assert_eq!(me["user"], "carol");
    let cals = h
        .send(
            "GET",
            "/api/v1/calendars",
            None,
            &[("cookie", &cookie)],
            Vec::new(),
        )
        .await;
    assert_eq!(cals.status, StatusCode::OK);
    assert!(cals.text().contains("\"default\""), "{}", cals.text());

    // The code and state are single use.
    let replay = h.send("GET", &callback, None, &[], Vec::new()).await;
    assert_eq!(replay.status, StatusCode::FORBIDDEN, "{}", replay.text());

    // A second sign-in finds the same account (no duplicate, no error); an open redirect
    // is refused and becomes "/".
    let again = sign_in_at_provider(&h, &p, "id-1001", "https://evil.example/").await;
    let done = h.send("GET", &again, None, &[], Vec::new()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(location(&done), "/");
    let users = h
        .core
        .list_users(kairos_core::users::Admin::local_operator())
        .await
        .unwrap();
    assert_eq!(users.iter().filter(|u| u.name == "carol").count(), 1);
    // carol has no password: Basic with anything is refused.
    let dav = h
        .get(Some(("carol", "!sso")), "/dav/calendars/carol/")
        .await;
    assert_eq!(dav.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
#[ignore = "needs the local OpenID Connect provider: bash tests/oidc/ci.sh"]
async fn refusals_name_taken_bad_names_forged_state_and_provider_errors() {
    let p = start_provider().await;
    let h = kairos_for(&p, false).await;

    // The provider says "alice", but the local alice never linked this identity.
    let cb = sign_in_at_provider(&h, &p, "id-1002", "/").await;
    let r = h.send("GET", &cb, None, &[], Vec::new()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(
        r.text().contains("exists and is not linked"),
        "{}",
        r.text()
    );
    assert!(r.headers.get("set-cookie").is_none());

    // A name Kairos cannot use.
    let cb = sign_in_at_provider(&h, &p, "id-1003", "/").await;
    let r = h.send("GET", &cb, None, &[], Vec::new()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());

    // A state this server never issued, another issuer, a provider error.
    let cb = sign_in_at_provider(&h, &p, "id-1001", "/").await;
    let forged = cb.replace("state=", "state=x");
    let r = h.send("GET", &forged, None, &[], Vec::new()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = h
        .send(
            "GET",
            "/api/v1/session/oidc/callback?code=c&state=s&iss=https%3A%2F%2Fother.example",
            None,
            &[],
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = h
        .send(
            "GET",
            "/api/v1/session/oidc/callback?error=access_denied&error_description=no",
            None,
            &[],
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
}

#[tokio::test]
async fn oidc_only_refuses_account_passwords_but_not_app_passwords() {
    // No provider is contacted: discovery happens on the first sign-in.
    let h = Harness::with_settings(|s| {
        s.oidc_issuer = "http://127.0.0.1:9".into();
        s.oidc_client_id = "kairos".into();
        s.oidc_redirect_url = REDIRECT.into();
        s.oidc_only = true;
    })
    .await;
    let methods = h
        .api("GET", "/api/v1/session/methods", As::Anonymous, None, &[])
        .await
        .json();
    assert_eq!(methods, json!({"password": false, "oidc": true}));
    h.api(
        "POST",
        "/api/v1/session",
        As::Anonymous,
        Some(json!({"user": "alice", "password": "alice-password"})),
        &[],
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    h.api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .problem(StatusCode::UNAUTHORIZED);

    // A device's app password still works over DAV.
    let alice = h
        .core
        .act_as(kairos_core::users::Admin::local_operator(), "alice")
        .await
        .unwrap();
    let minted = h
        .core
        .create_credential(
            &alice,
            NewCredential {
                kind: kairos_store::CredentialKind::AppPassword,
                name: "phone".into(),
                scope: kairos_store::Scope::ReadWrite,
                calendar: None,
                expires_in: None,
            },
        )
        .await
        .unwrap();
    let prop = "<propfind xmlns=\"DAV:\"><prop><displayname/></prop></propfind>";
    let dav = h
        .propfind(Some(("alice", &minted.secret)), ALICE_HOME, "0", prop)
        .await;
    assert_eq!(dav.status, StatusCode::MULTI_STATUS);
    let refused = h.propfind(ALICE, ALICE_HOME, "0", prop).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_a_provider_the_endpoints_say_so() {
    let h = Harness::new().await;
    let r = h
        .send("GET", "/api/v1/session/oidc", None, &[], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let methods = h
        .api("GET", "/api/v1/session/methods", As::Anonymous, None, &[])
        .await
        .json();
    assert_eq!(methods, json!({"password": true, "oidc": false}));
}
