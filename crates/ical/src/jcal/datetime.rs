//! The time-like values between RFC 5545's compact text and RFC 7265's extended ISO 8601
//! forms (§3.6.4, §3.6.5, §3.6.6, §3.6.9, §3.6.12, §3.6.14). Both directions check the value
//! with the crate's own parsers, so what one side accepts the other can write.

use crate::value::{parse_date, parse_date_time, parse_duration, parse_utc_offset};

/// `s` with the separators at `seps` (position, expected byte) removed; `None` if a
/// separator is missing or `s` has another length.
fn strip_separators(s: &str, len: usize, seps: &[(usize, u8)]) -> Option<String> {
    let b = s.as_bytes();
    if b.len() != len || !seps.iter().all(|&(i, sep)| b.get(i) == Some(&sep)) {
        return None;
    }
    let kept: Vec<u8> = b
        .iter()
        .enumerate()
        .filter(|(i, _)| !seps.iter().any(|&(at, _)| at == *i))
        .map(|(_, &c)| c)
        .collect();
    String::from_utf8(kept).ok()
}

/// `YYYYMMDD` → `YYYY-MM-DD`.
pub(crate) fn date_to_json(s: &str) -> Option<String> {
    parse_date(s)?;
    Some(format!(
        "{}-{}-{}",
        s.get(0..4)?,
        s.get(4..6)?,
        s.get(6..8)?
    ))
}

/// `YYYY-MM-DD` → `YYYYMMDD`.
pub(crate) fn date_from_json(s: &str) -> Option<String> {
    let compact = strip_separators(s, 10, &[(4, b'-'), (7, b'-')])?;
    parse_date(&compact).map(|_| compact)
}

/// `hhmmss[Z]` → `hh:mm:ss[Z]`; 60 seconds is a leap second (RFC 5545 §3.3.12).
pub(crate) fn time_to_json(s: &str) -> Option<String> {
    let (digits, utc) = split_utc(s);
    let b = digits.as_bytes();
    if b.len() != 6 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (h, m, sec) = (digits.get(0..2)?, digits.get(2..4)?, digits.get(4..6)?);
    if h > "23" || m > "59" || sec > "60" {
        return None;
    }
    Some(format!("{h}:{m}:{sec}{}", if utc { "Z" } else { "" }))
}

/// `hh:mm:ss[Z]` → `hhmmss[Z]`.
pub(crate) fn time_from_json(s: &str) -> Option<String> {
    let (clock, utc) = split_utc(s);
    let compact = strip_separators(clock, 8, &[(2, b':'), (5, b':')])?;
    time_to_json(&compact)?;
    Some(if utc { compact + "Z" } else { compact })
}

fn split_utc(s: &str) -> (&str, bool) {
    match s.strip_suffix(['Z', 'z']) {
        Some(rest) => (rest, true),
        None => (s, false),
    }
}

/// `YYYYMMDDThhmmss[Z]` → `YYYY-MM-DDThh:mm:ss[Z]`.
pub(crate) fn date_time_to_json(s: &str) -> Option<String> {
    parse_date_time(s)?;
    let date = date_to_json(s.get(0..8)?)?;
    let time = time_to_json(s.get(9..)?)?;
    Some(format!("{date}T{time}"))
}

/// `YYYY-MM-DDThh:mm:ss[Z]` → `YYYYMMDDThhmmss[Z]`.
pub(crate) fn date_time_from_json(s: &str) -> Option<String> {
    let (date, time) = s.split_once(['T', 't'])?;
    let compact = format!("{}T{}", date_from_json(date)?, time_from_json(time)?);
    parse_date_time(&compact).map(|_| compact)
}

/// `±hhmm[ss]` → `±hh:mm[:ss]`.
pub(crate) fn utc_offset_to_json(s: &str) -> Option<String> {
    parse_utc_offset(s)?;
    let (sign, rest) = (s.get(0..1)?, s.get(1..)?);
    let (h, m) = (rest.get(0..2)?, rest.get(2..4)?);
    Some(match rest.get(4..6) {
        Some(sec) => format!("{sign}{h}:{m}:{sec}"),
        None => format!("{sign}{h}:{m}"),
    })
}

