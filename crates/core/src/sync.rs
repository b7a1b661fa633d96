//! Collection synchronization (RFC 6578) over the per-collection change log. The REST API's
//! incremental listing will use the same tokens and the same log.

use std::fmt;
use std::str::FromStr;

use kairos_store::{CollectionId, CollectionKind, MemberChange};
use uuid::Uuid;

use crate::error::Condition;
use crate::{CoreError, CoreResult, Kairos, Reader};

/// Prefix of every token: an opaque URI naming the collection and a sequence number.
const PREFIX: &str = "urn:kairos:sync:";

/// A position in one collection's change log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncToken {
    /// The collection the token belongs to.
    pub collection: CollectionId,
    /// Every change up to this sequence is known to the holder.
    pub seq: i64,
}

impl fmt::Display for SyncToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{}:{}", self.collection.0.simple(), self.seq)
    }
}

impl FromStr for SyncToken {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        let rest = s.trim().strip_prefix(PREFIX).ok_or(())?;
        let (id, seq) = rest.split_once(':').ok_or(())?;
        Ok(SyncToken {
            collection: CollectionId(Uuid::try_parse(id).map_err(|_| ())?),
            seq: seq.parse().map_err(|_| ())?,
        })
    }
}

/// One page of changes.
#[derive(Clone, Debug)]
pub struct SyncPage {
    /// Changed members (with `object: None` for deletions), oldest first.
    pub changes: Vec<MemberChange>,
    /// Where the next request continues.
    pub token: SyncToken,
    /// More changes remain after `token` (the limit cut the answer).
    pub truncated: bool,
}

impl Kairos {
    /// The collection's current token.
    pub fn current_token(&self, reader: &Reader) -> SyncToken {
        let c = reader.collection();
        SyncToken {
            collection: c.id,
            seq: c.seq,
        }
    }

    /// Changes since `token` (`None`: an initial sync listing every member), at most
    /// `limit`. An unknown, foreign, future or pruned token is refused with
    /// `valid-sync-token`: the client must know it has to start over.
    pub async fn sync_changes(
        &self,
        reader: &Reader,
        token: Option<&str>,
        limit: Option<u32>,
        with_data: bool,
    ) -> CoreResult<SyncPage> {
        let c = reader.collection();
        if c.kind != CollectionKind::Calendar {
            return Err(CoreError::NotAllowed("sync is offered on calendars"));
        }
        let invalid = || CoreError::Condition(Condition::ValidSyncToken);
        let after = match token.map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(t) => {
                let parsed: SyncToken = t.parse().map_err(|_| invalid())?;
                if parsed.collection != c.id || parsed.seq > c.seq || parsed.seq < c.min_sync_seq {
                    return Err(invalid());
                }
                Some(parsed.seq)
            }
        };
        if after.is_none() && limit.is_none() {
            return self.initial_sync_from_listing(reader, with_data).await;
        }
        // One more row than asked tells whether the answer is truncated.
        let fetch = limit.map(|l| l.saturating_add(1));
        let mut changes = self
            .store
            .changes_since(c.id, after.unwrap_or(0), after.is_some(), fetch, with_data)
            .await?;
        let truncated = limit.is_some_and(|l| changes.len() > l as usize);
        if let Some(l) = limit {
            changes.truncate(l as usize);
        }
        // Writers of a collection serialize on its row and commit in sequence order, so
        // every change up to the highest sequence seen is visible.
        let last_seen = changes.last().map(|ch| ch.seq).unwrap_or(0);
        let seq = if truncated {
            last_seen
        } else {
            last_seen.max(c.seq)
        };
        Ok(SyncPage {
            changes,
            token: SyncToken {
                collection: c.id,
                seq,
            },
            truncated,
        })
    }
}

impl Kairos {
    /// An initial sync without a limit lists the members as of the collection's current
    /// sequence, which the listing cache already answers.
    async fn initial_sync_from_listing(
        &self,
        reader: &Reader,
        with_data: bool,
    ) -> CoreResult<SyncPage> {
        let c = reader.collection();
        let objects = if with_data {
            self.objects_with_data(reader).await?
        } else {
            self.listing(reader)
                .await?
                .objects
                .iter()
                .map(|meta| kairos_store::FetchedObject {
                    meta: meta.clone(),
                    data: None,
                })
                .collect()
        };
        let changes = objects
            .into_iter()
            .map(|o| MemberChange {
                name: o.meta.name.clone(),
                seq: c.seq,
                object: Some(o),
            })
            .collect();
        Ok(SyncPage {
            changes,
            token: self.current_token(reader),
            truncated: false,
        })
    }

    /// Forgets deletions older than `retention`. Clients holding a token from before the
    /// oldest forgotten deletion get `valid-sync-token` and resynchronize; everyone else
    /// is unaffected. Returns how many deletion records were dropped.
    pub async fn prune_sync_history(&self, retention: std::time::Duration) -> CoreResult<u64> {
        let cutoff = crate::now_ms() - i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
        let mut tx = self.store.begin().await?;
        let dropped = tx.prune_tombstones(cutoff).await?;
        tx.commit().await?;
        Ok(dropped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let t = SyncToken {
            collection: CollectionId(kairos_store::new_id()),
            seq: 42,
        };
        assert_eq!(t.to_string().parse::<SyncToken>(), Ok(t));
        for bad in [
            "",
            "42",
            "urn:kairos:sync:",
            "urn:kairos:sync:nothex:1",
            "http://example.com/ns/sync/1234",
        ] {
            assert!(bad.parse::<SyncToken>().is_err(), "{bad}");
        }
    }
}
