//! calendar-multiget (RFC 4791 §7.9) and sync-collection (RFC 6578 §3.8–3.10).

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use common::{ALICE, ALICE_CAL, BOB, BOB_CAL, Harness, event, ns};
use http::StatusCode;

const WORK: &str = "/dav/calendars/alice/work/";

fn href(name: &str) -> String {
    format!("{ALICE_CAL}{name}")
}

async fn put(h: &Harness, path: &str, body: &str) -> String {
    let r = h.put_ics(ALICE, path, body).await;
    assert!(r.status.is_success(), "PUT {path}: {}", r.text());
    r.etag()
}

async fn delete(h: &Harness, path: &str) {
    let r = h.send("DELETE", path, ALICE, &[], Bytes::new()).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "DELETE {path}");
}

#[tokio::test]
async fn multiget_in_the_shape_of_the_rfc_example() {
    let h = Harness::new().await;
    let abcd1 = event("abcd1-uid", "Event #1");
    let etag1 = put(&h, &href("abcd1.ics"), &abcd1).await;
    let hrefs = [href("abcd1.ics"), href("mtg1.ics")];
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8" ?>
<C:calendar-multiget xmlns:D="DAV:"
                 xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop>
    <D:getetag/>
    <C:calendar-data/>
  </D:prop>
  <D:href>{}</D:href>
  <D:href>{}</D:href>
</C:calendar-multiget>"#,
        hrefs[0], hrefs[1]
    );
    let ms = h.report(ALICE, ALICE_CAL, "1", &body).await.multistatus();
    assert_eq!(ms.hrefs(), hrefs);
    let found = ms.response(&hrefs[0]);
    assert_eq!(found.propstats.len(), 1);
    assert_eq!(found.prop_text(ns::DAV, "getetag"), etag1);
    assert_eq!(found.prop_text(ns::CALDAV, "calendar-data"), abcd1);
    let missing = ms.response(&hrefs[1]);
    assert_eq!(missing.status, Some(404));
    assert!(missing.propstats.is_empty());
}

#[tokio::test]
async fn multiget_href_forms() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    let a = event("a", "A");
    let odd = event("odd", "Odd");
    put(&h, &href("a.ics"), &a).await;
    put(&h, &format!("{ALICE_CAL}sp%20ace%C3%A9.ics"), &odd).await;
    put(&h, &format!("{WORK}w.ics"), &event("w", "W")).await;
    let hrefs = [
        "http://localhost/dav/calendars/alice/default/a.ics".to_owned(),
        format!("{ALICE_CAL}sp%20ace%C3%A9.ics"),
        format!("{WORK}w.ics"),
        ALICE_CAL.to_owned(),
        "/elsewhere/a.ics".to_owned(),
        format!("{ALICE_CAL}a.ics/"),
    ];
    let refs: Vec<&str> = hrefs.iter().map(String::as_str).collect();
    let ms = h
        .report(ALICE, ALICE_CAL, "1", &common::multiget_body(&refs))
        .await
        .multistatus();
    assert_eq!(ms.hrefs(), hrefs);
    assert_eq!(
        ms.response(&hrefs[0])
            .prop_text(ns::CALDAV, "calendar-data"),
        a
    );
    assert_eq!(
        ms.response(&hrefs[1])
            .prop_text(ns::CALDAV, "calendar-data"),
        odd
    );
    for missing in &hrefs[2..] {
        assert_eq!(ms.response(missing).status, Some(404), "{missing}");
    }
    // Asking for the etag only leaves the data out.
    let body = format!(
        r#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><D:href>{}</D:href></C:calendar-multiget>"#,
        href("a.ics")
    );
    let ms = h.report(ALICE, ALICE_CAL, "1", &body).await.multistatus();
    let r = ms.only();
    r.prop_ok(ns::DAV, "getetag");
    assert!(r.prop(ns::CALDAV, "calendar-data").is_none());
}

/// Everything a sync answer says: present members with their etags, deleted members.
#[derive(Debug, Default)]
struct Delta {
    present: BTreeMap<String, String>,
    deleted: BTreeSet<String>,
    truncated: bool,
    token: String,
}

