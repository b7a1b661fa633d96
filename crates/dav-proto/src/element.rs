//! A small owned XML tree: property values and parsed request bodies.

use crate::qname::QName;
use crate::xmlwrite;

/// A parsed XML element (used for property values in PROPPATCH/MKCOL/MKCALENDAR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The element's qualified name.
    pub name: QName,
    /// Attributes other than namespace declarations, in document order.
    pub attrs: Vec<(QName, String)>,
    /// Child nodes in document order; adjacent text is always merged into one node.
    pub children: Vec<Node>,
}

/// A child of an [`Element`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A nested element.
    Element(Element),
    /// Character data (entities resolved, CDATA unwrapped, never empty).
    Text(String),
}

impl Element {
    /// An empty element with no attributes.
    pub fn new(name: QName) -> Self {
        Element {
            name,
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Builder: appends a child element.
    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(Node::Element(child));
        self
    }

    /// Builder: appends text (merged with a preceding text node).
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.push_text(&text.into());
        self
    }

    /// Builder: adds an attribute.
    pub fn with_attr(mut self, name: QName, value: impl Into<String>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }

    /// Appends text, merging with a trailing text node so the tree stays canonical.
    pub fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if let Some(Node::Text(last)) = self.children.last_mut() {
            last.push_str(text);
        } else {
            self.children.push(Node::Text(text.to_owned()));
        }
    }

    /// Concatenated text of all descendants, in document order.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for node in &self.children {
            match node {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }

    /// The first child element with the given name.
    pub fn child(&self, name: &QName) -> Option<&Element> {
        self.child_elements().find(|e| &e.name == name)
    }

    /// All child elements with the given name.
    pub fn children_named<'a>(
        &'a self,
        name: &QName,
    ) -> impl Iterator<Item = &'a Element> + use<'a> {
        // Cloning a static name is free and frees callers from keeping `name` alive.
        let name = name.clone();
        self.child_elements().filter(move |e| e.name == name)
    }

    /// Child elements in document order, skipping text.
    pub fn child_elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The value of the no-namespace attribute `local`.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n.ns.is_empty() && n.local == local)
            .map(|(_, v)| v.as_str())
    }

    /// True when the element has neither child elements nor non-whitespace text.
    pub fn is_blank(&self) -> bool {
        self.children.iter().all(|n| match n {
            Node::Text(t) => t.trim().is_empty(),
            Node::Element(_) => false,
        })
    }

    /// Serializes this element as a self-contained XML fragment.
    ///
    /// Every namespace the element or its descendants use (including `DAV:` and the empty
    /// namespace) is declared on the fragment's root, so the string can be embedded
    /// anywhere in an output document and re-parsed to an equal [`Element`]. Used to
    /// store dead properties and return them exactly as they were set.
    pub fn to_xml(&self) -> String {
        let mut out = String::with_capacity(64);
        xmlwrite::write_fragment(&mut out, self);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names;

    #[test]
    fn accessors() {
        let el = Element::new(names::PROP)
            .with_child(Element::new(names::DISPLAYNAME).with_text("a"))
            .with_text(" ")
            .with_text("b")
            .with_child(Element::new(names::GETETAG));
        assert_eq!(el.children.len(), 3);
        assert_eq!(el.text(), "a b");
        assert!(el.child(&names::GETETAG).is_some());
        assert!(el.child(&names::HREF).is_none());
        assert_eq!(el.child_elements().count(), 2);
        assert!(!el.is_blank());
        assert!(Element::new(names::PROP).with_text(" \n").is_blank());
    }

    #[test]
    fn attr_lookup_is_no_namespace_only() {
        let el = Element::new(names::COMP)
            .with_attr(QName::new_static("", "name"), "VEVENT")
            .with_attr(QName::new_static("urn:x", "name"), "other");
        assert_eq!(el.attr("name"), Some("VEVENT"));
        assert_eq!(el.attr("missing"), None);
    }
}
