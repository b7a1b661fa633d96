//! The DAV URL space and hrefs.
//!
//! ```text
//! /                              discovery entry (PROPFIND current-user-principal)
//! /.well-known/caldav            redirect to /dav/
//! /dav/                          DAV root
//! /dav/principals/               principal collection
//! /dav/principals/{user}/        a user's principal
//! /dav/calendars/                collection of homes
//! /dav/calendars/{user}/...      a user's home, calendars, objects, plain collections
//! ```

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Mount point of the DAV tree.
pub const DAV_ROOT: &str = "/dav/";
/// Principal collection.
pub const PRINCIPALS: &str = "/dav/principals/";
/// Collection of calendar homes.
pub const CALENDARS: &str = "/dav/calendars/";

/// What a request path names, before any lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DavPath {
    /// `/`
    Root,
    /// `/dav/`
    DavRoot,
    /// `/dav/principals/`
    Principals,
    /// `/dav/principals/{user}/`
    Principal(String),
    /// `/dav/calendars/`
    Homes,
    /// `/dav/calendars/{owner}/{segments…}`
    Home {
        /// Owner's login name.
        owner: String,
        /// Home-relative segments, decoded.
        segments: Vec<String>,
        /// Whether the path ended in `/`.
        trailing_slash: bool,
    },
}

/// Why a path could not be understood.
#[derive(Debug, PartialEq, Eq)]
pub struct BadPath;

fn decode(seg: &str) -> Result<String, BadPath> {
    percent_decode_str(seg)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| BadPath)
}

impl DavPath {
    /// Parses the path component of a request URI (percent-encoded, no query).
    pub fn parse(path: &str) -> Result<Option<DavPath>, BadPath> {
        if path == "/" || path.is_empty() {
            return Ok(Some(DavPath::Root));
        }
        let Some(rest) = path.strip_prefix("/dav") else {
            return Ok(None);
        };
        if rest.is_empty() || rest == "/" {
            return Ok(Some(DavPath::DavRoot));
        }
        let Some(rest) = rest.strip_prefix('/') else {
            return Ok(None);
        };
        let trailing_slash = rest.ends_with('/');
        let mut parts = rest.split('/').filter(|s| !s.is_empty());
        let area = parts.next().unwrap_or("");
        let decoded: Vec<String> = parts.map(decode).collect::<Result<_, _>>()?;
        if decoded
            .iter()
            .any(|s| s.contains('/') || s == "." || s == "..")
        {
            return Err(BadPath);
        }
        let mut decoded = decoded.into_iter();
        Ok(match area {
            "principals" => match (decoded.next(), decoded.next()) {
                (None, _) => Some(DavPath::Principals),
                (Some(user), None) => Some(DavPath::Principal(user)),
                (Some(_), Some(_)) => None,
            },
            "calendars" => match decoded.next() {
                None => Some(DavPath::Homes),
                Some(owner) => Some(DavPath::Home {
                    owner,
                    segments: decoded.collect(),
                    trailing_slash,
                }),
            },
            _ => None,
        })
    }
}

/// Characters escaped in an href segment: everything but unreserved and a few safe
/// sub-delimiters (RFC 3986 pchar), so any stored name round-trips.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes one path segment.
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// Href of a user's principal.
pub fn principal_href(user: &str) -> String {
    format!("{PRINCIPALS}{}/", encode_segment(user))
}

/// Href of a user's home.
pub fn home_href(user: &str) -> String {
    format!("{CALENDARS}{}/", encode_segment(user))
}

/// Href of a collection at a home-relative path (always with a trailing slash).
pub fn collection_href(owner: &str, path: &str) -> String {
    let mut href = home_href(owner);
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        href.push_str(&encode_segment(seg));
        href.push('/');
    }
    href
}

/// Href of a member of the collection at `path`.
pub fn member_href(owner: &str, path: &str, name: &str) -> String {
    let mut href = collection_href(owner, path);
    href.push_str(&encode_segment(name));
    href
}

/// Appends an encoded member name to a collection href (which ends in `/`).
pub fn push_member(collection_href: &str, name: &str) -> String {
    let mut href = String::with_capacity(collection_href.len() + name.len() + 8);
    href.push_str(collection_href);
    href.push_str(&encode_segment(name));
    href
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_tree() {
        assert_eq!(DavPath::parse("/"), Ok(Some(DavPath::Root)));
        assert_eq!(DavPath::parse("/dav"), Ok(Some(DavPath::DavRoot)));
        assert_eq!(DavPath::parse("/dav/"), Ok(Some(DavPath::DavRoot)));
        assert_eq!(
            DavPath::parse("/dav/principals/"),
            Ok(Some(DavPath::Principals))
        );
        assert_eq!(
            DavPath::parse("/dav/principals/alice/"),
            Ok(Some(DavPath::Principal("alice".into())))
        );
        assert_eq!(DavPath::parse("/dav/calendars"), Ok(Some(DavPath::Homes)));
        assert_eq!(
            DavPath::parse("/dav/calendars/alice/work/a%20b.ics"),
            Ok(Some(DavPath::Home {
                owner: "alice".into(),
                segments: vec!["work".into(), "a b.ics".into()],
                trailing_slash: false,
            }))
        );
        assert_eq!(
            DavPath::parse("/dav/calendars/alice/"),
            Ok(Some(DavPath::Home {
                owner: "alice".into(),
                segments: vec![],
                trailing_slash: true,
            }))
        );
        assert_eq!(DavPath::parse("/elsewhere"), Ok(None));
        assert_eq!(DavPath::parse("/davx"), Ok(None));
    }

    #[test]
    fn refuses_encoded_slashes_and_dot_segments() {
        assert_eq!(DavPath::parse("/dav/calendars/alice/a%2Fb"), Err(BadPath));
        assert_eq!(DavPath::parse("/dav/calendars/alice/../bob/"), Err(BadPath));
        assert_eq!(DavPath::parse("/dav/calendars/alice/%ff"), Err(BadPath));
    }

    #[test]
    fn hrefs_round_trip() {
        let name = "a b%#?ü.ics";
        let href = member_href("alice", "work/sub", name);
        assert_eq!(
            href,
            "/dav/calendars/alice/work/sub/a%20b%25%23%3F%C3%BC.ics"
        );
        match DavPath::parse(&href) {
            Ok(Some(DavPath::Home { segments, .. })) => {
                assert_eq!(segments, vec!["work", "sub", name])
            }
            other => panic!("{other:?}"),
        }
    }
}
