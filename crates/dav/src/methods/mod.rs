//! One file per DAV method.

mod copymove;
mod delete;
mod get;
mod mkcol;
pub(crate) mod options;
mod post;
pub(crate) mod propchange;
mod propfind;
mod proppatch;
mod put;

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use kairos_core::{Answer, CoreError, Resource};

use crate::error::{DavError, DavResult};
use crate::paths::DavPath;
use crate::request::Ctx;

/// What a request path names after lookup.
// One short-lived value per request, moved once: boxing the large variant buys nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Located {
    /// `/` or `/dav/`.
    Root,
    /// `/dav/principals/`.
    Principals,
    /// The requester's own principal.
    Principal(String),
    /// `/dav/calendars/`.
    Homes,
    /// Something in a home tree.
    Resource(Resource),
}

/// Looks the request path up (with the access check in core).
pub(crate) async fn locate(ctx: &Ctx<'_>) -> DavResult<Located> {
    Ok(match &ctx.path {
        DavPath::Root | DavPath::DavRoot => Located::Root,
        DavPath::Principals => Located::Principals,
        DavPath::Principal(user) if user == ctx.principal.name() => {
            Located::Principal(user.clone())
        }
        // Other principals are not listed to anyone yet (no sharing, no scheduling).
        DavPath::Principal(_) => return Err(CoreError::NotFound.into()),
        DavPath::Homes => Located::Homes,
        DavPath::Home {
            owner,
            segments,
            trailing_slash,
        } => Located::Resource(
            ctx.core
                .resolve(&ctx.principal, owner, segments, *trailing_slash)
                .await?,
        ),
    })
}

/// The home-tree part of the path, or 405 for the fixed resources.
pub(crate) fn home_path<'a>(ctx: &'a Ctx<'_>) -> DavResult<(&'a str, &'a [String])> {
    match &ctx.path {
        DavPath::Home {
            owner, segments, ..
        } => Ok((owner, segments)),
        // Another user's principal does not exist for the requester (as in `locate`).
        DavPath::Principal(user) if user != ctx.principal.name() => Err(CoreError::NotFound.into()),
        _ => Err(DavError::MethodNotAllowed(options::ALLOW_FIXED)),
    }
}

/// Whether a body's media type (its essence, any case) is one of `accepted`; a body sent
/// without one is taken as what the method expects.
pub(crate) fn media_type_in(content_type: Option<&str>, accepted: &[&str]) -> bool {
    let Some(ct) = content_type else {
        return true;
    };
    let essence = ct.split(';').next().unwrap_or("").trim();
    accepted.iter().any(|a| a.eq_ignore_ascii_case(essence))
}

/// A parsed request body; a body of another kind (another root element) is 415 with
/// `why`.
pub(crate) fn body_of_kind<T>(
    parsed: Result<T, kairos_dav_proto::XmlError>,
    why: &'static str,
) -> DavResult<T> {
    match parsed {
        Ok(p) => Ok(p),
        Err(kairos_dav_proto::XmlError::UnexpectedRoot { .. }) => {
            Err(DavError::Status(StatusCode::UNSUPPORTED_MEDIA_TYPE, why))
        }
        Err(e) => Err(e.into()),
    }
}

/// A response with status and no body.
pub(crate) fn status_only(status: StatusCode) -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    r
}

/// A 207 Multi-Status response.
pub(crate) fn multistatus(body: String) -> Response {
    answer_response(multistatus_answer(body))
}

/// A 207 Multi-Status answer holding `body`.
pub(crate) fn multistatus_answer(body: String) -> Answer {
    Answer {
        status: StatusCode::MULTI_STATUS.as_u16(),
        content_type: "application/xml; charset=utf-8",
        body: body.into(),
    }
}

/// The response sending a finished answer (its bytes are shared, not copied).
pub(crate) fn answer_response(answer: Answer) -> Response {
    let mut r = Response::new(Body::from(answer.body));
    *r.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(answer.content_type),
    );
    r
}

/// Adds a strong ETag header.
pub(crate) fn with_etag(mut r: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// Runs the handler for the request's method.
pub(crate) async fn run(ctx: &Ctx<'_>) -> DavResult<Response> {
    match ctx.method.as_str() {
        "OPTIONS" => options::options(ctx).await,
        "PROPFIND" => propfind::propfind(ctx).await,
        "PROPPATCH" => proppatch::proppatch(ctx).await,
        "GET" => get::get(ctx, true).await,
        "HEAD" => get::get(ctx, false).await,
        "PUT" => put::put(ctx).await,
        "DELETE" => delete::delete(ctx).await,
        "MKCOL" => mkcol::mkcol(ctx, false).await,
        "MKCALENDAR" => mkcol::mkcol(ctx, true).await,
        "COPY" => copymove::copy_or_move(ctx, false).await,
        "MOVE" => copymove::copy_or_move(ctx, true).await,
        "REPORT" => crate::report::report(ctx).await,
        "POST" => post::post(ctx).await,
        _ => Err(DavError::Status(
            StatusCode::NOT_IMPLEMENTED,
            "method not implemented",
        )),
    }
}
