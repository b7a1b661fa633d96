//! REST API: free/busy over several calendars.

use crate::common;

use common::api::{ALICE_PW, BOB_PW};
use common::*;
use http::StatusCode;
use serde_json::json;

fn ev(uid: &str, start: &str, end: &str, extra: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

#[tokio::test]
async fn busy_time_is_merged_across_calendars_and_hides_events() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, &format!("{ALICE_HOME}work/")).await;
    h.put_ics(
        ALICE,
        &format!("{ALICE_CAL}a.ics"),
        &ev(
            "a",
            "20261201T090000Z",
            "20261201T100000Z",
            "SUMMARY:Secret\r\n",
        ),
    )
    .await;
    h.put_ics(
        ALICE,
        &format!("{ALICE_HOME}work/b.ics"),
        &ev("b", "20261201T093000Z", "20261201T110000Z", ""),
    )
    .await;
    h.put_ics(
        ALICE,
        &format!("{ALICE_HOME}work/c.ics"),
        &ev(
            "c",
            "20261201T120000Z",
            "20261201T130000Z",
            "TRANSP:TRANSPARENT\r\n",
        ),
    )
    .await;
    h.put_ics(
        ALICE,
        &format!("{ALICE_CAL}d.ics"),
        &ev(
            "d",
            "20261201T140000Z",
            "20261201T150000Z",
            "STATUS:TENTATIVE\r\n",
        ),
    )
    .await;

    let body = json!({"start": "2026-12-01T00:00:00Z", "end": "2026-12-02T00:00:00Z"});
    let r = h
        .api("POST", "/api/v1/freebusy", ALICE_PW, Some(body), &[])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(
        v["busy"],
        json!([
            {"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T11:00:00Z", "type": "BUSY"},
            {"start": "2026-12-01T14:00:00Z", "end": "2026-12-01T15:00:00Z", "type": "BUSY-TENTATIVE"}
        ])
    );
    assert_eq!(v["calendars"].as_array().unwrap().len(), 2);
    assert!(!r.text().contains("Secret"));

    // Someone else's calendar is not there to ask about; windows are bounded.
    let alice_default = h
        .api("GET", "/api/v1/calendars", ALICE_PW, None, &[])
        .await
        .json()["items"][0]["id"]
        .clone();
    let r = h
        .api("POST", "/api/v1/freebusy", BOB_PW, Some(json!({"start": "2026-12-01T00:00:00Z", "end": "2026-12-02T00:00:00Z", "calendar_ids": [alice_default]})), &[])
        .await;
    r.problem(StatusCode::NOT_FOUND);
    for (start, end, field) in [
        ("2026-12-01T00:00:00Z", "2028-12-02T00:00:00Z", "/end"),
        ("2026-12-02T00:00:00Z", "2026-12-01T00:00:00Z", "/end"),
        ("yesterday", "2026-12-01T00:00:00Z", "/start"),
    ] {
        let r = h
            .api(
                "POST",
                "/api/v1/freebusy",
                ALICE_PW,
                Some(json!({"start": start, "end": end})),
                &[],
            )
            .await;
        let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p["errors"][0]["pointer"], field);
    }
}
