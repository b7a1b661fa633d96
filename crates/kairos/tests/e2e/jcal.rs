//! jCal (RFC 7265) over CalDAV and the REST API: produced on request, accepted on write,
//! always stored as iCalendar.

use crate::common;

use common::api::ALICE_PW;
use common::*;
use http::StatusCode;
use serde_json::{Value, json};

const ICS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nUID:j1\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20261207T120000\r\nDURATION:PT1H\r\n\
RRULE:FREQ=WEEKLY;COUNT=2\r\nSUMMARY:Lunch\\, maybe\r\nX-KEEP;X-P=1:kept\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

fn jcal_event(uid: &str, summary: &str) -> Value {
    json!(["vcalendar",
        [["version", {}, "text", "2.0"], ["prodid", {}, "text", "-//T//EN"]],
        [["vevent",
            [["uid", {}, "text", uid],
             ["dtstamp", {}, "date-time", "2026-01-01T00:00:00Z"],
             ["dtstart", {"tzid": "Europe/Berlin"}, "date-time", "2026-12-08T09:00:00"],
             ["duration", {}, "duration", "PT30M"],
             ["summary", {}, "text", summary]],
            []]]])
}

#[tokio::test]
async fn dav_get_and_report_give_jcal_when_asked_and_put_takes_it() {
    let h = Harness::new().await;
    let url = format!("{ALICE_CAL}j1.ics");
    let put = h.put_ics(ALICE, &url, ICS).await;
    assert_eq!(put.status, StatusCode::CREATED);
    let etag = put.headers["etag"].to_str().unwrap().to_owned();

    // Asked for jCal: the same version (same ETag), as JSON.
    let r = h
        .send(
            "GET",
            &url,
            ALICE,
            &[("accept", "application/calendar+json")],
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/calendar+json");
    assert_eq!(r.headers["etag"].to_str().unwrap(), etag);
    assert_eq!(r.headers["vary"], "Accept");
    let j: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(j[0], "vcalendar");
    let props = &j[2][0][1];
    assert!(
        props
            .as_array()
            .unwrap()
            .contains(&json!(["summary", {}, "text", "Lunch, maybe"])),
        "{j}"
    );
    assert!(
        props
            .as_array()
            .unwrap()
            .contains(&json!(["rrule", {}, "recur", {"freq": "WEEKLY", "count": 2}])),
        "{j}"
    );
    // Otherwise the stored bytes, exactly.
    let plain = h.get(ALICE, &url).await;
    assert_eq!(plain.text(), ICS);

    // multiget with a jCal calendar-data; an unknown content type is refused.
    let multiget = |ct: &str| {
        format!(
            r#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><C:calendar-data content-type="{ct}" version="2.0"/></D:prop><D:href>{url}</D:href></C:calendar-multiget>"#
        )
    };
    let r = h
        .report(
            ALICE,
            ALICE_CAL,
            "1",
            &multiget("application/calendar+json"),
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    let data = r.multistatus().responses[0].prop_text(ns::CALDAV, "calendar-data");
    let j: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(j[2][0][0], "vevent");
    let r = h
        .report(ALICE, ALICE_CAL, "1", &multiget("text/x-vcalendar"))
        .await;
    assert!(
        r.text().contains("supported-calendar-data"),
        "{} {}",
        r.status,
        r.text()
    );

    // PUT of jCal is stored as iCalendar.
    let body = serde_json::to_vec(&jcal_event("j2", "From JSON; really")).unwrap();
    let put = h
        .send(
            "PUT",
            &format!("{ALICE_CAL}j2.ics"),
            ALICE,
            &[("content-type", "application/calendar+json")],
            body,
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.text());
    let stored = h.get(ALICE, &format!("{ALICE_CAL}j2.ics")).await;
    assert_eq!(
        stored.headers["content-type"],
        "text/calendar; charset=utf-8"
    );
    assert!(
        stored.text().contains("SUMMARY:From JSON\\; really\r\n"),
        "{}",
        stored.text()
    );
    assert!(
        stored
            .text()
            .contains("DTSTART;TZID=Europe/Berlin:20261208T090000\r\n"),
        "{}",
        stored.text()
    );
    // Broken jCal is valid-calendar-data, and nothing is stored.
    let put = h
        .send(
            "PUT",
            &format!("{ALICE_CAL}j3.ics"),
            ALICE,
            &[("content-type", "application/calendar+json")],
            br#"["vcalendar", 5]"#.to_vec(),
        )
        .await;
    assert_eq!(put.status, StatusCode::FORBIDDEN);
    assert!(put.text().contains("valid-calendar-data"), "{}", put.text());
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}j3.ics")).await.status,
        StatusCode::NOT_FOUND
    );

    // The calendar says it takes both.
    let ms = h
        .propfind(ALICE, ALICE_CAL, "0", r#"<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:supported-calendar-data/></D:prop></D:propfind>"#)
        .await;
    assert!(
        ms.text().contains("application/calendar+json"),
        "{}",
        ms.text()
    );
}

#[tokio::test]
async fn api_reads_and_writes_jcal() {
    let h = Harness::new().await;
    let id = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let events = format!("/api/v1/calendars/{id}/events");
    let body = serde_json::to_vec(&jcal_event("j4", "Standup")).unwrap();
    let jcal_type = [("content-type", "application/calendar+json")];
    let r = h.send("POST", &events, ALICE, &jcal_type, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let created: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(created["summary"], "Standup");
    let one = format!("{events}/j4.ics");

    let r = h
        .send(
            "GET",
            &one,
            ALICE,
            &[("accept", "application/calendar+json")],
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/calendar+json");
    let j: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(j[2][0][0], "vevent");

    // Replace with jCal under If-Match; the change shows over CalDAV.
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    let body = serde_json::to_vec(&jcal_event("j4", "Standup (moved)")).unwrap();
    let r = h
        .send(
            "PUT",
            &one,
            ALICE,
            &[jcal_type[0], ("if-match", &etag)],
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let dav = h.get(ALICE, &format!("{ALICE_CAL}j4.ics")).await;
    assert!(
        dav.text().contains("SUMMARY:Standup (moved)\r\n"),
        "{}",
        dav.text()
    );

    // Invalid jCal: a problem, nothing changed.
    let r = h
        .send("PUT", &one, ALICE, &jcal_type, br#"["vcalendar"]"#.to_vec())
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}j4.ics")).await.text(),
        dav.text()
    );
}

#[tokio::test]
async fn calendars_export_and_import_as_jcal() {
    let h = Harness::new().await;
    h.put_ics(ALICE, &format!("{ALICE_CAL}j1.ics"), ICS).await;
    let id = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h
        .send(
            "GET",
            &format!("/api/v1/calendars/{id}/export"),
            ALICE,
            &[("accept", "application/calendar+json")],
            Vec::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers["content-type"], "application/calendar+json");
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".json\""),
        "{:?}",
        r.headers
    );
    let j: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(j[0], "vcalendar");
    let comps = j[2].as_array().unwrap();
    let event = comps.iter().find(|c| c[0] == "vevent").unwrap();
    assert!(
        event[1]
            .as_array()
            .unwrap()
            .contains(&json!(["uid", {}, "text", "j1"])),
        "{j}"
    );
    // Without an Accept naming jCal, the export stays iCalendar.
    let r = h
        .send(
            "GET",
            &format!("/api/v1/calendars/{id}/export"),
            ALICE,
            &[("accept", "*/*")],
            Vec::new(),
        )
        .await;
    assert!(r.text().starts_with("BEGIN:VCALENDAR"), "{}", r.text());

    // A jCal file imports like an iCalendar one.
    let file = serde_json::to_vec(&jcal_event("j9", "Imported")).unwrap();
    let r = h
        .send(
            "POST",
            &format!("/api/v1/calendars/{id}/import"),
            ALICE,
            &[("content-type", "application/calendar+json")],
            file,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["created"], 1);
    let members = h.members(ALICE, ALICE_CAL).await;
    assert!(members.iter().any(|m| m.ends_with("j9.ics")), "{members:?}");
    // Broken jCal imports nothing.
    let r = h
        .send(
            "POST",
            &format!("/api/v1/calendars/{id}/import"),
            ALICE,
            &[("content-type", "application/calendar+json")],
            br#"{"not": "jcal"}"#.to_vec(),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.text());
    assert_eq!(h.members(ALICE, ALICE_CAL).await.len(), members.len());
}

#[tokio::test]
async fn sync_collection_gives_calendar_data_as_jcal_when_asked() {
    let h = Harness::new().await;
    h.put_ics(ALICE, &format!("{ALICE_CAL}j1.ics"), ICS).await;
    let body = r#"<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:sync-token/><D:sync-level>1</D:sync-level>
  <D:prop><D:getetag/><C:calendar-data content-type="application/calendar+json" version="4.0"/></D:prop>
</D:sync-collection>"#;
    let r = h.report(ALICE, ALICE_CAL, "0", body).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS, "{}", r.text());
    let ms = r.multistatus();
    let data = ms
        .response(&format!("{ALICE_CAL}j1.ics"))
        .prop_text(ns::CALDAV, "calendar-data");
    let j: Value = serde_json::from_str(&data).unwrap_or_else(|e| panic!("{e}: {data}"));
    assert_eq!(j[2][0][0], "vevent");
    // And comp/prop selection applies too: only UID is asked for.
    let body = r#"<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:sync-token/><D:sync-level>1</D:sync-level>
  <D:prop><C:calendar-data><C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="UID"/></C:comp></C:comp></C:calendar-data></D:prop>
</D:sync-collection>"#;
    let r = h.report(ALICE, ALICE_CAL, "0", body).await;
    let data = r
        .multistatus()
        .response(&format!("{ALICE_CAL}j1.ics"))
        .prop_text(ns::CALDAV, "calendar-data");
    assert!(data.contains("UID:j1"), "{data}");
    assert!(!data.contains("SUMMARY"), "{data}");
}
