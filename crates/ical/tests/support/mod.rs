//! Shared helpers for the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The bytes of `tests/data/<path>`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// `bytes` with CRLF turned into bare LF.
pub fn to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    out
}

/// A VCALENDAR (LF endings) holding `body` verbatim.
pub fn calendar(body: &str) -> Vec<u8> {
    format!("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{body}\nEND:VCALENDAR\n")
        .into_bytes()
}

/// A VEVENT with UID `uid` and extra property lines `extra`.
pub fn event(uid: &str, extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("{extra}\n")
    };
    format!(
        "BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20240101T000000Z\nDTSTART:20240101T100000Z\n{extra}END:VEVENT"
    )
}
