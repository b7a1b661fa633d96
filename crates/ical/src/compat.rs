//! Agreement with calcard, which later layers use to read the stored bytes.
//!
//! calcard is lenient and has readings of its own (quoted-printable soft breaks join the
//! next line, an END that does not match closes the open component anyway). If it sees
//! another structure than ours, later readers would index one thing and serve another,
//! so such data is refused.

use calcard::icalendar::ICalendar;
use calcard::{Entry, Parser};

use crate::error::IngestError;
use crate::tree::Tree;

/// Appended after the calendar: calcard must read it as a calendar of its own. If calcard
/// swallowed one of our END lines, its VCALENDAR is still open and takes this one in.
const SENTINEL: &str = "\nBEGIN:VCALENDAR\nEND:VCALENDAR\n";

/// Parses the unfolded text with calcard and checks it sees our components, in our order,
/// with our property names and child counts.
pub(crate) fn cross_check(text: &str, tree: &Tree<'_>) -> Result<ICalendar, IngestError> {
    let first_line = tree.comps.first().map_or(1, |c| c.line);
    let ambiguous = |line| IngestError::Ambiguous { line };
    let input = format!("{text}{SENTINEL}");
    let mut parser = Parser::new(&input);
    let Entry::ICalendar(cal) = parser.entry() else {
        return Err(ambiguous(first_line));
    };
    let sentinel_alone = matches!(
        parser.entry(),
        Entry::ICalendar(ICalendar { components }) if components.len() == 1
    );
    if !sentinel_alone || !matches!(parser.entry(), Entry::Eof) {
        return Err(ambiguous(first_line));
    }
    if cal.components.len() != tree.comps.len() {
        return Err(ambiguous(first_line));
    }
    for (ours, theirs) in tree.comps.iter().zip(&cal.components) {
        let same = theirs
            .component_type
            .as_str()
            .eq_ignore_ascii_case(ours.name)
            && theirs.component_ids.len() == ours.children.len()
            && theirs.entries.len() == ours.props.len()
            && theirs
                .entries
                .iter()
                .zip(&ours.props)
                .all(|(e, p)| e.name.as_str().eq_ignore_ascii_case(p.name));
        if !same {
            return Err(ambiguous(ours.line));
        }
    }
    Ok(cal)
}
