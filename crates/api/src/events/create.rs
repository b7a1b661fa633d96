//! Creating an event: from iCalendar or from JSON fields.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kairos_core::{Conditions, CoreError, EtagMatch, Writer};
use kairos_ical::edit::{EventPatch, Kind};
use kairos_store::{CollectionId, FetchedObject, ObjectMeta};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::item::with_etag;
use super::{Event, event};
use crate::ApiState;
use crate::body::{ApiPath, json_from_slice};
use crate::caller::Caller;
use crate::media::{BodyFormat, body_format, ical_from_body};
use crate::problem::{ApiResult, Problem};

/// A new event, task or journal entry as JSON: the fields of an [`EventPatch`] plus
/// what only a new object has.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewEvent {
    /// `event` (default), `task` or `journal`.
    #[serde(default)]
    pub kind: Option<Kind>,
    /// The UID; a fresh one is made when absent.
    #[serde(default)]
    pub uid: Option<String>,
    /// The fields; events need a `start`.
    #[serde(flatten)]
    pub fields: EventPatch,
}

fn uid_taken(e: CoreError) -> Problem {
    match e {
        CoreError::PreconditionFailed => Problem::new(
            StatusCode::CONFLICT,
            "uid-conflict",
            "an event with this UID is already in the calendar",
        ),
        other => other.into(),
    }
}

async fn from_ical(state: &ApiState, writer: &Writer, body: Vec<u8>) -> ApiResult<ObjectMeta> {
    let uid = kairos_ical::ingest(&body)
        .map(|info| info.uid)
        .map_err(|e| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "valid-calendar-data",
                e.to_string(),
            )
        })?;
    let name = kairos_core::member_name_for(&uid);
    let only_new = Conditions {
        if_match: None,
        if_none_match: Some(EtagMatch::Any),
    };
    let outcome = state
        .core
        .put_object(writer, &name, body, Some("text/calendar"), &only_new)
        .await
        .map_err(uid_taken)?;
    Ok(outcome.meta().clone())
}

/// Adds an event or task: as JSON fields (`application/json`, see `NewEvent`), as
/// iCalendar (`text/calendar`, one UID with its overrides, stored as sent) or as jCal
/// (`application/calendar+json`, stored as its iCalendar). The id is
/// made from the UID; a UID already in the calendar is 409.
#[utoipa::path(post, path = "/calendars/{calendar_id}/events", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    request_body(content(
        (NewEvent = "application/json"),
        (String = "text/calendar"),
        (serde_json::Value = "application/calendar+json"))),
    responses((status = 201, body = Event, headers(("ETag" = String), ("Location" = String))),
        (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let format = body_format(
        &headers,
        &[BodyFormat::Json, BodyFormat::ICalendar, BodyFormat::JCal],
    )?;
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let writer = g.writer()?;
    let meta = match format {
        BodyFormat::Json => {
            let new: NewEvent = json_from_slice(&body)?;
            state
                .core
                .create_event(
                    &writer,
                    new.kind.unwrap_or(Kind::Event),
                    new.uid.as_deref(),
                    &new.fields,
                )
                .await
                .map_err(uid_taken)?
        }
        other => from_ical(&state, &writer, ical_from_body(other, &body)?).await?,
    };
    let stored = state.core.get_object(&g.reader(), &meta.name).await?;
    let fetched = FetchedObject {
        meta: stored.meta,
        data: Some(stored.data.into()),
    };
    let ev = event(id, &fetched)?;
    let location = format!("/api/v1/calendars/{id}/events/{}", ev.id);
    let r = (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ev),
    )
        .into_response();
    Ok(with_etag(r, &fetched.meta.etag))
}
