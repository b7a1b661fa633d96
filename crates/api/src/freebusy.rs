//! `/freebusy`: when the caller's calendars are busy, merged, without revealing events.

use axum::Json;
use axum::extract::State;
use kairos_ical::TimeRange;
use kairos_ical::query::FreeBusy;
use kairos_store::CollectionId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ApiState;
use crate::body::JsonBody;
use crate::caller::Caller;
use crate::problem::{ApiResult, Problem};

/// Longest window one request may ask about.
const MAX_DAYS: i64 = 366;

/// What to ask.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FreeBusyQuery {
    /// Window start, RFC 3339.
    #[schema(format = DateTime)]
    pub start: String,
    /// Window end (exclusive), RFC 3339; at most 366 days after start.
    #[schema(format = DateTime)]
    pub end: String,
    /// Calendars to consider; all the caller's own calendars when neither this nor
    /// `users` is given.
    pub calendar_ids: Option<Vec<Uuid>>,
    /// Other users whose busy time to include: each must have shared at least one
    /// calendar with the caller (free/busy-only shares count).
    pub users: Option<Vec<String>>,
}

/// One busy period.
#[derive(Debug, Serialize, ToSchema)]
pub struct Busy {
    /// Start, RFC 3339 (UTC).
    pub start: String,
    /// End, RFC 3339 (UTC).
    pub end: String,
    /// `BUSY`, `BUSY-TENTATIVE` or `BUSY-UNAVAILABLE`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// Busy time of one calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarBusy {
    /// The calendar.
    pub calendar_id: Uuid,
    /// Its busy periods, merged.
    pub busy: Vec<Busy>,
}

/// Busy time of one user.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBusy {
    /// Login name.
    pub user: String,
    /// Their busy periods (over what they shared with the caller), merged.
    pub busy: Vec<Busy>,
}

/// The answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct FreeBusyResult {
    /// Window start as asked.
    pub start: String,
    /// Window end as asked.
    pub end: String,
    /// Busy periods over all the calendars, merged.
    pub busy: Vec<Busy>,
    /// Per calendar.
    pub calendars: Vec<CalendarBusy>,
    /// Per user asked about.
    pub users: Vec<UserBusy>,
}

/// Parses an RFC 3339 instant for field `pointer`.
pub(crate) fn instant(text: &str, pointer: &str) -> Result<jiff::Timestamp, Problem> {
    text.parse::<jiff::Timestamp>().map_err(|_| {
        Problem::invalid_field(
            pointer,
            "an RFC 3339 date-time with offset, e.g. 2026-12-01T09:00:00Z",
        )
    })
}

/// A bounded window from two RFC 3339 fields.
pub(crate) fn window(start: &str, end: &str, max_days: i64) -> Result<TimeRange, Problem> {
    let (s, e) = (instant(start, "/start")?, instant(end, "/end")?);
    if e <= s {
        return Err(Problem::invalid_field("/end", "must be after start"));
    }
    if e.duration_since(s).as_secs() > max_days * 86_400 {
        return Err(Problem::invalid_field(
            "/end",
            format!("at most {max_days} days after start"),
        ));
    }
    Ok(TimeRange::new(s, e))
}

fn busy_list(fb: &FreeBusy) -> Vec<Busy> {
    fb.periods()
        .iter()
        .map(|p| Busy {
            start: p.start.to_string(),
            end: p.end.to_string(),
            kind: p.kind.fbtype().to_owned(),
        })
        .collect()
}

/// Busy time over several calendars: per calendar and merged. Events are never shown,
/// only when they make the calendars busy (cancelled and transparent events do not).
#[utoipa::path(post, path = "/freebusy", tag = "calendars", request_body = FreeBusyQuery,
    responses((status = 200, body = FreeBusyResult), (status = 404, body = Problem),
        (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn query(
    State(state): State<ApiState>,
    Caller(me): Caller,
    JsonBody(q): JsonBody<FreeBusyQuery>,
) -> ApiResult<Json<FreeBusyResult>> {
    let range = window(&q.start, &q.end, MAX_DAYS)?;
    let calendars = match &q.calendar_ids {
        Some(ids) => {
            if ids.len() > 100 {
                return Err(Problem::invalid_field(
                    "/calendar_ids",
                    "at most 100 calendars",
                ));
            }
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.push(state.core.calendar(&me, CollectionId(*id)).await?);
            }
            out
        }
        None if q.users.is_some() => Vec::new(),
        None => state
            .core
            .calendars(&me)
            .await?
            .into_iter()
            .filter(|g| g.collection().owner_id == me.id())
            .collect(),
    };
    let users = q.users.clone().unwrap_or_default();
    if users.len() > 50 {
        return Err(Problem::invalid_field("/users", "at most 50 users"));
    }
    let mut all = FreeBusy::new(range);
    let mut per = Vec::with_capacity(calendars.len());
    for g in &calendars {
        let fb = state.core.free_busy(&g.reader(), range, None).await?;
        all.absorb(&fb);
        per.push(CalendarBusy {
            calendar_id: g.collection().id.0,
            busy: busy_list(&fb),
        });
    }
    let mut per_user = Vec::with_capacity(users.len());
    for user in users {
        let fb = state.core.user_free_busy(&me, &user, range).await?;
        all.absorb(&fb);
        per_user.push(UserBusy {
            user,
            busy: busy_list(&fb),
        });
    }
    Ok(Json(FreeBusyResult {
        start: q.start,
        end: q.end,
        busy: busy_list(&all),
        calendars: per,
        users: per_user,
    }))
}