async fn sync(h: &Harness, path: &str, token: &str, limit: Option<u32>) -> Delta {
    let r = h.sync_collection(ALICE, path, token, limit).await;
    let ms = r.multistatus();
    let mut d = Delta {
        token: ms.sync_token.clone().expect("a sync-token"),
        ..Delta::default()
    };
    for resp in &ms.responses {
        match resp.status {
            Some(404) => {
                assert!(d.deleted.insert(resp.href.clone()), "twice: {}", resp.href);
            }
            Some(507) => {
                assert_eq!(resp.href, path, "507 is for the collection");
                assert!(!d.truncated);
                d.truncated = true;
            }
            None => {
                let etag = resp.prop_text(ns::DAV, "getetag");
                assert!(d.present.insert(resp.href.clone(), etag).is_none());
            }
            Some(other) => panic!("unexpected status {other} for {}", resp.href),
        }
    }
    d
}

#[tokio::test]
async fn initial_and_incremental_sync_as_in_rfc_6578() {
    let h = Harness::new().await;
    let mut etags = BTreeMap::new();
    for name in ["test.ics", "vcard.ics", "test2.ics"] {
        let e = put(&h, &href(name), &event(name, name)).await;
        etags.insert(href(name), e);
    }
    // §3.8 initial: every member, and a token.
    let initial = sync(&h, ALICE_CAL, "", None).await;
    assert_eq!(initial.present, etags);
    assert!(initial.deleted.is_empty() && !initial.truncated);
    assert_eq!(initial.token, h.sync_token(ALICE, ALICE_CAL).await);
    // Nothing changed: nothing listed, same token.
    let same = sync(&h, ALICE_CAL, &initial.token, None).await;
    assert!(same.present.is_empty() && same.deleted.is_empty());
    assert_eq!(same.token, initial.token);

    // §3.9 incremental: one new, one changed, one deleted.
    let new_etag = put(&h, &href("test3.ics"), &event("test3", "new")).await;
    let changed_etag = put(&h, &href("test.ics"), &event("test.ics", "changed")).await;
    delete(&h, &href("vcard.ics")).await;
    let delta = sync(&h, ALICE_CAL, &initial.token, None).await;
    assert_eq!(
        delta.present,
        BTreeMap::from([
            (href("test3.ics"), new_etag),
            (href("test.ics"), changed_etag),
        ])
    );
    assert_eq!(delta.deleted, BTreeSet::from([href("vcard.ics")]));
    assert_ne!(delta.token, initial.token);
    // The old token still works and gives the same answer.
    let again = sync(&h, ALICE_CAL, &initial.token, None).await;
    assert_eq!(again.present, delta.present);
    assert_eq!(again.deleted, delta.deleted);
    // A member created and deleted between two syncs shows as deleted (or not at all).
    put(&h, &href("short.ics"), &event("short", "x")).await;
    delete(&h, &href("short.ics")).await;
    let d = sync(&h, ALICE_CAL, &delta.token, None).await;
    assert!(d.present.is_empty());
    assert!(d.deleted.iter().all(|x| *x == href("short.ics")));
    // The initial sync never lists deleted members.
    let full = sync(&h, ALICE_CAL, "", None).await;
    assert!(full.deleted.is_empty());
    assert_eq!(
        full.present.keys().cloned().collect::<Vec<_>>(),
        vec![href("test.ics"), href("test2.ics"), href("test3.ics")]
    );
}

