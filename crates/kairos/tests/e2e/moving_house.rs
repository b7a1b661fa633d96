//! Moving house: `kairos export` and `kairos import` carry a whole deployment (users,
//! collections, properties, objects) from SQLite to the engine `DATABASE_URL` selects
//! (PostgreSQL when it names one) and back to SQLite, with nothing lost; damaged files
//! and clashing users are refused without a trace.

use crate::common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use bytes::Bytes;
use common::{ALICE, BOB, Harness, event, ns, todo};
use http::StatusCode;
use kairos_core::CoreError;
use kairos_core::moving::{MoveCounts, Quiet};
use kairos_core::users::Admin;
use kairos_store::{
    CollectionKind, CollectionProps, ComponentKind, DeadProperty, PropOwner, Store,
};
use kairos_store_sql::sqlite_url_for_dir;
use kairos_test_support::TestDatabase;

const CAROL: Option<(&str, &str)> = Some(("carol", "carol-password"));
const WORK: &str = "/dav/calendars/alice/work/";
const BIN: &str = env!("CARGO_BIN_EXE_kairos");

fn sqlite_url(dir: &Path) -> String {
    sqlite_url_for_dir(dir).expect("sqlite url")
}

/// An empty deployment on SQLite.
async fn sqlite_place() -> Harness {
    Harness::on(TestDatabase::sqlite(sqlite_url), |_| {}).await
}

/// An empty deployment on the engine `DATABASE_URL` selects.
async fn any_place() -> Harness {
    Harness::on(TestDatabase::new(sqlite_url).await, |_| {}).await
}

async fn export(h: &Harness) -> Vec<u8> {
    let mut out = Vec::new();
    h.core
        .export_deployment(Admin::local_operator(), &mut out, &Quiet)
        .await
        .expect("export");
    out
}

async fn import(h: &Harness, file: &[u8]) -> Result<MoveCounts, CoreError> {
    let mut input = file;
    h.core
        .import_deployment(Admin::local_operator(), &mut input, &Quiet)
        .await
}

/// The file with its header's `exported_at` left out: the one part of two exports of the
/// same data that legitimately differs.
fn comparable(file: &[u8]) -> String {
    let text = std::str::from_utf8(file).expect("an export is UTF-8");
    let (header, rest) = text.split_once('\n').expect("a header line");
    let mut header: serde_json::Value = serde_json::from_str(header).expect("JSON header");
    let fields = header.as_object_mut().expect("header object");
    assert_eq!(fields["format"], "kairos-export");
    assert_eq!(fields["version"], 1);
    assert!(fields.remove("exported_at").is_some());
    format!("{header}\n{rest}")
}

async fn send_ok(
    h: &Harness,
    method: &str,
    path: &str,
    user: Option<(&str, &str)>,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) {
    let r = h.send(method, path, user, headers, body).await;
    assert!(
        r.status.is_success(),
        "{method} {path}: {} {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    if r.status == StatusCode::MULTI_STATUS {
        for resp in r.multistatus().responses {
            for ps in resp.propstats {
                assert_eq!(ps.status, 200, "{method} {path}: {:?}", ps.props);
            }
        }
    }
}

async fn put(h: &Harness, user: Option<(&str, &str)>, path: &str, ct: &str, body: &[u8]) {
    let body = Bytes::copy_from_slice(body);
    send_ok(h, "PUT", path, user, &[("content-type", ct)], body).await;
}

async fn proppatch(h: &Harness, user: Option<(&str, &str)>, path: &str, props: &str) {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:propertyupdate xmlns:D=\"DAV:\">\
         <D:set><D:prop>{props}</D:prop></D:set></D:propertyupdate>"
    );
    let xml = [("content-type", "application/xml; charset=utf-8")];
    send_ok(h, "PROPPATCH", path, user, &xml, body).await;
}

async fn mkcalendar(h: &Harness, user: Option<(&str, &str)>, path: &str, props: &str) {
    if props.is_empty() {
        return send_ok(h, "MKCALENDAR", path, user, &[], Bytes::new()).await;
    }
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<C:mkcalendar xmlns:D=\"DAV:\" \
         xmlns:C=\"urn:ietf:params:xml:ns:caldav\" xmlns:A=\"http://apple.com/ns/ical/\">\
         <D:set><D:prop>{props}</D:prop></D:set></C:mkcalendar>"
    );
    let xml = [("content-type", "application/xml; charset=utf-8")];
    send_ok(h, "MKCALENDAR", path, user, &xml, body).await;
}

