//! The one error type of `core`. Front-ends map it to their protocol in exactly one place.

use kairos_store::StoreError;

/// A CalDAV/WebDAV precondition or postcondition a request violated (RFC 4791 §5.3.2.1,
/// RFC 4918 §16, RFC 6578 §3.2). Front-ends turn these into `<D:error>` bodies or
/// problem documents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// The body is not valid iCalendar.
    ValidCalendarData,
    /// The iCalendar is well-formed but not one legal calendar object resource.
    ValidCalendarObjectResource,
    /// The component type is not in the calendar's supported-calendar-component-set.
    SupportedCalendarComponent,
    /// The media type is not text/calendar.
    SupportedCalendarData,
    /// The UID is already used by another resource of the calendar (its location given).
    NoUidConflict(ResourceLocation),
    /// The body is larger than max-resource-size.
    MaxResourceSize,
    /// A calendar collection cannot be created here (e.g. inside another calendar).
    CalendarCollectionLocationOk,
    /// The sync token is unknown, foreign, from the future or pruned.
    ValidSyncToken,
    /// A protected (computed) property cannot be changed.
    CannotModifyProtectedProperty,
    /// The resource type requested at creation is not supported here.
    ValidResourceType,
    /// Only collections may be created here / a non-collection cannot hold members.
    ResourceMustBeNull,
    /// A text-match names a collation the server does not support (RFC 4791 §7.8).
    SupportedCollation,
    /// The query filter uses something the server cannot evaluate (RFC 4791 §7.8).
    SupportedFilter,
    /// The query filter is not valid (e.g. a time range that ends before it starts).
    ValidFilter,
    /// An expanded answer would hold more instances of one object than the server's cap.
    MaxInstances,
}

/// Where a resource lives: owner, home-relative collection path and member name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceLocation {
    /// Owner's login name.
    pub owner: String,
    /// Home-relative collection path (`""` for the home).
    pub collection_path: String,
    /// Member name; `None` for the collection itself.
    pub name: Option<String>,
}

/// Why one property of a PROPPATCH/MKCOL/MKCALENDAR could not be set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyError {
    /// Computed or immutable property.
    Protected,
    /// The value is not acceptable (bad color, order, time zone …).
    InvalidValue(String),
    /// Not settable on this kind of resource.
    NotSupportedHere,
}

/// Errors of core services.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// No credentials, wrong credentials or unknown user.
    #[error("authentication required")]
    Unauthenticated,
    /// Too many failed sign-in attempts; retry after this many seconds.
    #[error("too many failed attempts; retry in {0} s")]
    RateLimited(u64),
    /// The resource does not exist, or exists but the caller may not learn so.
    #[error("not found")]
    NotFound,
    /// The caller may see the resource but not do this to it.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// A conditional request header did not hold (If-Match, If-None-Match, Overwrite).
    #[error("precondition failed")]
    PreconditionFailed,
    /// The target already exists (e.g. MKCOL on an existing resource).
    #[error("already exists")]
    AlreadyExists,
    /// The parent collection of the target does not exist.
    #[error("parent collection missing")]
    ParentMissing,
    /// The method cannot apply to this resource (e.g. members of a plain file).
    #[error("not allowed: {0}")]
    NotAllowed(&'static str),
    /// A protocol condition did not hold.
    #[error("condition violated: {0:?}")]
    Condition(Condition),
    /// Some properties could not be set; nothing was changed. Indexes refer to the
    /// caller's list.
    #[error("properties rejected")]
    Properties(Vec<(usize, PropertyError)>),
    /// Source and destination are the same, or the destination is inside the source.
    #[error("source and destination overlap")]
    Overlap,
    /// The request itself is malformed.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// A concurrent change got in the way (e.g. the collection was deleted while the
    /// request was being served): the request conflicts with the current state.
    #[error("conflict with a concurrent change: {0}")]
    Conflict(String),
    /// The store is temporarily busy; retrying may help.
    #[error("temporarily unavailable: {0}")]
    Busy(String),
    /// An export file could not be written or read, or cannot be imported (malformed,
    /// unknown version, truncated, or clashing with the target's data). An import that
    /// fails changes nothing.
    #[error("export file: {0}")]
    ExportFile(String),
    /// Single sign-on refused this person (unknown identity, name taken, unverified
    /// e-mail, expired or replayed sign-in).
    #[error("sign-in refused: {0}")]
    SignInRefused(String),
    /// A server Kairos depends on (the identity provider) failed or answered nonsense.
    #[error("upstream failure: {0}")]
    Upstream(String),
    /// Anything else that went wrong on the server side.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Busy(m) => CoreError::Busy(m),
            // The store reports uniqueness violations and targets that vanished under a
            // concurrent transaction as conflicts; neither is a server fault.
            StoreError::Conflict(m) => CoreError::Conflict(m),
            other => CoreError::Internal(other.to_string()),
        }
    }
}

/// Result alias for core services.
pub type CoreResult<T> = Result<T, CoreError>;
