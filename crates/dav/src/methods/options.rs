//! OPTIONS (RFC 4918 §9.1, RFC 4791 §5.1): the compliance classes actually implemented.

use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use kairos_core::{Granted, Resource};
use kairos_store::CollectionKind;

use super::{Located, locate, status_only};
use crate::error::DavResult;
use crate::request::Ctx;

/// Compliance classes: 1 and 3 (RFC 4918 without locking), calendar-access (RFC 4791),
/// extended-mkcol (RFC 5689). No 2: LOCK is not implemented.
pub(crate) const DAV_CLASSES: &str =
    "1, 3, calendar-access, extended-mkcol, calendarserver-sharing, resource-sharing";

/// Methods on fixed resources (root, principals).
pub(crate) const ALLOW_FIXED: &str = "OPTIONS, PROPFIND, REPORT";
/// Methods on collections other than calendars (homes, plain collections).
pub(crate) const ALLOW_COLLECTION: &str =
    "OPTIONS, DELETE, PROPFIND, PROPPATCH, COPY, MOVE, REPORT";
/// Methods on calendar collections: GET and HEAD export the calendar, POST takes share
/// requests.
pub(crate) const ALLOW_CALENDAR: &str =
    "OPTIONS, GET, HEAD, POST, DELETE, PROPFIND, PROPPATCH, COPY, MOVE, REPORT";
/// Methods on member resources.
pub(crate) const ALLOW_OBJECT: &str =
    "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, COPY, MOVE, REPORT";
/// Methods on an unmapped URL.
pub(crate) const ALLOW_MISSING: &str = "OPTIONS, PUT, MKCOL, MKCALENDAR";
/// Methods on an unmapped URL ending in `/`, which can only name a collection.
pub(crate) const ALLOW_MISSING_COLLECTION: &str = "OPTIONS, MKCOL, MKCALENDAR";
/// Methods on something that exists (MKCOL there is 405).
pub(crate) const ALLOW_EXISTING: &str = ALLOW_COLLECTION;

/// The methods collection `g` allows.
pub(crate) fn allow_collection(g: &Granted) -> &'static str {
    if g.collection().kind == CollectionKind::Calendar {
        ALLOW_CALENDAR
    } else {
        ALLOW_COLLECTION
    }
}

/// Whether the request URL ends in `/` inside a home, naming a collection.
pub(crate) fn names_collection(ctx: &Ctx<'_>) -> bool {
    matches!(
        ctx.path,
        crate::paths::DavPath::Home {
            trailing_slash: true,
            ..
        }
    )
}

/// Answers OPTIONS with DAV classes and the methods the resource allows.
pub(crate) async fn options(ctx: &Ctx<'_>) -> DavResult<Response> {
    let allow = match locate(ctx).await {
        Ok(Located::Resource(Resource::Collection(g))) => allow_collection(&g),
        Ok(Located::Resource(Resource::Object { .. })) => ALLOW_OBJECT,
        Ok(Located::Resource(Resource::Missing { .. })) if names_collection(ctx) => {
            ALLOW_MISSING_COLLECTION
        }
        Ok(Located::Resource(Resource::Missing { .. })) => ALLOW_MISSING,
        Ok(_) => ALLOW_FIXED,
        Err(e) => return Err(e),
    };
    let mut r = status_only(StatusCode::OK);
    let h = r.headers_mut();
    h.insert("dav", HeaderValue::from_static(DAV_CLASSES));
    h.insert(header::ALLOW, HeaderValue::from_static(allow));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    Ok(r)
}
