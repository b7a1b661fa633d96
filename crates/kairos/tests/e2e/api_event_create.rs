//! REST API: creating events and tasks from JSON fields, seen over CalDAV.

use crate::common;

use common::api::{ALICE_PW, As};
use common::*;
use http::StatusCode;
use serde_json::json;

async fn calendar(h: &Harness, who: As<'_>) -> String {
    h.api("GET", "/api/v1/calendars", who, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_json_event_is_valid_icalendar_for_caldav_clients() {
    let h = Harness::new().await;
    let id = calendar(&h, ALICE_PW).await;
    let r = h
        .api(
            "POST",
            &format!("/api/v1/calendars/{id}/events"),
            ALICE_PW,
            Some(json!({
                "summary": "Lunch with Bob",
                "location": "Café, upstairs; table 3",
                "start": {"date_time": "2026-12-07T12:00:00", "time_zone": "Europe/Berlin"},
                "end": {"date_time": "2026-12-07T13:00:00", "time_zone": "Europe/Berlin"},
                "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"],
                "alarms": [{"action": "display", "trigger": {"duration": "-PT15M"}}]
            })),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let ev = r.json();
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(ev["etag"], etag.as_str());
    let name = ev["id"].as_str().unwrap();
    assert!(r.headers["location"].to_str().unwrap().ends_with(name));
    assert_eq!(ev["summary"], "Lunch with Bob");
    assert!(ev["uid"].as_str().unwrap().ends_with("@kairos"));

    // Over CalDAV: same ETag, escaped text, three instances in the event's own zone.
    let dav = h.get(ALICE, &format!("{ALICE_CAL}{name}")).await;
    assert_eq!(dav.status, StatusCode::OK);
    assert_eq!(dav.headers["etag"].to_str().unwrap(), etag);
    let ics = dav.text();
    assert!(
        ics.contains("LOCATION:Café\\, upstairs\\; table 3\r\n"),
        "{ics}"
    );
    assert!(
        ics.contains("BEGIN:VALARM\r\n") && ics.contains("TRIGGER:-PT15M\r\n"),
        "{ics}"
    );
    // RFC 5545 §3.2.19: the zone it names is defined in the object, for every client.
    assert_eq!(
        ics.matches("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n")
            .count(),
        1,
        "{ics}"
    );
    assert!(
        ics.contains("DTSTART;TZID=Europe/Berlin:20261207T120000\r\n"),
        "{ics}"
    );
    let window = format!(
        "/api/v1/calendars/{id}/events?start=2026-12-01T00:00:00Z&end=2027-01-01T00:00:00Z&expand=true"
    );
    let starts: Vec<String> = h.api("GET", &window, ALICE_PW, None, &[]).await.json()["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["start"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-12-07T11:00:00Z",
            "2026-12-14T11:00:00Z",
            "2026-12-21T11:00:00Z"
        ]
    );
}

#[tokio::test]
async fn tasks_uids_and_refusals() {
    let h = Harness::new().await;
    let id = calendar(&h, ALICE_PW).await;
    let url = format!("/api/v1/calendars/{id}/events");
    let r = h
        .api(
            "POST",
            &url,
            ALICE_PW,
            Some(
                json!({"kind": "task", "uid": "todo-1@example.com", "summary": "File taxes",
                "due": {"date": "2027-04-30"}}),
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["id"], "todo-1@example.com.ics");
    let ics = h
        .get(ALICE, &format!("{ALICE_CAL}todo-1@example.com.ics"))
        .await;
    assert!(ics.text().contains("BEGIN:VTODO\r\n"), "{}", ics.text());
    assert!(
        ics.text().contains("DUE;VALUE=DATE:20270430\r\n"),
        "{}",
        ics.text()
    );

    // The same UID again is a conflict, and the first task is untouched.
    let again = h
        .api(
            "POST",
            &url,
            ALICE_PW,
            Some(json!({"kind": "task", "uid": "todo-1@example.com"})),
            &[],
        )
        .await;
    again.problem(StatusCode::CONFLICT);
    // An event needs a start; a bad zone is named.
    h.api(
        "POST",
        &url,
        ALICE_PW,
        Some(json!({"summary": "no start"})),
        &[],
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    let p = h
        .api(
            "POST",
            &url,
            ALICE_PW,
            Some(
                json!({"start": {"date_time": "2026-12-07T12:00:00", "time_zone": "Mars/Olympus"}}),
            ),
            &[],
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.to_string().contains("start"), "{p}");
    // Wrong JSON types are 422, broken JSON 400, other media types 415.
    h.api(
        "POST",
        &url,
        ALICE_PW,
        Some(json!({"summary": 5, "start": {"date": "2026-12-07"}})),
        &[],
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    let broken = h
        .send(
            "POST",
            &url,
            ALICE,
            &[("content-type", "application/json")],
            b"{".to_vec(),
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    let plain = h
        .send(
            "POST",
            &url,
            ALICE,
            &[("content-type", "text/plain")],
            b"hi".to_vec(),
        )
        .await;
    assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Bob may not create in Alice's calendar, and learns nothing about it.
    let bob = h
        .api(
            "POST",
            &url,
            common::api::BOB_PW,
            Some(json!({"start": {"date": "2026-12-07"}})),
            &[],
        )
        .await;
    bob.problem(StatusCode::NOT_FOUND);
}
