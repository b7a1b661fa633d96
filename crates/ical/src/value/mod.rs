//! Parsers for the value types the server interprets. Strict where meaning is at stake,
//! lenient where a producer's form is unambiguous.

mod datetime;
mod duration;
mod rrule;
mod text;

pub(crate) use datetime::{
    DateOrDateTime, parse_date, parse_date_or_date_time, parse_date_time, parse_period,
    parse_utc_offset,
};
pub(crate) use duration::parse_duration;
pub(crate) use rrule::check_rrule;
pub(crate) use text::unescape_text;
