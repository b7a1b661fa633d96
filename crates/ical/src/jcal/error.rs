//! Why a conversion between iCalendar and jCal failed.

use crate::error::IngestError;

/// Why [`to_jcal`](super::to_jcal) or [`from_jcal`](super::from_jcal) refused its input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JcalError {
    /// The iCalendar input cannot be read as one VCALENDAR (lines, UTF-8, BEGIN/END).
    #[error("not readable iCalendar: {0}")]
    Ical(#[from] IngestError),
    /// A value that does not match the type its VALUE parameter declares.
    #[error("line {line}: {property} value is not a valid {value_type}: {reason}")]
    BadValue {
        /// The property's first physical line.
        line: usize,
        /// The property name, upper-cased.
        property: String,
        /// The declared type's jCal name.
        value_type: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Components nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    #[error("{location}: components nested more than {limit} deep")]
    TooDeep {
        /// `line N` of the iCalendar input, or the JSON pointer of the jCal component.
        location: String,
        /// The limit.
        limit: usize,
    },
    /// jCal that does not have the RFC 7265 shape, or a value of the wrong JSON type.
    #[error("{}: {reason}", describe(.path))]
    Malformed {
        /// JSON pointer (RFC 6901) to the offending element; empty for the whole document.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// The empty pointer is the whole document, which would print as nothing.
fn describe(path: &str) -> &str {
    if path.is_empty() {
        "jCal document"
    } else {
        path
    }
}

impl JcalError {
    pub(crate) fn malformed(path: &str, reason: impl Into<String>) -> JcalError {
        JcalError::Malformed {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_where() {
        let e = JcalError::malformed("/2/0/1/3", "dtstart: expected a string");
        assert_eq!(e.to_string(), "/2/0/1/3: dtstart: expected a string");
        let e = JcalError::malformed("", "expected an array");
        assert_eq!(e.to_string(), "jCal document: expected an array");
    }
}
