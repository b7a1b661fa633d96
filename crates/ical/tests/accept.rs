//! What real clients send must be accepted.

mod support;

use kairos_ical::{ComponentKind, ingest};
use support::{calendar, event, fixture, to_lf};

#[test]
fn overrides_without_master() {
    let obj = ingest(&fixture("clients/overrides-only.ics")).unwrap();
    assert_eq!(obj.uid, "8C1F0A6E-4B6D-4F43-9E39-1A2B3C4D5E6F");
    assert_eq!(obj.component, ComponentKind::Event);
    assert!(!obj.has_master);
    assert_eq!(obj.overrides, 2);
    assert!(!obj.is_recurring);
    assert_eq!(obj.tzids, vec!["Europe/Berlin"]);
    assert!(obj.missing_timezones.is_empty());
}

#[test]
fn windows_zone_names_and_folded_uid() {
    let obj = ingest(&fixture("clients/windows-zones.ics")).unwrap();
    assert_eq!(
        obj.uid,
        "040000008200E00074C5B7101A82E00800000000D0B1A2B3C4D5DA01000000000000000\
         01000000012345678901234567890ABCDEF"
    );
    assert!(obj.has_master && obj.is_recurring);
    assert_eq!(
        obj.tzids,
        vec!["W. Europe Standard Time", "Pacific Standard Time"]
    );
    assert_eq!(obj.missing_timezones, vec!["Pacific Standard Time"]);
}

#[test]
fn all_day_recurring_without_prodid_or_version_and_trailing_blank_lines() {
    let obj = ingest(&fixture("clients/all-day-recurring.ics")).unwrap();
    assert_eq!(obj.uid, "new-year@example.com");
    assert!(obj.is_recurring);
    assert!(obj.tzids.is_empty());
}

#[test]
fn custom_zone_names_extensions_and_opaque_components() {
    let obj = ingest(&fixture("clients/custom-zones-and-extensions.ics")).unwrap();
    assert_eq!(obj.uid, "d3b07384-d9a0-4c9b-8a5b-1f2e3d4c5b6a");
    assert_eq!(obj.tzids, vec!["My Custom Zone", "Etc/Custom"]);
    assert_eq!(obj.missing_timezones, obj.tzids);
    assert!(obj.is_recurring);
}

#[test]
fn availability() {
    let obj = ingest(&fixture("clients/availability.ics")).unwrap();
    assert_eq!(obj.component, ComponentKind::Availability);
    assert_eq!(obj.uid, "0428C7D2-688E-4D2E-AC52-CD112E2469DF");
    assert_eq!(obj.missing_timezones, vec!["America/Montreal"]);
}

#[test]
fn client_fixtures_with_crlf_and_lf() {
    for path in [
        "clients/overrides-only.ics",
        "clients/windows-zones.ics",
        "clients/all-day-recurring.ics",
        "clients/custom-zones-and-extensions.ics",
        "clients/availability.ics",
    ] {
        let bytes = fixture(path);
        let crlf = String::from_utf8(to_lf(&bytes))
            .unwrap()
            .replace('\n', "\r\n")
            .into_bytes();
        assert_eq!(ingest(&bytes), ingest(&crlf), "{path}");
        assert_eq!(ingest(&bytes), ingest(&to_lf(&bytes)), "{path}");
        assert!(ingest(&bytes).is_ok(), "{path}");
    }
}

