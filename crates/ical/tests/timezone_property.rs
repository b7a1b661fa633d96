//! CALDAV:calendar-timezone values (RFC 4791 §5.2.2).

mod support;

use kairos_ical::{IngestError, Precondition, validate_timezone};
use support::{calendar, fixture, to_lf};

const OBSERVANCE: &str =
    "BEGIN:STANDARD\nDTSTART:19671029T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD";

#[test]
fn rfc4791_example_is_accepted() {
    let bytes = fixture("rfc4791/calendar-timezone-5.2.2.ics");
    assert_eq!(validate_timezone(&bytes), Ok("US-Eastern".into()));
    assert_eq!(validate_timezone(&to_lf(&bytes)), Ok("US-Eastern".into()));
}

#[test]
fn zero_or_two_timezones_or_an_event_are_refused() {
    let none = calendar("X-NOTHING:1");
    assert_eq!(
        validate_timezone(&none),
        Err(IngestError::NotSingleTimezone { timezones: 0 })
    );
    let two = calendar(&format!(
        "BEGIN:VTIMEZONE\nTZID:A\n{OBSERVANCE}\nEND:VTIMEZONE\nBEGIN:VTIMEZONE\nTZID:B\n{OBSERVANCE}\nEND:VTIMEZONE"
    ));
    assert_eq!(
        validate_timezone(&two),
        Err(IngestError::NotSingleTimezone { timezones: 2 })
    );
    let with_event = calendar(&format!(
        "BEGIN:VTIMEZONE\nTZID:A\n{OBSERVANCE}\nEND:VTIMEZONE\n{}",
        support::event("e", "")
    ));
    let err = validate_timezone(&with_event).unwrap_err();
    assert_eq!(err, IngestError::NotSingleTimezone { timezones: 1 });
    assert_eq!(err.precondition(), Precondition::ValidCalendarData);
}

#[test]
fn broken_timezones_are_refused() {
    let cases = [
        ("BEGIN:VTIMEZONE\nEND:VTIMEZONE", "no TZID"),
        ("BEGIN:VTIMEZONE\nTZID:\nEND:VTIMEZONE", "empty TZID"),
        ("BEGIN:VTIMEZONE\nTZID:A\nEND:VTIMEZONE", "no observance"),
        (
            "BEGIN:VTIMEZONE\nTZID:A\nBEGIN:STANDARD\nDTSTART:19671029T020000\nTZOFFSETFROM:-0400\nEND:STANDARD\nEND:VTIMEZONE",
            "no TZOFFSETTO",
        ),
    ];
    for (body, why) in cases {
        assert!(
            matches!(
                validate_timezone(&calendar(body)),
                Err(IngestError::BadTimezone { .. })
            ),
            "{why}"
        );
    }
    let date_start = calendar(
        "BEGIN:VTIMEZONE\nTZID:A\nBEGIN:STANDARD\nDTSTART:19671029\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\nEND:VTIMEZONE",
    );
    assert!(matches!(
        validate_timezone(&date_start),
        Err(IngestError::BadValue { .. })
    ));
    let two_tzids = calendar(&format!(
        "BEGIN:VTIMEZONE\nTZID:A\nTZID:B\n{OBSERVANCE}\nEND:VTIMEZONE"
    ));
    assert!(matches!(
        validate_timezone(&two_tzids),
        Err(IngestError::DuplicateProperty { .. })
    ));
    assert_eq!(validate_timezone(b"junk"), Err(IngestError::NotVCalendar));
}
