//! The one place where errors become HTTP responses for DAV clients.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use kairos_core::{Condition, CoreError};
use kairos_dav_proto::{Precondition, QName, XmlError, error_body, names};

use crate::auth::CHALLENGE;
use crate::paths::{collection_href, member_href};

/// A DAV request that could not be served.
#[derive(Debug)]
pub enum DavError {
    /// A core service refused or failed.
    Core(CoreError),
    /// The request body or a header did not parse.
    Xml(XmlError),
    /// A bare status with a short explanation.
    Status(StatusCode, &'static str),
    /// 405 with the methods the resource does allow.
    MethodNotAllowed(&'static str),
    /// A DAV-level condition with its status (e.g. 403 propfind-finite-depth).
    Condition(StatusCode, Precondition),
}

impl From<CoreError> for DavError {
    fn from(e: CoreError) -> Self {
        DavError::Core(e)
    }
}

impl From<XmlError> for DavError {
    fn from(e: XmlError) -> Self {
        DavError::Xml(e)
    }
}

/// Result of a DAV handler.
pub type DavResult<T = Response> = Result<T, DavError>;

fn plain(status: StatusCode, text: impl Into<String>) -> Response {
    let mut r = Response::new(Body::from(text.into() + "\n"));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// A `<D:error>` response.
pub fn condition_response(status: StatusCode, cond: &Precondition) -> Response {
    let mut r = Response::new(Body::from(error_body(cond)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    r
}

/// The XML name and status of a core condition.
pub fn condition_of(c: &Condition) -> (StatusCode, Precondition) {
    let name: QName = match c {
        Condition::ValidCalendarData => names::VALID_CALENDAR_DATA,
        Condition::ValidCalendarObjectResource => names::VALID_CALENDAR_OBJECT_RESOURCE,
        Condition::SupportedCalendarComponent => names::SUPPORTED_CALENDAR_COMPONENT,
        Condition::SupportedCalendarData => names::SUPPORTED_CALENDAR_DATA,
        Condition::NoUidConflict(loc) => {
            let href = match &loc.name {
                Some(n) => member_href(&loc.owner, &loc.collection_path, n),
                None => collection_href(&loc.owner, &loc.collection_path),
            };
            return (
                StatusCode::CONFLICT,
                kairos_dav_proto::no_uid_conflict(&href),
            );
        }
        Condition::MaxResourceSize => names::MAX_RESOURCE_SIZE,
        Condition::CalendarCollectionLocationOk => names::CALENDAR_COLLECTION_LOCATION_OK,
        Condition::ValidSyncToken => names::VALID_SYNC_TOKEN,
        Condition::CannotModifyProtectedProperty => names::CANNOT_MODIFY_PROTECTED_PROPERTY,
        Condition::ValidResourceType => names::VALID_RESOURCETYPE,
        Condition::ResourceMustBeNull => names::RESOURCE_MUST_BE_NULL,
        Condition::SupportedCollation => names::SUPPORTED_COLLATION,
        Condition::SupportedFilter => names::SUPPORTED_FILTER,
        Condition::ValidFilter => names::VALID_FILTER,
        // RFC 4791 defines CALDAV:max-instances for PUT; an expand that would exceed it is
        // refused with the same name rather than answered with part of the instances.
        Condition::MaxInstances => names::MAX_INSTANCES,
    };
    (StatusCode::FORBIDDEN, Precondition::new(name))
}

impl IntoResponse for DavError {
    fn into_response(self) -> Response {
        match self {
            DavError::Core(e) => core_response(e),
            DavError::Xml(XmlError::InvalidFilter(why)) => {
                tracing::debug!(%why, "invalid calendar filter");
                condition_response(
                    StatusCode::FORBIDDEN,
                    &Precondition::new(names::VALID_FILTER),
                )
            }
            DavError::Xml(e) => plain(StatusCode::BAD_REQUEST, e.to_string()),
            DavError::Status(status, why) => plain(status, why),
            DavError::MethodNotAllowed(allow) => {
                let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed here");
                r.headers_mut()
                    .insert(header::ALLOW, HeaderValue::from_static(allow));
                r
            }
            DavError::Condition(status, cond) => condition_response(status, &cond),
        }
    }
}

fn core_response(e: CoreError) -> Response {
    match e {
        CoreError::Unauthenticated => {
            let mut r = plain(StatusCode::UNAUTHORIZED, "authentication required");
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(CHALLENGE),
            );
            r
        }
        CoreError::RateLimited(secs) => {
            let mut r = plain(
                StatusCode::TOO_MANY_REQUESTS,
                "too many failed sign-in attempts",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            r
        }
        CoreError::NotFound => plain(StatusCode::NOT_FOUND, "not found"),
        CoreError::Forbidden(why) | CoreError::NotAllowed(why) => plain(StatusCode::FORBIDDEN, why),
        CoreError::PreconditionFailed => {
            plain(StatusCode::PRECONDITION_FAILED, "precondition failed")
        }
        CoreError::AlreadyExists => {
            let (_, cond) = condition_of(&Condition::ResourceMustBeNull);
            let mut r = condition_response(StatusCode::METHOD_NOT_ALLOWED, &cond);
            r.headers_mut().insert(
                header::ALLOW,
                HeaderValue::from_static(crate::methods::options::ALLOW_EXISTING),
            );
            r
        }
        CoreError::ParentMissing => plain(StatusCode::CONFLICT, "parent collection does not exist"),
        CoreError::Condition(c) => {
            let (status, cond) = condition_of(&c);
            condition_response(status, &cond)
        }
        CoreError::Properties(_) => {
            // Handlers that set properties render these themselves; reaching here means a
            // handler forgot, which must not leak details.
            plain(StatusCode::FORBIDDEN, "properties could not be set")
        }
        CoreError::Overlap => plain(StatusCode::FORBIDDEN, "source and destination overlap"),
        CoreError::Invalid(why) => plain(StatusCode::BAD_REQUEST, why),
        CoreError::Conflict(why) => {
            tracing::info!(%why, "request lost a race with a concurrent change");
            plain(StatusCode::CONFLICT, "conflict with a concurrent change")
        }
        CoreError::Busy(why) => {
            tracing::warn!(%why, "store busy");
            let mut r = plain(StatusCode::SERVICE_UNAVAILABLE, "busy, retry shortly");
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        CoreError::SignInRefused(why) => plain(StatusCode::FORBIDDEN, why),
        CoreError::Upstream(why) => {
            tracing::warn!(%why, "upstream failure");
            plain(StatusCode::BAD_GATEWAY, "an upstream server failed")
        }
        // Export files are the command line's business; reaching here is a server fault.
        CoreError::Internal(why) | CoreError::ExportFile(why) => {
            tracing::error!(%why, "internal error");
            plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
    }
}
