//! Why a calendar object resource was refused, and which CalDAV precondition that breaks.

/// The RFC 4791 §5.3.2.1 precondition a refused resource violates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precondition {
    /// `CALDAV:supported-calendar-data`: not iCalendar 2.0 (e.g. `VERSION:1.0`).
    SupportedCalendarData,
    /// `CALDAV:valid-calendar-data`: not well-formed iCalendar.
    ValidCalendarData,
    /// `CALDAV:valid-calendar-object-resource`: well-formed, but not one legal resource (§4.1).
    ValidCalendarObjectResource,
}

impl Precondition {
    /// The element's local name in the `urn:ietf:params:xml:ns:caldav` namespace.
    pub fn element_name(self) -> &'static str {
        match self {
            Precondition::SupportedCalendarData => "supported-calendar-data",
            Precondition::ValidCalendarData => "valid-calendar-data",
            Precondition::ValidCalendarObjectResource => "valid-calendar-object-resource",
        }
    }
}

/// Why iCalendar data was refused. Line numbers are 1-based physical lines of the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The text (after unfolding) is not UTF-8.
    #[error("line {line}: not UTF-8")]
    NotUtf8 {
        /// Where the first bad sequence starts.
        line: usize,
    },
    /// A content line that cannot be read (no name, no colon, bad parameter, control character...).
    #[error("line {line}: {reason}")]
    Syntax {
        /// The offending line.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// An expanded answer would hold more instances of one object than the cap (a
    /// request for them is refused rather than silently cut).
    #[error("more than {cap} instances of one object in the range: ask for a shorter range")]
    TooManyInstances {
        /// The most instances one object may expand to.
        cap: usize,
    },
    /// The data does not start with `BEGIN:VCALENDAR`.
    #[error("the data does not start with BEGIN:VCALENDAR")]
    NotVCalendar,
    /// Something other than blank lines follows `END:VCALENDAR`.
    #[error("line {line}: content after END:VCALENDAR")]
    TrailingContent {
        /// The first line after the calendar.
        line: usize,
    },
    /// A second (or nested) `BEGIN:VCALENDAR`.
    #[error("line {line}: more than one VCALENDAR")]
    MultipleCalendars {
        /// Where the second calendar begins.
        line: usize,
    },
    /// `END` names a different component than the innermost open `BEGIN`.
    #[error("line {line}: END:{found} closes BEGIN:{expected}")]
    MismatchedEnd {
        /// The `END` line.
        line: usize,
        /// The component that is open.
        expected: String,
        /// The component the `END` names.
        found: String,
    },
    /// The data ends while a component is still open.
    #[error("BEGIN:{component} (line {line}) is never closed")]
    Unterminated {
        /// The open component.
        component: String,
        /// Its `BEGIN` line.
        line: usize,
    },
    /// A known component inside a parent where RFC 5545 does not allow it.
    #[error("line {line}: {component} cannot appear inside {parent}")]
    MisplacedComponent {
        /// The `BEGIN` line.
        line: usize,
        /// The misplaced component.
        component: String,
        /// The component it was found in.
        parent: String,
    },
    /// A property value the server must understand does not parse.
    #[error("line {line}: bad {property} value: {reason}")]
    BadValue {
        /// The property's line.
        line: usize,
        /// The property name, upper-cased.
        property: String,
        /// What is wrong with the value.
        reason: String,
    },
    /// A property that may occur once per component occurs again.
    #[error("line {line}: {property} occurs more than once in {component}")]
    DuplicateProperty {
        /// The second occurrence.
        line: usize,
        /// The property name, upper-cased.
        property: String,
        /// The component holding it.
        component: String,
    },
    /// A VEVENT (or VAVAILABILITY/AVAILABLE) with both DTEND and DURATION.
    #[error("line {line}: both DTEND and DURATION")]
    DtendAndDuration {
        /// The later of the two properties.
        line: usize,
    },
    /// A VTODO with both DUE and DURATION.
    #[error("line {line}: both DUE and DURATION")]
    DueAndDuration {
        /// The later of the two properties.
        line: usize,
    },
    /// DTEND/DUE is a DATE where DTSTART is a DATE-TIME, or the other way round.
    #[error("line {line}: {property} and DTSTART must both be DATE or both DATE-TIME")]
    ValueTypeMismatch {
        /// The DTEND or DUE line.
        line: usize,
        /// `DTEND` or `DUE`.
        property: String,
    },
    /// A VTIMEZONE that cannot be used (no TZID, no observance, observance incomplete).
    #[error("line {line}: bad VTIMEZONE: {reason}")]
    BadTimezone {
        /// The VTIMEZONE or observance `BEGIN` line.
        line: usize,
        /// What is missing.
        reason: String,
    },
    /// Two VTIMEZONEs define the same TZID.
    #[error("line {line}: VTIMEZONE {tzid} is defined twice")]
    DuplicateTimezone {
        /// The second definition's `BEGIN` line.
        line: usize,
        /// The TZID.
        tzid: String,
    },
    /// The structure our iCalendar library reads differs from ours (e.g. quoted-printable
    /// soft line breaks), so later readers of the stored bytes would see other data.
    #[error("line {line}: ambiguous content (the iCalendar library reads it differently)")]
    Ambiguous {
        /// The first component that is read differently.
        line: usize,
    },
    /// `VERSION` is present and is not `2.0`.
    #[error("line {line}: iCalendar version {version} is not supported (only 2.0)")]
    UnsupportedVersion {
        /// The VERSION line.
        line: usize,
        /// The version found.
        version: String,
    },
    /// No VEVENT, VTODO, VJOURNAL, VFREEBUSY or VAVAILABILITY.
    #[error("no VEVENT, VTODO, VJOURNAL, VFREEBUSY or VAVAILABILITY component")]
    NoComponent,
    /// Components of more than one of those types.
    #[error("components of more than one type ({first} and {second})")]
    MixedComponentTypes {
        /// The first type seen.
        first: String,
        /// Another type.
        second: String,
    },
    /// A component without a (non-empty) UID.
    #[error("line {line}: {component} without UID")]
    MissingUid {
        /// The component's `BEGIN` line.
        line: usize,
        /// The component.
        component: String,
    },
    /// Components with different UIDs.
    #[error("line {line}: more than one UID ({first} and {second})")]
    MultipleUids {
        /// The line of the differing UID.
        line: usize,
        /// The first UID seen.
        first: String,
        /// A different one.
        second: String,
    },
    /// A METHOD property on the VCALENDAR (RFC 4791 §4.1).
    #[error("line {line}: METHOD is not allowed in a calendar object resource")]
    MethodNotAllowed {
        /// The METHOD line.
        line: usize,
    },
    /// Two components with the same RECURRENCE-ID.
    #[error("line {line}: RECURRENCE-ID {value} occurs twice")]
    DuplicateRecurrenceId {
        /// The second occurrence.
        line: usize,
        /// The RECURRENCE-ID value as written.
        value: String,
    },
    /// Two components without RECURRENCE-ID.
    #[error("line {line}: more than one component without RECURRENCE-ID")]
    DuplicateMaster {
        /// The second master's `BEGIN` line.
        line: usize,
    },
    /// A calendar-timezone value that is not exactly one VTIMEZONE and nothing else.
    #[error(
        "expected exactly one VTIMEZONE and no other component, found {timezones} VTIMEZONE(s)"
    )]
    NotSingleTimezone {
        /// How many VTIMEZONEs there were.
        timezones: usize,
    },
}

