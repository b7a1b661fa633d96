//! jCal → iCalendar (RFC 7265 §4). Every element is checked before it is written, and a
//! refusal names the element by its JSON pointer, so a client can find its mistake.

use serde_json::Value;

use super::text::encode_param;
use super::types::{ValueType, default_type, needs_value_param};
use super::values::{self, kind};
use super::{JcalError, MAX_DEPTH};
use crate::fold::push_folded;

/// A component array, or an array of them, as CRLF-terminated, folded iCalendar text.
pub(crate) fn stream(v: &Value) -> Result<String, JcalError> {
    let mut out = String::new();
    match v {
        Value::Array(items) if items.first().is_some_and(Value::is_string) => {
            component(v, "", 1, &mut out)?;
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                component(item, &format!("/{i}"), 1, &mut out)?;
            }
        }
        other => {
            return Err(JcalError::malformed(
                "",
                format!(
                    "expected a component such as [\"vcalendar\", [], []], not {}",
                    describe_top(other)
                ),
            ));
        }
    }
    Ok(out)
}

fn describe_top(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "an empty array",
        other => kind(other),
    }
}

/// RFC 5545 names, plus `_` as the crate's line reader allows it.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A name element: a string that can stand in a content line.
fn name_at<'a>(v: &'a Value, path: &str, what: &str) -> Result<&'a str, JcalError> {
    match v {
        Value::String(s) if is_name(s) => Ok(s),
        Value::String(s) => Err(JcalError::malformed(
            path,
            format!("{what} name {s:?} is not letters, digits and '-'"),
        )),
        other => Err(JcalError::malformed(
            path,
            format!("{what} name must be a string, not {}", kind(other)),
        )),
    }
}

fn component(v: &Value, path: &str, depth: usize, out: &mut String) -> Result<(), JcalError> {
    if depth > MAX_DEPTH {
        return Err(JcalError::TooDeep {
            location: path.to_owned(),
            limit: MAX_DEPTH,
        });
    }
    let Value::Array(items) = v else {
        return Err(JcalError::malformed(
            path,
            format!(
                "a component must be an array [name, properties, components], not {}",
                kind(v)
            ),
        ));
    };
    let [name, props, comps] = items.as_slice() else {
        return Err(JcalError::malformed(
            path,
            format!(
                "a component must have 3 elements [name, properties, components], not {}",
                items.len()
            ),
        ));
    };
    let name = name_at(name, &format!("{path}/0"), "component")?.to_ascii_uppercase();
    let props = list_at(props, &format!("{path}/1"), "properties")?;
    let comps = list_at(comps, &format!("{path}/2"), "subcomponents")?;
    push_folded(out, &format!("BEGIN:{name}"));
    for (i, prop) in props.iter().enumerate() {
        let line = property(prop, &format!("{path}/1/{i}"))?;
        push_folded(out, &line);
    }
    for (i, comp) in comps.iter().enumerate() {
        component(comp, &format!("{path}/2/{i}"), depth + 1, out)?;
    }
    push_folded(out, &format!("END:{name}"));
    Ok(())
}

fn list_at<'a>(v: &'a Value, path: &str, what: &str) -> Result<&'a [Value], JcalError> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(JcalError::malformed(
            path,
            format!("{what} must be an array, not {}", kind(other)),
        )),
    }
}

/// One property array → one unfolded content line.
fn property(v: &Value, path: &str) -> Result<String, JcalError> {
    let Value::Array(items) = v else {
        return Err(JcalError::malformed(
            path,
            format!(
                "a property must be an array [name, parameters, type, value...], not {}",
                kind(v)
            ),
        ));
    };
    let [name, params, ty, vals @ ..] = items.as_slice() else {
        return Err(too_short(path, items.len()));
    };
    if vals.is_empty() {
        return Err(too_short(path, items.len()));
    }
    let name = name_at(name, &format!("{path}/0"), "property")?;
    if name.eq_ignore_ascii_case("BEGIN") || name.eq_ignore_ascii_case("END") {
        return Err(JcalError::malformed(
            &format!("{path}/0"),
            "BEGIN and END are not properties; nest a component array instead",
        ));
    }
    let ty = ValueType::from_name(name_at(ty, &format!("{path}/2"), "value type")?);

    let mut line = name.to_ascii_uppercase();
    // "unknown" means the raw text stands alone, with no VALUE (RFC 7265 §5.2).
    if ty != ValueType::Unknown && (ty != default_type(name) || needs_value_param(name)) {
        line.push_str(";VALUE=");
        line.push_str(&ty.name().to_ascii_uppercase());
    }
    write_params(params, &format!("{path}/1"), &mut line)?;
    line.push(':');
    for (i, v) in vals.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        let text = value(&ty, v).map_err(|reason| {
            JcalError::malformed(
                &format!("{path}/{}", i + 3),
                format!("{}: {reason}", name.to_ascii_lowercase()),
            )
        })?;
        line.push_str(&text);
    }
    Ok(line)
}

