//! The component tree: BEGIN/END balance, one VCALENDAR, known components in legal places.

use crate::contentline::{self, ContentLine};
use crate::error::{IngestError, clip};
use crate::unfold::Unfolded;

/// A component and its own properties; children are indices into [`Tree::comps`].
#[derive(Debug)]
pub(crate) struct Component<'a> {
    pub name: &'a str,
    /// The `BEGIN` line.
    pub line: usize,
    pub children: Vec<usize>,
    pub props: Vec<ContentLine<'a>>,
    /// Unknown (X- or IANA) component, or inside one: carried, never interpreted.
    pub opaque: bool,
}

impl Component<'_> {
    /// Whether the component is called `name` (case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    /// The properties called `name`.
    pub fn props_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s ContentLine<'s>> {
        self.props.iter().filter(move |p| p.is(name))
    }
}

/// All components in document order (parents before children); `comps[0]` is the VCALENDAR.
#[derive(Debug)]
pub(crate) struct Tree<'a> {
    pub comps: Vec<Component<'a>>,
}

impl<'a> Tree<'a> {
    /// The VCALENDAR's direct children.
    pub fn top_level(&self) -> impl Iterator<Item = &Component<'a>> {
        self.comps
            .first()
            .into_iter()
            .flat_map(|root| root.children.iter())
            .filter_map(|&i| self.comps.get(i))
    }

    /// The VCALENDAR's own properties.
    pub fn calendar_props(&self) -> &[ContentLine<'a>] {
        self.comps.first().map_or(&[], |c| c.props.as_slice())
    }
}

/// Components this crate interprets; anything else is carried opaquely.
const INTERPRETED: [&str; 11] = [
    "VCALENDAR",
    "VEVENT",
    "VTODO",
    "VJOURNAL",
    "VFREEBUSY",
    "VTIMEZONE",
    "VAVAILABILITY",
    "VALARM",
    "STANDARD",
    "DAYLIGHT",
    "AVAILABLE",
];

/// Where RFC 5545 and RFC 7953 allow a known component; `None` means anywhere.
fn allowed_parents(name: &str) -> Option<&'static [&'static str]> {
    const TOP: [&str; 6] = [
        "VEVENT",
        "VTODO",
        "VJOURNAL",
        "VFREEBUSY",
        "VTIMEZONE",
        "VAVAILABILITY",
    ];
    if TOP.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        Some(&["VCALENDAR"])
    } else if name.eq_ignore_ascii_case("VALARM") {
        Some(&["VEVENT", "VTODO"])
    } else if name.eq_ignore_ascii_case("STANDARD") || name.eq_ignore_ascii_case("DAYLIGHT") {
        Some(&["VTIMEZONE"])
    } else if name.eq_ignore_ascii_case("AVAILABLE") {
        Some(&["VAVAILABILITY"])
    } else {
        None
    }
}

/// The component name of a BEGIN/END line, which takes no parameters.
fn component_name<'a>(cl: &ContentLine<'a>) -> Result<&'a str, IngestError> {
    let name = cl.value;
    if !cl.params.is_empty() {
        return Err(IngestError::syntax(
            cl.line,
            format!("{} takes no parameters", cl.name.to_ascii_uppercase()),
        ));
    }
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(IngestError::syntax(
            cl.line,
            format!("bad component name {:?}", clip(name)),
        ));
    }
    Ok(name)
}

fn is_begin_vcalendar(text: &str, line: usize) -> bool {
    contentline::parse(text, line).is_ok_and(|cl| {
        cl.is("BEGIN") && cl.params.is_empty() && cl.value.eq_ignore_ascii_case("VCALENDAR")
    })
}

