//! `DAV:error` bodies carrying a precondition or postcondition (RFC 4918 §16).

use crate::escape::push_text;
use crate::names;
use crate::qname::{QName, ROOT_NS_DECLS};
use crate::xmlwrite::{close, empty_fixed, open_fixed};

/// A failed precondition, e.g. `C:no-uid-conflict` with the conflicting href.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precondition {
    /// The condition's element name.
    pub name: QName,
    /// Hrefs carried inside the condition element (already percent-encoded).
    pub hrefs: Vec<String>,
}

impl Precondition {
    /// A condition without hrefs.
    pub fn new(name: QName) -> Self {
        Precondition {
            name,
            hrefs: Vec::new(),
        }
    }

    /// Builder: adds an href to the condition.
    pub fn with_href(mut self, href: impl Into<String>) -> Self {
        self.hrefs.push(href.into());
        self
    }
}

/// Appends `<D:error><cond>…</cond></D:error>` using the fixed prefixes.
pub(crate) fn push_error(out: &mut String, cond: &Precondition) {
    out.push_str("<D:error>");
    push_condition(out, cond);
    out.push_str("</D:error>");
}

fn push_condition(out: &mut String, cond: &Precondition) {
    if cond.hrefs.is_empty() {
        empty_fixed(out, &cond.name);
        return;
    }
    let prefix = open_fixed(out, &cond.name);
    out.push('>');
    for href in &cond.hrefs {
        out.push_str("<D:href>");
        push_text(out, href);
        out.push_str("</D:href>");
    }
    close(out, prefix, &cond.name.local);
}

/// A complete `DAV:error` response body for a failed precondition.
pub fn error_body(cond: &Precondition) -> String {
    let mut out = String::with_capacity(160);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error");
    out.push_str(ROOT_NS_DECLS);
    out.push('>');
    push_condition(&mut out, cond);
    out.push_str("</D:error>");
    out
}

/// Shorthand for the common `C:no-uid-conflict` body with the existing resource's href.
pub fn no_uid_conflict(href: &str) -> Precondition {
    Precondition::new(names::NO_UID_CONFLICT).with_href(href)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::parse_element;

    #[test]
    fn no_uid_conflict_body() {
        let body = error_body(&no_uid_conflict("/cal/a&b.ics"));
        insta::assert_snapshot!(body);
        let el = parse_element(body.as_bytes()).unwrap();
        assert_eq!(el.name, names::ERROR);
        let cond = el.child(&names::NO_UID_CONFLICT).unwrap();
        assert_eq!(cond.child(&names::HREF).unwrap().text(), "/cal/a&b.ics");
    }

    #[test]
    fn foreign_namespace_condition() {
        let body = error_body(&Precondition::new(QName::new_static("urn:x", "odd")));
        let el = parse_element(body.as_bytes()).unwrap();
        assert!(el.child(&QName::new_static("urn:x", "odd")).is_some());
        let plain = error_body(&Precondition::new(names::VALID_SYNC_TOKEN));
        assert!(plain.ends_with("<D:valid-sync-token/></D:error>"));
    }
}
