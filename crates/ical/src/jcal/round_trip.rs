//! Round trips: every iCalendar fixture of the crate through jCal and back reads as the same
//! lines; random text and typed values survive; no input makes either direction panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{Map, Number, Value, json};

use super::text::decode_param;
use super::to_json::value_type;
use super::{JcalError, ValueType, from_jcal, to_jcal};
use crate::contentline;
use crate::unfold::unfold;
use crate::value::unescape_text;

/// A content line without what may legitimately change on the way: the case of names,
/// parameter order and repetition, quoting, RFC 6868 and TEXT escapes, folding, and a VALUE
/// parameter that only states the type the line has anyway.
#[derive(Debug, PartialEq, Eq)]
struct Line {
    name: String,
    params: BTreeMap<String, Vec<String>>,
    value_type: String,
    value: String,
}

fn lines(bytes: &[u8]) -> Vec<Line> {
    let unfolded = unfold(bytes).unwrap();
    unfolded
        .lines()
        .filter(|(_, text)| !text.is_empty())
        .map(|(n, text)| {
            let cl = contentline::parse(text, n).unwrap();
            let mut params: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for p in cl
                .params
                .iter()
                .filter(|p| !p.name.eq_ignore_ascii_case("VALUE"))
            {
                params
                    .entry(p.name.to_ascii_uppercase())
                    .or_default()
                    .extend(p.values.iter().map(|v| decode_param(v)));
            }
            let ty = value_type(&cl).0;
            let value = if cl.is("BEGIN") || cl.is("END") {
                cl.value.to_ascii_uppercase()
            } else {
                typed_value(&ty, text, cl.value)
            };
            Line {
                name: cl.name.to_ascii_uppercase(),
                params,
                value_type: ty.name().to_owned(),
                value,
            }
        })
        .collect()
}

/// Text-like values compare with escapes resolved; the others by their jCal values, since
/// `+1` and `1`, or `count=1` and `COUNT=1`, are the same value written differently (the
/// exact forms are pinned by the unit and RFC example tests).
fn typed_value(ty: &ValueType, line: &str, raw: &str) -> String {
    match ty {
        ValueType::Text
        | ValueType::Unknown
        | ValueType::Other(_)
        | ValueType::Binary
        | ValueType::Uri
        | ValueType::CalAddress => unescape_text(raw),
        _ => {
            let one = format!("BEGIN:VCALENDAR\r\n{line}\r\nEND:VCALENDAR\r\n");
            match to_jcal(one.as_bytes()) {
                Ok(jcal) => jcal[1][0]
                    .as_array()
                    .map(|p| Value::Array(p.iter().skip(3).cloned().collect()).to_string())
                    .unwrap_or_default(),
                Err(_) => raw.to_owned(),
            }
        }
    }
}

fn ics_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            ics_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ics") {
            out.push(path);
        }
    }
}

/// Checks one calendar through jCal and back, returning the jCal.
fn survives(bytes: &[u8], label: &str) -> Value {
    let jcal = to_jcal(bytes).unwrap_or_else(|e| panic!("{label}: {e}"));
    let text = from_jcal(&jcal).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert!(
        text.split("\r\n").all(|l| l.len() <= 75),
        "{label}: unfolded line"
    );
    assert_eq!(
        lines(text.as_bytes()),
        lines(bytes),
        "{label}: lines differ"
    );
    assert_eq!(
        to_jcal(text.as_bytes()).unwrap(),
        jcal,
        "{label}: jCal differs"
    );
    jcal
}

#[test]
fn every_fixture_survives_the_round_trip() {
    let mut files = Vec::new();
    ics_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"),
        &mut files,
    );
    files.sort();
    let mut converted = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let label = path.display().to_string();
        // A fixture the crate's own reader refuses (one made for a rejection test) has no
        // jCal form; everything else must convert.
        if matches!(to_jcal(&bytes), Err(JcalError::Ical(_))) {
            continue;
        }
        survives(&bytes, &label);
        converted += 1;
        if let Ok(object) = crate::ingest(&bytes) {
            let text = from_jcal(&to_jcal(&bytes).unwrap()).unwrap();
            assert_eq!(
                crate::ingest(text.as_bytes()),
                Ok(object),
                "{label}: ingest"
            );
        }
    }
    assert!(converted >= 30, "only {converted} fixtures converted");
}

