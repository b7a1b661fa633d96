//! One value of a given type between its iCalendar text and its JSON form (RFC 7265 §3.6).
//! Lists and structured parts are split and joined by the callers.

use serde_json::{Number, Value};

use super::datetime as dt;
use super::recur;
use super::text::{check_raw, escape_text};
use super::types::ValueType;
use crate::value::unescape_text;

/// One iCalendar value (one list item) → JSON, or why the text is not of type `ty`.
pub(crate) fn to_json(ty: &ValueType, text: &str) -> Result<Value, String> {
    let string = |s: Option<String>| s.map(Value::String);
    let converted = match ty {
        ValueType::Binary
        | ValueType::CalAddress
        | ValueType::Uri
        | ValueType::Unknown
        | ValueType::Other(_) => Some(Value::String(text.to_owned())),
        ValueType::Text => Some(Value::String(unescape_text(text))),
        ValueType::Boolean => boolean(text).map(Value::Bool),
        ValueType::Date => string(dt::date_to_json(text)),
        ValueType::DateTime => string(dt::date_time_to_json(text)),
        ValueType::Time => string(dt::time_to_json(text)),
        ValueType::UtcOffset => string(dt::utc_offset_to_json(text)),
        ValueType::Duration => string(dt::duration(text)),
        ValueType::Period => dt::period_to_json(text)
            .map(|[start, end]| Value::Array(vec![start.into(), end.into()])),
        ValueType::Integer => text.parse::<i32>().ok().map(Value::from),
        ValueType::Float => float(text).map(Value::Number),
        ValueType::Recur => return recur::to_json(text),
    };
    converted.ok_or_else(|| format!("{text:?} does not parse"))
}

fn boolean(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("TRUE") {
        Some(true)
    } else if text.eq_ignore_ascii_case("FALSE") {
        Some(false)
    } else {
        None
    }
}

/// `["+" / "-"] 1*DIGIT ["." 1*DIGIT]` (RFC 5545 §3.3.7), which Rust's float syntax would
/// widen with exponents, `inf` and `NaN`.
fn float(text: &str) -> Option<Number> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return None;
    }
    if !unsigned.contains('.')
        && let Ok(n) = text.parse::<i64>()
    {
        // Whole numbers stay integers, so `-122` reads back as written rather than `-122.0`.
        return Some(Number::from(n));
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

/// What a JSON value is, for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What a value of `ty` must look like in jCal, for messages.
fn expected(ty: &ValueType) -> &'static str {
    match ty {
        ValueType::Boolean => "true or false",
        ValueType::Date => "a date string like \"2011-12-23\"",
        ValueType::DateTime => "a date-time string like \"2011-12-23T10:00:00Z\"",
        ValueType::Time => "a time string like \"10:00:00\"",
        ValueType::UtcOffset => "a UTC offset string like \"+05:00\"",
        ValueType::Duration => "a duration string like \"PT1H\"",
        ValueType::Period => "a period like [\"2011-12-23T10:00:00Z\", \"PT1H\"]",
        ValueType::Integer => "an integer from -2147483648 to 2147483647",
        ValueType::Float => "a number",
        ValueType::Recur => "a recur object",
        _ => "a string",
    }
}

/// One jCal value → its iCalendar text (one list item), or why it does not fit `ty`.
pub(crate) fn from_json(ty: &ValueType, v: &Value) -> Result<String, String> {
    let wrong = || {
        format!(
            "{} value must be {}, not {}",
            ty.name(),
            expected(ty),
            describe(v)
        )
    };
    let s = v.as_str();
    let text = match ty {
        ValueType::Text => return escape_text(s.ok_or_else(wrong)?),
        ValueType::Binary
        | ValueType::CalAddress
        | ValueType::Uri
        | ValueType::Unknown
        | ValueType::Other(_) => {
            let s = s.ok_or_else(wrong)?;
            check_raw(s)?;
            Some(s.to_owned())
        }
        ValueType::Boolean => v.as_bool().map(|b| if b { "TRUE" } else { "FALSE" }.into()),
        ValueType::Date => s.and_then(dt::date_from_json),
        ValueType::DateTime => s.and_then(dt::date_time_from_json),
        ValueType::Time => s.and_then(dt::time_from_json),
        ValueType::UtcOffset => s.and_then(dt::utc_offset_from_json),
        ValueType::Duration => s.and_then(dt::duration),
        ValueType::Period => match v {
            Value::Array(parts) => match parts.as_slice() {
                [Value::String(start), Value::String(end)] => dt::period_from_json(start, end),
                _ => None,
            },
            // RFC 7265 Appendix B.2 writes a period as one "start/end" string, against §3.6.9.
            Value::String(s) => s
                .split_once('/')
                .and_then(|(start, end)| dt::period_from_json(start, end)),
            _ => None,
        },
        ValueType::Integer => v
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(|n| n.to_string()),
        ValueType::Float => v.as_number().map(float_text),
        ValueType::Recur => return recur::from_json(v),
    };
    text.ok_or_else(wrong)
}

