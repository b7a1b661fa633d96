//! Value types (RFC 5545 §3.3, RFC 7265 §3.6) and what each property defaults to. One table
//! serves both directions, so a type left implicit in iCalendar is exactly the type that
//! needs no VALUE parameter on the way back.

/// An iCalendar value type under its jCal name (the third element of a property array).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueType {
    /// `binary`: base64 text, carried as written.
    Binary,
    /// `boolean`: a JSON `true`/`false`.
    Boolean,
    /// `cal-address`: a URI string.
    CalAddress,
    /// `date`: `YYYY-MM-DD`.
    Date,
    /// `date-time`: `YYYY-MM-DDThh:mm:ss`, with `Z` when UTC.
    DateTime,
    /// `duration`: the RFC 5545 text, e.g. `PT1H`.
    Duration,
    /// `float`: a JSON number.
    Float,
    /// `integer`: a JSON number.
    Integer,
    /// `period`: `[start, end-or-duration]`.
    Period,
    /// `recur`: an object of rule parts.
    Recur,
    /// `text`: escapes resolved.
    Text,
    /// `time`: `hh:mm:ss`, with `Z` when UTC.
    Time,
    /// `uri`: a string.
    Uri,
    /// `utc-offset`: `+hh:mm`, or `+hh:mm:ss` when there are seconds.
    UtcOffset,
    /// No VALUE parameter and no known default (RFC 7265 §5): the raw text, untouched.
    Unknown,
    /// A VALUE no RFC here defines (e.g. `X-FOO`), lower-cased; the raw text, untouched.
    Other(String),
}

/// The defined types with their names; [`ValueType::Unknown`] and `Other` are not in it
/// because their names are not fixed.
const NAMED: [(ValueType, &str); 14] = [
    (ValueType::Binary, "binary"),
    (ValueType::Boolean, "boolean"),
    (ValueType::CalAddress, "cal-address"),
    (ValueType::Date, "date"),
    (ValueType::DateTime, "date-time"),
    (ValueType::Duration, "duration"),
    (ValueType::Float, "float"),
    (ValueType::Integer, "integer"),
    (ValueType::Period, "period"),
    (ValueType::Recur, "recur"),
    (ValueType::Text, "text"),
    (ValueType::Time, "time"),
    (ValueType::Uri, "uri"),
    (ValueType::UtcOffset, "utc-offset"),
];

impl ValueType {
    /// The jCal name: lower case, as in the third element of a property array.
    pub fn name(&self) -> &str {
        match self {
            ValueType::Unknown => "unknown",
            ValueType::Other(name) => name,
            defined => NAMED
                .iter()
                .find(|(t, _)| t == defined)
                .map_or("unknown", |(_, n)| n),
        }
    }

    /// The type called `name` in a VALUE parameter or a jCal array, case-insensitively.
    pub fn from_name(name: &str) -> ValueType {
        if name.eq_ignore_ascii_case("unknown") {
            return ValueType::Unknown;
        }
        NAMED
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map_or_else(
                || ValueType::Other(name.to_ascii_lowercase()),
                |(t, _)| t.clone(),
            )
    }

    /// Whether a single value of this type can never hold a comma, so a comma in the text
    /// can only separate values (RFC 5545 §3.1.1) and splitting there loses nothing.
    pub(crate) fn is_comma_free(&self) -> bool {
        matches!(
            self,
            ValueType::Boolean
                | ValueType::Date
                | ValueType::DateTime
                | ValueType::Duration
                | ValueType::Float
                | ValueType::Integer
                | ValueType::Period
                | ValueType::Time
                | ValueType::UtcOffset
        )
    }
}

