//! Share requests, the bodies of a `POST` on a calendar collection in either of the two
//! sharing dialects clients speak:
//!
//! - Apple's caldav-sharing (`CS:share`, calendarserver.org namespace): `CS:set`
//!   entries (an href, optional `CS:common-name` and `CS:summary`, and `CS:read` or
//!   `CS:read-write`) and `CS:remove` entries (an href);
//! - draft-pot-webdav-resource-sharing §5.4 (`DAV:share-resource`): `DAV:sharee`
//!   entries (an href, optional `DAV:prop` and `DAV:comment`, and a `DAV:share-access`
//!   of `DAV:read`, `DAV:read-write` or `DAV:no-access`, the last taking a share away).
//!
//! Both come out as one list of [`ShareeChange`]s in document order. Unknown elements
//! are ignored (RFC 4918 §17); a missing href, a missing or doubled access, or a request
//! that changes nothing is [`XmlError::Invalid`]. Who an href names is not this crate's
//! business.

use crate::element::{Element, Node};
use crate::error::XmlError;
use crate::names;
use crate::reader::parse_document;

/// Which dialect a share request was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareDialect {
    /// Apple's caldav-sharing (`CS:share`).
    CalendarServer,
    /// draft-pot-webdav-resource-sharing (`DAV:share-resource`).
    ResourceSharing,
}

/// The access a share request asks for one sharee.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestedAccess {
    /// Read the calendar (`CS:read`, `DAV:read`).
    Read,
    /// Read and change events (`CS:read-write`, `DAV:read-write`).
    ReadWrite,
    /// No access any more: the share is taken away (`CS:remove`, `DAV:no-access`).
    Remove,
}

/// One entry of a share request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareeChange {
    /// Who: the `DAV:href` as sent, surrounding white space trimmed (a principal URL,
    /// a `mailto:` address, …).
    pub href: String,
    /// What they get.
    pub access: RequestedAccess,
    /// `CS:common-name`, or `DAV:displayname` inside the sharee's `DAV:prop`.
    pub common_name: Option<String>,
    /// `CS:summary` or `DAV:comment`: the sharer's note.
    pub comment: Option<String>,
}

/// A parsed share request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareRequest {
    /// The dialect it came in.
    pub dialect: ShareDialect,
    /// Its entries, in document order (never empty).
    pub changes: Vec<ShareeChange>,
}

/// Parses a `CS:share` or `DAV:share-resource` body. Any other root is
/// [`XmlError::UnexpectedRoot`] (a POST body this server does not take); an empty body
/// is [`XmlError::Invalid`].
pub fn parse_share(body: &[u8]) -> Result<ShareRequest, XmlError> {
    let root = parse_document(body)?
        .ok_or_else(|| XmlError::Invalid("a share request needs a body".into()))?;
    let (dialect, changes) = if root.name == names::CS_SHARE {
        (ShareDialect::CalendarServer, calendarserver(root)?)
    } else if root.name == names::SHARE_RESOURCE {
        (ShareDialect::ResourceSharing, resource_sharing(root)?)
    } else {
        return Err(XmlError::UnexpectedRoot {
            expected: format!(
                "{} or {}",
                names::CS_SHARE.clark(),
                names::SHARE_RESOURCE.clark()
            ),
            found: root.name.clark(),
        });
    };
    if changes.is_empty() {
        return Err(XmlError::Invalid(
            "the share request changes nothing".into(),
        ));
    }
    Ok(ShareRequest { dialect, changes })
}

/// The single, non-empty `DAV:href` of an entry.
fn one_href(entry: &Element) -> Result<String, XmlError> {
    let mut hrefs = entry.children_named(&names::HREF);
    let href = hrefs
        .next()
        .map(|h| h.text().trim().to_owned())
        .filter(|h| !h.is_empty())
        .ok_or_else(|| XmlError::Invalid(format!("{} without an href", entry.name.local)))?;
    if hrefs.next().is_some() {
        return Err(XmlError::Invalid(format!(
            "{} with more than one href",
            entry.name.local
        )));
    }
    Ok(href)
}

