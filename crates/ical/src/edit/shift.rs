//! Scope `all` with a changed start: what names instances moves with the series.
//!
//! The move is a wall-clock amount in the master's clock (new DTSTART minus old, each read
//! on its own clock), so a series moved from 09:00 to 10:00 Europe/Berlin moves every
//! recurrence id to 10:00 local on its own day, on either side of a DST change; a change
//! of zone or of value type (DATE ↔ DATE-TIME) re-expresses each value in the new form.

use jiff::{SignedDuration, Timestamp};

use super::EditError;
use super::apply::touch;
use super::doc::{Component, Document};
use super::scope::carry_end;
use super::times::write_time;
use super::when::{Form, Stamp, Zones, ical_date, ical_date_time, ical_utc, write_values};
use crate::value::{DateOrDateTime, parse_date_or_date_time};

/// Moves values from the old start's clock to the new start's.
struct Move<'a> {
    old: &'a Stamp,
    new: &'a Stamp,
    delta: SignedDuration,
}

impl Move<'_> {
    /// The value `s` moved: read on the old clock, shifted, written in the new form.
    fn stamp(&self, s: &Stamp, zones: &mut Zones) -> Option<Stamp> {
        let civil = if s.is_date() {
            s.civil
        } else {
            let at = zones.instant(s)?;
            zones.stamp_at(at, self.old).civil
        };
        let civil = civil.checked_add(self.delta).ok()?;
        Some(Stamp {
            civil: if self.new.is_date() {
                civil.date().to_datetime(jiff::civil::Time::midnight())
            } else {
                civil
            },
            form: self.new.form.clone(),
        })
    }

    /// A RRULE value with its UNTIL moved (and written as RFC 5545 wants for the new form).
    fn rule(&self, rule: &str, zones: &mut Zones) -> Option<String> {
        let parts: Vec<String> = rule
            .split(';')
            .map(|part| {
                let Some((name, v)) = part.split_once('=') else {
                    return Some(part.to_owned());
                };
                if !name.eq_ignore_ascii_case("UNTIL") {
                    return Some(part.to_owned());
                }
                let until = match parse_date_or_date_time(v)? {
                    DateOrDateTime::Date(d) => Stamp {
                        civil: d.to_datetime(jiff::civil::Time::midnight()),
                        form: Form::Date,
                    },
                    DateOrDateTime::DateTime { value, utc: true } => Stamp {
                        civil: value,
                        form: Form::Utc,
                    },
                    DateOrDateTime::DateTime { value, utc: false } => Stamp {
                        civil: value,
                        form: self.old.form.clone(),
                    },
                };
                let moved = self.stamp(&until, zones)?;
                let value = match moved.form {
                    Form::Date => ical_date(moved.civil.date()),
                    Form::Floating => ical_date_time(moved.civil),
                    _ => ical_utc(zones.instant(&moved)?),
                };
                Some(format!("{name}={value}"))
            })
            .collect::<Option<_>>()?;
        Some(parts.join(";"))
    }

    /// Moves every value of each `name` property of `comp`; PERIOD values stay.
    fn list(&self, comp: &mut Component, name: &str, zones: &mut Zones) {
        for prop in comp.props.iter_mut().filter(|p| p.is(name)) {
            if prop.value().contains('/') {
                continue;
            }
            let moved: Option<Vec<Stamp>> = prop
                .value()
                .split(',')
                .map(|v| self.stamp(&Stamp::read(prop, v)?, zones))
                .collect();
            if let Some(moved) = moved {
                // EXDATE;VALUE=DATE on a timed series names whole days: keep it a DATE.
                let keep_date = prop
                    .param("VALUE")
                    .is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
                if keep_date && !self.new.is_date() {
                    let days: Vec<String> =
                        moved.iter().map(|s| ical_date(s.civil.date())).collect();
                    prop.set_value(days.join(","));
                } else {
                    write_values(prop, &moved);
                }
            }
        }
    }
}

