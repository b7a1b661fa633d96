//! Who is calling: the principal behind a request's `Authorization` header or session
//! cookie. Cookie-authenticated requests that change anything must carry the session's
//! CSRF token in `X-CSRF-Token` (a cross-site form or script cannot read it).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;
use http::{HeaderMap, Method, StatusCode, header};
use kairos_core::Principal;
use kairos_core::auth::{Presented, csrf_matches};

use crate::ApiState;
use crate::problem::Problem;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "kairos_session";
/// Header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The authenticated principal of a request.
pub struct Caller(pub Principal);

/// The client's address, when the server recorded it.
pub(crate) fn client_ip(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())
}

/// The value of cookie `name`, if the request carries it (and it is not empty).
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The session cookie's value, if the request carries one.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The client's address as an extractor (absent in in-process tests).
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_ip(parts)))
    }
}

/// Whether the method changes state (and so needs the CSRF token with a cookie).
fn unsafe_method(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<ApiState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Problem> {
        let client = client_ip(parts);
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let presented = value
                .to_str()
                .ok()
                .and_then(Presented::from_authorization)
                .ok_or(kairos_core::CoreError::Unauthenticated)?;
            return Ok(Caller(state.core.authenticate(&presented, client).await?));
        }
        let Some(secret) = session_cookie(&parts.headers) else {
            return Err(kairos_core::CoreError::Unauthenticated.into());
        };
        let principal = state.core.session(&secret).await?;
        if unsafe_method(&parts.method) {
            let token = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !csrf_matches(&secret, token) {
                return Err(Problem::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "send the session's CSRF token in X-CSRF-Token",
                ));
            }
        }
        Ok(Caller(principal))
    }
}
