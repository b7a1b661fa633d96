//! RFC 4791 Appendix B: the example calendar (abcd1–abcd8) in Bernard's work calendar.

use std::collections::BTreeMap;

use http::StatusCode;

use super::{ALICE, Harness};

/// The Appendix B objects, kept with the iCalendar crate's fixtures.
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ical/tests/data/rfc4791");
pub const WORK: &str = "/dav/calendars/alice/work/";

pub fn appendix_b() -> Vec<(String, Vec<u8>)> {
    (1..=8)
        .map(|i| {
            let name = format!("abcd{i}.ics");
            let bytes = std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture");
            (name, bytes)
        })
        .collect()
}

/// The Appendix B calendar: every component type, all eight objects.
pub async fn appendix_b_calendar(h: &Harness) -> BTreeMap<String, String> {
    let body = r#"<?xml version="1.0" encoding="utf-8" ?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set><D:prop>
    <D:displayname>Bernard's work</D:displayname>
    <C:supported-calendar-component-set>
      <C:comp name="VEVENT"/><C:comp name="VTODO"/><C:comp name="VJOURNAL"/><C:comp name="VFREEBUSY"/>
    </C:supported-calendar-component-set>
  </D:prop></D:set>
</C:mkcalendar>"#;
    let r = h
        .send(
            "MKCALENDAR",
            WORK,
            ALICE,
            &[("content-type", "application/xml")],
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let mut etags = BTreeMap::new();
    for (name, bytes) in appendix_b() {
        let r = h
            .send(
                "PUT",
                &format!("{WORK}{name}"),
                ALICE,
                &[("content-type", "text/calendar"), ("if-none-match", "*")],
                bytes,
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.text());
        etags.insert(name, r.etag());
    }
    etags
}