/// The trimmed text of child `name`, when present and not blank.
fn text_of(entry: &Element, name: &crate::QName) -> Option<String> {
    entry
        .child(name)
        .map(|e| e.text().trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The one access element among `candidates` found in `parent`.
fn one_access(
    parent: &Element,
    candidates: &[(crate::QName, RequestedAccess)],
    what: &str,
) -> Result<RequestedAccess, XmlError> {
    let mut found = parent
        .child_elements()
        .filter_map(|e| candidates.iter().find(|(n, _)| *n == e.name).map(|c| c.1));
    let access = found
        .next()
        .ok_or_else(|| XmlError::Invalid(format!("{what} names no access")))?;
    if found.next().is_some() {
        return Err(XmlError::Invalid(format!("{what} names two accesses")));
    }
    Ok(access)
}

fn calendarserver(root: Element) -> Result<Vec<ShareeChange>, XmlError> {
    let mut changes = Vec::new();
    for node in root.children {
        let Node::Element(entry) = node else { continue };
        if entry.name == names::CS_SET {
            let access = one_access(
                &entry,
                &[
                    (names::CS_READ, RequestedAccess::Read),
                    (names::CS_READ_WRITE, RequestedAccess::ReadWrite),
                ],
                "CS:set",
            )?;
            changes.push(ShareeChange {
                href: one_href(&entry)?,
                access,
                common_name: text_of(&entry, &names::CS_COMMON_NAME),
                comment: text_of(&entry, &names::CS_SUMMARY),
            });
        } else if entry.name == names::CS_REMOVE {
            changes.push(ShareeChange {
                href: one_href(&entry)?,
                access: RequestedAccess::Remove,
                common_name: None,
                comment: None,
            });
        }
    }
    Ok(changes)
}

fn resource_sharing(root: Element) -> Result<Vec<ShareeChange>, XmlError> {
    let mut changes = Vec::new();
    for sharee in root.children_named(&names::SHAREE) {
        let share_access = sharee
            .child(&names::SHARE_ACCESS)
            .ok_or_else(|| XmlError::Invalid("sharee without share-access".into()))?;
        let access = one_access(
            share_access,
            &[
                (names::READ, RequestedAccess::Read),
                (names::READ_WRITE, RequestedAccess::ReadWrite),
                (names::NO_ACCESS, RequestedAccess::Remove),
            ],
            "share-access",
        )?;
        changes.push(ShareeChange {
            href: one_href(sharee)?,
            access,
            common_name: sharee
                .child(&names::PROP)
                .and_then(|p| text_of(p, &names::DISPLAYNAME)),
            comment: text_of(sharee, &names::COMMENT),
        });
    }
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<ShareRequest, XmlError> {
        parse_share(body.as_bytes())
    }

    fn invalid(body: &str) -> String {
        match parse(body) {
            Err(XmlError::Invalid(why)) => why,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    /// A calendarserver request as Apple Calendar sends it: two sets, one remove.
    #[test]
    fn calendarserver_set_and_remove() {
        let got = parse_share(include_bytes!("../tests/data/caldav-sharing-share.xml")).unwrap();
        assert_eq!(got.dialect, ShareDialect::CalendarServer);
        assert_eq!(
            got.changes,
            vec![
                ShareeChange {
                    href: "mailto:bob@example.com".into(),
                    access: RequestedAccess::ReadWrite,
                    common_name: Some("Bob Builder".into()),
                    comment: Some("Team calendar".into()),
                },
                ShareeChange {
                    href: "/dav/principals/carol/".into(),
                    access: RequestedAccess::Read,
                    common_name: None,
                    comment: None,
                },
                ShareeChange {
                    href: "mailto:dave@example.com".into(),
                    access: RequestedAccess::Remove,
                    common_name: None,
                    comment: None,
                },
            ]
        );
    }

    /// A draft-pot request: read, read-write and no-access, with prop and comment.
    #[test]
    fn resource_sharing_read_write_and_no_access() {
        let got = parse_share(include_bytes!("../tests/data/resource-sharing-share.xml")).unwrap();
        assert_eq!(got.dialect, ShareDialect::ResourceSharing);
        let summary: Vec<(&str, RequestedAccess)> = got
            .changes
            .iter()
            .map(|c| (c.href.as_str(), c.access))
            .collect();
        assert_eq!(
            summary,
            [
                ("mailto:bob@example.com", RequestedAccess::ReadWrite),
                (
                    "https://cal.example.com/dav/principals/carol/",
                    RequestedAccess::Read
                ),
                ("/dav/principals/dave/", RequestedAccess::Remove),
            ]
        );
        assert_eq!(got.changes[0].common_name.as_deref(), Some("Bob"));
        assert_eq!(got.changes[0].comment.as_deref(), Some("Our plans"));
        assert_eq!(got.changes[1].common_name, None);
    }

    #[test]
    fn names_are_matched_by_namespace_not_prefix() {
        let body = r#"<share xmlns="http://calendarserver.org/ns/" xmlns:x="DAV:">
            <set><x:href> /dav/principals/bob/ </x:href><read/></set></share>"#;
        let got = parse(body).unwrap();
        assert_eq!(got.changes[0].href, "/dav/principals/bob/");
        assert_eq!(got.changes[0].access, RequestedAccess::Read);
        // CS:read in the DAV: namespace is not an access of a CS:set.
        let wrong = r#"<C:share xmlns:C="http://calendarserver.org/ns/" xmlns:D="DAV:">
            <C:set><D:href>/dav/principals/bob/</D:href><D:read/></C:set></C:share>"#;
        assert!(invalid(wrong).contains("no access"));
    }

    #[test]
    fn unknown_elements_are_ignored() {
        let body = r#"<C:share xmlns:C="http://calendarserver.org/ns/" xmlns:D="DAV:"
            xmlns:X="urn:x"><X:future/><C:set><X:extra>1</X:extra>
            <D:href>/dav/principals/bob/</D:href><C:read-write/></C:set></C:share>"#;
        let got = parse(body).unwrap();
        assert_eq!(got.changes.len(), 1);
        assert_eq!(got.changes[0].access, RequestedAccess::ReadWrite);
    }

    #[test]
    fn broken_entries_are_invalid() {
        let cs = |inner: &str| {
            format!(
                r#"<C:share xmlns:C="http://calendarserver.org/ns/" xmlns:D="DAV:">{inner}</C:share>"#
            )
        };
        assert!(invalid(&cs("<C:set><C:read/></C:set>")).contains("without an href"));
        assert!(invalid(&cs("<C:set><D:href> </D:href><C:read/></C:set>")).contains("href"));
        assert!(invalid(&cs("<C:remove/>")).contains("without an href"));
        assert!(
            invalid(&cs(
                "<C:set><D:href>a</D:href><D:href>b</D:href><C:read/></C:set>"
            ))
            .contains("more than one href")
        );
        assert!(
            invalid(&cs(
                "<C:set><D:href>a</D:href><C:read/><C:read-write/></C:set>"
            ))
            .contains("two accesses")
        );
        assert!(invalid(&cs("")).contains("changes nothing"));

        let pot = |inner: &str| {
            format!(
                r#"<D:share-resource xmlns:D="DAV:"><D:sharee>{inner}</D:sharee></D:share-resource>"#
            )
        };
        assert!(invalid(&pot("<D:href>a</D:href>")).contains("share-access"));
        assert!(
            invalid(&pot(
                "<D:href>a</D:href><D:share-access><D:shared-owner/></D:share-access>"
            ))
            .contains("no access")
        );
        assert!(
            invalid(&pot("<D:share-access><D:read/></D:share-access>")).contains("without an href")
        );
        assert!(invalid(r#"<D:share-resource xmlns:D="DAV:"/>"#).contains("changes nothing"));
    }

    #[test]
    fn other_bodies_are_refused() {
        match parse(r#"<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#) {
            Err(XmlError::UnexpectedRoot { expected, found }) => {
                assert_eq!(found, "{DAV:}propfind");
                assert!(expected.contains("{http://calendarserver.org/ns/}share"));
                assert!(expected.contains("{DAV:}share-resource"));
            }
            other => panic!("{other:?}"),
        }
        // Apple's invite-reply is not taken either: shares need no answer here.
        assert!(matches!(
            parse(r#"<C:invite-reply xmlns:C="http://calendarserver.org/ns/"/>"#),
            Err(XmlError::UnexpectedRoot { .. })
        ));
        assert!(matches!(parse("  "), Err(XmlError::Invalid(_))));
        assert!(matches!(
            parse("<C:share xmlns:C=\"http://calendarserver.org/ns/\">"),
            Err(XmlError::Malformed(_))
        ));
        assert_eq!(
            parse(
                "<!DOCTYPE x [<!ENTITY a \"b\">]><C:share xmlns:C=\"http://calendarserver.org/ns/\"/>"
            ),
            Err(XmlError::DoctypeForbidden)
        );
    }
}
