//! WebDAV/CalDAV XML: request bodies parsed into typed values, multistatus and error
//! bodies written straight into a buffer. Pure: no I/O, no async, no database.
//!
//! Names are matched by (namespace URI, local name), never by prefix. The reader refuses
//! DTDs and non-predefined entities and bounds nesting depth and element count.

#![warn(missing_docs)]
// Unit tests may unwrap; the library itself is still checked by the non-test build.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod calendar_data;
mod element;
mod error;
mod error_body;
mod escape;
pub mod headers;
mod mkcol;
mod multistatus;
pub mod names;
mod propfind;
mod proppatch;
mod qname;
mod reader;
pub mod report;
mod share;
mod status;
mod time_range;
mod xmlwrite;

pub use calendar_data::{CalendarDataRequest, CompSelection, PropSelection};
pub use element::{Element, Node};
pub use error::XmlError;
pub use error_body::{Precondition, error_body, no_uid_conflict};
pub use headers::{
    Depth, Destination, EntityTag, EntityTagMatch, parse_destination, parse_etag_list,
    parse_overwrite,
};
pub use mkcol::{parse_mkcalendar, parse_mkcol};
pub use multistatus::{MultistatusWriter, PropStat, PropValue, propstat_body};
pub use propfind::{PropFind, PropRequest, parse_propfind};
pub use proppatch::{PatchOp, parse_proppatch};
pub use qname::{QName, ns};
pub use reader::{MAX_DEPTH, MAX_ELEMENTS, parse_element};
pub use report::{
    CalendarQuery, CompFilter, ExpandItem, ParamFilter, PropFilter, PropertySearch, Report,
    SyncLevel, TextMatch, parse_report,
};
pub use share::{RequestedAccess, ShareDialect, ShareRequest, ShareeChange, parse_share};
pub use status::reason_phrase;
pub use time_range::{TimeRange, format_utc, parse_utc};
