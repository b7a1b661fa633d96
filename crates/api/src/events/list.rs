//! Listing: by window (optionally as instances), incrementally by sync token, by text.

use axum::Json;
use axum::extract::State;
use kairos_core::Reader;
use kairos_ical::{ComponentSummary, TimeRange};
use kairos_store::CollectionId;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{EventPage, Instance, event, events, rfc3339};
use crate::ApiState;
use crate::body::{ApiPath, ApiQuery};
use crate::caller::Caller;
use crate::freebusy::window;
use crate::problem::{ApiResult, Problem};

/// Default and largest page of an incremental listing.
const DEFAULT_LIMIT: u32 = 250;
const MAX_LIMIT: u32 = 1000;
/// Longest window one listing may ask for.
const MAX_WINDOW_DAYS: i64 = 366;
/// Most events one text search returns.
const SEARCH_LIMIT: u32 = 200;

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
    /// Words to find in the title, description or location: each must start a word there
    /// (case-insensitive; at most 8 words of 2+ letters or digits, 200 hits).
    pub q: Option<String>,
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
    for change in page.members.into_changes() {
        match &change.object {
            Some(o) => items.push(event(id, o)?),
            None => deleted.push(change.name),
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
    if text.chars().count() > 200 {
        return Err(Problem::invalid_field("/q", "at most 200 characters"));
    }
    let found = state
        .core
        .search_events(reader, text, SEARCH_LIMIT)
        .await
        .map_err(|e| match e {
            kairos_core::CoreError::Invalid(why) => Problem::invalid_field("/q", why),
            other => other.into(),
        })?;
    let items = events(id, &found)?;
    Ok(EventPage {
        items,
        instances: None,
        deleted: Vec::new(),
        next_page_token: None,
        next_sync_token: None,
        truncated: false,
    })
}
