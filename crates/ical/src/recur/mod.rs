//! The recurrence engine: the instances of a calendar object resource, with times
//! resolved to instants (RFC 5545 §3.8.5, §3.3.10; RFC 4791 §9.9).
//!
//! CONTRACT (written before the implementation; the names and signatures below are what
//! the query evaluator, the instance index and `core` are coded against — keep them).
//!
//! * Times: DATE-TIME with TZID resolves through the resource's own VTIMEZONE (RFC 5545
//!   makes the VTIMEZONE in the object authoritative, so its rules win even over an IANA
//!   zone of the same name), else the IANA zone of that name, else the Windows name
//!   mapped to IANA; an unknown TZID with no VTIMEZONE is treated as floating. Floating
//!   DATE-TIMEs and DATEs resolve in the `floating` zone the caller passes (the calendar's
//!   or the query's time zone, RFC 4791 §9.9; UTC by default).
//! * Gaps and folds (RFC 5545 §3.3.5): a local time in a gap is moved forward by the
//!   gap's length; a local time in a fold takes the first (earlier) of the two instants.
//! * Expansion runs in local (wall-clock) time, then each instance is resolved, so
//!   instances keep their local time across DST changes.
//! * Bounded: `instances` never produces more than `cap` instances and never iterates
//!   unboundedly for rules whose instances lie far outside the window.

mod alarm;
mod expand;
mod model;
mod named;
mod rule;
mod span;
mod vtimezone;
mod windows;
mod zone;

pub use named::{zone_by_name, zone_of_calendar_timezone};
pub(crate) use zone::Zones;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::IngestError;
use crate::kind::ComponentKind;
use crate::time_range::TimeRange;

/// The interpreted recurrence set of one calendar object resource: every calendar
/// component (master and overrides) with resolved times, rules and alarms.
#[derive(Debug, Clone)]
pub struct Schedule {
    resource: model::Resource,
}

/// How one instance occupies time, in the forms RFC 4791 §9.9 distinguishes per component
/// type; [`Span::overlaps`] applies that section's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// VEVENT (and VJOURNAL/VFREEBUSY with an extent): `[start, end)`; `start == end`
    /// is an instant that overlaps a range containing it.
    Interval { start: Timestamp, end: Timestamp },
    /// VTODO with DTSTART and DUE.
    TodoStartDue { start: Timestamp, due: Timestamp },
    /// VTODO with DTSTART and DURATION (`end` = DTSTART + DURATION).
    TodoStartDuration { start: Timestamp, end: Timestamp },
    /// VEVENT whose DTEND equals its DTSTART: by the DTEND row of the table
    /// (`start < DTEND AND end > DTSTART`) it overlaps only ranges around it.
    EndsAtStart(Timestamp),
    /// VTODO with DTSTART only (or VJOURNAL with a DATE-TIME DTSTART): an instant.
    Start(Timestamp),
    /// VTODO with DUE only.
    Due(Timestamp),
    /// VTODO with neither DTSTART nor DUE: COMPLETED and/or CREATED.
    CompletedCreated {
        completed: Option<Timestamp>,
        created: Option<Timestamp>,
    },
    /// VTODO with none of DTSTART, DUE, COMPLETED, CREATED: overlaps every range.
    Always,
    /// VJOURNAL without DTSTART: overlaps no range.
    Never,
}

/// One instance of a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Index of the component (master or override) this instance comes from, in document
    /// order among the resource's calendar components (VEVENT/VTODO/VJOURNAL/VFREEBUSY;
    /// VTIMEZONE and VALARM are not counted).
    pub component: usize,
    /// How the instance occupies time.
    pub span: Span,
    /// The instance's start (DTSTART as resolved), if the component has one.
    pub start: Option<Timestamp>,
    /// The instance's end (DTEND, DTSTART+DURATION, DUE, or the RFC 5545 default), if any.
    pub end: Option<Timestamp>,
    /// For instances of a recurring set: the original start (the RECURRENCE-ID value),
    /// resolved; `None` for a non-recurring component.
    pub recurrence_id: Option<Timestamp>,
    /// DTSTART is a DATE (all-day).
    pub all_day: bool,
    /// DTSTART is floating (or a DATE): resolved in the caller's floating zone.
    pub floating: bool,
}

