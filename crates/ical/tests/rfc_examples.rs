//! Spec as test: every calendar object resource of RFC 4791 Appendix B and §5.3.2, and the
//! iCalendar objects of RFC 5545 §4.

mod support;

use kairos_ical::{CalendarObject, ComponentKind, IngestError, Precondition, ingest, to_calcard};
use rstest::rstest;
use support::{fixture, to_lf};

fn object(
    uid: &str,
    component: ComponentKind,
    (has_master, overrides, is_recurring): (bool, usize, bool),
    tzids: &[&str],
    missing: &[&str],
) -> CalendarObject {
    CalendarObject {
        uid: uid.into(),
        component,
        has_master,
        overrides,
        is_recurring,
        tzids: tzids.iter().map(|s| s.to_string()).collect(),
        missing_timezones: missing.iter().map(|s| s.to_string()).collect(),
        // Search terms are checked beside the code (search.rs), not per example.
        search_terms: Vec::new(),
    }
}

const SINGLE: (bool, usize, bool) = (true, 0, false);
const EASTERN: &[&str] = &["US/Eastern"];

#[rstest]
#[case::abcd1("rfc4791/abcd1.ics", object("74855313FA803DA593CD579A@example.com", ComponentKind::Event, SINGLE, EASTERN, &[]))]
#[case::abcd2("rfc4791/abcd2.ics", object("00959BC664CA650E933C892C@example.com", ComponentKind::Event, (true, 1, true), EASTERN, &[]))]
#[case::abcd3("rfc4791/abcd3.ics", object("DC6C50A017428C5216A2F1CD@example.com", ComponentKind::Event, SINGLE, EASTERN, &[]))]
#[case::abcd4("rfc4791/abcd4.ics", object("DDDEEB7915FA61233B861457@example.com", ComponentKind::Todo, SINGLE, &[], &[]))]
#[case::abcd5("rfc4791/abcd5.ics", object("E10BA47467C5C69BB74E8720@example.com", ComponentKind::Todo, SINGLE, &[], &[]))]
#[case::abcd6("rfc4791/abcd6.ics", object("E10BA47467C5C69BB74E8722@example.com", ComponentKind::Todo, SINGLE, &[], &[]))]
#[case::abcd7("rfc4791/abcd7.ics", object("E10BA47467C5C69BB74E8725@example.com", ComponentKind::Todo, SINGLE, &[], &[]))]
#[case::abcd8("rfc4791/abcd8.ics", object("76ef34-54a3d2@example.com", ComponentKind::FreeBusy, SINGLE, &[], &[]))]
#[case::put_5_3_2("rfc4791/put-5.3.2.ics", object("20010712T182145Z-123401@example.com", ComponentKind::Event, SINGLE, &[], &[]))]
#[case::conference("rfc5545/conference.ics", object("uid1@example.com", ComponentKind::Event, SINGLE, &[], &[]))]
#[case::group_meeting("rfc5545/group-meeting.ics", object("guid-1.example.com", ComponentKind::Event, SINGLE, &["America/New_York"], &[]))]
#[case::todo("rfc5545/todo.ics", object("uid4@example.com", ComponentKind::Todo, SINGLE, &[], &[]))]
#[case::journal("rfc5545/journal.ics", object("uid5@example.com", ComponentKind::Journal, SINGLE, &[], &[]))]
fn rfc_resources_are_accepted(#[case] path: &str, #[case] expected: CalendarObject) {
    let bytes = fixture(path);
    let without_terms = |mut o: CalendarObject| {
        o.search_terms.clear();
        o
    };
    assert_eq!(
        ingest(&bytes).map(without_terms),
        Ok(expected.clone()),
        "{path} (CRLF)"
    );
    assert_eq!(
        ingest(&to_lf(&bytes)).map(without_terms),
        Ok(expected),
        "{path} (LF)"
    );
}

#[rstest]
#[case::abcd1("rfc4791/abcd1.ics")]
#[case::abcd2("rfc4791/abcd2.ics")]
#[case::abcd8("rfc4791/abcd8.ics")]
#[case::journal("rfc5545/journal.ics")]
fn calcard_reads_what_we_accept(#[case] path: &str) {
    let cal = to_calcard(&fixture(path)).unwrap();
    assert_eq!(cal.components[0].component_type.as_str(), "VCALENDAR");
}

#[test]
fn rfc5545_method_example_is_not_a_resource() {
    let err = ingest(&fixture("rfc5545/method-xyz.ics")).unwrap_err();
    assert_eq!(err, IngestError::MethodNotAllowed { line: 2 });
    assert_eq!(
        err.precondition(),
        Precondition::ValidCalendarObjectResource
    );
}

#[test]
fn rfc5545_published_busy_time_has_no_uid() {
    let err = ingest(&fixture("rfc5545/busytime-no-uid.ics")).unwrap_err();
    assert_eq!(
        err,
        IngestError::MissingUid {
            line: 4,
            component: "VFREEBUSY".into()
        }
    );
    assert_eq!(
        err.precondition(),
        Precondition::ValidCalendarObjectResource
    );
}

#[test]
fn appendix_b_time_zone_is_not_a_resource_on_its_own() {
    // The calendar-timezone example of §5.2.2 holds only a VTIMEZONE.
    let err = ingest(&fixture("rfc4791/calendar-timezone-5.2.2.ics")).unwrap_err();
    assert_eq!(err, IngestError::NoComponent);
}
