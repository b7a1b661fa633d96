//! Instances of a resource: the master's recurrence set (DTSTART, RRULE, RDATE minus
//! EXDATE), overrides by RECURRENCE-ID, RANGE=THISANDFUTURE shifts, within a window.

use std::collections::HashSet;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::model::{Comp, PeriodEnd, Resource};
use super::rule::{Budget, CivilInstances, Until};
use super::zone::{Nominal, TimeValue};
use super::{Instance, Span};
use crate::kind::ComponentKind;
use crate::time_range::TimeRange;

/// How long an instance lasts from its start.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Length {
    /// DTEND/DUE minus DTSTART of a DATE-TIME master: the same exact length everywhere
    /// (RFC 5545 §3.8.5.3).
    Exact(i64),
    /// DURATION, or a difference of DATEs: days on the wall clock.
    Nominal(Nominal),
    /// No end (a to-do or journal with DTSTART only).
    None,
}

/// Where a THISANDFUTURE override moves the instances after it.
#[derive(Clone, Debug)]
enum Shift {
    /// Same clock as the master: move the wall-clock start.
    Civil(SignedDuration),
    /// Different clocks: move the instant.
    Exact(SignedDuration),
}

struct FutureOverride {
    key: Timestamp,
    component: usize,
    shift: Shift,
    length: Length,
}

/// What the expansion is for.
#[derive(Clone, Copy)]
pub(crate) enum Goal<'w> {
    /// Instances overlapping the window, at most `cap` (one more is kept to tell).
    Window { window: &'w TimeRange, cap: usize },
    /// Every instance of finite sets; open-ended rules give only their first.
    Bounds,
}

/// The result of a walk: instances found, whether the walk stopped early, whether some
/// rule is open-ended (Bounds only).
pub(crate) struct Walk {
    pub instances: Vec<Instance>,
    pub cut_short: bool,
    pub open_ended: bool,
}

/// The length of a component's instances.
pub(crate) fn length_of(comp: &Comp, floating: &TimeZone) -> Length {
    let Some(start) = &comp.dtstart else {
        return Length::None;
    };
    let end = match comp.kind {
        ComponentKind::Todo => comp.due.as_ref(),
        _ => comp.dtend.as_ref(),
    };
    if let Some(end) = end {
        if start.date && end.date {
            let days = end.civil.date().since(start.civil.date()).ok();
            let days = days.map_or(0, |s| i64::from(s.get_days()));
            return Length::Nominal(Nominal { days, seconds: 0 });
        }
        return match (start.resolve(floating), end.resolve(floating)) {
            (Some(s), Some(e)) => Length::Exact(e.duration_since(s).as_secs()),
            _ => Length::None,
        };
    }
    if let Some(d) = comp.duration {
        return Length::Nominal(d);
    }
    match comp.kind {
        ComponentKind::Event | ComponentKind::Journal if start.date => Length::Nominal(Nominal {
            days: 1,
            seconds: 0,
        }),
        ComponentKind::Event => Length::Exact(0),
        _ => Length::None,
    }
}

/// An instance of `comp` starting at `start`, lasting `length`.
fn instance(
    index: usize,
    comp: &Comp,
    start: &TimeValue,
    length: Length,
    recurrence_id: Option<Timestamp>,
    floating: &TimeZone,
    shift: Option<&Shift>,
) -> Option<Instance> {
    let zone = start.frame.zone(floating);
    let begin = match shift {
        Some(Shift::Civil(d)) => super::zone::resolve(start.civil.checked_add(*d).ok()?, &zone)?,
        Some(Shift::Exact(d)) => start.resolve(floating)?.checked_add(*d).ok()?,
        None => start.resolve(floating)?,
    };
    let end = match length {
        Length::Exact(secs) => Some(begin.checked_add(SignedDuration::from_secs(secs)).ok()?),
        Length::Nominal(n) => Some(n.add_to(begin, &zone)?),
        Length::None => None,
    };
    let span = match (comp.kind, end) {
        // The DTSTART+DURATION row of the VTODO table differs from the DTSTART+DUE row.
        (ComponentKind::Todo, Some(end)) if comp.due.is_none() => {
            Span::TodoStartDuration { start: begin, end }
        }
        (ComponentKind::Todo, Some(due)) => Span::TodoStartDue { start: begin, due },
        // A DTEND equal to DTSTART is still the DTEND row, not the zero-duration one.
        (ComponentKind::Event, Some(end)) if end == begin && comp.dtend.is_some() => {
            Span::EndsAtStart(begin)
        }
        (ComponentKind::Todo | ComponentKind::Journal, None) => Span::Start(begin),
        (ComponentKind::Availability, None) => Span::Always,
        (_, end) => Span::Interval {
            start: begin,
            end: end.unwrap_or(begin),
        },
    };
    Some(Instance {
        component: index,
        span,
        start: Some(begin),
        end,
        recurrence_id,
        all_day: start.date,
        floating: start.is_floating(),
    })
}

