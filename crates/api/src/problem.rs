//! The one place where errors become HTTP answers for API clients: RFC 9457 problem
//! documents (`application/problem+json`).

use axum::Json;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use kairos_core::{Condition, CoreError};
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when the status says it all).
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Invalid fields, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Seconds to wait before retrying (also sent as `Retry-After`).
    #[serde(skip)]
    retry_after: Option<u64>,
    /// Whether to send a `WWW-Authenticate` challenge.
    #[serde(skip)]
    challenge: bool,
}

/// One invalid field of a request body.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as a JSON pointer into the request body.
    pub pointer: String,
    /// What is wrong with it.
    pub detail: String,
}

/// Base of the problem type URIs (documented in docs/api.md).
const TYPE_BASE: &str = "https://kairos.dev/problems/";

/// The challenge sent with every 401. Basic works too (clients send it unasked), but is
/// not offered: a Basic challenge makes browsers pop up a password dialog over the web
/// calendar's own sign-in.
pub const CHALLENGE: &str = "Bearer realm=\"Kairos\"";

impl Problem {
    /// A problem with a status and a detail; the type is derived from `kind`.
    pub fn new(status: StatusCode, kind: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: if kind.is_empty() {
                "about:blank".into()
            } else {
                format!("{TYPE_BASE}{kind}")
            },
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: Some(detail.into()),
            errors: Vec::new(),
            retry_after: None,
            challenge: false,
        }
    }

    /// 400 for a malformed request.
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// 422 naming one invalid field.
    pub fn invalid_field(pointer: &str, detail: impl Into<String>) -> Problem {
        let detail = detail.into();
        let mut p = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail.clone());
        p.errors.push(FieldProblem {
            pointer: pointer.to_owned(),
            detail,
        });
        p
    }

    /// 404.
    pub fn not_found() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "no such resource")
    }

    /// 410 for a sync token the server can no longer answer.
    pub fn sync_token_expired() -> Problem {
        Problem::new(
            StatusCode::GONE,
            "sync-token-expired",
            "the sync token is unknown, belongs to another calendar, or is too old: \
             list again without a token to get a fresh one",
        )
    }
}

fn condition_problem(c: &Condition) -> Problem {
    use StatusCode as S;
    let (status, kind, detail) = match c {
        Condition::ValidCalendarData => (
            S::UNPROCESSABLE_ENTITY,
            "valid-calendar-data",
            "the calendar data is not valid iCalendar",
        ),
        Condition::ValidCalendarObjectResource => (
            S::UNPROCESSABLE_ENTITY,
            "valid-calendar-object-resource",
            "the calendar data must hold one event, task or journal (with its overrides) and one UID",
        ),
        Condition::SupportedCalendarComponent => (
            S::UNPROCESSABLE_ENTITY,
            "supported-calendar-component",
            "this calendar does not take that kind of component",
        ),
        Condition::SupportedCalendarData => (
            S::UNSUPPORTED_MEDIA_TYPE,
            "supported-calendar-data",
            "unsupported media type",
        ),
        Condition::NoUidConflict(_) => (
            S::CONFLICT,
            "uid-conflict",
            "another event of this calendar has the same UID",
        ),
        Condition::MaxResourceSize => (
            S::PAYLOAD_TOO_LARGE,
            "max-resource-size",
            "the event is larger than this server accepts",
        ),
        Condition::ValidSyncToken => return Problem::sync_token_expired(),
        Condition::MaxInstances => (
            S::UNPROCESSABLE_ENTITY,
            "max-instances",
            "the range holds more instances of one event than the server expands: ask for a shorter range",
        ),
        Condition::SupportedCollation | Condition::SupportedFilter | Condition::ValidFilter => (
            S::BAD_REQUEST,
            "invalid-query",
            "the query cannot be evaluated",
        ),
        Condition::CalendarCollectionLocationOk
        | Condition::CannotModifyProtectedProperty
        | Condition::ValidResourceType
        | Condition::ResourceMustBeNull => (
            S::CONFLICT,
            "conflict",
            "the request conflicts with the resource's state",
        ),
    };
    Problem::new(status, kind, detail)
}

impl From<CoreError> for Problem {
    fn from(e: CoreError) -> Problem {
        use StatusCode as S;
        match e {
            CoreError::Unauthenticated => {
                let mut p = Problem::new(
                    S::UNAUTHORIZED,
                    "unauthenticated",
                    "sign in with a Bearer token or HTTP Basic",
                );
                p.challenge = true;
                p
            }
            CoreError::RateLimited(wait) => {
                let mut p = Problem::new(
                    S::TOO_MANY_REQUESTS,
                    "rate-limited",
                    format!("too many attempts; retry in {wait} s"),
                );
                p.retry_after = Some(wait);
                p
            }
            CoreError::NotFound => Problem::not_found(),
            CoreError::Forbidden(why) => Problem::new(S::FORBIDDEN, "forbidden", why),
            CoreError::PreconditionFailed => Problem::new(
                S::PRECONDITION_FAILED,
                "precondition-failed",
                "the resource changed: its ETag no longer matches If-Match",
            ),
            CoreError::AlreadyExists => Problem::new(
                S::CONFLICT,
                "already-exists",
                "a resource with that name exists",
            ),
            CoreError::ParentMissing => Problem::not_found(),
            CoreError::NotAllowed(why) => Problem::new(S::CONFLICT, "not-allowed", why),
            CoreError::Condition(c) => condition_problem(&c),
            CoreError::Properties(list) => {
                let mut p = Problem::new(
                    S::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "some properties are invalid",
                );
                for (i, err) in list {
                    p.errors.push(FieldProblem {
                        pointer: format!("/{i}"),
                        detail: format!("{err:?}"),
                    });
                }
                p
            }
            CoreError::Overlap => {
                Problem::new(S::CONFLICT, "conflict", "source and destination overlap")
            }
            CoreError::Invalid(why) => Problem::new(S::UNPROCESSABLE_ENTITY, "invalid", why),
            CoreError::Conflict(why) => {
                tracing::debug!(%why, "conflict");
                Problem::new(
                    S::CONFLICT,
                    "conflict",
                    "a concurrent change got in the way; retry",
                )
            }
            CoreError::Busy(why) => {
                tracing::warn!(%why, "store busy");
                let mut p = Problem::new(
                    S::SERVICE_UNAVAILABLE,
                    "busy",
                    "the server is busy; retry shortly",
                );
                p.retry_after = Some(1);
                p
            }
            CoreError::SignInRefused(why) => Problem::new(S::FORBIDDEN, "sign-in-refused", why),
            CoreError::Upstream(why) => {
                tracing::warn!(%why, "upstream failure");
                Problem::new(
                    S::BAD_GATEWAY,
                    "upstream",
                    format!("the identity provider failed: {why}"),
                )
            }
            other @ (CoreError::ExportFile(_) | CoreError::Internal(_)) => {
                tracing::error!(error = %other, "API request failed");
                Problem::new(
                    S::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server failed; the error is logged",
                )
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = self.retry_after;
        let challenge = self.challenge;
        let mut r = (status, Json(self)).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if challenge {
            h.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(CHALLENGE),
            );
        }
        r
    }
}

/// Result of an API handler.
pub type ApiResult<T> = Result<T, Problem>;
