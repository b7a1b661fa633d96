//! Unfolding (RFC 5545 §3.1): physical lines to logical content lines.
//!
//! Unfolding works on octets, before any UTF-8 check: RFC 5545 folds at 75 *octets*, so a
//! fold may split a multi-byte character and only the joined line is UTF-8.

use crate::error::IngestError;

/// One logical line: a range of [`Unfolded::text`] and the physical line it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
}

/// The unfolded text, logical lines separated by `\n` (so it is also fit for calcard).
#[derive(Debug)]
pub(crate) struct Unfolded {
    pub text: String,
    pub spans: Vec<Span>,
}

impl Unfolded {
    /// The logical lines with their starting physical line numbers, blank ones included.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.spans
            .iter()
            .map(|s| (s.line, self.text.get(s.start..s.end).unwrap_or_default()))
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Joins folded lines. Accepts CRLF and bare LF; a line starting with a space or tab
/// continues the previous one, minus that one whitespace octet.
pub(crate) fn unfold(bytes: &[u8]) -> Result<Unfolded, IngestError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut spans: Vec<Span> = Vec::new();
    for (index, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        match raw.split_first() {
            Some((b' ' | b'\t', rest)) => {
                let Some(span) = spans.last_mut() else {
                    return Err(IngestError::syntax(
                        line,
                        "folded continuation line with no line before it",
                    ));
                };
                out.extend_from_slice(rest);
                span.end = out.len();
            }
            _ => {
                if !spans.is_empty() {
                    out.push(b'\n');
                }
                let start = out.len();
                out.extend_from_slice(raw);
                spans.push(Span {
                    start,
                    end: out.len(),
                    line,
                });
            }
        }
    }
    match String::from_utf8(out) {
        Ok(text) => Ok(Unfolded { text, spans }),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            // Spans are sorted by start, so the bad octet is in the last span starting at or before it.
            let idx = spans.partition_point(|s| s.start <= at);
            let line = idx
                .checked_sub(1)
                .and_then(|i| spans.get(i))
                .map_or(1, |s| s.line);
            Err(IngestError::NotUtf8 { line })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logical(input: &[u8]) -> Vec<(usize, String)> {
        let unfolded = unfold(input).unwrap_or_else(|e| panic!("{e}"));
        unfolded.lines().map(|(n, s)| (n, s.to_owned())).collect()
    }

    #[test]
    fn crlf_and_lf_give_the_same_lines() {
        let crlf = logical(b"A:1\r\nB:2\r\n");
        let lf = logical(b"A:1\nB:2\n");
        assert_eq!(crlf, lf);
        assert_eq!(
            crlf,
            vec![(1, "A:1".into()), (2, "B:2".into()), (3, String::new())]
        );
    }

    #[test]
    fn folds_join_and_keep_the_first_line_number() {
        let lines = logical(b"A:he\r\n llo\r\n\tworld\r\nB:x");
        assert_eq!(lines, vec![(1, "A:helloworld".into()), (4, "B:x".into())]);
    }

    #[test]
    fn only_one_whitespace_octet_is_removed() {
        let lines = logical(b"A:a\n  b");
        assert_eq!(lines, vec![(1, "A:a b".into())]);
    }

    #[test]
    fn fold_inside_a_utf8_sequence_joins_octets() {
        // "é" is C3 A9; fold between the two octets.
        let lines = logical(b"A:caf\xC3\r\n \xA9\r\n");
        assert_eq!(lines[0], (1, "A:café".into()));
    }

    #[test]
    fn bad_utf8_reports_its_line() {
        let err = unfold(b"A:1\nB:\xFF\n").err();
        assert_eq!(err, Some(IngestError::NotUtf8 { line: 2 }));
        let err = unfold(b"A:\xC3").err();
        assert_eq!(err, Some(IngestError::NotUtf8 { line: 1 }));
    }

    #[test]
    fn continuation_first_is_a_syntax_error() {
        assert!(matches!(
            unfold(b" A:1"),
            Err(IngestError::Syntax { line: 1, .. })
        ));
    }

    #[test]
    fn bom_is_skipped() {
        let lines = logical(b"\xEF\xBB\xBFA:1");
        assert_eq!(lines, vec![(1, "A:1".into())]);
    }
}