/// The instances of a component without DTSTART (RFC 4791 §9.9 rows without it).
fn startless(index: usize, comp: &Comp, floating: &TimeZone) -> Vec<Instance> {
    let plain = |span: Span, start: Option<Timestamp>, end: Option<Timestamp>| Instance {
        component: index,
        span,
        start,
        end,
        recurrence_id: None,
        all_day: false,
        floating: false,
    };
    match comp.kind {
        ComponentKind::Todo => {
            let due = comp.due.as_ref().and_then(|d| d.resolve(floating));
            let span = match due {
                Some(due) => Span::Due(due),
                None if comp.completed.is_some() || comp.created.is_some() => {
                    Span::CompletedCreated {
                        completed: comp.completed,
                        created: comp.created,
                    }
                }
                None => Span::Always,
            };
            let mut todo = plain(span, None, due);
            todo.floating = comp.due.as_ref().is_some_and(TimeValue::is_floating);
            vec![todo]
        }
        ComponentKind::FreeBusy if !comp.freebusy.is_empty() => comp
            .freebusy
            .iter()
            .map(|&(start, end)| plain(Span::Interval { start, end }, Some(start), Some(end)))
            .collect(),
        ComponentKind::Availability => vec![plain(Span::Always, None, None)],
        _ => vec![plain(Span::Never, None, None)],
    }
}

impl Goal<'_> {
    fn keep(&self, instance: &Instance) -> bool {
        match self {
            Goal::Window { window, .. } => instance.span.overlaps(window),
            Goal::Bounds => true,
        }
    }
}

/// Walks the resource's instances for `goal`.
pub(crate) fn walk(res: &Resource, goal: Goal<'_>, floating: &TimeZone) -> Walk {
    let mut walk = Walk {
        instances: Vec::new(),
        cut_short: false,
        open_ended: false,
    };
    let mut budget = Budget::new();
    let overrides: Vec<(Timestamp, usize)> = res
        .comps
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((c.recurrence_id.as_ref()?.resolve(floating)?, i)))
        .collect();
    for (index, comp) in res.comps.iter().enumerate() {
        if let Some(rid) = &comp.recurrence_id {
            let key = rid.resolve(floating);
            let start = comp.dtstart.as_ref().unwrap_or(rid);
            let master = res.comps.iter().find(|c| c.recurrence_id.is_none());
            let length = match (&comp.dtstart, master) {
                (None, Some(m)) => length_of(m, floating),
                _ => length_of(comp, floating),
            };
            if let Some(i) = instance(index, comp, start, length, key, floating, None)
                && goal.keep(&i)
            {
                walk.instances.push(i);
            }
            continue;
        }
        let Some(dtstart) = &comp.dtstart else {
            walk.instances.extend(
                startless(index, comp, floating)
                    .into_iter()
                    .filter(|i| goal.keep(i)),
            );
            continue;
        };
        let recurring = comp.recurs() || !overrides.is_empty();
        master(
            res,
            index,
            comp,
            dtstart,
            recurring,
            &overrides,
            goal,
            floating,
            &mut budget,
            &mut walk,
        );
    }
    walk.cut_short |= budget.exhausted;
    walk
}

