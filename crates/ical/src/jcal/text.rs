//! Escaping between iCalendar's text forms and plain JSON strings: TEXT values (RFC 5545
//! §3.3.11), list and part separators, and parameter values (RFC 6868).

/// Characters the crate's line reader refuses (C0 controls but tab, and DEL); C1 controls
/// pass there, so they pass here, or text read from iCalendar could not be written back.
fn is_forbidden(c: char) -> bool {
    (c < ' ' && c != '\t') || c == '\u{7f}'
}

fn forbidden_error(c: char) -> String {
    format!("control character U+{:04X} cannot be written", u32::from(c))
}

/// A TEXT value with `\`, `;`, `,` and line breaks escaped. A CR or CRLF is a line break
/// too: JSON producers write them, and TEXT has only the one `\n` escape.
pub(crate) fn escape_text(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            c if is_forbidden(c) => return Err(forbidden_error(c)),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Text written unchanged (URIs, unknown values, recur parts): only the characters that
/// would break the line are refused.
pub(crate) fn check_raw(s: &str) -> Result<(), String> {
    match s.chars().find(|&c| is_forbidden(c)) {
        Some(c) => Err(forbidden_error(c)),
        None => Ok(()),
    }
}

/// Splits at each `sep` that no backslash escapes, keeping the escapes for the caller.
pub(crate) fn split_unescaped(value: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(value.get(start..i).unwrap_or_default());
            start = i + c.len_utf8();
        }
    }
    parts.push(value.get(start..).unwrap_or_default());
    parts
}

/// A parameter value with RFC 6868 `^` escapes resolved; an unknown `^x` stays as written
/// (RFC 6868 §3.2).
pub(crate) fn decode_param(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        let decoded = match chars.peek() {
            Some('^') => '^',
            Some('\'') => '"',
            Some('n') => '\n',
            _ => {
                out.push('^');
                continue;
            }
        };
        out.push(decoded);
        chars.next();
    }
    out
}

/// A parameter value ready for a content line: RFC 6868 escapes for `^`, `"` and line
/// breaks, and DQUOTEs when it holds a delimiter (RFC 5545 §3.1, `quoted-string`).
pub(crate) fn encode_param(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len() + 2);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("^n");
            }
            c if is_forbidden(c) => return Err(forbidden_error(c)),
            c => out.push(c),
        }
    }
    if out.contains([':', ';', ',']) {
        out.insert(0, '"');
        out.push('"');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::unescape_text;

    #[test]
    fn text_escapes() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg\th").as_deref(),
            Ok("a\\\\b\\;c\\,d\\ne\\nf\\ng\th")
        );
        assert!(escape_text("bell\u{7}").is_err());
        assert!(escape_text("del\u{7f}").is_err());
        let s = "x\\y;z,\n";
        assert_eq!(escape_text(s).map(|e| unescape_text(&e)).as_deref(), Ok(s));
    }

    #[test]
    fn splits_only_at_unescaped_separators() {
        assert_eq!(split_unescaped(r"a\,b,c", ','), vec![r"a\,b", "c"]);
        assert_eq!(split_unescaped(r"a\\,b", ','), vec![r"a\\", "b"]);
        assert_eq!(split_unescaped("", ','), vec![""]);
        assert_eq!(split_unescaped("2.0;Success", ';'), vec!["2.0", "Success"]);
        assert_eq!(split_unescaped("ü;日", ';'), vec!["ü", "日"]);
    }

    #[test]
    fn parameter_values() {
        assert_eq!(decode_param("^^a^'b^'^nc^x^"), "^a\"b\"\nc^x^");
        assert_eq!(encode_param("Anna Müller").as_deref(), Ok("Anna Müller"));
        assert_eq!(encode_param("a:b").as_deref(), Ok("\"a:b\""));
        assert_eq!(
            encode_param("say \"hi\"\n^").as_deref(),
            Ok("say ^'hi^'^n^^")
        );
        assert!(encode_param("\u{0}").is_err());
        for s in ["^x", "^^", "a\"b", "line\nbreak", "plain"] {
            let encoded = encode_param(s).unwrap();
            assert_eq!(decode_param(encoded.trim_matches('"')), s);
        }
    }

    #[test]
    fn raw_text_refuses_line_breaks() {
        assert!(check_raw("geo:1,2;x\\,y\t").is_ok());
        assert!(check_raw("a\nb").is_err());
    }
}
