//! `/changes`: changes to the caller's calendars as they happen, as server-sent events, so
//! a page shows what CalDAV clients and other tabs did without polling.

use std::collections::HashSet;
use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use kairos_core::{Principal, SyncToken};
use kairos_store::{CollectionId, Signal};
use tokio::sync::broadcast::error::RecvError;

use crate::ApiState;
use crate::caller::Caller;
use crate::problem::{ApiResult, Problem};

/// How long one stream lives. Browsers reconnect by themselves, and each reconnection
/// signs in again, so a revoked session or token stops hearing within this time.
const LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Comments keep proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(25);
/// A change to a calendar not (yet) known to be readable rechecks the list at most this
/// often: newly shared calendars show up, and strangers' changes cost nothing.
const RECHECK: Duration = Duration::from_secs(30);

/// One listener's state.
struct Listener {
    state: ApiState,
    me: Principal,
    signals: tokio::sync::broadcast::Receiver<Signal>,
    stopping: tokio::sync::watch::Receiver<bool>,
    readable: HashSet<CollectionId>,
    checked: Instant,
    ends: Instant,
}

impl Listener {
    async fn readable(state: &ApiState, me: &Principal) -> Result<HashSet<CollectionId>, Problem> {
        Ok(state
            .core
            .calendars(me)
            .await?
            .iter()
            .map(|g| g.collection().id)
            .collect())
    }

    /// Whether the principal may read `collection`, rechecking now and then.
    async fn may_read(&mut self, collection: CollectionId) -> bool {
        if self.readable.contains(&collection) {
            return true;
        }
        if self.checked.elapsed() < RECHECK {
            return false;
        }
        self.checked = Instant::now();
        match Self::readable(&self.state, &self.me).await {
            Ok(set) => self.readable = set,
            Err(_) => return false,
        }
        self.readable.contains(&collection)
    }

    /// The next event to send, or `None` when the stream ends.
    async fn next(&mut self) -> Option<Event> {
        loop {
            let signal = tokio::select! {
                s = tokio::time::timeout_at(self.ends.into(), self.signals.recv()) => s,
                _ = self.stopping.wait_for(|stopping| *stopping) => return None,
            };
            match signal {
                Err(_) | Ok(Err(RecvError::Closed)) => return None,
                Ok(Err(RecvError::Lagged(_))) | Ok(Ok(Signal::Missed)) => {
                    return Some(Event::default().event("resync").data("{}"));
                }
                Ok(Ok(Signal::Changed { collection, seq })) => {
                    if !self.may_read(collection).await {
                        continue;
                    }
                    let token = SyncToken { collection, seq };
                    let data = serde_json::json!({
                        "calendar_id": collection.0,
                        "sync_token": token.to_string(),
                    });
                    return Some(Event::default().event("changed").data(data.to_string()));
                }
                Ok(Ok(Signal::JobQueued)) => {}
            }
        }
    }
}

/// Changes to the caller's calendars as they happen (`text/event-stream`). Each `changed`
/// event carries `{"calendar_id", "sync_token"}` of a calendar the caller can read
/// (list its events with that token to see what changed); `resync` means some changes
/// may have been missed: reload. The stream ends after 15 minutes; reconnect (browsers'
/// EventSource does).
#[utoipa::path(get, path = "/changes", tag = "events",
    responses((status = 200, content_type = "text/event-stream", body = String,
        description = "Server-sent events: `changed` and `resync`"),
        (status = 401, body = Problem)))]
pub async fn changes(State(state): State<ApiState>, Caller(me): Caller) -> ApiResult<Response> {
    // Subscribe first, then list: a change between the two is heard, not lost.
    let signals = state.core.change_signals().await?;
    let stopping = state.core.stopping();
    let readable = Listener::readable(&state, &me).await?;
    let now = Instant::now();
    let listener = Listener {
        state,
        me,
        signals,
        stopping,
        readable,
        checked: now,
        ends: now + LIFETIME,
    };
    Ok(Sse::new(events(listener))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response())
}

fn events(listener: Listener) -> impl Stream<Item = Result<Event, Infallible>> {
    futures::stream::unfold(listener, |mut l| async move {
        l.next().await.map(|e| (Ok(e), l))
    })
}
