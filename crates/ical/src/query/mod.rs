//! Calendar queries (RFC 4791 §7.8–§7.10, §9.6, §9.7): the query language as data, and
//! its evaluation against stored calendar object resources.
//!
//! The byte-taking functions ([`matches`], [`calendar_data`], [`FreeBusy::add`]) are the
//! simple entry points; [`ParsedObject`] reads a resource once when it is both matched
//! and returned.

mod collation;
mod filter;
pub(crate) mod freebusy;
mod options;
pub(crate) mod parsed;
mod retrieve;
mod select;
mod time;
mod types;

pub use collation::Collation;
pub use filter::matches;
pub use freebusy::{BusyKind, BusyPeriod, FreeBusy};
pub use options::{FilterProblem, QueryOptions, check_filter};
pub use parsed::ParsedObject;
pub use retrieve::calendar_data;
pub use types::{
    CalendarDataRequest, CompFilter, CompSelection, ParamFilter, PropFilter, PropSelection,
    TextMatch,
};
