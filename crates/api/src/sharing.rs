//! `/calendars/{id}/shares`: who else may use a calendar, and the history of that.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_store::{CollectionId, ShareAccess, ShareAction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::body::{ApiPath, JsonBody};
use crate::caller::Caller;
use crate::problem::{ApiResult, Problem};
use crate::{ApiState, rfc3339};

/// How much of a calendar a sharee may use.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Only when the owner is busy (free/busy), nothing of the events.
    FreeBusy,
    /// Read events.
    Read,
    /// Read, create, change and delete events (not the calendar itself).
    ReadWrite,
}

impl From<Access> for ShareAccess {
    fn from(a: Access) -> ShareAccess {
        match a {
            Access::FreeBusy => ShareAccess::FreeBusy,
            Access::Read => ShareAccess::Read,
            Access::ReadWrite => ShareAccess::ReadWrite,
        }
    }
}

impl From<ShareAccess> for Access {
    fn from(a: ShareAccess) -> Access {
        match a {
            ShareAccess::FreeBusy => Access::FreeBusy,
            ShareAccess::Read => Access::Read,
            ShareAccess::ReadWrite => Access::ReadWrite,
        }
    }
}

/// One sharee.
#[derive(Debug, Serialize, ToSchema)]
pub struct Share {
    /// Their login name.
    pub user: String,
    /// What they may do.
    pub access: Access,
    /// When first shared, RFC 3339.
    pub since: String,
}

/// The sharees of a calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareList {
    /// By user name.
    pub items: Vec<Share>,
}

/// The access to grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRequest {
    /// What the user may do.
    pub access: Access,
}

/// One sharing change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareEvent {
    /// Who made it.
    pub actor: String,
    /// `shared`, `unshared`, `link-created` or `link-revoked`.
    pub action: String,
    /// Whose access changed.
    pub user: Option<String>,
    /// The access granted, for `shared`.
    pub access: Option<Access>,
    /// When, RFC 3339.
    pub at: String,
}

/// The sharing history of a calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareHistory {
    /// Oldest first.
    pub items: Vec<ShareEvent>,
}

/// Who the calendar is shared with (owner only).
#[utoipa::path(get, path = "/calendars/{calendar_id}/shares", tag = "sharing",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 200, body = ShareList)))]
pub async fn list(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ShareList>> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let sharees = state.core.calendar_sharees(&me, &g.writer()?).await?;
    Ok(Json(ShareList {
        items: sharees
            .into_iter()
            .map(|s| Share {
                user: s.user,
                access: s.access.into(),
                since: rfc3339(s.since),
            })
            .collect(),
    }))
}

/// Shares the calendar with a user, or changes their access (owner only). The user then
/// sees it in their calendar list and over CalDAV.
#[utoipa::path(put, path = "/calendars/{calendar_id}/shares/{user}", tag = "sharing",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"),
        ("user" = String, Path, description = "The sharee's login name")),
    request_body = ShareRequest,
    responses((status = 204)))]
pub async fn put(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath((id, user)): ApiPath<(Uuid, String)>,
    JsonBody(req): JsonBody<ShareRequest>,
) -> ApiResult<StatusCode> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    state
        .core
        .share_calendar(&me, &g.writer()?, &user, req.access.into())
        .await
        .map_err(|e| match e {
            kairos_core::CoreError::Invalid(why) => Problem::invalid_field("/user", why),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a user's access away (owner only).
#[utoipa::path(delete, path = "/calendars/{calendar_id}/shares/{user}", tag = "sharing",
    params(("calendar_id" = Uuid, Path, description = "Calendar id"),
        ("user" = String, Path, description = "The sharee's login name")),
    responses((status = 204)))]
pub async fn delete(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath((id, user)): ApiPath<(Uuid, String)>,
) -> ApiResult<StatusCode> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    state
        .core
        .unshare_calendar(&me, &g.writer()?, &user)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every sharing change of the calendar: who, what, when (owner only).
#[utoipa::path(get, path = "/calendars/{calendar_id}/share-history", tag = "sharing",
    params(("calendar_id" = Uuid, Path, description = "Calendar id")),
    responses((status = 200, body = ShareHistory)))]
pub async fn history(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ShareHistory>> {
    let g = state.core.calendar(&me, CollectionId(id)).await?;
    let log = state.core.share_history(&me, &g.reader()).await?;
    Ok(Json(ShareHistory {
        items: log
            .into_iter()
            .map(|e| ShareEvent {
                actor: e.actor,
                action: match e.action {
                    ShareAction::Shared => "shared",
                    ShareAction::Unshared => "unshared",
                    ShareAction::LinkCreated => "link-created",
                    ShareAction::LinkRevoked => "link-revoked",
                }
                .to_owned(),
                user: e.sharee,
                access: e.access.map(Access::from),
                at: rfc3339(e.at),
            })
            .collect(),
    }))
}
