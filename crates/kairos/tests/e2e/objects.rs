//! Calendar objects: byte-exact storage, strong ETags, conditional requests and the
//! PUT preconditions of RFC 4791 §5.3.2.1.

use crate::common;

use bytes::Bytes;
use common::{ALICE, ALICE_CAL, Harness, Resp, event, ns, todo};
use http::StatusCode;

fn href(name: &str) -> String {
    format!("{ALICE_CAL}{name}")
}

/// GET and HEAD return exactly `bytes` with the same validators.
async fn assert_stored(h: &Harness, path: &str, bytes: &[u8], etag: &str) {
    let get = h.get(ALICE, path).await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.body.as_ref(), bytes, "GET {path} is not byte-exact");
    assert_eq!(get.etag(), etag);
    assert!(!etag.starts_with("W/"), "weak ETag {etag}");
    assert!(etag.starts_with('"') && etag.ends_with('"'));
    assert!(
        get.header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    assert_eq!(
        get.header("content-length"),
        Some(bytes.len().to_string().as_str())
    );
    let head = h.send("HEAD", path, ALICE, &[], Bytes::new()).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    for name in ["etag", "content-type", "content-length", "last-modified"] {
        assert_eq!(head.header(name), get.header(name), "{name}");
    }
}

#[tokio::test]
async fn put_get_head_round_trip_byte_exact() {
    let h = Harness::new().await;
    let crlf = event("crlf", "CRLF line ends");
    let lf = event("lf", "LF only").replace("\r\n", "\n");
    let folded = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\nBEGIN:VEVENT\r\n\
UID:folded\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\n\
SUMMARY:A very long summary that a client folded after seventy-five octets a\r\n nd continued here\r\n\
DESCRIPTION:Zürich – Köln ☃ 日本語 emoji 🎉\\, escaped\\; chars\\n\r\n\
LOCATION;LANGUAGE=de:Straße\r\n\tcontinued with a tab\r\n\
X-EMPTY:\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        .to_owned();
    let no_final_newline = event("nofinal", "no final CRLF").trim_end().to_owned();
    for (name, body) in [
        ("crlf.ics", crlf),
        ("lf.ics", lf),
        ("folded.ics", folded),
        ("nofinal.ics", no_final_newline),
    ] {
        let put = h.put_ics(ALICE, &href(name), &body).await;
        assert_eq!(put.status, StatusCode::CREATED, "{name}: {}", put.text());
        assert_stored(&h, &href(name), body.as_bytes(), &put.etag()).await;
    }
    // A name with characters that need escaping round-trips too.
    let odd = "a b%ü@.ics";
    let path = format!("{ALICE_CAL}a%20b%25%C3%BC%40.ics");
    let body = event("odd-name", "Odd name");
    let put = h.put_ics(ALICE, &path, &body).await;
    assert_eq!(put.status, StatusCode::CREATED);
    assert_stored(&h, &path, body.as_bytes(), &put.etag()).await;
    let members = h.members(ALICE, ALICE_CAL).await;
    assert!(
        members.iter().any(|m| {
            let decoded = percent_decode(m);
            decoded.ends_with(odd)
        }),
        "{members:?}"
    );
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let v = u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap();
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn conditional_requests() {
    let h = Harness::new().await;
    let path = href("c.ics");
    // If-Match on a missing resource fails.
    let r = h
        .put_with(ALICE, &path, &[("if-match", "\"nope\"")], &event("c", "0"))
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let first = h
        .put_with(ALICE, &path, &[("if-none-match", "*")], &event("c", "1"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let etag1 = first.etag();
    // Create-only on an existing resource: 412, nothing changed.
    let r = h
        .put_with(ALICE, &path, &[("if-none-match", "*")], &event("c", "2"))
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_stored(&h, &path, event("c", "1").as_bytes(), &etag1).await;
    // Stale If-Match: 412.
    for stale in ["\"0123\"", "W/\"x\"", &format!("W/{etag1}")] {
        let r = h
            .put_with(ALICE, &path, &[("if-match", stale)], &event("c", "2"))
            .await;
        assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{stale}");
    }
    // Matching If-Match: 204 with the new ETag.
    let second = h
        .put_with(ALICE, &path, &[("if-match", &etag1)], &event("c", "2"))
        .await;
    assert_eq!(second.status, StatusCode::NO_CONTENT);
    let etag2 = second.etag();
    assert_ne!(etag1, etag2);
    assert_stored(&h, &path, event("c", "2").as_bytes(), &etag2).await;
    // Same bytes, same tag.
    let again = h.put_ics(ALICE, &path, &event("c", "2")).await;
    assert_eq!(again.status, StatusCode::NO_CONTENT);
    assert_eq!(again.etag(), etag2);
    // A list with the current tag matches.
    let r = h
        .put_with(
            ALICE,
            &path,
            &[("if-match", &format!("\"zzz\", {etag2}"))],
            &event("c", "3"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let etag3 = r.etag();

    // Conditional GET.
    let r = h
        .send(
            "GET",
            &path,
            ALICE,
            &[("if-none-match", &etag3)],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.body.is_empty());
    assert_eq!(r.etag(), etag3);
    let r = h
        .send(
            "GET",
            &path,
            ALICE,
            &[("if-none-match", &etag1)],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = h
        .send("GET", &path, ALICE, &[("if-match", &etag1)], Bytes::new())
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);

    // DELETE with a stale tag: 412; with the current one: 204.
    let r = h
        .send(
            "DELETE",
            &path,
            ALICE,
            &[("if-match", &etag1)],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(h.get(ALICE, &path).await.status, StatusCode::OK);
    let r = h
        .send(
            "DELETE",
            &path,
            ALICE,
            &[("if-match", &etag3)],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(h.get(ALICE, &path).await.status, StatusCode::NOT_FOUND);
    let r = h.send("DELETE", &path, ALICE, &[], Bytes::new()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A malformed If-Match is a bad request, not a silent overwrite.
    let r = h
        .put_with(ALICE, &path, &[("if-match", "no-quotes")], &event("c", "4"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_updates_with_the_same_if_match_one_wins() {
    let h = Harness::new().await;
    let path = href("race.ics");
    let mut etag = h.put_ics(ALICE, &path, &event("race", "0")).await.etag();
    for round in 0..5 {
        let a_body = event("race", &format!("A{round}"));
        let b_body = event("race", &format!("B{round}"));
        let cond = [("if-match", etag.as_str())];
        let (a, b) = tokio::join!(
            h.put_with(ALICE, &path, &cond, &a_body),
            h.put_with(ALICE, &path, &cond, &b_body),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::NO_CONTENT, StatusCode::PRECONDITION_FAILED],
            "round {round}"
        );
        let (winner, body) = if a.status == StatusCode::NO_CONTENT {
            (a, a_body)
        } else {
            (b, b_body)
        };
        etag = winner.etag();
        assert_stored(&h, &path, body.as_bytes(), &etag).await;
    }
    // Two creations with If-None-Match: * : one wins as well.
    let path = href("create-race.ics");
    let cond = [("if-none-match", "*")];
    let (a_body, b_body) = (event("cr", "A"), event("cr", "B"));
    let (a, b) = tokio::join!(
        h.put_with(ALICE, &path, &cond, &a_body),
        h.put_with(ALICE, &path, &cond, &b_body),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::PRECONDITION_FAILED]
    );
}

fn assert_refused(r: &Resp, status: StatusCode, ns_: &str, cond: &str) {
    r.assert_condition(status, ns_, cond);
}

#[tokio::test]
async fn put_preconditions() {
    let h = Harness::with_settings(|s| s.max_resource_size = 4096).await;
    let ev = event("pre", "Precondition");
    let truncated = &ev[..ev.len() / 2];
    let two_uids = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n\
BEGIN:VEVENT\r\nUID:one\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:two\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let mixed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n\
BEGIN:VEVENT\r\nUID:same\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n\
BEGIN:VTODO\r\nUID:same\r\nDTSTAMP:20240101T000000Z\r\nEND:VTODO\r\n\
END:VCALENDAR\r\n";
    let method = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nMETHOD:REQUEST\r\n\
BEGIN:VEVENT\r\nUID:m\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let no_uid = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n\
BEGIN:VEVENT\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T100000Z\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let too_big = event("big", &"x".repeat(5000));
    let token = h.sync_token(ALICE, ALICE_CAL).await;
    let cases: Vec<(&str, String, StatusCode, &str, &str)> = vec![
        (
            "garbage",
            "hello, world".into(),
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "valid-calendar-data",
        ),
        (
            "empty",
            String::new(),
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "valid-calendar-data",
        ),
        (
            "truncated",
            truncated.into(),
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "valid-calendar-data",
        ),
        (
            "vcard",
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nEND:VCARD\r\n".into(),
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "valid-calendar-data",
        ),
        (
            "two-uids",
            two_uids.into(),
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "valid-calendar-object-resource",
        ),
        (
            "mixed",
            mixed.into(),
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "valid-calendar-object-resource",
        ),
        (
            "method",
            method.into(),
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "valid-calendar-object-resource",
        ),
        (
            "no-uid",
            no_uid.into(),
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "valid-calendar-object-resource",
        ),
        (
            "too-big",
            too_big,
            StatusCode::FORBIDDEN,
            ns::CALDAV,
            "max-resource-size",
        ),
    ];
    for (name, body, status, ns_, cond) in cases {
        let r = h.put_ics(ALICE, &href(&format!("{name}.ics")), &body).await;
        assert_refused(&r, status, ns_, cond);
    }
    // Not UTF-8 at all.
    let r = h
        .send(
            "PUT",
            &href("latin1.ics"),
            ALICE,
            &[("content-type", "text/calendar")],
            Bytes::from_static(b"BEGIN:VCALENDAR\r\nSUMMARY:\xe9t\xe9\r\nEND:VCALENDAR\r\n"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The wrong media type.
    let r = h
        .send(
            "PUT",
            &href("plain.ics"),
            ALICE,
            &[("content-type", "text/plain")],
            event("plain", "x"),
        )
        .await;
    assert_refused(
        &r,
        StatusCode::FORBIDDEN,
        ns::CALDAV,
        "supported-calendar-data",
    );
    // Nothing was stored and nothing was logged.
    assert!(h.members(ALICE, ALICE_CAL).await.is_empty());
    let r = h.sync_collection(ALICE, ALICE_CAL, &token, None).await;
    assert!(r.multistatus().responses.is_empty());
}

#[tokio::test]
async fn supported_component_and_uid_conflicts() {
    let h = Harness::new().await;
    let events_only = r#"<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>"#;
    let r = h
        .send(
            "MKCALENDAR",
            "/dav/calendars/alice/events/",
            ALICE,
            &[("content-type", "application/xml")],
            events_only,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = h
        .put_ics(
            ALICE,
            "/dav/calendars/alice/events/t.ics",
            &todo("t", "Task"),
        )
        .await;
    assert_refused(
        &r,
        StatusCode::FORBIDDEN,
        ns::CALDAV,
        "supported-calendar-component",
    );

    let first = h
        .put_ics(ALICE, &href("first.ics"), &event("dup", "1"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let r = h
        .put_ics(ALICE, &href("second.ics"), &event("dup", "2"))
        .await;
    let cond = r.assert_condition(StatusCode::CONFLICT, ns::CALDAV, "no-uid-conflict");
    assert_eq!(cond.hrefs(), vec![href("first.ics")]);
    assert_eq!(
        h.get(ALICE, &href("second.ics")).await.status,
        StatusCode::NOT_FOUND
    );
    // The same UID in another calendar is fine; so is replacing the holder itself.
    let r = h
        .put_ics(
            ALICE,
            "/dav/calendars/alice/events/dup.ics",
            &event("dup", "3"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = h
        .put_ics(ALICE, &href("first.ics"), &event("dup", "4"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // Once the holder is gone the UID is free again.
    let r = h
        .send("DELETE", &href("first.ics"), ALICE, &[], Bytes::new())
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = h
        .put_ics(ALICE, &href("second.ics"), &event("dup", "5"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
}

#[tokio::test]
async fn what_real_clients_send_is_accepted() {
    let h = Harness::new().await;
    let journal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VJOURNAL\r\n\
UID:journal-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;VALUE=DATE:20240101\r\nSUMMARY:Notes\r\n\
END:VJOURNAL\r\nEND:VCALENDAR\r\n";
    let overrides_only = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n\
BEGIN:VEVENT\r\nUID:series\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID:20240108T100000Z\r\n\
DTSTART:20240108T110000Z\r\nDURATION:PT1H\r\nSUMMARY:Moved instance\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:series\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID:20240115T100000Z\r\n\
DTSTART:20240115T120000Z\r\nDURATION:PT1H\r\nSUMMARY:Another\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let windows_tz = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:Microsoft Exchange Server 2010\r\n\
BEGIN:VEVENT\r\nUID:windows\r\nDTSTAMP:20240101T000000Z\r\n\
DTSTART;TZID=W. Europe Standard Time:20240102T100000\r\n\
DTEND;TZID=W. Europe Standard Time:20240102T110000\r\nSUMMARY:Windows zone\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";
    let missing_vtimezone = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n\
BEGIN:VEVENT\r\nUID:no-vtz\r\nDTSTAMP:20240101T000000Z\r\n\
DTSTART;TZID=Europe/Berlin:20240102T100000\r\nDTEND;TZID=Europe/Berlin:20240102T110000\r\n\
RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:No VTIMEZONE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let all_day = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\n\
UID:all-day\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;VALUE=DATE:20240301\r\n\
DTEND;VALUE=DATE:20240302\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let cases = [
        ("event.ics", event("event-1", "Event")),
        ("todo.ics", todo("todo-1", "Task")),
        ("journal.ics", journal.to_owned()),
        ("overrides.ics", overrides_only.to_owned()),
        ("windows.ics", windows_tz.to_owned()),
        ("no-vtimezone.ics", missing_vtimezone.to_owned()),
        ("all-day.ics", all_day.to_owned()),
    ];
    for (name, body) in &cases {
        let put = h.put_ics(ALICE, &href(name), body).await;
        assert_eq!(put.status, StatusCode::CREATED, "{name}: {}", put.text());
        assert_stored(&h, &href(name), body.as_bytes(), &put.etag()).await;
    }
    // Without a Content-Type the body is still taken as iCalendar.
    let r = h
        .send(
            "PUT",
            &href("untyped.ics"),
            ALICE,
            &[],
            event("untyped", "x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(h.members(ALICE, ALICE_CAL).await.len(), cases.len() + 1);
}

#[tokio::test]
async fn put_targets_that_are_not_members() {
    let h = Harness::new().await;
    // Onto a collection.
    for path in [
        ALICE_CAL,
        "/dav/calendars/alice/default",
        "/dav/calendars/alice/",
    ] {
        let r = h.put_ics(ALICE, path, &event("x", "x")).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
    // Into a calendar that does not exist.
    let r = h
        .put_ics(ALICE, "/dav/calendars/alice/nope/x.ics", &event("x", "x"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Onto the fixed resources.
    for path in ["/", "/dav/", "/dav/principals/alice/", "/dav/calendars/"] {
        let r = h.put_ics(ALICE, path, &event("x", "x")).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
    // Plain collections take any bytes, byte-exact.
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
    let data = Bytes::from_static(b"\x00\x01binary\xff");
    let r = h
        .send(
            "PUT",
            "/dav/calendars/alice/files/blob.bin",
            ALICE,
            &[("content-type", "application/octet-stream")],
            data.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = h.get(ALICE, "/dav/calendars/alice/files/blob.bin").await;
    assert_eq!(r.body, data);
    // A member cannot shadow a collection.
    let r = h
        .send(
            "MKCOL",
            "/dav/calendars/alice/files/sub/",
            ALICE,
            &[],
            Bytes::new(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = h
        .send("PUT", "/dav/calendars/alice/files/sub", ALICE, &[], data)
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
}

#[tokio::test]
async fn lengths_count_bytes_and_trailing_slashes_name_collections() {
    let h = Harness::new().await;
    let body = event("bytes", "Grüße aus Köln ☃");
    let path = href("bytes.ics");
    assert_eq!(
        h.put_ics(ALICE, &path, &body).await.status,
        StatusCode::CREATED
    );
    let ms = h
        .props(ALICE, &path, "0", &[(ns::DAV, "getcontentlength")])
        .await;
    assert_eq!(
        ms.only().prop_text(ns::DAV, "getcontentlength"),
        body.len().to_string()
    );
    assert_ne!(body.len(), body.chars().count());
    // If-Match: * on a missing resource fails.
    let r = h
        .put_with(
            ALICE,
            &href("star.ics"),
            &[("if-match", "*")],
            &event("star", "x"),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    // A URL ending in a slash names a collection: PUT there does not create a member
    // that the same URL then cannot find.
    for (path, uid) in [
        (format!("{ALICE_CAL}slash.ics/"), "slash"),
        (format!("{ALICE_CAL}bytes.ics/"), "bytes"),
    ] {
        let r = h.put_ics(ALICE, &path, &event(uid, "y")).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        let allow = r.header("allow").unwrap();
        assert!(!allow.contains("PUT"), "{allow}");
        let r = h.send("OPTIONS", &path, ALICE, &[], Bytes::new()).await;
        assert!(!r.header("allow").unwrap().contains("PUT"));
    }
    assert_eq!(
        h.members(ALICE, ALICE_CAL).await,
        vec![format!("{ALICE_CAL}bytes.ics")]
    );
    assert_eq!(h.get(ALICE, &path).await.body.as_ref(), body.as_bytes());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_racing_the_deletion_of_their_calendar() {
    let h = Harness::new().await;
    for round in 0..15 {
        let cal = format!("/dav/calendars/alice/race{round}/");
        h.mkcalendar(ALICE, &cal).await;
        let target = format!("{cal}x.ics");
        let body = event(&format!("race-{round}"), "x");
        let seeded = format!("{cal}seed.ics");
        assert_eq!(
            h.put_ics(ALICE, &seeded, &event("seed", "s")).await.status,
            StatusCode::CREATED
        );
        let moved = format!("{ALICE_CAL}moved{round}.ics");
        let move_headers = [("destination", moved.as_str())];
        let (del, put, mv, prop) = tokio::join!(
            h.send("DELETE", &cal, ALICE, &[], Bytes::new()),
            h.put_ics(ALICE, &target, &body),
            h.send("MOVE", &seeded, ALICE, &move_headers, Bytes::new()),
            h.send(
                "PROPPATCH",
                &cal,
                ALICE,
                &[],
                r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>"#,
            ),
        );
        assert_eq!(del.status, StatusCode::NO_CONTENT, "round {round}");
        for (what, r) in [("PUT", &put), ("MOVE", &mv), ("PROPPATCH", &prop)] {
            assert!(
                !r.status.is_server_error(),
                "round {round}: {what} answered {} {}",
                r.status,
                r.text()
            );
        }
        // Whatever won, the calendar is gone and nothing dangles.
        assert_eq!(h.get(ALICE, &target).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            h.propfind(ALICE, &cal, "0", "").await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_clients_get_clean_answers() {
    let h = Harness::new().await;
    for round in 0..10 {
        // The same UID under two names: one wins, the other is told who holds it.
        let (a, b) = (
            href(&format!("a{round}.ics")),
            href(&format!("b{round}.ics")),
        );
        let body = event(&format!("same-{round}"), "x");
        let (ra, rb) = tokio::join!(h.put_ics(ALICE, &a, &body), h.put_ics(ALICE, &b, &body));
        let (winner, loser) = if ra.status == StatusCode::CREATED {
            (&a, rb)
        } else {
            (&b, ra)
        };
        let cond = loser.assert_condition(StatusCode::CONFLICT, ns::CALDAV, "no-uid-conflict");
        assert_eq!(&cond.hrefs()[0], winner);

        // Two deletions of one member: 204 and 404.
        let (d1, d2) = tokio::join!(
            h.send("DELETE", winner, ALICE, &[], Bytes::new()),
            h.send("DELETE", winner, ALICE, &[], Bytes::new()),
        );
        let mut s = [d1.status, d2.status];
        s.sort();
        assert_eq!(s, [StatusCode::NO_CONTENT, StatusCode::NOT_FOUND]);

        // Two calendars of one name: 201 and 405.
        let cal = format!("/dav/calendars/alice/twice{round}/");
        let (m1, m2) = tokio::join!(
            h.send("MKCALENDAR", &cal, ALICE, &[], Bytes::new()),
            h.send("MKCALENDAR", &cal, ALICE, &[], Bytes::new()),
        );
        let mut s = [m1.status, m2.status];
        s.sort();
        assert_eq!(s, [StatusCode::CREATED, StatusCode::METHOD_NOT_ALLOWED]);

        // A plain collection deleted while a calendar is made in it and it is copied.
        let dir = format!("/dav/calendars/alice/dir{round}/");
        assert_eq!(
            h.send("MKCOL", &dir, ALICE, &[], Bytes::new()).await.status,
            StatusCode::CREATED
        );
        let copy_headers = [(
            "destination",
            format!("/dav/calendars/alice/dircopy{round}/"),
        )];
        let copy_headers: Vec<(&str, &str)> =
            copy_headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let inner = format!("{dir}cal/");
        let (del, mk, cp) = tokio::join!(
            h.send("DELETE", &dir, ALICE, &[], Bytes::new()),
            h.send("MKCALENDAR", &inner, ALICE, &[], Bytes::new()),
            h.send("COPY", &dir, ALICE, &copy_headers, Bytes::new()),
        );
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        for (what, r) in [("MKCALENDAR", mk), ("COPY", cp)] {
            assert!(
                !r.status.is_server_error(),
                "round {round}: {what} {} {}",
                r.status,
                r.text()
            );
        }
        assert_eq!(
            h.propfind(ALICE, &format!("{dir}cal/"), "0", "")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
}
