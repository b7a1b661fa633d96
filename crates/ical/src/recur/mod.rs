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
use crate::query::BusyKind;
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

/// How one instance counts for free/busy (RFC 4791 §7.10) as far as the instance index
/// can tell without the query's floating zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceBusy {
    /// Adds no busy time: a transparent or cancelled VEVENT, a VTODO, a VJOURNAL.
    Free,
    /// Busy of this kind over exactly the instance's interval.
    Busy(BusyKind),
    /// Only evaluating the resource can tell: floating or all-day times, VFREEBUSY.
    Evaluate,
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

    /// How `instance` counts for free/busy (see [`InstanceBusy`]).
    pub fn instance_busy(&self, instance: &Instance) -> InstanceBusy {
        let Some(comp) = self.resource.comps.get(instance.component) else {
            return InstanceBusy::Evaluate;
        };
        match comp.kind {
            ComponentKind::Todo | ComponentKind::Journal => InstanceBusy::Free,
            ComponentKind::Event => match (comp.event_busy, instance.span) {
                (None, _) => InstanceBusy::Free,
                // Free/busy takes the instance's own [start, end); the index keeps that
                // only for a zoned, forward interval.
                (Some(kind), Span::Interval { start, end })
                    if !instance.floating && start <= end =>
                {
                    InstanceBusy::Busy(kind)
                }
                (Some(_), _) => InstanceBusy::Evaluate,
            },
            _ => InstanceBusy::Evaluate,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn busy_of(components: &str) -> Vec<InstanceBusy> {
        let ics = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\n{components}END:VCALENDAR\r\n"
        );
        let schedule = Schedule::parse(ics.as_bytes()).unwrap();
        let all = TimeRange {
            start: None,
            end: None,
        };
        schedule
            .instances(&all, &TimeZone::UTC, 100)
            .instances
            .iter()
            .map(|i| schedule.instance_busy(i))
            .collect()
    }

    fn event(times: &str, extra: &str) -> String {
        format!("BEGIN:VEVENT\r\nUID:e\r\nDTSTAMP:20260101T000000Z\r\n{times}{extra}END:VEVENT\r\n")
    }

    const ZONED: &str = "DTSTART:20260302T100000Z\r\nDTEND:20260302T110000Z\r\n";

    #[test]
    fn zoned_events_are_busy_by_status_and_transparency() {
        let kind = |extra: &str| busy_of(&event(ZONED, extra));
        assert_eq!(kind(""), [InstanceBusy::Busy(BusyKind::Busy)]);
        assert_eq!(
            kind("STATUS:TENTATIVE\r\n"),
            [InstanceBusy::Busy(BusyKind::Tentative)]
        );
        assert_eq!(kind("STATUS:CANCELLED\r\n"), [InstanceBusy::Free]);
        assert_eq!(kind("TRANSP:TRANSPARENT\r\n"), [InstanceBusy::Free]);
        assert_eq!(
            kind("TRANSP:OPAQUE\r\nSTATUS:CONFIRMED\r\n"),
            [InstanceBusy::Busy(BusyKind::Busy)]
        );
    }

    #[test]
    fn overrides_count_by_their_own_status() {
        let series = format!(
            "{}{}",
            event(ZONED, "RRULE:FREQ=DAILY;COUNT=2\r\n"),
            event(
                "RECURRENCE-ID:20260303T100000Z\r\nDTSTART:20260303T100000Z\r\nDTEND:20260303T110000Z\r\n",
                "STATUS:CANCELLED\r\n"
            )
        );
        assert_eq!(
            busy_of(&series),
            [InstanceBusy::Busy(BusyKind::Busy), InstanceBusy::Free]
        );
    }

    #[test]
    fn floating_all_day_and_freebusy_need_evaluation_todos_are_free() {
        let floating = event("DTSTART:20260302T100000\r\nDTEND:20260302T110000\r\n", "");
        assert_eq!(busy_of(&floating), [InstanceBusy::Evaluate]);
        let all_day = event("DTSTART;VALUE=DATE:20260302\r\n", "");
        assert_eq!(busy_of(&all_day), [InstanceBusy::Evaluate]);
        let todo = "BEGIN:VTODO\r\nUID:t\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART:20260302T100000Z\r\nDUE:20260302T110000Z\r\nEND:VTODO\r\n";
        assert_eq!(busy_of(todo), [InstanceBusy::Free]);
        let vfb = "BEGIN:VFREEBUSY\r\nUID:f\r\nDTSTAMP:20260101T000000Z\r\n\
FREEBUSY:20260302T100000Z/20260302T110000Z\r\nEND:VFREEBUSY\r\n";
        assert!(busy_of(vfb).iter().all(|b| *b == InstanceBusy::Evaluate));
    }
}