/// Default value types of the properties of RFC 5545 §3.7–§3.8, RFC 7986 §5 and RFC 7953 §3.2.
const DEFAULTS: [(&str, ValueType); 53] = [
    ("ACTION", ValueType::Text),
    ("ATTACH", ValueType::Uri),
    ("ATTENDEE", ValueType::CalAddress),
    ("BUSYTYPE", ValueType::Text),
    ("CALSCALE", ValueType::Text),
    ("CATEGORIES", ValueType::Text),
    ("CLASS", ValueType::Text),
    ("COLOR", ValueType::Text),
    ("COMMENT", ValueType::Text),
    ("COMPLETED", ValueType::DateTime),
    ("CONFERENCE", ValueType::Uri),
    ("CONTACT", ValueType::Text),
    ("CREATED", ValueType::DateTime),
    ("DESCRIPTION", ValueType::Text),
    ("DTEND", ValueType::DateTime),
    ("DTSTAMP", ValueType::DateTime),
    ("DTSTART", ValueType::DateTime),
    ("DUE", ValueType::DateTime),
    ("DURATION", ValueType::Duration),
    ("EXDATE", ValueType::DateTime),
    ("FREEBUSY", ValueType::Period),
    ("GEO", ValueType::Float),
    ("IMAGE", ValueType::Uri),
    ("LAST-MODIFIED", ValueType::DateTime),
    ("LOCATION", ValueType::Text),
    ("METHOD", ValueType::Text),
    ("NAME", ValueType::Text),
    ("ORGANIZER", ValueType::CalAddress),
    ("PERCENT-COMPLETE", ValueType::Integer),
    ("PRIORITY", ValueType::Integer),
    ("PRODID", ValueType::Text),
    ("RDATE", ValueType::DateTime),
    ("RECURRENCE-ID", ValueType::DateTime),
    ("REFRESH-INTERVAL", ValueType::Duration),
    ("RELATED-TO", ValueType::Text),
    ("REPEAT", ValueType::Integer),
    ("REQUEST-STATUS", ValueType::Text),
    ("RESOURCES", ValueType::Text),
    ("RRULE", ValueType::Recur),
    ("SEQUENCE", ValueType::Integer),
    ("SOURCE", ValueType::Uri),
    ("STATUS", ValueType::Text),
    ("SUMMARY", ValueType::Text),
    ("TRANSP", ValueType::Text),
    ("TRIGGER", ValueType::Duration),
    ("TZID", ValueType::Text),
    ("TZNAME", ValueType::Text),
    ("TZOFFSETFROM", ValueType::UtcOffset),
    ("TZOFFSETTO", ValueType::UtcOffset),
    ("TZURL", ValueType::Uri),
    ("UID", ValueType::Text),
    ("URL", ValueType::Uri),
    ("VERSION", ValueType::Text),
];

/// The value type a property has without a VALUE parameter; [`ValueType::Unknown`] for
/// X- and unregistered properties (RFC 7265 §5).
pub fn default_type(prop_name: &str) -> ValueType {
    DEFAULTS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(prop_name))
        .map_or(ValueType::Unknown, |(_, t)| t.clone())
}

/// Properties whose value is a comma-separated list (RFC 7265 §3.4.1), so each list item
/// is its own jCal value, even for TEXT where a comma could otherwise be literal.
pub(crate) fn is_list(prop_name: &str) -> bool {
    ["CATEGORIES", "RESOURCES", "EXDATE", "RDATE", "FREEBUSY"]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(prop_name))
}

/// Properties whose value has `;`-separated parts, shown as one JSON array (RFC 7265
/// §3.4.1), when they have their default type.
pub(crate) fn is_structured(prop_name: &str, ty: &ValueType) -> bool {
    (prop_name.eq_ignore_ascii_case("GEO") && *ty == ValueType::Float)
        || (prop_name.eq_ignore_ascii_case("REQUEST-STATUS") && *ty == ValueType::Text)
}

/// Properties whose grammar requires the VALUE parameter even for their only type
/// (RFC 7986 §5.7, §5.11), so leaving the default implicit would make them invalid.
pub(crate) fn needs_value_param(prop_name: &str) -> bool {
    ["REFRESH-INTERVAL", "CONFERENCE"]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(prop_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (ty, name) in &NAMED {
            assert_eq!(ty.name(), *name);
            assert_eq!(ValueType::from_name(&name.to_ascii_uppercase()), *ty);
        }
        assert_eq!(ValueType::from_name("UNKNOWN"), ValueType::Unknown);
        assert_eq!(ValueType::Unknown.name(), "unknown");
        let other = ValueType::from_name("X-Coffee");
        assert_eq!(other, ValueType::Other("x-coffee".into()));
        assert_eq!(other.name(), "x-coffee");
    }

    #[test]
    fn defaults() {
        assert_eq!(default_type("dtstart"), ValueType::DateTime);
        assert_eq!(default_type("Geo"), ValueType::Float);
        assert_eq!(default_type("RRULE"), ValueType::Recur);
        assert_eq!(default_type("COLOR"), ValueType::Text);
        assert_eq!(default_type("X-FOO"), ValueType::Unknown);
        assert_eq!(default_type("DRESSCODE"), ValueType::Unknown);
        assert!(is_list("categories") && !is_list("SUMMARY"));
        assert!(is_structured("geo", &ValueType::Float));
        assert!(!is_structured("geo", &ValueType::Text));
    }
}
