//! GET and HEAD on a calendar collection over CalDAV: the whole calendar as one
//! iCalendar file (the REST API's export), with the calendar's ctag as ETag; other
//! collections keep answering 405.

use crate::common;

use bytes::Bytes;
use common::api::ALICE_PW;
use common::*;
use http::StatusCode;
use serde_json::json;

const WORK: &str = "/dav/calendars/alice/work/";

/// Alice with a "work" calendar ("Work") holding an event and a task; returns its API id.
async fn setup() -> (Harness, String) {
    let h = Harness::new().await;
    let id = h
        .alice_calendar(json!({"name": "work", "display_name": "Work"}))
        .await;
    for (name, ics) in [
        ("a.ics", event("uid-a", "Planning")),
        ("t.ics", todo("uid-t", "Write report")),
    ] {
        let r = h.put_ics(ALICE, &format!("{WORK}{name}"), &ics).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    (h, id)
}

async fn send(
    h: &Harness,
    method: &str,
    user: Option<(&str, &str)>,
    path: &str,
    headers: &[(&str, &str)],
) -> Resp {
    h.send(method, path, user, headers, Bytes::new()).await
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[tokio::test]
async fn get_exports_the_whole_calendar_with_its_ctag_as_etag() {
    let (h, _) = setup().await;
    let r = h.get(ALICE, WORK).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        r.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let text = r.text();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
    assert_eq!(count(text, "BEGIN:VCALENDAR"), 1, "{text}");
    assert_eq!(count(text, "BEGIN:VEVENT"), 1, "{text}");
    assert_eq!(count(text, "BEGIN:VTODO"), 1, "{text}");
    assert!(text.contains("UID:uid-a\r\n"), "{text}");
    assert!(text.contains("SUMMARY:Write report\r\n"), "{text}");
    assert!(text.contains("X-WR-CALNAME:Work\r\n"), "{text}");
    assert_eq!(
        r.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );
    assert!(r.header("last-modified").is_some());
    // The ETag is the calendar's ctag.
    let ctag = h.ctag(ALICE, WORK).await;
    assert_eq!(r.etag(), format!("\"{ctag}\""));

    // The same as the REST API's export.
    let ms = h.api("GET", "/api/v1/calendars", ALICE_PW, None, &[]).await;
    let id = ms.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "work")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = h
        .api(
            "GET",
            &format!("/api/v1/calendars/{id}/export"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(api.text(), text);

    // Without the trailing slash too.
    let r = h.get(ALICE, "/dav/calendars/alice/work").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), text);
}

#[tokio::test]
async fn head_gives_the_headers_without_the_body() {
    let (h, _) = setup().await;
    let get = h.get(ALICE, WORK).await;
    let head = send(&h, "HEAD", ALICE, WORK, &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.etag(), get.etag());
    assert_eq!(head.header("content-type"), get.header("content-type"));
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );
}

#[tokio::test]
async fn conditional_gets_follow_the_calendars_changes() {
    let (h, _) = setup().await;
    let first = h.get(ALICE, WORK).await;
    let etag = first.etag();
    let r = send(&h, "GET", ALICE, WORK, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.body.is_empty());
    assert_eq!(r.etag(), etag);
    let r = send(&h, "GET", ALICE, WORK, &[("if-match", "\"other\"")]).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = send(&h, "GET", ALICE, WORK, &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK);

    // A new event moves the ETag and shows up.
    let put = h
        .put_ics(ALICE, &format!("{WORK}b.ics"), &event("uid-b", "Review"))
        .await;
    assert_eq!(put.status, StatusCode::CREATED);
    let r = send(&h, "GET", ALICE, WORK, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_ne!(r.etag(), etag);
    assert!(r.text().contains("UID:uid-b\r\n"), "{}", r.text());
    assert_eq!(count(r.text(), "BEGIN:VEVENT"), 2);

    // So does a property change (the export carries the calendar's name).
    let etag = r.etag();
    let patch = h
        .send(
            "PROPPATCH",
            WORK,
            ALICE,
            &[("content-type", "application/xml")],
            "<D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop><D:displayname>Job\
             </D:displayname></D:prop></D:set></D:propertyupdate>",
        )
        .await;
    assert_eq!(patch.status, StatusCode::MULTI_STATUS, "{}", patch.text());
    let r = send(&h, "GET", ALICE, WORK, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("X-WR-CALNAME:Job\r\n"), "{}", r.text());
}

#[tokio::test]
async fn jcal_when_asked_for() {
    let (h, _) = setup().await;
    let r = send(
        &h,
        "GET",
        ALICE,
        WORK,
        &[("accept", "application/calendar+json")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/calendar+json"));
    let jcal: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(jcal[0], "vcalendar");
    let kinds: Vec<&str> = jcal[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[0].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"vevent") && kinds.contains(&"vtodo"),
        "{kinds:?}"
    );
    assert_eq!(r.etag(), h.get(ALICE, WORK).await.etag());
}

#[tokio::test]
async fn an_empty_calendar_is_an_empty_vcalendar() {
    let h = Harness::new().await;
    let r = h.get(ALICE, ALICE_CAL).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().starts_with("BEGIN:VCALENDAR\r\n"), "{}", r.text());
    assert!(r.text().ends_with("END:VCALENDAR\r\n"), "{}", r.text());
    assert_eq!(count(r.text(), "BEGIN:V"), 1, "{}", r.text());
}

#[tokio::test]
async fn other_collections_still_have_no_get() {
    let (h, _) = setup().await;
    let r = h
        .send(
            "MKCOL",
            "/dav/calendars/alice/files/",
            ALICE,
            &[],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    for path in [ALICE_HOME, "/dav/calendars/alice/files/"] {
        for method in ["GET", "HEAD"] {
            let r = send(&h, method, ALICE, path, &[]).await;
            assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let allow = r.header("allow").unwrap();
            assert!(!allow.contains("GET"), "{path}: {allow}");
        }
    }
}

#[tokio::test]
async fn sharees_read_it_and_strangers_do_not_see_it() {
    let (h, id) = setup().await;
    // Not shared: 404 for bob, with or without body.
    for method in ["GET", "HEAD"] {
        let r = send(&h, method, BOB, WORK, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method}");
        assert!(!r.text().contains("Planning"));
    }
    let share = |access: &'static str| h.alice_shares(&id, "bob", access);
    // Free/busy only: still nothing to read.
    share("free-busy").await;
    assert_eq!(h.get(BOB, WORK).await.status, StatusCode::NOT_FOUND);
    // Read: the same file alice gets.
    share("read").await;
    let r = h.get(BOB, WORK).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.text(), h.get(ALICE, WORK).await.text());
    assert!(r.text().contains("SUMMARY:Planning\r\n"));
    // Bob's own calendar stays his: alice gets 404 there.
    assert_eq!(h.get(ALICE, BOB_CAL).await.status, StatusCode::NOT_FOUND);
    assert_eq!(h.get(BOB, BOB_CAL).await.status, StatusCode::OK);
    // Nobody signed in: 401.
    assert_eq!(h.get(None, WORK).await.status, StatusCode::UNAUTHORIZED);
}
