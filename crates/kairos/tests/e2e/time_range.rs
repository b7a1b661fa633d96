//! Time-range queries through the instance index: the index follows every write (PUT,
//! replace, DELETE, MOVE), reaches past its horizon by evaluation, and applies overrides,
//! EXDATEs and floating times exactly.

use crate::common;

use common::{ALICE, Harness, ns};
use http::StatusCode;

const CAL: &str = "/dav/calendars/alice/default/";
const OTHER: &str = "/dav/calendars/alice/other/";

fn ics(body: &str) -> String {
    let mut out = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\n");
    for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

fn event(uid: &str, props: &str) -> String {
    ics(&format!(
        "BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20240101T000000Z\n{props}\nEND:VEVENT"
    ))
}

fn query_body(component: &str, start: &str, end: &str, extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="{component}">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>{extra}
</C:calendar-query>"#
    )
}

/// Names of the members of `cal` with a `component` instance in `[start, end)`.
async fn found(h: &Harness, cal: &str, component: &str, start: &str, end: &str) -> Vec<String> {
    found_with(h, cal, &query_body(component, start, end, "")).await
}

async fn found_with(h: &Harness, cal: &str, body: &str) -> Vec<String> {
    let r = h.report(ALICE, cal, "1", body).await;
    r.multistatus()
        .hrefs()
        .into_iter()
        .map(|href| href.trim_start_matches(cal).to_owned())
        .collect()
}

async fn put(h: &Harness, path: &str, body: &str) {
    let r = h.put_ics(ALICE, path, body).await;
    assert!(
        r.status.is_success(),
        "PUT {path}: {} {}",
        r.status,
        r.text()
    );
}

