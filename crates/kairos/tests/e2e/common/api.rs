//! JSON requests to the REST API through the harness.

use http::StatusCode;
use serde_json::Value;

use super::{Harness, Resp};

/// How a request signs in.
#[derive(Clone, Copy, Debug)]
pub enum As<'a> {
    /// Nobody.
    Anonymous,
    /// HTTP Basic.
    Basic(&'a str, &'a str),
    /// A Bearer token.
    Bearer(&'a str),
}

/// Alice with her password.
pub const ALICE_PW: As<'static> = As::Basic("alice", "alice-password");
/// Bob with his password.
pub const BOB_PW: As<'static> = As::Basic("bob", "bob-password-1");

impl Resp {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// Asserts a problem document with this status and returns it.
    pub fn problem(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text()
        );
        let p = self.json();
        assert_eq!(p["status"], status.as_u16(), "{p}");
        p
    }
}

impl Harness {
    /// An API request with an optional JSON body and extra headers.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        who: As<'_>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut all: Vec<(&str, String)> =
            headers.iter().map(|(k, v)| (*k, v.to_string())).collect();
        let user = match who {
            As::Anonymous => None,
            As::Basic(u, p) => Some((u, p)),
            As::Bearer(t) => {
                all.push(("authorization", format!("Bearer {t}")));
                None
            }
        };
        let bytes = match &body {
            Some(v) => {
                all.push(("content-type", "application/json".into()));
                serde_json::to_vec(v).unwrap()
            }
            None => Vec::new(),
        };
        let refs: Vec<(&str, &str)> = all.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.send(method, path, user, &refs, bytes).await
    }
}

impl Harness {
    /// A calendar alice makes over the API with these fields; its id.
    pub async fn alice_calendar(&self, fields: Value) -> String {
        let r = self
            .api("POST", "/api/v1/calendars", ALICE_PW, Some(fields), &[])
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["id"].as_str().expect("id").to_owned()
    }

    /// Alice shares calendar `id` with `user` (`read`, `read-write` or `free-busy`).
    pub async fn alice_shares(&self, id: &str, user: &str, access: &str) {
        let r = self
            .api(
                "PUT",
                &format!("/api/v1/calendars/{id}/shares/{user}"),
                ALICE_PW,
                Some(serde_json::json!({"access": access})),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    }
}
