//! One DAV request: authentication, body reading and dispatch on the method.

use axum::body::{Body, Bytes};
use axum::response::Response;
use http::{HeaderMap, Method, Request, StatusCode, header};
use kairos_core::{Conditions, EtagMatch, Kairos, Principal};
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
    methods::run(&ctx).await
}
