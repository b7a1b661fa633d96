//! Request parts whose rejections are problem documents (JSON bodies, path and query
//! parameters), and the "absent vs null" distinction that PATCH needs.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::problem::Problem;

/// A JSON body (`Content-Type: application/json`).
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(rejection) => Err(rejection_problem(&rejection)),
        }
    }
}

fn rejection_problem(r: &JsonRejection) -> Problem {
    use http::StatusCode as S;
    match r {
        JsonRejection::MissingJsonContentType(_) => Problem::new(
            S::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the body as application/json",
        ),
        JsonRejection::JsonDataError(e) => {
            Problem::new(S::UNPROCESSABLE_ENTITY, "invalid", e.body_text())
        }
        JsonRejection::JsonSyntaxError(e) => Problem::bad_request(e.body_text()),
        JsonRejection::BytesRejection(e) => Problem::new(e.status(), "bad-request", e.body_text()),
        other => Problem::new(other.status(), "bad-request", other.body_text()),
    }
}

/// For PATCH fields: absent stays `None`, `null` becomes `Some(None)`, a value
/// `Some(Some(v))`. Use with `#[serde(default, deserialize_with = "patch_field")]`.
pub fn patch_field<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Path parameters whose parse failures are problem documents (400).
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(Problem::bad_request(e.body_text())),
        }
    }
}

/// Query parameters whose parse failures are problem documents (400).
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(Problem::bad_request(e.body_text())),
        }
    }
}

/// A JSON document from bytes already read (for endpoints that take several formats):
/// malformed JSON is 400, JSON of the wrong shape 422.
pub fn json_from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(bytes).map_err(|e| {
        if e.is_data() {
            Problem::new(
                http::StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                e.to_string(),
            )
        } else {
            Problem::bad_request(e.to_string())
        }
    })
}
