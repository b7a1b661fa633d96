//! Pure parsers for the WebDAV request headers: Depth, Overwrite, If-Match /
//! If-None-Match and Destination.

use crate::error::XmlError;

/// The `Depth` header (RFC 4918 §10.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// `0`: the resource itself.
    Zero,
    /// `1`: the resource and its members.
    One,
    /// `infinity`: the whole subtree.
    Infinity,
}

impl Depth {
    /// Parses `0`, `1` or `infinity` (case-insensitive, surrounding whitespace ignored).
    pub fn parse(value: &str) -> Result<Self, XmlError> {
        match value.trim() {
            "0" => Ok(Depth::Zero),
            "1" => Ok(Depth::One),
            v if v.eq_ignore_ascii_case("infinity") => Ok(Depth::Infinity),
            _ => Err(XmlError::bad_header("Depth", value)),
        }
    }
}

/// Parses the `Overwrite` header (RFC 4918 §10.6): `T` → true, `F` → false.
pub fn parse_overwrite(value: &str) -> Result<bool, XmlError> {
    match value.trim() {
        "T" | "t" => Ok(true),
        "F" | "f" => Ok(false),
        _ => Err(XmlError::bad_header("Overwrite", value)),
    }
}

/// One entity tag (RFC 9110 §8.8.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTag {
    /// `W/` prefix present.
    pub weak: bool,
    /// The opaque tag, without the surrounding quotes.
    pub tag: String,
}

impl EntityTag {
    /// Parses a single entity tag such as `"abc"` or `W/"abc"`.
    pub fn parse(value: &str) -> Result<Self, XmlError> {
        let mut tags = parse_tag_list(value.trim(), "ETag")?;
        match (tags.pop(), tags.is_empty()) {
            (Some(tag), true) => Ok(tag),
            _ => Err(XmlError::bad_header("ETag", value)),
        }
    }

    /// Strong comparison (If-Match): both strong and the same tag.
    pub fn strong_eq(&self, other: &EntityTag) -> bool {
        !self.weak && !other.weak && self.tag == other.tag
    }

    /// Weak comparison (If-None-Match): the same tag, weakness ignored.
    pub fn weak_eq(&self, other: &EntityTag) -> bool {
        self.tag == other.tag
    }
}

/// The value of an `If-Match` or `If-None-Match` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityTagMatch {
    /// `*`: any current representation.
    Any,
    /// A list of entity tags (never empty).
    Tags(Vec<EntityTag>),
}

impl EntityTagMatch {
    /// If-Match semantics: true when `current` exists and strongly matches a listed tag.
    pub fn matches_strong(&self, current: Option<&EntityTag>) -> bool {
        match (self, current) {
            (_, None) => false,
            (EntityTagMatch::Any, Some(_)) => true,
            (EntityTagMatch::Tags(tags), Some(c)) => tags.iter().any(|t| t.strong_eq(c)),
        }
    }

    /// If-None-Match semantics: true when `current` exists and weakly matches a listed tag
    /// (the request condition then fails).
    pub fn matches_weak(&self, current: Option<&EntityTag>) -> bool {
        match (self, current) {
            (_, None) => false,
            (EntityTagMatch::Any, Some(_)) => true,
            (EntityTagMatch::Tags(tags), Some(c)) => tags.iter().any(|t| t.weak_eq(c)),
        }
    }
}

/// Parses an `If-Match` / `If-None-Match` value: `*` or a comma-separated list of tags.
/// Several header lines may be joined with commas before calling.
pub fn parse_etag_list(value: &str) -> Result<EntityTagMatch, XmlError> {
    let trimmed = value.trim();
    if trimmed == "*" {
        return Ok(EntityTagMatch::Any);
    }
    let tags = parse_tag_list(trimmed, "If-Match")?;
    if tags.is_empty() {
        return Err(XmlError::bad_header("If-Match", value));
    }
    Ok(EntityTagMatch::Tags(tags))
}

fn parse_tag_list(s: &str, header: &'static str) -> Result<Vec<EntityTag>, XmlError> {
    let bad = || XmlError::bad_header(header, s);
    let mut tags = Vec::new();
    let mut rest = s;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Ok(tags);
        }
        let (weak, after) = match rest.strip_prefix("W/") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let body = after.strip_prefix('"').ok_or_else(bad)?;
        let end = body.find('"').ok_or_else(bad)?;
        let tag = &body[..end];
        // etagc = %x21 / %x23-7E / obs-text
        if !tag
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x7E).contains(&b) || b >= 0x80)
        {
            return Err(bad());
        }
        tags.push(EntityTag {
            weak,
            tag: tag.to_owned(),
        });
        rest = &body[end + 1..];
        let next = rest.trim_start_matches([' ', '\t']);
        if !(next.is_empty() || next.starts_with(',')) {
            return Err(bad());
        }
        rest = next;
    }
}

