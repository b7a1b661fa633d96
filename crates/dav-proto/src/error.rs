//! The crate's single error type.

/// Everything that can go wrong while reading a request body or header.
///
/// The HTTP front-end answers every variant with 400, except
/// [`XmlError::InvalidFilter`], which CalDAV turns into 403 `CALDAV:valid-filter`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The body is not well-formed XML (or not UTF-8, or binds a prefix wrongly).
    #[error("malformed XML: {0}")]
    Malformed(String),
    /// The body carries a `<!DOCTYPE>`; DTDs are refused to rule out entity expansion attacks.
    #[error("DOCTYPE declarations are not allowed")]
    DoctypeForbidden,
    /// The body references an entity other than the five predefined ones.
    #[error("entity reference &{0}; is not allowed")]
    EntityForbidden(String),
    /// Elements are nested deeper than the parser accepts.
    #[error("XML nesting deeper than {0} levels")]
    TooDeep(usize),
    /// The body holds more elements than the parser accepts.
    #[error("XML body has more than {0} elements")]
    TooLarge(usize),
    /// The document element is not the one the method expects.
    #[error("expected root element {expected}, found {found}")]
    UnexpectedRoot {
        /// Clark name (`{ns}local`) of the expected root.
        expected: String,
        /// Clark name of the root actually sent.
        found: String,
    },
    /// Well-formed XML that breaks the structure the RFC prescribes.
    #[error("invalid request body: {0}")]
    Invalid(String),
    /// A CalDAV `filter` that is not valid (RFC 4791 §9.7); maps to `CALDAV:valid-filter`.
    #[error("invalid calendar filter: {0}")]
    InvalidFilter(String),
    /// A request header value that does not parse.
    #[error("invalid {name} header: {value:?}")]
    BadHeader {
        /// Header name, e.g. `Depth`.
        name: &'static str,
        /// The offending value (truncated to keep error messages small).
        value: String,
    },
}

impl XmlError {
    pub(crate) fn bad_header(name: &'static str, value: &str) -> Self {
        let value = value.chars().take(100).collect();
        XmlError::BadHeader { name, value }
    }
}
