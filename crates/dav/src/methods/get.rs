//! GET and HEAD: the stored bytes exactly (or, asked for, as jCal), with strong ETag and
//! conditional requests. On a calendar collection: the whole calendar as one iCalendar
//! file (core's export, as the REST API's), tagged with the calendar's change tag.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use kairos_core::{CoreError, Granted, Resource, SyncToken};
use kairos_store::{CollectionKind, StoredObject};

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

/// The answer before any body is built, when the request's conditions decide it: 412 or
/// 304.
fn decided_by_conditions(ctx: &Ctx<'_>, etag: &str) -> DavResult<Option<Response>> {
    let conditions = ctx.conditions()?;
    if conditions.read_precondition_fails(etag) {
        return Err(CoreError::PreconditionFailed.into());
    }
    if conditions.not_modified(etag) {
        return Ok(Some(with_etag(status_only(StatusCode::NOT_MODIFIED), etag)));
    }
    Ok(None)
}

/// What a GET or HEAD sends.
struct Representation<'a> {
    data: Vec<u8>,
    content_type: &'a str,
    /// iCalendar, which the client may ask to get as jCal instead.
    calendar: bool,
    modified_at: i64,
    etag: &'a str,
    /// Names the resource in an error.
    what: &'a str,
}

/// The response: the bytes (as jCal when a calendar is asked for so), their type and
/// length, last change and strong ETag. One ETag for both forms: clients edit the
/// iCalendar, and a jCal reader revalidates against the same version (`Vary: Accept`).
fn respond(ctx: &Ctx<'_>, rep: Representation<'_>, with_body: bool) -> DavResult<Response> {
    let (data, content_type) = if rep.calendar && wants_jcal(ctx) {
        let jcal = kairos_ical::jcal::to_jcal(&rep.data)
            .map_err(|e| CoreError::Internal(format!("{} as jCal: {e}", rep.what)))?;
        (jcal.to_string().into_bytes(), "application/calendar+json")
    } else {
        (rep.data, rep.content_type)
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
    if rep.calendar {
        h.insert(header::VARY, HeaderValue::from_static("Accept"));
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Some(d) = http_date(rep.modified_at) {
        h.insert(header::LAST_MODIFIED, d);
    }
    Ok(with_etag(r, rep.etag))
}

fn object_response(ctx: &Ctx<'_>, object: StoredObject, with_body: bool) -> DavResult<Response> {
    let meta = &object.meta;
    if let Some(r) = decided_by_conditions(ctx, &meta.etag)? {
        return Ok(r);
    }
    let rep = Representation {
        calendar: meta.content_type.starts_with("text/calendar"),
        content_type: &meta.content_type,
        modified_at: meta.modified_at,
        etag: &meta.etag,
        what: &meta.name,
        data: object.data,
    };
    respond(ctx, rep, with_body)
}

/// The whole calendar `g` as one file: iCalendar, or jCal when asked for. Its ETag is
/// the calendar's change tag (`CS:getctag`, the sync token), which moves with every change
/// to its members and properties, so conditional requests are answered before the export
/// is built.
async fn calendar_response(ctx: &Ctx<'_>, g: &Granted, with_body: bool) -> DavResult<Response> {
    let c = g.collection();
    let etag = SyncToken {
        collection: c.id,
        seq: c.seq,
    }
    .to_string();
    if let Some(r) = decided_by_conditions(ctx, &etag)? {
        return Ok(r);
    }
    let ics = ctx.core.export_calendar(&g.reader()).await?;
    let what = format!("calendar {}", c.id.0);
    let rep = Representation {
        data: ics.into_bytes(),
        content_type: "text/calendar; charset=utf-8",
        calendar: true,
        modified_at: c.modified_at,
        etag: &etag,
        what: &what,
    };
    respond(ctx, rep, with_body)
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
        Located::Resource(Resource::Collection(g))
            if g.collection().kind == CollectionKind::Calendar =>
        {
            calendar_response(ctx, &g, with_body).await
        }
        // Homes and plain collections have no GET representation.
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
