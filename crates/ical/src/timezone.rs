//! VTIMEZONE checks, and the CALDAV:calendar-timezone property value (RFC 4791 §5.2.2).

use crate::ComponentKind;
use crate::error::{IngestError, clip};
use crate::tree::{Component, Tree};
use crate::unfold::unfold;

/// Checks that a VTIMEZONE can be used to resolve times later; returns its TZID.
pub(crate) fn check_vtimezone<'a>(
    tree: &Tree<'a>,
    tz: &Component<'a>,
) -> Result<&'a str, IngestError> {
    let mut tzids = tz.props.iter().filter(|p| p.is("TZID"));
    let tzid = match (tzids.next(), tzids.next()) {
        (Some(p), None) if !p.value.is_empty() => p.value,
        (Some(_), Some(second)) => {
            return Err(IngestError::DuplicateProperty {
                line: second.line,
                property: "TZID".into(),
                component: "VTIMEZONE".into(),
            });
        }
        _ => {
            return Err(IngestError::BadTimezone {
                line: tz.line,
                reason: "no TZID".into(),
            });
        }
    };
    let mut observances = 0;
    for obs in tz
        .children
        .iter()
        .filter_map(|&i| tree.comps.get(i))
        .filter(|c| c.is("STANDARD") || c.is("DAYLIGHT"))
    {
        observances += 1;
        for required in ["DTSTART", "TZOFFSETFROM", "TZOFFSETTO"] {
            if obs.props_named(required).next().is_none() {
                return Err(IngestError::BadTimezone {
                    line: obs.line,
                    reason: format!("{} without {required}", obs.name.to_ascii_uppercase()),
                });
            }
        }
        // Observance onsets are local times; a DATE cannot say when the offset changes.
        if let Some(start) = obs.props_named("DTSTART").next()
            && start.value.len() == 8
        {
            return Err(IngestError::bad_value(
                start.line,
                "DTSTART",
                "an observance starts at a DATE-TIME",
            ));
        }
    }
    if observances == 0 {
        return Err(IngestError::BadTimezone {
            line: tz.line,
            reason: format!("{} has no STANDARD or DAYLIGHT", clip(tzid)),
        });
    }
    Ok(tzid)
}

/// Checks a CALDAV:calendar-timezone value: a VCALENDAR with exactly one VTIMEZONE and
/// no calendar component. Returns the TZID.
pub fn validate_timezone(bytes: &[u8]) -> Result<String, IngestError> {
    let unfolded = unfold(bytes)?;
    let analysed = crate::analyse::analyse(&unfolded)?;
    let has_component = analysed
        .tree
        .top_level()
        .any(|c| ComponentKind::from_name(c.name).is_some());
    match analysed.timezones.as_slice() {
        [(tzid, _)] if !has_component => Ok((*tzid).to_owned()),
        zones => Err(IngestError::NotSingleTimezone {
            timezones: zones.len(),
        }),
    }
}
