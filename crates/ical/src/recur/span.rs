//! RFC 4791 §9.9: whether an instance overlaps a time range, per component form.

use jiff::Timestamp;

use super::Span;
use crate::time_range::TimeRange;

/// `range.start <= t` (an open start is before everything).
fn starts_by(range: &TimeRange, t: Timestamp) -> bool {
    range.start.is_none_or(|s| s <= t)
}

/// `range.start < t`.
fn starts_before(range: &TimeRange, t: Timestamp) -> bool {
    range.start.is_none_or(|s| s < t)
}

/// `range.end > t` (an open end is after everything).
fn ends_after(range: &TimeRange, t: Timestamp) -> bool {
    range.end.is_none_or(|e| e > t)
}

/// `range.end >= t`.
fn ends_by(range: &TimeRange, t: Timestamp) -> bool {
    range.end.is_none_or(|e| e >= t)
}

impl Span {
    /// Whether this span overlaps `range` by the RFC 4791 §9.9 table for its form.
    pub fn overlaps(&self, range: &TimeRange) -> bool {
        match *self {
            // A zero-length event is the "DURATION = 0" / "DTSTART only" row: the range
            // must contain the instant. Otherwise the plain half-open overlap.
            Span::Interval { start, end } => {
                let (lo, hi) = (start.min(end), start.max(end));
                if lo == hi {
                    starts_by(range, lo) && ends_after(range, lo)
                } else {
                    starts_before(range, hi) && ends_after(range, lo)
                }
            }
            Span::TodoStartDue { start, due } => {
                (starts_before(range, due) || starts_by(range, start))
                    && (ends_after(range, start) || ends_by(range, due))
            }
            Span::TodoStartDuration { start, end } => {
                starts_by(range, end) && (ends_after(range, start) || ends_by(range, end))
            }
            Span::EndsAtStart(t) => starts_before(range, t) && ends_after(range, t),
            Span::Start(t) => starts_by(range, t) && ends_after(range, t),
            Span::Due(t) => starts_before(range, t) && ends_by(range, t),
            Span::CompletedCreated { completed, created } => match (completed, created) {
                (Some(done), Some(made)) => {
                    (starts_by(range, made) || starts_by(range, done))
                        && (ends_by(range, made) || ends_by(range, done))
                }
                (Some(done), None) => starts_by(range, done) && ends_by(range, done),
                (None, Some(made)) => ends_after(range, made),
                (None, None) => true,
            },
            Span::Always => true,
            Span::Never => false,
        }
    }

    /// The closed interval `[lo, hi]` outside which the span can overlap no range
    /// (`None` = unbounded on that side): what the instance index stores.
    ///
    /// Every row of the §9.9 table needs `range.start <= hi` and `range.end >= lo`.
    /// [`Span::Never`] has no honest interval and gets the unbounded one (conservative).
    pub fn envelope(&self) -> (Option<Timestamp>, Option<Timestamp>) {
        match *self {
            Span::Interval { start, end } => (Some(start.min(end)), Some(start.max(end))),
            Span::TodoStartDue { start, due } => (Some(start.min(due)), Some(start.max(due))),
            Span::TodoStartDuration { start, end } => (Some(start.min(end)), Some(start.max(end))),
            Span::Start(t) | Span::Due(t) | Span::EndsAtStart(t) => (Some(t), Some(t)),
            Span::CompletedCreated { completed, created } => match (completed, created) {
                (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
                (Some(a), None) => (Some(a), Some(a)),
                (None, Some(b)) => (Some(b), None),
                (None, None) => (None, None),
            },
            Span::Always | Span::Never => (None, None),
        }
    }
}
