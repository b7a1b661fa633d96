//! ingest must never panic, whatever the bytes; folding never changes the outcome.

mod support;

use kairos_ical::{ingest, to_calcard, validate_timezone};
use proptest::prelude::*;
use support::fixture;

const FIXTURES: [&str; 16] = [
    "rfc4791/abcd1.ics",
    "rfc4791/abcd2.ics",
    "rfc4791/abcd3.ics",
    "rfc4791/abcd4.ics",
    "rfc4791/abcd5.ics",
    "rfc4791/abcd6.ics",
    "rfc4791/abcd7.ics",
    "rfc4791/abcd8.ics",
    "rfc4791/calendar-timezone-5.2.2.ics",
    "rfc5545/journal.ics",
    "rfc5545/todo.ics",
    "clients/overrides-only.ics",
    "clients/windows-zones.ics",
    "clients/all-day-recurring.ics",
    "clients/custom-zones-and-extensions.ics",
    "clients/availability.ics",
];

/// Every entry point on the same bytes; only panics matter here.
fn exercise(bytes: &[u8]) {
    let accepted = ingest(bytes);
    let _ = validate_timezone(bytes);
    let parsed = to_calcard(bytes);
    if accepted.is_ok() {
        assert!(parsed.is_ok(), "ingest accepted what to_calcard refuses");
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Replace(usize, u8),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop::sample::select(vec![
        b"\r\n".to_vec(),
        b"\n ".to_vec(),
        b":".to_vec(),
        b";".to_vec(),
        b"\"".to_vec(),
        b"=".to_vec(),
        b",".to_vec(),
        b"\\".to_vec(),
        b"BEGIN:VEVENT\n".to_vec(),
        b"END:VEVENT\n".to_vec(),
        b"END:VCALENDAR\n".to_vec(),
        b"RECURRENCE-ID:20060104T120000Z\n".to_vec(),
        b"METHOD:PUBLISH\n".to_vec(),
        b";ENCODING=QUOTED-PRINTABLE".to_vec(),
        b"=\n".to_vec(),
        b"\xC3".to_vec(),
        b"\xFF".to_vec(),
        "é".as_bytes().to_vec(),
        b"\x00".to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), interesting).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len().max(1);
    match m {
        Mutation::Insert(at, b) => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, b.iter().copied());
        }
        Mutation::Delete(at, n) => {
            let at = at % len;
            let end = (at + n).min(bytes.len());
            bytes.drain(at.min(end)..end);
        }
        Mutation::Replace(at, b) => {
            if let Some(slot) = bytes.get_mut(at % len) {
                *slot = *b;
            }
        }
        Mutation::DuplicateLine(i) | Mutation::SwapLines(i, _) => {
            let mut lines: Vec<Vec<u8>> =
                bytes.split(|b| *b == b'\n').map(<[u8]>::to_vec).collect();
            let n = lines.len();
            let a = i % n;
            match m {
                Mutation::SwapLines(_, j) => lines.swap(a, j % n),
                _ => {
                    let line = lines[a].clone();
                    lines.insert(a, line);
                }
            }
            *bytes = lines.join(&b'\n');
        }
    }
}

/// Lines a calendar is made of, good and bad, to reach deep checks by chance.
fn calendar_line() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "BEGIN:VCALENDAR",
        "END:VCALENDAR",
        "BEGIN:VEVENT",
        "END:VEVENT",
        "BEGIN:VTODO",
        "END:VTODO",
        "BEGIN:VALARM",
        "END:VALARM",
        "BEGIN:VTIMEZONE",
        "END:VTIMEZONE",
        "BEGIN:STANDARD",
        "END:STANDARD",
        "BEGIN:X-FOO",
        "END:X-FOO",
        "UID:a",
        "UID:b",
        "UID:",
        "TZID:Z",
        "DTSTART:20240101T100000",
        "DTSTART;VALUE=DATE:20240101",
        "DTSTART;TZID=Z:20240101T100000",
        "DTEND:20240101T110000Z",
        "DURATION:PT1H",
        "DUE;VALUE=DATE:20240102",
        "RECURRENCE-ID:20240102T100000Z",
        "RECURRENCE-ID;TZID=Q:20240102T100000",
        "RRULE:FREQ=DAILY;COUNT=3",
        "RRULE:FREQ=MONTHLY;BYDAY=1MO",
        "RRULE:BYDAY=1MO",
        "RDATE:20240105T100000Z/PT1H",
        "EXDATE:20240103T100000Z",
        "TRIGGER:-PT5M",
        "TRIGGER:bad",
        "ACTION:DISPLAY",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:-0000",
        "METHOD:REQUEST",
        "VERSION:2.0",
        "VERSION:1.0",
        "X-A;X-B=\"q:;,\":v",
        "DTSTAMP:20240101T000000Z",
        "SUMMARY:ü 🎉",
        "",
        " folded",
        "NOCOLON",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
        let mut framed = b"BEGIN:VCALENDAR\r\n".to_vec();
        framed.extend_from_slice(&bytes);
        framed.extend_from_slice(b"\r\nEND:VCALENDAR\r\n");
        exercise(&framed);
    }

    #[test]
    fn mutated_calendars_never_panic(
        which in 0..FIXTURES.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut bytes = fixture(FIXTURES[which]);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        exercise(&bytes);
    }

    #[test]
    fn generated_calendars_never_panic(
        lines in prop::collection::vec(calendar_line(), 0..40),
        crlf in any::<bool>(),
    ) {
        let sep = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("BEGIN:VCALENDAR{sep}");
        text.push_str(&lines.join(sep));
        text.push_str(&format!("{sep}END:VCALENDAR{sep}"));
        exercise(text.as_bytes());
    }

    #[test]
    fn folding_anywhere_inside_a_line_changes_nothing(
        which in 0..FIXTURES.len(),
        positions in prop::collection::vec(any::<usize>(), 1..20),
        tab in any::<bool>(),
    ) {
        let original = fixture(FIXTURES[which]);
        let expected = ingest(&original);
        let mut bytes = original;
        let fold: &[u8] = if tab { b"\r\n\t" } else { b"\r\n " };
        for p in positions {
            let at = p % bytes.len();
            // A fold must sit inside a line: not at its start, not between CR and LF.
            if at == 0 || matches!(bytes[at - 1], b'\n' | b'\r') {
                continue;
            }
            bytes.splice(at..at, fold.iter().copied());
        }
        prop_assert_eq!(ingest(&bytes), expected);
    }
}
