//! Finished answers of expensive reports, kept while their collection is unchanged.
//!
//! Why: an initial sync of a 10,000-event calendar is a 2.4 MB answer and a week of it
//! with data 0.8 MB; built from the index and the body cache they still cost 3–12 ms of
//! CPU each. Every device of the calendar's owner and everyone it is shared with asks the
//! same questions of the same calendar (first sync, the same week views, the same
//! multigets after a change), so the second asker gets the bytes the first one paid for.
//!
//! Validity follows the listings of [`crate::cache`]: an answer is kept with the sequence
//! of the collection it was built under, and every change to the collection or its
//! members (content, the collection's properties, its shares) moves that sequence in the
//! same transaction. A request reads the collection row before it looks here, so it finds
//! only an answer built under the sequence it sees, on every node. The answer itself may
//! be newer than that sequence (a write landed while it was built): it holds committed
//! data all the same, as if the write had come just before the request.
//!
//! What an answer depends on besides the collection is in its key: who asks and with
//! which privileges and credential limits, and the front-end's own bytes for the request
//! (method, member, headers that matter, body). Front-ends cache only answers that depend
//! on nothing else: not members' dead properties (changed without a new sequence) and not
//! answers stamped with the current time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use kairos_store::{CollectionId, UserId};
use lru::LruCache;

use crate::Kairos;
use crate::access::{Granted, Limits, Principal, Privileges};

/// Answers smaller than this, built faster than [`MIN_KEPT_COST`], are cheap to build
/// again and are not kept.
pub(crate) const MIN_KEPT_ANSWER: usize = 8 * 1024;

/// Answers that took this long to build are kept however small (a free-busy answer of
/// two periods can stand for thousands of events).
pub(crate) const MIN_KEPT_COST: Duration = Duration::from_millis(1);

/// What a cached answer answers, apart from the collection's sequence.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Asked {
    collection: CollectionId,
    principal: UserId,
    limits: Limits,
    privileges: Privileges,
    /// Tokens below this are refused: pruning the change log raises it without a new
    /// sequence, and an answer to an old token must then become a refusal.
    min_sync_seq: i64,
    /// The front-end's description of the request.
    request: Box<[u8]>,
}

/// A request whose answer may be kept: what is asked, and the collection's sequence as
/// the request found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerKey {
    asked: Asked,
    seq: i64,
}

impl AnswerKey {
    /// The key of a request on `g` (as resolved for this request) by `principal`;
    /// `request` is everything else the answer depends on, as the front-end writes it.
    pub fn new(principal: &Principal, g: &Granted, request: Vec<u8>) -> AnswerKey {
        AnswerKey {
            asked: Asked {
                collection: g.collection().id,
                principal: principal.id(),
                limits: principal.limits(),
                privileges: g.privileges(),
                min_sync_seq: g.collection().min_sync_seq,
                request: request.into_boxed_slice(),
            },
            seq: g.collection().seq,
        }
    }
}

/// How the answer cache is doing (for metrics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnswerCacheStats {
    /// Bytes of answers held.
    pub bytes: usize,
    /// Requests answered from the cache.
    pub hits: u64,
    /// Cacheable requests that were built.
    pub misses: u64,
}

impl Kairos {
    /// The kept answer to `key`, if one was built under the sequence the key carries.
    pub fn kept_answer(&self, key: &AnswerKey) -> Option<Answer> {
        self.answers.get(key)
    }

    /// Keeps `answer` to `key`, which took `cost` to build, for the next asker while
    /// the collection is unchanged (unless it was small and quick to build, or is too
    /// large for the budget).
    pub fn keep_answer(&self, key: AnswerKey, answer: &Answer, cost: Duration) {
        self.answers.put(key, answer.clone(), cost);
    }

    /// How the answer cache is doing.
    pub fn answer_cache_stats(&self) -> AnswerCacheStats {
        self.answers.stats()
    }
}

/// A finished answer: its status, media type and bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// HTTP status sent with it.
    pub status: u16,
    /// `Content-Type` of the bytes.
    pub content_type: &'static str,
    /// The body as sent.
    pub body: Bytes,
}

struct Kept {
    seq: i64,
    answer: Answer,
}

struct Answers {
    map: LruCache<Asked, Kept>,
    bytes: usize,
}

