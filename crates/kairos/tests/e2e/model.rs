//! Model-based property test: random sequences of PUT, DELETE, COPY and MOVE over two
//! calendars, checked against a plain in-memory model after every step — statuses,
//! listings, multiget, and sync-collection from any earlier token (with and without
//! `DAV:limit` paging) rebuilding exactly the current state.

use crate::common;

use std::collections::BTreeMap;

use bytes::Bytes;
use common::{ALICE, Harness, event, ns};
use http::StatusCode;
use proptest::prelude::*;

const NAMES: &[&str] = &["a.ics", "b.ics", "c.ics", "d.ics"];
const UIDS: &[&str] = &["u1", "u2", "u3"];

#[derive(Clone, Debug)]
enum Op {
    Put {
        cal: usize,
        name: usize,
        uid: usize,
    },
    Delete {
        cal: usize,
        name: usize,
    },
    Transfer {
        is_move: bool,
        from: (usize, usize),
        to: (usize, usize),
        overwrite: bool,
    },
    Proppatch {
        cal: usize,
    },
    SaveToken {
        cal: usize,
    },
    Check {
        cal: usize,
        token: usize,
        limit: Option<u32>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let cal = 0..2usize;
    let name = 0..NAMES.len();
    prop_oneof![
        4 => (cal.clone(), name.clone(), 0..UIDS.len())
            .prop_map(|(cal, name, uid)| Op::Put { cal, name, uid }),
        2 => (cal.clone(), name.clone()).prop_map(|(cal, name)| Op::Delete { cal, name }),
        3 => (any::<bool>(), (cal.clone(), name.clone()), (cal.clone(), name), any::<bool>())
            .prop_map(|(is_move, from, to, overwrite)| Op::Transfer { is_move, from, to, overwrite }),
        1 => cal.clone().prop_map(|cal| Op::Proppatch { cal }),
        2 => cal.clone().prop_map(|cal| Op::SaveToken { cal }),
        2 => (cal, 0..8usize, proptest::option::of(1..4u32))
            .prop_map(|(cal, token, limit)| Op::Check { cal, token, limit }),
    ]
}

/// name -> (uid, etag)
type Calendar = BTreeMap<String, (String, String)>;

struct World<'a> {
    h: &'a Harness,
    cals: [String; 2],
    model: [Calendar; 2],
    /// Saved (calendar, token, the calendar's name -> etag at that time).
    tokens: Vec<(usize, String, BTreeMap<String, String>)>,
    version: usize,
}

