//! Editing a stored calendar object through a JSON model, for the REST API.
//!
//! The stored iCalendar bytes stay the truth: [`Document`] keeps every line it read and
//! writes back unchanged lines with their original content, so X- properties, unknown
//! IANA properties, parameters, unmodelled VALARMs and unknown components survive an
//! edit untouched. Only the properties a patch names are rewritten.
//!
//! * [`read`] turns a document into [`EventFields`] (master first, then overrides).
//! * [`Document::apply`] applies an [`EventPatch`] to the master or to one instance.
//! * [`new_object`] builds a new calendar object from a patch.
//! * Recurrence scopes: [`Document::edit_instance`] (`this`), [`Document::split_at`]
//!   (`following`, as a new series), [`Document::truncate_at`] (delete `following`),
//!   [`Document::delete_instance`] (delete `this`), [`Document::apply`] on
//!   [`Target::Master`] (`all`).
//!
//! Instances are named by their RECURRENCE-ID value in iCalendar form: UTC
//! (`20261203T110000Z`), local in the master's DTSTART zone (`20261203T090000`), or a DATE
//! (`20261203`); they are matched by instant, not by text, through the crate's
//! recurrence engine with bounded windows and caps.
//!
//! Time zones: a `time_zone` the object has no VTIMEZONE for is written as `TZID=` with the
//! IANA name, and [`Document::to_bytes`] adds a VTIMEZONE generated from the IANA zone for
//! it (RFC 5545 §3.2.19; Thunderbird and Outlook rely on it). VTIMEZONEs the object
//! already has are kept as they are, and a TZID the edit did not write gets none.

mod alarms;
mod apply;
mod create;
mod doc;
mod json;
mod patch;
mod people;
mod read;
mod recurrence;
mod scope;
mod series;
mod shift;
mod split;
mod text;
mod times;
mod vtimezone;
mod when;
mod zones;

pub use create::new_object;
pub use doc::Document;
pub use json::{
    Alarm, AlarmAction, AlarmTrigger, Attendee, EventFields, Kind, Person, Related, Transparency,
    When,
};
pub use patch::{EventPatch, Patch};
pub use read::read;
pub use vtimezone::calendar_timezone;

use crate::error::IngestError;

/// Which component of a calendar object an edit applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The master (the component without RECURRENCE-ID): scope `all`, or a single event.
    Master,
    /// One instance, by RECURRENCE-ID value (scope `this`; an override is made if needed).
    Instance(String),
}

/// Why an edit was refused. [`EditError::Field`] names the JSON field at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// The stored object does not parse (it should have passed [`crate::ingest`]).
    #[error("the stored object does not parse: {0}")]
    Invalid(#[from] IngestError),
    /// A field of the patch has a value that cannot be written.
    #[error("{field}: {reason}")]
    Field {
        /// The JSON field (e.g. `end`, `attendees[2].email`).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The object has no event, task or journal entry.
    #[error("the object has no VEVENT, VTODO or VJOURNAL")]
    NoComponent,
    /// The object has only overrides and the edit needs the master.
    #[error("the object has no master component (only overrides)")]
    NoMaster,
    /// The object does not recur, so it has no instances to address.
    #[error("the object does not recur")]
    NotRecurring,
    /// A recurrence id that does not parse as DATE or DATE-TIME.
    #[error("{0:?} is not a RECURRENCE-ID (use 20261203T110000Z, 20261203T120000 or 20261203)")]
    BadRecurrenceId(String),
    /// No instance of the series starts at that recurrence id.
    #[error("no instance at {0}")]
    NoSuchInstance(String),
    /// A split or truncation at the first instance: the caller should edit (or delete)
    /// the whole series instead (scope `all`).
    #[error("{0} is the first instance: apply the change to the whole series")]
    FirstInstance(String),
    /// The edit would leave the object without any component.
    #[error("the edit would leave the object empty: delete it instead")]
    WouldBeEmpty,
    /// More instances than the bounded expansion allows.
    #[error("the series has too many instances to edit this way")]
    TooManyInstances,
    /// A well-formed request this module does not carry out.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

impl EditError {
    /// A refusal naming `field`.
    pub(crate) fn field(field: impl Into<String>, reason: impl Into<String>) -> EditError {
        EditError::Field {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