/// After the master's DTSTART went from `old` to `new`: moves the overrides'
/// RECURRENCE-IDs and, when `sets` (the patch left `recurrence` alone), the EXDATEs,
/// RDATEs and UNTIL. An override whose own start was its recurrence id moves with it.
pub(crate) fn follow_start(
    doc: &mut Document,
    master_at: usize,
    old: &Stamp,
    new: &Stamp,
    sets: bool,
    zones: &mut Zones,
    now: Timestamp,
) -> Result<(), EditError> {
    let delta = new.civil.duration_since(old.civil);
    let mv = Move { old, new, delta };
    let master = doc.comp(master_at).cloned().ok_or(EditError::NoMaster)?;
    if sets {
        let m = doc.comp_mut(master_at).ok_or(EditError::NoMaster)?;
        mv.list(m, "EXDATE", zones);
        mv.list(m, "RDATE", zones);
        if let Some(rrule) = m.prop_mut("RRULE")
            && let Some(moved) = mv.rule(rrule.value(), zones)
        {
            rrule.set_value(moved);
        }
    }
    for i in doc.overrides() {
        let Some(o) = doc.comp_mut(i) else { continue };
        let Some(rid) = Stamp::of_comp(o, "RECURRENCE-ID") else {
            continue;
        };
        let Some(moved) = mv.stamp(&rid, zones) else {
            continue;
        };
        let own_start = Stamp::of_comp(o, "DTSTART");
        let unmoved = match &own_start {
            Some(s) => zones.instant(s) == zones.instant(&rid),
            None => true,
        };
        if unmoved {
            // Keep the override's own length when it can, else take the master's.
            let before = o.clone();
            write_time(o, "DTSTART", Some(&moved));
            for name in ["DTEND", "DUE"] {
                if before.prop(name).is_none() {
                    continue;
                }
                let end = carry_end(&before, name, &moved, zones)
                    .or_else(|| carry_end(&master, name, &moved, zones));
                write_time(o, name, end.as_ref());
            }
        }
        if let Some(prop) = o.prop_mut("RECURRENCE-ID") {
            moved.write_to(prop);
        }
        touch(o, now, true);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::edit::{Document, EventPatch, Target};

    fn now() -> jiff::Timestamp {
        "2026-11-20T08:00:00Z".parse().unwrap()
    }

    const SERIES: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n\
BEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20261005T090000\r\nDTEND;TZID=Europe/Berlin:20261005T100000\r\n\
RRULE:FREQ=WEEKLY;UNTIL=20261102T080000Z\r\nEXDATE;TZID=Europe/Berlin:20261012T090000\r\n\
RDATE;TZID=Europe/Berlin:20261008T090000\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:u\r\nDTSTAMP:20260101T000000Z\r\n\
RECURRENCE-ID;TZID=Europe/Berlin:20261026T090000\r\n\
DTSTART;TZID=Europe/Berlin:20261026T090000\r\nDTEND;TZID=Europe/Berlin:20261026T093000\r\n\
SUMMARY:short\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    /// The lines starting with `name`, outside VTIMEZONEs (whose observances have RRULEs
    /// and DTSTARTs of their own).
    fn lines_of(d: &Document, name: &str) -> Vec<String> {
        let mut in_zone = false;
        String::from_utf8(d.to_bytes())
            .unwrap()
            .replace("\r\n ", "")
            .lines()
            .filter(|l| {
                match *l {
                    "BEGIN:VTIMEZONE" => in_zone = true,
                    "END:VTIMEZONE" => {
                        in_zone = false;
                        return false;
                    }
                    _ => {}
                }
                !in_zone && l.starts_with(name)
            })
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn to_all_day_rewrites_until_exdate_rdate_and_overrides_as_dates() {
        let mut d = Document::parse(SERIES.as_bytes()).unwrap();
        let p: EventPatch =
            serde_json::from_str(r#"{"start":{"date":"2026-10-05"},"end":{"date":"2026-10-06"}}"#)
                .unwrap();
        d.apply(Target::Master, &p, now()).unwrap();
        crate::ingest(&d.to_bytes()).unwrap();
        assert_eq!(lines_of(&d, "RRULE"), ["RRULE:FREQ=WEEKLY;UNTIL=20261102"]);
        assert_eq!(lines_of(&d, "EXDATE"), ["EXDATE;VALUE=DATE:20261012"]);
        assert_eq!(lines_of(&d, "RDATE"), ["RDATE;VALUE=DATE:20261008"]);
        assert_eq!(
            lines_of(&d, "RECURRENCE-ID"),
            ["RECURRENCE-ID;VALUE=DATE:20261026"]
        );
        assert_eq!(
            lines_of(&d, "DTSTART"),
            ["DTSTART;VALUE=DATE:20261005", "DTSTART;VALUE=DATE:20261026"]
        );
        assert_eq!(
            lines_of(&d, "DTEND"),
            ["DTEND;VALUE=DATE:20261006", "DTEND;VALUE=DATE:20261027"],
            "a type change takes the master's length"
        );
    }

    #[test]
    fn later_in_the_day_moves_a_utc_until_too() {
        let mut d = Document::parse(SERIES.as_bytes()).unwrap();
        let p: EventPatch = serde_json::from_str(
            r#"{"start":{"date_time":"2026-10-05T11:00:00","time_zone":"Europe/Berlin"},
                "end":{"date_time":"2026-10-05T12:00:00","time_zone":"Europe/Berlin"}}"#,
        )
        .unwrap();
        d.apply(Target::Master, &p, now()).unwrap();
        crate::ingest(&d.to_bytes()).unwrap();
        // The rewritten times name Europe/Berlin, which the object did not define.
        let text = String::from_utf8(d.to_bytes()).unwrap();
        assert_eq!(text.matches("\r\nTZID:Europe/Berlin\r\n").count(), 1);
        // 2 November 09:00 CET was the last instance (08:00Z); now 11:00 CET = 10:00Z.
        assert_eq!(
            lines_of(&d, "RRULE"),
            ["RRULE:FREQ=WEEKLY;UNTIL=20261102T100000Z"]
        );
        assert_eq!(
            lines_of(&d, "EXDATE"),
            ["EXDATE;TZID=Europe/Berlin:20261012T110000"]
        );
        assert_eq!(
            lines_of(&d, "DTEND"),
            [
                "DTEND;TZID=Europe/Berlin:20261005T120000",
                "DTEND;TZID=Europe/Berlin:20261026T113000"
            ],
            "the unmoved override keeps its own half hour"
        );
    }

    #[test]
    fn explicit_recurrence_is_taken_as_written() {
        let mut d = Document::parse(SERIES.as_bytes()).unwrap();
        let p: EventPatch = serde_json::from_str(
            r#"{"start":{"date_time":"2026-10-05T11:00:00","time_zone":"Europe/Berlin"},
                "end":{"date_time":"2026-10-05T12:00:00","time_zone":"Europe/Berlin"},
                "recurrence":["RRULE:FREQ=WEEKLY;COUNT=4"]}"#,
        )
        .unwrap();
        d.apply(Target::Master, &p, now()).unwrap();
        assert_eq!(lines_of(&d, "RRULE"), ["RRULE:FREQ=WEEKLY;COUNT=4"]);
        assert!(lines_of(&d, "EXDATE").is_empty());
        assert_eq!(
            lines_of(&d, "RECURRENCE-ID"),
            ["RECURRENCE-ID;TZID=Europe/Berlin:20261026T110000"]
        );
    }
}
