//! CalDAV time ranges (RFC 4791 §9.9) as XML attributes, and the UTC date-time form they
//! use. The range type itself is `kairos_ical::TimeRange`.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::element::Element;
use crate::error::XmlError;

pub use kairos_ical::TimeRange;

/// Reads the `start`/`end` attributes of a `time-range`, `expand`, or `limit-*` element;
/// at least one must be present.
pub(crate) fn time_range_from_element(el: &Element) -> Result<TimeRange, XmlError> {
    let start = el.attr("start").map(parse_utc).transpose()?;
    let end = el.attr("end").map(parse_utc).transpose()?;
    if start.is_none() && end.is_none() {
        return Err(XmlError::Invalid(format!(
            "{} needs a start or end attribute",
            el.name.local
        )));
    }
    Ok(TimeRange { start, end })
}

/// Like [`time_range_from_element`] but both bounds are mandatory (RFC 4791 §9.6.5–9.6.7).
pub(crate) fn time_range_from_element_both(el: &Element) -> Result<TimeRange, XmlError> {
    let range = time_range_from_element(el)?;
    if range.start.is_none() || range.end.is_none() {
        return Err(XmlError::Invalid(format!(
            "{} needs both start and end attributes",
            el.name.local
        )));
    }
    Ok(range)
}

/// Parses an RFC 5545 "date with UTC time" (`YYYYMMDDTHHMMSSZ`).
pub fn parse_utc(s: &str) -> Result<Timestamp, XmlError> {
    let bad = || XmlError::Invalid(format!("not a UTC date-time (YYYYMMDDTHHMMSSZ): {s:?}"));
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<i16, XmlError> {
        let part = &b[r];
        if !part.iter().all(u8::is_ascii_digit) {
            return Err(bad());
        }
        Ok(part
            .iter()
            .fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0')))
    };
    let year = num(0..4)?;
    let month = i8::try_from(num(4..6)?).map_err(|_| bad())?;
    let day = i8::try_from(num(6..8)?).map_err(|_| bad())?;
    let hour = i8::try_from(num(9..11)?).map_err(|_| bad())?;
    let minute = i8::try_from(num(11..13)?).map_err(|_| bad())?;
    let second = i8::try_from(num(13..15)?).map_err(|_| bad())?;
    let dt = DateTime::new(year, month, day, hour, minute, second, 0).map_err(|_| bad())?;
    let zoned = dt.to_zoned(TimeZone::UTC).map_err(|_| bad())?;
    Ok(zoned.timestamp())
}

/// Formats a timestamp as an RFC 5545 UTC date-time (`YYYYMMDDTHHMMSSZ`).
pub fn format_utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qname::QName;

    #[test]
    fn parses_utc_date_times() {
        let ts = parse_utc("20060104T000000Z").unwrap();
        assert_eq!(ts.to_string(), "2006-01-04T00:00:00Z");
        assert_eq!(format_utc(ts), "20060104T000000Z");
        for bad in [
            "20060104T000000",
            "20060104",
            "20060104T000000z",
            "2006-01-04T00:00:00Z",
            "20061304T000000Z",
            "20060230T000000Z",
            "20060104T250000Z",
            "20060104T000060Z",
            "+0060104T000000Z",
            "２0060104T000000Z",
            "",
        ] {
            assert!(parse_utc(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_attributes() {
        let el = Element::new(QName::caldav("time-range"))
            .with_attr(QName::new_static("", "start"), "20060104T000000Z");
        let tr = time_range_from_element(&el).unwrap();
        assert!(tr.start.is_some() && tr.end.is_none());
        assert!(time_range_from_element_both(&el).is_err());
        assert!(time_range_from_element(&Element::new(QName::caldav("time-range"))).is_err());
    }
}
