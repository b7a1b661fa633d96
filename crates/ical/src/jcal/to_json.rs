//! iCalendar → jCal (RFC 7265 §3). Lines and structure come from the crate's own reader, so
//! what converts is exactly what the rest of the crate would read.

use serde_json::{Map, Value};

use super::text::{decode_param, split_unescaped};
use super::types::{self, ValueType, default_type};
use super::{JcalError, MAX_DEPTH, values};
use crate::contentline::ContentLine;
use crate::tree::{Component, Tree, build};
use crate::unfold::unfold;

/// The one VCALENDAR in `bytes` as `["vcalendar", [props...], [components...]]`.
pub(crate) fn calendar(bytes: &[u8]) -> Result<Value, JcalError> {
    let unfolded = unfold(bytes)?;
    let tree = build(&unfolded)?;
    let Some(root) = tree.comps.first() else {
        return Err(crate::error::IngestError::NotVCalendar.into());
    };
    component(&tree, root, 1)
}

fn component(tree: &Tree<'_>, comp: &Component<'_>, depth: usize) -> Result<Value, JcalError> {
    if depth > MAX_DEPTH {
        return Err(JcalError::TooDeep {
            location: format!("line {}", comp.line),
            limit: MAX_DEPTH,
        });
    }
    let props = comp
        .props
        .iter()
        .map(property)
        .collect::<Result<Vec<_>, _>>()?;
    let children = comp
        .children
        .iter()
        .filter_map(|&i| tree.comps.get(i))
        .map(|child| component(tree, child, depth + 1))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Array(vec![
        Value::String(comp.name.to_ascii_lowercase()),
        Value::Array(props),
        Value::Array(children),
    ]))
}

/// The type of a property's value and whether a VALUE parameter said so. Without one, a
/// DATE-TIME property whose values are all 8 digits holds DATEs: the form is unambiguous,
/// and producers often leave out the required `VALUE=DATE`.
pub(crate) fn value_type(cl: &ContentLine<'_>) -> (ValueType, bool) {
    if let Some(declared) = cl.param("VALUE") {
        return (ValueType::from_name(declared), true);
    }
    let ty = default_type(cl.name);
    let all_dates = cl
        .value
        .split(',')
        .all(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()));
    if ty == ValueType::DateTime && all_dates {
        (ValueType::Date, false)
    } else {
        (ty, false)
    }
}

fn property(cl: &ContentLine<'_>) -> Result<Value, JcalError> {
    let (ty, explicit) = value_type(cl);
    let (ty, vals) = match values_of(cl.name, &ty, cl.value) {
        Ok(vals) => (ty, vals),
        // The type was only presumed from the name. As "unknown" the raw text goes out and
        // comes back unchanged, without a VALUE parameter, just as it came in (RFC 7265 §5).
        Err(_) if !explicit => (ValueType::Unknown, vec![Value::String(cl.value.to_owned())]),
        Err(reason) => {
            return Err(JcalError::BadValue {
                line: cl.line,
                property: cl.name.to_ascii_uppercase(),
                value_type: ty.name().to_owned(),
                reason,
            });
        }
    };
    let mut out = Vec::with_capacity(3 + vals.len());
    out.push(Value::String(cl.name.to_ascii_lowercase()));
    out.push(Value::Object(params(cl)));
    out.push(Value::String(ty.name().to_owned()));
    out.extend(vals);
    Ok(Value::Array(out))
}

/// The jCal values of one property: one per list item, a structured value as one array.
fn values_of(name: &str, ty: &ValueType, raw: &str) -> Result<Vec<Value>, String> {
    if types::is_structured(name, ty) {
        let parts = split_unescaped(raw, ';')
            .into_iter()
            .map(|part| values::to_json(ty, part))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(vec![Value::Array(parts)]);
    }
    let items = if *ty == ValueType::Text && types::is_list(name) {
        split_unescaped(raw, ',')
    } else if ty.is_comma_free() {
        raw.split(',').collect()
    } else {
        vec![raw]
    };
    items
        .into_iter()
        .map(|item| values::to_json(ty, item))
        .collect()
}

