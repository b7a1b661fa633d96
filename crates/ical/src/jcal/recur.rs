//! RECUR values as jCal objects (RFC 7265 §3.6.10): lower-case rule part names as keys, a
//! list only when a part has several values, numbers for the numeric parts, and UNTIL in the
//! date or date-time form.

use serde_json::{Map, Value};

use super::datetime::{date_from_json, date_time_from_json, date_time_to_json, date_to_json};
use super::text::check_raw;

/// Parts whose values are integers (RFC 5545 §3.3.10). RFC 7529 lets BYMONTH carry a leap
/// month such as `5L`, so a value that is not a number stays a string.
const NUMERIC: [&str; 10] = [
    "count",
    "interval",
    "bysecond",
    "byminute",
    "byhour",
    "bymonthday",
    "byyearday",
    "byweekno",
    "bymonth",
    "bysetpos",
];

/// The order parts are written in: FREQ first, since some readers insist on it; the rest as
/// RFC 5545 lists them; unknown parts after, in the object's order.
const ORDER: [&str; 14] = [
    "freq",
    "until",
    "count",
    "interval",
    "bysecond",
    "byminute",
    "byhour",
    "byday",
    "bymonthday",
    "byyearday",
    "byweekno",
    "bymonth",
    "bysetpos",
    "wkst",
];

fn is_part_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A RECUR text → its jCal object.
pub(crate) fn to_json(raw: &str) -> Result<Value, String> {
    let mut map = Map::new();
    // An empty part (a trailing `;`) says nothing, and some producers write one.
    for part in raw.split(';').filter(|p| !p.is_empty()) {
        let Some((name, value)) = part.split_once('=') else {
            return Err(format!("rule part {part:?} has no '='"));
        };
        if !is_part_name(name) {
            return Err(format!("bad rule part name {name:?}"));
        }
        let key = name.to_ascii_lowercase();
        if map.contains_key(&key) {
            return Err(format!(
                "rule part {} occurs twice",
                name.to_ascii_uppercase()
            ));
        }
        let items = if key == "until" {
            let until = if value.len() == 8 {
                date_to_json(value)
            } else {
                date_time_to_json(value)
            };
            vec![Value::String(until.ok_or_else(|| {
                format!("UNTIL {value:?} is not a date or date-time")
            })?)]
        } else {
            let numeric = NUMERIC.contains(&key.as_str());
            value
                .split(',')
                .map(|v| match v.parse::<i64>() {
                    Ok(n) if numeric => Value::from(n),
                    _ => Value::String(v.to_owned()),
                })
                .collect()
        };
        map.insert(key, single_or_list(items));
    }
    if map.is_empty() {
        return Err("empty recurrence rule".into());
    }
    Ok(Value::Object(map))
}

fn single_or_list(mut items: Vec<Value>) -> Value {
    if items.len() == 1 {
        items.pop().unwrap_or(Value::Null)
    } else {
        Value::Array(items)
    }
}

/// A jCal recur object → RECUR text.
pub(crate) fn from_json(value: &Value) -> Result<String, String> {
    let Value::Object(map) = value else {
        return Err("a recur value must be an object".into());
    };
    if map.is_empty() {
        return Err("a recur object needs at least a freq".into());
    }
    let mut keys: Vec<&String> = map.keys().collect();
    let rank = |k: &str| {
        ORDER
            .iter()
            .position(|o| o.eq_ignore_ascii_case(k))
            .unwrap_or(ORDER.len())
    };
    keys.sort_by_key(|k| rank(k));
    let mut parts = Vec::with_capacity(keys.len());
    for key in keys {
        if !is_part_name(key) {
            return Err(format!("bad rule part name {key:?}"));
        }
        let Some(v) = map.get(key) else { continue };
        let text = if key.eq_ignore_ascii_case("until") {
            until_from_json(v)?
        } else {
            let items = match v {
                Value::Array(items) if items.is_empty() => {
                    return Err(format!("rule part {key:?} has an empty list"));
                }
                Value::Array(items) => items.iter().collect(),
                single => vec![single],
            };
            let texts = items
                .into_iter()
                .map(|item| item_from_json(key, item))
                .collect::<Result<Vec<_>, _>>()?;
            texts.join(",")
        };
        parts.push(format!("{}={text}", key.to_ascii_uppercase()));
    }
    Ok(parts.join(";"))
}

fn until_from_json(v: &Value) -> Result<String, String> {
    let compact = match v {
        Value::String(s) if s.len() == 10 => date_from_json(s),
        Value::String(s) => date_time_from_json(s),
        _ => None,
    };
    compact.ok_or_else(|| {
        format!("until must be a date (2011-12-23) or date-time (2011-12-23T10:00:00Z), not {v}")
    })
}

fn item_from_json(key: &str, item: &Value) -> Result<String, String> {
    match item {
        Value::String(s) => {
            check_raw(s)?;
            if s.contains([';', ',']) {
                return Err(format!("rule part {key:?}: {s:?} holds a ';' or ','"));
            }
            Ok(s.clone())
        }
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        other => Err(format!(
            "rule part {key:?} values must be strings or integers, not {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rule_to_object() {
        assert_eq!(
            to_json("FREQ=YEARLY;BYDAY=1SU;BYMONTH=4"),
            Ok(json!({"freq": "YEARLY", "byday": "1SU", "bymonth": 4}))
        );
        assert_eq!(
            to_json("FREQ=WEEKLY;UNTIL=20240625T080000Z;BYDAY=MO,TU;BYSETPOS=-1;"),
            Ok(json!({
                "freq": "WEEKLY",
                "until": "2024-06-25T08:00:00Z",
                "byday": ["MO", "TU"],
                "bysetpos": -1
            }))
        );
        assert_eq!(
            to_json("RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=5L;UNTIL=20300101"),
            Ok(
                json!({"rscale": "CHINESE", "freq": "YEARLY", "bymonth": "5L", "until": "2030-01-01"})
            )
        );
        assert!(to_json("FREQ").is_err());
        assert!(to_json("FREQ=DAILY;FREQ=WEEKLY").is_err());
        assert!(to_json("FREQ=DAILY;UNTIL=tomorrow").is_err());
        assert!(to_json("").is_err());
    }

    #[test]
    fn object_to_rule() {
        assert_eq!(
            from_json(
                &json!({"bymonth": [3, 10], "byday": "-1SU", "freq": "YEARLY", "x-name": "v"})
            ),
            Ok("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3,10;X-NAME=v".into())
        );
        assert_eq!(
            from_json(&json!({"freq": "DAILY", "until": "2012-10-11T12:13:14Z"})),
            Ok("FREQ=DAILY;UNTIL=20121011T121314Z".into())
        );
        assert_eq!(
            from_json(&json!({"freq": "DAILY", "until": "2012-10-11"})),
            Ok("FREQ=DAILY;UNTIL=20121011".into())
        );
        for bad in [
            json!("FREQ=DAILY"),
            json!({}),
            json!({"freq": "DAILY", "until": "20121011"}),
            json!({"freq": "DAILY", "count": 1.5}),
            json!({"freq": "DAILY", "byday": []}),
            json!({"freq": "DAILY", "byday": [["MO"]]}),
            json!({"freq": "DAILY;COUNT=2"}),
            json!({"fr eq": "DAILY"}),
        ] {
            assert!(from_json(&bad).is_err(), "{bad} was accepted");
        }
    }
}
