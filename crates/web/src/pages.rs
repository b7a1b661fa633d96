//! The server-rendered pages (askama templates under `templates/`).

use askama::Template;
use axum::http::{HeaderMap, HeaderValue, header};

/// Pages load nothing but our own stylesheet; forms post only to us.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                        form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage<'a> {
    /// Where to go once signed in (a local path).
    pub return_to: &'a str,
    /// The single sign-on link, when a provider is configured.
    pub oidc_url: Option<String>,
    /// Whether passwords are accepted.
    pub password: bool,
    /// The login form's anti-forgery value.
    pub form_token: &'a str,
    /// The user name to fill in again after a failure.
    pub user: &'a str,
    /// What went wrong last time, if anything.
    pub error: Option<&'a str>,
}

/// A page that only says what went wrong.
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage<'a> {
    /// Heading.
    pub title: &'a str,
    /// What happened and what to do.
    pub message: &'a str,
}

/// A template's HTML; a template that cannot render is a bug, shown as a plain line.
pub(crate) fn render(page: &impl Template) -> String {
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template failed");
        "<!doctype html><title>Kairos</title><p>This page could not be shown.</p>".into()
    })
}

/// Headers of every server-rendered page: no caching, no framing, our CSP.
pub(crate) fn page_headers(h: &mut HeaderMap) {
    document_headers(h, PAGE_CSP);
}

/// Headers of every HTML document we send: `csp`, no caching, no framing, no sniffing,
/// no referrer beyond our own origin.
pub(crate) fn document_headers(h: &mut HeaderMap, csp: &'static str) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
}
