//! Hardened XML reading into an [`Element`] tree.
//!
//! Request bodies are small (the front-end caps their size), so one owned tree per
//! request keeps the per-method parsers simple and lets them ignore unknown elements
//! the way RFC 4918 §17 asks.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::element::Element;
use crate::error::XmlError;
use crate::escape::is_xml_char;
use crate::qname::{QName, intern_ns};

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 64;
/// Most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 100_000;

/// Parses a whole document; `Ok(None)` for an empty or whitespace-only body.
pub(crate) fn parse_document(body: &[u8]) -> Result<Option<Element>, XmlError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    // Validating UTF-8 up front means every later decode of a slice is infallible.
    if std::str::from_utf8(body).is_err() {
        return Err(XmlError::Malformed("body is not UTF-8".into()));
    }
    let mut reader = NsReader::from_reader(body);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;

    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(malformed)?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(XmlError::TooLarge(MAX_ELEMENTS));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep(MAX_DEPTH));
                }
                if root.is_some() {
                    return Err(XmlError::Malformed("more than one root element".into()));
                }
                let ns = match &resolved {
                    ResolveResult::Bound(n) => namespace_uri(n.as_ref())?,
                    ResolveResult::Unbound => String::new(),
                    ResolveResult::Unknown(p) => {
                        return Err(XmlError::Malformed(format!(
                            "undeclared namespace prefix {:?}",
                            String::from_utf8_lossy(p)
                        )));
                    }
                };
                let el = start_element(&reader, start, ns)?;
                if matches!(event, Event::Start(_)) {
                    stack.push(el);
                } else {
                    attach(&mut stack, &mut root, el);
                }
            }
            Event::End(_) => match stack.pop() {
                Some(el) => attach(&mut stack, &mut root, el),
                None => return Err(XmlError::Malformed("unbalanced end tag".into())),
            },
            Event::Text(t) => {
                let text = t.xml10_content().map_err(malformed)?;
                push_text(&mut stack, &text)?;
            }
            Event::CData(c) => {
                let raw = utf8(&c)?;
                let text = normalize_eol(raw);
                push_text(&mut stack, &text)?;
            }
            Event::GeneralRef(r) => {
                let name = utf8(&r)?;
                let ch = if let Some(num) = name.strip_prefix('#') {
                    char_ref(num)?
                } else {
                    match name {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => return Err(XmlError::EntityForbidden(other.to_owned())),
                    }
                };
                let mut buf = [0u8; 4];
                push_text(&mut stack, ch.encode_utf8(&mut buf))?;
            }
            Event::DocType(_) => return Err(XmlError::DoctypeForbidden),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(XmlError::Malformed("unexpected end of document".into()));
    }
    match root {
        Some(root) => Ok(Some(root)),
        None => Err(XmlError::Malformed("no root element".into())),
    }
}

/// Parses a stored fragment (as written by [`Element::to_xml`]) back into an element.
pub fn parse_element(fragment: &[u8]) -> Result<Element, XmlError> {
    parse_document(fragment)?.ok_or_else(|| XmlError::Malformed("empty fragment".into()))
}

fn start_element(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    ns: String,
) -> Result<Element, XmlError> {
    check_name(start.name().into_inner())?;
    let local = utf8(start.local_name().into_inner())?.to_owned();
    let mut el = Element::new(QName::new(intern_ns(Cow::Owned(ns)), local));
    for attr in start.attributes() {
        let attr = attr.map_err(malformed)?;
        let key = attr.key;
        if let Some(binding) = key.as_namespace_binding() {
            // `xmlns:p=""` is forbidden by Namespaces in XML 1.0 (litmus propfind_invalid2).
            if matches!(binding, quick_xml::name::PrefixDeclaration::Named(_))
                && attr.value.is_empty()
            {
                return Err(XmlError::Malformed(
                    "a namespace prefix cannot be bound to the empty name".into(),
                ));
            }
            continue;
        }
        check_name(key.into_inner())?;
        let (resolved, local) = reader.resolve_attribute(key);
        let ans = match resolved {
            ResolveResult::Bound(n) => namespace_uri(n.as_ref())?,
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(p) => {
                return Err(XmlError::Malformed(format!(
                    "undeclared attribute prefix {:?}",
                    String::from_utf8_lossy(&p)
                )));
            }
        };
        let local = utf8(local.into_inner())?.to_owned();
        let value = attr.unescape_value().map_err(|e| match e {
            quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(_, n)) => {
                XmlError::EntityForbidden(n)
            }
            other => malformed(other),
        })?;
        check_chars(&value)?;
        let name = QName::new(intern_ns(Cow::Owned(ans)), local);
        if el.attrs.iter().any(|(n, _)| *n == name) {
            return Err(XmlError::Malformed(format!("duplicate attribute {name}")));
        }
        el.attrs.push((name, value.into_owned()));
    }
    Ok(el)
}