#[tokio::test]
async fn sync_with_calendar_data() {
    let h = Harness::new().await;
    let body = event("with-data", "Data");
    put(&h, &href("d.ics"), &body).await;
    let r = h
        .report(
            ALICE,
            ALICE_CAL,
            "0",
            &common::sync_body(
                "",
                None,
                &[(ns::DAV, "getetag"), (ns::CALDAV, "calendar-data")],
            ),
        )
        .await;
    let ms = r.multistatus();
    assert_eq!(ms.only().prop_text(ns::CALDAV, "calendar-data"), body);
    // Depth 1 is accepted (the Python caldav library sends it); infinity is not.
    let r = h
        .report(
            ALICE,
            ALICE_CAL,
            "1",
            &common::sync_body("", None, &[(ns::DAV, "getetag")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    let r = h
        .report(
            ALICE,
            ALICE_CAL,
            "infinity",
            &common::sync_body("", None, &[(ns::DAV, "getetag")]),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_tokens_are_refused_never_silently_resynced() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    put(&h, &href("a.ics"), &event("a", "a")).await;
    let current = h.sync_token(ALICE, ALICE_CAL).await;
    let work_token = h.sync_token(ALICE, WORK).await;
    let bob_token = h.sync_token(BOB, BOB_CAL).await;
    // The token's sequence is its last part; one far in the future.
    let (prefix, seq) = current.rsplit_once(':').expect("urn with a sequence");
    let future = format!("{prefix}:{}", seq.parse::<i64>().unwrap() + 1000);
    let unknown = format!("urn:kairos:sync:{}:1", uuid::Uuid::now_v7().simple());
    let bad = [
        "garbage".to_owned(),
        "http://example.com/ns/sync/1234".to_owned(),
        "urn:kairos:sync:".to_owned(),
        format!("{prefix}:-1"),
        format!("{prefix}:x"),
        future,
        unknown,
        work_token,
        bob_token,
    ];
    for token in &bad {
        let r = h.sync_collection(ALICE, ALICE_CAL, token, None).await;
        r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "valid-sync-token");
    }
    // And bob cannot use alice's token on his calendar.
    let r = h.sync_collection(BOB, BOB_CAL, &current, None).await;
    r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "valid-sync-token");
}

#[tokio::test]
async fn limit_pages_through_every_member_exactly_once() {
    let h = Harness::new().await;
    let mut all = BTreeMap::new();
    for i in 0..25 {
        let path = href(&format!("{i:02}.ics"));
        let e = put(&h, &path, &event(&format!("uid-{i}"), "paged")).await;
        all.insert(path, e);
    }
    // From the initial state, 10 at a time.
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut token = String::new();
    let mut pages = Vec::new();
    loop {
        let page = sync(&h, ALICE_CAL, &token, Some(10)).await;
        assert!(page.deleted.is_empty());
        assert!(page.present.len() <= 10);
        for (k, v) in &page.present {
            assert!(
                seen.insert(k.clone(), v.clone()).is_none(),
                "{k} seen twice"
            );
        }
        pages.push(page.present.len());
        token = page.token.clone();
        if !page.truncated {
            break;
        }
        assert!(pages.len() < 10, "never ends: {pages:?}");
    }
    assert_eq!(pages, vec![10, 10, 5]);
    assert_eq!(seen, all);
    assert_eq!(token, h.sync_token(ALICE, ALICE_CAL).await);
    // Nothing more.
    let rest = sync(&h, ALICE_CAL, &token, Some(10)).await;
    assert!(rest.present.is_empty() && rest.deleted.is_empty() && !rest.truncated);
}

#[tokio::test]
async fn paging_continues_exactly_where_it_stopped_while_things_change() {
    let h = Harness::new().await;
    for i in 0..25 {
        put(
            &h,
            &href(&format!("{i:02}.ics")),
            &event(&format!("uid-{i}"), "v1"),
        )
        .await;
    }
    let start = sync(&h, ALICE_CAL, "", None).await.token;
    // 12 changes after `start`: 10 modified, 2 deleted.
    let mut expected_present = BTreeMap::new();
    for i in 0..10 {
        let path = href(&format!("{i:02}.ics"));
        let e = put(&h, &path, &event(&format!("uid-{i}"), "v2")).await;
        expected_present.insert(path, e);
    }
    delete(&h, &href("20.ics")).await;
    delete(&h, &href("21.ics")).await;
    let first = sync(&h, ALICE_CAL, &start, Some(5)).await;
    assert!(first.truncated);
    assert_eq!(first.present.len() + first.deleted.len(), 5);
    // Meanwhile: one already-reported member changes again, one new member arrives.
    let (again, _) = first.present.iter().next().unwrap();
    let again = again.clone();
    let e = put(&h, &again, &event(&again_uid(&again), "v3")).await;
    expected_present.insert(again.clone(), e);
    let e = put(&h, &href("new.ics"), &event("uid-new", "new")).await;
    expected_present.insert(href("new.ics"), e);

    let mut present: BTreeMap<String, String> = first.present.clone();
    let mut deleted = first.deleted.clone();
    let mut token = first.token.clone();
    let mut rounds = 0;
    loop {
        let page = sync(&h, ALICE_CAL, &token, Some(5)).await;
        present.extend(page.present);
        deleted.extend(page.deleted);
        token = page.token;
        rounds += 1;
        if !page.truncated {
            break;
        }
        assert!(rounds < 10);
    }
    // The last state of every changed member was delivered; deletions too.
    assert_eq!(present, expected_present);
    assert_eq!(deleted, BTreeSet::from([href("20.ics"), href("21.ics")]));
    assert_eq!(token, h.sync_token(ALICE, ALICE_CAL).await);
}

fn again_uid(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap();
    let n: u32 = name.trim_end_matches(".ics").parse().unwrap();
    format!("uid-{n}")
}

#[tokio::test]
async fn tokens_survive_unrelated_changes() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    put(&h, &href("a.ics"), &event("a", "a")).await;
    let token = sync(&h, ALICE_CAL, "", None).await.token;
    // Changes elsewhere: another calendar, another user, properties of this calendar.
    put(&h, &format!("{WORK}w.ics"), &event("w", "w")).await;
    let r = h
        .put_ics(BOB, &format!("{BOB_CAL}b.ics"), &event("b", "b"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = h
        .send(
            "PROPPATCH",
            ALICE_CAL,
            ALICE,
            &[("content-type", "application/xml")],
            r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::MULTI_STATUS);
    let d = sync(&h, ALICE_CAL, &token, None).await;
    assert!(d.present.is_empty() && d.deleted.is_empty(), "{d:?}");
    // And the next member change is reported against it.
    let e = put(&h, &href("b.ics"), &event("b", "b")).await;
    let d = sync(&h, ALICE_CAL, &token, None).await;
    assert_eq!(d.present, BTreeMap::from([(href("b.ics"), e)]));
}

#[tokio::test]
async fn sync_is_offered_on_calendars_only() {
    let h = Harness::new().await;
    let r = h.sync_collection(ALICE, common::ALICE_HOME, "", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    put(&h, &href("a.ics"), &event("a", "a")).await;
    let r = h.sync_collection(ALICE, &href("a.ics"), "", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // An unknown report is refused with supported-report.
    let r = h
        .report(ALICE, ALICE_CAL, "0", r#"<X:odd-report xmlns:X="urn:x"/>"#)
        .await;
    r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "supported-report");
}

#[tokio::test]
async fn sync_level_infinity_on_a_calendar() {
    let h = Harness::new().await;
    put(&h, &href("a.ics"), &event("a", "a")).await;
    let body = r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>infinite</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#;
    let r = h.report(ALICE, ALICE_CAL, "0", body).await;
    // A calendar has no child collections: infinite means the same as 1 (or is refused).
    if r.status == StatusCode::MULTI_STATUS {
        assert_eq!(r.multistatus().hrefs(), vec![href("a.ics")]);
    } else {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    }
}

#[tokio::test]
async fn tokens_older_than_the_pruned_history_are_refused() {
    let h = Harness::new().await;
    put(&h, &href("a.ics"), &event("a", "a")).await;
    put(&h, &href("b.ics"), &event("b", "b")).await;
    let before_delete = sync(&h, ALICE_CAL, "", None).await.token;
    delete(&h, &href("a.ics")).await;
    let after_delete = h.sync_token(ALICE, ALICE_CAL).await;
    let e = put(&h, &href("c.ics"), &event("c", "c")).await;
    // Let the clock pass the deletion, then forget every deletion up to now.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let dropped = h
        .core
        .prune_sync_history(std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(dropped, 1);
    // A token from before the forgotten deletion would miss it: refused.
    let r = h
        .sync_collection(ALICE, ALICE_CAL, &before_delete, None)
        .await;
    r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "valid-sync-token");
    // Later tokens are unaffected.
    let d = sync(&h, ALICE_CAL, &after_delete, None).await;
    assert_eq!(d.present, BTreeMap::from([(href("c.ics"), e)]));
    assert!(d.deleted.is_empty());
    // An initial sync still works.
    let full = sync(&h, ALICE_CAL, "", None).await;
    assert_eq!(full.present.len(), 2);
}

#[tokio::test]
async fn calendar_query_by_component_type() {
    let h = Harness::new().await;
    let ev = event("q-event", "Event");
    let td = common::todo("q-todo", "Task");
    put(&h, &href("e.ics"), &ev).await;
    put(&h, &href("t.ics"), &td).await;
    let query = |inner: &str| {
        format!(
            r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR">{inner}</C:comp-filter></C:filter></C:calendar-query>"#
        )
    };
    let cases = [
        (r#"<C:comp-filter name="VEVENT"/>"#, vec![href("e.ics")]),
        (r#"<C:comp-filter name="VTODO"/>"#, vec![href("t.ics")]),
        (r#"<C:comp-filter name="VJOURNAL"/>"#, vec![]),
        ("", vec![href("e.ics"), href("t.ics")]),
    ];
    for (inner, expected) in cases {
        let ms = h
            .report(ALICE, ALICE_CAL, "1", &query(inner))
            .await
            .multistatus();
        let mut hrefs = ms.hrefs();
        hrefs.sort();
        assert_eq!(hrefs, expected, "{inner}");
        for r in &ms.responses {
            let data = r.prop_text(ns::CALDAV, "calendar-data");
            assert!(data == ev || data == td);
        }
    }
    // Filters that need the recurrence engine are refused rather than answered wrongly.
    let r = h
        .report(
            ALICE,
            ALICE_CAL,
            "1",
            &query(r#"<C:comp-filter name="VEVENT"><C:time-range start="20240101T000000Z" end="20240201T000000Z"/></C:comp-filter>"#),
        )
        .await;
    if r.status != StatusCode::MULTI_STATUS {
        r.assert_condition(StatusCode::FORBIDDEN, ns::CALDAV, "supported-filter");
    }
    // Bob's query on alice's calendar is not found.
    let r = h.report(BOB, ALICE_CAL, "1", &query("")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_while_another_client_writes_converges() {
    let h = Harness::new().await;
    let writer = async {
        for i in 0..60u32 {
            let name = href(&format!("n{}.ics", i % 10));
            if i % 7 == 3 {
                let _ = h.send("DELETE", &name, ALICE, &[], Bytes::new()).await;
            } else {
                let r = h
                    .put_ics(
                        ALICE,
                        &name,
                        &event(&format!("n{}", i % 10), &format!("v{i}")),
                    )
                    .await;
                assert!(r.status.is_success(), "{}", r.status);
            }
            tokio::task::yield_now().await;
        }
    };
    let syncer = async {
        let mut state: BTreeMap<String, String> = BTreeMap::new();
        let mut token = String::new();
        for _ in 0..40 {
            let page = sync(&h, ALICE_CAL, &token, Some(3)).await;
            for d in &page.deleted {
                state.remove(d);
            }
            state.extend(page.present);
            token = page.token;
            tokio::task::yield_now().await;
        }
        (state, token)
    };
    let ((), (mut state, mut token)) = tokio::join!(writer, syncer);
    // Catch up after the writer stopped: the result is exactly the calendar.
    loop {
        let page = sync(&h, ALICE_CAL, &token, Some(3)).await;
        for d in &page.deleted {
            state.remove(d);
        }
        state.extend(page.present);
        token = page.token;
        if !page.truncated {
            break;
        }
    }
    let listing = h
        .props(ALICE, ALICE_CAL, "1", &[(ns::DAV, "getetag")])
        .await;
    let actual: BTreeMap<String, String> = listing
        .responses
        .iter()
        .filter(|r| r.href != ALICE_CAL)
        .map(|r| (r.href.clone(), r.prop_text(ns::DAV, "getetag")))
        .collect();
    assert_eq!(state, actual);
}
