//! Change signals: PostgreSQL `LISTEN/NOTIFY` across nodes, an in-process channel on
//! SQLite (whose writers all live in one process in a normal deployment).
//!
//! Notifications are sent inside the writing transaction (`pg_notify`), so PostgreSQL
//! delivers them exactly when, and only if, the change commits. One listener connection
//! per process feeds a broadcast channel; it is opened on the first subscription.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use kairos_store::{CollectionId, Signal, StoreResult};
use sqlx::postgres::PgListener;
use tokio::sync::{OnceCell, broadcast};
use uuid::Uuid;

use crate::config::Engine;
use crate::conn::{Conn, query};
use crate::error::db_err;
use crate::row::id_text;

/// The PostgreSQL channel every node listens on.
const CHANNEL: &str = "kairos";
/// Signals a slow subscriber may fall behind by before it gets [`Signal::Missed`].
const BACKLOG: usize = 1024;

/// The signal fan-out of one store.
#[derive(Debug)]
pub(crate) struct SignalHub {
    engine: Engine,
    url: String,
    sender: broadcast::Sender<Signal>,
    listening: OnceCell<()>,
}

impl SignalHub {
    /// The hub for a store on `url`. On SQLite every store of the process on the same
    /// URL shares one hub, so they hear each other as PostgreSQL nodes do.
    pub(crate) fn new(engine: Engine, url: &str) -> Arc<SignalHub> {
        let make = || {
            let (sender, _) = broadcast::channel(BACKLOG);
            Arc::new(SignalHub {
                engine,
                url: url.to_owned(),
                sender,
                listening: OnceCell::new(),
            })
        };
        if engine == Engine::Postgres {
            return make();
        }
        static SQLITE_HUBS: Mutex<Vec<(String, Weak<SignalHub>)>> = Mutex::new(Vec::new());
        let Ok(mut hubs) = SQLITE_HUBS.lock() else {
            return make();
        };
        hubs.retain(|(_, hub)| hub.strong_count() > 0);
        if let Some(hub) = hubs
            .iter()
            .find(|(u, _)| u == url)
            .and_then(|(_, h)| h.upgrade())
        {
            return hub;
        }
        let hub = make();
        hubs.push((url.to_owned(), Arc::downgrade(&hub)));
        hub
    }

    /// A receiver of every signal from now on.
    pub(crate) async fn subscribe(self: &Arc<Self>) -> StoreResult<broadcast::Receiver<Signal>> {
        if self.engine == Engine::Postgres {
            self.listening
                .get_or_try_init(|| async {
                    let mut listener = PgListener::connect(&self.url).await.map_err(db_err)?;
                    listener.listen(CHANNEL).await.map_err(db_err)?;
                    tokio::spawn(forward(listener, Arc::downgrade(self)));
                    Ok::<(), kairos_store::StoreError>(())
                })
                .await?;
        }
        Ok(self.sender.subscribe())
    }

    /// Announces what a transaction changed. PostgreSQL: queued in the transaction
    /// (`conn`), delivered on commit. SQLite: call [`SignalHub::committed`] after commit.
    pub(crate) async fn notify_in_tx(
        &self,
        conn: &mut Conn<'_>,
        signals: &[Signal],
    ) -> StoreResult<()> {
        if self.engine != Engine::Postgres {
            return Ok(());
        }
        for signal in signals {
            query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(encode(signal))
                .fetch_optional(conn)
                .await?;
        }
        Ok(())
    }

    /// Delivers a committed transaction's signals in-process (SQLite).
    pub(crate) fn committed(&self, signals: Vec<Signal>) {
        if self.engine == Engine::Postgres {
            return;
        }
        for signal in signals {
            // No subscriber is not an error: nobody needed to know.
            let _ = self.sender.send(signal);
        }
    }
}

/// Moves notifications from the listener connection to the channel until the store is
/// gone. sqlx reconnects a dropped listener on the next receive; what was sent meanwhile
/// is lost, so subscribers hear [`Signal::Missed`].
async fn forward(mut listener: PgListener, hub: Weak<SignalHub>) {
    loop {
        let next = listener.try_recv().await;
        let Some(hub) = hub.upgrade() else {
            return;
        };
        match next {
            Ok(Some(n)) => match decode(n.payload()) {
                Some(signal) => {
                    let _ = hub.sender.send(signal);
                }
                None => tracing::warn!(payload = n.payload(), "unknown change signal"),
            },
            Ok(None) => {
                let _ = hub.sender.send(Signal::Missed);
            }
            Err(e) => {
                tracing::warn!(error = %e, "change signal listener failed; retrying");
                let _ = hub.sender.send(Signal::Missed);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// The NOTIFY payload of a signal (short text: payloads are limited to 8000 bytes).
fn encode(signal: &Signal) -> String {
    match signal {
        Signal::Changed { collection, seq } => format!("c {} {seq}", id_text(collection.0)),
        Signal::JobQueued => "j".to_owned(),
        Signal::Missed => "m".to_owned(),
    }
}

fn decode(payload: &str) -> Option<Signal> {
    let mut parts = payload.split(' ');
    match parts.next()? {
        "c" => {
            let collection = CollectionId(Uuid::parse_str(parts.next()?).ok()?);
            let seq = parts.next()?.parse().ok()?;
            Some(Signal::Changed { collection, seq })
        }
        "j" => Some(Signal::JobQueued),
        "m" => Some(Signal::Missed),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        for signal in [
            Signal::Changed {
                collection: CollectionId(Uuid::now_v7()),
                seq: 42,
            },
            Signal::JobQueued,
            Signal::Missed,
        ] {
            assert_eq!(decode(&encode(&signal)), Some(signal));
        }
        assert_eq!(decode("x"), None);
        assert_eq!(decode("c not-a-uuid 1"), None);
    }
}
