//! XML escaping straight into an output buffer.

/// Appends `s` as element content: `&`, `<`, `>` escaped, and `\r` as a character
/// reference so it survives the reader's end-of-line normalisation.
///
/// Why memchr: calendar data is most of a REPORT answer, and a byte-by-byte loop over it
/// was 18 % of the server's CPU for the one-week time-range query on the 10,000-event
/// bench calendar. It has a CR on every line and rarely anything else to escape, so the
/// text is cut at CRs, then each line searched for markup, both with SIMD scans.
pub(crate) fn push_text(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(cr) = memchr::memchr(b'\r', rest.as_bytes()) {
        // `\r` is ASCII: `cr` and `cr + 1` are char boundaries.
        push_markup_escaped(out, &rest[..cr]);
        out.push_str("&#13;");
        rest = &rest[cr + 1..];
    }
    push_markup_escaped(out, rest);
}

/// Appends `s` with `&`, `<` and `>` escaped.
fn push_markup_escaped(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = memchr::memchr3(b'&', b'<', b'>', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Appends `s` as a double-quoted attribute value; whitespace controls become character
/// references because attribute-value normalisation would otherwise turn them into spaces.
pub(crate) fn push_attr(out: &mut String, s: &str) {
    push_escaped(out, s, true);
}

fn push_escaped(out: &mut String, s: &str, attr: bool) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'\r' => "&#13;",
            b'"' if attr => "&quot;",
            b'\n' if attr => "&#10;",
            b'\t' if attr => "&#9;",
            _ => continue,
        };
        // Every byte matched above is ASCII, so `i` is always a char boundary.
        out.push_str(&s[start..i]);
        out.push_str(rep);
        start = i + 1;
    }
    out.push_str(&s[start..]);
}

/// True for characters XML 1.0 allows in a document (§2.2 `Char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attrs() {
        let mut s = String::new();
        push_text(&mut s, "a<b>&\"c\"\r\n\u{10000}");
        assert_eq!(s, "a&lt;b&gt;&amp;\"c\"&#13;\n\u{10000}");
        let mut s = String::new();
        push_attr(&mut s, "x\"y\n\tz'");
        assert_eq!(s, "x&quot;y&#10;&#9;z'");
    }

    proptest::proptest! {
        #[test]
        fn text_escaping_agrees_with_the_byte_loop(s in "[a-z&<>\r\n\"é\u{10000} ]{0,80}") {
            let mut fast = String::new();
            push_text(&mut fast, &s);
            let mut slow = String::new();
            push_escaped(&mut slow, &s, false);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn xml_chars() {
        assert!(is_xml_char('a'));
        assert!(is_xml_char('\u{10FFFF}'));
        assert!(!is_xml_char('\u{1}'));
        assert!(!is_xml_char('\u{FFFE}'));
    }
}
