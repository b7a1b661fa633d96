//! Time ranges as CalDAV queries state them (RFC 4791 §9.9).

use jiff::Timestamp;

/// A half-open UTC interval `[start, end)`; a missing bound is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    /// Inclusive start.
    pub start: Option<Timestamp>,
    /// Exclusive end.
    pub end: Option<Timestamp>,
}

impl TimeRange {
    /// The range `[start, end)`.
    pub fn new(start: Timestamp, end: Timestamp) -> Self {
        TimeRange {
            start: Some(start),
            end: Some(end),
        }
    }

    /// The range with no bound on either side.
    pub fn unbounded() -> Self {
        TimeRange::default()
    }
}
