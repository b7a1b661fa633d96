//! REPORT bodies: the root element picks the report.

mod expand;
mod filter;
mod multiget;
mod principal;
mod query;
mod sync;

pub use expand::ExpandItem;
pub use filter::{CompFilter, ParamFilter, PropFilter, TextMatch};
pub use principal::PropertySearch;
pub use query::CalendarQuery;
pub use sync::SyncLevel;

use crate::error::XmlError;
use crate::names;
use crate::propfind::PropRequest;
use crate::qname::QName;
use crate::reader::parse_document;
use crate::time_range::{TimeRange, time_range_from_element};

/// A parsed REPORT request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// RFC 4791 §7.9 `C:calendar-multiget`.
    CalendarMultiget {
        /// Properties to return for each resource.
        prop: PropRequest,
        /// Requested hrefs as sent (still percent-encoded), at least one.
        hrefs: Vec<String>,
    },
    /// RFC 6578 §3.2 `D:sync-collection`.
    SyncCollection {
        /// Token from a previous response; empty for the initial sync.
        sync_token: String,
        /// How deep the sync goes.
        sync_level: SyncLevel,
        /// `D:limit/D:nresults`, when given (always positive).
        limit: Option<u32>,
        /// Properties to return for changed members.
        prop: PropRequest,
    },
    /// RFC 4791 §7.8 `C:calendar-query`.
    CalendarQuery(CalendarQuery),
    /// RFC 4791 §7.10 `C:free-busy-query`.
    FreeBusyQuery {
        /// The interval to report busy time for.
        range: TimeRange,
    },
    /// RFC 3253 §3.8 `D:expand-property`.
    ExpandProperty(Vec<ExpandItem>),
    /// RFC 3744 §9.4 `D:principal-property-search`.
    PrincipalPropertySearch {
        /// The individual property matches.
        searches: Vec<PropertySearch>,
        /// `test="anyof"`: any search may match (default: all must).
        any_of: bool,
        /// Properties to return for matching principals.
        prop: PropRequest,
        /// `D:apply-to-principal-collection-set` was given.
        apply_to_principal_collection_set: bool,
    },
    /// RFC 3744 §9.5 `D:principal-search-property-set`.
    PrincipalSearchPropertySet,
    /// Any other well-formed root; the front-end answers 403 `DAV:supported-report`.
    Unsupported(QName),
}

/// Parses a REPORT body and dispatches on its root element.
pub fn parse_report(body: &[u8]) -> Result<Report, XmlError> {
    let root =
        parse_document(body)?.ok_or_else(|| XmlError::Invalid("REPORT needs a body".into()))?;
    let name = &root.name;
    if *name == names::CALENDAR_MULTIGET {
        multiget::parse(&root)
    } else if *name == names::SYNC_COLLECTION {
        sync::parse(&root)
    } else if *name == names::CALENDAR_QUERY {
        query::parse(&root).map(Report::CalendarQuery)
    } else if *name == names::FREE_BUSY_QUERY {
        let tr = root
            .child(&names::TIME_RANGE)
            .ok_or_else(|| XmlError::Invalid("free-busy-query needs a time-range".into()))?;
        Ok(Report::FreeBusyQuery {
            range: time_range_from_element(tr)?,
        })
    } else if *name == names::EXPAND_PROPERTY {
        expand::parse(&root).map(Report::ExpandProperty)
    } else if *name == names::PRINCIPAL_PROPERTY_SEARCH {
        principal::parse_search(&root)
    } else if *name == names::PRINCIPAL_SEARCH_PROPERTY_SET {
        Ok(Report::PrincipalSearchPropertySet)
    } else {
        Ok(Report::Unsupported(root.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_busy_query_rfc4791_7_10() {
        let body = br#"<?xml version="1.0" encoding="utf-8" ?>
   <C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">
     <C:time-range start="20060104T140000Z"
                     end="20060105T220000Z"/>
   </C:free-busy-query>"#;
        let Report::FreeBusyQuery { range } = parse_report(body).unwrap() else {
            panic!("not a free-busy-query")
        };
        assert_eq!(range.start.unwrap().to_string(), "2006-01-04T14:00:00Z");
        assert_eq!(range.end.unwrap().to_string(), "2006-01-05T22:00:00Z");
        assert!(matches!(
            parse_report(br#"<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"/>"#),
            Err(XmlError::Invalid(_))
        ));
    }

    #[test]
    fn unsupported_and_empty() {
        assert_eq!(
            parse_report(br#"<D:version-tree xmlns:D="DAV:"/>"#).unwrap(),
            Report::Unsupported(QName::dav("version-tree"))
        );
        assert_eq!(
            parse_report(br#"<D:principal-search-property-set xmlns:D="DAV:"/>"#).unwrap(),
            Report::PrincipalSearchPropertySet
        );
        assert!(matches!(parse_report(b""), Err(XmlError::Invalid(_))));
        assert!(matches!(parse_report(b"<a>"), Err(XmlError::Malformed(_))));
    }
}
