//! A calendar object resource (RFC 4791 §4.1): the rules for one stored resource, and the
//! index fields the server keeps beside the client's bytes.

use std::collections::HashSet;

use crate::ComponentKind;
use crate::analyse::{Analysed, analyse};
use crate::error::{IngestError, clip};
use crate::unfold::unfold;

/// What the server needs to know about a calendar object resource it is about to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarObject {
    /// The UID shared by every component (TEXT escapes resolved).
    pub uid: String,
    /// The type of the resource's components.
    pub component: ComponentKind,
    /// A component without RECURRENCE-ID exists.
    pub has_master: bool,
    /// How many components have a RECURRENCE-ID.
    pub overrides: usize,
    /// The master has an RRULE or RDATE.
    pub is_recurring: bool,
    /// TZIDs referenced by TZID parameters outside VTIMEZONEs, deduplicated, in order of use.
    pub tzids: Vec<String>,
    /// Referenced TZIDs with no VTIMEZONE in the resource (to be resolved as IANA or
    /// Windows names later; real clients omit VTIMEZONEs).
    pub missing_timezones: Vec<String>,
    /// Text search terms of the title, description and location of every component.
    pub search_terms: Vec<String>,
}

/// Validates a calendar object resource for PUT/COPY/MOVE and extracts its index fields.
/// The bytes themselves are stored unchanged by the caller.
pub fn ingest(bytes: &[u8]) -> Result<CalendarObject, IngestError> {
    let unfolded = unfold(bytes)?;
    let analysed = analyse(&unfolded)?;
    object_of(&analysed)
}

fn object_of(a: &Analysed<'_>) -> Result<CalendarObject, IngestError> {
    if let Some(method) = a.tree.calendar_props().iter().find(|p| p.is("METHOD")) {
        return Err(IngestError::MethodNotAllowed { line: method.line });
    }
    let root_children = a.tree.comps.first().map_or(&[][..], |c| &c.children[..]);
    let mut kind: Option<(ComponentKind, &str)> = None;
    let mut members = Vec::new();
    for &i in root_children {
        let Some(comp) = a.tree.comps.get(i) else {
            continue;
        };
        let Some(k) = ComponentKind::from_name(comp.name) else {
            continue;
        };
        match kind {
            None => kind = Some((k, comp.name)),
            Some((first, first_name)) if first != k => {
                return Err(IngestError::MixedComponentTypes {
                    first: first_name.to_ascii_uppercase(),
                    second: comp.name.to_ascii_uppercase(),
                });
            }
            Some(_) => {}
        }
        members.push(i);
    }
    let Some((component, _)) = kind else {
        return Err(IngestError::NoComponent);
    };

    let mut uid: Option<&str> = None;
    let mut has_master = false;
    let mut is_recurring = false;
    let mut overrides = 0;
    let mut recurrence_ids = HashSet::new();
    for &i in &members {
        let (Some(comp), Some(facts)) = (a.tree.comps.get(i), a.facts.get(i)) else {
            continue;
        };
        let this_uid = match &facts.uid {
            Some((u, _)) if !u.is_empty() => u.as_str(),
            _ => {
                return Err(IngestError::MissingUid {
                    line: comp.line,
                    component: comp.name.to_ascii_uppercase(),
                });
            }
        };
        match uid {
            None => uid = Some(this_uid),
            Some(first) if first != this_uid => {
                return Err(IngestError::MultipleUids {
                    line: facts.uid.as_ref().map_or(comp.line, |(_, l)| *l),
                    first: clip(first),
                    second: clip(this_uid),
                });
            }
            Some(_) => {}
        }
        match &facts.recurrence_id {
            Some((key, raw, line)) => {
                if !recurrence_ids.insert(key.clone()) {
                    return Err(IngestError::DuplicateRecurrenceId {
                        line: *line,
                        value: clip(raw),
                    });
                }
                overrides += 1;
            }
            None if has_master => {
                return Err(IngestError::DuplicateMaster { line: comp.line });
            }
            None => {
                has_master = true;
                is_recurring = facts.recurs;
            }
        }
    }
    let uid = uid.map(str::to_owned).ok_or(IngestError::NoComponent)?;

    let (tzids, missing_timezones) = referenced_timezones(a);
    let search_terms = crate::search::terms_of(members.iter().filter_map(|&i| a.tree.comps.get(i)));
    Ok(CalendarObject {
        uid,
        component,
        has_master,
        overrides,
        is_recurring,
        tzids,
        missing_timezones,
        search_terms,
    })
}

/// TZID parameters outside VTIMEZONEs (and outside opaque components), and those of them
/// no VTIMEZONE defines.
fn referenced_timezones(a: &Analysed<'_>) -> (Vec<String>, Vec<String>) {
    let mut in_timezone = vec![false; a.tree.comps.len()];
    let mut seen = HashSet::new();
    let mut tzids = Vec::new();
    for (i, comp) in a.tree.comps.iter().enumerate() {
        let inside = in_timezone.get(i).copied().unwrap_or(false) || comp.is("VTIMEZONE");
        // Parents come before children, so marking children now covers whole subtrees.
        for &child in &comp.children {
            if let Some(flag) = in_timezone.get_mut(child) {
                *flag = inside;
            }
        }
        if inside || comp.opaque {
            continue;
        }
        for tzid in comp.props.iter().filter_map(|p| p.param("TZID")) {
            if seen.insert(tzid) {
                tzids.push(tzid.to_owned());
            }
        }
    }
    let defined: HashSet<&str> = a.timezones.iter().map(|(t, _)| *t).collect();
    let missing = tzids
        .iter()
        .filter(|t| !defined.contains(t.as_str()))
        .cloned()
        .collect();
    (tzids, missing)
}
