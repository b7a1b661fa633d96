//! Namespace-qualified names and the namespaces the server speaks.

use std::borrow::Cow;
use std::fmt;

/// Namespace URIs the server knows by heart.
pub mod ns {
    /// WebDAV (RFC 4918).
    pub const DAV: &str = "DAV:";
    /// CalDAV (RFC 4791).
    pub const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
    /// Apple Calendar Server extensions (getctag, …).
    pub const CALSERVER: &str = "http://calendarserver.org/ns/";
    /// Apple iCal extensions (calendar-color, calendar-order).
    pub const APPLE: &str = "http://apple.com/ns/ical/";
    /// The `xml:` prefix namespace (`xml:lang`, `xml:space`), bound implicitly.
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
}

/// A namespace-qualified XML name; the empty namespace is `""`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QName {
    /// Namespace URI (`""` for no namespace).
    pub ns: Cow<'static, str>,
    /// Local part of the name.
    pub local: Cow<'static, str>,
}

impl QName {
    /// A name from static parts, usable in `const` items.
    pub const fn new_static(ns: &'static str, local: &'static str) -> Self {
        QName {
            ns: Cow::Borrowed(ns),
            local: Cow::Borrowed(local),
        }
    }

    /// A `DAV:` name.
    pub const fn dav(local: &'static str) -> Self {
        Self::new_static(ns::DAV, local)
    }

    /// A CalDAV name.
    pub const fn caldav(local: &'static str) -> Self {
        Self::new_static(ns::CALDAV, local)
    }

    /// A calendarserver.org name.
    pub const fn calserver(local: &'static str) -> Self {
        Self::new_static(ns::CALSERVER, local)
    }

    /// An apple.com iCal name.
    pub const fn apple(local: &'static str) -> Self {
        Self::new_static(ns::APPLE, local)
    }

    /// A name from owned or borrowed parts; well-known namespaces are interned.
    pub fn new(ns: impl Into<Cow<'static, str>>, local: impl Into<Cow<'static, str>>) -> Self {
        QName {
            ns: intern_ns(ns.into()),
            local: local.into(),
        }
    }

    /// True when the name is `local` in namespace `ns`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// Clark notation `{ns}local`, used in error messages and logs.
    pub fn clark(&self) -> String {
        format!("{{{}}}{}", self.ns, self.local)
    }
}

impl fmt::Debug for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}{}", self.ns, self.local)
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}{}", self.ns, self.local)
    }
}

/// Swaps an owned copy of a well-known namespace for the static one, so parsed names
/// of the common namespaces cost no allocation when cloned.
pub(crate) fn intern_ns(ns: Cow<'static, str>) -> Cow<'static, str> {
    match &*ns {
        "" => Cow::Borrowed(""),
        ns::DAV => Cow::Borrowed(ns::DAV),
        ns::CALDAV => Cow::Borrowed(ns::CALDAV),
        ns::CALSERVER => Cow::Borrowed(ns::CALSERVER),
        ns::APPLE => Cow::Borrowed(ns::APPLE),
        ns::XML => Cow::Borrowed(ns::XML),
        _ => ns,
    }
}

/// The fixed output prefix for a well-known namespace (declared on every document root).
pub(crate) fn fixed_prefix(ns: &str) -> Option<&'static str> {
    match ns {
        ns::DAV => Some("D"),
        ns::CALDAV => Some("C"),
        ns::CALSERVER => Some("CS"),
        ns::APPLE => Some("ICAL"),
        _ => None,
    }
}

/// Namespace declarations for the fixed prefixes, as written on document roots.
pub(crate) const ROOT_NS_DECLS: &str = concat!(
    " xmlns:D=\"DAV:\"",
    " xmlns:C=\"urn:ietf:params:xml:ns:caldav\"",
    " xmlns:CS=\"http://calendarserver.org/ns/\"",
    " xmlns:ICAL=\"http://apple.com/ns/ical/\""
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering_and_equality_ignore_ownership() {
        let a = QName::dav("getetag");
        let b = QName::new(String::from("DAV:"), String::from("getetag"));
        assert_eq!(a, b);
        assert!(matches!(b.ns, Cow::Borrowed(_)));
        assert!(QName::dav("a") < QName::dav("b"));
        assert_eq!(a.clark(), "{DAV:}getetag");
    }

    #[test]
    fn root_decls_match_constants() {
        assert!(ROOT_NS_DECLS.contains(ns::CALDAV));
        assert!(ROOT_NS_DECLS.contains(ns::CALSERVER));
        assert!(ROOT_NS_DECLS.contains(ns::APPLE));
    }
}
