//! `/calendars`: list, create, read, update, delete.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Json, http::StatusCode};
use kairos_core::{Granted, LiveProperty, NewCollection, Principal, PropChange};
use kairos_ical::ComponentKind;
use kairos_store::{CollectionId, ComponentSet};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::body::{ApiPath, JsonBody, patch_field};
use crate::caller::Caller;
use crate::problem::{ApiResult, Problem};
use crate::{ApiState, rfc3339};

/// A calendar as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Calendar {
    /// Stable id (kept across renames and moves).
    pub id: Uuid,
    /// Path segment in its owner's home (and in its CalDAV URL).
    pub name: String,
    /// Owner's login name.
    pub owner: String,
    /// Display name, as the caller sees it (a sharee's own name for it if they set one).
    pub display_name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Color, `#RRGGBB` or `#RRGGBBAA`, as the caller sees it.
    pub color: Option<String>,
    /// Sort position, as the caller sees it.
    pub order: Option<i64>,
    /// Whether the caller shows it (their own choice; hidden calendars stay listed).
    pub visible: bool,
    /// The calendar's time zone (TZID of its CALDAV:calendar-timezone), if set.
    pub time_zone: Option<String>,
    /// Component types it takes: `VEVENT`, `VTODO`, `VJOURNAL`.
    pub components: Vec<String>,
    /// What the caller may do: `owner`, `read-write` or `read`.
    pub access: String,
    /// Current incremental-listing token (see `GET /calendars/{id}/events?sync_token=`).
    pub sync_token: String,
    /// Changes whenever the calendar or any event in it changes.
    pub etag: String,
    /// Last change, RFC 3339.
    pub updated: String,
}

/// A list of calendars.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarList {
    /// The calendars, in path order.
    pub items: Vec<Calendar>,
}

/// Fields of a new calendar.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCalendar {
    /// Path segment; a random one when absent.
    pub name: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Color, `#RRGGBB` or `#RRGGBBAA`.
    pub color: Option<String>,
    /// Sort position.
    pub order: Option<i64>,
    /// Time zone (IANA name such as `Europe/Berlin`) for floating times and all-day
    /// events in queries; stored as a CALDAV:calendar-timezone.
    pub time_zone: Option<String>,
    /// Whether to show it (default true).
    pub visible: Option<bool>,
    /// Component types (default: VEVENT, VTODO, VJOURNAL).
    pub components: Option<Vec<String>>,
}

/// Changes to a calendar: absent fields stay, `null` clears. The owner changes the
/// calendar for everyone; someone it is shared with may change only `display_name`,
/// `color`, `order` (for themselves; `null` returns to the owner's) and `visible`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarPatch {
    /// Display name.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub display_name: Option<Option<String>>,
    /// Description.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// Color, `#RRGGBB` or `#RRGGBBAA`.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub color: Option<Option<String>>,
    /// Sort position.
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<i64>)]
    pub order: Option<Option<i64>>,
    /// Time zone, an IANA name (`null` removes it).
    #[serde(default, deserialize_with = "patch_field")]
    #[schema(value_type = Option<String>)]
    pub time_zone: Option<Option<String>>,
    /// Whether the caller shows it.
    pub visible: Option<bool>,
}

/// The TZID of a CALDAV:calendar-timezone value.
fn tzid_of(calendar_timezone: &str) -> Option<String> {
    calendar_timezone.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("TZID")
            .then(|| value.trim().to_owned())
    })
}

/// The API view of a granted calendar.
pub(crate) fn view(state: &ApiState, me: &Principal, g: &Granted) -> Calendar {
    let c = g.collection();
    let p = g.privileges();
    let access = if c.owner_id == me.id() && p.can_write() {
        "owner"
    } else if p.write_content {
        "read-write"
    } else {
        "read"
    };
    Calendar {
        id: c.id.0,
        name: c.name().to_owned(),
        owner: g.owner_name().to_owned(),
        display_name: g.display_name().map(str::to_owned),
        description: c.props.description.clone(),
        color: g.color().map(str::to_owned),
        order: g.order(),
        visible: !g.hidden(),
        time_zone: c.props.timezone.as_deref().and_then(tzid_of),
        components: c
            .props
            .components
            .iter()
            .map(|k| k.name().to_owned())
            .collect(),
        access: access.to_owned(),
        sync_token: state.core.current_token(&g.reader()).to_string(),
        etag: format!("\"{}-{}\"", c.id.0.simple(), c.seq),
        updated: rfc3339(c.modified_at),
    }
}

fn components(names: &[String]) -> Result<ComponentSet, Problem> {
    let mut set = ComponentSet::EMPTY;
    for n in names {
        match ComponentKind::from_name(n) {
            Some(k @ (ComponentKind::Event | ComponentKind::Todo | ComponentKind::Journal)) => {
                set.insert(k)
            }
            _ => {
                return Err(Problem::invalid_field(
                    "/components",
                    format!("{n:?} is not one of VEVENT, VTODO, VJOURNAL"),
                ));
            }
        }
    }
    if set.is_empty() {
        return Err(Problem::invalid_field(
            "/components",
            "name at least one component type",
        ));
    }
    Ok(set)
}

fn text_change(prop: LiveProperty, value: &Option<String>) -> PropChange {
    match value {
        Some(v) => PropChange::Set(prop, v.clone()),
        None => PropChange::Remove(prop),
    }
}

/// Lists the caller's calendars.
#[utoipa::path(get, path = "/calendars", tag = "calendars",
    responses((status = 200, body = CalendarList), (status = 401, body = Problem)))]
