//! Real `kairos` processes for end-to-end tests: a data directory (or a fresh
//! PostgreSQL database when `DATABASE_URL` asks for one), the CLI, and servers on free
//! ports spoken to over raw HTTP/1.1.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_kairos");

/// A data directory, and a fresh PostgreSQL database when `DATABASE_URL` asks for one.
pub struct Place {
    pub dir: tempfile::TempDir,
    pub pg: Option<kairos_test_support::PgDatabase>,
}

impl Place {
    pub async fn new() -> Place {
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
    pub fn bare_command(&self) -> Command {
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
    pub fn command(&self) -> Command {
        let mut cmd = self.bare_command();
        cmd.arg("--data-dir").arg(self.dir.path());
        if let Some(pg) = &self.pg {
            cmd.arg("--database-url").arg(&pg.url);
        }
        cmd
    }

    /// `kairos` with the same settings given as `KAIROS_*` environment variables.
    pub fn env_command(&self) -> Command {
        let mut cmd = self.bare_command();
        cmd.env("KAIROS_DATA_DIR", self.dir.path());
        if let Some(pg) = &self.pg {
            cmd.env("KAIROS_DATABASE_URL", &pg.url);
        }
        cmd
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
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

    pub fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "kairos {args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn fails(&self, args: &[&str], stdin: Option<&str>) {
        let out = self.run(args, stdin);
        assert!(!out.status.success(), "kairos {args:?} succeeded");
    }
}

/// A `kairos serve` child process on a free port.
pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Server {
    pub fn free_addr() -> String {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        format!("127.0.0.1:{port}")
    }

    pub fn start(place: &Place) -> Server {
        let addr = Server::free_addr();
        let mut cmd = place.command();
        cmd.args(["serve", "--listen", &addr]);
        Server::spawn(cmd, addr)
    }

    /// The server configured through the environment only.
    pub fn start_from_env(place: &Place) -> Server {
        let addr = Server::free_addr();
        let mut cmd = place.env_command();
        cmd.env("KAIROS_LISTEN", &addr).arg("serve");
        Server::spawn(cmd, addr)
    }

    pub fn spawn(mut cmd: Command, addr: String) -> Server {
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

    pub fn wait_ready(&self) {
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
    pub fn try_request(
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

    pub fn request(
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

    pub fn propfind_status(&self, user: &str, password: &str) -> u16 {
        self.request(
            "PROPFIND",
            "/dav/",
            (user, password),
            &[("Depth", "0".into())],
            "",
        )
        .0
    }

    pub fn sigterm(&self) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(killed.success());
    }

    /// SIGTERM, then the exit status (which must come).
    pub fn stop(self) {
        self.sigterm();
        self.wait_exit();
    }

    /// Waits for the process to end after a SIGTERM and checks it ended well.
    pub fn wait_exit(mut self) {
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

impl Place {
    /// `kairos user add NAME` with `password`.
    pub fn add_user(&self, name: &str, password: &str) {
        self.ok(
            &["user", "add", name, "--password-stdin"],
            Some(&format!("{password}\n")),
        );
    }
}

/// An HTTP answer, body byte for byte.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// A header's value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Splits a raw HTTP/1.1 response (read to the end) into an [`Answer`], undoing chunked
/// transfer coding.
fn parse_answer(raw: &[u8]) -> std::io::Result<Answer> {
    let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned());
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of head"))?;
    let head = std::str::from_utf8(&raw[..split]).map_err(|_| bad("head not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let line_end = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .ok_or_else(|| bad("bad chunk"))?;
            let size_text = std::str::from_utf8(&rest[..line_end]).map_err(|_| bad("bad chunk"))?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| bad("bad chunk size"))?;
            rest = &rest[line_end + 2..];
            if size == 0 {
                break;
            }
            if rest.len() < size + 2 {
                return Err(bad("short chunk"));
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
        body = out;
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

impl Server {
    /// `kairos serve` with extra arguments (e.g. `--role front`).
    pub fn start_with(place: &Place, args: &[&str]) -> Server {
        let addr = Server::free_addr();
        let mut cmd = place.command();
        cmd.args(["serve", "--listen", &addr]).args(args);
        Server::spawn(cmd, addr)
    }

    /// Where to reach it (shareable with threads while the server is owned here).
    pub fn endpoint(&self) -> Endpoint {
        Endpoint {
            addr: self.addr.clone(),
        }
    }

    /// Kills the process with SIGKILL: no shutdown, no flush, no goodbye.
    pub fn kill9(mut self) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }
}

/// A failed test must not leave servers running.
impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A server's address, to send requests to.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub addr: String,
}

impl Endpoint {
    /// One request with Basic auth, answer byte for byte; errors when the connection
    /// fails (e.g. the server was killed).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        user: (&str, &str),
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Answer> {
        let auth =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", user.0, user.1));
        let mut s = TcpStream::connect(&self.addr)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Authorization: Basic {auth}\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        s.write_all(&bytes)?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)?;
        parse_answer(&raw)
    }
}
