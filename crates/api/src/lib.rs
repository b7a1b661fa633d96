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
mod freebusy;
mod openapi;
mod problem;
mod publish;
mod session;
mod tokens;

use std::sync::Arc;

use axum::Router;
use kairos_core::Kairos;

pub use openapi::document;
pub use problem::Problem;

/// Settings of the API front-end.
#[derive(Clone, Debug)]
pub struct ApiConfig {
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// Mark the session cookie `Secure`.
    pub secure_cookies: bool,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            max_body: 2 * 1024 * 1024,
            secure_cookies: true,
        }
    }
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
    let state = ApiState { core, config };
    openapi::routes()
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .with_state(state)
}
