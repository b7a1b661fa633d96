//! DATE and DATE-TIME values as written (civil time in a form), their instants, and
//! their JSON [`When`] shape.
//!
//! Instants follow the recurrence engine's rules so matching agrees with it: a TZID
//! resolves through the object's own VTIMEZONE, else the IANA (or Windows) zone of that
//! name, else it is floating; floating values and DATEs are read as UTC throughout this
//! module (the engine is always called with UTC as the floating zone).

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use super::EditError;
use super::doc::{Component, Prop};
use super::json::When;
pub(crate) use super::zones::Zones;
use crate::value::{DateOrDateTime, parse_date, parse_date_or_date_time, parse_date_time};

/// How a civil time is tied to the time line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// A DATE (all-day).
    Date,
    /// A DATE-TIME ending in `Z`.
    Utc,
    /// A DATE-TIME with this TZID.
    Zoned(String),
    /// A floating DATE-TIME.
    Floating,
}

/// A DATE or DATE-TIME value: civil reading (midnight for a DATE) and form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub civil: DateTime,
    pub form: Form,
}

impl Stamp {
    /// One value of a DATE/DATE-TIME property (`raw` is one element of its list).
    pub fn read(prop: &Prop, raw: &str) -> Option<Stamp> {
        let raw = raw.trim();
        let parsed = match prop.param("VALUE") {
            Some(v) if v.eq_ignore_ascii_case("DATE") => parse_date(raw).map(DateOrDateTime::Date),
            Some(v) if v.eq_ignore_ascii_case("DATE-TIME") => {
                parse_date_time(raw).map(|(value, utc)| DateOrDateTime::DateTime { value, utc })
            }
            _ => parse_date_or_date_time(raw),
        }?;
        Some(match parsed {
            DateOrDateTime::Date(d) => Stamp {
                civil: d.to_datetime(Time::midnight()),
                form: Form::Date,
            },
            DateOrDateTime::DateTime { value, utc } => Stamp {
                civil: value,
                form: match (utc, prop.param("TZID")) {
                    (true, _) => Form::Utc,
                    (false, Some(tzid)) => Form::Zoned(tzid.to_owned()),
                    (false, None) => Form::Floating,
                },
            },
        })
    }

    /// The (first) value of a property.
    pub fn of(prop: &Prop) -> Option<Stamp> {
        Stamp::read(prop, prop.value().split(',').next().unwrap_or_default())
    }

    /// The value of the first property `name` of `comp`.
    pub fn of_comp(comp: &Component, name: &str) -> Option<Stamp> {
        comp.prop(name).and_then(Stamp::of)
    }

    /// Whether this is a DATE.
    pub fn is_date(&self) -> bool {
        self.form == Form::Date
    }

    /// The value in iCalendar form.
    pub fn value(&self) -> String {
        match self.form {
            Form::Date => ical_date(self.civil.date()),
            Form::Utc => format!("{}Z", ical_date_time(self.civil)),
            Form::Zoned(_) | Form::Floating => ical_date_time(self.civil),
        }
    }

    /// Writes this value into `prop`, with the VALUE and TZID parameters it needs.
    pub fn write_to(&self, prop: &mut Prop) {
        write_values(prop, std::slice::from_ref(self));
    }

    /// A new property `name` holding this value.
    pub fn to_prop(&self, name: &str) -> Prop {
        let mut prop = Prop::new(name, "");
        self.write_to(&mut prop);
        prop
    }

    /// The JSON shape.
    pub fn to_when(&self) -> When {
        match &self.form {
            Form::Date => When {
                date: Some(self.civil.date().to_string()),
                ..When::default()
            },
            Form::Utc => When {
                date_time: Some(format!("{}Z", iso_date_time(self.civil))),
                ..When::default()
            },
            Form::Zoned(tz) => When {
                date_time: Some(iso_date_time(self.civil)),
                time_zone: Some(tz.clone()),
                ..When::default()
            },
            Form::Floating => When {
                date_time: Some(iso_date_time(self.civil)),
                ..When::default()
            },
        }
    }

    /// Reads a JSON [`When`], refusing unknown zones and malformed values (naming `field`).
    pub fn from_when(field: &str, when: &When, zones: &mut Zones) -> Result<Stamp, EditError> {
        match (&when.date, &when.date_time) {
            (Some(date), None) => {
                if when.time_zone.is_some() {
                    return Err(EditError::field(field, "a date takes no time_zone"));
                }
                let d: Date = date.trim().parse().map_err(|_| {
                    EditError::field(field, format!("{date:?} is not a date (YYYY-MM-DD)"))
                })?;
                Ok(Stamp {
                    civil: d.to_datetime(Time::midnight()),
                    form: Form::Date,
                })
            }
            (None, Some(dt)) => {
                let (civil, utc) = parse_iso_date_time(dt).ok_or_else(|| {
                    EditError::field(
                        field,
                        format!("{dt:?} is not a date_time (YYYY-MM-DDThh:mm:ss, Z for UTC)"),
                    )
                })?;
                let form = match (utc, &when.time_zone) {
                    (true, Some(_)) => {
                        return Err(EditError::field(
                            field,
                            "a UTC date_time takes no time_zone",
                        ));
                    }
                    (true, None) => Form::Utc,
                    (false, None) => Form::Floating,
                    (false, Some(name)) => Form::Zoned(zones.canonical(name).ok_or_else(|| {
                        EditError::field(field, format!("unknown time zone {name:?}"))
                    })?),
                };
                Ok(Stamp { civil, form })
            }
            _ => Err(EditError::field(
                field,
                "give exactly one of date and date_time",
            )),
        }
    }
}