/// The answers of a process, least recently used evicted past a byte budget.
pub(crate) struct AnswerCache {
    budget: usize,
    answers: Mutex<Answers>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl AnswerCache {
    /// An empty cache holding at most `budget` bytes of answers (0: keeps nothing).
    pub fn new(budget: usize) -> Self {
        AnswerCache {
            budget,
            answers: Mutex::new(Answers {
                map: LruCache::unbounded(),
                bytes: 0,
            }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The answer to `key` if it was built under the key's sequence. An answer built
    /// under an older sequence can never be used again and is dropped.
    pub fn get(&self, key: &AnswerKey) -> Option<Answer> {
        let found = self.lookup(key);
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    fn lookup(&self, key: &AnswerKey) -> Option<Answer> {
        let mut a = self.answers.lock().ok()?;
        let kept_seq = a.map.peek(&key.asked)?.seq;
        if kept_seq == key.seq {
            return a.map.get(&key.asked).map(|k| k.answer.clone());
        }
        if kept_seq < key.seq
            && let Some(stale) = a.map.pop(&key.asked)
        {
            a.bytes -= stale.answer.body.len();
        }
        None
    }

    /// Keeps `answer` to `key`, which took `cost` to build, unless it is not worth it
    /// (small and quick) or too large for the budget, or an answer built under a newer
    /// sequence is already kept.
    pub fn put(&self, key: AnswerKey, answer: Answer, cost: Duration) {
        let size = answer.body.len();
        let worth_it = size >= MIN_KEPT_ANSWER || cost >= MIN_KEPT_COST;
        if !worth_it || size > self.budget / 4 {
            return;
        }
        let Ok(mut a) = self.answers.lock() else {
            return;
        };
        if a.map.peek(&key.asked).is_some_and(|k| k.seq > key.seq) {
            return;
        }
        let kept = Kept {
            seq: key.seq,
            answer,
        };
        if let Some(old) = a.map.put(key.asked, kept) {
            a.bytes -= old.answer.body.len();
        }
        a.bytes += size;
        while a.bytes > self.budget {
            match a.map.pop_lru() {
                Some((_, evicted)) => a.bytes -= evicted.answer.body.len(),
                None => break,
            }
        }
    }

    /// Bytes held, hits and misses.
    pub fn stats(&self) -> AnswerCacheStats {
        AnswerCacheStats {
            bytes: self.answers.lock().map_or(0, |a| a.bytes),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kairos_store::new_id;

    fn asked(request: &str) -> Asked {
        Asked {
            collection: CollectionId(new_id()),
            principal: UserId(new_id()),
            limits: Limits::default(),
            privileges: Privileges::ALL,
            min_sync_seq: 0,
            request: request.as_bytes().into(),
        }
    }

    fn at(asked: &Asked, seq: i64) -> AnswerKey {
        AnswerKey {
            asked: asked.clone(),
            seq,
        }
    }

    const QUICK: Duration = Duration::from_micros(10);

    fn answer(size: usize) -> Answer {
        Answer {
            status: 207,
            content_type: "application/xml",
            body: Bytes::from(vec![b'x'; size]),
        }
    }

    #[test]
    fn an_answer_serves_its_own_sequence_only() {
        let cache = AnswerCache::new(1 << 20);
        let q = asked("sync");
        cache.put(at(&q, 5), answer(10_000), QUICK);
        assert_eq!(cache.get(&at(&q, 5)), Some(answer(10_000)));
        assert_eq!(
            cache.get(&at(&q, 4)),
            None,
            "an older sequence is another state"
        );
        assert_eq!(
            cache.stats().bytes,
            10_000,
            "a reader behind keeps the newer answer"
        );
        assert_eq!(cache.get(&at(&q, 6)), None);
        assert_eq!(
            cache.stats().bytes,
            0,
            "superseded answers are dropped at once"
        );
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses), (1, 2));
    }

    #[test]
    fn keys_differ_by_asker_privileges_limits_pruning_and_request() {
        let cache = AnswerCache::new(1 << 20);
        let q = asked("query");
        cache.put(at(&q, 1), answer(10_000), QUICK);
        let others = [
            Asked {
                principal: UserId(new_id()),
                ..q.clone()
            },
            Asked {
                privileges: Privileges::READ,
                ..q.clone()
            },
            Asked {
                limits: Limits {
                    read_only: true,
                    calendar: None,
                },
                ..q.clone()
            },
            Asked {
                request: b"query2".as_slice().into(),
                ..q.clone()
            },
            Asked {
                collection: CollectionId(new_id()),
                ..q.clone()
            },
            Asked {
                min_sync_seq: 1,
                ..q.clone()
            },
        ];
        for other in &others {
            assert_eq!(cache.get(&at(other, 1)), None, "{other:?}");
        }
        assert!(cache.get(&at(&q, 1)).is_some());
    }

    #[test]
    fn small_answers_are_kept_when_they_were_costly() {
        let cache = AnswerCache::new(100_000);
        let q = at(&asked("free-busy"), 1);
        cache.put(q.clone(), answer(300), MIN_KEPT_COST);
        assert_eq!(cache.get(&q), Some(answer(300)));
    }

    #[test]
    fn small_large_and_older_answers_are_not_kept() {
        let cache = AnswerCache::new(100_000);
        cache.put(at(&asked("small"), 1), answer(MIN_KEPT_ANSWER - 1), QUICK);
        cache.put(at(&asked("large"), 1), answer(25_001), QUICK);
        assert_eq!(cache.stats().bytes, 0);
        let q = asked("q");
        cache.put(at(&q, 7), answer(9_000), QUICK);
        cache.put(at(&q, 6), answer(10_000), QUICK);
        assert_eq!(
            cache.get(&at(&q, 7)),
            Some(answer(9_000)),
            "the newer one stays"
        );
    }

    #[test]
    fn the_budget_evicts_least_recently_used() {
        let cache = AnswerCache::new(40_000);
        let (a, b, c) = (asked("a"), asked("b"), asked("c"));
        for q in [&a, &b, &c] {
            cache.put(at(q, 1), answer(10_000), QUICK);
        }
        assert!(cache.get(&at(&a, 1)).is_some());
        cache.put(at(&asked("d"), 1), answer(10_000), QUICK);
        cache.put(at(&asked("e"), 1), answer(10_000), QUICK);
        assert!(cache.stats().bytes <= 40_000);
        assert!(cache.get(&at(&a, 1)).is_some(), "used recently");
        assert!(cache.get(&at(&b, 1)).is_none(), "least recently used");
    }

    #[test]
    fn a_zero_budget_keeps_nothing() {
        let cache = AnswerCache::new(0);
        let q = at(&asked("q"), 1);
        cache.put(q.clone(), answer(10_000), QUICK);
        assert_eq!(cache.get(&q), None);
    }
}
