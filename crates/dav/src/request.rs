//! One DAV request: authentication, body reading and dispatch on the method.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::response::Response;
use http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use kairos_core::{AnswerTurn, Conditions, EtagMatch, Kairos, Principal};
use kairos_dav_proto::headers::{Depth, EntityTagMatch, parse_etag_list};

use crate::DavState;
use crate::error::{DavError, DavResult};
use crate::methods;
use crate::paths::DavPath;
use crate::properties::PropEnv;

/// Everything a method handler gets.
pub(crate) struct Ctx<'a> {
    pub core: &'a Kairos,
    pub principal: Principal,
    pub method: Method,
    pub path: DavPath,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Host the client addressed, for checking Destination headers.
    pub host: Option<String>,
}

impl Ctx<'_> {
    /// Values every property answer needs.
    pub fn env(&self) -> PropEnv<'_> {
        PropEnv {
            principal: &self.principal,
            max_resource_size: self.core.config().max_resource_size,
            shared_homes: &[],
            sharees: None,
        }
    }

    /// A header's value as text, if present and readable.
    pub fn header(&self, name: &header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The Depth header, or `default` when absent.
    pub fn depth(&self, default: Depth) -> DavResult<Depth> {
        match self.header(&header::HeaderName::from_static("depth")) {
            None => Ok(default),
            Some(v) => Ok(Depth::parse(v)?),
        }
    }

    /// If-Match / If-None-Match as core conditions.
    pub fn conditions(&self) -> DavResult<Conditions> {
        let read = |name: header::HeaderName| -> DavResult<Option<EtagMatch>> {
            let values: Vec<&str> = self
                .headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            if values.is_empty() {
                return Ok(None);
            }
            Ok(Some(match parse_etag_list(&values.join(","))? {
                EntityTagMatch::Any => EtagMatch::Any,
                EntityTagMatch::Tags(tags) => {
                    EtagMatch::Tags(tags.into_iter().map(|t| (t.tag, t.weak)).collect())
                }
            }))
        };
        Ok(Conditions {
            if_match: read(header::IF_MATCH)?,
            if_none_match: read(header::IF_NONE_MATCH)?,
        })
    }

    /// The request's Content-Type, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.header(&header::CONTENT_TYPE)
    }
}

/// Authenticates, reads the (bounded) body and runs the method.
pub(crate) async fn handle(state: &DavState, req: Request<Body>) -> DavResult<Response> {
    let path = match DavPath::parse(req.uri().path()) {
        Ok(Some(p)) => p,
        Ok(None) => return Err(DavError::Status(StatusCode::NOT_FOUND, "not found")),
        Err(_) => return Err(DavError::Status(StatusCode::BAD_REQUEST, "bad path")),
    };
    let (parts, body) = req.into_parts();
    let client = crate::auth::client_ip(&parts.extensions);
    let principal = match crate::auth::authenticate(&state.core, &parts.headers, client).await {
        Ok(p) => p,
        Err(e) => {
            // A body left unread makes the server close the connection, and clients that
            // send a body, get the 401 and retry on the same connection then fail. Read and
            // drop it, unless the client waits for 100-continue and never sent it.
            let expects_continue = parts
                .headers
                .get(header::EXPECT)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
            if !expects_continue {
                let _ = axum::body::to_bytes(body, state.config.max_body_size).await;
            }
            return Err(e.into());
        }
    };
    let body = axum::body::to_bytes(body, state.config.max_body_size)
        .await
        .map_err(|_| DavError::Status(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"))?;
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()));
    let ctx = Ctx {
        core: &state.core,
        principal,
        method: parts.method,
        path,
        headers: parts.headers,
        body,
        host,
    };
    let depth = ctx.header(&header::HeaderName::from_static("depth"));
    if !is_large_answer(&ctx.method, depth) {
        return methods::run(&ctx).await;
    }
    let turn = ctx.core.large_answer_turn().await;
    Ok(held_until_sent(methods::run(&ctx).await?, turn))
}

/// Whether the request may answer with many members and is not a REPORT: a PROPFIND
/// deeper than the resource itself. (A REPORT takes its turn itself, once it knows the
/// answer is not kept from an earlier request: sending kept bytes needs none.)
fn is_large_answer(method: &Method, depth: Option<&str>) -> bool {
    method.as_str() == "PROPFIND" && depth.map(str::trim) != Some("0")
}

/// How long a built answer keeps its turn while the client reads it: long enough for any
/// client reading at a reasonable pace, short enough that clients which read slowly (or
/// not at all) cannot keep everyone else's answers waiting.
const SEND_TURN_LIMIT: Duration = Duration::from_secs(1);

/// The response, keeping `turn` until its body has been sent, the client went away or
/// [`SEND_TURN_LIMIT`] passed: the body, not only its building, is what stays in memory
/// while a client reads.
pub(crate) fn held_until_sent(response: Response, turn: AnswerTurn) -> Response {
    let (sent, on_sent) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        // Resolves when the body (holding `sent`) is dropped.
        let _ = tokio::time::timeout(SEND_TURN_LIMIT, on_sent).await;
        drop(turn);
    });
    response.map(|body| {
        Body::new(body.map_frame(move |frame| {
            let _held = &sent;
            frame
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_propfinds_are_large_answers() {
        let method = |m: &str| Method::from_bytes(m.as_bytes()).unwrap();
        assert!(
            !is_large_answer(&method("REPORT"), None),
            "takes its own turn"
        );
        assert!(is_large_answer(&method("PROPFIND"), Some("1")));
        assert!(is_large_answer(&method("PROPFIND"), None));
        assert!(!is_large_answer(&method("PROPFIND"), Some(" 0")));
        assert!(!is_large_answer(&method("GET"), None));
        assert!(!is_large_answer(&method("PUT"), Some("1")));
    }
}
