//! One logical content line: `name *(";" param) ":" value` (RFC 5545 §3.1).

use crate::error::{IngestError, clip};

/// A parameter with its values, DQUOTEs removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Param<'a> {
    pub name: &'a str,
    pub values: Vec<&'a str>,
}

/// A parsed content line borrowing from the unfolded text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ContentLine<'a> {
    pub line: usize,
    pub name: &'a str,
    pub params: Vec<Param<'a>>,
    pub value: &'a str,
}

impl<'a> ContentLine<'a> {
    /// Whether the property is called `name` (names are case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The first value of the first parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .and_then(|p| p.values.first().copied())
    }
}

/// RFC 5545 names are `1*(ALPHA / DIGIT / "-")`; `_` is let through because some
/// producers put it in X- names and it cannot be confused with a delimiter.
fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Reads a content line. `text` is one unfolded line without its line break.
pub(crate) fn parse(text: &str, line: usize) -> Result<ContentLine<'_>, IngestError> {
    // XML 1.0 cannot carry these, and calendar data is embedded in REPORT bodies.
    if let Some(b) = text
        .bytes()
        .find(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        return Err(IngestError::syntax(
            line,
            format!("control character 0x{b:02X}"),
        ));
    }
    let bytes = text.as_bytes();
    let name_end = bytes
        .iter()
        .position(|&b| !is_name_char(b))
        .unwrap_or(bytes.len());
    let name = &text[..name_end];
    if name.is_empty() {
        return Err(IngestError::syntax(line, "content line without a name"));
    }
    let mut pos = name_end;
    let mut params = Vec::new();
    loop {
        match bytes.get(pos) {
            Some(b':') => break,
            Some(b';') => {
                let (param, next) = parse_param(text, pos + 1, line)?;
                params.push(param);
                pos = next;
            }
            Some(_) => {
                return Err(IngestError::syntax(
                    line,
                    format!("unexpected character in property name {}", clip(text)),
                ));
            }
            None => {
                return Err(IngestError::syntax(
                    line,
                    format!("content line without ':': {}", clip(text)),
                ));
            }
        }
    }
    Ok(ContentLine {
        line,
        name,
        params,
        value: &text[pos + 1..],
    })
}

/// Reads `name "=" value *("," value)` starting at `start`; returns the position of the
/// delimiter that ends it (`;` or `:`).
fn parse_param(text: &str, start: usize, line: usize) -> Result<(Param<'_>, usize), IngestError> {
    let bytes = text.as_bytes();
    let rest = bytes.get(start..).unwrap_or_default();
    let name_len = rest
        .iter()
        .position(|&b| !is_name_char(b))
        .unwrap_or(rest.len());
    if name_len == 0 {
        return Err(IngestError::syntax(line, "parameter without a name"));
    }
    let name = &text[start..start + name_len];
    let mut pos = start + name_len;
    if bytes.get(pos) != Some(&b'=') {
        return Err(IngestError::syntax(
            line,
            format!("parameter {} without '='", clip(name)),
        ));
    }
    pos += 1;
    let mut values = Vec::new();
    loop {
        let (value, end) = if bytes.get(pos) == Some(&b'"') {
            let Some(len) = bytes
                .get(pos + 1..)
                .and_then(|r| r.iter().position(|&b| b == b'"'))
            else {
                return Err(IngestError::syntax(
                    line,
                    format!("unterminated quoted value of parameter {}", clip(name)),
                ));
            };
            (&text[pos + 1..pos + 1 + len], pos + len + 2)
        } else {
            let len = bytes
                .get(pos..)
                .unwrap_or_default()
                .iter()
                .position(|&b| matches!(b, b',' | b';' | b':' | b'"'))
                .unwrap_or(bytes.len().saturating_sub(pos));
            (&text[pos..pos + len], pos + len)
        };
        values.push(value);
        match bytes.get(end) {
            Some(b',') => pos = end + 1,
            Some(b';' | b':') => return Ok((Param { name, values }, end)),
            Some(b'"') => {
                return Err(IngestError::syntax(
                    line,
                    format!("stray '\"' in parameter {}", clip(name)),
                ));
            }
            Some(_) => {
                return Err(IngestError::syntax(
                    line,
                    format!("text after the quoted value of parameter {}", clip(name)),
                ));
            }
            None => {
                return Err(IngestError::syntax(
                    line,
                    "content line without ':' after its parameters",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_line() {
        let cl = parse("SUMMARY:Hello: world;x", 3).unwrap();
        assert_eq!(cl.line, 3);
        assert_eq!(cl.name, "SUMMARY");
        assert!(cl.params.is_empty());
        assert_eq!(cl.value, "Hello: world;x");
    }

    #[test]
    fn params_quoted_and_multi_valued() {
        let cl = parse(
            r#"ATTENDEE;DELEGATED-TO="mailto:a@x","mailto:b@x";CN=Joe;X-E=:mailto:c@x"#,
            1,
        )
        .unwrap();
        assert_eq!(cl.params.len(), 3);
        assert_eq!(cl.params[0].values, vec!["mailto:a@x", "mailto:b@x"]);
        assert_eq!(cl.param("cn"), Some("Joe"));
        assert_eq!(cl.param("X-E"), Some(""));
        assert_eq!(cl.value, "mailto:c@x");
    }

    #[test]
    fn empty_value_is_fine() {
        assert_eq!(parse("DESCRIPTION:", 1).unwrap().value, "");
    }

    #[test]
    fn rejects() {
        for bad in [
            "NOCOLON",
            ":value",
            "NA ME:x",
            "X;:v",
            "X;P:v",
            "X;P=\"open:v",
            "X;P=\"a\"b:v",
            "X;P=a\"b:v",
            "X;P=a",
            "X:a\u{0}b",
            "X:a\rb",
        ] {
            assert!(
                matches!(parse(bad, 7), Err(IngestError::Syntax { line: 7, .. })),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn tab_and_non_ascii_are_fine() {
        let cl = parse("SUMMARY:a\tb – ü 日本", 1).unwrap();
        assert_eq!(cl.value, "a\tb – ü 日本");
    }
}