/// `±hh:mm[:ss]` → `±hhmm[ss]`.
pub(crate) fn utc_offset_from_json(s: &str) -> Option<String> {
    let compact = match s.len() {
        6 => strip_separators(s, 6, &[(3, b':')])?,
        9 => strip_separators(s, 9, &[(3, b':'), (6, b':')])?,
        _ => return None,
    };
    parse_utc_offset(&compact).map(|_| compact)
}

/// A DURATION as written (both forms are the same text); `None` if it does not parse.
pub(crate) fn duration(s: &str) -> Option<String> {
    parse_duration(s).map(|_| s.to_ascii_uppercase())
}

/// Whether a period's second half is a duration rather than an end (RFC 5545 §3.3.9).
fn is_duration(s: &str) -> bool {
    s.starts_with(['P', 'p', '+', '-'])
}

/// `start/end` or `start/duration` → the two jCal strings.
pub(crate) fn period_to_json(s: &str) -> Option<[String; 2]> {
    let (start, end) = s.split_once('/')?;
    let end = if is_duration(end) {
        duration(end)?
    } else {
        date_time_to_json(end)?
    };
    Some([date_time_to_json(start)?, end])
}

/// The two jCal strings of a period → `start/end` or `start/duration`.
pub(crate) fn period_from_json(start: &str, end: &str) -> Option<String> {
    let end = if is_duration(end) {
        duration(end)?
    } else {
        date_time_from_json(end)?
    };
    Some(format!("{}/{end}", date_time_from_json(start)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert_eq!(date_to_json("20111223").as_deref(), Some("2011-12-23"));
        assert_eq!(date_from_json("2011-12-23").as_deref(), Some("20111223"));
        assert_eq!(date_to_json("20110230"), None);
        assert_eq!(date_from_json("2011-1-23"), None);
        assert_eq!(date_from_json("2011/12/23"), None);

        assert_eq!(
            date_time_to_json("20111223T100000Z").as_deref(),
            Some("2011-12-23T10:00:00Z")
        );
        assert_eq!(
            date_time_to_json("20111223t100000").as_deref(),
            Some("2011-12-23T10:00:00")
        );
        assert_eq!(
            date_time_from_json("2011-12-23T10:00:00Z").as_deref(),
            Some("20111223T100000Z")
        );
        assert_eq!(date_time_from_json("2011-12-23T10:00"), None);
        assert_eq!(date_time_from_json("2011-12-23 10:00:00"), None);
        assert_eq!(date_time_to_json("20111223"), None);

        assert_eq!(time_to_json("235960Z").as_deref(), Some("23:59:60Z"));
        assert_eq!(time_from_json("10:20:30").as_deref(), Some("102030"));
        assert_eq!(time_to_json("240000"), None);
        assert_eq!(time_from_json("1:20:30"), None);
    }

    #[test]
    fn offsets_durations_periods() {
        assert_eq!(utc_offset_to_json("-0500").as_deref(), Some("-05:00"));
        assert_eq!(utc_offset_to_json("+053045").as_deref(), Some("+05:30:45"));
        assert_eq!(
            utc_offset_from_json("+05:30:45").as_deref(),
            Some("+053045")
        );
        assert_eq!(utc_offset_from_json("-05:00").as_deref(), Some("-0500"));
        assert_eq!(utc_offset_from_json("05:00"), None);
        assert_eq!(utc_offset_to_json("-0000"), None);

        assert_eq!(duration("-PT15M").as_deref(), Some("-PT15M"));
        assert_eq!(duration("P1X"), None);

        assert_eq!(
            period_to_json("19970101T180000Z/PT5H30M"),
            Some(["1997-01-01T18:00:00Z".into(), "PT5H30M".into()])
        );
        assert_eq!(
            period_from_json("1997-01-01T18:00:00Z", "1997-01-02T07:00:00Z").as_deref(),
            Some("19970101T180000Z/19970102T070000Z")
        );
        assert_eq!(period_to_json("19970101T180000Z"), None);
        assert_eq!(period_from_json("1997-01-01", "PT1H"), None);
    }
}
