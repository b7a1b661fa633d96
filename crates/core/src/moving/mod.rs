//! Moving house: a whole deployment (users, collections, properties, objects) written to
//! one file and read back into another database, on either engine.
//!
//! # The file (format `kairos-export`, version 1)
//!
//! UTF-8 JSON Lines: one JSON object per line, `\n`-terminated. The first line is the
//! header `{"format":"kairos-export","version":1,"exported_at":…,"generator":…}`; a
//! reader refuses any other format or version. Every further line is a record with a
//! `type`, in this order:
//!
//! ```text
//! header
//! user                  one per user, by name
//!   collection          the user's collections by path, so parents come before children
//!     property          the collection's dead properties, by (namespace, name)
//!     object            the collection's members, by name
//!       property        that member's dead properties ("object": its name)
//! end                   {"type":"end","users":…,"collections":…,"objects":…,"properties":…}
//! ```
//!
//! Names and paths are compared as bytes, so two exports of equal data are equal byte for
//! byte whichever engine they came from (only the header's `exported_at` differs). Times
//! are Unix milliseconds. An object's bytes are a JSON string (`text`) when they are
//! UTF-8, as calendar data nearly always is, so the file stays readable and greppable;
//! other bytes (binary files, or a folded line split inside a multi-byte character) are
//! standard base64 (`base64`). Both round-trip exactly: JSON escapes CR, LF and control
//! characters rather than normalising them. Records refuse unknown fields, so a
//! file from a newer writer is never imported with parts silently dropped.
//!
//! Not exported, by design: database ids, collection sequences, the change log and the
//! time index. The time index is rebuilt from the bytes on import, and ETags are hashes
//! of the bytes, so they come out equal (the import checks that they do).
//!
//! # Sync tokens after a move
//!
//! Imported collections get new ids. Sync tokens and ctags name the collection id, so a
//! client's token from the old database is answered with 403 `DAV:valid-sync-token` and
//! its ctag no longer matches: it resynchronises once, from scratch. Keeping the ids
//! would have been worse: the new sequence numbers restart, so an old token could look
//! valid and silently skip changes.
//!
//! # Import
//!
//! The whole file is imported in one transaction: a malformed line, an unknown version,
//! a truncated file (no `end` record, or counts that differ) or a user name that already
//! exists in the target refuses the import and leaves the target as it was. Users whose
//! names are free are added next to the ones already there.

mod export;
mod format;
mod import;

use serde::{Deserialize, Serialize};

pub use format::{
    CollectionRecord, FORMAT_NAME, FORMAT_VERSION, Header, KindName, ObjectRecord, PropertyRecord,
    Record, UserRecord,
};

/// How much a move carried (also the `end` record of the file).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveCounts {
    /// Users.
    pub users: u64,
    /// Collections, homes included.
    pub collections: u64,
    /// Member resources.
    pub objects: u64,
    /// Dead properties of collections and members.
    pub properties: u64,
}

/// Hears how an export or import goes, to draw progress (the CLI's bars). Every method
/// does nothing unless overridden.
pub trait MoveProgress: Send + Sync {
    /// An export is about to write about this many objects (a live server may change the
    /// number while it runs).
    fn objects_expected(&self, _total: u64) {}
    /// The records of this user come next.
    fn user(&self, _name: &str) {}
    /// One more object was written or imported.
    fn object(&self) {}
    /// An import consumed this many more bytes of its input.
    fn bytes_read(&self, _bytes: u64) {}
}

/// Reports nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Quiet;

impl MoveProgress for Quiet {}
