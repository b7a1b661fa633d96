//! An owned, editable iCalendar object that remembers each line as read.

use super::EditError;
use crate::contentline::{self, ContentLine};
use crate::error::IngestError;
use crate::fold::push_folded;
use crate::unfold::unfold;

/// A parameter with its values, DQUOTEs removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Param {
    pub name: String,
    pub values: Vec<String>,
}

/// A property. While unmodified it is written back as the line it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Prop {
    pub name: String,
    params: Vec<Param>,
    value: String,
    /// The unfolded line as read; `None` once anything changed.
    original: Option<String>,
}

impl Prop {
    /// A new property without parameters.
    pub fn new(name: &str, value: impl Into<String>) -> Prop {
        Prop {
            name: name.to_owned(),
            params: Vec::new(),
            value: value.into(),
            original: None,
        }
    }

    /// A property from one unfolded content line (kept as its original text).
    pub fn parse_line(text: &str) -> Result<Prop, IngestError> {
        let cl = contentline::parse(text, 1)?;
        Ok(Prop::read(&cl, text))
    }

    fn read(cl: &ContentLine<'_>, text: &str) -> Prop {
        Prop {
            name: cl.name.to_owned(),
            params: cl
                .params
                .iter()
                .map(|p| Param {
                    name: p.name.to_owned(),
                    values: p.values.iter().map(|v| (*v).to_owned()).collect(),
                })
                .collect(),
            value: cl.value.to_owned(),
            original: Some(text.to_owned()),
        }
    }

    /// Whether the property is called `name` (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The value as written (escapes kept).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The first value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
            .and_then(|p| p.values.first())
            .map(String::as_str)
    }

    /// Replaces the value (no-op when equal, so the original line survives).
    pub fn set_value(&mut self, value: impl Into<String>) {
        let value = value.into();
        if value != self.value {
            self.value = value;
            self.original = None;
        }
    }

    /// Sets parameter `name` to one value, or removes it with `None` (no-op when equal).
    pub fn set_param(&mut self, name: &str, value: Option<&str>) {
        let at = self
            .params
            .iter()
            .position(|p| p.name.eq_ignore_ascii_case(name));
        match (at, value) {
            (Some(i), Some(v)) => {
                if let Some(p) = self.params.get_mut(i)
                    && p.values != [v]
                {
                    p.values = vec![v.to_owned()];
                    self.original = None;
                }
            }
            (Some(i), None) => {
                self.params.remove(i);
                self.original = None;
            }
            (None, Some(v)) => {
                self.params.push(Param {
                    name: name.to_ascii_uppercase(),
                    values: vec![v.to_owned()],
                });
                self.original = None;
            }
            (None, None) => {}
        }
    }

    /// Whether the edit module wrote this property (it was added or changed).
    pub fn is_written(&self) -> bool {
        self.original.is_none()
    }

    /// The unfolded content line: the original text while unchanged.
    pub fn line(&self) -> String {
        if let Some(original) = &self.original {
            return original.clone();
        }
        let mut out = self.name.clone();
        for p in &self.params {
            out.push(';');
            out.push_str(&p.name);
            out.push('=');
            let values: Vec<String> = p.values.iter().map(|v| quote_param(v)).collect();
            out.push_str(&values.join(","));
        }
        out.push(':');
        out.push_str(&self.value);
        out
    }
}

/// A parameter value, DQUOTEd when it holds a delimiter.
fn quote_param(v: &str) -> String {
    if v.contains([':', ';', ',']) {
        format!("\"{v}\"")
    } else {
        v.to_owned()
    }
}

/// A component with its properties and sub-components, in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Component {
    pub name: String,
    pub props: Vec<Prop>,
    pub children: Vec<Component>,
    /// The BEGIN and END lines as read.
    begin: Option<String>,
    end: Option<String>,
}

impl Component {
    /// An empty component called `name`.
    pub fn new(name: &str) -> Component {
        Component {
            name: name.to_owned(),
            props: Vec::new(),
            children: Vec::new(),
            begin: None,
            end: None,
        }
    }