pub async fn list(
    State(state): State<ApiState>,
    Caller(me): Caller,
) -> ApiResult<Json<CalendarList>> {
    let items = state.core.calendars(&me).await?;
    Ok(Json(CalendarList {
        items: items.iter().map(|g| view(&state, &me, g)).collect(),
    }))
}

/// Creates a calendar in the caller's home.
#[utoipa::path(post, path = "/calendars", tag = "calendars", request_body = NewCalendar,
    responses((status = 201, body = Calendar), (status = 409, body = Problem),
        (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn create(
    State(state): State<ApiState>,
    Caller(me): Caller,
    JsonBody(new): JsonBody<NewCalendar>,
) -> ApiResult<Response> {
    let home = state.core.home(&me).await?;
    let writer = home.writer()?;
    let name = new
        .name
        .unwrap_or_else(|| Uuid::now_v7().simple().to_string());
    let mut changes = Vec::new();
    for (prop, value) in [
        (LiveProperty::DisplayName, &new.display_name),
        (LiveProperty::Description, &new.description),
        (LiveProperty::Color, &new.color),
    ] {
        if let Some(v) = value {
            changes.push(PropChange::Set(prop, v.clone()));
        }
    }
    if let Some(order) = new.order {
        changes.push(PropChange::Set(LiveProperty::Order, order.to_string()));
    }
    if let Some(tzid) = &new.time_zone {
        changes.push(PropChange::Set(LiveProperty::Timezone, time_zone(tzid)?));
    }
    if let Some(names) = &new.components {
        changes.push(PropChange::Components(components(names)?));
    }
    let created = state
        .core
        .create_collection(&writer, &name, NewCollection::Calendar, &changes)
        .await
        .map_err(|e| property_problem(e, &changes))?;
    let created = if new.visible == Some(false) {
        state
            .core
            .patch_calendar(&me, &created, &[], Some(true))
            .await?;
        state.core.calendar(&me, created.collection().id).await?
    } else {
        created
    };
    let body = view(&state, &me, &created);
    let location = format!("/api/v1/calendars/{}", body.id);
    Ok((
        StatusCode::CREATED,
        [(http::header::LOCATION, location)],
        Json(body),
    )
        .into_response())
}

/// Reads one calendar.
#[utoipa::path(get, path = "/calendars/{calendar_id}", tag = "calendars",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 200, body = Calendar), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn get(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Calendar>> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    Ok(Json(view(&state, &me, &g)))
}

/// Changes a calendar: the owner its name, color, description, order and time zone;
/// anyone it is shared with their own name, color and order for it; anyone whether they
/// show it.
#[utoipa::path(patch, path = "/calendars/{calendar_id}", tag = "calendars", request_body = CalendarPatch,
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 200, body = Calendar), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn update(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
    JsonBody(patch): JsonBody<CalendarPatch>,
) -> ApiResult<Json<Calendar>> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let mut changes = Vec::new();
    for (prop, value) in [
        (LiveProperty::DisplayName, &patch.display_name),
        (LiveProperty::Description, &patch.description),
        (LiveProperty::Color, &patch.color),
    ] {
        if let Some(v) = value {
            changes.push(text_change(prop, v));
        }
    }
    if let Some(order) = patch.order {
        changes.push(text_change(
            LiveProperty::Order,
            &order.map(|o| o.to_string()),
        ));
    }
    match &patch.time_zone {
        Some(Some(tzid)) => changes.push(PropChange::Set(LiveProperty::Timezone, time_zone(tzid)?)),
        Some(None) => changes.push(PropChange::Remove(LiveProperty::Timezone)),
        None => {}
    }
    if !changes.is_empty() || patch.visible.is_some() {
        state
            .core
            .patch_calendar(&me, &g, &changes, patch.visible.map(|v| !v))
            .await
            .map_err(|e| property_problem(e, &changes))?;
    }
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    Ok(Json(view(&state, &me, &g)))
}

/// The calendar-timezone value for a zone name, or a problem pointing at `/time_zone`.
fn time_zone(tzid: &str) -> Result<String, Problem> {
    kairos_core::calendar_timezone(tzid)
        .map_err(|_| Problem::invalid_field("/time_zone", format!("unknown time zone {tzid:?}")))
}

/// Names the JSON field behind each rejected property change.
fn property_problem(e: kairos_core::CoreError, changes: &[PropChange]) -> Problem {
    let kairos_core::CoreError::Properties(list) = e else {
        return e.into();
    };
    let field = |i: usize| match changes.get(i) {
        Some(PropChange::Set(p, _) | PropChange::Remove(p)) => match p {
            LiveProperty::DisplayName => "/display_name",
            LiveProperty::Description => "/description",
            LiveProperty::Color => "/color",
            LiveProperty::Order => "/order",
            LiveProperty::Timezone => "/time_zone",
        },
        _ => "",
    };
    // Fields a sharee may not change: a refusal, not a mistake in the values.
    if list
        .iter()
        .all(|(_, err)| matches!(err, kairos_core::PropertyError::Protected))
    {
        let fields: Vec<&str> = list.iter().map(|(i, _)| field(*i)).collect();
        return Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!(
                "only the owner may change {}",
                fields.join(", ").replace('/', "")
            ),
        );
    }
    let mut p = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "some fields are invalid",
    );
    for (i, err) in list {
        let detail = match err {
            kairos_core::PropertyError::InvalidValue(why) => why,
            other => format!("{other:?}"),
        };
        p.errors.push(crate::problem::FieldProblem {
            pointer: field(i).to_owned(),
            detail,
        });
    }
    p
}

/// Deletes a calendar and every event in it.
#[utoipa::path(delete, path = "/calendars/{calendar_id}", tag = "calendars",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn delete(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    state.core.delete_collection(&g.writer()?).await?;
    Ok(StatusCode::NO_CONTENT)
}
