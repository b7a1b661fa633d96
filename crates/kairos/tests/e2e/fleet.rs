//! Several real `kairos` processes on one database: front nodes that behave as one
//! server, and a node killed with SIGKILL in the middle of a write load that loses
//! nothing it acknowledged.
//!
//! The engine is the one `DATABASE_URL` selects: PostgreSQL in the CI run that sets it,
//! otherwise SQLite (several processes on one SQLite file work too, serialized by its
//! write lock).

use crate::common;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::process::{Answer, Endpoint, Place, Server};
use common::xml::{self, Multistatus, ns};

const ALICE: (&str, &str) = ("alice", "alice-password");
const CAL: &str = "/dav/calendars/alice/default/";

const PROPS: &str = r#"<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:prop><CS:getctag/><D:sync-token/></D:prop></D:propfind>"#;

fn sync_body(token: &str) -> String {
    format!(
        r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#
    )
}

fn event(uid: &str, summary: &str) -> Vec<u8> {
    common::event(uid, summary).into_bytes()
}

fn ok(answer: std::io::Result<Answer>) -> Answer {
    answer.expect("request")
}

fn put(node: &Endpoint, name: &str, body: &[u8], extra: &[(&str, &str)]) -> Answer {
    let mut headers = vec![("Content-Type", "text/calendar")];
    headers.extend_from_slice(extra);
    ok(node.call("PUT", &format!("{CAL}{name}"), ALICE, &headers, body))
}

/// The calendar's getctag and sync-token as one node reports them.
fn ctag_and_token(node: &Endpoint) -> (String, String) {
    let a = ok(node.call(
        "PROPFIND",
        CAL,
        ALICE,
        &[("Depth", "0"), ("Content-Type", "application/xml")],
        PROPS.as_bytes(),
    ));
    assert_eq!(a.status, 207, "{}", a.text());
    let ms = multistatus(&a);
    let r = ms.only();
    (
        r.prop_text(ns::CS, "getctag"),
        r.prop_text(ns::DAV, "sync-token"),
    )
}

fn multistatus(a: &Answer) -> Multistatus {
    Multistatus::from_node(&xml::parse(&a.body).expect("XML"))
}

