//! Turns for large answers: how many REPORT and Depth 1 PROPFIND answers are built and
//! sent at once.
//!
//! Why: such an answer holds its rows and its body (megabytes for a 10,000-member
//! calendar) until the client has read it. Sixteen clients asking a 2-core machine for
//! that initial sync at once were served as fast with four turns as with no limit, while
//! peak RSS fell from 92–105 MB to 73–76 MB, and the first-come-first-served queue cut the
//! slowest answer (p99) from 300–350 ms to 106–128 ms (docs/architecture.md).

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The queue of large answers.
#[derive(Debug)]
pub(crate) struct AnswerTurns {
    /// `None`: no limit.
    slots: Option<Arc<Semaphore>>,
}

/// A large answer's turn: the next waiting answer starts when this is dropped.
#[derive(Debug)]
pub struct AnswerTurn {
    _permit: Option<OwnedSemaphorePermit>,
}

impl AnswerTurns {
    /// At most `at_once` large answers at a time (0: no limit).
    pub(crate) fn new(at_once: usize) -> AnswerTurns {
        AnswerTurns {
            slots: (at_once > 0).then(|| Arc::new(Semaphore::new(at_once))),
        }
    }

    /// Waits for a turn, first come first served.
    pub(crate) async fn wait(&self) -> AnswerTurn {
        let permit = match &self.slots {
            // The semaphore is never closed, so acquiring fails only if it were.
            Some(slots) => Arc::clone(slots).acquire_owned().await.ok(),
            None => None,
        };
        AnswerTurn { _permit: permit }
    }

    /// Turns free right now (`None`: no limit).
    pub(crate) fn free(&self) -> Option<usize> {
        self.slots.as_ref().map(|s| s.available_permits())
    }
}

/// The default: two per core, so the cores stay busy while answers are being sent.
pub(crate) fn default_at_once() -> usize {
    2 * std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn turns_are_bounded_and_handed_on_in_order() {
        let turns = AnswerTurns::new(2);
        let first = turns.wait().await;
        let second = turns.wait().await;
        assert_eq!(turns.free(), Some(0));
        let mut third = Box::pin(turns.wait());
        assert!(
            futures::poll!(third.as_mut()).is_pending(),
            "a third answer waits while two run"
        );
        drop(first);
        let third = third.await;
        assert_eq!(turns.free(), Some(0));
        drop((second, third));
        assert_eq!(turns.free(), Some(2));
    }

    #[tokio::test]
    async fn zero_means_no_limit() {
        let turns = AnswerTurns::new(0);
        let held: Vec<AnswerTurn> = futures::future::join_all((0..100).map(|_| turns.wait())).await;
        assert_eq!(held.len(), 100);
        assert_eq!(turns.free(), None);
    }
}
