//! COPY and MOVE (RFC 4918 §9.8, §9.9) of calendar objects and calendars, with the
//! CalDAV preconditions of the destination.

use crate::common;

use bytes::Bytes;
use common::{ALICE, ALICE_CAL, Harness, Resp, event, ns, todo};
use http::StatusCode;

const WORK: &str = "/dav/calendars/alice/work/";

async fn transfer(h: &Harness, method: &str, from: &str, to: &str, extra: &[(&str, &str)]) -> Resp {
    let mut headers = vec![("destination", to)];
    headers.extend_from_slice(extra);
    h.send(method, from, ALICE, &headers, Bytes::new()).await
}

async fn put(h: &Harness, path: &str, body: &str) -> String {
    let r = h.put_ics(ALICE, path, body).await;
    assert!(r.status.is_success(), "PUT {path}: {}", r.text());
    r.etag()
}

async fn set_dead(h: &Harness, path: &str, value: &str) {
    let body = format!(
        r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:note xmlns:Z="urn:z">{value}</Z:note></D:prop></D:set></D:propertyupdate>"#
    );
    let r = h
        .send(
            "PROPPATCH",
            path,
            ALICE,
            &[("content-type", "application/xml")],
            body,
        )
        .await;
    assert_eq!(
        r.multistatus().only().prop_status("urn:z", "note"),
        Some(200)
    );
}

