//! The browser app (built from `web/` into `web/dist`, embedded at compile time) and the
//! pages' stylesheet.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kairos_api::browser::{see_other, session_cookie};
use rust_embed::RustEmbed;

use crate::WebState;
use crate::error::WebError;

/// `web/dist`: `index.html` and the hashed files under `assets/`.
#[derive(RustEmbed)]
#[folder = "../../web/dist"]
struct AppFiles;

/// The app may only talk to us. FullCalendar adds its styles at run time, hence the
/// inline styles.
const APP_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                       img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
                       frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const PAGES_CSS: &str = include_str!("../static/pages.css");

fn file_response(
    data: std::borrow::Cow<'static, [u8]>,
    mime: &str,
    cache: &'static str,
) -> Response {
    let mut r = data.into_owned().into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// `GET /`: the app for a signed-in browser; everyone else signs in first.
pub(crate) async fn app(
    State(state): State<WebState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let signed_in = match session_cookie(&headers) {
        Some(secret) => state.core.session(&secret).await.is_ok(),
        None => false,
    };
    if !signed_in {
        return Ok(see_other("/login"));
    }
    let index = AppFiles::get("index.html").ok_or(WebError::NotFound)?;
    let mut r = file_response(index.data, "text/html; charset=utf-8", "no-store");
    crate::pages::document_headers(r.headers_mut(), APP_CSP);
    Ok(r)
}

/// `GET /assets/{file}`: the app's files. Their names carry a content hash, so they are
/// cached for good.
pub(crate) async fn app_file(Path(file): Path<String>) -> Result<Response, WebError> {
    let found = AppFiles::get(&format!("assets/{file}")).ok_or(WebError::NotFound)?;
    let mime = found.metadata.mimetype().to_owned();
    Ok(file_response(
        found.data,
        &mime,
        "public, max-age=31536000, immutable",
    ))
}

/// `GET /static/pages.css`.
pub(crate) async fn pages_css() -> Response {
    file_response(
        std::borrow::Cow::Borrowed(PAGES_CSS.as_bytes()),
        "text/css; charset=utf-8",
        "public, max-age=3600",
    )
}