/// Parameters as an object with lower-case names; several values, or a parameter given
/// twice, become an array (RFC 7265 §3.5.2). VALUE is the type element instead (§3.5.1).
fn params(cl: &ContentLine<'_>) -> Map<String, Value> {
    let mut map = Map::new();
    for p in cl
        .params
        .iter()
        .filter(|p| !p.name.eq_ignore_ascii_case("VALUE"))
    {
        let key = p.name.to_ascii_lowercase();
        let mut vals: Vec<Value> = p
            .values
            .iter()
            .map(|v| Value::String(decode_param(v)))
            .collect();
        if let Some(existing) = map.remove(&key) {
            let mut merged = match existing {
                Value::Array(items) => items,
                single => vec![single],
            };
            merged.append(&mut vals);
            vals = merged;
        }
        let value = match <[Value; 1]>::try_from(vals) {
            Ok([single]) => single,
            Err(many) => Value::Array(many),
        };
        map.insert(key, value);
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props_of(body: &str) -> Vec<Value> {
        let src = format!("BEGIN:VCALENDAR\r\n{body}\r\nEND:VCALENDAR\r\n");
        let jcal = calendar(src.as_bytes()).unwrap();
        jcal[1].as_array().unwrap().clone()
    }

    #[test]
    fn types_from_value_param_default_and_form() {
        let props = props_of(
            "DTSTART;VALUE=DATE:20081006\r\nDTEND:20081007\r\nEXDATE:20081008,20081009\r\n\
             TRIGGER;VALUE=DATE-TIME:19760401T005545Z\r\nX-A:1\r\nX-B;VALUE=INTEGER:1,2\r\n\
             X-C;VALUE=X-COFFEE:Stenophylla;Guinea\\,Africa",
        );
        assert_eq!(
            props,
            vec![
                json!(["dtstart", {}, "date", "2008-10-06"]),
                json!(["dtend", {}, "date", "2008-10-07"]),
                json!(["exdate", {}, "date", "2008-10-08", "2008-10-09"]),
                json!(["trigger", {}, "date-time", "1976-04-01T00:55:45Z"]),
                json!(["x-a", {}, "unknown", "1"]),
                json!(["x-b", {}, "integer", 1, 2]),
                json!(["x-c", {}, "x-coffee", "Stenophylla;Guinea\\,Africa"]),
            ]
        );
    }

    #[test]
    fn lists_and_structures() {
        let props = props_of(
            "CATEGORIES:a\\,b,c\r\nSUMMARY:x,y\r\nGEO:37.386013;-122.082932\r\n\
             REQUEST-STATUS:3.7;Invalid calendar user;ATTENDEE:mailto:jsmith@example.org\r\n\
             FREEBUSY;FBTYPE=FREE:19970308T160000Z/PT3H,19970308T200000Z/PT1H",
        );
        assert_eq!(
            props,
            vec![
                json!(["categories", {}, "text", "a,b", "c"]),
                json!(["summary", {}, "text", "x,y"]),
                json!(["geo", {}, "float", [37.386013, -122.082932]]),
                json!([
                    "request-status",
                    {},
                    "text",
                    [
                        "3.7",
                        "Invalid calendar user",
                        "ATTENDEE:mailto:jsmith@example.org"
                    ]
                ]),
                json!(["freebusy", {"fbtype": "FREE"}, "period",
                    ["1997-03-08T16:00:00Z", "PT3H"], ["1997-03-08T20:00:00Z", "PT1H"]]),
            ]
        );
    }

    #[test]
    fn parameters() {
        let props = props_of(
            "ATTENDEE;DELEGATED-TO=\"mailto:a@x\",\"mailto:b@x\";CN=\"Doe, J ^'Jo^'\";\
             X-P=1;X-P=2:mailto:c@x",
        );
        assert_eq!(
            props[0],
            json!(["attendee", {
                "delegated-to": ["mailto:a@x", "mailto:b@x"],
                "cn": "Doe, J \"Jo\"",
                "x-p": ["1", "2"]
            }, "cal-address", "mailto:c@x"])
        );
    }

    #[test]
    fn presumed_types_fall_back_to_unknown_but_declared_ones_do_not() {
        let props = props_of("DTSTART:not a date\r\nGEO:north\r\nRRULE:FREQ");
        assert_eq!(props[0], json!(["dtstart", {}, "unknown", "not a date"]));
        assert_eq!(props[1], json!(["geo", {}, "unknown", "north"]));
        assert_eq!(props[2], json!(["rrule", {}, "unknown", "FREQ"]));

        let src = "BEGIN:VCALENDAR\r\nX:1\r\nDTSTART;VALUE=DATE:2008\r\nEND:VCALENDAR\r\n";
        let err = calendar(src.as_bytes()).unwrap_err();
        assert!(matches!(
            &err,
            JcalError::BadValue { line: 3, property, value_type, .. }
                if property == "DTSTART" && value_type == "date"
        ));
        assert_eq!(
            err.to_string(),
            "line 3: DTSTART value is not a valid date: \"2008\" does not parse"
        );
    }

    #[test]
    fn unreadable_input_and_depth() {
        assert!(matches!(
            calendar(b"BEGIN:VEVENT\r\nEND:VEVENT"),
            Err(JcalError::Ical(_))
        ));
        assert!(matches!(calendar(b"\xFF"), Err(JcalError::Ical(_))));
        let mut deep = String::from("BEGIN:VCALENDAR\r\n");
        for _ in 0..MAX_DEPTH {
            deep.push_str("BEGIN:X-A\r\n");
        }
        for _ in 0..MAX_DEPTH {
            deep.push_str("END:X-A\r\n");
        }
        deep.push_str("END:VCALENDAR\r\n");
        let err = calendar(deep.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            JcalError::TooDeep {
                location: format!("line {}", MAX_DEPTH + 1),
                limit: MAX_DEPTH
            }
        );
    }
}
