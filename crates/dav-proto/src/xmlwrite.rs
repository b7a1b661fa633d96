//! Writing elements and names into an output buffer, in two namespace regimes:
//! self-contained fragments (every namespace declared on the fragment root) and
//! documents whose root declares the fixed prefixes D, C, CS and ICAL.

use crate::element::{Element, Node};
use crate::escape::{push_attr, push_text};
use crate::qname::{QName, fixed_prefix, ns};

/// Writes `<P:local` for a name whose namespace has a fixed prefix (or none), declaring
/// any other namespace on the element itself. Returns the prefix used, for the end tag.
pub(crate) fn open_fixed(out: &mut String, name: &QName) -> &'static str {
    out.push('<');
    let prefix = if name.ns.is_empty() {
        ""
    } else if name.ns == ns::XML {
        // Bound implicitly; declaring it under another prefix is forbidden.
        "xml"
    } else {
        fixed_prefix(&name.ns).unwrap_or("x")
    };
    push_qualified(out, prefix, &name.local);
    if prefix == "x" {
        out.push_str(" xmlns:x=\"");
        push_attr(out, &name.ns);
        out.push('"');
    }
    prefix
}

/// Writes `</P:local>`.
pub(crate) fn close(out: &mut String, prefix: &str, local: &str) {
    out.push_str("</");
    push_qualified(out, prefix, local);
    out.push('>');
}

/// Writes an empty element `<P:local/>` in the fixed-prefix regime.
pub(crate) fn empty_fixed(out: &mut String, name: &QName) {
    open_fixed(out, name);
    out.push_str("/>");
}

fn push_qualified(out: &mut String, prefix: &str, local: &str) {
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push(':');
    }
    out.push_str(local);
}

/// Writes `el` and its subtree in the fixed-prefix regime: unknown namespaces are
/// declared on each element that uses them.
pub(crate) fn write_fixed(out: &mut String, el: &Element) {
    let prefix = open_fixed(out, &el.name);
    // Attributes in namespaces without a fixed prefix get x1, x2, … on this element.
    let mut local_decls: Vec<&str> = Vec::new();
    for (name, value) in &el.attrs {
        out.push(' ');
        let ap: std::borrow::Cow<'static, str> = if name.ns.is_empty() {
            "".into()
        } else if name.ns == ns::XML {
            "xml".into()
        } else if let Some(p) = fixed_prefix(&name.ns) {
            p.into()
        } else if prefix == "x" && name.ns == el.name.ns {
            "x".into()
        } else {
            let idx = match local_decls.iter().position(|n| *n == name.ns) {
                Some(i) => i,
                None => {
                    local_decls.push(&name.ns);
                    local_decls.len() - 1
                }
            };
            format!("x{}", idx + 1).into()
        };
        push_qualified(out, &ap, &name.local);
        out.push_str("=\"");
        push_attr(out, value);
        out.push('"');
    }
    for (i, uri) in local_decls.iter().enumerate() {
        out.push_str(" xmlns:x");
        out.push_str(&(i + 1).to_string());
        out.push_str("=\"");
        push_attr(out, uri);
        out.push('"');
    }
    if el.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for node in &el.children {
        match node {
            Node::Text(t) => push_text(out, t),
            Node::Element(child) => write_fixed(out, child),
        }
    }
    close(out, prefix, &el.name.local);
}

/// Prefix table of a self-contained fragment: namespace URI → prefix.
struct Table<'a> {
    entries: Vec<(&'a str, String)>,
}

impl<'a> Table<'a> {
    fn prefix(&self, uri: &str) -> &str {
        if uri.is_empty() {
            return "";
        }
        if uri == ns::XML {
            return "xml";
        }
        self.entries
            .iter()
            .find(|(u, _)| *u == uri)
            .map(|(_, p)| p.as_str())
            .unwrap_or("")
    }

    fn add(&mut self, uri: &'a str) {
        if uri.is_empty() || uri == ns::XML || self.entries.iter().any(|(u, _)| *u == uri) {
            return;
        }
        let prefix = match fixed_prefix(uri) {
            Some(p) => p.to_owned(),
            None => format!("x{}", self.entries.len()),
        };
        self.entries.push((uri, prefix));
    }
}

