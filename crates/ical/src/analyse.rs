//! The checks shared by every entry point: structure, values, time zones, calcard agreement.

use crate::compat::cross_check;
use crate::error::IngestError;
use crate::props::{Facts, check_component};
use crate::timezone::check_vtimezone;
use crate::tree::{Tree, build};
use crate::unfold::Unfolded;

/// A checked calendar: the tree and, index for index, each component's facts.
pub(crate) struct Analysed<'a> {
    pub tree: Tree<'a>,
    pub facts: Vec<Facts<'a>>,
    /// TZIDs of the top-level VTIMEZONEs, in order.
    pub timezones: Vec<(&'a str, usize)>,
    pub calcard: calcard::icalendar::ICalendar,
}

/// Runs every well-formedness check on unfolded text.
pub(crate) fn analyse(unfolded: &Unfolded) -> Result<Analysed<'_>, IngestError> {
    let tree = build(unfolded)?;
    let facts = tree
        .comps
        .iter()
        .map(|c| {
            if c.opaque {
                Ok(Facts::default())
            } else {
                check_component(c)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut timezones: Vec<(&str, usize)> = Vec::new();
    let mut defined = std::collections::HashSet::new();
    for tz in tree.top_level().filter(|c| c.is("VTIMEZONE")) {
        let tzid = check_vtimezone(&tree, tz)?;
        if !defined.insert(tzid) {
            return Err(IngestError::DuplicateTimezone {
                line: tz.line,
                tzid: crate::error::clip(tzid),
            });
        }
        timezones.push((tzid, tz.line));
    }
    let calcard = cross_check(&unfolded.text, &tree)?;
    Ok(Analysed {
        tree,
        facts,
        timezones,
        calcard,
    })
}