impl IngestError {
    /// The CalDAV precondition to report for this error.
    pub fn precondition(&self) -> Precondition {
        match self {
            IngestError::UnsupportedVersion { .. } => Precondition::SupportedCalendarData,
            IngestError::NoComponent
            | IngestError::MixedComponentTypes { .. }
            | IngestError::MissingUid { .. }
            | IngestError::MultipleUids { .. }
            | IngestError::MethodNotAllowed { .. }
            | IngestError::DuplicateRecurrenceId { .. }
            | IngestError::DuplicateMaster { .. } => Precondition::ValidCalendarObjectResource,
            _ => Precondition::ValidCalendarData,
        }
    }

    pub(crate) fn syntax(line: usize, reason: impl Into<String>) -> Self {
        IngestError::Syntax {
            line,
            reason: reason.into(),
        }
    }

    pub(crate) fn bad_value(line: usize, property: &str, reason: impl Into<String>) -> Self {
        IngestError::BadValue {
            line,
            property: property.to_ascii_uppercase(),
            reason: reason.into(),
        }
    }
}

/// Shortens client-supplied text quoted in an error, so messages stay small.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 80;
    if s.len() <= MAX {
        return s.to_owned();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_on_char_boundary() {
        assert_eq!(clip("abc"), "abc");
        let long = "é".repeat(100);
        let clipped = clip(&long);
        assert!(clipped.ends_with('…'));
        assert_eq!(clipped.chars().count(), 41);
    }

    #[test]
    fn element_names() {
        assert_eq!(
            IngestError::NoComponent.precondition().element_name(),
            "valid-calendar-object-resource"
        );
        assert_eq!(
            IngestError::NotVCalendar.precondition().element_name(),
            "valid-calendar-data"
        );
        let v = IngestError::UnsupportedVersion {
            line: 2,
            version: "1.0".into(),
        };
        assert_eq!(v.precondition().element_name(), "supported-calendar-data");
    }
}
