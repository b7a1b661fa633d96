//! Times in property values, as a time test reads them: DATE, DATE-TIME and PERIOD values
//! resolved to instants (RFC 5545 §3.3.4, §3.3.5, §3.3.9).

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use super::parsed::Prop;
use crate::recur::Zones;
use crate::time_range::TimeRange;
use crate::value::{parse_date, parse_date_time, parse_duration};

/// Where one value lies on the time line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extent {
    /// A DATE-TIME.
    Instant(Timestamp),
    /// A DATE (the whole day) or a PERIOD: `[start, end)`.
    Interval(Timestamp, Timestamp),
}

impl Extent {
    /// RFC 4791 §9.9: an instant is in `[start, end)`; an interval overlaps it.
    pub fn overlaps(self, range: &TimeRange) -> bool {
        let (lo, hi) = match self {
            Extent::Instant(t) => {
                return range.start.is_none_or(|s| s <= t) && range.end.is_none_or(|e| t < e);
            }
            Extent::Interval(lo, hi) => (lo, hi),
        };
        range.start.is_none_or(|s| s < hi) && range.end.is_none_or(|e| lo < e)
    }
}

/// A civil time in `tz`, gaps moved forward and folds taking the earlier instant
/// (RFC 5545 §3.3.5, jiff's "compatible" rule).
pub(crate) fn resolve(civil: DateTime, tz: &TimeZone) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(civil).compatible().ok()
}

/// The zone a property's DATE-TIME values are read in (UTC values ignore it): the
/// resource's `zones` decide, so a TZID reads here as it does in the recurrence engine.
fn zone_of(prop: &Prop, zones: &Zones, floating: &TimeZone) -> TimeZone {
    prop.param("TZID")
        .and_then(|tzid| zones.zone(tzid))
        .unwrap_or_else(|| floating.clone())
}

/// Whether the property's TZID (if any) names a zone we can read.
pub(crate) fn zone_is_known(prop: &Prop, zones: &Zones) -> bool {
    prop.param("TZID")
        .is_none_or(|tzid| zones.zone(tzid).is_some())
}

/// A DATE as the interval of that day in `tz`.
pub(crate) fn day(date: Date, tz: &TimeZone) -> Option<Extent> {
    let start = resolve(date.to_datetime(jiff::civil::Time::midnight()), tz)?;
    let next = date.tomorrow().ok()?;
    let end = resolve(next.to_datetime(jiff::civil::Time::midnight()), tz)?;
    Some(Extent::Interval(start, end))
}

/// A DATE-TIME value (`Z`, or civil in `tz`).
pub(crate) fn date_time(s: &str, tz: &TimeZone) -> Option<Timestamp> {
    let (civil, utc) = parse_date_time(s)?;
    if utc {
        resolve(civil, &TimeZone::UTC)
    } else {
        resolve(civil, tz)
    }
}

/// A PERIOD value `start/end` or `start/duration`.
pub(crate) fn period(s: &str, tz: &TimeZone) -> Option<(Timestamp, Timestamp)> {
    let (start, end) = s.split_once('/')?;
    let start = date_time(start, tz)?;
    let end = if end.starts_with(['P', 'p', '+', '-']) {
        let secs = parse_duration(end)?;
        start
            .checked_add(jiff::SignedDuration::from_secs(secs))
            .ok()?
    } else {
        date_time(end, tz)?
    };
    Some((start, end))
}

/// Every time a DATE, DATE-TIME or PERIOD property holds (lists included); values that
/// are none of these (a DURATION TRIGGER, text) give nothing.
pub(crate) fn extents(prop: &Prop, zones: &Zones, floating: &TimeZone) -> Vec<Extent> {
    let tz = zone_of(prop, zones, floating);
    let value_type = prop.param("VALUE").map(str::to_ascii_uppercase);
    prop.value
        .split(',')
        .filter_map(|v| match value_type.as_deref() {
            Some("PERIOD") => period(v, &tz).map(|(s, e)| Extent::Interval(s, e)),
            Some("DATE") => parse_date(v).and_then(|d| day(d, floating)),
            Some("DATE-TIME") => date_time(v, &tz).map(Extent::Instant),
            Some(_) => None,
            None if v.contains('/') => period(v, &tz).map(|(s, e)| Extent::Interval(s, e)),
            None if v.len() == 8 => parse_date(v).and_then(|d| day(d, floating)),
            None => date_time(v, &tz).map(Extent::Instant),
        })
        .collect()
}

