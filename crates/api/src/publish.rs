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
use crate::media::TEXT_CALENDAR;
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

fn calendar_response(ics: String, filename: &str) -> Response {
    let mut r = ics.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(TEXT_CALENDAR),
    );
    let safe: String = filename
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}.ics\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// The whole calendar as one iCalendar file.
#[utoipa::path(get, path = "/calendars/{calendar_id}/export", tag = "calendars",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 200, content_type = "text/calendar", body = String),
        (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn export(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let ics = state.core.export_calendar(&g.reader()).await?;
    Ok(calendar_response(ics, g.collection().name()))
}

/// Reads an iCalendar file into the calendar: one event per UID, replacing events with
/// the same UID; all of it or (on any invalid event) nothing.
#[utoipa::path(post, path = "/calendars/{calendar_id}/import", tag = "calendars",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    request_body(content = String, content_type = "text/calendar"),
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
    crate::media::body_format(&headers, &[crate::media::BodyFormat::ICalendar])?;
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let outcome = state.core.import_calendar(&g.writer()?, &body).await?;
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
    let mut r = calendar_response(ics, "calendar");
    r.headers_mut().remove(header::CONTENT_DISPOSITION);
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    Ok(r)
}
