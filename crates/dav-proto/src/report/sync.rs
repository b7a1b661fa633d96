//! `D:sync-collection` (RFC 6578 §3.2, §6.1).

use super::Report;
use crate::element::Element;
use crate::error::XmlError;
use crate::names;
use crate::propfind::selection_from;

/// `D:sync-level`: members only, or the whole tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncLevel {
    /// `1`: immediate members.
    One,
    /// `infinite`: all descendants.
    Infinite,
}

pub(super) fn parse(root: &Element) -> Result<Report, XmlError> {
    let sync_token = root
        .child(&names::SYNC_TOKEN)
        .ok_or_else(|| XmlError::Invalid("sync-collection needs a sync-token element".into()))?
        .text()
        .trim()
        .to_owned();
    // Drafts of RFC 6578 had no sync-level and some clients still omit it: read as 1.
    let sync_level = match root.child(&names::SYNC_LEVEL).map(Element::text) {
        None => SyncLevel::One,
        Some(level) => match level.trim() {
            "1" => SyncLevel::One,
            "infinite" => SyncLevel::Infinite,
            other => {
                return Err(XmlError::Invalid(format!(
                    "sync-level must be 1 or infinite, not {other:?}"
                )));
            }
        },
    };
    let limit = root.child(&names::LIMIT).map(parse_limit).transpose()?;
    let prop = selection_from(root)?
        .ok_or_else(|| XmlError::Invalid("sync-collection needs a prop element".into()))?;
    Ok(Report::SyncCollection {
        sync_token,
        sync_level,
        limit,
        prop,
    })
}

/// `D:limit/D:nresults` (RFC 5323 §5.17) as a positive integer.
fn parse_limit(limit: &Element) -> Result<u32, XmlError> {
    let n = limit
        .child(&names::NRESULTS)
        .ok_or_else(|| XmlError::Invalid("limit needs nresults".into()))?
        .text();
    let n = n.trim();
    match n.parse::<u32>() {
        Ok(v) if v > 0 && n.bytes().all(|b| b.is_ascii_digit()) => Ok(v),
        _ => Err(XmlError::Invalid(format!(
            "nresults must be a positive integer, not {n:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propfind::PropFind;
    use crate::qname::QName;
    use crate::report::parse_report;

    fn sync(body: &str) -> Result<(String, SyncLevel, Option<u32>, PropFind), XmlError> {
        match parse_report(body.as_bytes())? {
            Report::SyncCollection {
                sync_token,
                sync_level,
                limit,
                prop,
            } => Ok((sync_token, sync_level, limit, prop.selection)),
            other => panic!("unexpected {other:?}"),
        }
    }

    /// RFC 6578 §3.8: initial sync.
    #[test]
    fn rfc6578_initial() {
        let (token, level, limit, sel) = sync(
            r#"<?xml version="1.0" encoding="utf-8" ?>
     <D:sync-collection xmlns:D="DAV:">
       <D:sync-token/>
       <D:sync-level>1</D:sync-level>
       <D:prop xmlns:R="urn:ns.example.com:boxschema">
         <D:getetag/>
         <R:bigbox/>
       </D:prop>
     </D:sync-collection>"#,
        )
        .unwrap();
        assert_eq!(token, "");
        assert_eq!(level, SyncLevel::One);
        assert_eq!(limit, None);
        assert_eq!(
            sel,
            PropFind::Prop(vec![
                names::GETETAG,
                QName::new_static("urn:ns.example.com:boxschema", "bigbox")
            ])
        );
    }

    /// RFC 6578 §3.9: subsequent sync.
    #[test]
    fn rfc6578_subsequent() {
        let (token, ..) = sync(
            r#"<?xml version="1.0" encoding="utf-8" ?>
     <D:sync-collection xmlns:D="DAV:">
       <D:sync-token>http://example.com/ns/sync/1234</D:sync-token>
       <D:sync-level>1</D:sync-level>
       <D:prop xmlns:R="urn:ns.example.com:boxschema">
         <D:getetag/>
         <R:bigbox/>
       </D:prop>
     </D:sync-collection>"#,
        )
        .unwrap();
        assert_eq!(token, "http://example.com/ns/sync/1234");
    }

    /// RFC 6578 §3.10: truncated results.
    #[test]
    fn rfc6578_limit() {
        let (_, _, limit, _) = sync(
            r#"<?xml version="1.0" encoding="utf-8" ?>
     <D:sync-collection xmlns:D="DAV:">
       <D:sync-token/>
       <D:sync-level>1</D:sync-level>
       <D:limit>
         <D:nresults>100</D:nresults>
       </D:limit>
       <D:prop>
         <D:getetag/>
       </D:prop>
     </D:sync-collection>"#,
        )
        .unwrap();
        assert_eq!(limit, Some(100));
    }

    /// RFC 6578 §3.11: infinite depth.
    #[test]
    fn rfc6578_infinite() {
        let (_, level, ..) = sync(
            r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>infinite</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#,
        )
        .unwrap();
        assert_eq!(level, SyncLevel::Infinite);
    }

    #[test]
    fn errors() {
        let invalid = |b: &str| matches!(sync(b), Err(XmlError::Invalid(_)));
        assert!(invalid(
            r#"<D:sync-collection xmlns:D="DAV:"><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#
        ));
        assert!(invalid(
            r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>2</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#
        ));
        for n in ["0", "-1", "abc", "", "+5", "99999999999"] {
            let body = format!(
                r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:limit><D:nresults>{n}</D:nresults></D:limit><D:prop><D:getetag/></D:prop></D:sync-collection>"#
            );
            assert!(invalid(&body), "{n}");
        }
        assert!(invalid(
            r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:limit/><D:prop><D:getetag/></D:prop></D:sync-collection>"#
        ));
        assert!(invalid(
            r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level></D:sync-collection>"#
        ));
        // Missing sync-level is tolerated.
        let (_, level, ..) = sync(
            r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:prop><D:getetag/></D:prop></D:sync-collection>"#,
        )
        .unwrap();
        assert_eq!(level, SyncLevel::One);
    }
}