#[tokio::test]
async fn the_index_follows_every_write() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, OTHER).await;
    let path = format!("{CAL}a.ics");
    put(
        &h,
        &path,
        &event("a", "DTSTART:20240102T100000Z\nDURATION:PT1H"),
    )
    .await;
    let jan = ("20240101T000000Z", "20240108T000000Z");
    let mar = ("20240301T000000Z", "20240308T000000Z");
    assert_eq!(found(&h, CAL, "VEVENT", jan.0, jan.1).await, ["a.ics"]);
    assert!(found(&h, CAL, "VTODO", jan.0, jan.1).await.is_empty());
    // The range is half-open and the event ends at 11:00.
    assert!(
        found(&h, CAL, "VEVENT", "20240102T110000Z", "20240102T120000Z")
            .await
            .is_empty()
    );
    assert_eq!(
        found(&h, CAL, "VEVENT", "20240102T105959Z", "20240102T110000Z").await,
        ["a.ics"]
    );

    put(
        &h,
        &path,
        &event("a", "DTSTART:20240302T100000Z\nDURATION:PT1H"),
    )
    .await;
    assert!(found(&h, CAL, "VEVENT", jan.0, jan.1).await.is_empty());
    assert_eq!(found(&h, CAL, "VEVENT", mar.0, mar.1).await, ["a.ics"]);

    let r = h
        .send(
            "MOVE",
            &path,
            ALICE,
            &[("destination", &format!("{OTHER}b.ics"))],
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert!(found(&h, CAL, "VEVENT", mar.0, mar.1).await.is_empty());
    assert_eq!(found(&h, OTHER, "VEVENT", mar.0, mar.1).await, ["b.ics"]);

    let r = h
        .send(
            "COPY",
            &format!("{OTHER}b.ics"),
            ALICE,
            &[("destination", &format!("{CAL}c.ics"))],
            "",
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(found(&h, CAL, "VEVENT", mar.0, mar.1).await, ["c.ics"]);

    let r = h
        .send("DELETE", &format!("{OTHER}b.ics"), ALICE, &[], "")
        .await;
    assert!(r.status.is_success());
    assert!(found(&h, OTHER, "VEVENT", mar.0, mar.1).await.is_empty());
}

#[tokio::test]
async fn open_ended_rules_are_found_past_the_horizon() {
    let h = Harness::new().await;
    put(
        &h,
        &format!("{CAL}daily.ics"),
        &event(
            "daily",
            "DTSTART:20240102T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY",
        ),
    )
    .await;
    put(
        &h,
        &format!("{CAL}counted.ics"),
        &event(
            "counted",
            "DTSTART:20240102T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=3",
        ),
    )
    .await;
    assert_eq!(
        found(&h, CAL, "VEVENT", "20240109T000000Z", "20240110T000000Z").await,
        ["counted.ics", "daily.ics"]
    );
    // After the third and last weekly instance (16 January): only the daily rule.
    assert_eq!(
        found(&h, CAL, "VEVENT", "20240117T000000Z", "20240118T000000Z").await,
        ["daily.ics"]
    );
    // Far beyond any index horizon: only the open-ended rule.
    assert_eq!(
        found(&h, CAL, "VEVENT", "20600101T000000Z", "20600102T000000Z").await,
        ["daily.ics"]
    );
    // Before the first instance: nothing.
    assert!(
        found(&h, CAL, "VEVENT", "20231201T000000Z", "20240102T000000Z")
            .await
            .is_empty()
    );
    // Between instances of the daily rule (11:00 to 10:00 next day): nothing.
    assert!(
        found(&h, CAL, "VEVENT", "20300101T110000Z", "20300102T100000Z")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn overrides_and_exdates_are_applied() {
    let h = Harness::new().await;
    let body = ics("BEGIN:VEVENT\nUID:weekly\nDTSTAMP:20240101T000000Z\n\
         DTSTART:20240101T090000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=10\n\
         EXDATE:20240115T090000Z\nEND:VEVENT\n\
         BEGIN:VEVENT\nUID:weekly\nDTSTAMP:20240101T000000Z\n\
         RECURRENCE-ID:20240108T090000Z\nDTSTART:20240110T140000Z\nDURATION:PT1H\nEND:VEVENT");
    put(&h, &format!("{CAL}weekly.ics"), &body).await;
    // The moved instance left its original slot and is found at its new one.
    assert!(
        found(&h, CAL, "VEVENT", "20240108T000000Z", "20240109T000000Z")
            .await
            .is_empty()
    );
    assert_eq!(
        found(&h, CAL, "VEVENT", "20240110T000000Z", "20240111T000000Z").await,
        ["weekly.ics"]
    );
    // The excluded instance is gone.
    assert!(
        found(&h, CAL, "VEVENT", "20240115T000000Z", "20240116T000000Z")
            .await
            .is_empty()
    );
    assert_eq!(
        found(&h, CAL, "VEVENT", "20240122T000000Z", "20240123T000000Z").await,
        ["weekly.ics"]
    );
}

#[tokio::test]
async fn floating_times_are_read_in_the_query_time_zone() {
    let h = Harness::new().await;
    put(
        &h,
        &format!("{CAL}floating.ics"),
        &event("floating", "DTSTART:20240102T233000\nDURATION:PT30M"),
    )
    .await;
    // No zone given: UTC (RFC 4791 §9.9).
    assert_eq!(
        found(&h, CAL, "VEVENT", "20240102T230000Z", "20240103T000000Z").await,
        ["floating.ics"]
    );
    let in_new_york = |start: &str, end: &str| {
        query_body(
            "VEVENT",
            start,
            end,
            "\n  <C:timezone-id>America/New_York</C:timezone-id>",
        )
    };
    // 23:30 in New York is 04:30 UTC the next day.
    assert!(
        found_with(
            &h,
            CAL,
            &in_new_york("20240102T230000Z", "20240103T000000Z")
        )
        .await
        .is_empty()
    );
    assert_eq!(
        found_with(
            &h,
            CAL,
            &in_new_york("20240103T040000Z", "20240103T050000Z")
        )
        .await,
        ["floating.ics"]
    );
}

#[tokio::test]
async fn todos_by_due_date() {
    let h = Harness::new().await;
    let todo = ics("BEGIN:VTODO\nUID:t\nDTSTAMP:20240101T000000Z\nDUE:20240105T170000Z\nEND:VTODO");
    put(&h, &format!("{CAL}t.ics"), &todo).await;
    let undated = ics("BEGIN:VTODO\nUID:u\nDTSTAMP:20240101T000000Z\nEND:VTODO");
    put(&h, &format!("{CAL}u.ics"), &undated).await;
    // A to-do with no dates overlaps every range (RFC 4791 §9.9).
    assert_eq!(
        found(&h, CAL, "VTODO", "20240105T000000Z", "20240106T000000Z").await,
        ["t.ics", "u.ics"]
    );
    assert_eq!(
        found(&h, CAL, "VTODO", "20240106T000000Z", "20240107T000000Z").await,
        ["u.ics"]
    );
}

#[tokio::test]
async fn an_unbounded_rule_cannot_make_expansion_unbounded() {
    let h = Harness::new().await;
    put(
        &h,
        &format!("{CAL}storm.ics"),
        &event(
            "storm",
            "DTSTART:20240101T000000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY",
        ),
    )
    .await;
    let body = r#"<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data><C:expand start="20240101T000000Z" end="20250101T000000Z"/></C:calendar-data></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="20240101T000000Z" end="20250101T000000Z"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"#;
    let r = h.report(ALICE, CAL, "1", body).await;
    // A clear refusal naming the limit: never part of the instances passed off as all of
    // them, never a server error or a hang.
    r.assert_condition(StatusCode::FORBIDDEN, ns::CALDAV, "max-instances");
    // The same object expanded over an hour is answered: 3,600 instances, under the cap.
    let hour = body.replace("20250101T000000Z", "20240101T010000Z");
    let r = h.report(ALICE, CAL, "1", &hour).await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    assert_eq!(r.text().matches("BEGIN:VEVENT").count(), 3600);
}

/// Objects stored before the index existed (migration 0002 marks them due, with no
/// instances) are still answered by evaluation, and the re-indexing task indexes them
/// once: afterwards nothing is due.
#[tokio::test]
async fn unindexed_objects_are_answered_and_then_reindexed() {
    use kairos_store::{FAR_PAST, Store, TimeIndex};

    let h = Harness::new().await;
    put(
        &h,
        &format!("{CAL}old.ics"),
        &event(
            "old",
            "DTSTART:20240102T100000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY",
        ),
    )
    .await;
    // The state migration 0002 leaves an object stored before it in.
    let now = jiff::Timestamp::now().as_millisecond();
    let due = h.store.stale_indexes(now, 10).await.unwrap();
    assert!(due.is_empty(), "a fresh write is indexed ahead");
    let collection = h
        .store
        .collection_by_path(
            h.store.user_by_name("alice").await.unwrap().unwrap().id,
            "default",
        )
        .await
        .unwrap()
        .unwrap();
    let meta = h
        .store
        .object_meta(collection.id, "old.ics")
        .await
        .unwrap()
        .unwrap();
    let mut tx = h.store.begin().await.unwrap();
    tx.set_time_index(
        meta.id,
        &TimeIndex {
            first: None,
            last: None,
            indexed_until: Some(FAR_PAST),
            horizon: 0,
            instances: Vec::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let week = ("20240108T000000Z", "20240115T000000Z");
    assert_eq!(found(&h, CAL, "VEVENT", week.0, week.1).await, ["old.ics"]);
    assert!(
        found(&h, CAL, "VEVENT", "20240102T110000Z", "20240109T100000Z")
            .await
            .is_empty()
    );

    assert_eq!(h.core.refresh_time_index(100).await.unwrap(), 1);
    assert_eq!(h.core.refresh_time_index(100).await.unwrap(), 0);
    assert_eq!(found(&h, CAL, "VEVENT", week.0, week.1).await, ["old.ics"]);
    assert!(
        found(&h, CAL, "VEVENT", "20240102T110000Z", "20240109T100000Z")
            .await
            .is_empty()
    );
}
