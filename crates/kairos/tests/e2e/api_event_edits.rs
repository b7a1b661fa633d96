//! REST API: editing events as JSON with recurrence scopes, checked over CalDAV.

use crate::common;

use common::api::{ALICE_PW, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::json;

const WEEKLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nUID:weekly\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20261012T090000\r\nDTEND;TZID=Europe/Berlin:20261012T093000\r\n\
RRULE:FREQ=WEEKLY;COUNT=6\r\nSUMMARY:Standup\r\nX-CUSTOM;X-P=1:keep me\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20261109T090000\r\n\
DTSTART;TZID=Europe/Berlin:20261109T110000\r\nDTEND;TZID=Europe/Berlin:20261109T113000\r\nSUMMARY:Standup (late)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

async fn setup() -> (Harness, String) {
    let h = Harness::new().await;
    h.put_ics(ALICE, &format!("{ALICE_CAL}weekly.ics"), WEEKLY)
        .await;
    let id = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (h, id)
}

async fn instances(h: &Harness, id: &str) -> Vec<(String, String)> {
    let url = format!(
        "/api/v1/calendars/{id}/events?start=2026-10-01T00:00:00Z&end=2026-12-31T00:00:00Z&expand=true"
    );
    h.api("GET", &url, ALICE_PW, None, &[]).await.json()["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["start"].as_str().unwrap().to_owned(),
                i["component"]["summary"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn all_this_and_following_as_a_caldav_client_sees_them() {
    let (h, id) = setup().await;
    let ev = format!("/api/v1/calendars/{id}/events/weekly.ics");

    // all: the title of every instance; the unknown property survives byte for byte.
    let r = h
        .api(
            "PATCH",
            &ev,
            ALICE_PW,
            Some(json!({"summary": "Daily sync"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let dav = h
        .get(ALICE, &format!("{ALICE_CAL}weekly.ics"))
        .await
        .text()
        .to_owned();
    assert!(
        dav.contains("SUMMARY:Daily sync") && dav.contains("X-CUSTOM;X-P=1:keep me"),
        "{dav}"
    );

    // this: one instance gets an override.
    let r = h
        .api(
            "PATCH",
            &format!("{ev}?scope=this&instance=2026-10-19T07:00:00Z"),
            ALICE_PW,
            Some(json!({"location": "Room 9"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["event"]["overrides"].as_array().unwrap().len(), 2);

    // following: from 26 October (after the DST change) the series is split off, still
    // at 09:00 Berlin time, carrying the change and the later override.
    let r = h
        .api(
            "PATCH",
            &format!("{ev}?scope=following&instance=20261026T080000Z"),
            ALICE_PW,
            Some(json!({"summary": "New standup"})),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let body = r.json();
    let new_id = body["split_off"]["id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, "weekly.ics");
    assert_eq!(body["split_off"]["summary"], "New standup");
    let got = instances(&h, &id).await;
    let starts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        starts,
        [
            "2026-10-12T07:00:00Z",
            "2026-10-19T07:00:00Z",
            "2026-10-26T08:00:00Z",
            "2026-11-02T08:00:00Z",
            "2026-11-09T10:00:00Z",
            "2026-11-16T08:00:00Z"
        ]
    );
    assert_eq!(got[2].1, "New standup");
    assert_eq!(
        got[4].1, "Standup (late)",
        "the later override moved to the new series"
    );
    // Both halves are there for CalDAV clients, with the old one ending before the split.
    let old = h
        .get(ALICE, &format!("{ALICE_CAL}weekly.ics"))
        .await
        .text()
        .to_owned();
    assert!(old.contains("COUNT=2") || old.contains("UNTIL="), "{old}");
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}{new_id}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn scoped_deletes_and_refusals() {
    let (h, id) = setup().await;
    let ev = format!("/api/v1/calendars/{id}/events/weekly.ics");
    let r = h
        .api(
            "DELETE",
            &format!("{ev}?scope=this&instance=20261019T070000Z"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(instances(&h, &id).await.len(), 5);
    let r = h
        .api(
            "DELETE",
            &format!("{ev}?scope=following&instance=20261102T080000Z"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(instances(&h, &id).await.len(), 2);
    // Following from the first instance deletes the event.
    let r = h
        .api(
            "DELETE",
            &format!("{ev}?scope=following&instance=20261012T070000Z"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}weekly.ics")).await.status,
        StatusCode::NOT_FOUND
    );

    let (h, id) = setup().await;
    let ev = format!("/api/v1/calendars/{id}/events/weekly.ics");
    let stale = h
        .api("GET", &ev, ALICE_PW, None, &[])
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    h.put_ics(
        ALICE,
        &format!("{ALICE_CAL}weekly.ics"),
        &WEEKLY.replace("Standup\r\n", "Changed\r\n"),
    )
    .await;
    h.api(
        "PATCH",
        &ev,
        ALICE_PW,
        Some(json!({"summary": "x"})),
        &[("if-match", &stale)],
    )
    .await
    .problem(StatusCode::PRECONDITION_FAILED);
    for (query, body) in [
        ("?scope=this", json!({"summary": "x"})),
        (
            "?scope=sometimes&instance=20261019T070000Z",
            json!({"summary": "x"}),
        ),
        (
            "?scope=this&instance=20261020T070000Z",
            json!({"summary": "x"}),
        ),
        ("", json!({"end": {"date_time": "2020-01-01T00:00:00Z"}})),
        (
            "",
            json!({"start": {"date_time": "2026-10-12T09:00:00", "time_zone": "Mars/Olympus"}}),
        ),
    ] {
        let r = h
            .api("PATCH", &format!("{ev}{query}"), ALICE_PW, Some(body), &[])
            .await;
        r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    h.api("PATCH", &ev, BOB_PW, Some(json!({"summary": "x"})), &[])
        .await
        .problem(StatusCode::NOT_FOUND);
    assert!(
        h.get(ALICE, &format!("{ALICE_CAL}weekly.ics"))
            .await
            .text()
            .contains("SUMMARY:Changed")
    );
}