fn too_short(path: &str, len: usize) -> JcalError {
    JcalError::malformed(
        path,
        format!(
            "a property needs a name, parameters, a type and at least one value; it has {len} elements"
        ),
    )
}

/// One value; an array of parts is a structured value (GEO, REQUEST-STATUS), `;`-joined.
fn value(ty: &ValueType, v: &Value) -> Result<String, String> {
    match v {
        Value::Array(parts)
            if matches!(ty, ValueType::Text | ValueType::Float | ValueType::Integer) =>
        {
            if parts.is_empty() {
                return Err("a structured value needs at least one part".into());
            }
            let texts = parts
                .iter()
                .map(|part| values::from_json(ty, part))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(texts.join(";"))
        }
        _ => values::from_json(ty, v),
    }
}

fn write_params(v: &Value, path: &str, line: &mut String) -> Result<(), JcalError> {
    let Value::Object(map) = v else {
        return Err(JcalError::malformed(
            path,
            format!("parameters must be an object, not {}", kind(v)),
        ));
    };
    for (key, val) in map {
        let at = format!("{path}/{}", pointer_token(key));
        if !is_name(key) {
            return Err(JcalError::malformed(
                &at,
                format!("parameter name {key:?} is not letters, digits and '-'"),
            ));
        }
        if key.eq_ignore_ascii_case("VALUE") {
            return Err(JcalError::malformed(
                &at,
                "the value type goes in the property's third element, not a VALUE parameter",
            ));
        }
        line.push(';');
        line.push_str(&key.to_ascii_uppercase());
        line.push('=');
        line.push_str(&param_values(val, &at)?);
    }
    Ok(())
}

/// A parameter value: a string, or a non-empty array of strings (RFC 7265 §3.5.2).
fn param_values(v: &Value, path: &str) -> Result<String, JcalError> {
    let encode = |s: &str, at: &str| encode_param(s).map_err(|r| JcalError::malformed(at, r));
    match v {
        Value::String(s) => encode(s, path),
        Value::Array(items) if !items.is_empty() => {
            let mut texts = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let at = format!("{path}/{i}");
                let Value::String(s) = item else {
                    return Err(JcalError::malformed(
                        &at,
                        format!("parameter values must be strings, not {}", kind(item)),
                    ));
                };
                texts.push(encode(s, &at)?);
            }
            Ok(texts.join(","))
        }
        other => Err(JcalError::malformed(
            path,
            format!(
                "a parameter must be a string or a non-empty array of strings, not {}",
                describe_param(other)
            ),
        )),
    }
}

fn describe_param(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "an empty array",
        other => kind(other),
    }
}

