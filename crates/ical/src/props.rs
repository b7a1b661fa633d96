//! Value checks for the properties the server interprets later (time index, recurrence,
//! alarms, free-busy), and the per-component facts the resource rules need.

use crate::contentline::ContentLine;
use crate::error::{IngestError, clip};
use crate::tree::Component;
use crate::value::{
    DateOrDateTime, check_rrule, parse_date, parse_date_or_date_time, parse_date_time,
    parse_duration, parse_period, parse_utc_offset, unescape_text,
};

/// A RECURRENCE-ID as compared for duplicates: the value and, unless UTC, its TZID.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct RecurrenceKey<'a> {
    pub value: DateOrDateTime,
    pub tzid: Option<&'a str>,
}

/// What the resource rules need to know about one component.
#[derive(Debug, Default)]
pub(crate) struct Facts<'a> {
    /// The unescaped UID and its line.
    pub uid: Option<(String, usize)>,
    pub dtstart: Option<DateOrDateTime>,
    /// RECURRENCE-ID: key, raw value and line.
    pub recurrence_id: Option<(RecurrenceKey<'a>, &'a str, usize)>,
    /// RRULE or RDATE present.
    pub recurs: bool,
}

/// Properties that RFC 5545 allows at most once in any component and that we interpret.
const ONCE: [&str; 6] = [
    "UID",
    "DTSTART",
    "DTEND",
    "DUE",
    "DURATION",
    "RECURRENCE-ID",
];

/// A DATE or DATE-TIME honouring the VALUE parameter. Without one, the form decides:
/// a bare `20240101` is unambiguous, and some producers omit `VALUE=DATE`.
fn date_value(prop: &ContentLine<'_>, raw: &str) -> Result<DateOrDateTime, IngestError> {
    let parsed = match prop.param("VALUE") {
        None => parse_date_or_date_time(raw).ok_or("not a DATE or DATE-TIME"),
        Some(v) if v.eq_ignore_ascii_case("DATE") => parse_date(raw)
            .map(DateOrDateTime::Date)
            .ok_or("not a DATE"),
        Some(v) if v.eq_ignore_ascii_case("DATE-TIME") => parse_date_time(raw)
            .map(|(value, utc)| DateOrDateTime::DateTime { value, utc })
            .ok_or("not a DATE-TIME"),
        Some(v) => {
            return Err(IngestError::bad_value(
                prop.line,
                prop.name,
                format!("VALUE={} is not allowed here", clip(v)),
            ));
        }
    };
    parsed.map_err(|reason| {
        IngestError::bad_value(prop.line, prop.name, format!("{reason}: {:?}", clip(raw)))
    })
}

/// A DATE-TIME in UTC (DTSTAMP, CREATED, LAST-MODIFIED, COMPLETED, absolute TRIGGER).
fn utc_value(prop: &ContentLine<'_>) -> Result<(), IngestError> {
    match parse_date_time(prop.value) {
        Some((_, true)) => Ok(()),
        Some((_, false)) => Err(IngestError::bad_value(
            prop.line,
            prop.name,
            "must be a UTC DATE-TIME (ending in Z)",
        )),
        None => Err(IngestError::bad_value(
            prop.line,
            prop.name,
            format!("not a DATE-TIME: {:?}", clip(prop.value)),
        )),
    }
}

fn period_list(prop: &ContentLine<'_>) -> Result<(), IngestError> {
    for p in prop.value.split(',') {
        parse_period(p).map_err(|reason| {
            IngestError::bad_value(prop.line, prop.name, format!("{reason}: {:?}", clip(p)))
        })?;
    }
    Ok(())
}

fn rdate(prop: &ContentLine<'_>) -> Result<(), IngestError> {
    let value_type = prop.param("VALUE");
    if value_type.is_some_and(|v| v.eq_ignore_ascii_case("PERIOD"))
        || (value_type.is_none() && prop.value.contains('/'))
    {
        return period_list(prop);
    }
    for v in prop.value.split(',') {
        date_value(prop, v)?;
    }
    Ok(())
}

