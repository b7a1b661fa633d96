//! End-to-end test harness: the real router over a fresh, migrated store with two users,
//! driven in-process with `tower::ServiceExt::oneshot` (no network).
//!
//! SQLite in a temporary directory by default; when `DATABASE_URL` is a `postgres://`
//! URL, every harness creates its own database `kairos_e2e_<random>` on that server and
//! drops it (WITH FORCE) when dropped, even after a panic.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod api;
pub mod appendix_b;
pub mod process;
pub mod xml;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::BodyExt;
use kairos::settings::Settings;
use kairos_core::Kairos;
use kairos_core::users::Admin;
use kairos_store_sql::{SqlStore, StoreConfig, sqlite_url_for_dir};
use kairos_test_support::TestDatabase;
use tower::ServiceExt;

pub use xml::{Multistatus, Node, ns};

/// Alice's credentials.
pub const ALICE: Option<(&str, &str)> = Some(("alice", "alice-password"));
/// Bob's credentials.
pub const BOB: Option<(&str, &str)> = Some(("bob", "bob-password-1"));

/// Alice's home and default calendar.
pub const ALICE_HOME: &str = "/dav/calendars/alice/";
pub const ALICE_CAL: &str = "/dav/calendars/alice/default/";
/// Bob's home and default calendar.
pub const BOB_HOME: &str = "/dav/calendars/bob/";
pub const BOB_CAL: &str = "/dav/calendars/bob/default/";

/// One running application over its own store.
pub struct Harness {
    pub core: Arc<Kairos>,
    pub settings: Settings,
    pub store: SqlStore,
    app: Router,
    _db: TestDatabase,
}

/// An answer: status, headers and body.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    /// The body as text (panics on invalid UTF-8).
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("UTF-8 body")
    }

    /// The body parsed as XML.
    pub fn xml(&self) -> Node {
        xml::parse(&self.body)
            .unwrap_or_else(|e| panic!("response is not XML ({e}): {}", self.text()))
    }

    /// The body as a multistatus (asserting 207 first).
    pub fn multistatus(&self) -> Multistatus {
        assert_eq!(self.status, StatusCode::MULTI_STATUS, "{}", self.text());
        Multistatus::from_node(&self.xml())
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header"))
    }

    /// The ETag header, quotes included.
    pub fn etag(&self) -> String {
        self.header("etag").expect("ETag header").to_owned()
    }

    /// Asserts a `<D:error>` body holding the condition `(ns, local)` and returns it.
    pub fn assert_condition(&self, status: StatusCode, ns: &str, local: &str) -> Node {
        assert_eq!(self.status, status, "{}", self.text());
        let root = self.xml();
        assert!(
            root.is(ns::DAV, "error"),
            "not a DAV:error: {}",
            self.text()
        );
        root.child(ns, local)
            .unwrap_or_else(|| panic!("no {{{ns}}}{local} in {}", self.text()))
            .clone()
    }
}

impl Harness {
    /// The application with default settings and users alice and bob.
    pub async fn new() -> Harness {
        Harness::with_settings(|_| {}).await
    }

    /// The application with adjusted settings and users alice and bob.
    pub async fn with_settings(adjust: impl FnOnce(&mut Settings)) -> Harness {
        let db = TestDatabase::new(|dir| sqlite_url_for_dir(dir).expect("sqlite url")).await;
        let h = Harness::on(db, adjust).await;
        for (name, password) in [ALICE, BOB].into_iter().flatten() {
            h.core
                .add_user(Admin::local_operator(), name, password)
                .await
                .expect("add user");
        }
        h
    }

    /// The application over `db` (migrated here), with no users.
    pub async fn on(db: TestDatabase, adjust: impl FnOnce(&mut Settings)) -> Harness {
        let mut settings = Settings {
            data_dir: db.dir.path().to_path_buf(),
            ..Settings::default()
        };
        adjust(&mut settings);
        let store = SqlStore::connect(&StoreConfig::new(db.url.clone()))
            .await
            .expect("connect");
        store.migrate().await.expect("migrate");
        let core = Arc::new(Kairos::new(Arc::new(store.clone()), settings.core()));
        let app = kairos::serve::app(core.clone(), &settings);
        Harness {
            core,
            settings,
            store,
            app,
            _db: db,
        }
    }

    /// The URL of this harness's database (for a second node on the same data).
    pub fn database_url(&self) -> &str {
        &self._db.url
    }

    /// The database under this harness.
    pub fn db(&self) -> &TestDatabase {
        &self._db
    }

