//! GET and HEAD: the stored bytes exactly, with strong ETag and conditional requests.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use kairos_core::{CoreError, Resource};
use kairos_store::StoredObject;

use super::{Located, locate, status_only, with_etag};
use crate::error::{DavError, DavResult};
use crate::request::Ctx;

fn http_date(ms: i64) -> Option<HeaderValue> {
    let secs = u64::try_from(ms / 1000).ok()?;
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    HeaderValue::from_str(&httpdate::fmt_http_date(t)).ok()
}

fn object_response(ctx: &Ctx<'_>, object: StoredObject, with_body: bool) -> DavResult<Response> {
    let conditions = ctx.conditions()?;
    let meta = &object.meta;
    if conditions.read_precondition_fails(&meta.etag) {
        return Err(CoreError::PreconditionFailed.into());
    }
    if conditions.not_modified(&meta.etag) {
        return Ok(with_etag(status_only(StatusCode::NOT_MODIFIED), &meta.etag));
    }
    let len = object.data.len();
    let mut r = if with_body {
        Response::new(Body::from(object.data))
    } else {
        Response::new(Body::empty())
    };
    let h = r.headers_mut();
    if let Ok(ct) = HeaderValue::from_str(&meta.content_type) {
        h.insert(header::CONTENT_TYPE, ct);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Some(d) = http_date(meta.modified_at) {
        h.insert(header::LAST_MODIFIED, d);
    }
    let etag = meta.etag.clone();
    Ok(with_etag(r, &etag))
}

/// Handles GET (`with_body`) and HEAD.
pub(crate) async fn get(ctx: &Ctx<'_>, with_body: bool) -> DavResult<Response> {
    if let crate::paths::DavPath::Home {
        owner,
        segments,
        trailing_slash: false,
    } = &ctx.path
        && let Some((_, object)) = ctx
            .core
            .fetch_object(&ctx.principal, owner, segments)
            .await?
    {
        return object_response(ctx, object, with_body);
    }
    match locate(ctx).await? {
        Located::Resource(Resource::Object { parent, meta }) => {
            let object = ctx.core.get_object(&parent.reader(), &meta.name).await?;
            object_response(ctx, object, with_body)
        }
        Located::Resource(Resource::Missing { .. }) => Err(CoreError::NotFound.into()),
        // Collections have no GET representation yet (calendar export arrives with the
        // REST API's ICS export).
        Located::Resource(Resource::Collection(_)) => {
            Err(DavError::MethodNotAllowed(super::options::ALLOW_COLLECTION))
        }
        _ => {
            let mut r = Response::new(if with_body {
                Body::from("Kairos calendar server: CalDAV at /dav/\n")
            } else {
                Body::empty()
            });
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            Ok(r)
        }
    }
}
