//! One event: read as JSON or iCalendar, replaced as iCalendar, with ETag conditions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use kairos_core::{Conditions, EtagMatch};
use kairos_store::{CollectionId, FetchedObject};
use uuid::Uuid;

use super::{Event, event};
use crate::ApiState;
use crate::body::ApiPath;
use crate::caller::Caller;
use crate::media::{BodyFormat, Representation, body_format, calendar_body, ical_from_body};
use crate::problem::{ApiResult, Problem};

pub(super) fn with_etag(mut r: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// One event as JSON; as stored iCalendar with `Accept: text/calendar`; as jCal (RFC 7265)
/// with `Accept: application/calendar+json`.
#[utoipa::path(get, path = "/calendars/{calendar_id}/events/{event_id}", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"),
        ("event_id" = String, Path, description = "Event id")),
    responses((status = 200, body = Event, headers(("ETag" = String))),
        (status = 200, content_type = "text/calendar", body = String),
        (status = 200, content_type = "application/calendar+json", body = serde_json::Value)))]
pub async fn get(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath((id, event_id)): ApiPath<(Uuid, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let stored = state.core.get_object(&g.reader(), &event_id).await?;
    let etag = stored.meta.etag.clone();
    let repr = Representation::preferred(&headers);
    if repr != Representation::Json {
        return Ok(with_etag(calendar_body(repr, stored.data)?, &etag));
    }
    let fetched = FetchedObject {
        meta: stored.meta,
        data: Some(stored.data.into()),
    };
    Ok(with_etag(Json(event(id, &fetched)?).into_response(), &etag))
}

/// If-Match / If-None-Match of an API request.
pub(super) fn conditions(headers: &HeaderMap) -> Result<Conditions, Problem> {
    let read = |name: header::HeaderName| -> Result<Option<EtagMatch>, Problem> {
        let values: Vec<&str> = headers
            .get_all(&name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if values.is_empty() {
            return Ok(None);
        }
        let parsed = kairos_dav_proto::parse_etag_list(&values.join(","))
            .map_err(|_| Problem::bad_request(format!("malformed {name} header")))?;
        Ok(Some(match parsed {
            kairos_dav_proto::EntityTagMatch::Any => EtagMatch::Any,
            kairos_dav_proto::EntityTagMatch::Tags(tags) => {
                EtagMatch::Tags(tags.into_iter().map(|t| (t.tag, t.weak)).collect())
            }
        }))
    };
    Ok(Conditions {
        if_match: read(header::IF_MATCH)?,
        if_none_match: read(header::IF_NONE_MATCH)?,
    })
}

/// Replaces an event with new iCalendar or jCal (same UID). Send `If-Match` with its ETag: if
/// someone changed it meanwhile, the answer is 412 and nothing changes.
#[utoipa::path(put, path = "/calendars/{calendar_id}/events/{event_id}", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"),
        ("event_id" = String, Path, description = "Event id")),
    request_body(content(
        (String = "text/calendar"),
        (serde_json::Value = "application/calendar+json"))),
    responses((status = 200, body = Event, headers(("ETag" = String))), (status = 412, body = Problem)))]
pub async fn replace(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath((id, event_id)): ApiPath<(Uuid, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let format = body_format(&headers, &[BodyFormat::ICalendar, BodyFormat::JCal])?;
    let ical = ical_from_body(format, &body)?;
    let mut cond = conditions(&headers)?;
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let writer = g.writer()?;
    if cond.if_match.is_none() && cond.if_none_match.is_none() {
        // A replace, never a create under an id the client made up.
        cond.if_match = Some(EtagMatch::Any);
    }
    let outcome = state
        .core
        .put_object(
            &writer,
            &event_id,
            ical.clone(),
            Some("text/calendar"),
            &cond,
        )
        .await
        .map_err(|e| match e {
            kairos_core::CoreError::PreconditionFailed if cond.if_match == Some(EtagMatch::Any) => {
                Problem::not_found()
            }
            other => other.into(),
        })?;
    let fetched = FetchedObject {
        meta: outcome.meta().clone(),
        data: Some(ical.into()),
    };
    let etag = fetched.meta.etag.clone();
    Ok(with_etag(Json(event(id, &fetched)?).into_response(), &etag))
}
