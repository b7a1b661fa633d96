//! The web calendar's server side: the sign-in and sign-out pages (rendered on the server,
//! usable without JavaScript) and the browser app built from `web/` (Vite + TypeScript),
//! embedded in the binary so that `cargo build` never needs Node.
//!
//! Module map: `error` (failures → HTML pages, the one place), `pages` (templates),
//! `login` (signing in and out), `assets` (the embedded app and its files).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod assets;
mod error;
mod login;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::routing::{MethodRouter, get, post};
use kairos_core::Kairos;

/// Settings of the web front-end.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (as the API does).
    pub secure_cookies: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: true,
        }
    }
}

/// What every handler gets.
#[derive(Clone)]
pub(crate) struct WebState {
    core: Arc<Kairos>,
    config: WebConfig,
}

/// The pages and files: `/login`, `/logout`, `/assets/…` (the app's files) and
/// `/static/…` (the pages' own).
pub fn router(core: Arc<Kairos>, config: WebConfig) -> Router {
    let state = WebState { core, config };
    Router::new()
        .route("/login", get(login::page).post(login::sign_in))
        .route("/logout", post(login::sign_out))
        .route("/assets/{*file}", get(assets::app_file))
        .route("/static/pages.css", get(assets::pages_css))
        .with_state(state)
}

/// `GET /` (and HEAD): the calendar for a signed-in browser, else the way to sign in.
/// Other methods on `/` belong to CalDAV: the caller routes them with
/// [`MethodRouter::fallback_service`].
pub fn root(core: Arc<Kairos>, config: WebConfig) -> MethodRouter {
    get(assets::app).with_state(WebState { core, config })
}