/// The THISANDFUTURE overrides, sorted by the instance they start at.
fn future_overrides(
    res: &Resource,
    master: &TimeValue,
    floating: &TimeZone,
) -> Vec<FutureOverride> {
    let mut out: Vec<FutureOverride> = res
        .comps
        .iter()
        .enumerate()
        .filter(|(_, c)| c.this_and_future)
        .filter_map(|(i, c)| {
            let rid = c.recurrence_id.as_ref()?;
            let key = rid.resolve(floating)?;
            let start = c.dtstart.as_ref().unwrap_or(rid);
            let shift =
                if start.frame.same_clock(&master.frame) && rid.frame.same_clock(&master.frame) {
                    Shift::Civil(start.civil.duration_since(rid.civil))
                } else {
                    Shift::Exact(start.resolve(floating)?.duration_since(key))
                };
            Some(FutureOverride {
                key,
                component: i,
                shift,
                length: length_of(c, floating),
            })
        })
        .collect();
    out.sort_by_key(|f| f.key);
    out
}

/// One occurrence of the master's set before overrides: its start and own length.
struct Occurrence<'a> {
    start: TimeValue,
    period_end: Option<&'a PeriodEnd>,
}

/// The civil time (in the master's zone) before which no instance can reach the window:
/// the window start less the longest instance, the largest backward shift and two days.
fn restart_target(
    goal: Goal<'_>,
    length: Length,
    futures: &[FutureOverride],
    zone: &TimeZone,
) -> Option<jiff::civil::DateTime> {
    let Goal::Window { window, .. } = goal else {
        return None;
    };
    let longest = match length {
        Length::Exact(s) => s.saturating_abs(),
        Length::Nominal(n) => n.max_abs_seconds(),
        Length::None => 0,
    };
    let futures_longest = futures.iter().map(|f| match f.length {
        Length::Exact(s) => s.saturating_abs(),
        Length::Nominal(n) => n.max_abs_seconds(),
        Length::None => 0,
    });
    let behind = futures
        .iter()
        .map(|f| match f.shift {
            Shift::Civil(d) | Shift::Exact(d) => d.as_secs().min(0).saturating_abs(),
        })
        .max()
        .unwrap_or(0);
    let margin = futures_longest
        .fold(longest, i64::max)
        .saturating_add(behind)
        .saturating_add(2 * 86_400);
    let target = window
        .start?
        .checked_sub(SignedDuration::from_secs(margin))
        .ok()?;
    Some(target.to_zoned(zone.clone()).datetime())
}

