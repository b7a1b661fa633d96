//! Signing a browser in and out with plain HTML forms.
//!
//! The sign-in form carries a random value that must match a cookie set with the page
//! (double submit), so another site cannot sign a visitor into an account of its choosing.
//! Signing out needs the session's CSRF token, like every change made with the cookie.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kairos_api::browser::{
    ClientAddr, cookie_value, see_other, session_cookie, session_set_cookie,
};
use kairos_core::CoreError;
use kairos_core::auth::{csrf_matches, local_path, same_secret};
use rand::Rng;
use serde::Deserialize;

use crate::WebState;
use crate::error::WebError;
use crate::pages::{LoginPage, page_headers, render};

/// The cookie holding the sign-in form's anti-forgery value.
const FORM_COOKIE: &str = "kairos_login";

/// What the sign-in page is asked with.
#[derive(Debug, Deserialize)]
pub(crate) struct PageQuery {
    return_to: Option<String>,
    /// A short code naming why the last attempt failed (single sign-on sends people
    /// back here); never free text, so nobody can put words on our page.
    error: Option<String>,
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    user: String,
    password: String,
    return_to: Option<String>,
    form_token: String,
}

/// The sign-out form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignOutForm {
    csrf_token: String,
}

/// The message for an error code in the page's address.
fn error_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "sso-refused" => {
            "Single sign-on did not sign you in (the sign-in may have expired or been used \
             already). Please try again."
        }
        "sso-expired" => "That sign-in link was incomplete. Please try again.",
        "too-many" => "Too many sign-in attempts. Wait a minute and try again.",
        "sso-failed" => "Single sign-on failed. Please try again or ask your administrator.",
        "signed-out" => "You are signed out.",
        _ => return None,
    })
}

/// Whether the request carries a live session.
async fn signed_in(state: &WebState, headers: &HeaderMap) -> bool {
    match session_cookie(headers) {
        Some(secret) => state.core.session(&secret).await.is_ok(),
        None => false,
    }
}

/// Percent-encodes a query value (a local path here).
fn query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The page with a fresh anti-forgery value, and the cookie that goes with it.
fn login_response(
    state: &WebState,
    status: StatusCode,
    return_to: &str,
    user: &str,
    error: Option<&str>,
) -> Response {
    let mut bytes = [0u8; 24];
    rand::rng().fill(&mut bytes);
    let form_token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let oidc = state.core.config().auth.oidc.as_ref();
    let page = LoginPage {
        return_to,
        oidc_url: oidc
            .map(|_| format!("/api/v1/session/oidc?return_to={}", query_value(return_to))),
        password: !oidc.is_some_and(|o| o.only),
        form_token: &form_token,
        user,
        error,
    };
    let mut r = (status, Html(render(&page))).into_response();
    page_headers(r.headers_mut());
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{FORM_COOKIE}={form_token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{secure}"
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// `GET /login`: the sign-in page (or straight on, when already signed in).
pub(crate) async fn page(
    State(state): State<WebState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let return_to = local_path(q.return_to.as_deref());
    if signed_in(&state, &headers).await {
        return see_other(&return_to);
    }
    let error = q.error.as_deref().and_then(error_message);
    login_response(&state, StatusCode::OK, &return_to, "", error)
}

/// `POST /login`: checks the password, sets the session cookie and goes on.
pub(crate) async fn sign_in(
    State(state): State<WebState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let expected = cookie_value(&headers, FORM_COOKIE).ok_or(WebError::StaleForm)?;
    if !same_secret(&expected, &form.form_token) {
        return Err(WebError::StaleForm);
    }
    let return_to = local_path(form.return_to.as_deref());
    let session = match state
        .core
        .begin_session(&form.user, &form.password, client)
        .await
    {
        Ok(s) => s,
        Err(CoreError::Unauthenticated) => {
            return Ok(login_response(
                &state,
                StatusCode::UNAUTHORIZED,
                &return_to,
                &form.user,
                Some("Wrong user name or password."),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let max_age = (session.expires_at - jiff::Timestamp::now().as_millisecond()) / 1000;
    let mut r = see_other(&return_to);
    r.headers_mut().append(
        header::SET_COOKIE,
        session_set_cookie(state.config.secure_cookies, &session.secret, max_age),
    );
    // The form value is spent.
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "kairos_login=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0",
        ),
    );
    Ok(r)
}

/// `POST /logout`: ends the session (with its CSRF token) and shows the sign-in page.
pub(crate) async fn sign_out(
    State(state): State<WebState>,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Result<Response, WebError> {
    let Some(secret) = session_cookie(&headers) else {
        return Ok(see_other("/login?error=signed-out"));
    };
    if !csrf_matches(&secret, &form.csrf_token) {
        return Err(WebError::StaleForm);
    }
    state.core.end_session(&secret).await?;
    let mut r = see_other("/login?error=signed-out");
    r.headers_mut().insert(
        header::SET_COOKIE,
        session_set_cookie(state.config.secure_cookies, "", 0),
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_error_codes_put_words_on_the_page() {
        assert!(error_message("sso-refused").is_some());
        assert_eq!(error_message("<script>alert(1)</script>"), None);
        assert_eq!(error_message("Call +1 555 0100 to unlock"), None);
    }

    #[test]
    fn return_paths_are_encoded_for_the_sso_link() {
        assert_eq!(
            query_value("/#/settings?a=b&c"),
            "/%23/settings%3Fa%3Db%26c"
        );
    }
}
