//! Every refusal, with the precondition it reports.

mod support;

use kairos_ical::{IngestError, Precondition, ingest};
use rstest::rstest;
use support::{calendar, event, fixture};

fn err(bytes: &[u8]) -> IngestError {
    match ingest(bytes) {
        Ok(obj) => panic!("accepted: {obj:?}"),
        Err(e) => e,
    }
}

fn err_of(body: &str) -> IngestError {
    err(&calendar(body))
}

#[rstest]
#[case::latin1(b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nSUMMARY:caf\xE9\nEND:VEVENT\nEND:VCALENDAR\n".as_slice(), 4)]
#[case::bad_fold_join(b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nSUMMARY:caf\xC3\n \xC3\nEND:VEVENT\nEND:VCALENDAR\n".as_slice(), 4)]
fn not_utf8(#[case] input: &[u8], #[case] line: usize) {
    let e = err(input);
    assert_eq!(e, IngestError::NotUtf8 { line });
    assert_eq!(e.precondition(), Precondition::ValidCalendarData);
}

#[rstest]
#[case::no_colon("BEGIN:VEVENT\nUID:1\nSUMMARY\nEND:VEVENT", 6)]
#[case::no_name("BEGIN:VEVENT\nUID:1\n:value\nEND:VEVENT", 6)]
#[case::space_in_name("BEGIN:VEVENT\nUID:1\nSUM MARY:x\nEND:VEVENT", 6)]
#[case::fold_without_leading_space(
    "BEGIN:VEVENT\nUID:1\nDESCRIPTION:a long te\nxt that was wrapped\nEND:VEVENT",
    7
)]
#[case::control_character("BEGIN:VEVENT\nUID:1\nSUMMARY:bell\u{7}\nEND:VEVENT", 6)]
#[case::unterminated_quote("BEGIN:VEVENT\nUID:1\nATTENDEE;CN=\"Joe:mailto:j@x\nEND:VEVENT", 6)]
#[case::param_without_value("BEGIN:VEVENT\nUID:1\nDTSTART;TZID:20240101T100000\nEND:VEVENT", 6)]
#[case::begin_with_params("BEGIN;X=1:VEVENT\nUID:1\nEND:VEVENT", 4)]
fn syntax(#[case] body: &str, #[case] line: usize) {
    let e = err_of(body);
    assert!(
        matches!(e, IngestError::Syntax { line: l, .. } if l == line),
        "{e:?}"
    );
    assert_eq!(e.precondition(), Precondition::ValidCalendarData);
}

#[test]
fn continuation_line_first_is_syntax() {
    assert!(matches!(
        err(b" BEGIN:VCALENDAR\nEND:VCALENDAR"),
        IngestError::Syntax { line: 1, .. }
    ));
}

#[rstest]
#[case::empty(b"".as_slice())]
#[case::blank(b"\r\n\r\n".as_slice())]
#[case::json(b"{\"summary\": \"hi\"}".as_slice())]
#[case::vcard(b"BEGIN:VCARD\nVERSION:4.0\nFN:x\nEND:VCARD\n".as_slice())]
#[case::bare_event(b"BEGIN:VEVENT\nUID:1\nEND:VEVENT\n".as_slice())]
#[case::leading_property(b"VERSION:2.0\nBEGIN:VCALENDAR\nEND:VCALENDAR\n".as_slice())]
fn not_vcalendar(#[case] input: &[u8]) {
    let e = err(input);
    assert_eq!(e, IngestError::NotVCalendar);
    assert_eq!(e.precondition(), Precondition::ValidCalendarData);
}

#[test]
fn structure() {
    let ev = event("1", "");
    let cases = [
        (
            format!("BEGIN:VCALENDAR\n{ev}\nEND:VCALENDAR\nX-AFTER:1\n"),
            IngestError::TrailingContent { line: 8 },
        ),
        (
            format!("BEGIN:VCALENDAR\n{ev}\nEND:VCALENDAR\nBEGIN:VCALENDAR\n{ev}\nEND:VCALENDAR\n"),
            IngestError::MultipleCalendars { line: 8 },
        ),
        (
            format!("BEGIN:VCALENDAR\nBEGIN:VCALENDAR\n{ev}\nEND:VCALENDAR\nEND:VCALENDAR\n"),
            IngestError::MultipleCalendars { line: 2 },
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VTODO\nEND:VCALENDAR\n".into(),
            IngestError::MismatchedEnd {
                line: 4,
                expected: "VEVENT".into(),
                found: "VTODO".into(),
            },
        ),
        (
            format!("BEGIN:VCALENDAR\n{ev}\n"),
            IngestError::Unterminated {
                component: "VCALENDAR".into(),
                line: 1,
            },
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VCALENDAR\n".into(),
            IngestError::MismatchedEnd {
                line: 4,
                expected: "VEVENT".into(),
                found: "VCALENDAR".into(),
            },
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\n".into(),
            IngestError::Unterminated {
                component: "VEVENT".into(),
                line: 2,
            },
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n".into(),
            IngestError::MisplacedComponent {
                line: 4,
                component: "VEVENT".into(),
                parent: "VEVENT".into(),
            },
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VJOURNAL\nUID:1\nBEGIN:VALARM\nEND:VALARM\nEND:VJOURNAL\nEND:VCALENDAR\n".into(),
            IngestError::MisplacedComponent {
                line: 4,
                component: "VALARM".into(),
                parent: "VJOURNAL".into(),
            },
        ),
    ];
    for (input, expected) in cases {
        let e = err(input.as_bytes());
        assert_eq!(e, expected, "{input}");
        assert_eq!(e.precondition(), Precondition::ValidCalendarData);
    }
}