const TIMEZONE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\n\
BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n\
TZNAME:CET\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n\
TZNAME:CEST\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";

/// Folded lines (space and tab continuations), non-ASCII text, escapes, CRLF.
const FOLDED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//Moving//EN\r\n\
BEGIN:VEVENT\r\nUID:folded-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240110T090000Z\r\n\
DTEND:20240110T100000Z\r\nSUMMARY:Réunion – 会議 🎉\r\n\
DESCRIPTION:A long description folded over several physical lines becaus\r\n \
e RFC 5545 says lines longer than 75 octets SHOULD be folded\\; this one\r\n\
\t continues with a tab. Zürich\\, Straße\\nnext line\r\n\
LOCATION:Café \"Zum Löwen\"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// A weekly rule without end, an EXDATE and a moved instance.
const RECURRING: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\n\
BEGIN:VEVENT\r\nUID:weekly-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240101T090000Z\r\n\
DURATION:PT1H\r\nRRULE:FREQ=WEEKLY\r\nEXDATE:20240108T090000Z\r\nSUMMARY:Weekly\r\n\
END:VEVENT\r\nBEGIN:VEVENT\r\nUID:weekly-1\r\nDTSTAMP:20240101T000000Z\r\n\
RECURRENCE-ID:20240115T090000Z\r\nDTSTART:20240115T110000Z\r\nDURATION:PT1H\r\n\
SUMMARY:Weekly (moved)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// Only RECURRENCE-ID overrides, no master.
const OVERRIDES_ONLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\n\
BEGIN:VEVENT\r\nUID:orphan-1\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID:20240201T090000Z\r\n\
DTSTART:20240201T100000Z\r\nDURATION:PT30M\r\nSUMMARY:Moved occurrence\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:orphan-1\r\nDTSTAMP:20240101T000000Z\r\nRECURRENCE-ID:20240208T090000Z\r\n\
DTSTART:20240208T090000Z\r\nDURATION:PT30M\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

/// A byte-order mark and bare LF line ends.
const BOM_LF: &str = "\u{feff}BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Kairos tests//EN\n\
BEGIN:VEVENT\nUID:lf-1\nDTSTAMP:20240101T000000Z\nDTSTART;VALUE=DATE:20240301\n\
SUMMARY:All day\\, LF only\nEND:VEVENT\nEND:VCALENDAR\n";

const JOURNAL: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\n\
BEGIN:VJOURNAL\r\nUID:j-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;VALUE=DATE:20240105\r\n\
SUMMARY:Diary\r\nDESCRIPTION:Dear diary\\nline two\r\nEND:VJOURNAL\r\nEND:VCALENDAR\r\n";

