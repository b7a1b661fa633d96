//! The `kairos` binary: help text, user administration, and a real server that shuts
//! down cleanly on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

const BIN: &str = env!("CARGO_BIN_EXE_kairos");

/// A data directory, and a fresh PostgreSQL database when `DATABASE_URL` asks for one.
struct Place {
    dir: tempfile::TempDir,
    pg: Option<kairos_test_support::PgDatabase>,
}

impl Place {
    async fn new() -> Place {
        let pg = match kairos_test_support::postgres_url() {
            Some(admin) => Some(kairos_test_support::PgDatabase::create(&admin).await),
            None => None,
        };
        Place {
            dir: tempfile::tempdir().unwrap(),
            pg,
        }
    }

    /// `kairos` with no inherited settings, run in the data directory.
    fn bare_command(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for (key, _) in std::env::vars() {
            if key.starts_with("KAIROS_") || key == "RUST_LOG" {
                cmd.env_remove(key);
            }
        }
        cmd.current_dir(self.dir.path()).env("KAIROS_LOG", "warn");
        cmd
    }

    /// `kairos` with the global options pointing here.
    fn command(&self) -> Command {
        let mut cmd = self.bare_command();
        cmd.arg("--data-dir").arg(self.dir.path());
        if let Some(pg) = &self.pg {
            cmd.arg("--database-url").arg(&pg.url);
        }
        cmd
    }

    /// `kairos` with the same settings given as `KAIROS_*` environment variables.
    fn env_command(&self) -> Command {
        let mut cmd = self.bare_command();
        cmd.env("KAIROS_DATA_DIR", self.dir.path());
        if let Some(pg) = &self.pg {
            cmd.env("KAIROS_DATABASE_URL", &pg.url);
        }
        cmd
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kairos");
        {
            let mut input = child.stdin.take().unwrap();
            if let Some(text) = stdin {
                input.write_all(text.as_bytes()).unwrap();
            }
        }
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "kairos {args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str], stdin: Option<&str>) {
        let out = self.run(args, stdin);
        assert!(!out.status.success(), "kairos {args:?} succeeded");
    }
}

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

/// A `kairos serve` child process on a free port.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn free_addr() -> String {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        format!("127.0.0.1:{port}")
    }

    fn start(place: &Place) -> Server {
        let addr = Server::free_addr();
        let mut cmd = place.command();
        cmd.args(["serve", "--listen", &addr]);
        Server::spawn(cmd, addr)
    }

    /// The server configured through the environment only.
    fn start_from_env(place: &Place) -> Server {
        let addr = Server::free_addr();
        let mut cmd = place.env_command();
        cmd.env("KAIROS_LISTEN", &addr).arg("serve");
        Server::spawn(cmd, addr)
    }

    fn spawn(mut cmd: Command, addr: String) -> Server {
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn kairos serve");
        let server = Server { child, addr };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok((200, _)) = self.try_request("GET /healthz HTTP/1.1\r\n", &[], "") {
                return;
            }
            assert!(Instant::now() < deadline, "server did not come up");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// One raw HTTP/1.1 request on a fresh connection.
    fn try_request(
        &self,
        request_line: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> std::io::Result<(u16, String)> {
        let mut s = TcpStream::connect(&self.addr)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut req = format!("{request_line}Host: {}\r\nConnection: close\r\n", self.addr);
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        s.write_all(req.as_bytes())?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        let status = out
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = out
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        Ok((status, body))
    }

    fn request(
        &self,
        method: &str,
        path: &str,
        user: (&str, &str),
        extra: &[(&str, String)],
        body: &str,
    ) -> (u16, String) {
        let auth =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", user.0, user.1));
        let mut headers = vec![("Authorization", format!("Basic {auth}"))];
        headers.extend(extra.iter().cloned());
        self.try_request(&format!("{method} {path} HTTP/1.1\r\n"), &headers, body)
            .expect("request")
    }

    fn propfind_status(&self, user: &str, password: &str) -> u16 {
        self.request(
            "PROPFIND",
            "/dav/",
            (user, password),
            &[("Depth", "0".into())],
            "",
        )
        .0
    }

    fn sigterm(&self) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
    }

    /// SIGTERM, then the exit status (which must come).
    fn stop(self) {
        self.sigterm();
        self.wait_exit();
    }

    /// Waits for the process to end after a SIGTERM and checks it ended well.
    fn wait_exit(mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("kairos serve did not stop after SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "exit status {status:?}");
    }
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
