//! Streaming `DAV:multistatus` writer (RFC 4918 §13, §14.16; RFC 6578 §6.2).
//!
//! A Depth 1 PROPFIND on a large calendar writes one response per member, so
//! everything goes straight into one growing `String`: no intermediate tree.

use std::borrow::Cow;

use crate::element::Element;
use crate::error_body::{Precondition, push_error};
use crate::escape::push_text;
use crate::qname::{QName, ROOT_NS_DECLS};
use crate::status::push_status_line;
use crate::xmlwrite::{close, empty_fixed, open_fixed, write_fixed};

/// The value of one property inside a `DAV:propstat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropValue<'a> {
    /// `<D:x/>`: no value (also used for 404/403 propstats and propname answers).
    Empty,
    /// Escaped text content (also for calendar-data).
    Text(Cow<'a, str>),
    /// `<D:x><D:href>…</D:href></D:x>`; the href is already percent-encoded.
    Href(Cow<'a, str>),
    /// Several hrefs inside the property.
    Hrefs(Vec<Cow<'a, str>>),
    /// Nested elements (resourcetype, supported-report-set, privileges, comp sets …).
    Children(Vec<Element>),
    /// Like `Children` but borrowed, so one value (say a resourcetype) built once can
    /// serve thousands of responses without cloning.
    ChildrenRef(&'a [Element]),
    /// A complete, self-contained property element from [`Element::to_xml`] (dead
    /// properties), written verbatim instead of `<name>…</name>`.
    Raw(Cow<'a, str>),
}

/// One `DAV:propstat`: properties sharing a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropStat<'a> {
    /// HTTP status code for these properties.
    pub status: u16,
    /// Property names with their values.
    pub props: Vec<(QName, PropValue<'a>)>,
    /// Optional `DAV:error` explaining the status.
    pub error: Option<Precondition>,
    /// Optional `DAV:responsedescription`.
    pub description: Option<String>,
}

impl<'a> PropStat<'a> {
    /// A propstat with the given status and properties, no error or description.
    pub fn new(status: u16, props: Vec<(QName, PropValue<'a>)>) -> Self {
        PropStat {
            status,
            props,
            error: None,
            description: None,
        }
    }

    /// `404 Not Found` for each of `names`, with empty values.
    pub fn not_found(names: impl IntoIterator<Item = QName>) -> Self {
        Self::new(
            404,
            names.into_iter().map(|n| (n, PropValue::Empty)).collect(),
        )
    }
}

/// Writes a `DAV:multistatus` document response by response.
#[derive(Debug)]
pub struct MultistatusWriter {
    out: String,
    sync_token: Option<String>,
}

impl Default for MultistatusWriter {
    fn default() -> Self {
        Self::new()
    }
}

const PROLOGUE: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus";

impl MultistatusWriter {
    /// Starts a document: the XML declaration and `<D:multistatus>` with the fixed prefixes.
    pub fn new() -> Self {
        Self::with_capacity(4096)
    }

    /// Like [`MultistatusWriter::new`], reserving `bytes` of output up front.
    pub fn with_capacity(bytes: usize) -> Self {
        let mut out = String::with_capacity(bytes.max(PROLOGUE.len() + ROOT_NS_DECLS.len() + 2));
        out.push_str(PROLOGUE);
        out.push_str(ROOT_NS_DECLS);
        out.push_str(">\n");
        MultistatusWriter {
            out,
            sync_token: None,
        }
    }

    /// Bytes written so far (for callers that cap response size).
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// True when no response has been written yet.
    pub fn is_empty(&self) -> bool {
        self.out.len() == PROLOGUE.len() + ROOT_NS_DECLS.len() + 2
    }

    /// Reserves room for `bytes` more of output (one allocation for a large answer
    /// instead of a chain of doublings, each briefly holding the old copy too).
    pub fn reserve(&mut self, bytes: usize) {
        self.out.reserve(bytes);
    }

    /// Writes a `DAV:response` with one `DAV:propstat` per entry.
    pub fn response(&mut self, href: &str, propstats: &[PropStat<'_>]) {
        let out = &mut self.out;
        out.push_str("<D:response><D:href>");
        push_text(out, href);
        out.push_str("</D:href>");
        push_propstats(out, propstats);
        // One response per line keeps large answers readable in logs at no real cost.
        out.push_str("</D:response>\n");
    }

    /// Writes a status-only `DAV:response` (e.g. 404 for a member deleted since the
    /// sync token, 507 when results were truncated).
    pub fn response_status(&mut self, href: &str, status: u16, error: Option<&Precondition>) {
        let out = &mut self.out;
        out.push_str("<D:response><D:href>");
        push_text(out, href);
        out.push_str("</D:href><D:status>");
        push_status_line(out, status);
        out.push_str("</D:status>");
        if let Some(err) = error {
            push_error(out, err);
        }
        out.push_str("</D:response>\n");
    }

    /// Sets the `DAV:sync-token` written after the last response (RFC 6578 §6.2).
    pub fn sync_token(&mut self, token: &str) {
        self.sync_token = Some(token.to_owned());
    }

    /// Closes the document and returns it.
    pub fn finish(mut self) -> String {
        if let Some(token) = &self.sync_token {
            self.out.push_str("<D:sync-token>");
            push_text(&mut self.out, token);
            self.out.push_str("</D:sync-token>\n");
        }
        self.out.push_str("</D:multistatus>");
        self.out
    }
}

/// Appends one `DAV:propstat` per entry.
fn push_propstats(out: &mut String, propstats: &[PropStat<'_>]) {
    for ps in propstats {
        out.push_str("<D:propstat><D:prop>");
        for (name, value) in &ps.props {
            push_prop(out, name, value);
        }
        out.push_str("</D:prop><D:status>");
        push_status_line(out, ps.status);
        out.push_str("</D:status>");
        if let Some(err) = &ps.error {
            push_error(out, err);
        }
        if let Some(desc) = &ps.description {
            out.push_str("<D:responsedescription>");
            push_text(out, desc);
            out.push_str("</D:responsedescription>");
        }
        out.push_str("</D:propstat>");
    }
}

/// A document whose root holds propstats directly: `DAV:mkcol-response` (RFC 5689 §3.2)
/// or `CALDAV:mkcalendar-response` (RFC 4791 §5.3.1), explaining a failed creation.
/// `root` must be in one of the namespaces with a fixed prefix.
pub fn propstat_body(root: &QName, propstats: &[PropStat<'_>]) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let prefix = open_fixed(&mut out, root);
    out.push_str(ROOT_NS_DECLS);
    out.push('>');
    push_propstats(&mut out, propstats);
    close(&mut out, prefix, &root.local);
    out
}

fn push_prop(out: &mut String, name: &QName, value: &PropValue<'_>) {
    match value {
        PropValue::Raw(xml) => out.push_str(xml),
        PropValue::Empty => empty_fixed(out, name),
        PropValue::Text(t) if t.is_empty() => empty_fixed(out, name),
        PropValue::Hrefs(h) if h.is_empty() => empty_fixed(out, name),
        PropValue::Children(c) if c.is_empty() => empty_fixed(out, name),
        PropValue::ChildrenRef([]) => empty_fixed(out, name),
        PropValue::Text(t) => {
            let prefix = open_fixed(out, name);
            out.push('>');
            push_text(out, t);
            close(out, prefix, &name.local);
        }
        PropValue::Href(h) => {
            let prefix = open_fixed(out, name);
            out.push_str("><D:href>");
            push_text(out, h);
            out.push_str("</D:href>");
            close(out, prefix, &name.local);
        }
        PropValue::Hrefs(hrefs) => {
            let prefix = open_fixed(out, name);
            out.push('>');
            for h in hrefs {
                out.push_str("<D:href>");
                push_text(out, h);
                out.push_str("</D:href>");
            }
            close(out, prefix, &name.local);
        }
        PropValue::Children(children) => push_children(out, name, children),
        PropValue::ChildrenRef(children) => push_children(out, name, children),
    }
}

fn push_children(out: &mut String, name: &QName, children: &[Element]) {
    let prefix = open_fixed(out, name);
    out.push('>');
    for child in children {
        write_fixed(out, child);
    }
    close(out, prefix, &name.local);
}

#[cfg(test)]
mod tests;
