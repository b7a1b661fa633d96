//! A stored resource read once for querying: its components and content lines (with the
//! original folded text of each line, so what we return is what the client sent) and,
//! when a time test needs it, its recurrence [`Schedule`].

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use crate::contentline::ContentLine;
use crate::error::IngestError;
use crate::recur::{Expansion, Schedule, Zones};
use crate::time_range::TimeRange;
use crate::tree::{self, Tree};
use crate::unfold::{Unfolded, unfold};

/// One property: its parsed form and its text as stored.
#[derive(Debug, Clone)]
pub(crate) struct Prop {
    /// Upper-cased name.
    pub name: String,
    /// Parameters: upper-cased name and values (DQUOTEs removed).
    pub params: Vec<(String, Vec<String>)>,
    /// The value as written (TEXT escapes not resolved).
    pub value: String,
    /// The unfolded line before the value's `:` (name and parameters as written).
    pub head: String,
    /// The stored content line, folds kept, ending in CRLF.
    pub raw: String,
}

impl Prop {
    /// The first value of the parameter called `name` (upper-case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// One component; `children` index [`ParsedObject::comps`].
#[derive(Debug, Clone)]
pub(crate) struct Comp {
    /// Upper-cased name.
    pub name: String,
    /// The name as written (for the BEGIN/END lines we write back).
    pub written: String,
    pub props: Vec<Prop>,
    pub children: Vec<usize>,
    /// For top-level VEVENT/VTODO/VJOURNAL/VFREEBUSY: the index the recurrence engine
    /// gives it ([`crate::Instance::component`]).
    pub calendar_index: Option<usize>,
    /// The top-level component this one is inside (itself for top-level ones).
    pub top: usize,
}

impl Comp {
    /// The properties called `name` (upper-case).
    pub fn props_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Prop> {
        self.props.iter().filter(move |p| p.name == name)
    }

    /// The first property called `name` (upper-case).
    pub fn prop(&self, name: &str) -> Option<&Prop> {
        self.props.iter().find(|p| p.name == name)
    }
}

/// Components the recurrence engine numbers (VTIMEZONE, VALARM and unknown ones are not).
const CALENDAR_COMPONENTS: [&str; 4] = ["VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY"];

/// A calendar object resource (stored bytes that passed [`crate::ingest`]) read for
/// querying, so one resource is parsed once for matching and for its calendar-data.
#[derive(Debug)]
pub struct ParsedObject {
    bytes: Vec<u8>,
    pub(crate) comps: Vec<Comp>,
    /// The resource's VTIMEZONEs, so a property's TZID reads as the recurrence engine
    /// reads DTSTART's.
    zones: Zones,
    schedule: OnceCell<Result<Schedule, IngestError>>,
    /// Expansions already computed, by window: filters often ask the same one twice.
    expansions: RefCell<Vec<(TimeRange, usize, Rc<Expansion>)>>,
}

impl ParsedObject {
    /// Reads stored bytes. The recurrence set is interpreted later, and only if a time
    /// test needs it.
    pub fn parse(bytes: &[u8]) -> Result<ParsedObject, IngestError> {
        Self::read(bytes, false)
    }

    /// Reads stored bytes and interprets the recurrence set from the same parse, for
    /// callers that know a time test or an expansion follows (parsing twice cost about a
    /// third of an `expand` answer).
    pub fn parse_with_schedule(bytes: &[u8]) -> Result<ParsedObject, IngestError> {
        Self::read(bytes, true)
    }

    fn read(bytes: &[u8], with_schedule: bool) -> Result<ParsedObject, IngestError> {
        let unfolded = unfold(bytes)?;
        let tree = tree::build(&unfolded)?;
        let physical = physical_lines(bytes);
        let comps = owned_components(&tree, &unfolded, &physical);
        let zones = Zones::of_tree(&tree);
        let schedule = OnceCell::new();
        if with_schedule {
            // An error is kept like a lazily found one: only a time test reports it.
            let _ = schedule.set(Schedule::from_tree(&tree));
        }
        Ok(ParsedObject {
            bytes: bytes.to_vec(),
            comps,
            zones,
            schedule,
            expansions: RefCell::new(Vec::new()),
        })
    }

