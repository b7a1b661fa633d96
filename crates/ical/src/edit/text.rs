//! TEXT values, parameter values and calendar addresses between JSON and iCalendar.

use super::EditError;
use crate::value::unescape_text;

/// Refuses characters no content line may carry (the line reader rejects them).
pub(crate) fn check_chars(field: &str, s: &str, newlines: bool) -> Result<(), EditError> {
    match s
        .chars()
        .find(|&c| (c.is_control() && c != '\t' && !(newlines && c == '\n')) || c == '\u{7f}')
    {
        Some(c) => Err(EditError::field(
            field,
            format!("control character U+{:04X} is not allowed", u32::from(c)),
        )),
        None => Ok(()),
    }
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, `;`, `,` and newlines escaped.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A TEXT list split at unescaped commas, each value unescaped, empty ones dropped.
pub(crate) fn split_list(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in value.chars() {
        if escaped {
            current.push('\\');
            current.push(c);
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == ',' {
            out.push(unescape_text(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    out.push(unescape_text(&current));
    out.retain(|s| !s.is_empty());
    out
}

/// A parameter value as written by a person: RFC 6868 `^` escapes, so a display name may
/// hold a DQUOTE or a line break.
pub(crate) fn encode_param(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// The inverse of [`encode_param`]; an unknown `^x` stays as written (RFC 6868 §3).
pub(crate) fn decode_param(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('^') => out.push('^'),
            Some('\'') => out.push('"'),
            Some('n') => out.push('\n'),
            _ => {
                out.push('^');
                continue;
            }
        }
        chars.next();
    }
    out
}

/// The address of a CAL-ADDRESS: a `mailto:` URI without its scheme, others in full.
pub(crate) fn email_of(uri: &str) -> String {
    let uri = uri.trim();
    match uri.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => uri[7..].to_owned(),
        _ => uri.to_owned(),
    }
}

/// The CAL-ADDRESS for an address from JSON: a bare e-mail becomes a `mailto:` URI.
pub(crate) fn address_of(field: &str, email: &str) -> Result<String, EditError> {
    let email = email.trim();
    check_chars(field, email, false)?;
    if email.is_empty() {
        return Err(EditError::field(field, "an address is required"));
    }
    let has_scheme = email
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains('@'));
    Ok(if has_scheme {
        email.to_owned()
    } else {
        format!("mailto:{email}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        let s = "a, b; c\\d\nnext";
        assert_eq!(escape_text(s), "a\\, b\\; c\\\\d\\nnext");
        assert_eq!(unescape_text(&escape_text(s)), s);
        assert_eq!(split_list("a\\,b,c,,d"), ["a,b", "c", "d"]);
    }

    #[test]
    fn params_use_rfc6868() {
        let s = "Anna \"Ann\" ^ M\nx";
        assert_eq!(encode_param(s), "Anna ^'Ann^' ^^ M^nx");
        assert_eq!(decode_param(&encode_param(s)), s);
        assert_eq!(decode_param("a^b"), "a^b");
    }

    #[test]
    fn addresses() {
        assert_eq!(email_of("MAILTO:a@x"), "a@x");
        assert_eq!(email_of("urn:uuid:1"), "urn:uuid:1");
        assert_eq!(address_of("e", "a@x").unwrap(), "mailto:a@x");
        assert_eq!(address_of("e", "mailto:a@x").unwrap(), "mailto:a@x");
        assert!(address_of("e", "").is_err());
        assert!(check_chars("s", "a\u{0}", false).is_err());
        assert!(check_chars("s", "a\nb", true).is_ok());
        assert!(check_chars("s", "a\nb", false).is_err());
    }
}