async fn dead(h: &Harness, path: &str) -> Option<String> {
    let ms = h.props(ALICE, path, "0", &[("urn:z", "note")]).await;
    match ms.only().prop("urn:z", "note") {
        Some((200, n)) => Some(n.text.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn move_within_a_calendar_renames_and_keeps_everything() {
    let h = Harness::new().await;
    let body = event("m-uid", "Move me");
    let etag = put(&h, &format!("{ALICE_CAL}a.ics"), &body).await;
    set_dead(&h, &format!("{ALICE_CAL}a.ics"), "kept").await;
    let token = h.sync_token(ALICE, ALICE_CAL).await;

    let r = transfer(
        &h,
        "MOVE",
        &format!("{ALICE_CAL}a.ics"),
        &format!("{ALICE_CAL}b.ics"),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}a.ics")).await.status,
        StatusCode::NOT_FOUND
    );
    let got = h.get(ALICE, &format!("{ALICE_CAL}b.ics")).await;
    assert_eq!(got.body.as_ref(), body.as_bytes());
    assert_eq!(got.etag(), etag);
    assert_eq!(
        dead(&h, &format!("{ALICE_CAL}b.ics")).await.as_deref(),
        Some("kept")
    );
    // The UID moved with it: a new resource with that UID is still a conflict.
    let r = h.put_ics(ALICE, &format!("{ALICE_CAL}c.ics"), &body).await;
    let cond = r.assert_condition(StatusCode::CONFLICT, ns::CALDAV, "no-uid-conflict");
    assert_eq!(cond.hrefs(), vec![format!("{ALICE_CAL}b.ics")]);
    // Sync shows the old name deleted and the new one present.
    let ms = h
        .sync_collection(ALICE, ALICE_CAL, &token, None)
        .await
        .multistatus();
    assert_eq!(ms.response(&format!("{ALICE_CAL}a.ics")).status, Some(404));
    assert_eq!(
        ms.response(&format!("{ALICE_CAL}b.ics"))
            .prop_text(ns::DAV, "getetag"),
        etag
    );
}

#[tokio::test]
async fn copy_within_a_calendar_is_a_uid_conflict() {
    let h = Harness::new().await;
    put(&h, &format!("{ALICE_CAL}a.ics"), &event("c-uid", "Copy me")).await;
    let r = transfer(
        &h,
        "COPY",
        &format!("{ALICE_CAL}a.ics"),
        &format!("{ALICE_CAL}b.ics"),
        &[],
    )
    .await;
    let cond = r.assert_condition(StatusCode::CONFLICT, ns::CALDAV, "no-uid-conflict");
    assert_eq!(cond.hrefs(), vec![format!("{ALICE_CAL}a.ics")]);
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}b.ics")).await.status,
        StatusCode::NOT_FOUND
    );
    // Onto itself: refused.
    for method in ["COPY", "MOVE"] {
        let r = transfer(
            &h,
            method,
            &format!("{ALICE_CAL}a.ics"),
            &format!("{ALICE_CAL}a.ics"),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method}");
    }
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}a.ics")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn copy_and_move_across_calendars() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    let src = format!("{ALICE_CAL}a.ics");
    let body = event("x-uid", "Across");
    let etag = put(&h, &src, &body).await;
    set_dead(&h, &src, "note-a").await;
    let (home_token, work_token) = (
        h.sync_token(ALICE, ALICE_CAL).await,
        h.sync_token(ALICE, WORK).await,
    );

    // COPY: both exist, dead properties copied.
    let dst = format!("{WORK}a.ics");
    let r = transfer(&h, "COPY", &src, &dst, &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(h.get(ALICE, &dst).await.body.as_ref(), body.as_bytes());
    assert_eq!(h.get(ALICE, &src).await.status, StatusCode::OK);
    assert_eq!(dead(&h, &dst).await.as_deref(), Some("note-a"));

    // Overwrite: F refuses an existing destination; T (the default) replaces it.
    let changed = event("x-uid", "Changed");
    put(&h, &src, &changed).await;
    let r = transfer(&h, "COPY", &src, &dst, &[("overwrite", "F")]).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(h.get(ALICE, &dst).await.body.as_ref(), body.as_bytes());
    let r = transfer(&h, "COPY", &src, &dst, &[("overwrite", "T")]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(h.get(ALICE, &dst).await.body.as_ref(), changed.as_bytes());

    // MOVE to a new name in the other calendar: the source goes, properties stay.
    let r = h.send("DELETE", &dst, ALICE, &[], Bytes::new()).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let moved = format!("{WORK}moved.ics");
    let r = transfer(&h, "MOVE", &src, &moved, &[]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(h.get(ALICE, &src).await.status, StatusCode::NOT_FOUND);
    let got = h.get(ALICE, &moved).await;
    assert_eq!(got.body.as_ref(), changed.as_bytes());
    assert_ne!(got.etag(), etag);
    assert_eq!(dead(&h, &moved).await.as_deref(), Some("note-a"));

    // Both calendars report it.
    let ms = h
        .sync_collection(ALICE, ALICE_CAL, &home_token, None)
        .await
        .multistatus();
    assert_eq!(ms.hrefs(), vec![src.clone()]);
    assert_eq!(ms.response(&src).status, Some(404));
    let ms = h
        .sync_collection(ALICE, WORK, &work_token, None)
        .await
        .multistatus();
    assert_eq!(
        ms.response(&moved).prop_text(ns::DAV, "getetag"),
        got.etag()
    );
    assert_eq!(ms.response(&dst).status, Some(404));

    // MOVE onto an existing resource: F refuses, T replaces with 204.
    put(&h, &src, &event("y-uid", "Second")).await;
    put(&h, &format!("{WORK}target.ics"), &event("z-uid", "Target")).await;
    let r = transfer(
        &h,
        "MOVE",
        &src,
        &format!("{WORK}target.ics"),
        &[("overwrite", "F")],
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(h.get(ALICE, &src).await.status, StatusCode::OK);
    let r = transfer(&h, "MOVE", &src, &format!("{WORK}target.ics"), &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(h.get(ALICE, &src).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        h.get(ALICE, &format!("{WORK}target.ics"))
            .await
            .body
            .as_ref(),
        event("y-uid", "Second").as_bytes()
    );
    // The replaced resource's UID is free again.
    put(&h, &format!("{WORK}z.ics"), &event("z-uid", "Back")).await;
}

#[tokio::test]
async fn destination_rules() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    let src = format!("{ALICE_CAL}a.ics");
    put(&h, &src, &event("d-uid", "Rules")).await;
    // The destination calendar already holds the UID under another name.
    put(&h, &format!("{WORK}holder.ics"), &event("d-uid", "Holder")).await;
    for method in ["COPY", "MOVE"] {
        let r = transfer(&h, method, &src, &format!("{WORK}other.ics"), &[]).await;
        let cond = r.assert_condition(StatusCode::CONFLICT, ns::CALDAV, "no-uid-conflict");
        assert_eq!(cond.hrefs(), vec![format!("{WORK}holder.ics")], "{method}");
        assert_eq!(h.get(ALICE, &src).await.status, StatusCode::OK);
        assert_eq!(
            h.get(ALICE, &format!("{WORK}other.ics")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    // Missing destination parent: 409.
    for method in ["COPY", "MOVE"] {
        let r = transfer(&h, method, &src, "/dav/calendars/alice/nope/a.ics", &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{method}");
    }
    // A VTODO cannot go to an events-only calendar.
    let events_only = r#"<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"#;
    let r = h
        .send(
            "MKCALENDAR",
            "/dav/calendars/alice/events/",
            ALICE,
            &[],
            events_only,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    put(&h, &format!("{ALICE_CAL}t.ics"), &todo("t-uid", "Task")).await;
    for method in ["COPY", "MOVE"] {
        let r = transfer(
            &h,
            method,
            &format!("{ALICE_CAL}t.ics"),
            "/dav/calendars/alice/events/t.ics",
            &[],
        )
        .await;
        r.assert_condition(
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "supported-calendar-component",
        );
    }
    assert_eq!(
        h.get(ALICE, &format!("{ALICE_CAL}t.ics")).await.status,
        StatusCode::OK
    );
    // Header problems.
    let r = h.send("COPY", &src, ALICE, &[], Bytes::new()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = transfer(
        &h,
        "COPY",
        &src,
        &format!("{WORK}x.ics"),
        &[("overwrite", "maybe")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = transfer(
        &h,
        "COPY",
        &src,
        "http://elsewhere.example/dav/calendars/alice/work/x.ics",
        &[("host", "localhost")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_GATEWAY);
    // An absolute Destination on this host works.
    let r = transfer(
        &h,
        "COPY",
        &format!("{ALICE_CAL}t.ics"),
        "http://localhost/dav/calendars/alice/work/t.ics",
        &[("host", "localhost")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    // Missing source.
    let r = transfer(
        &h,
        "MOVE",
        &format!("{ALICE_CAL}nope.ics"),
        &format!("{WORK}n.ics"),
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn copy_and_move_whole_calendars() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    for i in 0..3 {
        put(&h, &format!("{WORK}{i}.ics"), &event(&format!("w{i}"), "w")).await;
    }
    set_dead(&h, WORK, "calendar note").await;
    let r = transfer(&h, "COPY", WORK, "/dav/calendars/alice/copy/", &[]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(
        h.members(ALICE, "/dav/calendars/alice/copy/").await.len(),
        3
    );
    assert_eq!(h.members(ALICE, WORK).await.len(), 3);
    assert_eq!(
        dead(&h, "/dav/calendars/alice/copy/").await.as_deref(),
        Some("calendar note")
    );
    let r = transfer(
        &h,
        "MOVE",
        WORK,
        "/dav/calendars/alice/copy/",
        &[("overwrite", "F")],
    )
    .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = transfer(&h, "MOVE", WORK, "/dav/calendars/alice/moved/", &[]).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(
        h.propfind(ALICE, WORK, "0", "").await.status,
        StatusCode::NOT_FOUND
    );
    let members = h.members(ALICE, "/dav/calendars/alice/moved/").await;
    assert_eq!(members.len(), 3);
    assert_eq!(
        h.get(ALICE, "/dav/calendars/alice/moved/1.ics")
            .await
            .body
            .as_ref(),
        event("w1", "w").as_bytes()
    );
    // A calendar cannot go inside a calendar.
    let r = transfer(
        &h,
        "MOVE",
        "/dav/calendars/alice/moved/",
        &format!("{ALICE_CAL}inner/"),
        &[],
    )
    .await;
    r.assert_condition(
        StatusCode::FORBIDDEN,
        ns::CALDAV,
        "calendar-collection-location-ok",
    );
    // Nor into itself.
    let r = transfer(
        &h,
        "COPY",
        "/dav/calendars/alice/moved/",
        "/dav/calendars/alice/moved/again/",
        &[],
    )
    .await;
    assert!(r.status.is_client_error(), "{}", r.status);
}

#[tokio::test]
async fn a_destination_that_contains_the_source_is_refused() {
    let h = Harness::new().await;
    for path in [
        "/dav/calendars/alice/files/",
        "/dav/calendars/alice/files/sub/",
    ] {
        let r = h.send("MKCOL", path, ALICE, &[], Bytes::new()).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    h.mkcalendar(ALICE, "/dav/calendars/alice/files/cal/").await;
    put(
        &h,
        "/dav/calendars/alice/files/cal/e.ics",
        &event("nested", "Nested"),
    )
    .await;
    let r = h
        .send(
            "PUT",
            "/dav/calendars/alice/files/sub/x.bin",
            ALICE,
            &[("content-type", "application/octet-stream")],
            "payload",
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let listing = async |h: &Harness| {
        let mut all = Vec::new();
        for c in [
            "/dav/calendars/alice/",
            "/dav/calendars/alice/files/",
            "/dav/calendars/alice/files/sub/",
            "/dav/calendars/alice/files/cal/",
        ] {
            all.push(h.members(ALICE, c).await);
        }
        all
    };
    let before = listing(&h).await;
    // Moving or copying something onto one of its own ancestors would delete the
    // source together with the destination.
    let cases = [
        (
            "/dav/calendars/alice/files/cal/",
            "/dav/calendars/alice/files/",
        ),
        (
            "/dav/calendars/alice/files/sub/",
            "/dav/calendars/alice/files/",
        ),
        (
            "/dav/calendars/alice/files/cal/e.ics",
            "/dav/calendars/alice/files/",
        ),
        (
            "/dav/calendars/alice/files/sub/x.bin",
            "/dav/calendars/alice/files/",
        ),
        (
            "/dav/calendars/alice/files/sub/x.bin",
            "/dav/calendars/alice/files/sub/",
        ),
    ];
    for method in ["MOVE", "COPY"] {
        for (from, to) in cases {
            let r = transfer(&h, method, from, to, &[("overwrite", "T")]).await;
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::CONFLICT),
                "{method} {from} -> {to}: {} {}",
                r.status,
                r.text()
            );
            assert_eq!(
                listing(&h).await,
                before,
                "{method} {from} -> {to} changed the tree"
            );
        }
    }
    assert_eq!(
        h.get(ALICE, "/dav/calendars/alice/files/cal/e.ics")
            .await
            .body
            .as_ref(),
        event("nested", "Nested").as_bytes()
    );
}

#[tokio::test]
async fn if_match_applies_to_the_source_of_copy_and_move() {
    let h = Harness::new().await;
    h.mkcalendar(ALICE, WORK).await;
    let src = format!("{ALICE_CAL}a.ics");
    let etag = put(&h, &src, &event("im", "If-Match")).await;
    for method in ["COPY", "MOVE"] {
        let r = transfer(
            &h,
            method,
            &src,
            &format!("{WORK}a.ics"),
            &[("if-match", "\"stale\"")],
        )
        .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{method}");
        assert_eq!(h.get(ALICE, &src).await.status, StatusCode::OK);
        assert_eq!(
            h.get(ALICE, &format!("{WORK}a.ics")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    let r = transfer(
        &h,
        "MOVE",
        &src,
        &format!("{WORK}a.ics"),
        &[("if-match", &etag)],
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
}
