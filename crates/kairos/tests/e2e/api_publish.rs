//! REST API: calendar files in and out, and secret public links.

use crate::common;

use common::api::{ALICE_PW, As, BOB_PW};
use common::*;
use http::StatusCode;

const FILE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n\
BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n\
BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:imp-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\n\
DTEND;TZID=Europe/Berlin:20260105T100000\r\nSUMMARY:Standup\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:imp-2\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260107T120000Z\r\nSUMMARY:Lunch\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

async fn default_id(h: &Harness, who: As<'_>) -> String {
    h.api("GET", "/api/v1/calendars", who, None, &[])
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn import(h: &Harness, id: &str, who: As<'_>, body: &str) -> Resp {
    let user = match who {
        As::Basic(u, p) => Some((u, p)),
        _ => None,
    };
    h.send(
        "POST",
        &format!("/api/v1/calendars/{id}/import"),
        user,
        &[("content-type", "text/calendar")],
        body.to_owned(),
    )
    .await
}

#[tokio::test]
async fn import_then_export_round_trips_and_shows_over_caldav() {
    let h = Harness::new().await;
    let id = default_id(&h, ALICE_PW).await;
    let r = import(&h, &id, ALICE_PW, FILE).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json(), serde_json::json!({"created": 2, "replaced": 0}));
    let members = h.members(ALICE, ALICE_CAL).await;
    assert_eq!(members.len(), 2, "{members:?}");
    let one = h.get(ALICE, &format!("{ALICE_CAL}imp-1.ics")).await;
    assert!(one.text().contains("TZID:Europe/Berlin") && one.text().contains("SUMMARY:Standup"));

    // Importing again replaces by UID.
    let again = import(
        &h,
        &id,
        ALICE_PW,
        &FILE.replace("SUMMARY:Lunch", "SUMMARY:Brunch"),
    )
    .await;
    assert_eq!(
        again.json(),
        serde_json::json!({"created": 0, "replaced": 2})
    );

    let out = h
        .api(
            "GET",
            &format!("/api/v1/calendars/{id}/export"),
            ALICE_PW,
            None,
            &[],
        )
        .await;
    assert_eq!(out.status, StatusCode::OK);
    assert!(
        out.header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = out.text();
    assert_eq!(text.matches("BEGIN:VTIMEZONE").count(), 1);
    assert!(text.contains("SUMMARY:Brunch") && text.contains("SUMMARY:Standup"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
}

#[tokio::test]
async fn a_bad_import_changes_nothing() {
    let h = Harness::new().await;
    let id = default_id(&h, ALICE_PW).await;
    // The second event is invalid (DTEND before DTSTART would be accepted by some; a
    // missing DTSTAMP-free VTODO with a bad DUE is not): nothing of the file is stored.
    let bad = FILE.replace("DTSTART:20260107T120000Z", "DTSTART:2026-01-07");
    let r = import(&h, &id, ALICE_PW, &bad).await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(h.members(ALICE, ALICE_CAL).await.is_empty());
    let r = h
        .send(
            "POST",
            &format!("/api/v1/calendars/{id}/import"),
            ALICE,
            &[("content-type", "application/json")],
            "{}",
        )
        .await;
    r.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    import(&h, &id, ALICE_PW, "not a calendar")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    // Bob can neither import into nor export alice's calendar.
    import(&h, &id, BOB_PW, FILE)
        .await
        .problem(StatusCode::NOT_FOUND);
    h.api(
        "GET",
        &format!("/api/v1/calendars/{id}/export"),
        BOB_PW,
        None,
        &[],
    )
    .await
    .problem(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_public_link_serves_the_calendar_until_revoked() {
    let h = Harness::new().await;
    let id = default_id(&h, ALICE_PW).await;
    import(&h, &id, ALICE_PW, FILE).await;
    let link_path = format!("/api/v1/calendars/{id}/public-link");
    let status = h.api("GET", &link_path, ALICE_PW, None, &[]).await.json();
    assert_eq!(status["active"], false);

    h.api("POST", &link_path, BOB_PW, None, &[])
        .await
        .problem(StatusCode::NOT_FOUND);
    let made = h.api("POST", &link_path, ALICE_PW, None, &[]).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let url = made.json()["url"].as_str().unwrap().to_owned();
    let public = h.api("GET", &url, As::Anonymous, None, &[]).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.text().contains("SUMMARY:Lunch"));
    let status = h.api("GET", &link_path, ALICE_PW, None, &[]).await.json();
    assert_eq!(status["active"], true);
    assert!(status["url"].is_null(), "the secret is not shown again");

    // A new link replaces the old one; revoking ends it.
    let newer = h.api("POST", &link_path, ALICE_PW, None, &[]).await.json()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        h.api("GET", &url, As::Anonymous, None, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.api("DELETE", &link_path, ALICE_PW, None, &[])
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        h.api("GET", &newer, As::Anonymous, None, &[]).await.status,
        StatusCode::NOT_FOUND
    );
    h.api("DELETE", &link_path, ALICE_PW, None, &[])
        .await
        .problem(StatusCode::NOT_FOUND);
    assert_eq!(
        h.api("GET", "/public/kairos_guess.ics", As::Anonymous, None, &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Who did what, when.
    let p = h
        .core
        .act_as(kairos_core::users::Admin::local_operator(), "alice")
        .await
        .unwrap();
    let g = h
        .core
        .calendar(&p, kairos_store::CollectionId(id.parse().unwrap()))
        .await
        .unwrap();
    let log = h.core.share_history(&p, &g.reader()).await.unwrap();
    let actions: Vec<_> = log.iter().map(|e| (e.actor.as_str(), e.action)).collect();
    use kairos_store::ShareAction::*;
    assert_eq!(
        actions,
        [
            ("alice", LinkCreated),
            ("alice", LinkCreated),
            ("alice", LinkRevoked)
        ]
    );
}