#[rstest]
#[case::dtstart("DTSTART", "DTSTART:2024-01-01T10:00:00Z")]
#[case::dtstart_date_type("DTSTART", "DTSTART;VALUE=DATE:20240101T100000")]
#[case::dtstart_text_type("DTSTART", "DTSTART;VALUE=TEXT:20240101T100000")]
#[case::dtend("DTEND", "DTEND:20240230T100000Z")]
#[case::due("DUE", "DUE:tomorrow")]
#[case::recurrence_id("RECURRENCE-ID", "RECURRENCE-ID:20240101T1000Z")]
#[case::exdate("EXDATE", "EXDATE:20240101T100000Z,20240132T100000Z")]
#[case::rdate("RDATE", "RDATE:20240101T100000Z/20240101")]
#[case::rdate_period("RDATE", "RDATE;VALUE=PERIOD:20240101T100000Z")]
#[case::duration("DURATION", "DURATION:1 hour")]
#[case::rrule_no_freq("RRULE", "RRULE:COUNT=10")]
#[case::rrule_unknown_part("RRULE", "RRULE:FREQ=DAILY;EVERY=2")]
#[case::rrule_range("RRULE", "RRULE:FREQ=MONTHLY;BYMONTHDAY=32")]
#[case::completed("COMPLETED", "COMPLETED:20240101T100000")]
#[case::created("CREATED", "CREATED:20240101")]
#[case::last_modified("LAST-MODIFIED", "LAST-MODIFIED:20240101T100000")]
#[case::trigger("TRIGGER", "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-15M\nEND:VALARM")]
#[case::trigger_local(
    "TRIGGER",
    "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER;VALUE=DATE-TIME:20240101T100000\nEND:VALARM"
)]
fn bad_values(#[case] property: &str, #[case] line: &str) {
    let e = err_of(&format!("BEGIN:VEVENT\nUID:1\n{line}\nEND:VEVENT"));
    assert!(
        matches!(&e, IngestError::BadValue { property: p, .. } if p == property),
        "{e:?}"
    );
    assert_eq!(e.precondition(), Precondition::ValidCalendarData);
}

#[test]
fn dtstamp_must_be_utc() {
    let e = err_of("BEGIN:VEVENT\nUID:1\nDTSTAMP:20240101T000000\nEND:VEVENT");
    assert!(matches!(&e, IngestError::BadValue { property, line: 6, .. } if property == "DTSTAMP"));
}

#[test]
fn component_level_value_rules() {
    let cases = [
        (
            event("1", "DTEND:20240101T110000Z\nDURATION:PT1H"),
            IngestError::DtendAndDuration { line: 9 },
        ),
        (
            "BEGIN:VTODO\nUID:1\nDURATION:PT1H\nDUE:20240101T110000Z\nEND:VTODO".into(),
            IngestError::DueAndDuration { line: 7 },
        ),
        (
            "BEGIN:VEVENT\nUID:1\nDTSTART;VALUE=DATE:20240101\nDTEND:20240102T000000\nEND:VEVENT"
                .into(),
            IngestError::ValueTypeMismatch {
                line: 7,
                property: "DTEND".into(),
            },
        ),
        (
            event("1", "DTSTART:20240101T100000Z"),
            IngestError::DuplicateProperty {
                line: 8,
                property: "DTSTART".into(),
                component: "VEVENT".into(),
            },
        ),
    ];
    for (body, expected) in cases {
        let e = err_of(&body);
        assert_eq!(e, expected, "{body}");
        assert_eq!(e.precondition(), Precondition::ValidCalendarData);
    }
}

const OBS: &str =
    "BEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100\nEND:STANDARD";

