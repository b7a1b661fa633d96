//! The web calendar's server side through the real router: `/` for browsers, the
//! sign-in and sign-out forms, the app's files, and CalDAV still answering on `/`.

use crate::common;

use common::*;
use http::StatusCode;

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

/// The sign-in page's form value and the cookie that must come back with it.
async fn login_form(h: &Harness) -> (String, String) {
    let r = h.send("GET", "/login", None, &[], Vec::new()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("kairos_login="))
        .expect("form cookie");
    let pair = cookie.split(';').next().unwrap().to_owned();
    let token = pair.trim_start_matches("kairos_login=").to_owned();
    assert!(
        r.text().contains(&format!("value=\"{token}\"")),
        "{}",
        r.text()
    );
    (pair, token)
}

/// The session cookie pair (`kairos_session=…`) a response sets.
fn session_from(r: &Resp) -> Option<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kairos_session=") && !c.starts_with("kairos_session=;"))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

async fn post_login(h: &Harness, cookie: &str, body: &str) -> Resp {
    h.send(
        "POST",
        "/login",
        None,
        &[FORM, ("cookie", cookie)],
        body.to_owned(),
    )
    .await
}

#[tokio::test]
async fn browsers_sign_in_with_the_form_and_get_the_app_at_the_root() {
    let h = Harness::new().await;
    // Not signed in: to the sign-in page.
    let r = h.send("GET", "/", None, &[], Vec::new()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/login"));

    let (cookie, token) = login_form(&h).await;
    let r = post_login(
        &h,
        &cookie,
        &format!(
            "user=alice&password=alice-password&return_to=%2F%23%2Fsettings&form_token={token}"
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location"), Some("/#/settings"));
    let session = session_from(&r).expect("session cookie");
    let set: Vec<_> = r.headers.get_all("set-cookie").iter().collect();
    assert!(
        set.iter().any(|c| c.to_str().unwrap().contains("HttpOnly")),
        "{set:?}"
    );

    // Signed in: the app, with a strict CSP; and the API knows the session.
    let r = h
        .send("GET", "/", None, &[("cookie", &session)], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("<html"), "{}", r.text());
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    let me = h
        .send(
            "GET",
            "/api/v1/session",
            None,
            &[("cookie", &session)],
            Vec::new(),
        )
        .await;
    assert_eq!(me.status, StatusCode::OK);
    // Already signed in: the sign-in page moves on.
    let r = h
        .send("GET", "/login", None, &[("cookie", &session)], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn wrong_passwords_forged_forms_and_foreign_redirects_are_refused() {
    let h = Harness::new().await;
    let (cookie, token) = login_form(&h).await;
    // Wrong password: the page again, 401, the name kept (escaped), no session.
    let r = post_login(
        &h,
        &cookie,
        &format!("user=%3Cscript%3Ealice&password=nope&form_token={token}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(
        r.text().contains("Wrong user name or password"),
        "{}",
        r.text()
    );
    assert!(r.text().contains("&#60;script&#62;alice"), "{}", r.text());
    assert!(!r.text().contains("<script>"), "{}", r.text());
    assert_eq!(session_from(&r), None);

    // A form from elsewhere (no cookie, or another value) signs nobody in.
    let body = format!("user=alice&password=alice-password&form_token={token}");
    let r = h.send("POST", "/login", None, &[FORM], body.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(session_from(&r), None);
    let r = post_login(&h, "kairos_login=another-value", &body).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(session_from(&r), None);

    // Only local paths to return to.
    for evil in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
    ] {
        let (cookie, token) = login_form(&h).await;
        let r = post_login(
            &h,
            &cookie,
            &format!("user=alice&password=alice-password&return_to={evil}&form_token={token}"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.header("location"), Some("/"), "{evil}");
    }

    // Error codes in the address show fixed messages only.
    let r = h
        .send(
            "GET",
            "/login?error=%3Cb%3Ecall%20us%3C%2Fb%3E",
            None,
            &[],
            Vec::new(),
        )
        .await;
    assert!(!r.text().contains("call us"), "{}", r.text());
    let r = h
        .send("GET", "/login?error=sso-refused", None, &[], Vec::new())
        .await;
    assert!(
        r.text().contains("Single sign-on did not sign you in"),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn signing_out_needs_the_sessions_csrf_token_and_ends_it() {
    let h = Harness::new().await;
    let (cookie, token) = login_form(&h).await;
    let r = post_login(
        &h,
        &cookie,
        &format!("user=alice&password=alice-password&form_token={token}"),
    )
    .await;
    let session = session_from(&r).unwrap();
    let csrf = h
        .send(
            "GET",
            "/api/v1/session",
            None,
            &[("cookie", &session)],
            Vec::new(),
        )
        .await
        .json()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .send(
            "POST",
            "/logout",
            None,
            &[FORM, ("cookie", &session)],
            "csrf_token=forged".to_owned(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let still = h
        .send(
            "GET",
            "/api/v1/session",
            None,
            &[("cookie", &session)],
            Vec::new(),
        )
        .await;
    assert_eq!(still.status, StatusCode::OK);

    let r = h
        .send(
            "POST",
            "/logout",
            None,
            &[FORM, ("cookie", &session)],
            format!("csrf_token={csrf}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/login?error=signed-out"));
    let gone = h
        .send(
            "GET",
            "/api/v1/session",
            None,
            &[("cookie", &session)],
            Vec::new(),
        )
        .await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    let r = h
        .send("GET", "/", None, &[("cookie", &session)], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn caldav_still_answers_on_the_root_and_files_are_served() {
    let h = Harness::new().await;
    let r = h
        .propfind(
            ALICE,
            "/",
            "0",
            &propfind_body(&[(ns::DAV, "current-user-principal")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.text());
    let r = h
        .send("PROPFIND", "/", None, &[("depth", "0")], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = h.send("OPTIONS", "/", ALICE, &[], Vec::new()).await;
    assert!(r.header("dav").unwrap_or("").contains("calendar-access"));

    let r = h
        .send("GET", "/static/pages.css", None, &[], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    let r = h
        .send("GET", "/assets/no-such-file.js", None, &[], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("There is nothing here"), "{}", r.text());
}

#[tokio::test]
async fn with_single_sign_on_only_the_page_offers_no_password_form() {
    let h = Harness::with_settings(|s| {
        s.oidc_issuer = "http://127.0.0.1:9/".into();
        s.oidc_client_id = "kairos".into();
        s.oidc_redirect_url = "http://127.0.0.1:8008/api/v1/session/oidc/callback".into();
        s.oidc_only = true;
    })
    .await;
    let r = h
        .send("GET", "/login?return_to=%2F", None, &[], Vec::new())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert!(!page.contains("type=\"password\""), "{page}");
    assert!(
        page.contains("href=\"/api/v1/session/oidc?return_to=/\""),
        "{page}"
    );

    // Coming back from the provider with a refusal: browsers get the page, others JSON.
    let back = "/api/v1/session/oidc/callback?error=access_denied&state=x";
    let r = h
        .send(
            "GET",
            back,
            None,
            &[("accept", "text/html,*/*")],
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/login?error=sso-refused"));
    let r = h.send("GET", back, None, &[], Vec::new()).await;
    r.problem(StatusCode::FORBIDDEN);
}