/// The instances in a window, in order of start (then component).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The instances found.
    pub instances: Vec<Instance>,
    /// More instances overlap the window than the cap allowed.
    pub truncated: bool,
}

/// Where a resource's instances can lie: what the index keeps beside the materialised
/// instances. Floating and DATE values are resolved as UTC here; callers widen by the
/// largest UTC offset (±14 h) when [`Schedule::has_floating`] says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Lowest envelope start over all instances (`None` = unbounded below).
    pub first: Option<Timestamp>,
    /// Highest envelope end over all instances (`None` = unbounded: open-ended rule).
    pub last: Option<Timestamp>,
}

/// A VALARM trigger of one instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlarmTrigger {
    /// Index of the VALARM among the component's VALARMs, in document order.
    pub alarm: usize,
    /// The instant the alarm fires (each REPEAT is its own trigger).
    pub at: Timestamp,
}

impl Schedule {
    /// Interprets a resource that passed [`crate::ingest`] (stored bytes).
    pub fn parse(bytes: &[u8]) -> Result<Schedule, IngestError> {
        Ok(Schedule {
            resource: model::read(bytes)?,
        })
    }

    /// Interprets a resource from its tree (already built by a caller that needs both).
    pub(crate) fn from_tree(tree: &crate::tree::Tree<'_>) -> Result<Schedule, IngestError> {
        Ok(Schedule {
            resource: model::read_tree(tree)?,
        })
    }

    /// The resource's component type.
    pub fn kind(&self) -> ComponentKind {
        self.resource.kind
    }

    /// Whether any instance time is floating or a DATE (depends on the floating zone).
    pub fn has_floating(&self) -> bool {
        self.resource.comps.iter().any(model::Comp::has_floating)
    }

    /// Every instance whose span overlaps `window`, in start order, at most `cap`.
    /// Overrides replace the master instance with the same RECURRENCE-ID (and with
    /// RANGE=THISANDFUTURE shift the later ones); EXDATEs remove instances.
    pub fn instances(&self, window: &TimeRange, floating: &TimeZone, cap: usize) -> Expansion {
        let goal = expand::Goal::Window { window, cap };
        let walk = expand::walk(&self.resource, goal, floating);
        let mut instances = walk.instances;
        instances.sort_by_key(|i| (i.start.or(i.span.envelope().0), i.component));
        let truncated = walk.cut_short || instances.len() > cap;
        instances.truncate(cap);
        Expansion {
            instances,
            truncated,
        }
    }

    /// First and last envelope bounds over the whole recurrence set (floating as UTC).
    pub fn bounds(&self) -> Bounds {
        let walk = expand::walk(&self.resource, expand::Goal::Bounds, &TimeZone::UTC);
        let mut first: Option<Option<Timestamp>> = None;
        let mut last: Option<Option<Timestamp>> = None;
        for instance in &walk.instances {
            let (lo, hi) = instance.span.envelope();
            first = Some(match (first, lo) {
                (None, lo) => lo,
                (Some(Some(a)), Some(b)) => Some(a.min(b)),
                _ => None,
            });
            last = Some(match (last, hi) {
                (None, hi) => hi,
                (Some(Some(a)), Some(b)) => Some(a.max(b)),
                _ => None,
            });
        }
        let open = walk.open_ended || walk.cut_short;
        Bounds {
            first: first.flatten(),
            last: if open { None } else { last.flatten() },
        }
    }

    /// The alarm triggers of one instance (RFC 5545 §3.8.6.3: relative to the instance's
    /// start or end, or absolute; REPEAT/DURATION repetitions included).
    pub fn alarm_triggers(&self, instance: &Instance, floating: &TimeZone) -> Vec<AlarmTrigger> {
        match self.resource.comps.get(instance.component) {
            Some(comp) => alarm::triggers(comp, instance, floating),
            None => Vec::new(),
        }
    }
}
