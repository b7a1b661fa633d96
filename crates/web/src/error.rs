//! Failures as HTML pages: every error a page handler returns becomes a page here.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use kairos_core::CoreError;

use crate::pages::{ErrorPage, render};

/// What went wrong while serving a page.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WebError {
    /// From core.
    #[error(transparent)]
    Core(#[from] CoreError),
    /// A form that did not come from our own page (or expired).
    #[error("the form expired")]
    StaleForm,
    /// A file of the app that does not exist.
    #[error("not found")]
    NotFound,
}

impl WebError {
    fn status_and_message(&self) -> (StatusCode, String) {
        match self {
            WebError::StaleForm => (
                StatusCode::FORBIDDEN,
                "This form has expired. Go back, reload the page and try again.".into(),
            ),
            WebError::NotFound | WebError::Core(CoreError::NotFound) => {
                (StatusCode::NOT_FOUND, "There is nothing here.".into())
            }
            WebError::Core(CoreError::RateLimited(secs)) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!("Too many attempts. Try again in {secs} seconds."),
            ),
            WebError::Core(CoreError::Unauthenticated) => {
                (StatusCode::UNAUTHORIZED, "Please sign in.".into())
            }
            WebError::Core(CoreError::SignInRefused(why)) => (StatusCode::FORBIDDEN, why.clone()),
            WebError::Core(CoreError::Forbidden(why)) => {
                (StatusCode::FORBIDDEN, format!("Not allowed: {why}."))
            }
            WebError::Core(e) => {
                tracing::error!(error = %e, "page failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on the server. Try again later.".into(),
                )
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, message) = self.status_and_message();
        let retry = match &self {
            WebError::Core(CoreError::RateLimited(secs)) => {
                HeaderValue::from_str(&secs.to_string()).ok()
            }
            _ => None,
        };
        let page = ErrorPage {
            title: status.canonical_reason().unwrap_or("Error"),
            message: &message,
        };
        let mut r = (status, Html(render(&page))).into_response();
        crate::pages::page_headers(r.headers_mut());
        if let Some(v) = retry {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    }
}
