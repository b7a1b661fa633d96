//! Changing and deleting events, for the whole series or some of its instances.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kairos_core::{Reader, Scope};
use kairos_store::{CollectionId, FetchedObject};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::item::conditions;
use super::{Event, event};
use crate::ApiState;
use crate::body::{ApiPath, ApiQuery, JsonBody};
use crate::caller::Caller;
use crate::problem::{ApiResult, Problem};

/// Which instances a change applies to.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ScopeQuery {
    /// `all` (default), `this` or `following`.
    pub scope: Option<String>,
    /// With `this` or `following`: the instance, by its RECURRENCE-ID (e.g.
    /// `20261109T080000Z`, or an expanded instance's `recurrence_id` such as
    /// `2026-11-09T08:00:00Z`).
    pub instance: Option<String>,
}

fn scope_of(q: &ScopeQuery) -> Result<Scope, Problem> {
    let instance = || {
        q.instance
            .clone()
            .ok_or_else(|| Problem::invalid_field("/instance", "name the instance for this scope"))
    };
    match q.scope.as_deref().unwrap_or("all") {
        "all" => Ok(Scope::All),
        "this" => Ok(Scope::This(instance()?)),
        "following" => Ok(Scope::Following(instance()?)),
        _ => Err(Problem::invalid_field("/scope", "all, this or following")),
    }
}

/// What an edit stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditResult {
    /// The edited event.
    pub event: Event,
    /// With `scope=following`: the new event the series was split into (it carries the
    /// change; the edited event now ends before the instance).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split_off: Option<Event>,
}

async fn fetch_event(state: &ApiState, reader: &Reader, id: Uuid, name: &str) -> ApiResult<Event> {
    let stored = state.core.get_object(reader, name).await?;
    let fetched = FetchedObject {
        meta: stored.meta,
        data: Some(stored.data.into()),
    };
    event(id, &fetched)
}

/// Changes an event with a JSON patch (absent fields stay, `null` clears): the whole
/// event, one instance (`scope=this`), or this and the following instances
/// (`scope=following`, which splits the series). Properties the JSON does not model
/// (X- properties, alarms it does not know, parameters) are kept.
#[utoipa::path(patch, path = "/calendars/{calendar_id}/events/{event_id}", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"),
        ("event_id" = String, Path, description = "Event id"), ScopeQuery),
    request_body = kairos_ical::edit::EventPatch,
    responses((status = 200, body = EditResult), (status = 412, body = Problem)))]
pub async fn update(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath((id, event_id)): ApiPath<(Uuid, String)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    headers: HeaderMap,
    JsonBody(patch): JsonBody<kairos_ical::edit::EventPatch>,
) -> ApiResult<Json<EditResult>> {
    let scope = scope_of(&q)?;
    let cond = conditions(&headers)?;
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let writer = g.writer()?;
    let outcome = state
        .core
        .edit_event(&writer, &event_id, &scope, &patch, &cond)
        .await?;
    let reader = g.reader();
    let edited = fetch_event(&state, &reader, id, &outcome.edited.name).await?;
    let split_off = match &outcome.split_off {
        Some(meta) => Some(fetch_event(&state, &reader, id, &meta.name).await?),
        None => None,
    };
    Ok(Json(EditResult {
        event: edited,
        split_off,
    }))
}

/// Deletes an event: every instance (default), one (`scope=this`), or this and the
/// following (`scope=following`). `If-Match` guards against deleting a newer version.
#[utoipa::path(delete, path = "/calendars/{calendar_id}/events/{event_id}", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"),
        ("event_id" = String, Path, description = "Event id"), ScopeQuery),
    responses((status = 204), (status = 412, body = Problem)))]
pub async fn delete(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath((id, event_id)): ApiPath<(Uuid, String)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let scope = scope_of(&q)?;
    let cond = conditions(&headers)?;
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    state
        .core
        .delete_event(&g.writer()?, &event_id, &scope, &cond)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