#[test]
fn every_value_type_fixture_has_the_expected_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/jcal/every-value-type.ics");
    let jcal = survives(&std::fs::read(&path).unwrap(), "every-value-type");
    let mut types: Vec<String> = Vec::new();
    collect_types(&jcal, &mut types);
    types.sort();
    types.dedup();
    assert_eq!(
        types,
        [
            "binary",
            "boolean",
            "cal-address",
            "date",
            "date-time",
            "duration",
            "float",
            "integer",
            "period",
            "recur",
            "text",
            "time",
            "unknown",
            "uri",
            "utc-offset",
            "x-bean",
        ]
    );
}

fn collect_types(component: &Value, out: &mut Vec<String>) {
    for prop in component[1].as_array().into_iter().flatten() {
        out.extend(prop[2].as_str().map(str::to_owned));
    }
    for child in component[2].as_array().into_iter().flatten() {
        collect_types(child, out);
    }
}

/// What a JSON producer may send as text that iCalendar can carry: no C0 controls but tab
/// and LF, no DEL, and no CR, which comes back as a line break.
const JSON_TEXT: &str = "[^\\x00-\\x08\\x0b-\\x1f\\x7f]{0,40}";
/// Raw text for unknown values and iCalendar lines: the same without line breaks.
const RAW_TEXT: &str = "[^\\x00-\\x08\\x0a-\\x1f\\x7f]{0,40}";

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        "[ -~]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "vcalendar",
            "vevent",
            "text",
            "date",
            "date-time",
            "recur",
            "period",
            "geo",
            "unknown",
            "2011-12-23",
            "2011-12-23T10:00:00Z",
            "PT1H",
            "+05:00",
            "freq",
            "until",
        ])
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-z/~-]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A property array with a plausible name and type but arbitrary parameters and values.
fn arb_property() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "dtstart",
        "rrule",
        "geo",
        "summary",
        "categories",
        "freebusy",
        "x-a",
        "attendee",
        "request-status",
        "tzoffsetto",
        "priority",
        "refresh-interval",
    ]);
    let types = prop::sample::select(vec![
        "text",
        "date",
        "date-time",
        "time",
        "period",
        "recur",
        "float",
        "integer",
        "boolean",
        "utc-offset",
        "duration",
        "uri",
        "unknown",
        "x-other",
    ]);
    (
        names,
        arb_json(),
        types,
        prop::collection::vec(arb_json(), 1..3),
    )
        .prop_map(|(name, params, ty, vals)| {
            let params = match params {
                Value::Object(_) => params,
                _ => json!({}),
            };
            let mut prop = vec![json!(name), params, json!(ty)];
            prop.extend(vals);
            Value::Array(prop)
        })
}

fn iso(y: i16, mo: i8, d: i8, h: i8, mi: i8, s: i8, utc: bool) -> String {
    let z = if utc { "Z" } else { "" };
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{z}")
}

