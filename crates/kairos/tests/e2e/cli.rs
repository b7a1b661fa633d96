//! The `kairos` binary: help text, user administration, and a real server that shuts
//! down cleanly on SIGTERM.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use base64::Engine as _;
use common::process::{BIN, Place, Server};

#[test]
fn serve_help_names_the_settings() {
    let out = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "KAIROS_LISTEN",
        "KAIROS_DATA_DIR",
        "KAIROS_DATABASE_URL",
        "--listen",
        "--data-dir",
        "--database-url",
    ] {
        assert!(help.contains(needle), "{needle} missing from:\n{help}");
    }
}

fn user_names(list: &str) -> Vec<String> {
    list.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn user_administration() {
    let place = Place::new().await;
    place.ok(
        &["user", "add", "alice", "--password-stdin"],
        Some("first-password\n"),
    );
    place.ok(
        &["user", "add", "bob", "--password-stdin"],
        Some("bobs-password\n"),
    );
    assert_eq!(
        user_names(&place.ok(&["user", "list"], None)),
        vec!["alice", "bob"]
    );
    // Refusals: a duplicate, a short password, bad names, unknown users.
    place.fails(
        &["user", "add", "alice", "--password-stdin"],
        Some("another-password\n"),
    );
    place.fails(
        &["user", "add", "carol", "--password-stdin"],
        Some("short\n"),
    );
    place.fails(
        &["user", "add", "../etc", "--password-stdin"],
        Some("long-enough-pw\n"),
    );
    place.fails(
        &["user", "passwd", "nobody", "--password-stdin"],
        Some("long-enough-pw\n"),
    );
    place.fails(&["user", "remove", "nobody"], None);
    // passwd, then the server accepts only the new password.
    place.ok(
        &["user", "passwd", "alice", "--password-stdin"],
        Some("second-password\n"),
    );
    let server = Server::start(&place);
    assert_eq!(server.propfind_status("alice", "second-password"), 207);
    assert_eq!(server.propfind_status("alice", "first-password"), 401);
    server.stop();
    place.ok(&["user", "remove", "bob"], None);
    assert_eq!(
        user_names(&place.ok(&["user", "list"], None)),
        vec!["alice"]
    );
    // Migrations are idempotent.
    place.ok(&["migrate"], None);
    place.ok(&["migrate"], None);
}

#[tokio::test]
async fn token_commands_mint_list_and_revoke() {
    let place = Place::new().await;
    place.ok(
        &["user", "add", "alice", "--password-stdin"],
        Some("alice-password\n"),
    );
    // The secret alone on stdout, so `TOKEN=$(kairos token create …)` works.
    let out = place.ok(&["token", "create", "alice", "--scope", "read-only"], None);
    let secret = out.trim();
    assert!(
        secret.starts_with("kairos_") && !secret.contains(char::is_whitespace),
        "{out:?}"
    );
    assert_eq!(out.lines().count(), 1);
    let listed = place.ok(&["token", "list", "alice"], None);
    assert!(
        listed.contains("read-only") && listed.contains("command line"),
        "{listed}"
    );
    assert!(!listed.contains(secret), "a listing never shows the secret");
    let id = listed.split_whitespace().next().unwrap().to_owned();

    let server = Server::start(&place);
    assert_eq!(server.propfind_status("alice", secret), 207);
    server.stop();

    place.fails(&["token", "create", "nobody"], None);
    place.fails(&["token", "create", "alice", "--calendar", "missing"], None);
    place.ok(&["token", "revoke", "alice", &id], None);
    place.fails(&["token", "revoke", "alice", &id], None);
    let server = Server::start(&place);
    assert_eq!(server.propfind_status("alice", secret), 401);
    server.stop();
}

#[tokio::test]
async fn serve_answers_and_stops_cleanly_on_sigterm() {
    let place = Place::new().await;
    place.ok(
        &["user", "add", "alice", "--password-stdin"],
        Some("alice-password\n"),
    );
    let event = common::event("sigterm-uid", "Survives a restart");
    let path = "/dav/calendars/alice/default/sigterm.ics";
    let server = Server::start(&place);
    // Discovery, a write and a read over real HTTP.
    let (status, body) = server.request(
        "PROPFIND",
        "/",
        ("alice", "alice-password"),
        &[("Depth", "0".into())],
        r#"<D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>"#,
    );
    assert_eq!(status, 207, "{body}");
    assert!(body.contains("/dav/principals/alice/"));
    let (status, _) = server.request(
        "PUT",
        path,
        ("alice", "alice-password"),
        &[("Content-Type", "text/calendar".into())],
        &event,
    );
    assert_eq!(status, 201);
    let (status, body) = server.request("GET", path, ("alice", "alice-password"), &[], "");
    assert_eq!(status, 200);
    assert_eq!(body, event);
    server.stop();

    // Nothing was lost: a new server over the same data has it.
    let server = Server::start(&place);
    let (status, body) = server.request("GET", path, ("alice", "alice-password"), &[], "");
    assert_eq!(status, 200);
    assert_eq!(body, event);
    server.stop();
    assert!(Path::new(place.dir.path()).exists());
}

#[tokio::test]
async fn settings_from_the_environment() {
    let place = Place::new().await;
    // A user added through the environment's settings …
    let out = place
        .env_command()
        .args(["user", "add", "alice", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(b"alice-password\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // … is seen by the flag-configured tools, and a server listening where
    // KAIROS_LISTEN says serves it.
    assert_eq!(
        user_names(&place.ok(&["user", "list"], None)),
        vec!["alice"]
    );
    let server = Server::start_from_env(&place);
    assert_eq!(server.propfind_status("alice", "alice-password"), 207);
    server.stop();
}

#[tokio::test]
async fn a_request_in_flight_at_sigterm_completes() {
    let place = Place::new().await;
    place.ok(
        &["user", "add", "alice", "--password-stdin"],
        Some("alice-password\n"),
    );
    let server = Server::start(&place);
    let event = common::event("in-flight", "Finished after SIGTERM");
    let path = "/dav/calendars/alice/default/in-flight.ics";
    assert_eq!(server.propfind_status("alice", "alice-password"), 207);
    // The request head with `Expect: 100-continue`; once the server asks for the body
    // the request is in flight. Then SIGTERM, then the body.
    let auth = base64::engine::general_purpose::STANDARD.encode("alice:alice-password");
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {auth}\r\n\
         Content-Type: text/calendar\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\
         Connection: close\r\n\r\n",
        server.addr,
        event.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut interim = Vec::new();
    let mut byte = [0u8; 1];
    while !interim.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        interim.push(byte[0]);
    }
    assert!(
        interim.starts_with(b"HTTP/1.1 100"),
        "{}",
        String::from_utf8_lossy(&interim)
    );
    server.sigterm();
    // Give the signal time to arrive (if it has not, the test only proves less).
    std::thread::sleep(Duration::from_millis(300));
    s.write_all(event.as_bytes()).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    server.wait_exit();
    let server = Server::start(&place);
    let (status, body) = server.request("GET", path, ("alice", "alice-password"), &[], "");
    assert_eq!(status, 200);
    assert_eq!(body, event);
    server.stop();
}
