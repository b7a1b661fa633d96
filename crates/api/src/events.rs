//! `/calendars/{id}/events`: events and tasks of a calendar — by window (optionally as
//! instances), incrementally by sync token, by text; one at a time as JSON or iCalendar.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kairos_core::{Conditions, EtagMatch, Reader, Scope};
use kairos_ical::{ComponentSummary, TimeRange};
use kairos_store::{CollectionId, FetchedObject};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::ApiState;
use crate::body::{ApiPath, ApiQuery, JsonBody};
use crate::caller::Caller;
use crate::freebusy::window;
use crate::problem::{ApiResult, Problem};
use crate::publish::TEXT_CALENDAR;

/// Default and largest page of an incremental listing.
const DEFAULT_LIMIT: u32 = 250;
const MAX_LIMIT: u32 = 1000;
/// Longest window one listing may ask for.
const MAX_WINDOW_DAYS: i64 = 366;
/// Most events a text search looks at before answering (it reads event bodies).
const SEARCH_LIMIT: usize = 200;

/// An event or task: its master component's fields, and its overrides.
#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    /// Id within the calendar (the CalDAV resource name).
    pub id: String,
    /// The calendar.
    pub calendar_id: Uuid,
    /// Strong ETag; send it in `If-Match` to change or delete safely.
    pub etag: String,
    /// The master component (or the first override, for a resource holding only
    /// overrides of a series it was invited to).
    #[serde(flatten)]
    pub fields: ComponentSummary,
    /// Changed or cancelled instances of a recurring event.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<ComponentSummary>,
}

/// One occurrence of an event in a window (`expand=true`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Instance {
    /// The event it belongs to.
    pub event_id: String,
    /// The calendar.
    pub calendar_id: Uuid,
    /// The event's ETag.
    pub etag: String,
    /// Start, RFC 3339 UTC (all-day instances start at midnight in the calendar's zone).
    pub start: Option<String>,
    /// End, RFC 3339 UTC.
    pub end: Option<String>,
    /// Which instance of a series (its original start, RFC 3339 UTC); absent for a
    /// single event.
    pub recurrence_id: Option<String>,
    /// All-day.
    pub all_day: bool,
    /// The fields of the component it comes from (an override's, when changed).
    pub component: ComponentSummary,
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// Events (or, with `expand=true`, instances in `instances`).
    pub items: Vec<Event>,
    /// With `expand=true`: the instances in the window, by start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instances: Option<Vec<Instance>>,
    /// Ids of events deleted since the `sync_token` given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deleted: Vec<String>,
    /// More changes follow: call again with this as `sync_token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
    /// Everything is listed: keep this and pass it as `sync_token` later to get only
    /// what changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_sync_token: Option<String>,
    /// More instances overlapped the window than one event may expand to.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// How to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Window start (RFC 3339); with `end`, lists events with an instance in the window.
    #[param(format = DateTime)]
    pub start: Option<String>,
    /// Window end (RFC 3339, exclusive); at most 366 days after `start`.
    #[param(format = DateTime)]
    pub end: Option<String>,
    /// With a window: list the instances (recurring events expanded, overrides applied).
    pub expand: Option<bool>,
    /// Without a window: changes since this token (from `next_sync_token` or
    /// `next_page_token`); absent lists everything. An expired or unknown token is 410.
    pub sync_token: Option<String>,
    /// Page size of an incremental listing (default 250, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
    /// Text to find in the title, description or location (case-insensitive).
    pub q: Option<String>,
}

fn rfc3339(t: Option<jiff::Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

/// The API form of a stored object.
fn event(calendar: Uuid, o: &FetchedObject) -> Result<Event, Problem> {
    let data = o.data.as_deref().unwrap_or_default();
    let mut parts = kairos_ical::summarize(data)
        .map_err(|e| kairos_core::CoreError::Internal(format!("stored object unreadable: {e}")))?
        .into_iter();
    let first = parts.next().unwrap_or_default();
    Ok(Event {
        id: o.meta.name.clone(),
        calendar_id: calendar,
        etag: format!("\"{}\"", o.meta.etag),
        fields: first,
        overrides: parts.collect(),
    })
}

fn events(calendar: Uuid, objects: &[FetchedObject]) -> Result<Vec<Event>, Problem> {
    objects.iter().map(|o| event(calendar, o)).collect()
}

/// Lists events and tasks: in a window (optionally expanded to instances), or
/// incrementally with sync tokens (like Google Calendar's `nextSyncToken`), or by text.
#[utoipa::path(get, path = "/calendars/{calendar_id}/events", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"), ListQuery),
    responses((status = 200, body = EventPage), (status = 410, body = Problem)))]