/// A parsed `Destination` header (RFC 4918 §10.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// Lower-cased scheme (`http`/`https`) when the value was an absolute URI.
    pub scheme: Option<String>,
    /// `host[:port]` when the value was an absolute URI, for the front-end to compare.
    pub authority: Option<String>,
    /// The path, still percent-encoded, always starting with `/`; query and fragment dropped.
    pub path: String,
}

/// Parses a `Destination` value given as an absolute URI or an absolute path.
pub fn parse_destination(value: &str) -> Result<Destination, XmlError> {
    let bad = || XmlError::bad_header("Destination", value);
    let v = value.trim();
    if v.is_empty() || v.bytes().any(|b| b <= 0x20 || b == 0x7F || b >= 0x80) {
        return Err(bad());
    }
    let (scheme, authority, rest) = if v.starts_with('/') {
        if v.starts_with("//") {
            // A network-path reference would smuggle in an authority.
            return Err(bad());
        }
        (None, None, v)
    } else {
        let colon = v.find("://").ok_or_else(bad)?;
        let scheme = v[..colon].to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad());
        }
        let after = &v[colon + 3..];
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = &after[..end];
        // Userinfo in a Destination has no legitimate use.
        if authority.is_empty() || authority.contains('@') {
            return Err(bad());
        }
        (Some(scheme), Some(authority.to_owned()), &after[end..])
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let path = &rest[..end];
    let path = if path.is_empty() { "/" } else { path };
    Ok(Destination {
        scheme,
        authority,
        path: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth() {
        assert_eq!(Depth::parse("0"), Ok(Depth::Zero));
        assert_eq!(Depth::parse(" 1 "), Ok(Depth::One));
        assert_eq!(Depth::parse("infinity"), Ok(Depth::Infinity));
        assert_eq!(Depth::parse("Infinity"), Ok(Depth::Infinity));
        for bad in ["", "2", "-1", "01", "inf", "1,0"] {
            assert!(matches!(
                Depth::parse(bad),
                Err(XmlError::BadHeader { name: "Depth", .. })
            ));
        }
    }

    #[test]
    fn overwrite() {
        assert_eq!(parse_overwrite("T"), Ok(true));
        assert_eq!(parse_overwrite(" F"), Ok(false));
        assert!(parse_overwrite("yes").is_err());
        assert!(parse_overwrite("").is_err());
    }

    #[test]
    fn etag_lists() {
        assert_eq!(parse_etag_list(" * "), Ok(EntityTagMatch::Any));
        let list = parse_etag_list(r#""abc", W/"def" ,"""#).unwrap();
        assert_eq!(
            list,
            EntityTagMatch::Tags(vec![
                EntityTag {
                    weak: false,
                    tag: "abc".into()
                },
                EntityTag {
                    weak: true,
                    tag: "def".into()
                },
                EntityTag {
                    weak: false,
                    tag: "".into()
                },
            ])
        );
        for bad in [
            "",
            "abc",
            "\"abc",
            "\"a\" \"b\"",
            "W/abc",
            "\"a b\"",
            "*,\"a\"",
            ",",
        ] {
            assert!(parse_etag_list(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn etag_comparison() {
        let strong = EntityTag::parse("\"1\"").unwrap();
        let weak = EntityTag::parse("W/\"1\"").unwrap();
        assert!(strong.strong_eq(&strong) && !strong.strong_eq(&weak));
        assert!(strong.weak_eq(&weak));
        let list = parse_etag_list("W/\"1\", \"2\"").unwrap();
        assert!(!list.matches_strong(Some(&strong)));
        assert!(list.matches_weak(Some(&strong)));
        assert!(!list.matches_weak(None));
        assert!(EntityTagMatch::Any.matches_strong(Some(&strong)));
        assert!(!EntityTagMatch::Any.matches_strong(None));
        assert!(EntityTag::parse("\"a\", \"b\"").is_err());
    }

    #[test]
    fn destination() {
        let d = parse_destination("http://cal.example.com:8008/dav/a%20b.ics?x=1#f").unwrap();
        assert_eq!(d.scheme.as_deref(), Some("http"));
        assert_eq!(d.authority.as_deref(), Some("cal.example.com:8008"));
        assert_eq!(d.path, "/dav/a%20b.ics");
        let d = parse_destination("HTTPS://h").unwrap();
        assert_eq!((d.scheme.as_deref(), d.path.as_str()), (Some("https"), "/"));
        let d = parse_destination("/dav/x/").unwrap();
        assert_eq!((d.authority, d.path.as_str()), (None, "/dav/x/"));
        for bad in [
            "",
            "dav/x",
            "//evil/x",
            "ftp://h/x",
            "http:///x",
            "http://u:p@h/x",
            "http://h/a b",
            "http://h/\u{e9}",
        ] {
            assert!(parse_destination(bad).is_err(), "{bad}");
        }
    }
}