/// The first DATE or DATE-TIME of a property as an instant (a DATE at the start of its day).
pub(crate) fn start_of(prop: &Prop, zones: &Zones, floating: &TimeZone) -> Option<Timestamp> {
    extents(prop, zones, floating).first().map(|e| match *e {
        Extent::Instant(t) | Extent::Interval(t, _) => t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn prop(line: &str) -> Prop {
        let src = format!("BEGIN:VCALENDAR\nBEGIN:VEVENT\n{line}\nEND:VEVENT\nEND:VCALENDAR");
        let p = super::super::parsed::ParsedObject::parse(src.as_bytes()).unwrap();
        p.comps[1].props[0].clone()
    }

    /// A property's extents in a resource with no VTIMEZONE.
    fn read(prop: &Prop, floating: &TimeZone) -> Vec<Extent> {
        extents(prop, &Zones::default(), floating)
    }

    #[test]
    fn tzids_resolve_as_the_engine_does() {
        let src = "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Own\nBEGIN:STANDARD\n\
DTSTART:19700101T000000\nTZOFFSETFROM:+0517\nTZOFFSETTO:+0517\nEND:STANDARD\n\
END:VTIMEZONE\nBEGIN:VEVENT\nDTSTART;TZID=Own:20060102T100000\n\
DUE;TZID=Eastern Standard Time:20060102T100000\nDTEND;TZID=Nowhere:20060102T100000\n\
END:VEVENT\nEND:VCALENDAR";
        let object = super::super::parsed::ParsedObject::parse(src.as_bytes()).unwrap();
        let ev = &object.comps[object.top_level()[1]];
        let zones = object.zones();
        let at = |name: &str| {
            let p = ev.prop(name).unwrap();
            (zone_is_known(p, zones), start_of(p, zones, &TimeZone::UTC))
        };
        assert_eq!(at("DTSTART"), (true, Some(ts("2006-01-02T04:43:00Z"))));
        assert_eq!(at("DUE"), (true, Some(ts("2006-01-02T15:00:00Z"))));
        assert_eq!(at("DTEND"), (false, Some(ts("2006-01-02T10:00:00Z"))));
    }

    #[test]
    fn values() {
        let utc = TimeZone::UTC;
        assert_eq!(
            read(&prop("DTSTAMP:20060206T001102Z"), &utc),
            vec![Extent::Instant(ts("2006-02-06T00:11:02Z"))]
        );
        assert_eq!(
            read(&prop("DTSTART;TZID=US/Eastern:20060102T100000"), &utc),
            vec![Extent::Instant(ts("2006-01-02T15:00:00Z"))]
        );
        assert_eq!(
            read(&prop("DTSTART;TZID=Nowhere/Else:20060102T100000"), &utc),
            vec![Extent::Instant(ts("2006-01-02T10:00:00Z"))]
        );
        assert_eq!(
            read(&prop("DUE;VALUE=DATE:20060104"), &utc),
            vec![Extent::Interval(
                ts("2006-01-04T00:00:00Z"),
                ts("2006-01-05T00:00:00Z")
            )]
        );
        assert_eq!(
            read(
                &prop("FREEBUSY:20060102T100000Z/PT2H,20060103T100000Z/20060103T110000Z"),
                &utc
            ),
            vec![
                Extent::Interval(ts("2006-01-02T10:00:00Z"), ts("2006-01-02T12:00:00Z")),
                Extent::Interval(ts("2006-01-03T10:00:00Z"), ts("2006-01-03T11:00:00Z")),
            ]
        );
        assert!(read(&prop("TRIGGER:-PT10M"), &utc).is_empty());
        assert!(read(&prop("SUMMARY:hello"), &utc).is_empty());
    }

    #[test]
    fn overlap_rules() {
        let range = TimeRange::new(ts("2006-01-04T00:00:00Z"), ts("2006-01-05T00:00:00Z"));
        assert!(Extent::Instant(ts("2006-01-04T00:00:00Z")).overlaps(&range));
        assert!(!Extent::Instant(ts("2006-01-05T00:00:00Z")).overlaps(&range));
        assert!(
            !Extent::Interval(ts("2006-01-03T00:00:00Z"), ts("2006-01-04T00:00:00Z"))
                .overlaps(&range)
        );
        assert!(
            Extent::Interval(ts("2006-01-03T00:00:00Z"), ts("2006-01-04T00:00:01Z"))
                .overlaps(&range)
        );
        assert!(Extent::Instant(ts("1900-01-01T00:00:00Z")).overlaps(&TimeRange::unbounded()));
    }
}