pub async fn list(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<EventPage>> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let reader = g.reader();
    match (&q.start, &q.end) {
        (Some(start), Some(end)) => {
            let range = window(start, end, MAX_WINDOW_DAYS)?;
            in_window(&state, &reader, id, range, q.expand.unwrap_or(false)).await
        }
        (None, None) if q.q.is_some() => {
            search(&state, &reader, id, q.q.as_deref().unwrap_or("")).await
        }
        (None, None) => changes(&state, &reader, id, &q).await,
        _ => Err(Problem::invalid_field(
            "/end",
            "give start and end together",
        )),
    }
    .map(Json)
}

async fn in_window(
    state: &ApiState,
    reader: &Reader,
    id: Uuid,
    range: TimeRange,
    expand: bool,
) -> ApiResult<EventPage> {
    let objects = state.core.objects_in_window(reader, range).await?;
    let mut page = EventPage {
        items: events(id, &objects)?,
        instances: None,
        deleted: Vec::new(),
        next_page_token: None,
        next_sync_token: Some(state.core.current_token(reader).to_string()),
        truncated: false,
    };
    if expand {
        let mut out = Vec::new();
        for (o, ev) in objects.iter().zip(&page.items) {
            let expansion =
                state
                    .core
                    .instances_in(reader, o.data.as_deref().unwrap_or_default(), &range)?;
            page.truncated |= expansion.truncated;
            let comps: Vec<&ComponentSummary> =
                std::iter::once(&ev.fields).chain(&ev.overrides).collect();
            for i in expansion.instances {
                out.push(Instance {
                    event_id: ev.id.clone(),
                    calendar_id: id,
                    etag: ev.etag.clone(),
                    start: rfc3339(i.start),
                    end: rfc3339(i.end),
                    recurrence_id: rfc3339(i.recurrence_id),
                    all_day: i.all_day,
                    component: comps
                        .get(i.component)
                        .map(|c| (*c).clone())
                        .unwrap_or_default(),
                });
            }
        }
        out.sort_by(|a, b| a.start.cmp(&b.start));
        page.instances = Some(out);
    }
    Ok(page)
}

async fn changes(
    state: &ApiState,
    reader: &Reader,
    id: Uuid,
    q: &ListQuery,
) -> ApiResult<EventPage> {
    let limit = q.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Problem::invalid_field(
            "/limit",
            format!("between 1 and {MAX_LIMIT}"),
        ));
    }
    let page = state
        .core
        .sync_changes(reader, q.sync_token.as_deref(), Some(limit), true)
        .await?;
    let mut items = Vec::new();
    let mut deleted = Vec::new();
    for change in &page.changes {
        match &change.object {
            Some(o) => items.push(event(id, o)?),
            None => deleted.push(change.name.clone()),
        }
    }
    let token = page.token.to_string();
    Ok(EventPage {
        items,
        instances: None,
        deleted,
        next_page_token: page.truncated.then(|| token.clone()),
        next_sync_token: (!page.truncated).then_some(token),
        truncated: false,
    })
}

