//! jCal (RFC 7265): iCalendar as JSON, and back.
//!
//! A syntactic mapping, not a validator. iCalendar is read with the crate's line reader and
//! component tree, so its rules hold (one VCALENDAR, known components in legal places);
//! values are checked only against their own type, and a value whose type was merely
//! presumed from the property name and does not parse becomes `"unknown"` with its raw
//! text, which converts back to the same line, so nothing the server stores fails to
//! convert. jCal is checked element by element, and every refusal carries the JSON pointer
//! of the offending element; which components nest where is left to the caller.

mod datetime;
mod error;
mod from_json;
mod recur;
mod text;
mod to_json;
mod types;
mod values;

#[cfg(test)]
mod rfc_examples;
#[cfg(test)]
mod round_trip;

pub use error::JcalError;
pub use types::{ValueType, default_type};

/// How deep components may nest (VCALENDAR counting as 1); real data needs 3, and the
/// converters recurse once per level.
pub const MAX_DEPTH: usize = 64;

/// Converts one iCalendar object (folded or not, CRLF or LF) into its jCal array
/// `["vcalendar", [properties...], [components...]]`.
pub fn to_jcal(ical: &[u8]) -> Result<serde_json::Value, JcalError> {
    to_json::calendar(ical)
}

/// Converts jCal back to iCalendar text: CRLF line ends, lines folded at 75 octets. Takes a
/// component array (usually `vcalendar`), or an array of them, which are written in turn.
pub fn from_jcal(value: &serde_json::Value) -> Result<String, JcalError> {
    from_json::stream(value)
}
