//! TZID → zone for one document, by the recurrence engine's rules: the document's own
//! VTIMEZONE, else the IANA (or Windows) zone of that name, else floating (read as UTC,
//! the floating zone this module always hands the engine).

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

use super::doc::{Component, Document};
use super::when::{Form, Stamp};

/// TZID → zone for one document, by the recurrence engine's rules.
#[derive(Debug, Default)]
pub(crate) struct Zones {
    /// Each VTIMEZONE of the document, alone in a VCALENDAR.
    defined: HashMap<String, Vec<u8>>,
    cache: HashMap<String, Option<TimeZone>>,
}

impl Zones {
    /// The zones `doc` defines (its VTIMEZONEs) and, lazily, those it names.
    pub fn of(doc: &Document) -> Zones {
        let mut defined = HashMap::new();
        for tz in doc.root.children.iter().filter(|c| c.is("VTIMEZONE")) {
            if let Some(tzid) = tz.prop("TZID") {
                let mut root = Component::new("VCALENDAR");
                root.children.push(tz.clone());
                defined.insert(tzid.value().to_owned(), Document { root }.tree_bytes());
            }
        }
        Zones {
            defined,
            cache: HashMap::new(),
        }
    }

    /// Whether the document has a VTIMEZONE with this TZID.
    pub fn defines(&self, tzid: &str) -> bool {
        self.defined.contains_key(tzid)
    }

    /// The TZID to write for a zone name from JSON: the document's own TZID if it defines
    /// that name, else the IANA name; `None` when nothing resolves it.
    pub fn canonical(&self, name: &str) -> Option<String> {
        let name = name.trim();
        if self.defines(name) {
            return Some(name.to_owned());
        }
        let tz = crate::zone_by_name(name)?;
        Some(tz.iana_name().unwrap_or(name).to_owned())
    }

    /// The zone a TZID resolves to, if any.
    pub fn zone(&mut self, tzid: &str) -> Option<TimeZone> {
        if let Some(found) = self.cache.get(tzid) {
            return found.clone();
        }
        let found = match self.defined.get(tzid) {
            Some(bytes) => crate::zone_of_calendar_timezone(bytes).ok().flatten(),
            None => crate::zone_by_name(tzid),
        };
        self.cache.insert(tzid.to_owned(), found.clone());
        found
    }

    /// The clock of a form (UTC for UTC, floating and DATE values).
    pub fn tz(&mut self, form: &Form) -> TimeZone {
        match form {
            Form::Zoned(tzid) => self.zone(tzid).unwrap_or(TimeZone::UTC),
            _ => TimeZone::UTC,
        }
    }

    /// The instant of a value (gaps move forward, folds take the earlier instant).
    pub fn instant(&mut self, s: &Stamp) -> Option<Timestamp> {
        self.tz(&s.form)
            .to_ambiguous_timestamp(s.civil)
            .compatible()
            .ok()
    }

    /// The value in the form of `like` naming instant `ts`. A wall-clock time that a DST
    /// gap moved forward is written with `like`'s time of day when that names `ts` too,
    /// so a 02:30 series stays at 02:30 on the day of the gap.
    pub fn stamp_at(&mut self, ts: Timestamp, like: &Stamp) -> Stamp {
        let civil = ts.to_zoned(self.tz(&like.form)).datetime();
        if like.is_date() {
            return Stamp {
                civil: civil.date().to_datetime(Time::midnight()),
                form: Form::Date,
            };
        }
        let wanted = Stamp {
            civil: civil.date().to_datetime(like.civil.time()),
            form: like.form.clone(),
        };
        if wanted.civil != civil && self.instant(&wanted) == Some(ts) {
            return wanted;
        }
        Stamp {
            civil,
            form: like.form.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones() -> Zones {
        Zones::default()
    }

    #[test]
    fn zone_names_are_canonicalised() {
        let z = zones();
        assert_eq!(
            z.canonical("europe/berlin").as_deref(),
            Some("Europe/Berlin")
        );
        assert_eq!(
            z.canonical("W. Europe Standard Time").as_deref(),
            Some("Europe/Berlin")
        );
    }

    #[test]
    fn gap_times_keep_their_wall_clock() {
        let mut z = zones();
        let like = Stamp {
            civil: jiff::civil::date(2024, 3, 8).at(2, 30, 0, 0),
            form: Form::Zoned("America/New_York".into()),
        };
        let gap = Stamp {
            civil: jiff::civil::date(2024, 3, 10).at(2, 30, 0, 0),
            form: like.form.clone(),
        };
        let ts = z.instant(&gap).unwrap();
        assert_eq!(z.stamp_at(ts, &like), gap);
    }
}
