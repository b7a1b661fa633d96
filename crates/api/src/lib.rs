//! The Kairos REST API under `/api/v1`: JSON over the same `core` services, rules and
//! change log as CalDAV, with an OpenAPI 3.1 document generated from this code.
//!
//! Module map: `problem` (errors → RFC 9457, the one place), `caller` (authentication),
//! `body` (JSON bodies), one module per resource (`calendars`, `tokens`, `session`), `openapi`
//! (the document and the bundled reference page).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod body;
mod calendars;
mod caller;
mod events;
mod freebusy;
mod live;
mod media;
mod openapi;
mod problem;
mod publish;
mod session;
mod sharing;
mod sso;
mod tokens;

use std::sync::Arc;

use axum::Router;
use http::{HeaderName, HeaderValue, Method};
use kairos_core::Kairos;
use tower_http::cors::CorsLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use openapi::document;
pub use problem::Problem;

/// What the web pages share with the API's browser sessions: the cookie and the client
/// address used for sign-in limits.
pub mod browser {
    pub use crate::caller::{ClientAddr, SESSION_COOKIE, cookie_value, session_cookie};
    pub use crate::session::{see_other, session_set_cookie};
}

/// Settings of the API front-end.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// Mark the session cookie `Secure`.
    pub secure_cookies: bool,
    /// Origins allowed to call the API from browsers (CORS); empty: none (the default).
    pub cors_origins: Vec<String>,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            max_body: 2 * 1024 * 1024,
            secure_cookies: true,
            cors_origins: Vec::new(),
        }
    }
}

/// An instant (ms since the epoch) as RFC 3339 UTC, the form every API time takes.
pub(crate) fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// What every handler gets.
#[derive(Clone)]
pub struct ApiState {
    core: Arc<Kairos>,
    config: ApiConfig,
}

/// The API's routes, mounted at `/api/v1` (plus the OpenAPI document and its viewer).
pub fn router(core: Arc<Kairos>, config: ApiConfig) -> Router {
    let max_body = config.max_body;
    let cors = cors_layer(&config.cors_origins);
    let state = ApiState { core, config };
    let mut router = openapi::routes()
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .with_state(state);
    for (name, value) in SECURITY_HEADERS {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    if let Some(cors) = cors {
        router = router.layer(cors);
    }
    router
}

/// Sent with every API answer: no MIME sniffing, no framing, no referrer leaks, and no
/// caching of personal data by shared caches.
const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "private, no-cache"),
];

/// CORS for the configured origins only (credentials allowed, so never `*`).
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    let allowed: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    if allowed.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(allowed)
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                http::header::AUTHORIZATION,
                http::header::CONTENT_TYPE,
                http::header::IF_MATCH,
                http::header::IF_NONE_MATCH,
                HeaderName::from_static(caller::CSRF_HEADER),
            ])
            .expose_headers([http::header::ETAG, http::header::LOCATION])
            .max_age(std::time::Duration::from_secs(600)),
    )
}
