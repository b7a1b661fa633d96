//! Domain types shared by the store traits and `core`.

use kairos_ical::query::BusyKind;
use kairos_ical::{ComponentKind, ComponentSet, InstanceBusy};

/// Milliseconds since the Unix epoch, UTC.
pub type Timestamp = i64;

/// Stands for "unbounded below" in the time index: before any real instant, and far
/// enough from `i64::MIN` that subtracting a span never overflows.
pub const FAR_PAST: Timestamp = i64::MIN / 4;
/// Stands for "unbounded above" in the time index.
pub const FAR_FUTURE: Timestamp = i64::MAX / 4;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub uuid::Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// Identifies a user.
    UserId
);
id_type!(
    /// Identifies a collection (home, plain collection or calendar).
    CollectionId
);
id_type!(
    /// Identifies a member resource (calendar object or plain file).
    ObjectId
);
id_type!(
    /// Identifies a background job.
    JobId
);

/// A person who can sign in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Stable id.
    pub id: UserId,
    /// Login name; also the path segment of their principal and home.
    pub name: String,
    /// PHC-format argon2id hash.
    pub password_hash: String,
    /// Creation time.
    pub created_at: Timestamp,
}

/// What a collection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CollectionKind {
    /// A user's calendar home (root of their tree, path `""`).
    Home,
    /// A plain WebDAV collection (holds any files and collections).
    Plain,
    /// A CalDAV calendar collection (holds calendar object resources only).
    Calendar,
}

impl CollectionKind {
    /// Stable storage code.
    pub fn code(self) -> i16 {
        match self {
            CollectionKind::Home => 0,
            CollectionKind::Plain => 1,
            CollectionKind::Calendar => 2,
        }
    }

    /// Inverse of [`CollectionKind::code`].
    pub fn from_code(code: i16) -> Option<Self> {
        match code {
            0 => Some(CollectionKind::Home),
            1 => Some(CollectionKind::Plain),
            2 => Some(CollectionKind::Calendar),
            _ => None,
        }
    }
}

/// Descriptive (live, writable) properties of a collection.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CollectionProps {
    /// DAV:displayname.
    pub displayname: Option<String>,
    /// CALDAV:calendar-description.
    pub description: Option<String>,
    /// Apple calendar-color, `#RRGGBB` or `#RRGGBBAA`.
    pub color: Option<String>,
    /// Apple calendar-order.
    pub order: Option<i64>,
    /// CALDAV:calendar-timezone: a VCALENDAR holding one VTIMEZONE.
    pub timezone: Option<String>,
    /// CALDAV:supported-calendar-component-set (calendars only).
    pub components: ComponentSet,
}

/// A collection: a user's home, a plain WebDAV collection or a calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    /// Stable id; a deleted and re-created collection gets a new one.
    pub id: CollectionId,
    /// Owner.
    pub owner_id: UserId,
    /// Parent collection; `None` only for a home.
    pub parent_id: Option<CollectionId>,
    /// Path below the owner's home: `""` for the home, else segments joined by `/`
    /// (decoded, never empty, never containing `/`).
    pub path: String,
    /// What it is.
    pub kind: CollectionKind,
    /// Change sequence: bumped by every change to the collection or its members.
    pub seq: i64,
    /// Sync tokens with a sequence below this are no longer answerable (pruned tombstones).
    pub min_sync_seq: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last change to the collection or its members.
    pub modified_at: Timestamp,
    /// Descriptive properties.
    pub props: CollectionProps,
}

impl Collection {
    /// The last path segment (`""` for a home).
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or("")
    }
}

/// Metadata of a member resource (no bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMeta {
    /// Stable id (kept across MOVE).
    pub id: ObjectId,
    /// Containing collection.
    pub collection_id: CollectionId,
    /// Resource name (last path segment, decoded).
    pub name: String,
    /// Strong entity tag, without quotes.
    pub etag: String,
    /// Media type, e.g. `text/calendar; charset=utf-8`.
    pub content_type: String,
    /// Length of the stored bytes.
    pub size: i64,
    /// Creation time.
    pub created_at: Timestamp,
    /// Last modification time.
    pub modified_at: Timestamp,
    /// iCalendar UID (calendar objects only).
    pub uid: Option<String>,
    /// Component type (calendar objects only).
    pub component: Option<ComponentKind>,
}

