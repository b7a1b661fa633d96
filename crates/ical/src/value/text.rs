//! TEXT values (RFC 5545 §3.3.11).

/// Resolves the TEXT escapes `\\`, `\;`, `\,` and `\n`/`\N`; other backslashes are kept,
/// as producers write them unescaped.
pub(crate) fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c @ ('\\' | ';' | ',')) => out.push(c),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(unescape_text(r"a\,b\;c\\d\ne\Nf"), "a,b;c\\d\ne\nf");
        assert_eq!(unescape_text(r"C:\temp\"), r"C:\temp\");
        assert_eq!(unescape_text("plain"), "plain");
    }
}
