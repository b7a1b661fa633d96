//! DATE, DATE-TIME, PERIOD and UTC-OFFSET values (RFC 5545 §3.3.4, §3.3.5, §3.3.9, §3.3.14).

use jiff::civil::{Date, DateTime, Time};

use super::duration::parse_duration;

/// A DATE or DATE-TIME value; `utc` is the trailing `Z` (floating and TZID times have none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum DateOrDateTime {
    Date(Date),
    DateTime { value: DateTime, utc: bool },
}

impl DateOrDateTime {
    /// Whether this is a DATE (all-day) value.
    pub fn is_date(&self) -> bool {
        matches!(self, DateOrDateTime::Date(_))
    }
}

/// One to four ASCII digits as a number.
fn number(s: &[u8]) -> Option<i16> {
    if s.is_empty() || s.len() > 4 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0')))
}

fn small(s: &[u8]) -> Option<i8> {
    number(s).and_then(|n| i8::try_from(n).ok())
}

/// `YYYYMMDD`, a real calendar date.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    date_of(s.as_bytes())
}

fn date_of(b: &[u8]) -> Option<Date> {
    if b.len() != 8 {
        return None;
    }
    let year = number(b.get(0..4)?)?;
    let month = small(b.get(4..6)?)?;
    let day = small(b.get(6..8)?)?;
    Date::new(year, month, day).ok()
}

/// `HHMMSS[Z]`; returns the time and whether it is UTC.
fn parse_time(b: &[u8]) -> Option<(Time, bool)> {
    let (digits, utc) = match b {
        [rest @ .., b'Z' | b'z'] => (rest, true),
        _ => (b, false),
    };
    if digits.len() != 6 {
        return None;
    }
    let hour = small(digits.get(0..2)?)?;
    let minute = small(digits.get(2..4)?)?;
    let second = small(digits.get(4..6)?)?;
    // RFC 5545 allows a leap second (60); jiff has none, and the instant is the same to a second.
    let second = if second == 60 { 59 } else { second };
    Time::new(hour, minute, second, 0).ok().map(|t| (t, utc))
}

/// `YYYYMMDD "T" HHMMSS [Z]`; returns the value and whether it is UTC.
pub(crate) fn parse_date_time(s: &str) -> Option<(DateTime, bool)> {
    let b = s.as_bytes();
    let (date, rest) = (b.get(..8)?, b.get(8..)?);
    let (t, time) = rest.split_first()?;
    if !t.eq_ignore_ascii_case(&b'T') {
        return None;
    }
    let date = date_of(date)?;
    let (time, utc) = parse_time(time)?;
    Some((DateTime::from_parts(date, time), utc))
}

/// A DATE or DATE-TIME, told apart by their form.
pub(crate) fn parse_date_or_date_time(s: &str) -> Option<DateOrDateTime> {
    if s.len() == 8 {
        parse_date(s).map(DateOrDateTime::Date)
    } else {
        parse_date_time(s).map(|(value, utc)| DateOrDateTime::DateTime { value, utc })
    }
}

/// `start "/" (end / duration)` with DATE-TIME ends and a positive duration.
pub(crate) fn parse_period(s: &str) -> Result<(), &'static str> {
    let Some((start, end)) = s.split_once('/') else {
        return Err("a PERIOD needs a '/'");
    };
    if parse_date_time(start).is_none() {
        return Err("period start is not a DATE-TIME");
    }
    if end.starts_with(['P', 'p', '+', '-']) {
        match parse_duration(end) {
            Some(secs) if secs >= 0 => Ok(()),
            Some(_) => Err("period duration is negative"),
            None => Err("period duration does not parse"),
        }
    } else if parse_date_time(end).is_some() {
        Ok(())
    } else {
        Err("period end is not a DATE-TIME")
    }
}

/// `("+" / "-") HHMM [SS]`; `-0000` is not allowed (RFC 5545 §3.3.14). Returns seconds east.
pub(crate) fn parse_utc_offset(s: &str) -> Option<i32> {
    let b = s.as_bytes();
    let (sign, digits) = b.split_first()?;
    let sign = match sign {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    if digits.len() != 4 && digits.len() != 6 {
        return None;
    }
    let hours = i32::from(small(digits.get(0..2)?)?);
    let minutes = i32::from(small(digits.get(2..4)?)?);
    let seconds = match digits.get(4..6) {
        Some(s) => i32::from(small(s)?),
        None => 0,
    };
    if hours > 23 || minutes > 59 || seconds > 59 {
        return None;
    }
    let total = hours * 3600 + minutes * 60 + seconds;
    if total == 0 && sign < 0 {
        return None;
    }
    Some(sign * total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates() {
        assert_eq!(parse_date("20060104"), Some(date(2006, 1, 4)));
        assert_eq!(parse_date("20240229"), Some(date(2024, 2, 29)));
        for bad in [
            "20230229",
            "20061304",
            "20060100",
            "2006010",
            "200601045",
            "2006-1-4",
            "+0060104",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn date_times() {
        let (dt, utc) = parse_date_time("20060104T100000Z").unwrap();
        assert_eq!(dt, date(2006, 1, 4).at(10, 0, 0, 0));
        assert!(utc);
        assert_eq!(
            parse_date_time("20060104t235960"),
            Some((date(2006, 1, 4).at(23, 59, 59, 0), false))
        );
        for bad in [
            "20060104",
            "20060104T",
            "20060104T1000",
            "20060104T240000",
            "20060104T106000",
            "20060104T100000ZZ",
            "20060104T100000+0100",
            "20060104X100000",
            "20060104T10000é",
            "2006010éT100000",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn either_form() {
        assert!(parse_date_or_date_time("20060104").unwrap().is_date());
        assert!(
            !parse_date_or_date_time("20060104T000000")
                .unwrap()
                .is_date()
        );
        assert_eq!(parse_date_or_date_time("garbage!"), None);
    }

    #[test]
    fn periods() {
        assert_eq!(parse_period("19970101T180000Z/19970102T070000Z"), Ok(()));
        assert_eq!(parse_period("19970101T180000Z/PT5H30M"), Ok(()));
        assert!(parse_period("19970101T180000Z").is_err());
        assert!(parse_period("19970101/19970102").is_err());
        assert!(parse_period("19970101T180000Z/-PT1H").is_err());
        assert!(parse_period("19970101T180000Z/P").is_err());
        assert!(parse_period("19970101T180000Z/x").is_err());
    }

    #[test]
    fn utc_offsets() {
        assert_eq!(parse_utc_offset("-0500"), Some(-5 * 3600));
        assert_eq!(parse_utc_offset("+0530"), Some(5 * 3600 + 1800));
        assert_eq!(parse_utc_offset("+001730"), Some(17 * 60 + 30));
        assert_eq!(parse_utc_offset("+0000"), Some(0));
        for bad in [
            "-0000", "0500", "+05", "+2400", "+0560", "+05000", "+05:00", "",
        ] {
            assert_eq!(parse_utc_offset(bad), None, "{bad}");
        }
    }
}