/// A fold that splits "é" (C3 A9) between two physical lines: valid calendar data whose
/// stored bytes are not UTF-8, so the export carries them in base64.
fn split_fold() -> Vec<u8> {
    let mut b = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\nBEGIN:VEVENT\r\n\
UID:split-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240120T090000Z\r\nSUMMARY:caf"
        .to_vec();
    b.extend_from_slice(b"\xC3\r\n \xA9 au lait\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    assert!(std::str::from_utf8(&b).is_err());
    b
}

/// A deployment with everything a move has to carry: three users (carol never signed
/// in, so she has no home), calendars with every descriptive property, plain collections
/// nested with a calendar inside, odd bytes, dead properties on collections and members.
async fn fill(h: &Harness) {
    for (name, password) in [ALICE, BOB, CAROL].into_iter().flatten() {
        h.core
            .add_user(Admin::local_operator(), name, password)
            .await
            .expect("add user");
    }
    let ics = "text/calendar; charset=utf-8";
    // Alice's home: a display name and a dead property.
    proppatch(
        h,
        ALICE,
        "/dav/calendars/alice/",
        "<D:displayname>Alice's home</D:displayname>\
         <E:flag xmlns:E=\"urn:example:e\">home &amp; hearth</E:flag>",
    )
    .await;
    let tz = format!("<C:calendar-timezone><![CDATA[{TIMEZONE}]]></C:calendar-timezone>");
    mkcalendar(
        h,
        ALICE,
        WORK,
        &format!(
            "<D:displayname>Work — Ärbeit 仕事</D:displayname>\
             <C:calendar-description>Line one\nLine two &lt;b&gt; &amp; more</C:calendar-description>\
             <A:calendar-color>#FF8800</A:calendar-color><A:calendar-order>3</A:calendar-order>\
             <C:supported-calendar-component-set><C:comp name=\"VEVENT\"/></C:supported-calendar-component-set>\
             {tz}\
             <X:sync-group xmlns:X=\"urn:example:x\" X:level=\"2\"><X:member>one</X:member>\
             <X:member>two</X:member></X:sync-group>"
        ),
    )
    .await;
    mkcalendar(
        h,
        ALICE,
        "/dav/calendars/alice/tasks/",
        "<D:displayname>Tasks</D:displayname><A:calendar-color>#00112233</A:calendar-color>\
         <A:calendar-order>-1</A:calendar-order>\
         <C:supported-calendar-component-set><C:comp name=\"VTODO\"/></C:supported-calendar-component-set>",
    )
    .await;
    for path in ["files/", "files/sub/"] {
        let path = format!("/dav/calendars/alice/{path}");
        send_ok(h, "MKCOL", &path, ALICE, &[], Bytes::new()).await;
    }
    proppatch(
        h,
        ALICE,
        "/dav/calendars/alice/files/",
        "<D:displayname>Files</D:displayname>",
    )
    .await;
    mkcalendar(h, ALICE, "/dav/calendars/alice/files/sub/inner/", "").await;

    let work = |name: &str| format!("{WORK}{name}");
    put(h, ALICE, &work("folded.ics"), ics, FOLDED.as_bytes()).await;
    put(h, ALICE, &work("recurring.ics"), ics, RECURRING.as_bytes()).await;
    put(
        h,
        ALICE,
        &work("overrides-only.ics"),
        ics,
        OVERRIDES_ONLY.as_bytes(),
    )
    .await;
    put(h, ALICE, &work("split-fold.ics"), ics, &split_fold()).await;
    put(h, ALICE, &work("bom-lf.ics"), ics, BOM_LF.as_bytes()).await;
    let cafe = event("cafe-1", "Café");
    put(
        h,
        ALICE,
        &work("caf%C3%A9%20%2B%20plan.ics"),
        ics,
        cafe.as_bytes(),
    )
    .await;
    // Deleted again: leaves a tombstone in the source's change log, nothing to move.
    put(
        h,
        ALICE,
        &work("gone.ics"),
        ics,
        event("gone-1", "Gone").as_bytes(),
    )
    .await;
    send_ok(h, "DELETE", &work("gone.ics"), ALICE, &[], Bytes::new()).await;
    proppatch(
        h,
        ALICE,
        &work("folded.ics"),
        "<X:color xmlns:X=\"urn:example:x\">blue</X:color>\
         <tag xmlns=\"\">no namespace</tag>\
         <Y:a xmlns:Y=\"urn:example:y\" Y:attr=\"v&amp;w\">text<Y:b/> ✓</Y:a>",
    )
    .await;
    let todo = todo("todo-1", "Tâche");
    put(
        h,
        ALICE,
        "/dav/calendars/alice/tasks/todo.ics",
        ics,
        todo.as_bytes(),
    )
    .await;

    let files = |name: &str| format!("/dav/calendars/alice/files/{name}");
    let text = "text/plain; charset=utf-8";
    put(h, ALICE, &files("notes.txt"), text, b"first draft").await;
    let all_bytes: Vec<u8> = (0..=255u8).rev().collect();
    put(
        h,
        ALICE,
        &files("blob.bin"),
        "application/octet-stream",
        &all_bytes,
    )
    .await;
    // Byte order and a collation would sort these differently.
    put(h, ALICE, &files("Zeta.txt"), text, b"upper").await;
    put(h, ALICE, &files("alpha.txt"), text, b"lower").await;
    send_ok(h, "PUT", &files("empty"), ALICE, &[], Bytes::new()).await;
    proppatch(
        h,
        ALICE,
        &files("blob.bin"),
        "<X:origin xmlns:X=\"urn:example:x\">scanner</X:origin>",
    )
    .await;
    put(
        h,
        ALICE,
        &files("sub/deep.json"),
        "application/json",
        b"{\"a\":\"\\u0000\"}",
    )
    .await;
    let inner = event("inner-1", "Inside a plain collection");
    put(h, ALICE, &files("sub/inner/e.ics"), ics, inner.as_bytes()).await;
    put(
        h,
        ALICE,
        "/dav/calendars/alice/readme.txt",
        text,
        b"in the home itself",
    )
    .await;

    let b = event("bob-1", "Bob's");
    put(
        h,
        BOB,
        "/dav/calendars/bob/default/b.ics",
        ics,
        b.as_bytes(),
    )
    .await;
    mkcalendar(
        h,
        BOB,
        "/dav/calendars/bob/journal/",
        "<C:supported-calendar-component-set><C:comp name=\"VJOURNAL\"/></C:supported-calendar-component-set>",
    )
    .await;
    put(
        h,
        BOB,
        "/dav/calendars/bob/journal/j.ics",
        ics,
        JOURNAL.as_bytes(),
    )
    .await;
    // Replaced later: created and last modified differ, and both must move.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let notes = "Grüße\r\nzweite Zeile\n\t¡fin!";
    put(h, ALICE, &files("notes.txt"), text, notes.as_bytes()).await;
}

/// One member as the store holds it, ids left out.
#[derive(Debug, PartialEq, Eq)]
struct ObjectView {
    dead: Vec<DeadProperty>,
    name: String,
    data: Vec<u8>,
    etag: String,
    content_type: String,
    size: i64,
    uid: Option<String>,
    component: Option<ComponentKind>,
    created_at: i64,
    modified_at: i64,
}

/// One collection as the store holds it, ids and sync state left out.
#[derive(Debug, PartialEq, Eq)]
struct CollectionView {
    path: String,
    kind: CollectionKind,
    created_at: i64,
    modified_at: i64,
    props: CollectionProps,
    dead: Vec<DeadProperty>,
    objects: Vec<ObjectView>,
}

/// One user and everything they own.
#[derive(Debug, PartialEq, Eq)]
struct UserView {
    name: String,
    password_hash: String,
    created_at: i64,
    collections: Vec<CollectionView>,
}

/// The whole deployment, read through the store API.
async fn snapshot(store: &dyn Store) -> Vec<UserView> {
    let mut users = Vec::new();
    for u in store.list_users().await.unwrap() {
        let mut collections = Vec::new();
        for c in store.collection_tree(u.id, "").await.unwrap() {
            let member_dead = store.member_dead_properties(c.id).await.unwrap();
            let objects = store
                .list_objects_with_data(c.id)
                .await
                .unwrap()
                .into_iter()
                .map(|o| ObjectView {
                    dead: member_dead
                        .iter()
                        .filter(|(id, _)| *id == o.meta.id)
                        .map(|(_, p)| p.clone())
                        .collect(),
                    name: o.meta.name,
                    data: o.data,
                    etag: o.meta.etag,
                    content_type: o.meta.content_type,
                    size: o.meta.size,
                    uid: o.meta.uid,
                    component: o.meta.component,
                    created_at: o.meta.created_at,
                    modified_at: o.meta.modified_at,
                })
                .collect();
            collections.push(CollectionView {
                dead: store
                    .dead_properties(PropOwner::Collection(c.id))
                    .await
                    .unwrap(),
                path: c.path,
                kind: c.kind,
                created_at: c.created_at,
                modified_at: c.modified_at,
                props: c.props,
                objects,
            });
        }
        users.push(UserView {
            name: u.name,
            password_hash: u.password_hash,
            created_at: u.created_at,
            collections,
        });
    }
    users
}

/// Checks that the snapshot holds what [`fill`] made, so comparing two snapshots can
/// never pass by both being empty.
fn assert_filled(users: &[UserView]) {
    let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["alice", "bob", "carol"]);
    let paths =
        |u: &UserView| -> Vec<String> { u.collections.iter().map(|c| c.path.clone()).collect() };
    assert_eq!(
        paths(&users[0]),
        [
            "",
            "default",
            "files",
            "files/sub",
            "files/sub/inner",
            "tasks",
            "work"
        ]
    );
    assert_eq!(paths(&users[1]), ["", "default", "journal"]);
    assert!(users[2].collections.is_empty(), "carol never signed in");
    let work = users[0]
        .collections
        .iter()
        .find(|c| c.path == "work")
        .unwrap();
    let names: Vec<&str> = work.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "bom-lf.ics",
            "café + plan.ics",
            "folded.ics",
            "overrides-only.ics",
            "recurring.ics",
            "split-fold.ics"
        ]
    );
    assert_eq!(work.props.color.as_deref(), Some("#FF8800"));
    assert_eq!(work.props.order, Some(3));
    assert!(
        work.props
            .timezone
            .as_deref()
            .unwrap()
            .contains("Europe/Berlin")
    );
    assert_eq!(work.dead.len(), 1);
    let folded = work
        .objects
        .iter()
        .find(|o| o.name == "folded.ics")
        .unwrap();
    assert_eq!(folded.dead.len(), 3);
    assert_eq!(folded.data, FOLDED.as_bytes());
    let files = users[0]
        .collections
        .iter()
        .find(|c| c.path == "files")
        .unwrap();
    let names: Vec<&str> = files.objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        ["Zeta.txt", "alpha.txt", "blob.bin", "empty", "notes.txt"]
    );
    let notes = files
        .objects
        .iter()
        .find(|o| o.name == "notes.txt")
        .unwrap();
    assert!(notes.created_at < notes.modified_at, "{notes:?}");
    assert_eq!(
        users[0].collections[0].dead.len(),
        1,
        "the home's dead property"
    );
}