#[test]
fn timezones() {
    let e = err_of(&format!(
        "BEGIN:VTIMEZONE\nTZID:A\nEND:VTIMEZONE\n{}",
        event("1", "")
    ));
    assert!(
        matches!(e, IngestError::BadTimezone { line: 4, .. }),
        "{e:?}"
    );
    let twice = format!(
        "BEGIN:VTIMEZONE\nTZID:A\n{OBS}\nEND:VTIMEZONE\nBEGIN:VTIMEZONE\nTZID:A\n{OBS}\nEND:VTIMEZONE\n{}",
        event("1", "")
    );
    assert_eq!(
        err_of(&twice),
        IngestError::DuplicateTimezone {
            line: 12,
            tzid: "A".into()
        }
    );
}

#[test]
fn quoted_printable_soft_break_is_ambiguous() {
    // calcard joins the next line into a quoted-printable value, so it would see another
    // structure than the one indexed.
    let e = err_of(&event("1", "X-NOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9="));
    assert!(matches!(e, IngestError::Ambiguous { .. }), "{e:?}");
    assert_eq!(e.precondition(), Precondition::ValidCalendarData);
}

#[test]
fn version_other_than_2_0() {
    let e = err(b"BEGIN:VCALENDAR\nVERSION:1.0\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nEND:VCALENDAR\n");
    assert_eq!(
        e,
        IngestError::UnsupportedVersion {
            line: 2,
            version: "1.0".into()
        }
    );
    assert_eq!(e.precondition(), Precondition::SupportedCalendarData);
}

#[test]
fn object_resource_rules() {
    let cases = [
        ("X-ONLY:1".to_string(), IngestError::NoComponent),
        (
            format!("BEGIN:VTIMEZONE\nTZID:A\n{OBS}\nEND:VTIMEZONE"),
            IngestError::NoComponent,
        ),
        (
            "BEGIN:X-THING\nUID:1\nEND:X-THING".into(),
            IngestError::NoComponent,
        ),
        (
            format!("{}\nBEGIN:VTODO\nUID:1\nEND:VTODO", event("1", "")),
            IngestError::MixedComponentTypes {
                first: "VEVENT".into(),
                second: "VTODO".into(),
            },
        ),
        (
            "BEGIN:VEVENT\nDTSTART:20240101T100000Z\nEND:VEVENT".into(),
            IngestError::MissingUid {
                line: 4,
                component: "VEVENT".into(),
            },
        ),
        (
            "BEGIN:VEVENT\nUID:\nEND:VEVENT".into(),
            IngestError::MissingUid {
                line: 4,
                component: "VEVENT".into(),
            },
        ),
        (
            format!(
                "{}\n{}",
                event("a", ""),
                event("b", "RECURRENCE-ID:20240102T100000Z")
            ),
            IngestError::MultipleUids {
                line: 10,
                first: "a".into(),
                second: "b".into(),
            },
        ),
        (
            format!("METHOD:REQUEST\n{}", event("1", "")),
            IngestError::MethodNotAllowed { line: 4 },
        ),
        (
            format!(
                "{}\n{}",
                event("1", "RECURRENCE-ID:20240102T100000Z"),
                event("1", "RECURRENCE-ID;VALUE=DATE-TIME:20240102t100000z")
            ),
            IngestError::DuplicateRecurrenceId {
                line: 14,
                value: "20240102t100000z".into(),
            },
        ),
        (
            format!("{}\n{}", event("1", ""), event("1", "")),
            IngestError::DuplicateMaster { line: 9 },
        ),
    ];
    for (body, expected) in cases {
        let e = err_of(&body);
        assert_eq!(e, expected, "{body}");
        assert_eq!(
            e.precondition(),
            Precondition::ValidCalendarObjectResource,
            "{e:?}"
        );
    }
}

#[test]
fn error_messages() {
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        (
            "not utf-8",
            b"BEGIN:VCALENDAR\nX:\xFF\nEND:VCALENDAR".to_vec(),
        ),
        ("syntax", calendar("NOCOLON")),
        ("not vcalendar", b"hello".to_vec()),
        ("method", fixture("rfc5545/method-xyz.ics")),
        ("missing uid", fixture("rfc5545/busytime-no-uid.ics")),
        (
            "bad value",
            calendar(&event("1", "RRULE:FREQ=DAILY;BYHOUR=25")),
        ),
        (
            "mixed",
            calendar(&format!(
                "{}\nBEGIN:VJOURNAL\nUID:1\nEND:VJOURNAL",
                event("1", "")
            )),
        ),
    ];
    let report: Vec<String> = inputs
        .iter()
        .map(|(name, bytes)| {
            let e = err(bytes);
            format!("{name}: [{}] {e}", e.precondition().element_name())
        })
        .collect();
    insta::assert_snapshot!(report.join("\n"));
}