/// A JSON value in a message: strings quoted and cut short, others by kind.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().count() > 40 => {
            format!("{:?}…", s.chars().take(40).collect::<String>())
        }
        Value::String(s) => format!("{s:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => kind(other).to_owned(),
    }
}

/// Integers stay exact; other numbers use Rust's shortest round-trip form, which never has
/// an exponent and so is RFC 5545 float syntax. A whole float keeps a `.0`, so it reads back
/// as the JSON float it was rather than as an integer.
fn float_text(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let mut text = n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string());
    if !text.contains('.') {
        text.push_str(".0");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn there_and_back(ty: ValueType, ical: &str, jcal: Value) {
        assert_eq!(to_json(&ty, ical), Ok(jcal.clone()), "{ical} to JSON");
        assert_eq!(
            from_json(&ty, &jcal).as_deref(),
            Ok(ical),
            "{jcal} to iCalendar"
        );
    }

    #[test]
    fn each_type() {
        there_and_back(ValueType::Boolean, "TRUE", json!(true));
        there_and_back(ValueType::Integer, "-42", json!(-42));
        there_and_back(ValueType::Float, "37.386013", json!(37.386013));
        there_and_back(ValueType::Float, "-122", json!(-122));
        there_and_back(ValueType::Text, "a\\, b\\nc", json!("a, b\nc"));
        there_and_back(ValueType::Uri, "http://x/?a=1,b", json!("http://x/?a=1,b"));
        there_and_back(ValueType::Unknown, "a;b\\,c", json!("a;b\\,c"));
        there_and_back(ValueType::Date, "20081006", json!("2008-10-06"));
        there_and_back(
            ValueType::DateTime,
            "20080205T191224Z",
            json!("2008-02-05T19:12:24Z"),
        );
        there_and_back(ValueType::Time, "120000", json!("12:00:00"));
        there_and_back(ValueType::UtcOffset, "+0530", json!("+05:30"));
        there_and_back(ValueType::Duration, "P1DT2H", json!("P1DT2H"));
        there_and_back(
            ValueType::Period,
            "19970308T160000Z/P1D",
            json!(["1997-03-08T16:00:00Z", "P1D"]),
        );
        there_and_back(
            ValueType::Recur,
            "FREQ=DAILY;COUNT=5",
            json!({"freq": "DAILY", "count": 5}),
        );
        assert_eq!(to_json(&ValueType::Boolean, "false"), Ok(json!(false)));
        assert_eq!(to_json(&ValueType::Integer, "+7"), Ok(json!(7)));
        assert_eq!(
            from_json(&ValueType::Period, &json!("2006-01-02T15:00:00/PT2H")).as_deref(),
            Ok("20060102T150000/PT2H")
        );
    }

    #[test]
    fn rejects_text_that_is_not_the_type() {
        for (ty, text) in [
            (ValueType::Boolean, "yes"),
            (ValueType::Integer, "1.5"),
            (ValueType::Integer, "99999999999"),
            (ValueType::Float, "1e5"),
            (ValueType::Float, "NaN"),
            (ValueType::Float, ".5"),
            (ValueType::Date, "2008-10-06"),
            (ValueType::DateTime, "20080205"),
            (ValueType::Period, "20080205T000000Z"),
            (ValueType::Duration, "1H"),
        ] {
            assert!(to_json(&ty, text).is_err(), "{text} as {}", ty.name());
        }
    }

    #[test]
    fn rejects_json_of_the_wrong_kind() {
        for (ty, v) in [
            (ValueType::Text, json!(1)),
            (ValueType::Boolean, json!("TRUE")),
            (ValueType::Integer, json!(1.5)),
            (ValueType::Integer, json!(4_000_000_000_i64)),
            (ValueType::Float, json!("1.5")),
            (ValueType::Date, json!("20081006")),
            (ValueType::Period, json!(["1997-03-08T16:00:00Z"])),
            (ValueType::Period, json!("1997-03-08T16:00:00Z")),
            (ValueType::Unknown, json!(null)),
            (ValueType::Uri, json!("a\nb")),
            (ValueType::Text, json!("bell\u{7}")),
        ] {
            assert!(from_json(&ty, &v).is_err(), "{v} as {}", ty.name());
        }
        let message = from_json(&ValueType::DateTime, &json!(3)).unwrap_err();
        assert_eq!(
            message,
            "date-time value must be a date-time string like \"2011-12-23T10:00:00Z\", not 3"
        );
    }
}
