//! free-busy-query (RFC 4791 §7.10) answered partly from the instance index (zoned
//! VEVENT instances with their TRANSP/STATUS) and partly by evaluating the objects the
//! index cannot decide (floating times, VFREEBUSY): both halves merge into one answer.

use crate::common;

use common::{ALICE, ALICE_HOME, Harness};
use http::StatusCode;

fn calendar(body: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\n{body}END:VCALENDAR\r\n")
}

/// A daily zoned series: 09:00–10:00 in Berlin (08:00–09:00 UTC in March), whose second
/// instance is cancelled and third tentative.
const SERIES: &str = "BEGIN:VEVENT\r\nUID:series\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20260302T090000\r\nDTEND;TZID=Europe/Berlin:20260302T100000\r\n\
RRULE:FREQ=DAILY;COUNT=5\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:series\r\nDTSTAMP:20260101T000000Z\r\n\
RECURRENCE-ID;TZID=Europe/Berlin:20260303T090000\r\n\
DTSTART;TZID=Europe/Berlin:20260303T090000\r\nDTEND;TZID=Europe/Berlin:20260303T100000\r\n\
STATUS:CANCELLED\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:series\r\nDTSTAMP:20260101T000000Z\r\n\
RECURRENCE-ID;TZID=Europe/Berlin:20260304T090000\r\n\
DTSTART;TZID=Europe/Berlin:20260304T090000\r\nDTEND;TZID=Europe/Berlin:20260304T100000\r\n\
STATUS:TENTATIVE\r\nEND:VEVENT\r\n";

fn event(uid: &str, start: &str, end: &str, extra: &str) -> String {
    calendar(&format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start}\r\n\
DTEND:{end}\r\n{extra}END:VEVENT\r\n"
    ))
}

fn query(start: &str, end: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="{start}" end="{end}"/></C:free-busy-query>"#
    )
}

/// The FREEBUSY lines of an answer, in order.
fn periods(text: &str) -> Vec<String> {
    text.split("\r\n")
        .filter(|l| l.starts_with("FREEBUSY"))
        .map(str::to_owned)
        .collect()
}

/// A calendar taking every component type free/busy reads.
async fn busy_calendar(h: &Harness) -> String {
    let path = format!("{ALICE_HOME}busy/");
    let body = r#"<?xml version="1.0" encoding="utf-8" ?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<C:supported-calendar-component-set>
<C:comp name="VEVENT"/><C:comp name="VTODO"/><C:comp name="VFREEBUSY"/>
</C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"#;
    let r = h
        .send(
            "MKCALENDAR",
            &path,
            ALICE,
            &[("content-type", "application/xml")],
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    path
}

#[tokio::test]
async fn indexed_and_evaluated_busy_time_merge_into_one_answer() {
    let h = Harness::new().await;
    let cal = busy_calendar(&h).await;
    let resources = [
        ("series.ics", calendar(SERIES)),
        // Touches the series' first instance: the two merge.
        (
            "adjacent.ics",
            event("adjacent", "20260302T090000Z", "20260302T100000Z", ""),
        ),
        (
            "transparent.ics",
            event(
                "transparent",
                "20260302T120000Z",
                "20260302T130000Z",
                "TRANSP:TRANSPARENT\r\n",
            ),
        ),
        // Floating: read in the calendar's zone (UTC here), so evaluated.
        (
            "floating.ics",
            event("floating", "20260302T150000", "20260302T160000", ""),
        ),
        (
            "todo.ics",
            calendar(
                "BEGIN:VTODO\r\nUID:todo\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART:20260302T180000Z\r\nDUE:20260302T190000Z\r\nEND:VTODO\r\n",
            ),
        ),
        (
            "unavailable.ics",
            calendar(
                "BEGIN:VFREEBUSY\r\nUID:fb\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART:20260303T000000Z\r\nDTEND:20260304T000000Z\r\n\
FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260303T100000Z/20260303T110000Z\r\nEND:VFREEBUSY\r\n",
            ),
        ),
    ];
    for (name, ics) in &resources {
        let r = h.put_ics(ALICE, &format!("{cal}{name}"), ics).await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.text());
    }
    let r = h
        .report(
            ALICE,
            &cal,
            "1",
            &query("20260302T000000Z", "20260305T000000Z"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        periods(r.text()),
        [
            "FREEBUSY;FBTYPE=BUSY:20260302T080000Z/PT2H",
            "FREEBUSY;FBTYPE=BUSY:20260302T150000Z/PT1H",
            "FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260303T100000Z/PT1H",
            "FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260304T080000Z/PT1H",
        ]
    );

    // A range cutting an indexed instance: the period is clipped to the range.
    let r = h
        .report(
            ALICE,
            &cal,
            "1",
            &query("20260302T083000Z", "20260302T093000Z"),
        )
        .await;
    assert_eq!(
        periods(r.text()),
        ["FREEBUSY;FBTYPE=BUSY:20260302T083000Z/PT1H"]
    );
}

#[tokio::test]
async fn changing_an_events_status_changes_its_indexed_busy_time() {
    let h = Harness::new().await;
    let cal = busy_calendar(&h).await;
    let path = format!("{cal}meeting.ics");
    let range = query("20260302T000000Z", "20260303T000000Z");
    h.put_ics(
        ALICE,
        &path,
        &event("meeting", "20260302T100000Z", "20260302T110000Z", ""),
    )
    .await;
    let busy = h.report(ALICE, &cal, "1", &range).await;
    assert_eq!(
        periods(busy.text()),
        ["FREEBUSY;FBTYPE=BUSY:20260302T100000Z/PT1H"]
    );
    let r = h
        .put_ics(
            ALICE,
            &path,
            &event(
                "meeting",
                "20260302T100000Z",
                "20260302T110000Z",
                "STATUS:CANCELLED\r\n",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let free = h.report(ALICE, &cal, "1", &range).await;
    assert!(periods(free.text()).is_empty(), "{}", free.text());
}