    /// One request through the router.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        user: Option<(&str, &str)>,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> (StatusCode, HeaderMap, Bytes) {
        self.request_from(None, method, path, user, headers, body)
            .await
    }

    /// One request through the router, from a client address (as the real server
    /// records it for every connection).
    pub async fn request_from(
        &self,
        client: Option<SocketAddr>,
        method: &str,
        path: &str,
        user: Option<(&str, &str)>,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> (StatusCode, HeaderMap, Bytes) {
        let mut req = build_request(method, path, user, headers, body);
        if let Some(addr) = client {
            req.extensions_mut().insert(ConnectInfo(addr));
        }
        let response = self.app.clone().oneshot(req).await.expect("infallible");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        (parts.status, parts.headers, body)
    }

    /// Starts a GET whose answer streams (server-sent events): the status and the body,
    /// unread.
    pub async fn open_stream(&self, path: &str, user: Option<(&str, &str)>) -> (StatusCode, Body) {
        self.open("GET", path, user, &[], "").await
    }

    /// One request through the router: the status and the body, unread.
    pub async fn open(
        &self,
        method: &str,
        path: &str,
        user: Option<(&str, &str)>,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> (StatusCode, Body) {
        let req = build_request(method, path, user, headers, body);
        let response = self.app.clone().oneshot(req).await.expect("infallible");
        let (parts, body) = response.into_parts();
        (parts.status, body)
    }

    /// [`Harness::request`] as a [`Resp`].
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        user: Option<(&str, &str)>,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Resp {
        let (status, headers, body) = self.request(method, path, user, headers, body).await;
        Resp {
            status,
            headers,
            body,
        }
    }

    /// PROPFIND with a Depth and an XML body.
    pub async fn propfind(
        &self,
        user: Option<(&str, &str)>,
        path: &str,
        depth: &str,
        body: &str,
    ) -> Resp {
        self.send(
            "PROPFIND",
            path,
            user,
            &[("depth", depth), ("content-type", "application/xml")],
            body.to_owned(),
        )
        .await
    }

    /// PROPFIND for named properties (`(ns, local)` pairs), parsed.
    pub async fn props(
        &self,
        user: Option<(&str, &str)>,
        path: &str,
        depth: &str,
        names: &[(&str, &str)],
    ) -> Multistatus {
        let r = self
            .propfind(user, path, depth, &propfind_body(names))
            .await;
        r.multistatus()
    }

    /// The privilege names of `href` in its current-user-privilege-set, from a PROPFIND
    /// of `path` with `depth` (sorted, e.g. `["bind", "read", …]`).
    pub async fn privileges(
        &self,
        user: Option<(&str, &str)>,
        path: &str,
        depth: &str,
        href: &str,
    ) -> Vec<String> {
        let ms = self
            .props(
                user,
                path,
                depth,
                &[(ns::DAV, "current-user-privilege-set")],
            )
            .await;
        let set = ms
            .response(href)
            .prop_ok(ns::DAV, "current-user-privilege-set");
        let mut out: Vec<String> = set
            .children_named(ns::DAV, "privilege")
            .flat_map(|p| p.children.iter().map(|c| c.local.clone()))
            .collect();
        out.sort();
        out
    }

    /// REPORT with a Depth and an XML body.
    pub async fn report(
        &self,
        user: Option<(&str, &str)>,
        path: &str,
        depth: &str,
        body: &str,
    ) -> Resp {
        self.send(
            "REPORT",
            path,
            user,
            &[("depth", depth), ("content-type", "application/xml")],
            body.to_owned(),
        )
        .await
    }

    /// PUT of iCalendar text.
    pub async fn put_ics(&self, user: Option<(&str, &str)>, path: &str, ics: &str) -> Resp {
        self.put_with(user, path, &[], ics).await
    }

    /// PUT of iCalendar text with extra headers.
    pub async fn put_with(
        &self,
        user: Option<(&str, &str)>,
        path: &str,
        headers: &[(&str, &str)],
        ics: &str,
    ) -> Resp {
        let mut h = vec![("content-type", "text/calendar; charset=utf-8")];
        h.extend_from_slice(headers);
        self.send("PUT", path, user, &h, ics.to_owned()).await
    }

    /// GET.
    pub async fn get(&self, user: Option<(&str, &str)>, path: &str) -> Resp {
        self.send("GET", path, user, &[], Bytes::new()).await
    }

    /// MKCALENDAR without a body; asserts 201.
    pub async fn mkcalendar(&self, user: Option<(&str, &str)>, path: &str) {
        let r = self.send("MKCALENDAR", path, user, &[], Bytes::new()).await;
        assert_eq!(
            r.status,
            StatusCode::CREATED,
            "MKCALENDAR {path}: {}",
            r.text()
        );
    }

    /// The collection's current sync token (DAV:sync-token).
    pub async fn sync_token(&self, user: Option<(&str, &str)>, path: &str) -> String {
        let ms = self
            .props(user, path, "0", &[(ns::DAV, "sync-token")])
            .await;
        ms.only().prop_text(ns::DAV, "sync-token")
    }

    /// The collection's current ctag (CS:getctag).
    pub async fn ctag(&self, user: Option<(&str, &str)>, path: &str) -> String {
        let ms = self.props(user, path, "0", &[(ns::CS, "getctag")]).await;
        ms.only().prop_text(ns::CS, "getctag")
    }

    /// Member hrefs of a collection (Depth 1 PROPFIND, the collection itself left out).
    pub async fn members(&self, user: Option<(&str, &str)>, path: &str) -> Vec<String> {
        let ms = self
            .props(user, path, "1", &[(ns::DAV, "resourcetype")])
            .await;
        let mut hrefs: Vec<String> = ms
            .responses
            .iter()
            .map(|r| r.href.clone())
            .filter(|h| h != path)
            .collect();
        hrefs.sort();
        hrefs
    }

    /// A sync-collection REPORT.
    pub async fn sync_collection(
        &self,
        user: Option<(&str, &str)>,
        path: &str,
        token: &str,
        limit: Option<u32>,
    ) -> Resp {
        self.report(
            user,
            path,
            "0",
            &sync_body(token, limit, &[(ns::DAV, "getetag")]),
        )
        .await
    }
}

/// A PROPFIND body asking for the named properties.
pub fn propfind_body(names: &[(&str, &str)]) -> String {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:propfind xmlns:D=\"DAV:\"><D:prop>",
    );
    for (ns, local) in names {
        body.push_str(&prop_element(ns, local));
    }
    body.push_str("</D:prop></D:propfind>");
    body
}

