//! Feeds arbitrary bytes to every entry point of kairos-ical. Nothing may panic, and what
//! `ingest` accepts must be self-consistent and read the same with bare LF line endings.

#![no_main]

use kairos_ical::{ingest, to_calcard, validate_timezone};
use libfuzzer_sys::fuzz_target;

/// `bytes` with every CRLF turned into LF.
fn to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
            out.push(b);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let _ = validate_timezone(data);
    let parsed = to_calcard(data);
    let Ok(obj) = ingest(data) else {
        return;
    };
    assert!(parsed.is_ok(), "ingest accepts what to_calcard refuses");
    assert!(!obj.uid.is_empty());
    assert!(obj.has_master || obj.overrides > 0);
    assert!(!obj.is_recurring || obj.has_master);
    assert!(obj.missing_timezones.iter().all(|t| obj.tzids.contains(t)));
    assert_eq!(
        ingest(&to_lf(data)),
        Ok(obj),
        "CRLF and LF read differently"
    );
});
