//! The JSON shape of an event, task or journal entry (the REST API's schema).

use serde::{Deserialize, Serialize};

/// The type of a component: `event` (VEVENT), `task` (VTODO) or `journal` (VJOURNAL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Kind {
    /// VEVENT.
    Event,
    /// VTODO.
    Task,
    /// VJOURNAL.
    Journal,
}

impl Kind {
    /// The iCalendar component name.
    pub fn component_name(self) -> &'static str {
        match self {
            Kind::Event => "VEVENT",
            Kind::Task => "VTODO",
            Kind::Journal => "VJOURNAL",
        }
    }

    /// The kind of a component name, case-insensitively.
    pub fn of(name: &str) -> Option<Kind> {
        [Kind::Event, Kind::Task, Kind::Journal]
            .into_iter()
            .find(|k| k.component_name().eq_ignore_ascii_case(name))
    }
}

/// A point in time as iCalendar writes it: exactly one of `date` (all-day) or
/// `date_time`. A `date_time` ending in `Z` is UTC; with `time_zone` it is wall-clock time
/// in that zone (an IANA name, or a TZID the object defines); with neither it is floating.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct When {
    /// `YYYY-MM-DD`, for all-day values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// `YYYY-MM-DDThh:mm:ss`, with a trailing `Z` when UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    /// The time zone of a local `date_time` (e.g. `Europe/Berlin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// The organizer: an address and a display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// The e-mail address (the `mailto:` URI without its scheme; other URIs in full).
    pub email: String,
    /// The display name (CN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An attendee. Omitted optional fields keep the attendee's current value on update.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    /// The e-mail address (the `mailto:` URI without its scheme; other URIs in full).
    pub email: String,
    /// The display name (CN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ROLE, e.g. `REQ-PARTICIPANT`, `OPT-PARTICIPANT`, `CHAIR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// PARTSTAT, e.g. `NEEDS-ACTION`, `ACCEPTED`, `DECLINED`, `TENTATIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// RSVP: whether a reply is expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rsvp: Option<bool>,
}

/// What an alarm does (VALARM ACTION). Alarms with other actions (e.g. Apple's `NONE`
/// placeholders) are not listed and are kept as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AlarmAction {
    /// Show a message.
    Display,
    /// Play a sound.
    Audio,
    /// Send an e-mail (to the organizer when the alarm is new).
    Email,
}

/// Which end of the instance a relative trigger counts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Related {
    /// The start (DTSTART), the default.
    #[default]
    Start,
    /// The end (DTEND or DUE).
    End,
}

/// When an alarm fires: a duration relative to the start or end, or an absolute time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AlarmTrigger {
    /// Relative: an RFC 5545 duration such as `-PT15M` (negative = before).
    Relative {
        /// The offset, e.g. `-PT15M`, `-P1D`, `PT0S`.
        duration: String,
        /// Counted from the start (default) or the end.
        #[serde(default)]
        related: Related,
    },
    /// Absolute: a UTC time `YYYY-MM-DDThh:mm:ssZ`.
    Absolute {
        /// The UTC time.
        at: String,
    },
}

/// A reminder (VALARM).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alarm {
    /// What it does.
    pub action: AlarmAction,
    /// When it fires.
    pub trigger: AlarmTrigger,
    /// The text shown or sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Busy-time transparency (TRANSP).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Transparency {
    /// Blocks time (OPAQUE).
    Opaque,
    /// Does not block time (TRANSPARENT).
    Transparent,
}

/// One event, task or journal entry of a calendar object (the master or an override),
/// in the fields the API models. Everything else stays in the stored iCalendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventFields {
    /// `event`, `task` or `journal`.
    pub kind: Kind,
    /// UID, shared by the master and its overrides.
    pub uid: String,
    /// For an override: the instance it replaces (RECURRENCE-ID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence_id: Option<When>,
    /// Title (SUMMARY).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// DESCRIPTION.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// LOCATION.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Start (DTSTART).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<When>,
    /// End of an event (DTEND, exclusive; for all-day events the day after the last).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<When>,
    /// DURATION (e.g. `PT1H`), only when the object uses DURATION instead of an end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Due time of a task (DUE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<When>,
    /// When a task was completed (COMPLETED), UTC `YYYY-MM-DDThh:mm:ssZ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
    /// PERCENT-COMPLETE of a task, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<u8>,
    /// STATUS, upper case (e.g. `CONFIRMED`, `CANCELLED`, `NEEDS-ACTION`, `COMPLETED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Whether the event blocks time (TRANSP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transparency: Option<Transparency>,
    /// CLASS, upper case (`PUBLIC`, `PRIVATE`, `CONFIDENTIAL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// PRIORITY, 0 (undefined) and 1 (highest) to 9 (lowest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// CATEGORIES.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// COLOR (RFC 7986): a CSS3 color name or value as the client wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// ORGANIZER.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizer: Option<Person>,
    /// ATTENDEEs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<Attendee>,
    /// Reminders (VALARMs with action display, audio or email).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<Alarm>,
    /// Recurrence lines as iCalendar writes them, e.g. `RRULE:FREQ=WEEKLY;BYDAY=MO`,
    /// `EXDATE;TZID=Europe/Berlin:20261207T090000`, `RDATE;VALUE=DATE:20261224`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recurrence: Vec<String>,
    /// SEQUENCE (read-only: bumped when times or recurrence change).
    #[serde(default)]
    pub sequence: u32,
    /// CREATED, UTC (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// LAST-MODIFIED, UTC (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}
