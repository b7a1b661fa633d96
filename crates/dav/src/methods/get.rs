//! GET and HEAD: the stored bytes exactly (or, asked for, as jCal), with strong ETag and
//! conditional requests.

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

/// Whether the client asks for jCal (RFC 7265) rather than the stored iCalendar: its
/// `Accept` names `application/calendar+json` and not `text/calendar`.
fn wants_jcal(ctx: &Ctx<'_>) -> bool {
    let Some(accept) = ctx.header(&header::ACCEPT) else {
        return false;
    };
    let names = |t: &str| {
        accept.split(',').any(|r| {
            r.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case(t))
        })
    };
    names("application/calendar+json") && !names("text/calendar")
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
    let calendar = meta.content_type.starts_with("text/calendar");
    let (data, content_type) = if calendar && wants_jcal(ctx) {
        let jcal = kairos_ical::jcal::to_jcal(&object.data).map_err(|e| {
            CoreError::Internal(format!("stored object {} as jCal: {e}", meta.name))
        })?;
        (jcal.to_string().into_bytes(), "application/calendar+json")
    } else {
        (object.data, meta.content_type.as_str())
    };
    let len = data.len();
    let mut r = if with_body {
        Response::new(Body::from(data))
    } else {
        Response::new(Body::empty())
    };
    let h = r.headers_mut();
    if let Ok(ct) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, ct);
    }
    if calendar {
        // One ETag for both representations: clients edit the iCalendar, and a jCal reader
        // revalidates against the same version.
        h.insert(header::VARY, HeaderValue::from_static("Accept"));
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
