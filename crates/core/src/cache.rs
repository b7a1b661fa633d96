//! Read-through caches of collection listings and object bodies, validated by the
//! collection's change sequence.
//!
//! Why: every client polls its calendars with Depth 1 PROPFINDs, sync-collection and
//! multigets, and the database driver pays several microseconds per row it hands over
//! (a thread hop per row on SQLite), which dominated a 1,000-member PROPFIND. A listing is
//! kept with the sequence of the collection it was read under; every request reads the
//! collection row first, so a listing is used only while that sequence is current. That
//! holds across processes too: a write through another node moves the sequence in the
//! database, and the next request here sees it. Bodies are keyed by (collection, entity
//! tag); the tag is a hash of the bytes, so a cached body is never stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use kairos_store::{CollectionId, ObjectMeta};
use lru::LruCache;

/// The members of a collection as of one sequence number, sorted by name.
#[derive(Debug)]
pub(crate) struct Listing {
    /// Collection sequence the listing is valid for.
    pub seq: i64,
    /// Members, sorted by name.
    pub objects: Vec<ObjectMeta>,
}

impl Listing {
    /// The member named `name`.
    pub fn get(&self, name: &str) -> Option<&ObjectMeta> {
        self.objects
            .binary_search_by(|o| o.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.objects[i])
    }
}

/// Budgets of the caches.
#[derive(Clone, Copy, Debug)]
pub struct CacheLimits {
    /// Most member entries held across all cached listings.
    pub listing_entries: usize,
    /// Most bytes of object bodies held.
    pub body_bytes: usize,
    /// Most bytes of finished report answers held (0: none are kept).
    pub answer_bytes: usize,
}

impl Default for CacheLimits {
    fn default() -> Self {
        CacheLimits {
            listing_entries: 200_000,
            body_bytes: 16 * 1024 * 1024,
            answer_bytes: 16 * 1024 * 1024,
        }
    }
}

struct Listings {
    map: LruCache<CollectionId, Arc<Listing>>,
    entries: usize,
}

struct Bodies {
    map: LruCache<(CollectionId, String), Bytes>,
    bytes: usize,
}

/// Listing and body caches shared by all requests of a process.
pub(crate) struct MemberCache {
    limits: CacheLimits,
    listings: Mutex<Listings>,
    bodies: Mutex<Bodies>,
}

impl MemberCache {
    /// Empty caches with the given budgets.
    pub fn new(limits: CacheLimits) -> Self {
        MemberCache {
            limits,
            listings: Mutex::new(Listings {
                map: LruCache::unbounded(),
                entries: 0,
            }),
            bodies: Mutex::new(Bodies {
                map: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }

    /// The listing of `collection` if it was read under sequence `seq`.
    pub fn listing(&self, collection: CollectionId, seq: i64) -> Option<Arc<Listing>> {
        let mut l = self.listings.lock().ok()?;
        match l.map.get(&collection) {
            Some(listing) if listing.seq == seq => Some(listing.clone()),
            _ => None,
        }
    }

    /// Keeps a listing read under sequence `seq` (objects sorted by name), evicting the
    /// least recently used listings past the budget. Listings larger than the whole
    /// budget are not kept.
    pub fn put_listing(&self, collection: CollectionId, listing: Arc<Listing>) {
        let size = listing.objects.len();
        if size > self.limits.listing_entries {
            return;
        }
        let Ok(mut l) = self.listings.lock() else {
            return;
        };
        if let Some(old) = l.map.put(collection, listing) {
            l.entries -= old.objects.len();
        }
        l.entries += size;
        while l.entries > self.limits.listing_entries {
            match l.map.pop_lru() {
                Some((_, evicted)) => l.entries -= evicted.objects.len(),
                None => break,
            }
        }
    }

    /// A cached body of the object with entity tag `etag` in `collection`.
    pub fn body(&self, collection: CollectionId, etag: &str) -> Option<Bytes> {
        let mut b = self.bodies.lock().ok()?;
        b.map.get(&(collection, etag.to_owned())).cloned()
    }

    /// Keeps a body, evicting the least recently used past the byte budget.
    pub fn put_body(&self, collection: CollectionId, etag: &str, data: Bytes) {
        let size = data.len();
        if size > self.limits.body_bytes / 8 {
            return;
        }
        let Ok(mut b) = self.bodies.lock() else {
            return;
        };
        if let Some(old) = b.map.put((collection, etag.to_owned()), data) {
            b.bytes -= old.len();
        }
        b.bytes += size;
        while b.bytes > self.limits.body_bytes {
            match b.map.pop_lru() {
                Some((_, evicted)) => b.bytes -= evicted.len(),
                None => break,
            }
        }
    }
}

/// Groups cached bodies by name for a set of members (helper for multiget).
pub(crate) fn bodies_for(
    cache: &MemberCache,
    collection: CollectionId,
    metas: &[&ObjectMeta],
) -> HashMap<String, Bytes> {
    metas
        .iter()
        .filter_map(|m| Some((m.name.clone(), cache.body(collection, &m.etag)?)))
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use kairos_store::{ObjectId, new_id};

    pub(crate) fn meta(c: CollectionId, name: &str) -> ObjectMeta {
        ObjectMeta {
            id: ObjectId(new_id()),
            collection_id: c,
            name: name.into(),
            etag: format!("e-{name}"),
            content_type: "text/calendar".into(),
            size: 1,
            created_at: 0,
            modified_at: 0,
            uid: None,
            component: None,
        }
    }

    #[test]
    fn listings_are_valid_for_their_sequence_only() {
        let cache = MemberCache::new(CacheLimits::default());
        let c = CollectionId(new_id());
        let l = Arc::new(Listing {
            seq: 3,
            objects: vec![meta(c, "a"), meta(c, "b")],
        });
        cache.put_listing(c, l);
        assert!(cache.listing(c, 3).is_some());
        assert!(cache.listing(c, 4).is_none());
        assert_eq!(cache.listing(c, 3).unwrap().get("b").unwrap().name, "b");
        assert!(cache.listing(c, 3).unwrap().get("c").is_none());
    }

    #[test]
    fn budgets_evict_least_recently_used() {
        let cache = MemberCache::new(CacheLimits {
            listing_entries: 3,
            body_bytes: 80,
            answer_bytes: 0,
        });
        let (a, b) = (CollectionId(new_id()), CollectionId(new_id()));
        let two = |c| {
            Arc::new(Listing {
                seq: 1,
                objects: vec![meta(c, "x"), meta(c, "y")],
            })
        };
        cache.put_listing(a, two(a));
        cache.put_listing(b, two(b));
        assert!(cache.listing(a, 1).is_none(), "a was evicted");
        assert!(cache.listing(b, 1).is_some());

        cache.put_body(a, "t1", Bytes::from(vec![0u8; 10]));
        cache.put_body(a, "t2", Bytes::from(vec![0u8; 10]));
        assert!(cache.body(a, "t1").is_some());
        // Larger than an eighth of the budget: not kept.
        cache.put_body(a, "big", Bytes::from(vec![0u8; 11]));
        assert!(cache.body(a, "big").is_none());
        for i in 0..10 {
            cache.put_body(a, &format!("n{i}"), Bytes::from(vec![0u8; 10]));
        }
        assert!(cache.body(a, "t2").is_none(), "oldest bodies go first");
        assert!(cache.body(a, "n9").is_some());
    }
}