/// A member resource with its exact stored bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredObject {
    /// Metadata.
    pub meta: ObjectMeta,
    /// The bytes as the client sent them.
    pub data: Vec<u8>,
}

/// A member fetched by name, with or without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchedObject {
    /// Metadata.
    pub meta: ObjectMeta,
    /// The bytes, when asked for; shared with the body cache when they came from it.
    pub data: Option<bytes::Bytes>,
}

/// What to store for a member resource: original bytes plus the derived index fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectWrite {
    /// Resource name.
    pub name: String,
    /// Exact bytes.
    pub data: Vec<u8>,
    /// Strong entity tag, without quotes.
    pub etag: String,
    /// Media type.
    pub content_type: String,
    /// iCalendar UID (calendar objects only).
    pub uid: Option<String>,
    /// Component type (calendar objects only).
    pub component: Option<ComponentKind>,
    /// Where the object's instances lie (calendar objects only).
    pub time_index: Option<TimeIndex>,
    /// Text search terms (calendar objects only; empty otherwise).
    pub search_terms: Vec<String>,
}

/// Where a calendar object's instances lie: what time-range queries prefilter on.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TimeIndex {
    /// Lowest instance envelope start (`None` = unbounded below).
    pub first: Option<Timestamp>,
    /// Highest instance envelope end (`None` = unbounded: an open-ended rule).
    pub last: Option<Timestamp>,
    /// Instances are materialised only up to here (`None` = every instance is).
    pub indexed_until: Option<Timestamp>,
    /// The instant the materialisation aimed for; re-indexed when it comes near.
    pub horizon: Timestamp,
    /// The materialised instances.
    pub instances: Vec<IndexedInstance>,
}

/// One materialised instance: the closed envelope outside which it overlaps no range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexedInstance {
    /// Envelope start.
    pub lo: Timestamp,
    /// Envelope end (inclusive).
    pub hi: Timestamp,
    /// `[lo, hi]` is the instance's own interval (`hi` exclusive unless `lo == hi`), so the
    /// overlap test needs no parsing.
    pub exact: bool,
    /// How the instance counts for free/busy, or that only evaluation can tell.
    pub busy: InstanceBusy,
}

/// One busy interval the instance index holds, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BusyInterval {
    /// Start (inclusive).
    pub start: Timestamp,
    /// End (exclusive).
    pub end: Timestamp,
    /// Busy, tentative or unavailable.
    pub kind: BusyKind,
}

/// What the instance index tells a free/busy query over one collection.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexedBusy {
    /// Busy intervals touching the range, of the objects the index fully describes there.
    pub intervals: Vec<BusyInterval>,
    /// Objects (VEVENT or VFREEBUSY) that must be evaluated instead, ordered by name.
    pub evaluate: Vec<ObjectMeta>,
}

/// A calendar object a time-range prefilter found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeCandidate {
    /// The member (no bytes).
    pub meta: ObjectMeta,
    /// An exact instance overlaps the range: the object matches without evaluation.
    pub confirmed: bool,
}

/// A calendar object due for re-indexing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaleIndex {
    /// The object.
    pub id: ObjectId,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// One entry of a collection's change log: the latest change of one member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberChange {
    /// Member name.
    pub name: String,
    /// Sequence at which it last changed.
    pub seq: i64,
    /// The member now, or `None` when it was deleted.
    pub object: Option<FetchedObject>,
}

/// Whose dead properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PropOwner {
    /// A collection's.
    Collection(CollectionId),
    /// A member resource's.
    Object(ObjectId),
}

/// A property the server does not interpret: stored as XML and returned exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadProperty {
    /// Namespace URI (may be empty for no namespace).
    pub namespace: String,
    /// Local name.
    pub name: String,
    /// The complete property element, serialized as a self-contained XML fragment.
    pub xml: String,
}