/// sync-collection from `token`: (href → Some(etag) for a member, None for a deletion),
/// the new token, and how many responses named each href.
fn sync(node: &Endpoint, token: &str) -> (BTreeMap<String, Option<String>>, String, usize) {
    let a = ok(node.call(
        "REPORT",
        CAL,
        ALICE,
        &[("Depth", "0"), ("Content-Type", "application/xml")],
        sync_body(token).as_bytes(),
    ));
    assert_eq!(a.status, 207, "{}", a.text());
    let ms = multistatus(&a);
    let mut out = BTreeMap::new();
    for r in &ms.responses {
        let value = match r.status {
            Some(404) => None,
            Some(other) => panic!("{}: status {other}", r.href),
            None => Some(r.prop_text(ns::DAV, "getetag")),
        };
        // Duplicates are counted by the caller (responses vs distinct hrefs).
        out.insert(r.href.clone(), value);
    }
    (
        out,
        ms.sync_token.clone().expect("sync-token"),
        ms.responses.len(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_front_nodes_behave_as_one_server() {
    let place = Place::new().await;
    place.add_user(ALICE.0, ALICE.1);
    let a = Server::start_with(&place, &["--role", "front"]);
    let b = Server::start_with(&place, &["--role", "front"]);
    // A worker node too, as a deployment would run it; it must not disturb anything.
    let w = Server::start_with(&place, &["--role", "worker"]);
    let (ea, eb) = (a.endpoint(), b.endpoint());
    assert_eq!(
        ok(w.endpoint()
            .call("PROPFIND", CAL, ALICE, &[("Depth", "0")], b""))
        .status,
        404,
        "a worker serves no calendars"
    );

    // Home and default calendar come into being on first use, through either node.
    assert_eq!(
        ok(ea.call("PROPFIND", CAL, ALICE, &[("Depth", "0")], b"")).status,
        207
    );
    let (_, start_token) = ctag_and_token(&eb);

    // A write through A is visible through B at once, byte for byte.
    let body = event("one", "Written through A");
    let created = put(&ea, "one.ics", &body, &[]);
    assert_eq!(created.status, 201);
    let got = ok(eb.call("GET", &format!("{CAL}one.ics"), ALICE, &[], b""));
    assert_eq!(got.status, 200);
    assert_eq!(got.body, body);
    assert_eq!(got.header("etag"), created.header("etag"));
    // The two nodes agree on ctag and sync token.
    assert_eq!(ctag_and_token(&ea), ctag_and_token(&eb));
    let (changes, _, _) = sync(&eb, &start_token);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes.values().next().unwrap().as_deref(),
        created.header("etag")
    );

    // Conditional PUTs racing through different nodes: exactly one wins each round.
    for round in 0..20 {
        let etag = ok(ea.call("GET", &format!("{CAL}one.ics"), ALICE, &[], b""))
            .header("etag")
            .unwrap()
            .to_owned();
        let barrier = Arc::new(Barrier::new(2));
        let threads: Vec<_> = [("A", a.endpoint()), ("B", b.endpoint())]
            .into_iter()
            .map(|(who, node)| {
                let barrier = barrier.clone();
                let etag = etag.clone();
                std::thread::spawn(move || {
                    let body = event("one", &format!("round {round} by {who}"));
                    barrier.wait();
                    let answer = put(&node, "one.ics", &body, &[("If-Match", &etag)]);
                    (answer.status, body)
                })
            })
            .collect();
        let racers: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        let statuses: Vec<u16> = racers.iter().map(|(s, _)| *s).collect();
        let winners: Vec<&Vec<u8>> = racers
            .iter()
            .filter(|(s, _)| *s == 204)
            .map(|(_, b)| b)
            .collect();
        assert_eq!(winners.len(), 1, "round {round}: {statuses:?}");
        assert!(statuses.contains(&412), "round {round}: {statuses:?}");
        let now = ok(eb.call("GET", &format!("{CAL}one.ics"), ALICE, &[], b""));
        assert_eq!(
            &now.body, winners[0],
            "round {round}: the winner's bytes stay"
        );
    }
    assert_eq!(ctag_and_token(&ea), ctag_and_token(&eb));
    a.stop();
    b.stop();
    w.stop();
}

/// The state of one resource as the load saw it.
#[derive(Clone, Debug, Default)]
struct Known {
    /// What the last acknowledged request left: Some(bytes) or None (deleted / never).
    acked: Option<Vec<u8>>,
    /// A request sent but not answered when the node died: what it would leave.
    in_flight: Option<Option<Vec<u8>>>,
    /// Requests acknowledged.
    acks: usize,
}

/// One writer thread: owns its own resource names, so its view of each is exact.
fn write_load(node: &Endpoint, thread: usize, stop_at: Instant) -> BTreeMap<String, Known> {
    let mut known: BTreeMap<String, Known> = BTreeMap::new();
    let mut i = 0usize;
    loop {
        let name = format!("t{thread}-{}.ics", i % 7);
        let entry = known.entry(name.clone()).or_default();
        // Every third operation on an existing resource deletes it.
        let delete = entry.acked.is_some() && i % 3 == 2;
        let (intent, answer) = if delete {
            (
                None,
                node.call("DELETE", &format!("{CAL}{name}"), ALICE, &[], b""),
            )
        } else {
            let body = event(
                &format!("uid-{name}"),
                &format!("thread {thread} write {i} {}", "x".repeat(i % 50)),
            );
            let answer = node.call(
                "PUT",
                &format!("{CAL}{name}"),
                ALICE,
                &[("Content-Type", "text/calendar")],
                &body,
            );
            (Some(body), answer)
        };
        match answer {
            Ok(a) if (200..300).contains(&a.status) => {
                entry.acked = intent;
                entry.acks += 1;
            }
            Ok(a) => panic!("unexpected {} for {name}: {}", a.status, a.text()),
            // The node died: this request may or may not have been committed.
            Err(_) => {
                entry.in_flight = Some(intent);
                return known;
            }
        }
        i += 1;
        if Instant::now() > stop_at {
            // The kill never came (a very slow machine): still a valid run.
            return known;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_write_loses_nothing_it_acknowledged() {
    let place = Place::new().await;
    place.add_user(ALICE.0, ALICE.1);
    let node = Server::start_with(&place, &[]);
    let (_, token) = ctag_and_token(&node.endpoint());

    let stop_at = Instant::now() + Duration::from_secs(30);
    let writers: Vec<_> = (0..8)
        .map(|t| {
            let node = node.endpoint();
            std::thread::spawn(move || write_load(&node, t, stop_at))
        })
        .collect();
    // Let the load run, then kill the node in the middle of it.
    std::thread::sleep(Duration::from_millis(1500));
    node.kill9();
    let mut known = BTreeMap::new();
    for w in writers {
        known.extend(w.join().unwrap());
    }
    let acknowledged: usize = known.values().map(|k| k.acks).sum();
    let in_flight = known.values().filter(|k| k.in_flight.is_some()).count();
    eprintln!("{acknowledged} writes acknowledged, {in_flight} in flight at the kill");
    assert!(acknowledged > 50, "the load did some work ({acknowledged})");

    let server = Server::start_with(&place, &[]);
    let node = server.endpoint();
    // Every resource is as the last acknowledged request left it, or as the request in
    // flight at the kill would have: never anything else, never a torn body.
    let mut present = HashSet::new();
    for (name, k) in &known {
        let got = ok(node.call("GET", &format!("{CAL}{name}"), ALICE, &[], b""));
        let now = match got.status {
            200 => Some(got.body.clone()),
            404 => None,
            s => panic!("GET {name}: {s}"),
        };
        let allowed = now == k.acked || k.in_flight.as_ref().is_some_and(|f| *f == now);
        assert!(
            allowed,
            "{name}: found {:?}, acknowledged {:?}, in flight {:?}",
            now.as_deref().map(String::from_utf8_lossy),
            k.acked.as_deref().map(String::from_utf8_lossy),
            k.in_flight
        );
        if now.is_some() {
            present.insert(format!("{CAL}{name}"));
        }
    }
    // Nothing else exists (no half-written or stray resource).
    let listing = ok(node.call("PROPFIND", CAL, ALICE, &[("Depth", "1")], b""));
    let members: HashSet<String> = multistatus(&listing)
        .hrefs()
        .into_iter()
        .filter(|h| h != CAL)
        .collect();
    assert_eq!(members, present);

    // sync-collection from before the load names every changed resource exactly once,
    // with its state now.
    let (changes, _, responses) = sync(&node, &token);
    assert_eq!(responses, changes.len(), "each change reported once");
    for href in &present {
        let etag = ok(node.call("GET", href, ALICE, &[], b""))
            .header("etag")
            .unwrap()
            .to_owned();
        assert_eq!(
            changes.get(href),
            Some(&Some(etag)),
            "{href} reported with its current ETag"
        );
    }
    for (href, etag) in &changes {
        if etag.is_none() {
            assert!(
                !present.contains(href),
                "{href} reported deleted but exists"
            );
        }
    }
    server.stop();
}
