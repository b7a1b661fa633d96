//! The CalDAV/WebDAV front-end: turns DAV requests into calls on `kairos-core` and the
//! answers back into DAV responses. No SQL, no rules of its own: those live in core.

// Unit tests may unwrap; the library itself is still checked by the non-test build.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod auth;
mod error;
mod methods;
mod paths;
mod properties;
mod report;
mod request;
mod sharing;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use http::{Request, StatusCode, header};
use kairos_core::Kairos;

pub use error::DavError;
pub use paths::{DavPath, encode_segment, home_href, principal_href};

/// Settings of the DAV front-end.
#[derive(Clone, Debug)]
pub struct DavConfig {
    /// Largest request body read, in bytes; larger bodies get 413.
    pub max_body_size: usize,
}

/// Shared state of every DAV request.
pub(crate) struct DavState {
    pub core: Arc<Kairos>,
    pub config: DavConfig,
}

/// The DAV routes: `/.well-known/caldav`, `/` and everything under `/dav/`.
pub fn router(core: Arc<Kairos>, config: DavConfig) -> Router {
    let state = Arc::new(DavState { core, config });
    Router::new()
        .route("/.well-known/caldav", any(well_known))
        .route("/.well-known/caldav/", any(well_known))
        .fallback(dispatch)
        .with_state(state)
}

/// RFC 6764 §5: the well-known URI redirects to the context path.
async fn well_known() -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
    r.headers_mut().insert(
        header::LOCATION,
        http::HeaderValue::from_static(paths::DAV_ROOT),
    );
    r
}

async fn dispatch(State(state): State<Arc<DavState>>, req: Request<Body>) -> Response {
    match request::handle(&state, req).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}
