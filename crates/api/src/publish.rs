//! Calendar files in and out (`/calendars/{id}/export`, `/import`), secret public links
//! (`/calendars/{id}/public-link`) and what those links serve (`/public/{secret}.ics`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kairos_store::CollectionId;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ApiState;
use crate::body::ApiPath;
use crate::caller::Caller;
use crate::media::{BodyFormat, Representation, body_format, calendar_body, ical_from_body};
use crate::problem::{ApiResult, Problem};

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// Events and tasks created.
    pub created: usize,
    /// Events and tasks replaced (same UID as one already in the calendar).
    pub replaced: usize,
}

/// A calendar's public link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicLink {
    /// The link's path on this server; anyone holding it can read the calendar. Only
    /// present right after creation: the secret is stored hashed.
    pub url: Option<String>,
    /// Whether the calendar has a working link.
    pub active: bool,
    /// When the link was made, RFC 3339.
    pub created: Option<String>,
}

/// A whole calendar as a download, in iCalendar or (when asked) jCal.
fn calendar_response(
    ics: String,
    filename: &str,
    repr: Representation,
) -> Result<Response, Problem> {
    let extension = match repr {
        Representation::JCal => "json",
        Representation::ICalendar | Representation::Json => "ics",
    };
    let mut r = calendar_body(repr, ics.into_bytes())?;
    let safe: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}.{extension}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// The whole calendar as one iCalendar file, or as jCal when `Accept` asks for
/// `application/calendar+json` only.
#[utoipa::path(get, path = "/calendars/{calendar_id}/export", tag = "calendars",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 200, body = String, content(
            (String = "text/calendar"), (serde_json::Value = "application/calendar+json"))),
        (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn export(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let repr = match Representation::preferred(&headers) {
        Representation::JCal => Representation::JCal,
        _ => Representation::ICalendar,
    };
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let ics = state.core.export_calendar(&g.reader()).await?;
    calendar_response(ics, g.collection().name(), repr)
}

/// Reads an iCalendar (or jCal) file into the calendar: one event per UID, replacing
/// events with the same UID; all of it or (on any invalid event) nothing.
#[utoipa::path(post, path = "/calendars/{calendar_id}/import", tag = "calendars",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    request_body(content(
        (String = "text/calendar"), (serde_json::Value = "application/calendar+json"))),
    responses((status = 200, body = ImportResult), (status = 415, body = Problem),
        (status = 422, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 401, body = Problem)))]
pub async fn import(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<ImportResult>> {
    let format = body_format(&headers, &[BodyFormat::ICalendar, BodyFormat::JCal])?;
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let writer = g.writer()?;
    let ical = ical_from_body(format, &body)?;
    let outcome = state.core.import_calendar(&writer, &ical).await?;
    Ok(Json(ImportResult {
        created: outcome.created,
        replaced: outcome.replaced,
    }))
}

/// Whether the calendar has a public link (its secret is not shown again).
#[utoipa::path(get, path = "/calendars/{calendar_id}/public-link", tag = "sharing",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 200, body = PublicLink), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn link_status(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PublicLink>> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let created = state.core.public_link_created(&g.reader()).await?;
    Ok(Json(PublicLink {
        url: None,
        active: created.is_some(),
        created: created.map(crate::rfc3339),
    }))
}

/// Makes a new secret read-only link to the calendar (an earlier one stops working).
#[utoipa::path(post, path = "/calendars/{calendar_id}/public-link", tag = "sharing",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 201, body = PublicLink), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn link_create(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let secret = state.core.create_public_link(&me, &g.writer()?).await?;
    let body = PublicLink {
        url: Some(format!("/public/{secret}.ics")),
        active: true,
        created: Some(crate::rfc3339(jiff::Timestamp::now().as_millisecond())),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Revokes the calendar's public link.
#[utoipa::path(delete, path = "/calendars/{calendar_id}/public-link", tag = "sharing",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn link_revoke(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    state.core.revoke_public_link(&me, &g.writer()?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a public link serves (no sign-in: the secret is the grant).
pub async fn public_file(
    State(state): State<ApiState>,
    ApiPath(file): ApiPath<String>,
) -> ApiResult<Response> {
    let secret = file.strip_suffix(".ics").unwrap_or(&file);
    let ics = state.core.public_calendar(secret).await?;
    let mut r = calendar_body(Representation::ICalendar, ics.into_bytes())?;
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    Ok(r)
}