fn duration(prop: &ContentLine<'_>) -> Result<(), IngestError> {
    parse_duration(prop.value).map(|_| ()).ok_or_else(|| {
        IngestError::bad_value(
            prop.line,
            prop.name,
            format!("not a DURATION: {:?}", clip(prop.value)),
        )
    })
}

/// TRIGGER is a DURATION, or with VALUE=DATE-TIME a UTC time. RFC 5545's own example
/// (§4) omits VALUE=DATE-TIME, and a UTC time cannot be mistaken for a duration.
fn trigger(prop: &ContentLine<'_>) -> Result<(), IngestError> {
    match prop.param("VALUE") {
        Some(v) if v.eq_ignore_ascii_case("DATE-TIME") => utc_value(prop),
        Some(v) if !v.eq_ignore_ascii_case("DURATION") => Err(IngestError::bad_value(
            prop.line,
            prop.name,
            format!("VALUE={} is not allowed here", clip(v)),
        )),
        Some(_) => duration(prop),
        None if parse_date_time(prop.value).is_some() => utc_value(prop),
        None => duration(prop),
    }
}

/// Checks a component's own properties (not its children's) and collects its facts.
pub(crate) fn check_component<'a>(comp: &Component<'a>) -> Result<Facts<'a>, IngestError> {
    let mut facts = Facts::default();
    let mut seen = [None::<usize>; ONCE.len()];
    let mut dtend = None;
    let mut due = None;
    for prop in &comp.props {
        if let Some(i) = ONCE.iter().position(|n| prop.is(n))
            && let Some(slot) = seen.get_mut(i)
            && slot.replace(prop.line).is_some()
        {
            return Err(IngestError::DuplicateProperty {
                line: prop.line,
                property: prop.name.to_ascii_uppercase(),
                component: comp.name.to_ascii_uppercase(),
            });
        }
        if prop.is("DTSTART") {
            facts.dtstart = Some(date_value(prop, prop.value)?);
        } else if prop.is("DTEND") {
            dtend = Some((date_value(prop, prop.value)?, prop.line));
        } else if prop.is("DUE") {
            due = Some((date_value(prop, prop.value)?, prop.line));
        } else if prop.is("RECURRENCE-ID") {
            let value = date_value(prop, prop.value)?;
            let utc = matches!(value, DateOrDateTime::DateTime { utc: true, .. });
            let tzid = if utc { None } else { prop.param("TZID") };
            facts.recurrence_id = Some((RecurrenceKey { value, tzid }, prop.value, prop.line));
        } else if prop.is("EXDATE") {
            for v in prop.value.split(',') {
                date_value(prop, v)?;
            }
        } else if prop.is("RDATE") {
            rdate(prop)?;
            facts.recurs = true;
        } else if prop.is("RRULE") {
            check_rrule(prop.value)
                .map_err(|reason| IngestError::bad_value(prop.line, prop.name, reason))?;
            facts.recurs = true;
        } else if prop.is("DURATION") {
            duration(prop)?;
        } else if ["DTSTAMP", "CREATED", "LAST-MODIFIED", "COMPLETED"]
            .iter()
            .any(|n| prop.is(n))
        {
            utc_value(prop)?;
        } else if prop.is("UID") {
            facts.uid = Some((unescape_text(prop.value), prop.line));
        } else if prop.is("TRIGGER") && comp.is("VALARM") {
            trigger(prop)?;
        } else if prop.is("FREEBUSY") && comp.is("VFREEBUSY") {
            period_list(prop)?;
        } else if (prop.is("TZOFFSETFROM") || prop.is("TZOFFSETTO"))
            && (comp.is("STANDARD") || comp.is("DAYLIGHT"))
        {
            if parse_utc_offset(prop.value).is_none() {
                return Err(IngestError::bad_value(
                    prop.line,
                    prop.name,
                    format!("not a UTC offset: {:?}", clip(prop.value)),
                ));
            }
        } else if prop.is("VERSION") && comp.is("VCALENDAR") && prop.value.trim() != "2.0" {
            return Err(IngestError::UnsupportedVersion {
                line: prop.line,
                version: clip(prop.value),
            });
        }
    }
    let duration_line = ONCE
        .iter()
        .position(|n| *n == "DURATION")
        .and_then(|i| seen.get(i).copied().flatten());
    if let (Some((_, end_line)), Some(dur_line)) = (dtend, duration_line) {
        return Err(IngestError::DtendAndDuration {
            line: end_line.max(dur_line),
        });
    }
    if let (Some((_, due_line)), Some(dur_line)) = (due, duration_line) {
        return Err(IngestError::DueAndDuration {
            line: due_line.max(dur_line),
        });
    }
    if let Some(start) = facts.dtstart {
        for (end, line, name) in [(dtend, "DTEND"), (due, "DUE")]
            .into_iter()
            .filter_map(|(v, n)| v.map(|(v, l)| (v, l, n)))
        {
            if end.is_date() != start.is_date() {
                return Err(IngestError::ValueTypeMismatch {
                    line,
                    property: name.into(),
                });
            }
        }
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::build;
    use crate::unfold::unfold;

    /// Checks the properties of a VEVENT (or `comp`) holding `body`.
    fn check_in(comp: &str, body: &str) -> Result<(), IngestError> {
        let src = format!("BEGIN:VCALENDAR\nBEGIN:{comp}\n{body}\nEND:{comp}\nEND:VCALENDAR\n");
        let unfolded = unfold(src.as_bytes())?;
        let tree = build(&unfolded)?;
        tree.comps
            .iter()
            .try_for_each(|c| check_component(c).map(|_| ()))
    }

    fn check(body: &str) -> Result<(), IngestError> {
        check_in("VEVENT", body)
    }

    fn bad(body: &str) -> bool {
        matches!(check(body), Err(IngestError::BadValue { .. }))
    }

    #[test]
    fn good_values() {
        for body in [
            "DTSTART;VALUE=DATE:20240101\nDTEND;VALUE=DATE:20240102",
            "DTSTART:20240101\nDTEND:20240102",
            "DTSTART;TZID=Europe/Paris:20240101T100000\nDURATION:PT1H",
            "DTSTART;VALUE=DATE-TIME:20240101T100000Z",
            "RECURRENCE-ID;RANGE=THISANDFUTURE:20240101T100000Z",
            "EXDATE:20240101T100000Z,20240102T100000Z",
            "EXDATE;VALUE=DATE:20240101,20240102",
            "RDATE;VALUE=PERIOD:19960403T020000Z/19960403T040000Z,19960404T010000Z/PT3H",
            "RDATE:19970101T180000Z/PT1H",
            "RDATE;VALUE=DATE:19970101,19970120",
            "RDATE;TZID=America/New_York:19970714T083000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO",
            "DTSTAMP:20240101T000000Z\nCREATED:20240101T000000Z\nLAST-MODIFIED:20240101T000000Z",
            "X-WHATEVER;VALUE=DATE:garbage",
            "SUMMARY:20240101 is not checked",
        ] {
            assert_eq!(check(body), Ok(()), "{body}");
        }
    }

    #[test]
    fn bad_values() {
        for body in [
            "DTSTART:2024010",
            "DTSTART:20241301T000000",
            "DTSTART;VALUE=DATE:20240101T100000",
            "DTSTART;VALUE=DATE-TIME:20240101",
            "DTSTART;VALUE=TEXT:20240101",
            "DTEND:tomorrow",
            "DUE:20240101T25",
            "RECURRENCE-ID:x",
            "EXDATE:20240101T100000Z,",
            "EXDATE:20240101T100000Z,bad",
            "RDATE;VALUE=PERIOD:19960403T020000Z",
            "RDATE:19960403T020000Z/x",
            "DURATION:1H",
            "RRULE:COUNT=3",
            "DTSTAMP:20240101T000000",
            "CREATED:20240101",
            "LAST-MODIFIED:yesterday",
            "COMPLETED:20240101T000000",
        ] {
            assert!(bad(body), "{body} was accepted: {:?}", check(body));
        }
    }

    #[test]
    fn trigger_forms() {
        let alarm = |t: &str| check(&format!("BEGIN:VALARM\nACTION:DISPLAY\n{t}\nEND:VALARM"));
        assert_eq!(alarm("TRIGGER:-PT15M"), Ok(()));
        assert_eq!(alarm("TRIGGER;RELATED=END:PT5M"), Ok(()));
        assert_eq!(alarm("TRIGGER;VALUE=DATE-TIME:19980101T050000Z"), Ok(()));
        assert_eq!(alarm("TRIGGER:19980403T120000Z"), Ok(()));
        assert_eq!(alarm("TRIGGER;VALUE=DURATION:-P1D"), Ok(()));
        for t in [
            "TRIGGER:soon",
            "TRIGGER;VALUE=DATE-TIME:19980101T050000",
            "TRIGGER:19980403T120000",
            "TRIGGER;VALUE=DATE:19980403",
        ] {
            assert!(
                matches!(alarm(t), Err(IngestError::BadValue { .. })),
                "{t} was accepted"
            );
        }
    }

    #[test]
    fn freebusy_and_offsets() {
        assert_eq!(
            check_in(
                "VFREEBUSY",
                "FREEBUSY;FBTYPE=BUSY:19980314T233000Z/19980315T003000Z"
            ),
            Ok(())
        );
        assert!(matches!(
            check_in("VFREEBUSY", "FREEBUSY:19980314T233000Z"),
            Err(IngestError::BadValue { .. })
        ));
        let tz = |o: &str| {
            check_in(
                "VTIMEZONE",
                &format!("TZID:x\nBEGIN:STANDARD\nDTSTART:19671029T020000\n{o}\nEND:STANDARD"),
            )
        };
        assert_eq!(tz("TZOFFSETFROM:-0400\nTZOFFSETTO:-0500"), Ok(()));
        assert!(matches!(
            tz("TZOFFSETTO:-5"),
            Err(IngestError::BadValue { .. })
        ));
    }

    #[test]
    fn pairs_and_duplicates() {
        assert_eq!(
            check("DTSTART:20240101T100000Z\nDTEND:20240101T110000Z\nDURATION:PT1H"),
            Err(IngestError::DtendAndDuration { line: 5 })
        );
        assert_eq!(
            check_in("VTODO", "DUE:20240101T100000Z\nDURATION:PT1H"),
            Err(IngestError::DueAndDuration { line: 4 })
        );
        assert_eq!(
            check("DTSTART;VALUE=DATE:20240101\nDTEND:20240102T000000"),
            Err(IngestError::ValueTypeMismatch {
                line: 4,
                property: "DTEND".into()
            })
        );
        assert_eq!(
            check_in("VTODO", "DTSTART:20240101T000000\nDUE;VALUE=DATE:20240102"),
            Err(IngestError::ValueTypeMismatch {
                line: 4,
                property: "DUE".into()
            })
        );
        assert_eq!(
            check("UID:a\nuid:b"),
            Err(IngestError::DuplicateProperty {
                line: 4,
                property: "UID".into(),
                component: "VEVENT".into()
            })
        );
        assert!(matches!(
            check("DTSTART:20240101T100000Z\nDTSTART:20240101T100000Z"),
            Err(IngestError::DuplicateProperty { .. })
        ));
    }

    #[test]
    fn facts() {
        let src = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\\,b\nRECURRENCE-ID;TZID=X:20240101T100000\nRRULE:FREQ=DAILY\nEND:VEVENT\nEND:VCALENDAR";
        let unfolded = unfold(src.as_bytes()).unwrap();
        let tree = build(&unfolded).unwrap();
        let facts = check_component(&tree.comps[1]).unwrap();
        assert_eq!(facts.uid, Some(("a,b".into(), 3)));
        assert!(facts.recurs);
        let (key, raw, line) = facts.recurrence_id.unwrap();
        assert_eq!((key.tzid, raw, line), (Some("X"), "20240101T100000", 4));
    }

    #[test]
    fn version() {
        let src = "BEGIN:VCALENDAR\nVERSION:1.0\nEND:VCALENDAR";
        let unfolded = unfold(src.as_bytes()).unwrap();
        let tree = build(&unfolded).unwrap();
        assert_eq!(
            check_component(&tree.comps[0]).err(),
            Some(IngestError::UnsupportedVersion {
                line: 2,
                version: "1.0".into()
            })
        );
    }
}