/// Checks a raw `prefix:local` name against the XML `QName` production, so that
/// whatever we echo back (dead properties) is well-formed for strict client parsers.
fn check_name(raw: &[u8]) -> Result<(), XmlError> {
    let name = utf8(raw)?;
    let mut parts = name.split(':');
    let ok = match (parts.next(), parts.next(), parts.next()) {
        (Some(a), None, _) => is_ncname(a),
        (Some(a), Some(b), None) => is_ncname(a) && is_ncname(b),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(XmlError::Malformed(format!("invalid XML name {name:?}")))
    }
}

fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if is_name_start(c)) && chars.all(is_name_char)
}

fn is_name_start(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(crate::element::Node::Element(el)),
        None => *root = Some(el),
    }
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), XmlError> {
    check_chars(text)?;
    match stack.last_mut() {
        Some(parent) => parent.push_text(text),
        None if text.trim_matches(is_xml_space).is_empty() => {}
        None => return Err(XmlError::Malformed("text outside the root element".into())),
    }
    Ok(())
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn check_chars(s: &str) -> Result<(), XmlError> {
    match s.chars().find(|c| !is_xml_char(*c)) {
        Some(c) => Err(XmlError::Malformed(format!(
            "character U+{:04X} is not allowed in XML",
            c as u32
        ))),
        None => Ok(()),
    }
}

fn char_ref(num: &str) -> Result<char, XmlError> {
    let code = match num.strip_prefix('x') {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => num.parse::<u32>(),
    };
    // from_str_radix accepts a leading '+', which XML does not.
    if num.contains('+') {
        return Err(XmlError::Malformed(format!(
            "bad character reference &#{num};"
        )));
    }
    code.ok()
        .and_then(char::from_u32)
        .filter(|c| is_xml_char(*c))
        .ok_or_else(|| XmlError::Malformed(format!("bad character reference &#{num};")))
}

fn normalize_eol(s: &str) -> Cow<'_, str> {
    if s.contains('\r') {
        Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The resolver hands back the raw attribute text of the `xmlns` declaration, so
/// references in it (`&amp;`, `&#x20;`) still need resolving.
fn namespace_uri(raw: &[u8]) -> Result<String, XmlError> {
    let raw = utf8(raw)?;
    // Only declarations may live in the xmlns namespace (Namespaces in XML 1.0 §3).
    if raw == XMLNS {
        return Err(XmlError::Malformed(
            "names cannot use the reserved xmlns namespace".into(),
        ));
    }
    if !raw.contains('&') {
        check_chars(raw)?;
        return Ok(raw.to_owned());
    }
    let value = quick_xml::escape::unescape(raw).map_err(|e| match e {
        quick_xml::escape::EscapeError::UnrecognizedEntity(_, n) => XmlError::EntityForbidden(n),
        other => malformed(other),
    })?;
    check_chars(&value)?;
    if value == XMLNS {
        return Err(XmlError::Malformed(
            "names cannot use the reserved xmlns namespace".into(),
        ));
    }
    Ok(value.into_owned())
}

const XMLNS: &str = "http://www.w3.org/2000/xmlns/";

fn utf8(bytes: &[u8]) -> Result<&str, XmlError> {
    std::str::from_utf8(bytes).map_err(|_| XmlError::Malformed("invalid UTF-8".into()))
}

fn malformed(e: impl std::fmt::Display) -> XmlError {
    XmlError::Malformed(e.to_string())
}

/// Parses `body` and checks the root element's name.
pub(crate) fn parse_root(body: &[u8], expected: &QName) -> Result<Element, XmlError> {
    let root = parse_document(body)?
        .ok_or_else(|| XmlError::Invalid(format!("empty body, expected {expected}")))?;
    check_root(&root, expected)?;
    Ok(root)
}

/// Fails with [`XmlError::UnexpectedRoot`] unless `root` is named `expected`.
pub(crate) fn check_root(root: &Element, expected: &QName) -> Result<(), XmlError> {
    if &root.name != expected {
        return Err(XmlError::UnexpectedRoot {
            expected: expected.clark(),
            found: root.name.clark(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::element::Node;

    fn parse(s: &str) -> Result<Option<Element>, XmlError> {
        parse_document(s.as_bytes())
    }

    #[test]
    fn empty_and_whitespace_bodies() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse(" \r\n\t"), Ok(None));
        assert_eq!(parse_document(b"\xEF\xBB\xBF \n"), Ok(None));
    }

    #[test]
    fn resolves_namespaces_not_prefixes() {
        let el = parse(r#"<?xml version="1.0"?><X:a xmlns:X="DAV:" xmlns="urn:d"><b/><X:c p="1" X:q="2"/></X:a>"#)
            .unwrap()
            .unwrap();
        assert_eq!(el.name, QName::dav("a"));
        let kids: Vec<_> = el.child_elements().collect();
        assert_eq!(kids[0].name, QName::new_static("urn:d", "b"));
        assert_eq!(kids[1].name, QName::dav("c"));
        assert_eq!(
            kids[1].attrs,
            vec![
                (QName::new_static("", "p"), "1".to_owned()),
                (QName::dav("q"), "2".to_owned())
            ]
        );
    }

    #[test]
    fn text_entities_cdata_and_char_refs_merge() {
        let el = parse("<a>x&amp;y&#65536;<![CDATA[<z>\r\n]]>&#x41;\r\nq</a>")
            .unwrap()
            .unwrap();
        assert_eq!(
            el.children,
            vec![Node::Text("x&y\u{10000}<z>\nA\nq".into())]
        );
    }

    #[test]
    fn char_ref_carriage_return_survives() {
        let el = parse("<a>&#13;</a>").unwrap().unwrap();
        assert_eq!(el.text(), "\r");
    }

    #[test]
    fn refuses_doctype_and_entities() {
        assert_eq!(
            parse("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"),
            Err(XmlError::DoctypeForbidden)
        );
        assert_eq!(
            parse("<a>&x;</a>"),
            Err(XmlError::EntityForbidden("x".into()))
        );
        assert_eq!(
            parse("<a b=\"&foo;\"/>"),
            Err(XmlError::EntityForbidden("foo".into()))
        );
        assert!(matches!(parse("<a>&#0;</a>"), Err(XmlError::Malformed(_))));
        assert!(matches!(
            parse("<a>&#xD800;</a>"),
            Err(XmlError::Malformed(_))
        ));
        assert!(matches!(
            parse("<a>&#+65;</a>"),
            Err(XmlError::Malformed(_))
        ));
        assert!(matches!(parse("<a>\u{1}</a>"), Err(XmlError::Malformed(_))));
    }

    #[test]
    fn refuses_malformed() {
        for bad in [
            "<foo>",
            "<a></b>",
            "</a>",
            "<a/><b/>",
            "text",
            "<a/>text",
            "<p:a/>",
            "<a p:b='1'/>",
            "<a b='1' b='2'/>",
            "<D:propfind xmlns:D=\"DAV:\"><D:prop><bar:foo xmlns:bar=\"\"/></D:prop></D:propfind>",
            "<a",
            "<a b=c/>",
            "<a&b/>",
            "<1a/>",
            "<a:b:c xmlns:a='urn:a'/>",
            "<a xmlns='urn:\u{0}'/>",
            "<p:a xmlns:p='urn:&#1;'/>",
            "<xmlns:a/>",
            "<a xmlns:p='http://www.w3.org/2000/xmlns/'/>",
            "<p:a xmlns:p='http://www.w3.org/2000/xmlns&#47;'/>",
        ] {
            assert!(matches!(parse(bad), Err(XmlError::Malformed(_))), "{bad}");
        }
        assert!(matches!(
            parse_document(b"<a>\xff</a>"),
            Err(XmlError::Malformed(_))
        ));
    }

    #[test]
    fn limits() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep), Err(XmlError::TooDeep(MAX_DEPTH)));
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let wide = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS));
        assert_eq!(parse(&wide), Err(XmlError::TooLarge(MAX_ELEMENTS)));
    }

    #[test]
    fn xml_lang_resolves_to_xml_namespace() {
        let el = parse("<a xml:lang=\"en\"/>").unwrap().unwrap();
        assert_eq!(
            el.attrs,
            vec![(
                QName::new_static(crate::qname::ns::XML, "lang"),
                "en".into()
            )]
        );
    }
}