/// An empty element `{ns}local` (a prefix cannot be bound to the empty namespace).
fn prop_element(ns: &str, local: &str) -> String {
    if ns.is_empty() {
        format!("<{local} xmlns=\"\"/>")
    } else {
        format!("<x:{local} xmlns:x=\"{ns}\"/>")
    }
}

/// A sync-collection REPORT body.
pub fn sync_body(token: &str, limit: Option<u32>, names: &[(&str, &str)]) -> String {
    let mut body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:sync-collection xmlns:D=\"DAV:\">\
         <D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
    );
    if let Some(n) = limit {
        body.push_str(&format!("<D:limit><D:nresults>{n}</D:nresults></D:limit>"));
    }
    body.push_str("<D:prop>");
    for (ns, local) in names {
        body.push_str(&prop_element(ns, local));
    }
    body.push_str("</D:prop></D:sync-collection>");
    body
}

/// A calendar-multiget body for `hrefs`, asking for getetag and calendar-data.
pub fn multiget_body(hrefs: &[&str]) -> String {
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n\
         <C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\
         <D:prop><D:getetag/><C:calendar-data/></D:prop>",
    );
    for h in hrefs {
        body.push_str(&format!("<D:href>{h}</D:href>"));
    }
    body.push_str("</C:calendar-multiget>");
    body
}

/// A small VEVENT calendar object with CRLF line ends.
pub fn event(uid: &str, summary: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\nBEGIN:VEVENT\r\n\
         UID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\n\
         DURATION:PT1H\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// A small VTODO calendar object with CRLF line ends.
pub fn todo(uid: &str, summary: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos tests//EN\r\nBEGIN:VTODO\r\n\
         UID:{uid}\r\nDTSTAMP:20240101T000000Z\r\nSUMMARY:{summary}\r\nEND:VTODO\r\n\
         END:VCALENDAR\r\n"
    )
}

/// A request with Basic credentials for `user` and `headers` (appended, so a name may
/// repeat).
fn build_request(
    method: &str,
    path: &str,
    user: Option<(&str, &str)>,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Request<Body> {
    let mut req = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).expect("method"))
        .uri(path);
    if let Some((name, password)) = user {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{name}:{password}"));
        req = req.header("authorization", format!("Basic {token}"));
    }
    let mut req = req.body(Body::from(body.into())).expect("request");
    for (name, value) in headers {
        req.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
    }
    req
}