/// An object key as a JSON pointer token (RFC 6901 §3).
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text_of(v: Value) -> String {
        stream(&v).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error_of(v: Value) -> String {
        match stream(&v) {
            Ok(text) => panic!("{v} was accepted as {text:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn writes_value_only_when_not_the_default() {
        let text = text_of(json!(["vcalendar", [
            ["dtstart", {"tzid": "Europe/Berlin"}, "date-time", "2011-12-23T10:00:00"],
            ["dtend", {}, "date", "2011-12-24"],
            ["x-foo", {}, "unknown", "a;b\\,c"],
            ["x-bar", {}, "boolean", true],
            ["x-baz", {}, "x-coffee", "raw"],
            ["refresh-interval", {}, "duration", "P1W"],
            ["categories", {}, "text", "a,b", "c"]
        ], []]));
        assert_eq!(
            text,
            "BEGIN:VCALENDAR\r\n\
             DTSTART;TZID=Europe/Berlin:20111223T100000\r\n\
             DTEND;VALUE=DATE:20111224\r\n\
             X-FOO:a;b\\,c\r\n\
             X-BAR;VALUE=BOOLEAN:TRUE\r\n\
             X-BAZ;VALUE=X-COFFEE:raw\r\n\
             REFRESH-INTERVAL;VALUE=DURATION:P1W\r\n\
             CATEGORIES:a\\,b,c\r\n\
             END:VCALENDAR\r\n"
        );
    }

    #[test]
    fn parameters_are_escaped_and_quoted() {
        let text = text_of(json!(["vevent", [
            ["attendee", {"delegated-to": ["mailto:a@x", "mailto:b@x"]}, "cal-address", "mailto:c@x"],
            ["attendee", {"cn": "Doe, \"J\"\n^"}, "cal-address", "mailto:d@x"]
        ], []]));
        assert!(
            text.contains("ATTENDEE;DELEGATED-TO=\"mailto:a@x\",\"mailto:b@x\":mailto:c@x\r\n")
        );
        assert!(text.contains("ATTENDEE;CN=\"Doe, ^'J^'^n^^\":mailto:d@x\r\n"));
    }

    #[test]
    fn structured_and_periods() {
        let text = text_of(json!([
            "vevent",
            [
                ["geo", {}, "float", [37.386013, -122.082932]],
                ["request-status", {}, "text", ["2.0", "Success; really"]],
                [
                    "freebusy",
                    {},
                    "period",
                    ["1997-03-08T16:00:00Z", "P1D"],
                    "1997-03-09T16:00:00Z/P1D"
                ]
            ],
            []
        ]));
        assert!(text.contains("GEO:37.386013;-122.082932\r\n"));
        assert!(text.contains("REQUEST-STATUS:2.0;Success\\; really\r\n"));
        assert!(text.contains("FREEBUSY:19970308T160000Z/P1D,19970309T160000Z/P1D\r\n"));
    }

    #[test]
    fn a_list_of_components_is_a_stream() {
        let text = text_of(json!([["vcalendar", [], []], ["vcalendar", [], []]]));
        assert_eq!(text, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".repeat(2));
    }

    #[test]
    fn long_lines_are_folded() {
        let long = "x".repeat(200);
        let text = text_of(json!(["vevent", [["summary", {}, "text", long]], []]));
        assert!(text.split("\r\n").all(|l| l.len() <= 75));
        assert!(text.contains("\r\n x"));
    }

    #[test]
    fn malformed_input_says_what_and_where() {
        let cases = [
            (
                json!(null),
                "jCal document: expected a component such as [\"vcalendar\", [], []], not null",
            ),
            (
                json!([]),
                "jCal document: expected a component such as [\"vcalendar\", [], []], not an empty array",
            ),
            (
                json!(["vcalendar", []]),
                "jCal document: a component must have 3 elements [name, properties, components], not 2",
            ),
            (
                json!([["vcalendar", [], []], 5]),
                "/1: a component must be an array [name, properties, components], not a number",
            ),
            (
                json!(["v cal", [], []]),
                "/0: component name \"v cal\" is not letters, digits and '-'",
            ),
            (
                json!(["vcalendar", {}, []]),
                "/1: properties must be an array, not an object",
            ),
            (
                json!(["vcalendar", [], [["vevent", [], null]]]),
                "/2/0/2: subcomponents must be an array, not null",
            ),
            (
                json!(["vcalendar", [["x", {}, "text"]], []]),
                "/1/0: a property needs a name, parameters, a type and at least one value; it has 3 elements",
            ),
            (
                json!(["vcalendar", [[1, {}, "text", "a"]], []]),
                "/1/0/0: property name must be a string, not a number",
            ),
            (
                json!(["vcalendar", [["end", {}, "text", "a"]], []]),
                "/1/0/0: BEGIN and END are not properties; nest a component array instead",
            ),
            (
                json!(["vcalendar", [["x", [], "text", "a"]], []]),
                "/1/0/1: parameters must be an object, not an array",
            ),
            (
                json!(["vcalendar", [["x", {"a/b": "1"}, "text", "a"]], []]),
                "/1/0/1/a~1b: parameter name \"a/b\" is not letters, digits and '-'",
            ),
            (
                json!(["vcalendar", [["x", {"value": "date"}, "text", "a"]], []]),
                "/1/0/1/value: the value type goes in the property's third element, not a VALUE parameter",
            ),
            (
                json!(["vcalendar", [["x", {"p": [1]}, "text", "a"]], []]),
                "/1/0/1/p/0: parameter values must be strings, not a number",
            ),
            (
                json!(["vcalendar", [["x", {"p": []}, "text", "a"]], []]),
                "/1/0/1/p: a parameter must be a string or a non-empty array of strings, not an empty array",
            ),
            (
                json!(["vcalendar", [["x", {}, 3, "a"]], []]),
                "/1/0/2: value type name must be a string, not a number",
            ),
            (
                json!(["vcalendar", [["dtstart", {}, "date-time", "a", 5]], []]),
                "/1/0/3: dtstart: date-time value must be a date-time string like \"2011-12-23T10:00:00Z\", not \"a\"",
            ),
            (
                json!(["vcalendar", [["priority", {}, "integer", "1"]], []]),
                "/1/0/3: priority: integer value must be an integer from -2147483648 to 2147483647, not \"1\"",
            ),
            (
                json!(["vcalendar", [["summary", {}, "text", "a\u{0}"]], []]),
                "/1/0/3: summary: control character U+0000 cannot be written",
            ),
            (
                json!(["vcalendar", [["x-a", {}, "unknown", "a\nb"]], []]),
                "/1/0/3: x-a: control character U+000A cannot be written",
            ),
            (
                json!(["vcalendar", [["geo", {}, "float", []]], []]),
                "/1/0/3: geo: a structured value needs at least one part",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(error_of(input), message);
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let mut v = json!(["x-leaf", [], []]);
        for _ in 0..MAX_DEPTH {
            v = json!(["x-a", [], [v]]);
        }
        let err = stream(&v).unwrap_err();
        assert!(
            matches!(
                err,
                JcalError::TooDeep {
                    limit: MAX_DEPTH,
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string()
                .ends_with(&format!("components nested more than {MAX_DEPTH} deep"))
        );
    }
}
