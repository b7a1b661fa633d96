//! Time zones for callers outside the engine: a query's or a calendar's zone for floating
//! times, resolved by the same rules as the zones inside a resource.

use jiff::tz::TimeZone;

use crate::error::IngestError;

/// A zone by identifier: IANA name (bundled tzdb), else a Windows name mapped to IANA.
pub fn zone_by_name(name: &str) -> Option<TimeZone> {
    super::zone::named_zone(name)
}

/// The zone a VCALENDAR holding one VTIMEZONE defines (CALDAV:calendar-timezone, the
/// `C:timezone` of a query): its own rules, as inside a resource, else its TZID by name.
pub fn zone_of_calendar_timezone(bytes: &[u8]) -> Result<Option<TimeZone>, IngestError> {
    let unfolded = crate::unfold::unfold(bytes)?;
    let tree = crate::tree::build(&unfolded)?;
    let Some(vtimezone) = tree.top_level().find(|c| c.is("VTIMEZONE")) else {
        return Ok(None);
    };
    if let Some((_, tz)) = super::vtimezone::zone_of(&tree, vtimezone) {
        return Ok(Some(tz));
    }
    Ok(vtimezone
        .props_named("TZID")
        .next()
        .and_then(|p| zone_by_name(p.value)))
}
