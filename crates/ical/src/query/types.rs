//! The calendar query language as plain data (RFC 4791 §9.6, §9.7): what a client asks
//! for, whichever door (CalDAV, REST, MCP) the request came in by.

use crate::time_range::TimeRange;

/// `C:comp-filter`: matches a component by name, time range and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompFilter {
    /// Component name, upper-cased (e.g. `VEVENT`).
    pub name: String,
    /// `C:is-not-defined`: matches when no such component exists.
    pub is_not_defined: bool,
    /// `C:time-range` the component must overlap.
    pub time_range: Option<TimeRange>,
    /// Property conditions, all of which must hold.
    pub prop_filters: Vec<PropFilter>,
    /// Sub-component conditions, all of which must hold.
    pub comp_filters: Vec<CompFilter>,
}

impl CompFilter {
    /// A filter that only asks for a component called `name` to exist.
    pub fn named(name: &str) -> Self {
        CompFilter {
            name: name.to_ascii_uppercase(),
            is_not_defined: false,
            time_range: None,
            prop_filters: Vec::new(),
            comp_filters: Vec::new(),
        }
    }
}

/// `C:prop-filter`: matches a property by name, time range, text or parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropFilter {
    /// Property name, upper-cased (e.g. `UID`).
    pub name: String,
    /// `C:is-not-defined`: matches when the property is absent.
    pub is_not_defined: bool,
    /// `C:time-range` a date-time property must fall in.
    pub time_range: Option<TimeRange>,
    /// `C:text-match` on the property value.
    pub text_match: Option<TextMatch>,
    /// Parameter conditions, all of which must hold.
    pub param_filters: Vec<ParamFilter>,
}

impl PropFilter {
    /// A filter that only asks for a property called `name` to exist.
    pub fn named(name: &str) -> Self {
        PropFilter {
            name: name.to_ascii_uppercase(),
            is_not_defined: false,
            time_range: None,
            text_match: None,
            param_filters: Vec::new(),
        }
    }
}

/// `C:param-filter`: matches a property parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamFilter {
    /// Parameter name, upper-cased (e.g. `PARTSTAT`).
    pub name: String,
    /// `C:is-not-defined`: matches when the parameter is absent.
    pub is_not_defined: bool,
    /// `C:text-match` on the parameter value.
    pub text_match: Option<TextMatch>,
}

/// `C:text-match`: substring match under a collation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextMatch {
    /// The text to look for, exactly as sent.
    pub value: String,
    /// Collation name (default `i;ascii-casemap`); [`super::check_filter`] refuses unknown ones.
    pub collation: String,
    /// `negate-condition="yes"`.
    pub negate: bool,
}

impl TextMatch {
    /// A non-negated match of `value` under `collation`.
    pub fn new(value: &str, collation: &str) -> Self {
        TextMatch {
            value: value.to_owned(),
            collation: collation.to_owned(),
            negate: false,
        }
    }
}

/// The options of a `C:calendar-data` request (RFC 4791 §9.6).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarDataRequest {
    /// `content-type` attribute as sent (RFC default: `text/calendar`).
    pub content_type: Option<String>,
    /// `version` attribute as sent (RFC default: `2.0`).
    pub version: Option<String>,
    /// Partial retrieval: which components and properties to return.
    pub comp: Option<CompSelection>,
    /// `C:expand`: return recurrence instances within this range, in UTC.
    pub expand: Option<TimeRange>,
    /// `C:limit-recurrence-set`: return only overrides relevant to this range.
    pub limit_recurrence_set: Option<TimeRange>,
    /// `C:limit-freebusy-set`: return only FREEBUSY values overlapping this range.
    pub limit_freebusy_set: Option<TimeRange>,
}

/// `C:comp`: a component to return, with the properties and sub-components wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompSelection {
    /// Component name, upper-cased (iCalendar names are case-insensitive).
    pub name: String,
    /// `C:allprop`: every property.
    pub allprop: bool,
    /// Listed properties (ignored when `allprop`).
    pub props: Vec<PropSelection>,
    /// `C:allcomp`: every sub-component.
    pub allcomp: bool,
    /// Listed sub-components (ignored when `allcomp`).
    pub comps: Vec<CompSelection>,
}

impl CompSelection {
    /// A selection of the component called `name` with nothing inside it yet.
    pub fn named(name: &str) -> Self {
        CompSelection {
            name: name.to_ascii_uppercase(),
            allprop: false,
            props: Vec::new(),
            allcomp: false,
            comps: Vec::new(),
        }
    }
}

/// `C:prop` inside `C:comp`: one property to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropSelection {
    /// Property name, upper-cased.
    pub name: String,
    /// `novalue="yes"`: return the property without its value.
    pub novalue: bool,
}
