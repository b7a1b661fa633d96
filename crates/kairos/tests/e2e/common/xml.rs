//! A small namespace-aware XML tree for reading responses, independent of the server's
//! own XML code (quick-xml `NsReader`), and a multistatus view on top of it.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// Namespace URIs.
pub mod ns {
    pub const DAV: &str = "DAV:";
    pub const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
    pub const CS: &str = "http://calendarserver.org/ns/";
    pub const APPLE: &str = "http://apple.com/ns/ical/";
}

/// An element: name, attributes (namespace, local, value), children and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub ns: String,
    pub local: String,
    pub attrs: Vec<(String, String, String)>,
    pub children: Vec<Node>,
    /// Concatenated character data directly inside this element.
    pub text: String,
}

impl Node {
    /// Whether this element is `{ns}local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// The first child `{ns}local`.
    pub fn child(&self, ns: &str, local: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.is(ns, local))
    }

    /// Every child `{ns}local`.
    pub fn children_named<'a>(
        &'a self,
        ns: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.is(ns, local))
    }

    /// Every descendant `{ns}local`, depth first.
    pub fn descendants(&self, ns: &str, local: &str) -> Vec<&Node> {
        let mut out = Vec::new();
        for c in &self.children {
            if c.is(ns, local) {
                out.push(c);
            }
            out.extend(c.descendants(ns, local));
        }
        out
    }

    /// An attribute in no namespace.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, l, _)| n.is_empty() && l == local)
            .map(|(_, _, v)| v.as_str())
    }

    /// `{ns}local` names of the children, in order.
    pub fn child_names(&self) -> Vec<(String, String)> {
        self.children
            .iter()
            .map(|c| (c.ns.clone(), c.local.clone()))
            .collect()
    }

    /// The text of every `DAV:href` child.
    pub fn hrefs(&self) -> Vec<String> {
        self.children_named(ns::DAV, "href")
            .map(|h| h.text.clone())
            .collect()
    }
}

fn resolved_ns(r: &ResolveResult<'_>) -> String {
    match r {
        ResolveResult::Bound(n) => String::from_utf8_lossy(n.as_ref()).into_owned(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(p) => panic!("unknown prefix {}", String::from_utf8_lossy(p)),
    }
}

/// Parses a whole document.
pub fn parse(body: &[u8]) -> Result<Node, String> {
    let text = std::str::from_utf8(body).map_err(|e| e.to_string())?;
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut root = None;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(ref s) | Event::Empty(ref s) => {
                let mut node = Node {
                    ns: resolved_ns(&resolved),
                    local: String::from_utf8_lossy(s.local_name().into_inner()).into_owned(),
                    attrs: Vec::new(),
                    children: Vec::new(),
                    text: String::new(),
                };
                for a in s.attributes() {
                    let a = a.map_err(|e| e.to_string())?;
                    if a.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let (r, local) = reader.resolve_attribute(a.key);
                    let value = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
                    node.attrs.push((
                        resolved_ns(&r),
                        String::from_utf8_lossy(local.into_inner()).into_owned(),
                        value,
                    ));
                }
                if matches!(event, Event::Start(_)) {
                    stack.push(node);
                } else {
                    attach(&mut stack, &mut root, node)?;
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or("unbalanced end tag")?;
                attach(&mut stack, &mut root, node)?;
            }
            Event::Text(t) => {
                let s = t.xml10_content().map_err(|e| e.to_string())?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                } else if !s.trim().is_empty() {
                    return Err("text outside the root".into());
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r).into_owned();
                let ch = match name.as_str() {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "apos" => '\'',
                    "quot" => '"',
                    n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or("bad char ref")?,
                    n if n.starts_with('#') => n[1..]
                        .parse::<u32>()
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or("bad char ref")?,
                    other => return Err(format!("unknown entity {other}")),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push(ch);
                }
            }
            Event::DocType(_) => return Err("DOCTYPE in a response".into()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err("unclosed element".into());
    }
    root.ok_or_else(|| "no root element".into())
}

fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) -> Result<(), String> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None if root.is_none() => *root = Some(node),
        None => return Err("two root elements".into()),
    }
    Ok(())
}

/// The status code in a `DAV:status` line such as `HTTP/1.1 404 Not Found`.
pub fn status_code(line: &str) -> u16 {
    let mut parts = line.split_whitespace();
    let version = parts.next().unwrap_or_default();
    assert!(version.starts_with("HTTP/"), "bad status line {line:?}");
    parts
        .next()
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"))
}