async fn search(state: &ApiState, reader: &Reader, id: Uuid, text: &str) -> ApiResult<EventPage> {
    let needle = text.trim().to_lowercase();
    if needle.is_empty() || needle.chars().count() > 200 {
        return Err(Problem::invalid_field("/q", "1-200 characters"));
    }
    let objects = state.core.objects_with_data(reader).await?;
    let mut items = Vec::new();
    for o in &objects {
        let ev = event(id, o)?;
        let hit = std::iter::once(&ev.fields).chain(&ev.overrides).any(|c| {
            [&c.summary, &c.description, &c.location]
                .into_iter()
                .flatten()
                .any(|t| t.to_lowercase().contains(&needle))
        });
        if hit {
            items.push(ev);
            if items.len() == SEARCH_LIMIT {
                break;
            }
        }
    }
    Ok(EventPage {
        items,
        instances: None,
        deleted: Vec::new(),
        next_page_token: None,
        next_sync_token: None,
        truncated: false,
    })
}

fn wants_ical(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/calendar") && !a.contains("application/json"))
}

fn with_etag(mut r: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
        r.headers_mut().insert(header::ETAG, v);
    }
    r
}

/// One event as JSON, or as stored iCalendar with `Accept: text/calendar`.
#[utoipa::path(get, path = "/calendars/{calendar_id}/events/{event_id}", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"),
        ("event_id" = String, Path, description = "Event id")),
    responses((status = 200, body = Event, headers(("ETag" = String))),
        (status = 200, content_type = "text/calendar", body = String)))]
pub async fn get(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath((id, event_id)): ApiPath<(Uuid, String)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let stored = state.core.get_object(&g.reader(), &event_id).await?;
    let etag = stored.meta.etag.clone();
    if wants_ical(&headers) {
        let mut r = stored.data.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(TEXT_CALENDAR),
        );
        return Ok(with_etag(r, &etag));
    }
    let fetched = FetchedObject {
        meta: stored.meta,
        data: Some(stored.data),
    };
    Ok(with_etag(Json(event(id, &fetched)?).into_response(), &etag))
}

/// If-Match / If-None-Match of an API request.
fn conditions(headers: &HeaderMap) -> Result<Conditions, Problem> {
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

/// Refuses a body that is not `text/calendar` (415).
pub(crate) fn require_ical(headers: &HeaderMap) -> Result<(), Problem> {
    let ok = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("text/calendar"));
    if ok {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send iCalendar as text/calendar",
        ))
    }
}

/// Adds an event or task from iCalendar (one UID, with its overrides). The id is made
/// from the UID; a UID already in the calendar is 409.
#[utoipa::path(post, path = "/calendars/{calendar_id}/events", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    request_body(content = String, content_type = "text/calendar"),
    responses((status = 201, body = Event, headers(("ETag" = String), ("Location" = String))),
        (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    require_ical(&headers)?;
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let writer = g.writer()?;
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
        .put_object(
            &writer,
            &name,
            body.to_vec(),
            Some("text/calendar"),
            &only_new,
        )
        .await
        .map_err(|e| match e {
            kairos_core::CoreError::PreconditionFailed => Problem::new(
                StatusCode::CONFLICT,
                "uid-conflict",
                "an event with this UID is already in the calendar",
            ),
            other => other.into(),
        })?;
    let meta = outcome.meta().clone();
    let fetched = FetchedObject {
        meta,
        data: Some(body.to_vec()),
    };
    let ev = event(id, &fetched)?;
    let location = format!("/api/v1/calendars/{id}/events/{}", ev.id);
    let etag = fetched.meta.etag.clone();
    let r = (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(ev),
    )
        .into_response();
    Ok(with_etag(r, &etag))
}

/// Replaces an event with new iCalendar (same UID). Send `If-Match` with its ETag: if
/// someone changed it meanwhile, the answer is 412 and nothing changes.
#[utoipa::path(put, path = "/calendars/{calendar_id}/events/{event_id}", tag = "events",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"),
        ("event_id" = String, Path, description = "Event id")),
    request_body(content = String, content_type = "text/calendar"),
    responses((status = 200, body = Event, headers(("ETag" = String))), (status = 412, body = Problem)))]
pub async fn replace(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath((id, event_id)): ApiPath<(Uuid, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    require_ical(&headers)?;
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
            body.to_vec(),
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
        data: Some(body.to_vec()),
    };
    let etag = fetched.meta.etag.clone();
    Ok(with_etag(Json(event(id, &fetched)?).into_response(), &etag))
}

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
        data: Some(stored.data),
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