#[allow(clippy::too_many_arguments)]
fn master(
    res: &Resource,
    index: usize,
    comp: &Comp,
    dtstart: &TimeValue,
    recurring: bool,
    overrides: &[(Timestamp, usize)],
    goal: Goal<'_>,
    floating: &TimeZone,
    budget: &mut Budget,
    walk: &mut Walk,
) {
    let length = length_of(comp, floating);
    let futures = future_overrides(res, dtstart, floating);
    let overridden: HashSet<Timestamp> = overrides.iter().map(|(k, _)| *k).collect();
    // Instances can start later than their key by a forward THISANDFUTURE shift.
    let ahead = futures
        .iter()
        .map(|f| match f.shift {
            Shift::Civil(d) | Shift::Exact(d) => d.as_secs().max(0),
        })
        .max()
        .unwrap_or(0)
        .saturating_add(2 * 86_400);
    let stop_after = match goal {
        Goal::Window { window, .. } => window
            .end
            .and_then(|e| e.checked_add(SignedDuration::from_secs(ahead)).ok()),
        Goal::Bounds => None,
    };
    let limit = match goal {
        Goal::Window { cap, .. } => cap.saturating_add(1),
        Goal::Bounds => usize::MAX,
    };
    let zone = dtstart.frame.zone(floating);
    // The set is (DTSTART, RRULEs, RDATEs) less (EXRULEs, EXDATEs) (RFC 2445 §4.8.5.2).
    let mut excluded = exrule_starts(comp, dtstart, &zone, stop_after, goal, budget);
    let mut excluded_days: HashSet<Date> = HashSet::new();
    for ex in &comp.exdates {
        if ex.date && !dtstart.date {
            excluded_days.insert(ex.civil.date());
        } else if let Some(t) = ex.resolve(floating) {
            excluded.insert(t);
        }
    }
    // The recurrence set is a union (RFC 5545 §3.8.5.2): a start both an RDATE and the
    // RRULE (or DTSTART) give is one instance.
    let mut seen: HashSet<Timestamp> = HashSet::new();
    let mut emit = |occ: &Occurrence<'_>, key: Timestamp, walk: &mut Walk| -> Option<bool> {
        if !seen.insert(key) {
            return Some(false);
        }
        if excluded.contains(&key)
            || (!occ.start.date && excluded_days.contains(&occ.start.civil.date()))
            || overridden.contains(&key)
        {
            return Some(false);
        }
        let future = futures.iter().rev().find(|f| f.key < key);
        let own_length = match occ.period_end {
            Some(PeriodEnd::Lasting(n)) => Some(Length::Nominal(*n)),
            Some(PeriodEnd::At(end)) => {
                let s = occ.start.resolve(floating)?;
                let e = end.resolve(floating)?;
                Some(Length::Exact(e.duration_since(s).as_secs()))
            }
            None => None,
        };
        let (source, source_index, length, shift) = match future {
            Some(f) => (
                res.comps.get(f.component)?,
                f.component,
                f.length,
                Some(&f.shift),
            ),
            None => (comp, index, own_length.unwrap_or(length), None),
        };
        let rid = recurring.then_some(key);
        let i = instance(
            source_index,
            source,
            &occ.start,
            length,
            rid,
            floating,
            shift,
        )?;
        let kept = goal.keep(&i);
        if kept {
            walk.instances.push(i);
        }
        Some(kept)
    };

    for rdate in &comp.rdates {
        let occ = Occurrence {
            start: rdate.start.clone(),
            period_end: rdate.end.as_ref(),
        };
        if let Some(key) = occ.start.resolve(floating) {
            emit(&occ, key, walk);
        }
    }

    if comp.rrules.is_empty() {
        if let Some(key) = dtstart.resolve(floating) {
            let occ = Occurrence {
                start: dtstart.clone(),
                period_end: None,
            };
            emit(&occ, key, walk);
        }
        return;
    }
    if comp.rrules.iter().any(|r| !r.is_finite()) && matches!(goal, Goal::Bounds) {
        walk.open_ended = true;
    }
    // Each RRULE on its own, at most `limit` kept instances each: the union's first `cap`
    // instances are among them, and the caller sorts and cuts.
    for rule in &comp.rrules {
        let mut kept = 0usize;
        let mut instances = match restart_target(goal, length, &futures, &zone) {
            Some(target) => CivilInstances::near(rule, dtstart.civil, target),
            None => CivilInstances::new(rule, dtstart.civil),
        };
        while let Some(civil) = instances.next(budget) {
            let Some(key) = super::zone::resolve(civil, &zone) else {
                break;
            };
            if let Some(Until::Utc(until)) = rule.until
                && key > until
                && civil != dtstart.civil
            {
                break;
            }
            if stop_after.is_some_and(|s| key > s) {
                break;
            }
            let occ = Occurrence {
                start: TimeValue {
                    civil,
                    date: dtstart.date,
                    frame: dtstart.frame.clone(),
                },
                period_end: None,
            };
            if emit(&occ, key, walk) == Some(true) {
                kept += 1;
                if kept >= limit {
                    break;
                }
            }
            if !rule.is_finite() && matches!(goal, Goal::Bounds) {
                break;
            }
        }
    }
}

/// The starts the component's EXRULEs give, up to `stop_after` (the window's end with its
/// margin). Without an end only finite rules are walked, and none for the first/last
/// bounds: left out, an EXRULE only makes the bounds wider than the set, which is safe
/// for an index. The budget bounds the work either way.
fn exrule_starts(
    comp: &Comp,
    dtstart: &TimeValue,
    zone: &TimeZone,
    stop_after: Option<Timestamp>,
    goal: Goal<'_>,
    budget: &mut Budget,
) -> HashSet<Timestamp> {
    let mut out = HashSet::new();
    for rule in &comp.exrules {
        if stop_after.is_none() && (!rule.is_finite() || matches!(goal, Goal::Bounds)) {
            continue;
        }
        let mut starts = CivilInstances::new(rule, dtstart.civil);
        while let Some(civil) = starts.next(budget) {
            let Some(key) = super::zone::resolve(civil, zone) else {
                break;
            };
            if let Some(Until::Utc(until)) = rule.until
                && key > until
            {
                break;
            }
            if stop_after.is_some_and(|s| key > s) {
                break;
            }
            out.insert(key);
        }
    }
    out
}
