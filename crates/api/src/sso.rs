//! `/session/oidc`: signing a browser in through the OpenID Connect provider.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ApiState;
use crate::body::ApiQuery;
use crate::caller::ClientAddr;
use crate::problem::{ApiResult, Problem};
use crate::session::{cookie, see_other};

/// How people may sign in to this server.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignInMethods {
    /// Account passwords are accepted (`POST /session`).
    pub password: bool,
    /// Single sign-on is configured (`GET /session/oidc`).
    pub oidc: bool,
}

/// The ways to sign in (for sign-in pages).
#[utoipa::path(get, path = "/session/methods", tag = "session", security(()),
    responses((status = 200, body = SignInMethods)))]
pub async fn methods(State(state): State<ApiState>) -> Json<SignInMethods> {
    let oidc = state.core.config().auth.oidc.as_ref();
    Json(SignInMethods {
        password: !oidc.is_some_and(|o| o.only),
        oidc: oidc.is_some(),
    })
}

/// Where to go after signing in.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Begin {
    /// A local path to return to afterwards (default `/`).
    pub return_to: Option<String>,
}

fn not_configured() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "single sign-on is not configured on this server",
    )
}

/// Begins single sign-on: redirects the browser to the provider (authorization code flow
/// with PKCE; the sign-in must be finished within ten minutes).
#[utoipa::path(get, path = "/session/oidc", tag = "session", security(()), params(Begin),
    responses((status = 303, description = "To the provider", headers(("Location" = String))),
        (status = 404, body = Problem), (status = 429, body = Problem), (status = 502, body = Problem)))]
pub async fn begin(
    State(state): State<ApiState>,
    ClientAddr(client): ClientAddr,
    ApiQuery(q): ApiQuery<Begin>,
) -> ApiResult<Response> {
    if state.core.config().auth.oidc.is_none() {
        return Err(not_configured());
    }
    let start = state
        .core
        .oidc_begin(q.return_to.as_deref(), client)
        .await?;
    Ok(see_other(&start.authorize_url))
}

/// What the provider sends back.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Callback {
    /// The authorization code.
    pub code: Option<String>,
    /// The state this server sent.
    pub state: Option<String>,
    /// The issuer that answered (RFC 9207), checked against the configured one.
    pub iss: Option<String>,
    /// The provider's error code, when it did not sign the person in.
    pub error: Option<String>,
    /// The provider's explanation.
    pub error_description: Option<String>,
}

/// Finishes single sign-on: sets the session cookie and redirects to the page the
/// sign-in began from. Refusals (expired or replayed state, rejected token, no account)
/// are 403 problems.
#[utoipa::path(get, path = "/session/oidc/callback", tag = "session", security(()), params(Callback),
    responses((status = 303, description = "Signed in", headers(("Location" = String), ("Set-Cookie" = String))),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 502, body = Problem)))]
pub async fn callback(
    State(state): State<ApiState>,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<Callback>,
) -> ApiResult<Response> {
    let result = finish(&state, &q).await;
    // A browser comes back here from the provider: show it the sign-in page with a short
    // reason rather than a problem document.
    match result {
        Err(p) if wants_html(&headers) => Ok(see_other(&format!(
            "/login?error={}",
            match p.status {
                403 => "sso-refused",
                429 => "too-many",
                400 => "sso-expired",
                _ => "sso-failed",
            }
        ))),
        other => other,
    }
}

fn wants_html(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

async fn finish(state: &ApiState, q: &Callback) -> ApiResult<Response> {
    if state.core.config().auth.oidc.is_none() {
        return Err(not_configured());
    }
    if let Some(error) = &q.error {
        let why = q.error_description.as_deref().unwrap_or(error);
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "sign-in-refused",
            format!("the provider did not sign you in: {why}"),
        ));
    }
    let (Some(code), Some(st)) = (&q.code, &q.state) else {
        return Err(Problem::bad_request("code and state are required"));
    };
    let done = state.core.oidc_finish(st, code, q.iss.as_deref()).await?;
    let max_age = (done.session.expires_at - jiff::Timestamp::now().as_millisecond()) / 1000;
    let mut r = see_other(&done.return_to);
    r.headers_mut().insert(
        header::SET_COOKIE,
        cookie(state, &done.session.secret, max_age),
    );
    Ok(r)
}