    /// The stored bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// TZID → zone for this resource, by the recurrence engine's rules.
    pub(crate) fn zones(&self) -> &Zones {
        &self.zones
    }

    /// The VCALENDAR (always present: the tree has one root).
    pub(crate) fn root(&self) -> Option<&Comp> {
        self.comps.first()
    }

    pub(crate) fn comp(&self, index: usize) -> Option<&Comp> {
        self.comps.get(index)
    }

    /// The VCALENDAR's direct children, as indices.
    pub(crate) fn top_level(&self) -> &[usize] {
        self.root().map_or(&[], |r| r.children.as_slice())
    }

    /// The component the recurrence engine numbers `calendar_index`.
    pub(crate) fn by_calendar_index(&self, calendar_index: usize) -> Option<usize> {
        self.top_level()
            .iter()
            .copied()
            .find(|&i| self.comp(i).and_then(|c| c.calendar_index) == Some(calendar_index))
    }

    /// The interpreted recurrence set.
    pub(crate) fn schedule(&self) -> Result<&Schedule, IngestError> {
        self.schedule
            .get_or_init(|| Schedule::parse(&self.bytes))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The instances overlapping `window`, computed once per window and cap.
    pub(crate) fn instances(
        &self,
        window: &TimeRange,
        floating: &jiff::tz::TimeZone,
        cap: usize,
    ) -> Result<Rc<Expansion>, IngestError> {
        if let Some((_, _, e)) = self
            .expansions
            .borrow()
            .iter()
            .find(|(w, c, _)| w == window && *c == cap)
        {
            return Ok(Rc::clone(e));
        }
        let expansion = Rc::new(self.schedule()?.instances(window, floating, cap));
        let mut cache = self.expansions.borrow_mut();
        // A handful of windows per request at most; the bound keeps a pathological filter
        // from growing the cache.
        if cache.len() < 16 {
            cache.push((*window, cap, Rc::clone(&expansion)));
        }
        Ok(expansion)
    }
}

/// The input's physical lines as the unfolder split them (BOM dropped, CR stripped).
fn physical_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect()
}

/// The stored text of the logical line starting on physical line `line` (1-based), folds
/// kept and CRLF-terminated. A fold that splits a UTF-8 sequence cannot be kept in text,
/// so such a line is folded again at character boundaries.
fn raw_line(unfolded: &Unfolded, physical: &[&[u8]], line: usize, logical: &str) -> String {
    let idx = unfolded.spans.partition_point(|s| s.line < line);
    let next = unfolded
        .spans
        .get(idx + 1)
        .map_or(physical.len() + 1, |s| s.line);
    let mut out: Vec<u8> = Vec::with_capacity(logical.len() + 8);
    for n in line..next {
        let Some(text) = n.checked_sub(1).and_then(|i| physical.get(i)) else {
            break;
        };
        out.extend_from_slice(text);
        out.extend_from_slice(b"\r\n");
    }
    match String::from_utf8(out) {
        Ok(s) if !s.is_empty() => s,
        _ => fold(logical),
    }
}

pub(crate) use crate::fold::fold;

fn owned_prop(
    cl: &ContentLine<'_>,
    unfolded: &Unfolded,
    physical: &[&[u8]],
    logical: &str,
) -> Prop {
    let head_len = logical.len().saturating_sub(cl.value.len() + 1);
    Prop {
        name: cl.name.to_ascii_uppercase(),
        params: cl
            .params
            .iter()
            .map(|p| {
                (
                    p.name.to_ascii_uppercase(),
                    p.values.iter().map(|v| (*v).to_owned()).collect(),
                )
            })
            .collect(),
        value: cl.value.to_owned(),
        head: logical.get(..head_len).unwrap_or(cl.name).to_owned(),
        raw: raw_line(unfolded, physical, cl.line, logical),
    }
}

fn owned_components(tree: &Tree<'_>, unfolded: &Unfolded, physical: &[&[u8]]) -> Vec<Comp> {
    let logical_of = |line: usize| -> &str {
        let idx = unfolded.spans.partition_point(|s| s.line < line);
        unfolded
            .spans
            .get(idx)
            .and_then(|s| unfolded.text.get(s.start..s.end))
            .unwrap_or_default()
    };
    let mut comps: Vec<Comp> = tree
        .comps
        .iter()
        .map(|c| Comp {
            name: c.name.to_ascii_uppercase(),
            written: c.name.to_owned(),
            props: c
                .props
                .iter()
                .map(|p| owned_prop(p, unfolded, physical, logical_of(p.line)))
                .collect(),
            children: c.children.clone(),
            calendar_index: None,
            top: 0,
        })
        .collect();
    let top_level: Vec<usize> = comps
        .first()
        .map(|r| r.children.clone())
        .unwrap_or_default();
    let mut next_index = 0;
    for &t in &top_level {
        let Some(comp) = comps.get_mut(t) else {
            continue;
        };
        if CALENDAR_COMPONENTS.contains(&comp.name.as_str()) {
            comp.calendar_index = Some(next_index);
            next_index += 1;
        }
        mark_top(&mut comps, t, t);
    }
    comps
}

/// Records `top` as the top-level ancestor of `index` and its descendants.
fn mark_top(comps: &mut [Comp], index: usize, top: usize) {
    // Components come parents first, and every descendant has a larger index than its
    // parent, so a work list terminates.
    let mut stack = vec![index];
    while let Some(i) = stack.pop() {
        if let Some(c) = comps.get_mut(i) {
            c.top = top;
            stack.extend(c.children.iter().copied().filter(|&k| k > i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_folds_and_numbers_calendar_components() {
        let src = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:X\nEND:VTIMEZONE\nBEGIN:VEVENT\nUID:1\nSUMMARY:a long\n  line\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM\nEND:VEVENT\nBEGIN:VEVENT\nUID:1\nRECURRENCE-ID:20060101T000000Z\nEND:VEVENT\nEND:VCALENDAR\n";
        let p = ParsedObject::parse(src.as_bytes()).unwrap();
        let ev = &p.comps[p.top_level()[1]];
        assert_eq!(ev.name, "VEVENT");
        assert_eq!(ev.calendar_index, Some(0));
        let summary = ev.prop("SUMMARY").unwrap();
        assert_eq!(summary.raw, "SUMMARY:a long\r\n  line\r\n");
        assert_eq!(summary.value, "a long line");
        assert_eq!(summary.head, "SUMMARY");
        assert_eq!(p.comps[p.top_level()[2]].calendar_index, Some(1));
        assert_eq!(p.comps[p.top_level()[0]].calendar_index, None);
        let alarm = ev.children[0];
        assert_eq!(p.comps[alarm].top, p.top_level()[1]);
        assert_eq!(p.by_calendar_index(1), Some(p.top_level()[2]));
    }

    #[test]
    fn fold_inside_a_character_is_refolded() {
        let src = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:caf\xC3\r\n \xA9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let p = ParsedObject::parse(src).unwrap();
        let ev = &p.comps[p.top_level()[0]];
        assert_eq!(ev.prop("SUMMARY").unwrap().raw, "SUMMARY:café\r\n");
    }

    #[test]
    fn params_and_head() {
        let src = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nATTENDEE;PARTSTAT=NEEDS-ACTION;CN=\"A, B\":mailto:a@x\nEND:VEVENT\nEND:VCALENDAR";
        let p = ParsedObject::parse(src.as_bytes()).unwrap();
        let att = p.comps[1].prop("ATTENDEE").unwrap();
        assert_eq!(att.param("PARTSTAT"), Some("NEEDS-ACTION"));
        assert_eq!(att.param("CN"), Some("A, B"));
        assert_eq!(att.head, "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=\"A, B\"");
        assert_eq!(
            att.raw,
            "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=\"A, B\":mailto:a@x\r\n"
        );
    }

    #[test]
    fn fold_splits_at_75_octets_on_char_boundaries() {
        let long = format!("SUMMARY:{}", "é".repeat(50));
        let folded = fold(&long);
        for line in folded.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        assert_eq!(folded.replace("\r\n ", ""), format!("{long}\r\n"));
    }
}
