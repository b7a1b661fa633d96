//! REST API: text search through the search index — word prefixes over title,
//! description and location, kept in step with every write, and rebuilt for objects
//! stored before the index existed.

use crate::common;

use common::api::{ALICE_PW, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::json;

fn ics(uid: &str, summary: &str, location: &str, description: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART:20261201T100000Z\r\nSUMMARY:{summary}\r\nLOCATION:{location}\r\n\
DESCRIPTION:{description}\r\nX-SECRET:needle\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn search(h: &Harness, id: &str, q: &str) -> Vec<String> {
    let r = h
        .api(
            "GET",
            &format!("/api/v1/calendars/{id}/events?q={q}"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.text());
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn words_prefixes_fields_and_every_write_path() {
    let h = Harness::new().await;
    let id = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (uid, s, l, d) in [
        (
            "a",
            "Lunch with Bob",
            "Café Müller",
            "Bring the internationalization notes",
        ),
        ("b", "Dentist", "Room 7", "Checkup"),
        ("c", "Team lunch", "Canteen", "Everyone"),
    ] {
        h.put_ics(ALICE, &format!("{ALICE_CAL}{uid}.ics"), &ics(uid, s, l, d))
            .await;
    }
    assert_eq!(search(&h, &id, "lunch").await, ["a.ics", "c.ics"]);
    assert_eq!(search(&h, &id, "LUN").await, ["a.ics", "c.ics"]);
    assert_eq!(search(&h, &id, "lunch%20bob").await, ["a.ics"]);
    assert_eq!(search(&h, &id, "caf%C3%A9").await, ["a.ics"]);
    assert_eq!(search(&h, &id, "m%C3%BCl").await, ["a.ics"]);
    assert_eq!(search(&h, &id, "internationalization").await, ["a.ics"]);
    assert!(search(&h, &id, "internationalizing").await.is_empty());
    assert!(
        search(&h, &id, "unch").await.is_empty(),
        "words match from their start"
    );
    assert!(
        search(&h, &id, "needle").await.is_empty(),
        "X- properties are not searched"
    );

    // Edits, deletes and moves keep the index in step.
    h.api(
        "PATCH",
        &format!("/api/v1/calendars/{id}/events/b.ics"),
        ALICE_PW,
        Some(json!({"summary": "Orthodontist"})),
        &[],
    )
    .await;
    assert_eq!(search(&h, &id, "ortho").await, ["b.ics"]);
    assert!(search(&h, &id, "dentist").await.is_empty());
    h.send(
        "DELETE",
        &format!("{ALICE_CAL}c.ics"),
        ALICE,
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(search(&h, &id, "lunch").await, ["a.ics"]);
    h.mkcalendar(ALICE, &format!("{ALICE_HOME}work/")).await;
    let dest = format!("http://localhost{ALICE_HOME}work/a.ics");
    let mv = h
        .send(
            "MOVE",
            &format!("{ALICE_CAL}a.ics"),
            ALICE,
            &[("destination", &dest)],
            Vec::new(),
        )
        .await;
    assert_eq!(mv.status, StatusCode::CREATED, "{}", mv.text());
    assert!(search(&h, &id, "lunch").await.is_empty());
    let work = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "work")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(search(&h, &work, "lunch").await, ["a.ics"]);

    // Refusals: nothing searchable, too many words, someone else's calendar.
    let nine: Vec<String> = (1..=9).map(|i| format!("w{i}")).collect();
    for q in ["a", "%20", &nine.join("%20")] {
        h.api(
            "GET",
            &format!("/api/v1/calendars/{id}/events?q={q}"),
            ALICE_PW,
            None,
            &[],
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    h.api(
        "GET",
        &format!("/api/v1/calendars/{id}/events?q=ortho"),
        BOB_PW,
        None,
        &[],
    )
    .await
    .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn objects_stored_before_the_index_are_indexed_by_maintenance() {
    let h = Harness::new().await;
    let id = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    h.put_ics(
        ALICE,
        &format!("{ALICE_CAL}old.ics"),
        &ics("old", "Board meeting", "HQ", "Q4"),
    )
    .await;
    // What migration 6 finds on an older database: no terms, index marked due.
    use sqlx::Connection as _;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(h.database_url())
        .await
        .unwrap();
    for sql in [
        "DELETE FROM search_words",
        "UPDATE object_extents SET horizon = 0",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    assert!(search(&h, &id, "board").await.is_empty());
    assert_eq!(h.core.refresh_time_index(100).await.unwrap(), 1);
    assert_eq!(search(&h, &id, "board").await, ["old.ics"]);
}
