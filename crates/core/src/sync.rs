//! Collection synchronization (RFC 6578) over the per-collection change log. The REST API's
//! incremental listing will use the same tokens and the same log.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use kairos_store::{CollectionId, CollectionKind, FetchedObject, MemberChange, ObjectMeta};
use uuid::Uuid;

use crate::cache::Listing;
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
    /// What changed since the token.
    pub members: SyncMembers,
    /// Where the next request continues.
    pub token: SyncToken,
    /// More changes remain after `token` (the limit cut the answer).
    pub truncated: bool,
}

/// The members a sync answer reports.
#[derive(Clone, Debug)]
pub struct SyncMembers(Members);

/// One member of a sync answer: its name and, unless it was deleted, its metadata and
/// (when asked for) bytes.
pub type SyncMember<'a> = (&'a str, Option<(&'a ObjectMeta, Option<&'a [u8]>)>);

#[derive(Clone, Debug)]
enum Members {
    /// Every member, without bytes: an initial sync answered from the cached listing
    /// itself, so a 10,000-member answer copies no member (docs/benchmarks.md: the
    /// copies raised the peak memory of initial syncs above that of a Depth 1 PROPFIND).
    Listed(Arc<Listing>),
    /// Changed members (with `object: None` for deletions), oldest first.
    Changed(Vec<MemberChange>),
}

impl SyncMembers {
    /// How many members the answer reports.
    pub fn len(&self) -> usize {
        match &self.0 {
            Members::Listed(l) => l.objects.len(),
            Members::Changed(c) => c.len(),
        }
    }

    /// True when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each member's name with its metadata and bytes (`None`: deleted), oldest first.
    pub fn iter(&self) -> impl Iterator<Item = SyncMember<'_>> {
        let (listed, changed) = match &self.0 {
            Members::Listed(l) => (l.objects.as_slice(), &[][..]),
            Members::Changed(c) => (&[][..], c.as_slice()),
        };
        let listed = listed
            .iter()
            .map(|meta| (meta.name.as_str(), Some((meta, None))));
        let changed = changed.iter().map(|c| {
            let object = c.object.as_ref().map(|o| (&o.meta, o.data.as_deref()));
            (c.name.as_str(), object)
        });
        listed.chain(changed)
    }

    /// The members' objects, to shape their calendar data in place (a listing carries
    /// no bytes, so it has none to shape).
    pub fn objects_mut(&mut self) -> impl Iterator<Item = &mut FetchedObject> {
        let changed = match &mut self.0 {
            Members::Listed(_) => &mut [][..],
            Members::Changed(c) => c.as_mut_slice(),
        };
        changed.iter_mut().filter_map(|c| c.object.as_mut())
    }

    /// The members as owned changes (a listing is copied, each member at its sequence).
    pub fn into_changes(self) -> Vec<MemberChange> {
        match self.0 {
            Members::Changed(c) => c,
            Members::Listed(l) => l
                .objects
                .iter()
                .map(|meta| MemberChange {
                    name: meta.name.clone(),
                    seq: l.seq,
                    object: Some(FetchedObject {
                        meta: meta.clone(),
                        data: None,
                    }),
                })
                .collect(),
        }
    }
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
            members: SyncMembers(Members::Changed(changes)),
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
        let members = if with_data {
            let changes = self
                .objects_with_data(reader)
                .await?
                .into_iter()
                .map(|o| MemberChange {
                    name: o.meta.name.clone(),
                    seq: c.seq,
                    object: Some(o),
                })
                .collect();
            SyncMembers(Members::Changed(changes))
        } else {
            SyncMembers(Members::Listed(self.listing(reader).await?))
        };
        Ok(SyncPage {
            members,
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
    use crate::cache::tests::meta;

    #[test]
    fn a_listed_page_reports_every_member_without_bytes() {
        let c = CollectionId(kairos_store::new_id());
        let listing = Arc::new(Listing {
            seq: 7,
            objects: vec![meta(c, "a.ics"), meta(c, "b.ics")],
        });
        let mut members = SyncMembers(Members::Listed(listing));
        assert_eq!(members.len(), 2);
        assert_eq!(members.objects_mut().count(), 0);
        let seen: Vec<(&str, Option<&str>, bool)> = members
            .iter()
            .map(|(name, o)| {
                (
                    name,
                    o.map(|(m, _)| m.etag.as_str()),
                    o.is_some_and(|(_, d)| d.is_some()),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("a.ics", Some("e-a.ics"), false),
                ("b.ics", Some("e-b.ics"), false)
            ]
        );
        let owned = members.into_changes();
        assert_eq!(owned.len(), 2);
        assert!(
            owned
                .iter()
                .all(|ch| ch.seq == 7 && ch.object.as_ref().is_some_and(|o| o.data.is_none()))
        );
        assert_eq!(owned[1].name, "b.ics");
    }

    #[test]
    fn a_changed_page_keeps_deletions_and_bytes() {
        let c = CollectionId(kairos_store::new_id());
        let changes = vec![
            MemberChange {
                name: "gone.ics".into(),
                seq: 3,
                object: None,
            },
            MemberChange {
                name: "a.ics".into(),
                seq: 4,
                object: Some(FetchedObject {
                    meta: meta(c, "a.ics"),
                    data: Some(bytes::Bytes::from_static(b"BEGIN")),
                }),
            },
        ];
        let mut members = SyncMembers(Members::Changed(changes));
        assert_eq!(members.objects_mut().count(), 1);
        let seen: Vec<(&str, Option<Option<&[u8]>>)> = members
            .iter()
            .map(|(name, o)| (name, o.map(|(_, d)| d)))
            .collect();
        assert_eq!(
            seen,
            [("gone.ics", None), ("a.ics", Some(Some(&b"BEGIN"[..])))]
        );
    }

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