/// Writes several values (one form) into one list property, e.g. EXDATE.
pub(crate) fn write_values(prop: &mut Prop, stamps: &[Stamp]) {
    let values: Vec<String> = stamps.iter().map(Stamp::value).collect();
    prop.set_value(values.join(","));
    let first = stamps.first().map(|s| &s.form);
    let tzid = match first {
        Some(Form::Zoned(t)) => Some(t.as_str()),
        _ => None,
    };
    prop.set_param("TZID", tzid);
    let explicit_date_time = prop
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE-TIME"));
    match first {
        Some(Form::Date) => prop.set_param("VALUE", Some("DATE")),
        _ if explicit_date_time => {}
        _ => prop.set_param("VALUE", None),
    }
}

/// `YYYYMMDD`.
pub(crate) fn ical_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// `YYYYMMDDThhmmss`.
pub(crate) fn ical_date_time(dt: DateTime) -> String {
    format!(
        "{}T{:02}{:02}{:02}",
        ical_date(dt.date()),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// `YYYY-MM-DDThh:mm:ss`.
fn iso_date_time(dt: DateTime) -> String {
    format!(
        "{}T{:02}:{:02}:{:02}",
        dt.date(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

/// A UTC instant in iCalendar form (`YYYYMMDDThhmmssZ`), whole seconds.
pub(crate) fn ical_utc(ts: Timestamp) -> String {
    format!("{}Z", ical_date_time(ts.to_zoned(TimeZone::UTC).datetime()))
}

/// A UTC iCalendar value (`...Z`) as JSON (`YYYY-MM-DDThh:mm:ssZ`).
pub(crate) fn iso_of_ical_utc(value: &str) -> Option<String> {
    match parse_date_time(value.trim())? {
        (civil, true) => Some(format!("{}Z", iso_date_time(civil))),
        _ => None,
    }
}

/// `YYYY-MM-DDThh:mm:ss` with an optional `Z`; seconds may be left out.
fn parse_iso_date_time(s: &str) -> Option<(DateTime, bool)> {
    let s = s.trim();
    let (body, utc) = match s.strip_suffix(['Z', 'z']) {
        Some(b) => (b, true),
        None => (s, false),
    };
    let (_, time) = body.split_once(['T', 't'])?;
    // jiff would read and drop a numeric offset; iCalendar has no such form.
    if time.contains(['+', '-', '[', 'Z', 'z']) {
        return None;
    }
    let civil: DateTime = body.parse().ok()?;
    (civil.subsec_nanosecond() == 0).then_some((civil, utc))
}

/// A JSON UTC time (`YYYY-MM-DDThh:mm:ssZ`) as an iCalendar UTC value.
pub(crate) fn ical_of_iso_utc(field: &str, s: &str) -> Result<String, EditError> {
    match parse_iso_date_time(s) {
        Some((civil, true)) => Ok(format!("{}Z", ical_date_time(civil))),
        _ => Err(EditError::field(
            field,
            format!("{s:?} is not a UTC time (YYYY-MM-DDThh:mm:ssZ)"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones() -> Zones {
        Zones::default()
    }

    #[test]
    fn when_round_trip() {
        let mut z = zones();
        for w in [
            When {
                date: Some("2026-12-03".into()),
                ..When::default()
            },
            When {
                date_time: Some("2026-12-03T11:00:00Z".into()),
                ..When::default()
            },
            When {
                date_time: Some("2026-12-03T12:00:00".into()),
                time_zone: Some("Europe/Berlin".into()),
                ..When::default()
            },
            When {
                date_time: Some("2026-12-03T12:00:00".into()),
                ..When::default()
            },
        ] {
            let s = Stamp::from_when("start", &w, &mut z).unwrap();
            assert_eq!(s.to_when(), w);
        }
    }

    #[test]
    fn when_refusals_name_the_field() {
        let mut z = zones();
        let bad = |w: When, z: &mut Zones| match Stamp::from_when("end", &w, z) {
            Err(EditError::Field { field, .. }) => field == "end",
            _ => false,
        };
        let dt = |s: &str, tz: Option<&str>| When {
            date_time: Some(s.into()),
            time_zone: tz.map(Into::into),
            ..When::default()
        };
        assert!(bad(dt("2026-12-03T12:00:00", Some("Mars/Olympus")), &mut z));
        assert!(bad(dt("2026-12-03T12:00:00Z", Some("UTC")), &mut z));
        assert!(bad(dt("2026-12-03T12:00:00+01:00", None), &mut z));
        assert!(bad(dt("2026-12-03T12:00:00.5", None), &mut z));
        assert!(bad(dt("tomorrow", None), &mut z));
        assert!(bad(When::default(), &mut z));
        assert!(bad(
            When {
                date: Some("2026-02-30".into()),
                ..When::default()
            },
            &mut z
        ));
    }
}