    /// Whether the component is called `name` (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The first property called `name`.
    pub fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.is(name))
    }

    /// The first property called `name`, mutable.
    pub fn prop_mut(&mut self, name: &str) -> Option<&mut Prop> {
        self.props.iter_mut().find(|p| p.is(name))
    }

    /// Every property called `name`.
    pub fn props_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Prop> {
        self.props.iter().filter(move |p| p.is(name))
    }

    /// Removes every property called `name`; returns where the first one was.
    pub fn remove(&mut self, name: &str) -> Option<usize> {
        let first = self.props.iter().position(|p| p.is(name));
        self.props.retain(|p| !p.is(name));
        first
    }

    /// The first property called `name`, added (empty, at the end) when missing.
    pub fn ensure(&mut self, name: &str) -> &mut Prop {
        let at = match self.props.iter().position(|p| p.is(name)) {
            Some(i) => i,
            None => {
                self.props.push(Prop::new(name, ""));
                self.props.len() - 1
            }
        };
        &mut self.props[at]
    }

    /// Sets the value of the first `name` property, adding it when missing.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.ensure(name).set_value(value);
    }

    /// Puts `props` where the first `name` property was (or at the end), replacing all.
    pub fn replace_all(&mut self, name: &str, props: Vec<Prop>) {
        let at = self.remove(name).unwrap_or(self.props.len());
        let tail = self.props.split_off(at.min(self.props.len()));
        self.props.extend(props);
        self.props.extend(tail);
    }

    fn write(&self, out: &mut String) {
        self.write_with(out, &[]);
    }

    /// Writes the component with `inserted` (component texts) before its first child that
    /// is not a VTIMEZONE, where RFC 5545 readers look for time zone definitions.
    fn write_with(&self, out: &mut String, inserted: &[String]) {
        match &self.begin {
            Some(line) => push_folded(out, line),
            None => push_folded(out, &format!("BEGIN:{}", self.name)),
        }
        for p in &self.props {
            push_folded(out, &p.line());
        }
        let at = self
            .children
            .iter()
            .position(|c| !c.is("VTIMEZONE"))
            .unwrap_or(self.children.len());
        for (i, c) in self.children.iter().enumerate() {
            if i == at {
                inserted.iter().for_each(|text| out.push_str(text));
            }
            c.write(out);
        }
        if at == self.children.len() {
            inserted.iter().for_each(|text| out.push_str(text));
        }
        match &self.end {
            Some(line) => push_folded(out, line),
            None => push_folded(out, &format!("END:{}", self.name)),
        }
    }
}

/// An editable iCalendar object: one VCALENDAR, lines kept as read until changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub(crate) root: Component,
}

impl Document {
    /// Reads iCalendar bytes that passed [`crate::ingest`] (structure is checked again).
    pub fn parse(bytes: &[u8]) -> Result<Document, EditError> {
        let unfolded = unfold(bytes)?;
        crate::tree::build(&unfolded)?;
        let mut stack: Vec<Component> = Vec::new();
        for (line, text) in unfolded.lines() {
            if text.is_empty() {
                continue;
            }
            let cl = contentline::parse(text, line)?;
            if cl.is("BEGIN") {
                let mut comp = Component::new(cl.value);
                comp.begin = Some(text.to_owned());
                stack.push(comp);
            } else if cl.is("END") {
                let Some(mut comp) = stack.pop() else {
                    return Err(IngestError::TrailingContent { line }.into());
                };
                comp.end = Some(text.to_owned());
                match stack.last_mut() {
                    Some(parent) => parent.children.push(comp),
                    None => return Ok(Document { root: comp }),
                }
            } else if let Some(comp) = stack.last_mut() {
                comp.props.push(Prop::read(&cl, text));
            }
        }
        Err(IngestError::NotVCalendar.into())
    }

