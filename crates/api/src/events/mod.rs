//! `/calendars/{id}/events`: events and tasks of a calendar — by window (optionally as
//! instances), incrementally by sync token, by text; one at a time as JSON or iCalendar.

mod create;
mod edit;
mod item;
mod list;

pub use create::*;
pub use edit::*;
pub use item::*;
pub use list::*;

use kairos_ical::ComponentSummary;
use kairos_store::FetchedObject;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::problem::Problem;

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

pub(crate) fn rfc3339(t: Option<jiff::Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

/// The API form of a stored object.
pub(crate) fn event(calendar: Uuid, o: &FetchedObject) -> Result<Event, Problem> {
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

pub(crate) fn events(calendar: Uuid, objects: &[FetchedObject]) -> Result<Vec<Event>, Problem> {
    objects.iter().map(|o| event(calendar, o)).collect()
}
