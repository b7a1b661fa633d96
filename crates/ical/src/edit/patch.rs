//! A partial update: each field absent (unchanged), `null` (removed) or a new value.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::json::{Alarm, Attendee, Person, Transparency, When};

/// One field of a patch. JSON: field missing = [`Patch::Absent`], `null` =
/// [`Patch::Null`], a value = [`Patch::Set`]. Use with `#[serde(default)]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// Not in the patch: leave the property as it is.
    #[default]
    Absent,
    /// `null`: remove the property.
    Null,
    /// Set the property to this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field was given (as a value or as `null`).
    pub fn is_present(&self) -> bool {
        !matches!(self, Patch::Absent)
    }

    /// Whether the field was left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The new value: `None` for absent, `Some(None)` for `null`.
    pub fn as_change(&self) -> Option<Option<&T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Set(v) => Some(Some(v)),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Only called when the field is present, so `None` here is an explicit null.
        Ok(match Option::<T>::deserialize(d)? {
            Some(v) => Patch::Set(v),
            None => Patch::Null,
        })
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => s.serialize_some(v),
            Patch::Absent | Patch::Null => s.serialize_none(),
        }
    }
}

/// Changes to one event, task or journal entry. Every field is optional: left out means
/// unchanged, `null` removes it. Read-only fields of [`super::EventFields`] (`kind`,
/// `uid`, `recurrence_id`, `sequence`, `created`, `last_modified`) are ignored if sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPatch {
    /// Title (SUMMARY).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub summary: Patch<String>,
    /// DESCRIPTION.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub description: Patch<String>,
    /// LOCATION.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub location: Patch<String>,
    /// Start (DTSTART). Changing it on the master of a series moves the overrides'
    /// recurrence ids and the EXDATEs/RDATEs with it. A `time_zone` the object has no
    /// VTIMEZONE for is written as `TZID=<IANA name>`, with a VTIMEZONE for it. The end is not
    /// moved along: send `end` too when the start moves past it.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<When>))]
    pub start: Patch<When>,
    /// End of an event (DTEND); replaces a DURATION.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<When>))]
    pub end: Patch<When>,
    /// DURATION (e.g. `PT1H`); replaces DTEND (or DUE).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub duration: Patch<String>,
    /// Due time of a task (DUE).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<When>))]
    pub due: Patch<When>,
    /// COMPLETED of a task, UTC `YYYY-MM-DDThh:mm:ssZ`.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub completed: Patch<String>,
    /// PERCENT-COMPLETE of a task, 0 to 100.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u8>))]
    pub percent_complete: Patch<u8>,
    /// STATUS (case-insensitive; written upper case).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Patch<String>,
    /// TRANSP of an event.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Transparency>))]
    pub transparency: Patch<Transparency>,
    /// CLASS (case-insensitive; written upper case).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub class: Patch<String>,
    /// PRIORITY, 0 to 9.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u8>))]
    pub priority: Patch<u8>,
    /// CATEGORIES (the whole list).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub categories: Patch<Vec<String>>,
    /// URL.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub url: Patch<String>,
    /// COLOR (RFC 7986).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub color: Patch<String>,
    /// ORGANIZER.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Person>))]
    pub organizer: Patch<Person>,
    /// ATTENDEEs (the whole list; existing attendees are matched by e-mail and keep
    /// their other parameters).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Attendee>>))]
    pub attendees: Patch<Vec<Attendee>>,
    /// Reminders (the whole list; an alarm equal to an existing one keeps that VALARM
    /// untouched, and VALARMs with other actions are always kept).
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<Alarm>>))]
    pub alarms: Patch<Vec<Alarm>>,
    /// Recurrence lines (the whole list): `RRULE:...`, `RDATE...:...`, `EXDATE...:...`.
    /// Only on the master.
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub recurrence: Patch<Vec<String>>,
}

impl EventPatch {
    /// Whether the patch changes when instances happen (start, end, duration, due or
    /// recurrence), which RFC 5546 counts as a significant change.
    pub fn touches_times(&self) -> bool {
        self.start.is_present()
            || self.end.is_present()
            || self.duration.is_present()
            || self.due.is_present()
            || self.recurrence.is_present()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_null_and_value_differ() {
        let p: EventPatch =
            serde_json::from_str(r#"{"summary":"x","location":null,"categories":["a"]}"#).unwrap();
        assert_eq!(p.summary, Patch::Set("x".into()));
        assert_eq!(p.location, Patch::Null);
        assert_eq!(p.description, Patch::Absent);
        assert_eq!(p.categories, Patch::Set(vec!["a".into()]));
        let back = serde_json::to_string(&p).unwrap();
        assert_eq!(
            back,
            r#"{"summary":"x","location":null,"categories":["a"]}"#
        );
    }

    #[test]
    fn start_as_when() {
        let p: EventPatch = serde_json::from_str(
            r#"{"start":{"date_time":"2026-12-03T12:00:00","time_zone":"Europe/Berlin"}}"#,
        )
        .unwrap();
        let Patch::Set(w) = p.start else {
            panic!("start not set")
        };
        assert_eq!(w.time_zone.as_deref(), Some("Europe/Berlin"));
        assert!(p.end.is_absent());
    }
}