proptest! {
    #[test]
    fn json_text_and_x_values_survive(
        summary in JSON_TEXT,
        categories in prop::collection::vec(JSON_TEXT, 1..4),
        raw in RAW_TEXT,
        param in JSON_TEXT,
    ) {
        let mut cats = vec![json!("categories"), json!({}), json!("text")];
        cats.extend(categories.into_iter().map(Value::from));
        let jcal = json!(["vcalendar", [
            ["summary", {"x-param": param}, "text", summary],
            Value::Array(cats),
            ["x-anything", {}, "unknown", raw],
            ["x-text", {}, "text", summary],
            ["request-status", {}, "text", ["2.0", summary]],
        ], []]);
        let text = from_jcal(&jcal).unwrap();
        prop_assert_eq!(to_jcal(text.as_bytes()).unwrap(), jcal);
    }

    #[test]
    fn ical_text_survives(raw in RAW_TEXT) {
        let src = format!(
            "BEGIN:VCALENDAR\r\nSUMMARY:{raw}\r\nCATEGORIES:{raw}\r\nX-RAW:{raw}\r\nEND:VCALENDAR\r\n"
        );
        survives(src.as_bytes(), &src);
    }

    #[test]
    fn typed_values_survive(
        (y, mo, d) in (1..=9999i16, 1..=12i8, 1..=28i8),
        (h, mi, s) in (0..=23i8, 0..=59i8, 0..=59i8),
        utc in any::<bool>(),
        n in any::<i32>(),
        f in any::<f64>().prop_filter("finite", |f| f.is_finite()),
        flag in any::<bool>(),
        (east, oh, om) in (any::<bool>(), 0..=23i8, 1..=59i8),
    ) {
        let sign = if east { '+' } else { '-' };
        let jcal = json!(["vcalendar", [
            ["dtstart", {}, "date-time", iso(y, mo, d, h, mi, s, utc)],
            ["x-day", {}, "date", format!("{y:04}-{mo:02}-{d:02}")],
            ["x-when", {}, "time", format!("{h:02}:{mi:02}:{s:02}")],
            ["x-n", {}, "integer", n],
            ["x-f", {}, "float", f],
            ["x-b", {}, "boolean", flag],
            ["tzoffsetto", {}, "utc-offset", format!("{sign}{oh:02}:{om:02}")],
            ["freebusy", {}, "period", [iso(y, mo, d, h, mi, s, true), "PT1H"]],
            ["rrule", {}, "recur", {"freq": "DAILY", "until": iso(y, mo, d, h, mi, s, true), "bysetpos": [n, 1]}],
        ], []]);
        let text = from_jcal(&jcal).unwrap();
        prop_assert_eq!(to_jcal(text.as_bytes()).unwrap(), jcal);
    }

    #[test]
    fn random_lines_convert_back_to_the_same_lines(
        props in prop::collection::vec(
            (
                prop::sample::select(vec![
                    "DTSTART", "EXDATE", "RDATE", "RRULE", "GEO", "SUMMARY", "CATEGORIES",
                    "REQUEST-STATUS", "FREEBUSY", "TRIGGER", "PRIORITY", "TZOFFSETFROM",
                    "ATTENDEE", "X-A",
                ]),
                prop::option::of(prop::sample::select(vec![
                    "DATE", "DATE-TIME", "PERIOD", "TEXT", "INTEGER", "FLOAT", "X-Y",
                ])),
                "(;[A-Z]{1,3}=([a-z^,]{0,4}|\"[a-z^,:;]{0,4}\")){0,2}",
                "[ -~]{0,24}",
            ),
            0..8,
        ),
    ) {
        let mut src = String::from("BEGIN:VCALENDAR\r\n");
        for (name, ty, params, value) in props {
            let ty = ty.map(|t| format!(";VALUE={t}")).unwrap_or_default();
            src.push_str(&format!("{name}{ty}{params}:{value}\r\n"));
        }
        src.push_str("END:VCALENDAR\r\n");
        // A declared type the value does not match is refused; everything else converts.
        if to_jcal(src.as_bytes()).is_ok() {
            survives(src.as_bytes(), &src);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = to_jcal(&bytes);
        let mut framed = b"BEGIN:VCALENDAR\r\n".to_vec();
        framed.extend(&bytes);
        framed.extend(b"\r\nEND:VCALENDAR\r\n");
        let _ = to_jcal(&framed);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let _ = from_jcal(&v);
    }

    #[test]
    fn whatever_is_written_reads_back(props in prop::collection::vec(arb_property(), 0..6)) {
        let jcal = json!(["vcalendar", props, []]);
        if let Ok(text) = from_jcal(&jcal) {
            prop_assert!(to_jcal(text.as_bytes()).is_ok(), "{}", text);
        }
    }
}