/// A sync-collection REPORT paged `limit` at a time from `token`: every href listed, and
/// the final token.
async fn sync_all(h: &Harness, path: &str, limit: u32) -> (BTreeMap<String, String>, String) {
    let mut seen = BTreeMap::new();
    let mut token = String::new();
    for _ in 0..20 {
        let ms = h
            .sync_collection(ALICE, path, &token, Some(limit))
            .await
            .multistatus();
        token = ms.sync_token.clone().expect("a sync-token");
        let mut truncated = false;
        for resp in &ms.responses {
            match resp.status {
                Some(507) => truncated = true,
                None => {
                    let etag = resp.prop_text(ns::DAV, "getetag");
                    assert!(
                        seen.insert(resp.href.clone(), etag).is_none(),
                        "{}",
                        resp.href
                    );
                }
                Some(other) => panic!("status {other} for {}", resp.href),
            }
        }
        if !truncated {
            return (seen, token);
        }
    }
    panic!("sync never ends");
}

#[tokio::test]
async fn a_deployment_moves_to_the_other_engine_and_back_with_nothing_lost() {
    let source = sqlite_place().await;
    fill(&source).await;
    let original = snapshot(&source.store).await;
    assert_filled(&original);
    let old_token = source.sync_token(ALICE, WORK).await;
    let old_ctag = source.ctag(ALICE, WORK).await;
    let old_get = source.get(ALICE, &format!("{WORK}folded.ics")).await;

    let first = export(&source).await;
    let text = std::str::from_utf8(&first).unwrap();
    assert!(
        text.contains(r#""base64":"#),
        "non-UTF-8 bodies go as base64"
    );
    assert!(
        text.contains("Réunion – 会議 🎉"),
        "UTF-8 bodies stay readable"
    );

    // SQLite → the engine under test (PostgreSQL when DATABASE_URL names it) …
    let moved = any_place().await;
    assert_eq!(
        moved.db().is_postgres(),
        kairos_test_support::postgres_url().is_some()
    );
    let counts = import(&moved, &first).await.expect("import");
    assert_eq!(counts.users, 3);
    assert_eq!(counts.collections, 10);
    assert_eq!(counts.objects, 17);
    assert_eq!(counts.properties, 6);
    assert_eq!(snapshot(&moved.store).await, original);
    let second = export(&moved).await;
    assert_eq!(comparable(&second), comparable(&first));

    // … and back to SQLite.
    let back = sqlite_place().await;
    assert_eq!(import(&back, &second).await.expect("import back"), counts);
    assert_eq!(snapshot(&back.store).await, original);
    assert_eq!(comparable(&export(&back).await), comparable(&first));

    // The moved server answers as the old one did: same passwords, bytes and ETags.
    let got = moved.get(ALICE, &format!("{WORK}folded.ics")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, old_get.body);
    assert_eq!(got.etag(), old_get.etag());
    let got = moved.get(BOB, "/dav/calendars/bob/journal/j.ics").await;
    assert_eq!(got.body, JOURNAL.as_bytes());

    // Old sync tokens name collections of the other database: refused, so clients
    // resynchronise instead of trusting a sequence that restarted; the ctag moves too.
    let r = moved.sync_collection(ALICE, WORK, &old_token, None).await;
    r.assert_condition(StatusCode::FORBIDDEN, ns::DAV, "valid-sync-token");
    assert_ne!(moved.ctag(ALICE, WORK).await, old_ctag);
    // A paged initial sync reads the change log, which the import wrote per member.
    let (members, token) = sync_all(&moved, WORK, 2).await;
    assert_eq!(members.len(), 6);
    assert_eq!(token, moved.sync_token(ALICE, WORK).await);
    for (href, etag) in &members {
        let name = href.strip_prefix(WORK).unwrap();
        assert_eq!(
            *etag,
            source.get(ALICE, &format!("{WORK}{name}")).await.etag()
        );
    }

    // The time index was rebuilt: a weekly event found years after its start.
    let query = r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR">
<C:comp-filter name="VEVENT"><C:time-range start="20270301T000000Z" end="20270308T000000Z"/>
</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"#;
    let ms = moved.report(ALICE, WORK, "1", query).await.multistatus();
    assert_eq!(ms.hrefs(), [format!("{WORK}recurring.ics")]);
}

#[tokio::test]
async fn import_over_an_existing_user_is_refused_and_changes_nothing() {
    let source = sqlite_place().await;
    fill(&source).await;
    let file = export(&source).await;

    let target = any_place().await;
    let own = target
        .core
        .add_user(Admin::local_operator(), "bob", "another-password")
        .await
        .unwrap();
    let err = import(&target, &file).await.unwrap_err();
    let CoreError::ExportFile(message) = &err else {
        panic!("{err:?}");
    };
    assert!(message.contains("\"bob\" already exists"), "{message}");
    // Alice came before bob in the file and is not there either: all or nothing.
    let users = target.store.list_users().await.unwrap();
    assert_eq!(users, std::slice::from_ref(&own));
    assert_eq!(target.store.count_objects().await.unwrap(), 0);
    assert!(
        target
            .store
            .collection_tree(own.id, "")
            .await
            .unwrap()
            .is_empty()
    );

    // Without the clash the same file goes in, next to what is there.
    target
        .core
        .remove_user(Admin::local_operator(), "bob")
        .await
        .unwrap();
    import(&target, &file).await.expect("import");
    assert_eq!(snapshot(&target.store).await, snapshot(&source.store).await);
}

/// `file` with line `n` (0-based) replaced.
fn with_line(file: &[u8], n: usize, line: &str) -> Vec<u8> {
    let text = std::str::from_utf8(file).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[n] = line;
    format!("{}\n", lines.join("\n")).into_bytes()
}

/// The 0-based number of the first line containing `needle`.
fn line_with(file: &[u8], needle: &str) -> usize {
    let text = std::str::from_utf8(file).unwrap();
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}"))
}

