//! What every evaluation takes, and the refusals a filter earns before any data is read.

use jiff::tz::TimeZone;

use super::collation::Collation;
use super::types::{CompFilter, PropFilter, TextMatch};
use crate::time_range::TimeRange;

/// Options every evaluation takes.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// The zone floating times and DATEs are read in (RFC 4791 §9.9: the query's
    /// `C:timezone`, else the calendar's `calendar-timezone`, else UTC).
    pub floating: TimeZone,
    /// Most recurrence instances one resource may produce for one test or expansion.
    pub expansion_cap: usize,
}

impl Default for QueryOptions {
    fn default() -> Self {
        QueryOptions {
            floating: TimeZone::UTC,
            expansion_cap: 10_000,
        }
    }
}

/// Why a filter is refused before any resource is looked at (RFC 4791 §7.8 preconditions).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterProblem {
    /// A text-match names a collation we do not support (`CALDAV:supported-collation`).
    #[error("unsupported collation {0:?}")]
    UnsupportedCollation(String),
    /// A time-range whose end is not after its start (`CALDAV:valid-filter`; RFC 4791
    /// §9.9 requires end > start).
    #[error("time-range end is not after its start")]
    EmptyTimeRange,
}

/// Checks a filter against what the evaluator supports (RFC 4791 §7.8 preconditions).
pub fn check_filter(filter: &CompFilter) -> Result<(), FilterProblem> {
    check_range(filter.time_range.as_ref())?;
    filter.prop_filters.iter().try_for_each(check_prop)?;
    filter.comp_filters.iter().try_for_each(check_filter)
}

fn check_prop(filter: &PropFilter) -> Result<(), FilterProblem> {
    check_range(filter.time_range.as_ref())?;
    check_text(filter.text_match.as_ref())?;
    filter
        .param_filters
        .iter()
        .try_for_each(|p| check_text(p.text_match.as_ref()))
}

fn check_text(tm: Option<&TextMatch>) -> Result<(), FilterProblem> {
    match tm {
        Some(tm) if Collation::from_name(&tm.collation).is_none() => {
            Err(FilterProblem::UnsupportedCollation(tm.collation.clone()))
        }
        _ => Ok(()),
    }
}

fn check_range(range: Option<&TimeRange>) -> Result<(), FilterProblem> {
    match range {
        Some(TimeRange {
            start: Some(s),
            end: Some(e),
        }) if e <= s => Err(FilterProblem::EmptyTimeRange),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::types::{ParamFilter, PropFilter};
    use super::*;

    #[test]
    fn refusals_anywhere_in_the_tree() {
        let mut cal = CompFilter::named("VCALENDAR");
        assert_eq!(check_filter(&cal), Ok(()));
        let mut att = PropFilter::named("ATTENDEE");
        att.param_filters.push(ParamFilter {
            name: "PARTSTAT".into(),
            is_not_defined: false,
            text_match: Some(TextMatch::new("x", "i;ascii-numeric")),
        });
        let mut ev = CompFilter::named("VEVENT");
        ev.prop_filters.push(att);
        cal.comp_filters.push(ev);
        assert_eq!(
            check_filter(&cal),
            Err(FilterProblem::UnsupportedCollation(
                "i;ascii-numeric".into()
            ))
        );
        let t: jiff::Timestamp = "2006-01-04T00:00:00Z".parse().unwrap();
        let mut alarm = CompFilter::named("VALARM");
        alarm.time_range = Some(TimeRange::new(t, t));
        let mut todo = CompFilter::named("VTODO");
        todo.comp_filters.push(alarm);
        let mut cal = CompFilter::named("VCALENDAR");
        cal.comp_filters.push(todo);
        assert_eq!(check_filter(&cal), Err(FilterProblem::EmptyTimeRange));
        let open = TimeRange {
            start: Some(t),
            end: None,
        };
        cal.comp_filters[0].comp_filters[0].time_range = Some(open);
        assert_eq!(check_filter(&cal), Ok(()));
    }
}