    /// The object as iCalendar: CRLF lines folded at 75 octets on character boundaries.
    /// A TZID the edit wrote that the object has no VTIMEZONE for gets one, generated from
    /// the IANA zone (RFC 5545 §3.2.19 wants a definition for every TZID); the object's own
    /// VTIMEZONEs are written as read.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        let added = super::vtimezone::missing_timezones(self);
        self.root.write_with(&mut out, &added);
        out.into_bytes()
    }

    /// The tree as iCalendar, without the VTIMEZONEs [`Document::to_bytes`] adds: what the
    /// recurrence engine reads in the middle of an edit, so instants keep resolving
    /// through the IANA zone exactly as before the edit.
    pub(crate) fn tree_bytes(&self) -> Vec<u8> {
        let mut out = String::new();
        self.root.write(&mut out);
        out.into_bytes()
    }

    /// Indices (among the VCALENDAR's children) of the VEVENT/VTODO/VJOURNAL components.
    pub(crate) fn calendar_components(&self) -> Vec<usize> {
        self.root
            .children
            .iter()
            .enumerate()
            .filter(|(_, c)| super::Kind::of(&c.name).is_some())
            .map(|(i, _)| i)
            .collect()
    }

    /// The index of the master (no RECURRENCE-ID), if there is one.
    pub(crate) fn master(&self) -> Option<usize> {
        self.calendar_components().into_iter().find(|&i| {
            self.comp(i)
                .is_some_and(|c| c.prop("RECURRENCE-ID").is_none())
        })
    }

    /// The indices of the overrides, in document order.
    pub(crate) fn overrides(&self) -> Vec<usize> {
        self.calendar_components()
            .into_iter()
            .filter(|&i| {
                self.comp(i)
                    .is_some_and(|c| c.prop("RECURRENCE-ID").is_some())
            })
            .collect()
    }

    /// A child of the VCALENDAR.
    pub(crate) fn comp(&self, i: usize) -> Option<&Component> {
        self.root.children.get(i)
    }

    /// A child of the VCALENDAR, mutable.
    pub(crate) fn comp_mut(&mut self, i: usize) -> Option<&mut Component> {
        self.root.children.get_mut(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n\
UID:1\r\nDTSTART:20260101T100000Z\r\nX-A;X-P=\"a:b\";Y=1,2:some\\, text\r\n\
DESCRIPTION:0123456789012345678901234567890123456789012345678901234567890123456789\r\n \
0123456789\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn unchanged_lines_round_trip() {
        let doc = Document::parse(SRC.as_bytes()).unwrap();
        let out = String::from_utf8(doc.to_bytes()).unwrap();
        assert_eq!(out.replace("\r\n ", ""), SRC.replace("\r\n ", ""));
        assert_eq!(Document::parse(out.as_bytes()).unwrap(), doc);
    }

    #[test]
    fn changed_params_are_requoted() {
        let mut doc = Document::parse(SRC.as_bytes()).unwrap();
        let ev = doc.comp_mut(0).unwrap();
        let x = ev.prop_mut("X-A").unwrap();
        x.set_param("Z", Some("q"));
        assert_eq!(x.line(), "X-A;X-P=\"a:b\";Y=1,2;Z=q:some\\, text");
        x.set_param("Y", None);
        assert_eq!(x.line(), "X-A;X-P=\"a:b\";Z=q:some\\, text");
    }

    #[test]
    fn replace_all_keeps_position() {
        let mut doc = Document::parse(SRC.as_bytes()).unwrap();
        let ev = doc.comp_mut(0).unwrap();
        ev.replace_all("DTSTART", vec![Prop::new("DTSTART", "20260102")]);
        assert_eq!(ev.props[1].line(), "DTSTART:20260102");
        ev.replace_all("CATEGORIES", vec![Prop::new("CATEGORIES", "a")]);
        assert_eq!(ev.props.last().unwrap().line(), "CATEGORIES:a");
    }

    #[test]
    fn lower_case_begin_end_survive() {
        let src = "begin:vcalendar\r\nbegin:vevent\r\nUID:1\r\nend:vevent\r\nend:vcalendar\r\n";
        let doc = Document::parse(src.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(doc.to_bytes()).unwrap(), src);
        assert_eq!(doc.calendar_components(), vec![0]);
    }
}