impl World<'_> {
    fn path(&self, cal: usize, name: usize) -> String {
        format!("{}{}", self.cals[cal], NAMES[name])
    }

    fn etags(&self, cal: usize) -> BTreeMap<String, String> {
        self.model[cal]
            .iter()
            .map(|(n, (_, e))| (n.clone(), e.clone()))
            .collect()
    }

    fn uid_holder(&self, cal: usize, uid: &str) -> Option<String> {
        self.model[cal]
            .iter()
            .find(|(_, (u, _))| u == uid)
            .map(|(n, _)| n.clone())
    }

    async fn apply(&mut self, op: &Op) {
        match *op {
            Op::Put { cal, name, uid } => {
                self.version += 1;
                let body = event(UIDS[uid], &format!("v{}", self.version));
                let r = self.h.put_ics(ALICE, &self.path(cal, name), &body).await;
                let holder = self.uid_holder(cal, UIDS[uid]);
                let exists = self.model[cal].contains_key(NAMES[name]);
                let expected = match holder {
                    Some(h) if h != NAMES[name] => StatusCode::CONFLICT,
                    _ if exists => StatusCode::NO_CONTENT,
                    _ => StatusCode::CREATED,
                };
                assert_eq!(r.status, expected, "{op:?}: {}", r.text());
                if r.status.is_success() {
                    self.model[cal].insert(NAMES[name].into(), (UIDS[uid].into(), r.etag()));
                }
            }
            Op::Delete { cal, name } => {
                let r = self
                    .h
                    .send("DELETE", &self.path(cal, name), ALICE, &[], Bytes::new())
                    .await;
                let expected = if self.model[cal].remove(NAMES[name]).is_some() {
                    StatusCode::NO_CONTENT
                } else {
                    StatusCode::NOT_FOUND
                };
                assert_eq!(r.status, expected, "{op:?}");
            }
            Op::Transfer {
                is_move,
                from,
                to,
                overwrite,
            } => {
                let method = if is_move { "MOVE" } else { "COPY" };
                let dest = self.path(to.0, to.1);
                let r = self
                    .h
                    .send(
                        method,
                        &self.path(from.0, from.1),
                        ALICE,
                        &[
                            ("destination", &dest),
                            ("overwrite", if overwrite { "T" } else { "F" }),
                        ],
                        Bytes::new(),
                    )
                    .await;
                let (src_name, dst_name) = (NAMES[from.1], NAMES[to.1]);
                let Some(source) = self.model[from.0].get(src_name).cloned() else {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{op:?}");
                    return;
                };
                if from == to {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{op:?}");
                    return;
                }
                let dest_exists = self.model[to.0].contains_key(dst_name);
                if dest_exists && !overwrite {
                    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{op:?}");
                    return;
                }
                // The UID may be held in the destination calendar by a resource that this
                // operation does not remove.
                let holder = self.uid_holder(to.0, &source.0);
                let conflict = match holder {
                    None => false,
                    Some(h) if h == dst_name => false,
                    Some(h) => !(is_move && from.0 == to.0 && h == src_name),
                };
                if conflict {
                    assert_eq!(r.status, StatusCode::CONFLICT, "{op:?}: {}", r.text());
                    return;
                }
                let expected = if dest_exists {
                    StatusCode::NO_CONTENT
                } else {
                    StatusCode::CREATED
                };
                assert_eq!(r.status, expected, "{op:?}: {}", r.text());
                if is_move {
                    self.model[from.0].remove(src_name);
                }
                self.model[to.0].insert(dst_name.into(), source);
            }
            Op::Proppatch { cal } => {
                self.version += 1;
                let body = format!(
                    r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>n{}</D:displayname></D:prop></D:set></D:propertyupdate>"#,
                    self.version
                );
                let r = self
                    .h
                    .send("PROPPATCH", &self.cals[cal], ALICE, &[], body)
                    .await;
                assert_eq!(r.status, StatusCode::MULTI_STATUS);
            }
            Op::SaveToken { cal } => {
                let token = self.h.sync_token(ALICE, &self.cals[cal]).await;
                let snapshot = self.etags(cal);
                self.tokens.push((cal, token, snapshot));
            }
            Op::Check { cal, token, limit } => {
                // Token 0 is the initial sync; others index the saved ones of `cal`.
                let saved: Vec<_> = self.tokens.iter().filter(|t| t.0 == cal).collect();
                let (token, mut state) = match token.checked_sub(1).and_then(|i| saved.get(i)) {
                    Some((_, t, s)) => (t.clone(), s.clone()),
                    None => (String::new(), BTreeMap::new()),
                };
                self.sync_and_compare(cal, token, &mut state, limit).await;
            }
        }
        self.check_listing().await;
    }

    /// Syncs from `token` (paging with `limit`), applies the answers to `state` and
    /// compares with the model.
    async fn sync_and_compare(
        &self,
        cal: usize,
        mut token: String,
        state: &mut BTreeMap<String, String>,
        limit: Option<u32>,
    ) {
        let base = &self.cals[cal];
        for _ in 0..100 {
            let r = self.h.sync_collection(ALICE, base, &token, limit).await;
            let ms = r.multistatus();
            let mut truncated = false;
            let mut count = 0;
            for resp in &ms.responses {
                if resp.status == Some(507) {
                    assert_eq!(&resp.href, base);
                    truncated = true;
                    continue;
                }
                count += 1;
                let name = resp.href.strip_prefix(base.as_str()).unwrap().to_owned();
                match resp.status {
                    Some(404) => {
                        state.remove(&name);
                    }
                    None => {
                        state.insert(name, resp.prop_text(ns::DAV, "getetag"));
                    }
                    Some(s) => panic!("status {s}"),
                }
            }
            if let Some(l) = limit {
                assert!(count <= l as usize);
            }
            token = ms.sync_token.clone().unwrap();
            if !truncated {
                assert_eq!(state, &self.etags(cal), "sync from a saved token");
                assert_eq!(token, self.h.sync_token(ALICE, base).await);
                return;
            }
        }
        panic!("sync never finished");
    }

    async fn check_listing(&self) {
        for cal in 0..2 {
            let ms = self
                .h
                .props(ALICE, &self.cals[cal], "1", &[(ns::DAV, "getetag")])
                .await;
            let listed: BTreeMap<String, String> = ms
                .responses
                .iter()
                .filter(|r| r.href != self.cals[cal])
                .map(|r| {
                    (
                        r.href
                            .strip_prefix(self.cals[cal].as_str())
                            .unwrap()
                            .to_owned(),
                        r.prop_text(ns::DAV, "getetag"),
                    )
                })
                .collect();
            assert_eq!(listed, self.etags(cal), "listing of {}", self.cals[cal]);
            // A multiget of every name agrees, and GET serves the same entity.
            let hrefs: Vec<String> = NAMES
                .iter()
                .map(|n| format!("{}{n}", self.cals[cal]))
                .collect();
            let refs: Vec<&str> = hrefs.iter().map(String::as_str).collect();
            let ms = self
                .h
                .report(ALICE, &self.cals[cal], "1", &common::multiget_body(&refs))
                .await
                .multistatus();
            for (name, href) in NAMES.iter().zip(&hrefs) {
                let resp = ms.response(href);
                match self.model[cal].get(*name) {
                    Some((uid, etag)) => {
                        assert_eq!(&resp.prop_text(ns::DAV, "getetag"), etag);
                        let data = resp.prop_text(ns::CALDAV, "calendar-data");
                        assert!(data.contains(&format!("UID:{uid}\r\n")), "{data}");
                        let get = self.h.get(ALICE, href).await;
                        assert_eq!(&get.etag(), etag);
                        assert_eq!(get.text(), data);
                    }
                    None => assert_eq!(resp.status, Some(404), "{href}"),
                }
            }
        }
    }
}

#[test]
fn random_operations_match_the_model() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let h = rt.block_on(Harness::new());
    let case = std::sync::atomic::AtomicUsize::new(0);
    let config = ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(ops in proptest::collection::vec(op(), 1..30))| {
        let case = case.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        rt.block_on(async {
            // Fresh calendars for every case on the one server.
            let cals = [
                format!("/dav/calendars/alice/m{case}a/"),
                format!("/dav/calendars/alice/m{case}b/"),
            ];
            for c in &cals {
                h.mkcalendar(ALICE, c).await;
            }
            let mut world = World {
                h: &h,
                cals,
                model: [Calendar::new(), Calendar::new()],
                tokens: Vec::new(),
                version: 0,
            };
            for op in &ops {
                world.apply(op).await;
            }
            // Finally every saved token still rebuilds the current state.
            for (cal, token, snapshot) in world.tokens.clone() {
                let mut state = snapshot;
                world.sync_and_compare(cal, token.clone(), &mut state, None).await;
                let mut state = world.tokens.iter().find(|t| t.1 == token).unwrap().2.clone();
                world.sync_and_compare(cal, token, &mut state, Some(1)).await;
            }
        });
    });
}