/// Builds the tree from unfolded lines, without looking at property values.
pub(crate) fn build(unfolded: &Unfolded) -> Result<Tree<'_>, IngestError> {
    let mut comps: Vec<Component<'_>> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut closed = false;
    for (line, text) in unfolded.lines() {
        // Blank lines carry nothing; clients leave them at the end (and sometimes between).
        if text.is_empty() {
            continue;
        }
        if closed {
            return Err(if is_begin_vcalendar(text, line) {
                IngestError::MultipleCalendars { line }
            } else {
                IngestError::TrailingContent { line }
            });
        }
        if comps.is_empty() {
            if !is_begin_vcalendar(text, line) {
                return Err(IngestError::NotVCalendar);
            }
            comps.push(Component {
                name: "VCALENDAR",
                line,
                children: Vec::new(),
                props: Vec::new(),
                opaque: false,
            });
            stack.push(0);
            continue;
        }
        let cl = contentline::parse(text, line)?;
        let Some(&top) = stack.last() else {
            return Err(IngestError::TrailingContent { line });
        };
        if cl.is("BEGIN") {
            let name = component_name(&cl)?;
            if name.eq_ignore_ascii_case("VCALENDAR") {
                return Err(IngestError::MultipleCalendars { line });
            }
            let Some(parent) = comps.get(top) else {
                return Err(IngestError::TrailingContent { line });
            };
            if let Some(allowed) = allowed_parents(name)
                && !allowed.iter().any(|p| parent.is(p))
            {
                return Err(IngestError::MisplacedComponent {
                    line,
                    component: name.to_ascii_uppercase(),
                    parent: clip(parent.name).to_ascii_uppercase(),
                });
            }
            let opaque = parent.opaque || !INTERPRETED.iter().any(|k| k.eq_ignore_ascii_case(name));
            let index = comps.len();
            comps.push(Component {
                name,
                line,
                children: Vec::new(),
                props: Vec::new(),
                opaque,
            });
            if let Some(parent) = comps.get_mut(top) {
                parent.children.push(index);
            }
            stack.push(index);
        } else if cl.is("END") {
            let name = component_name(&cl)?;
            stack.pop();
            let open = comps.get(top).map_or("", |c| c.name);
            if !open.eq_ignore_ascii_case(name) {
                return Err(IngestError::MismatchedEnd {
                    line,
                    expected: open.to_ascii_uppercase(),
                    found: clip(name).to_ascii_uppercase(),
                });
            }
            closed = stack.is_empty();
        } else if let Some(comp) = comps.get_mut(top) {
            comp.props.push(cl);
        }
    }
    if let Some(open) = stack.last().and_then(|&i| comps.get(i)) {
        return Err(IngestError::Unterminated {
            component: open.name.to_ascii_uppercase(),
            line: open.line,
        });
    }
    if comps.is_empty() {
        return Err(IngestError::NotVCalendar);
    }
    Ok(Tree { comps })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unfold::unfold;

    fn tree_of(src: &str) -> Result<usize, IngestError> {
        let unfolded = unfold(src.as_bytes())?;
        build(&unfolded).map(|t| t.comps.len())
    }

    #[test]
    fn nested_components() {
        let src = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nBEGIN:VALARM\nACTION:DISPLAY\nEND:VALARM\nEND:VEVENT\nEND:VCALENDAR\n";
        let unfolded = unfold(src.as_bytes()).unwrap();
        let tree = build(&unfolded).unwrap();
        assert_eq!(tree.comps.len(), 3);
        assert_eq!(tree.comps[0].children, vec![1]);
        assert_eq!(tree.comps[1].children, vec![2]);
        assert_eq!(tree.comps[1].props.len(), 1);
        assert!(!tree.comps[2].opaque);
    }

    #[test]
    fn unknown_components_are_opaque_with_their_children() {
        let src = "BEGIN:VCALENDAR\nBEGIN:X-FOO\nBEGIN:X-BAR\nEND:X-BAR\nEND:X-FOO\nEND:VCALENDAR";
        let unfolded = unfold(src.as_bytes()).unwrap();
        let tree = build(&unfolded).unwrap();
        assert!(tree.comps[1].opaque && tree.comps[2].opaque);
    }

    #[test]
    fn names_are_case_insensitive() {
        assert_eq!(
            tree_of("begin:vcalendar\nBegin:VEvent\nend:VEVENT\nEND:vcalendar"),
            Ok(2)
        );
    }

    #[test]
    fn structural_errors() {
        assert_eq!(tree_of(""), Err(IngestError::NotVCalendar));
        assert_eq!(tree_of("\n\n"), Err(IngestError::NotVCalendar));
        assert_eq!(
            tree_of("BEGIN:VEVENT\nEND:VEVENT"),
            Err(IngestError::NotVCalendar)
        );
        assert_eq!(
            tree_of("BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR"),
            Err(IngestError::MismatchedEnd {
                line: 3,
                expected: "VEVENT".into(),
                found: "VCALENDAR".into()
            })
        );
        assert_eq!(
            tree_of("BEGIN:VCALENDAR\nBEGIN:VEVENT\n"),
            Err(IngestError::Unterminated {
                component: "VEVENT".into(),
                line: 2
            })
        );
        assert_eq!(
            tree_of("BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VCALENDAR\nEND:VCALENDAR"),
            Err(IngestError::MultipleCalendars { line: 3 })
        );
        assert_eq!(
            tree_of("BEGIN:VCALENDAR\nBEGIN:VCALENDAR\nEND:VCALENDAR\nEND:VCALENDAR"),
            Err(IngestError::MultipleCalendars { line: 2 })
        );
        assert_eq!(
            tree_of("BEGIN:VCALENDAR\nEND:VCALENDAR\nX:1"),
            Err(IngestError::TrailingContent { line: 3 })
        );
        assert_eq!(
            tree_of("BEGIN:VCALENDAR\nBEGIN:VALARM\nEND:VALARM\nEND:VCALENDAR"),
            Err(IngestError::MisplacedComponent {
                line: 2,
                component: "VALARM".into(),
                parent: "VCALENDAR".into()
            })
        );
        assert!(matches!(
            tree_of("BEGIN:VCALENDAR\nBEGIN;X=1:VEVENT\nEND:VEVENT\nEND:VCALENDAR"),
            Err(IngestError::Syntax { line: 2, .. })
        ));
        assert!(matches!(
            tree_of("BEGIN:VCALENDAR\nBEGIN:\nEND:VCALENDAR"),
            Err(IngestError::Syntax { line: 2, .. })
        ));
    }

    #[test]
    fn trailing_blank_lines_are_fine() {
        assert_eq!(tree_of("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\r\n\n"), Ok(1));
    }
}