/// Folds every line at `width` octets, splitting UTF-8 sequences where they fall.
fn fold_all(text: &str, width: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.lines() {
        let bytes = line.as_bytes();
        let (first, mut rest) = bytes.split_at(width.min(bytes.len()));
        out.extend_from_slice(first);
        let step = width.saturating_sub(1).max(1);
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(step.min(rest.len()));
            out.extend_from_slice(b"\r\n ");
            out.extend_from_slice(chunk);
            rest = tail;
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[test]
fn folding_at_any_octet_count_including_inside_utf8() {
    let summary = "Überraschung – 会議 – 🎉🎂 – Ωμέγα – ".repeat(8);
    let text = String::from_utf8(calendar(&event(
        "fold-ü-日本-🎉@example.com",
        &format!("SUMMARY:{summary}\nDESCRIPTION;LANGUAGE=de:{summary}\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20250101T000000Z"),
    )))
    .unwrap();
    let mut split_inside_utf8 = false;
    for width in 1..=100 {
        let folded = fold_all(&text, width);
        split_inside_utf8 |= std::str::from_utf8(&folded).is_err();
        let obj = ingest(&folded).unwrap_or_else(|e| panic!("width {width}: {e}"));
        assert_eq!(obj.uid, "fold-ü-日本-🎉@example.com", "width {width}");
        assert!(obj.is_recurring);
    }
    assert!(split_inside_utf8, "the test must split a UTF-8 sequence");
}

#[test]
fn lenient_but_unambiguous_forms() {
    for (why, body) in [
        ("no VERSION", "BEGIN:VEVENT\nUID:1\nEND:VEVENT"),
        (
            "lower-case names",
            "begin:vevent\nuid:1\ndtstart:20240101T100000Z\nend:vevent",
        ),
        (
            "DATE without VALUE=DATE",
            "BEGIN:VEVENT\nUID:1\nDTSTART:20240101\nDTEND:20240102\nEND:VEVENT",
        ),
        (
            "RRULE with trailing ;",
            "BEGIN:VEVENT\nUID:1\nDTSTART:20240101T100000Z\nRRULE:FREQ=DAILY;COUNT=3;\nEND:VEVENT",
        ),
        (
            "quoted TZID",
            "BEGIN:VEVENT\nUID:1\nDTSTART;TZID=\"Europe/Paris\":20240101T100000\nEND:VEVENT",
        ),
        (
            "Windows TZID, no VTIMEZONE",
            "BEGIN:VEVENT\nUID:1\nDTSTART;TZID=W. Europe Standard Time:20240101T100000\nEND:VEVENT",
        ),
        (
            "X- property on the calendar",
            "X-WR-CALNAME:Work\nX-WR-TIMEZONE:Europe/Paris\nBEGIN:VEVENT\nUID:1\nEND:VEVENT",
        ),
        (
            "unknown IANA properties",
            "BEGIN:VEVENT\nUID:1\nDRESSCODE:CASUAL\nNON-SMOKING;VALUE=BOOLEAN:TRUE\nEND:VEVENT",
        ),
        (
            "X- property with any VALUE",
            "BEGIN:VEVENT\nUID:1\nX-FOO;VALUE=DATE:not-a-date\nEND:VEVENT",
        ),
        (
            "alarm in a todo",
            "BEGIN:VTODO\nUID:1\nDUE:20240101T100000Z\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER;RELATED=END:-PT5M\nEND:VALARM\nEND:VTODO",
        ),
        (
            "two alarms, X- props inside",
            "BEGIN:VEVENT\nUID:1\nBEGIN:VALARM\nX-A:1\nACTION:AUDIO\nTRIGGER:-PT1M\nEND:VALARM\nBEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:PT0S\nEND:VALARM\nEND:VEVENT",
        ),
        (
            "X- component at top level",
            "BEGIN:X-THING\nFOO:bar\nEND:X-THING\nBEGIN:VEVENT\nUID:1\nEND:VEVENT",
        ),
        (
            "RFC 9073 component in an event",
            "BEGIN:VEVENT\nUID:1\nBEGIN:VLOCATION\nUID:loc\nNAME:Room\nEND:VLOCATION\nEND:VEVENT",
        ),
        (
            "journal with a date",
            "BEGIN:VJOURNAL\nUID:1\nDTSTART;VALUE=DATE:20240101\nEND:VJOURNAL",
        ),
        (
            "tab folding",
            "BEGIN:VEVENT\nUID:1\nSUMMARY:a\n\tb\nEND:VEVENT",
        ),
        (
            "blank line between components",
            "BEGIN:VEVENT\nUID:1\nEND:VEVENT\n\nBEGIN:VEVENT\nUID:1\nRECURRENCE-ID:20240102T100000Z\nEND:VEVENT",
        ),
        (
            "leap second",
            "BEGIN:VEVENT\nUID:1\nDTSTART:19981231T235960Z\nEND:VEVENT",
        ),
        ("escaped UID", "BEGIN:VEVENT\nUID:a\\,b\nEND:VEVENT"),
        (
            "BYMONTH leap with RSCALE",
            "BEGIN:VEVENT\nUID:1\nDTSTART:20240101T100000Z\nRRULE:RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=5L\nEND:VEVENT",
        ),
    ] {
        let result = ingest(&calendar(body));
        assert!(result.is_ok(), "{why}: {result:?}");
    }
}

#[test]
fn master_and_overrides_are_counted() {
    let body = [
        event("u", "RRULE:FREQ=DAILY;COUNT=10"),
        event("u", "RECURRENCE-ID:20240102T100000Z"),
        event("u", "RECURRENCE-ID;TZID=Europe/Paris:20240102T100000"),
        event("u", "RECURRENCE-ID;RANGE=THISANDFUTURE:20240105T100000Z"),
    ]
    .join("\n");
    let obj = ingest(&calendar(&body)).unwrap();
    assert!(obj.has_master && obj.is_recurring);
    assert_eq!(obj.overrides, 3);
    assert_eq!(obj.tzids, vec!["Europe/Paris"]);
}

#[test]
fn rdate_alone_makes_it_recurring_and_override_rrules_do_not() {
    let obj = ingest(&calendar(&event("u", "RDATE:20240105T100000Z"))).unwrap();
    assert!(obj.is_recurring);
    let body = event("u", "RECURRENCE-ID:20240102T100000Z\nRRULE:FREQ=DAILY");
    let obj = ingest(&calendar(&body)).unwrap();
    assert!(!obj.is_recurring && !obj.has_master);
}

#[test]
fn tzids_are_deduplicated_and_exclude_vtimezone_internals() {
    let body = format!(
        "BEGIN:VTIMEZONE\nTZID:Z\nBEGIN:STANDARD\nDTSTART:19700101T000000\nTZOFFSETFROM:+0000\nTZOFFSETTO:+0000\nEND:STANDARD\nEND:VTIMEZONE\n{}",
        event(
            "u",
            "DTEND;TZID=Z:20240101T110000\nEXDATE;TZID=Z:20240101T100000\nRDATE;TZID=Y:20240103T100000"
        )
    );
    let obj = ingest(&calendar(&body)).unwrap();
    assert_eq!(obj.tzids, vec!["Z", "Y"]);
    assert_eq!(obj.missing_timezones, vec!["Y"]);
}

#[test]
fn many_components_are_handled() {
    // Linear work: thousands of overrides and lines must be routine.
    let mut body = vec![event("u", "RRULE:FREQ=DAILY")];
    for day in 0..5000 {
        let date = jiff::civil::date(2024, 1, 1) + jiff::Span::new().days(day);
        body.push(event(
            "u",
            &format!("RECURRENCE-ID:{}T100000Z", date.strftime("%Y%m%d")),
        ));
    }
    let obj = ingest(&calendar(&body.join("\n"))).unwrap();
    assert_eq!(obj.overrides, 5000);
}