/// Collects namespaces in first-use order; returns whether any element is un-namespaced.
fn collect<'a>(el: &'a Element, table: &mut Table<'a>) -> bool {
    let mut uses_empty = el.name.ns.is_empty();
    table.add(&el.name.ns);
    for (name, _) in &el.attrs {
        table.add(&name.ns);
    }
    for child in el.child_elements() {
        uses_empty |= collect(child, table);
    }
    uses_empty
}

/// Writes `el` as a fragment that declares every namespace it uses on its root.
pub(crate) fn write_fragment(out: &mut String, el: &Element) {
    let mut table = Table {
        entries: Vec::new(),
    };
    let uses_empty = collect(el, &mut table);
    let mut decls = String::new();
    if uses_empty {
        // Pins the default namespace to "none" whatever context the fragment lands in.
        decls.push_str(" xmlns=\"\"");
    }
    for (uri, prefix) in &table.entries {
        decls.push_str(" xmlns:");
        decls.push_str(prefix);
        decls.push_str("=\"");
        push_attr(&mut decls, uri);
        decls.push('"');
    }
    write_with_table(out, el, &table, &decls);
}

fn write_with_table(out: &mut String, el: &Element, table: &Table<'_>, decls: &str) {
    let prefix = table.prefix(&el.name.ns);
    out.push('<');
    push_qualified(out, prefix, &el.name.local);
    for (name, value) in &el.attrs {
        out.push(' ');
        push_qualified(out, table.prefix(&name.ns), &name.local);
        out.push_str("=\"");
        push_attr(out, value);
        out.push('"');
    }
    out.push_str(decls);
    if el.children.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    for node in &el.children {
        match node {
            Node::Text(t) => push_text(out, t),
            Node::Element(child) => write_with_table(out, child, table, ""),
        }
    }
    close(out, prefix, &el.name.local);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names;

    #[test]
    fn fixed_regime_declares_unknown_namespaces_locally() {
        let el = Element::new(names::RESOURCETYPE)
            .with_child(Element::new(names::COLLECTION))
            .with_child(Element::new(names::CALENDAR))
            .with_child(
                Element::new(QName::new_static("urn:x", "thing"))
                    .with_attr(QName::new_static("urn:y", "a"), "1")
                    .with_attr(QName::new_static("urn:x", "b"), "2")
                    .with_attr(QName::new_static("", "c"), "<&>"),
            );
        let mut out = String::new();
        write_fixed(&mut out, &el);
        assert_eq!(
            out,
            "<D:resourcetype><D:collection/><C:calendar/>\
             <x:thing xmlns:x=\"urn:x\" x1:a=\"1\" x:b=\"2\" c=\"&lt;&amp;&gt;\" xmlns:x1=\"urn:y\"/>\
             </D:resourcetype>"
        );
    }

    #[test]
    fn xml_namespace_is_never_declared() {
        let el = Element::new(QName::new_static(ns::XML, "odd"))
            .with_attr(QName::new_static(ns::XML, "lang"), "en");
        let mut out = String::new();
        write_fixed(&mut out, &el);
        assert_eq!(out, "<xml:odd xml:lang=\"en\"/>");
        assert_eq!(el.to_xml(), "<xml:odd xml:lang=\"en\"/>");
    }

    #[test]
    fn fragment_declares_everything_on_root() {
        let el = Element::new(QName::new_static(
            "http://example.com/neon/litmus/",
            "valnspace",
        ))
        .with_child(Element::new(QName::new_static("http://bar", "foo")))
        .with_child(Element::new(QName::new_static("", "plain")).with_text("t"))
        .with_child(Element::new(names::HREF));
        assert_eq!(
            el.to_xml(),
            "<x0:valnspace xmlns=\"\" xmlns:x0=\"http://example.com/neon/litmus/\" \
             xmlns:x1=\"http://bar\" xmlns:D=\"DAV:\"><x1:foo/><plain>t</plain><D:href/></x0:valnspace>"
        );
    }
}