#[tokio::test]
async fn damaged_or_foreign_files_are_refused_and_change_nothing() {
    let source = sqlite_place().await;
    fill(&source).await;
    let file = export(&source).await;
    let text = std::str::from_utf8(&file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.len() - 1;

    let notes = line_with(&file, "notes.txt\"");
    let edited_body = lines[notes].replace("Grüße", "Gruesse");
    let carol = line_with(&file, r#""type":"user","name":"carol""#);
    let object = line_with(&file, r#""type":"object""#);
    let unknown_field = lines[object].replacen('{', r#"{"acl":"private","#, 1);
    let mut end: serde_json::Value = serde_json::from_str(lines[last]).unwrap();
    end["objects"] = serde_json::json!(99);
    let header = lines[0].replace(r#""version":1"#, r#""version":2"#);
    let mut repeated_user = lines.clone();
    repeated_user.insert(last, lines[carol]);

    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        ("empty", Vec::new(), "empty".into()),
        (
            "not an export",
            b"BEGIN:VCALENDAR\r\n".to_vec(),
            "not a Kairos export".into(),
        ),
        (
            "newer version",
            with_line(&file, 0, &header),
            "version 2 is not supported".into(),
        ),
        (
            "no end record",
            format!("{}\n", lines[..last].join("\n")).into_bytes(),
            "truncated".into(),
        ),
        (
            "cut in the middle",
            format!("{}\n", lines[..last / 2].join("\n")).into_bytes(),
            "truncated".into(),
        ),
        (
            "a broken line",
            with_line(&file, notes, "{\"type\":\"object\",\"owner\""),
            format!("line {}: not a valid record", notes + 1),
        ),
        (
            "an unknown record type",
            with_line(&file, carol, r#"{"type":"group","name":"staff"}"#),
            format!(
                "line {}: not a valid record: unknown variant `group`",
                carol + 1
            ),
        ),
        (
            "an unknown field",
            with_line(&file, object, &unknown_field),
            "unknown field `acl`".into(),
        ),
        (
            "an edited body",
            with_line(&file, notes, &edited_body),
            "do not match their etag".into(),
        ),
        (
            "edited counts",
            with_line(&file, last, &end.to_string()),
            "the end record counts".into(),
        ),
        (
            "a user twice",
            format!("{}\n", repeated_user.join("\n")).into_bytes(),
            "\"carol\" already exists".into(),
        ),
    ];
    let target = any_place().await;
    for (what, bad, expected) in cases {
        let err = import(&target, &bad).await.unwrap_err();
        let CoreError::ExportFile(message) = &err else {
            panic!("{what}: {err:?}");
        };
        assert!(message.contains(&expected), "{what}: {message}");
        assert!(
            target.store.list_users().await.unwrap().is_empty(),
            "{what}"
        );
        assert_eq!(target.store.count_objects().await.unwrap(), 0, "{what}");
    }
    // The undamaged file still goes in afterwards.
    import(&target, &file).await.expect("import");
    assert_eq!(snapshot(&target.store).await, snapshot(&source.store).await);
}

/// Runs the real binary with no inherited settings.
fn kairos<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars() {
        if key.starts_with("KAIROS_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(std::env::temp_dir())
        .env("KAIROS_LOG", "warn")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run kairos")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn the_cli_exports_and_imports_with_the_global_options() {
    let source = sqlite_place().await;
    fill(&source).await;
    let original = snapshot(&source.store).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deployment.jsonl");
    let src_dir = source.db().dir.path();

    let out = kairos([
        OsStr::new("--data-dir"),
        src_dir.as_os_str(),
        OsStr::new("export"),
        file.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("exported 3 users, 10 collections, 17 objects, 6 properties"),
        "{}",
        stderr(&out)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "password hashes inside: owner only");
    }
    let exported = std::fs::read(&file).unwrap();
    assert_eq!(comparable(&exported), comparable(&export(&source).await));
    // An existing file is never replaced.
    let again = kairos([
        OsStr::new("--data-dir"),
        src_dir.as_os_str(),
        OsStr::new("export"),
        file.as_os_str(),
    ]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&file).unwrap(), exported);

    // Into the engine under test, by --database-url.
    let target = TestDatabase::new(sqlite_url).await;
    let url = target.url.clone();
    let import_args = [
        OsStr::new("--database-url"),
        OsStr::new(&url),
        OsStr::new("import"),
        file.as_os_str(),
    ];
    let out = kairos(import_args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("imported 3 users"),
        "{}",
        stderr(&out)
    );
    // A second time every user exists already.
    let out = kairos(import_args);
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("\"alice\" already exists"), "{message}");
    assert!(message.contains("nothing was imported"), "{message}");

    // `-` writes to standard output.
    let out = kairos([
        OsStr::new("--database-url"),
        OsStr::new(&url),
        OsStr::new("export"),
        OsStr::new("-"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(comparable(&out.stdout), comparable(&exported));

    let moved = Harness::on(target, |_| {}).await;
    assert_eq!(snapshot(&moved.store).await, original);

    // A file that is no export is refused with a clear message.
    let junk = dir.path().join("junk.ics");
    std::fs::write(&junk, "BEGIN:VCALENDAR\r\n").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = kairos([
        OsStr::new("--data-dir"),
        empty.path().as_os_str(),
        OsStr::new("import"),
        junk.as_os_str(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not a Kairos export"),
        "{}",
        stderr(&out)
    );
}