/// One `DAV:propstat`.
#[derive(Clone, Debug)]
pub struct PropStat {
    pub status: u16,
    pub props: Vec<Node>,
    pub error: Option<Node>,
}

/// One `DAV:response`.
#[derive(Clone, Debug)]
pub struct MsResponse {
    pub href: String,
    /// Status of a status-only response.
    pub status: Option<u16>,
    pub propstats: Vec<PropStat>,
    pub error: Option<Node>,
}

impl MsResponse {
    /// A property with the status of its propstat.
    pub fn prop(&self, ns: &str, local: &str) -> Option<(u16, &Node)> {
        self.propstats.iter().find_map(|ps| {
            ps.props
                .iter()
                .find(|p| p.is(ns, local))
                .map(|p| (ps.status, p))
        })
    }

    /// A property that must be present with 200.
    pub fn prop_ok(&self, ns: &str, local: &str) -> &Node {
        match self.prop(ns, local) {
            Some((200, p)) => p,
            other => panic!("{{{ns}}}{local} of {}: {other:?}", self.href),
        }
    }

    /// The text of a property that must be present with 200.
    pub fn prop_text(&self, ns: &str, local: &str) -> String {
        self.prop_ok(ns, local).text.clone()
    }

    /// The href inside a property that must be present with 200.
    pub fn prop_href(&self, ns: &str, local: &str) -> String {
        let hrefs = self.prop_ok(ns, local).hrefs();
        assert_eq!(hrefs.len(), 1, "{{{ns}}}{local}: {hrefs:?}");
        hrefs[0].clone()
    }

    /// The status of a property, if listed.
    pub fn prop_status(&self, ns: &str, local: &str) -> Option<u16> {
        self.prop(ns, local).map(|(s, _)| s)
    }

    /// Every property name with status 200.
    pub fn ok_names(&self) -> Vec<(String, String)> {
        self.propstats
            .iter()
            .filter(|ps| ps.status == 200)
            .flat_map(|ps| ps.props.iter().map(|p| (p.ns.clone(), p.local.clone())))
            .collect()
    }
}

/// A parsed `DAV:multistatus`.
#[derive(Clone, Debug)]
pub struct Multistatus {
    pub responses: Vec<MsResponse>,
    pub sync_token: Option<String>,
}

impl Multistatus {
    /// The multistatus in `root` (which must be one).
    pub fn from_node(root: &Node) -> Multistatus {
        assert!(
            root.is(ns::DAV, "multistatus"),
            "not a multistatus: {root:?}"
        );
        let responses = root
            .children_named(ns::DAV, "response")
            .map(|r| {
                let hrefs = r.hrefs();
                assert_eq!(hrefs.len(), 1, "one href per response: {r:?}");
                let propstats: Vec<PropStat> = r
                    .children_named(ns::DAV, "propstat")
                    .map(|ps| PropStat {
                        status: status_code(
                            &ps.child(ns::DAV, "status").expect("propstat status").text,
                        ),
                        props: ps
                            .child(ns::DAV, "prop")
                            .expect("propstat prop")
                            .children
                            .clone(),
                        error: ps.child(ns::DAV, "error").cloned(),
                    })
                    .collect();
                let status = r.child(ns::DAV, "status").map(|s| status_code(&s.text));
                assert!(
                    status.is_some() == propstats.is_empty(),
                    "a response has either a status or propstats: {r:?}"
                );
                MsResponse {
                    href: hrefs[0].clone(),
                    status,
                    propstats,
                    error: r.child(ns::DAV, "error").cloned(),
                }
            })
            .collect();
        Multistatus {
            responses,
            sync_token: root.child(ns::DAV, "sync-token").map(|t| t.text.clone()),
        }
    }

    /// The response for `href` (panics when absent).
    pub fn response(&self, href: &str) -> &MsResponse {
        self.responses
            .iter()
            .find(|r| r.href == href)
            .unwrap_or_else(|| panic!("no response for {href} in {:?}", self.hrefs()))
    }

    /// The only response.
    pub fn only(&self) -> &MsResponse {
        assert_eq!(self.responses.len(), 1, "{:?}", self.hrefs());
        &self.responses[0]
    }

    /// Every href, in document order.
    pub fn hrefs(&self) -> Vec<String> {
        self.responses.iter().map(|r| r.href.clone()).collect()
    }
}
