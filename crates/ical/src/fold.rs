//! Writing content lines: folded at 75 octets (RFC 5545 §3.1), never inside a UTF-8
//! sequence, each ended by CRLF.

/// Longest line in octets, without the CRLF.
const LIMIT: usize = 75;

/// Appends `line` (unfolded, without line break) to `out`, folded and CRLF-terminated.
pub(crate) fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > LIMIT {
            out.push_str("\r\n ");
            // The continuation line's leading space counts towards its 75 octets.
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// One logical line, folded and CRLF-terminated.
pub(crate) fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / LIMIT * 3 + 2);
    push_folded(&mut out, line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_on_char_boundaries() {
        let mut out = String::new();
        let line = format!("DESCRIPTION:{}", "é".repeat(80));
        push_folded(&mut out, &line);
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("{line}\r\n"));

        let mut short = String::new();
        push_folded(&mut short, "UID:1");
        assert_eq!(short, "UID:1\r\n");
    }
}
