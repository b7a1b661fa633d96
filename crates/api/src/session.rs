//! `/session`: signing a browser in and out with a cookie.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kairos_core::auth::csrf_token;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ApiState;
use crate::body::JsonBody;
use crate::caller::{Caller, ClientAddr, SESSION_COOKIE, session_cookie};
use crate::problem::{ApiResult, Problem};

/// Credentials for signing in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// Login name.
    pub user: String,
    /// Account password.
    pub password: String,
}

/// The signed-in session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    /// Login name.
    pub user: String,
    /// Send as `X-CSRF-Token` with every state-changing request made with the cookie.
    pub csrf_token: String,
}

pub(crate) fn cookie(state: &ApiState, value: &str, max_age_secs: i64) -> HeaderValue {
    session_set_cookie(state.config.secure_cookies, value, max_age_secs)
}

/// The `Set-Cookie` value carrying a session secret (an empty value with age 0 clears it):
/// HttpOnly, SameSite=Lax, whole site, `Secure` when `secure`.
pub fn session_set_cookie(secure: bool, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Signs in with a password and sets the session cookie (HttpOnly, SameSite=Lax, Secure
/// unless configured off). Failed attempts are throttled per user and address.
#[utoipa::path(post, path = "/session", tag = "session", request_body = SignIn, security(()),
    responses((status = 200, body = SessionInfo), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn sign_in(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    JsonBody(form): JsonBody<SignIn>,
) -> ApiResult<Response> {
    let session = state
        .core
        .begin_session(&form.user, &form.password, client)
        .await?;
    let max_age = (session.expires_at - jiff::Timestamp::now().as_millisecond()) / 1000;
    let info = SessionInfo {
        user: session.principal.name().to_owned(),
        csrf_token: csrf_token(&session.secret),
    };
    let mut r = Json(info).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&state, &session.secret, max_age));
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// The current session (also how a page learns its CSRF token).
#[utoipa::path(get, path = "/session", tag = "session", security(()),
    responses((status = 200, body = SessionInfo), (status = 401, body = Problem)))]
pub async fn current(
    State(state): State<ApiState>,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    let secret = session_cookie(&headers).ok_or(kairos_core::CoreError::Unauthenticated)?;
    let principal = state.core.session(&secret).await?;
    let mut r = Json(SessionInfo {
        user: principal.name().to_owned(),
        csrf_token: csrf_token(&secret),
    })
    .into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(delete, path = "/session", tag = "session", security(()),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn sign_out(
    State(state): State<ApiState>,
    _caller: Caller,
    headers: axum::http::HeaderMap,
) -> ApiResult<Response> {
    if let Some(secret) = session_cookie(&headers) {
        state.core.end_session(&secret).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, cookie(&state, "", 0));
    Ok(r)
}

/// A 303 to `location`, never cached (where a browser goes after signing in or out).
pub fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
