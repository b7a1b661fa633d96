//! Report answers are kept for the next asker while their calendar is unchanged: the
//! same request gets the same bytes, any change to the calendar is seen at once, other
//! askers are checked (and refused) as always, and answers that depend on more than the
//! calendar are never kept.

use crate::common;

use std::time::Duration;

use bytes::Bytes;
use common::{ALICE, ALICE_CAL, BOB, Harness, event, ns, sync_body};
use http::StatusCode;
use kairos_core::AnswerCacheStats;

/// A calendar-query for every VEVENT of 2024, with data and `extra` properties.
fn query(extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:X="urn:x-test">
  <D:prop><D:getetag/><C:calendar-data/>{extra}</D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="20240101T000000Z" end="20250101T000000Z"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"#
    )
}

/// Alice's calendar with enough events that a query answer is worth keeping.
async fn filled() -> Harness {
    let h = Harness::new().await;
    for i in 0..60 {
        let r = h
            .put_ics(
                ALICE,
                &format!("{ALICE_CAL}ev-{i}.ics"),
                &event(&format!("ev-{i}"), &format!("Event {i}")),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    h
}

fn stats(h: &Harness) -> AnswerCacheStats {
    h.core.answer_cache_stats()
}

#[tokio::test]
async fn a_repeated_query_is_answered_from_the_cache_until_the_calendar_changes() {
    let h = filled().await;
    let first = h.report(ALICE, ALICE_CAL, "1", &query("")).await;
    assert_eq!(first.status, StatusCode::MULTI_STATUS);
    assert!(first.body.len() > 8 * 1024, "{} bytes", first.body.len());
    assert_eq!(stats(&h).hits, 0);
    let again = h.report(ALICE, ALICE_CAL, "1", &query("")).await;
    assert_eq!(again.body, first.body);
    assert_eq!(
        again.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    assert_eq!(stats(&h).hits, 1, "the second answer was kept bytes");
    assert!(stats(&h).bytes >= first.body.len());

    // Any change to the calendar: the next answer is built again and shows it.
    let r = h
        .put_ics(
            ALICE,
            &format!("{ALICE_CAL}ev-7.ics"),
            &event("ev-7", "Moved"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let after = h.report(ALICE, ALICE_CAL, "1", &query("")).await;
    assert!(after.text().contains("SUMMARY:Moved"));
    assert!(!after.text().contains("SUMMARY:Event 7"));
    assert_eq!(stats(&h).hits, 1);

    // A PROPPATCH of the calendar (its time zone decides floating times) is a change too.
    let r = h
        .send(
            "PROPPATCH",
            ALICE_CAL,
            ALICE,
            &[],
            r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Work</D:displayname></D:prop></D:set></D:propertyupdate>"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    h.report(ALICE, ALICE_CAL, "1", &query("")).await;
    assert_eq!(stats(&h).hits, 1);
    h.report(ALICE, ALICE_CAL, "1", &query("")).await;
    assert_eq!(stats(&h).hits, 2);
}

#[tokio::test]
async fn initial_and_delta_syncs_see_every_change_made_after_a_kept_answer() {
    let h = filled().await;
    let body = sync_body("", None, &[(ns::DAV, "getetag")]);
    let first = h.report(ALICE, ALICE_CAL, "0", &body).await;
    let token = first.multistatus().sync_token.expect("token");
    assert_eq!(
        h.report(ALICE, ALICE_CAL, "0", &body).await.body,
        first.body
    );
    assert_eq!(stats(&h).hits, 1);

    let r = h
        .send(
            "DELETE",
            &format!("{ALICE_CAL}ev-3.ics"),
            ALICE,
            &[],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let full = h.report(ALICE, ALICE_CAL, "0", &body).await.multistatus();
    assert_eq!(full.responses.len(), 59);
    assert_ne!(full.sync_token.as_deref(), Some(token.as_str()));
    let delta = h.sync_collection(ALICE, ALICE_CAL, &token, None).await;
    assert!(delta.text().contains("ev-3.ics"), "{}", delta.text());
}

#[tokio::test]
async fn another_user_is_refused_though_the_owners_answer_is_kept() {
    let h = filled().await;
    for _ in 0..2 {
        let r = h.report(ALICE, ALICE_CAL, "1", &query("")).await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS);
    }
    assert_eq!(stats(&h).hits, 1);
    let r = h.report(BOB, ALICE_CAL, "1", &query("")).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(!r.text().contains("ev-1"));
    let r = h.report(None, ALICE_CAL, "1", &query("")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(stats(&h).hits, 1);
}

#[tokio::test]
async fn answers_with_members_dead_properties_are_never_kept() {
    let h = filled().await;
    let set = |value: &str| {
        format!(
            r#"<D:propertyupdate xmlns:D="DAV:" xmlns:X="urn:x-test"><D:set><D:prop><X:tag>{value}</X:tag></D:prop></D:set></D:propertyupdate>"#
        )
    };
    let member = format!("{ALICE_CAL}ev-5.ics");
    let r = h.send("PROPPATCH", &member, ALICE, &[], set("first")).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    let asked = query("<X:tag/>");
    assert!(
        h.report(ALICE, ALICE_CAL, "1", &asked)
            .await
            .text()
            .contains("first")
    );
    // A member's PROPPATCH does not move the calendar's sequence.
    let r = h
        .send("PROPPATCH", &member, ALICE, &[], set("second"))
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    let after = h.report(ALICE, ALICE_CAL, "1", &asked).await;
    assert!(after.text().contains("second"), "{}", after.text());
    assert_eq!(stats(&h), AnswerCacheStats::default());
}

#[tokio::test]
async fn a_pruned_token_is_refused_though_its_answer_was_kept() {
    let h = filled().await;
    let old = h.sync_token(ALICE, ALICE_CAL).await;
    for i in 0..60 {
        let path = format!("{ALICE_CAL}ev-{i}.ics");
        let r = if i < 10 {
            h.send("DELETE", &path, ALICE, &[], Bytes::new()).await
        } else {
            h.put_ics(ALICE, &path, &event(&format!("ev-{i}"), "Changed"))
                .await
        };
        assert_eq!(r.status, StatusCode::NO_CONTENT);
    }
    let body = sync_body(&old, None, &[(ns::DAV, "getetag")]);
    for _ in 0..2 {
        let r = h.report(ALICE, ALICE_CAL, "0", &body).await;
        assert_eq!(r.status, StatusCode::MULTI_STATUS);
    }
    assert_eq!(stats(&h).hits, 1, "60 changes are worth keeping");
    std::thread::sleep(Duration::from_millis(5));
    let dropped = h.core.prune_sync_history(Duration::ZERO).await.unwrap();
    assert_eq!(dropped, 10);
    let r = h.report(ALICE, ALICE_CAL, "0", &body).await;
    r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "valid-sync-token");
}

#[tokio::test]
async fn a_zero_budget_keeps_nothing() {
    let h = Harness::with_settings(|s| s.answer_cache_mb = 0).await;
    for i in 0..60 {
        h.put_ics(
            ALICE,
            &format!("{ALICE_CAL}ev-{i}.ics"),
            &event(&format!("ev-{i}"), "E"),
        )
        .await;
    }
    for _ in 0..2 {
        h.report(ALICE, ALICE_CAL, "1", &query("")).await;
    }
    let s = stats(&h);
    assert_eq!((s.hits, s.bytes), (0, 0));
}

#[tokio::test]
async fn free_busy_shows_an_event_added_after_an_answer_was_kept() {
    let h = filled().await;
    let body = r#"<?xml version="1.0" encoding="utf-8"?>
<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">
  <C:time-range start="20240101T000000Z" end="20240201T000000Z"/>
</C:free-busy-query>"#;
    let first = h.report(ALICE, ALICE_CAL, "1", body).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(!first.text().contains("20240110T"), "{}", first.text());
    let again = h.report(ALICE, ALICE_CAL, "1", body).await;
    assert_eq!(again.header("content-type"), first.header("content-type"));
    let added = event("late", "Late").replace("20240102T100000Z", "20240110T090000Z");
    let r = h
        .put_ics(ALICE, &format!("{ALICE_CAL}late.ics"), &added)
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let after = h.report(ALICE, ALICE_CAL, "1", body).await;
    assert!(
        after.text().contains("20240110T090000Z/"),
        "{}",
        after.text()
    );
}
