//! iCalendar ingest, validation and indexing. Pure: no I/O, no async.
//!
//! [`ingest`] checks a calendar object resource for the CalDAV PUT path (RFC 4791 §4.1,
//! §5.3.2.1) and extracts its index fields; the client's bytes stay the stored truth and
//! are never re-serialised. Parsing is ours for lines, structure and the values the server
//! interprets (strict, with line numbers); calcard must read the same structure, so later
//! layers can use it on the stored bytes through [`to_calcard`].

mod analyse;
mod bundle;
mod compat;
mod contentline;
pub mod edit;
mod error;
mod fold;
pub mod jcal;
mod kind;
mod object;
mod props;
pub mod query;
mod recur;
pub mod search;
mod summary;
mod time_range;
mod timezone;
mod tree;
mod unfold;
mod value;

pub use bundle::{SplitError, SplitResource, merge_calendars, split_calendar};
pub use error::{IngestError, Precondition};
pub use kind::{ComponentKind, ComponentSet};
pub use object::{CalendarObject, ingest};
pub use recur::{
    AlarmTrigger, Bounds, Expansion, Instance, InstanceBusy, Schedule, Span, zone_by_name,
    zone_of_calendar_timezone,
};
pub use summary::{ComponentSummary, When, summarize};
pub use time_range::TimeRange;
pub use timezone::validate_timezone;

/// Reads iCalendar bytes that pass [`ingest`] (or [`validate_timezone`]) with calcard.
///
/// Unfolds first, so folds inside a UTF-8 sequence (legal: RFC 5545 folds at octets) do
/// not stop calcard, which needs a `&str`.
pub fn to_calcard(bytes: &[u8]) -> Result<calcard::icalendar::ICalendar, IngestError> {
    let unfolded = unfold::unfold(bytes)?;
    Ok(analyse::analyse(&unfolded)?.calcard)
}
