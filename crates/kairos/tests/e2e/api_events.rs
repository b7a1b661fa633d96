//! REST API: events — windows and instances, incremental listing, search, ETags — and the
//! same events over CalDAV.

use crate::common;

use common::api::{ALICE_PW, As, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::json;

const WEEKLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nUID:weekly\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20261102T090000\r\nDTEND;TZID=Europe/Berlin:20261102T093000\r\n\
RRULE:FREQ=WEEKLY;COUNT=4\r\nSUMMARY:Standup\r\nLOCATION:Room 7\r\nX-CUSTOM:keep me\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=Europe/Berlin:20261109T090000\r\n\
DTSTART;TZID=Europe/Berlin:20261109T110000\r\nDTEND;TZID=Europe/Berlin:20261109T113000\r\nSUMMARY:Standup (late)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

async fn cal(h: &Harness) -> String {
    h.api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn post_ics(h: &Harness, cal: &str, who: Option<(&str, &str)>, ics: &str) -> Resp {
    h.send(
        "POST",
        &format!("/api/v1/calendars/{cal}/events"),
        who,
        &[("content-type", "text/calendar")],
        ics.to_owned(),
    )
    .await
}

#[tokio::test]
async fn create_read_and_expand_a_recurring_event() {
    let h = Harness::new().await;
    let id = cal(&h).await;
    let r = post_ics(&h, &id, ALICE, WEEKLY).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let ev = r.json();
    assert_eq!(ev["id"], "weekly.ics");
    assert_eq!(ev["summary"], "Standup");
    assert_eq!(
        ev["start"],
        json!({"date_time": "2026-11-02T09:00:00", "time_zone": "Europe/Berlin"})
    );
    assert_eq!(ev["recurrence"], json!(["RRULE:FREQ=WEEKLY;COUNT=4"]));
    assert_eq!(ev["overrides"][0]["summary"], "Standup (late)");
    let etag = r.header("etag").unwrap().to_owned();
    assert_eq!(ev["etag"], etag.as_str());

    // The same bytes over CalDAV, same ETag.
    let dav = h.get(ALICE, &format!("{ALICE_CAL}weekly.ics")).await;
    assert_eq!(dav.text(), WEEKLY);
    assert_eq!(dav.header("etag"), Some(etag.as_str()));
    // And as iCalendar from the API.
    let ics = h
        .api(
            "GET",
            &format!("/api/v1/calendars/{id}/events/weekly.ics"),
            ALICE_PW,
            None,
            &[("accept", "text/calendar")],
        )
        .await;
    assert_eq!(ics.text(), WEEKLY);

    // Instances in November: 4, one moved, in UTC across the DST change.
    let url = format!(
        "/api/v1/calendars/{id}/events?start=2026-11-01T00:00:00Z&end=2026-12-01T00:00:00Z&expand=true"
    );
    let page = h.api("GET", &url, ALICE_PW, None, &[]).await.json();
    let starts: Vec<_> = page["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["start"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-11-02T08:00:00Z",
            "2026-11-09T10:00:00Z",
            "2026-11-16T08:00:00Z",
            "2026-11-23T08:00:00Z"
        ]
    );
    assert_eq!(
        page["instances"][1]["component"]["summary"],
        "Standup (late)"
    );
    assert_eq!(
        page["instances"][1]["recurrence_id"],
        "2026-11-09T08:00:00Z"
    );
    // A window with nothing in it.
    let empty = h
        .api(
            "GET",
            &format!(
                "/api/v1/calendars/{id}/events?start=2027-01-01T00:00:00Z&end=2027-02-01T00:00:00Z"
            ),
            ALICE_PW,
            None,
            &[],
        )
        .await
        .json();
    assert_eq!(empty["items"], json!([]));

    // Same UID again: conflict; bad data: 422; wrong media type: 415.
    post_ics(&h, &id, ALICE, WEEKLY)
        .await
        .problem(StatusCode::CONFLICT);
    post_ics(&h, &id, ALICE, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    h.send(
        "POST",
        &format!("/api/v1/calendars/{id}/events"),
        ALICE,
        &[("content-type", "text/plain")],
        "{}",
    )
    .await
    .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn replace_and_delete_honour_if_match() {
    let h = Harness::new().await;
    let id = cal(&h).await;
    let etag = post_ics(&h, &id, ALICE, WEEKLY)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let url = format!("/api/v1/calendars/{id}/events/weekly.ics");
    let changed = WEEKLY.replace("SUMMARY:Standup\r\n", "SUMMARY:Daily\r\n");
    // A CalDAV client changes it first: the API's If-Match no longer holds.
    h.put_ics(ALICE, &format!("{ALICE_CAL}weekly.ics"), &changed)
        .await;
    let r = h
        .send(
            "PUT",
            &url,
            ALICE,
            &[("content-type", "text/calendar"), ("if-match", &etag)],
            WEEKLY.to_owned(),
        )
        .await;
    r.problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}weekly.ics")).await.text(),
        changed
    );
    let fresh = h.api("GET", &url, ALICE_PW, None, &[]).await;
    assert_eq!(fresh.json()["summary"], "Daily");
    let fresh_etag = fresh.header("etag").unwrap().to_owned();
    h.api("DELETE", &url, ALICE_PW, None, &[("if-match", &etag)])
        .await
        .problem(StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        h.api("DELETE", &url, ALICE_PW, None, &[("if-match", &fresh_etag)])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    h.api("GET", &url, ALICE_PW, None, &[])
        .await
        .problem(StatusCode::NOT_FOUND);
    // PUT to a missing id does not create.
    let r = h
        .send(
            "PUT",
            &url,
            ALICE,
            &[("content-type", "text/calendar")],
            WEEKLY.to_owned(),
        )
        .await;
    r.problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn incremental_listing_pages_reports_deletions_and_expires() {
    let h = Harness::new().await;
    let id = cal(&h).await;
    for i in 0..5 {
        h.put_ics(
            ALICE,
            &format!("{ALICE_CAL}e{i}.ics"),
            &event(&format!("e{i}"), &format!("Event {i}")),
        )
        .await;
    }
    let base = format!("/api/v1/calendars/{id}/events");
    let mut seen = Vec::new();
    let mut url = format!("{base}?limit=2");
    let token = loop {
        let page = h.api("GET", &url, ALICE_PW, None, &[]).await.json();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap().to_owned()),
        );
        if let Some(next) = page["next_page_token"].as_str() {
            url = format!("{base}?limit=2&sync_token={}", next);
            continue;
        }
        break page["next_sync_token"].as_str().unwrap().to_owned();
    };
    seen.sort();
    assert_eq!(seen, ["e0.ics", "e1.ics", "e2.ics", "e3.ics", "e4.ics"]);

    // A change over CalDAV and a deletion over the API show up since the token.
    h.put_ics(
        ALICE,
        &format!("{ALICE_CAL}e1.ics"),
        &event("e1", "Changed"),
    )
    .await;
    h.api("DELETE", &format!("{base}/e2.ics"), ALICE_PW, None, &[])
        .await;
    let page = h
        .api(
            "GET",
            &format!("{base}?sync_token={token}"),
            ALICE_PW,
            None,
            &[],
        )
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["summary"], "Changed");
    assert_eq!(page["deleted"], json!(["e2.ics"]));

    // Unknown, foreign and malformed tokens: 410, so the client knows to start over.
    let other = h
        .api(
            "POST",
            "/api/v1/calendars",
            ALICE_PW,
            Some(json!({"name": "other"})),
            &[],
        )
        .await
        .json();
    let foreign = other["sync_token"].as_str().unwrap();
    for bad in [
        foreign,
        "garbage",
        "urn:kairos:sync:00000000000000000000000000000000:1",
    ] {
        let r = h
            .api(
                "GET",
                &format!("{base}?sync_token={bad}"),
                ALICE_PW,
                None,
                &[],
            )
            .await;
        let p = r.problem(StatusCode::GONE);
        assert!(p["type"].as_str().unwrap().ends_with("sync-token-expired"));
    }
    h.api("GET", &format!("{base}?limit=0"), ALICE_PW, None, &[])
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn search_and_refusals() {
    let h = Harness::new().await;
    let id = cal(&h).await;
    post_ics(&h, &id, ALICE, WEEKLY).await;
    h.put_ics(ALICE, &format!("{ALICE_CAL}x.ics"), &event("x", "Dentist"))
        .await;
    let found = h
        .api(
            "GET",
            &format!("/api/v1/calendars/{id}/events?q=room%207"),
            ALICE_PW,
            None,
            &[],
        )
        .await
        .json();
    let ids: Vec<_> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    assert_eq!(ids, [json!("weekly.ics")]);

    // Bob, anonymous, read-only tokens.
    let url = format!("/api/v1/calendars/{id}/events/weekly.ics");
    h.api("GET", &url, BOB_PW, None, &[])
        .await
        .problem(StatusCode::NOT_FOUND);
    h.api("GET", &url, As::Anonymous, None, &[])
        .await
        .problem(StatusCode::UNAUTHORIZED);
    h.api("DELETE", &url, BOB_PW, None, &[])
        .await
        .problem(StatusCode::NOT_FOUND);
    post_ics(&h, &id, BOB, &event("b", "B"))
        .await
        .problem(StatusCode::NOT_FOUND);
    let ro = h
        .api(
            "POST",
            "/api/v1/tokens",
            ALICE_PW,
            Some(json!({"name": "ro", "scope": "read-only"})),
            &[],
        )
        .await
        .json()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        h.api("GET", &url, As::Bearer(&ro), None, &[]).await.status,
        StatusCode::OK
    );
    h.api("DELETE", &url, As::Bearer(&ro), None, &[])
        .await
        .problem(StatusCode::FORBIDDEN);
    h.api(
        "GET",
        &format!("/api/v1/calendars/{id}/events?start=2026-01-01T00:00:00Z"),
        ALICE_PW,
        None,
        &[],
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    h.api(
        "GET",
        &format!("/api/v1/calendars/{id}/events?bogus=1"),
        ALICE_PW,
        None,
        &[],
    )
    .await
    .problem(StatusCode::BAD_REQUEST);
}
