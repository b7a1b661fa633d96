//! Partial retrieval (RFC 4791 §9.6.1–§9.6.4): the calendar data to return, as a tree of
//! content lines that keeps each stored line as it was unless something had to change.

use super::parsed::{Comp, ParsedObject, Prop, fold};
use super::types::CompSelection;

/// A property on its way out.
#[derive(Debug, Clone)]
pub(crate) struct OutProp {
    /// Upper-cased name.
    pub name: String,
    /// Name and parameters as written (what `novalue` keeps).
    pub head: String,
    /// The content line(s), CRLF-terminated.
    pub text: String,
}

impl OutProp {
    /// A stored property, unchanged.
    pub fn kept(prop: &Prop) -> OutProp {
        OutProp {
            name: prop.name.clone(),
            head: prop.head.clone(),
            text: prop.raw.clone(),
        }
    }

    /// A property written anew from its head and value (folded).
    pub fn written(name: &str, head: &str, value: &str) -> OutProp {
        OutProp {
            name: name.to_owned(),
            head: head.to_owned(),
            text: fold(&format!("{head}:{value}")),
        }
    }
}

/// A component on its way out.
#[derive(Debug, Clone)]
pub(crate) struct OutComp {
    /// Upper-cased name.
    pub name: String,
    /// The name as written, for BEGIN/END.
    pub written: String,
    pub props: Vec<OutProp>,
    pub children: Vec<OutComp>,
}

impl OutComp {
    /// Component `index` of `object` with everything in it, unchanged.
    pub fn kept(object: &ParsedObject, comp: &Comp) -> OutComp {
        OutComp {
            name: comp.name.clone(),
            written: comp.written.clone(),
            props: comp.props.iter().map(OutProp::kept).collect(),
            children: OutComp::kept_children(object, comp),
        }
    }

    /// The sub-components of `comp`, each with everything in it, unchanged.
    pub fn kept_children(object: &ParsedObject, comp: &Comp) -> Vec<OutComp> {
        comp.children
            .iter()
            .filter_map(|&k| object.comp(k))
            .map(|c| OutComp::kept(object, c))
            .collect()
    }

    /// Writes the component, keeping only what `selection` asks for (everything when
    /// `None`).
    pub fn write(&self, selection: Option<&CompSelection>, out: &mut String) {
        out.push_str(&fold(&format!("BEGIN:{}", self.written)));
        // RFC 4791 §7.8.1 returns `<C:comp name="VTIMEZONE"/>` whole: an empty
        // selection is read as "this component, all of it".
        let selection = selection.filter(|s| !selects_everything(s));
        for prop in &self.props {
            match selection {
                None => out.push_str(&prop.text),
                Some(s) if s.allprop => out.push_str(&prop.text),
                Some(s) => match s.props.iter().find(|p| p.name == prop.name) {
                    Some(p) if p.novalue => out.push_str(&fold(&format!("{}:", prop.head))),
                    Some(_) => out.push_str(&prop.text),
                    None => {}
                },
            }
        }
        for child in &self.children {
            match selection {
                None => child.write(None, out),
                Some(s) if s.allcomp => child.write(None, out),
                Some(s) => {
                    if let Some(sub) = s.comps.iter().find(|c| c.name == child.name) {
                        child.write(Some(sub), out);
                    }
                }
            }
        }
        out.push_str(&fold(&format!("END:{}", self.written)));
    }
}

/// A `C:comp` with no `prop`, `allprop`, `comp` or `allcomp` inside.
fn selects_everything(s: &CompSelection) -> bool {
    !s.allprop && s.props.is_empty() && !s.allcomp && s.comps.is_empty()
}

/// The calendar data for a selection: `None` returns everything; a selection whose top
/// component is not the VCALENDAR selects nothing inside it.
pub(crate) fn write_selected(root: &OutComp, selection: Option<&CompSelection>) -> String {
    let mut out = String::new();
    match selection {
        Some(s) if s.name != root.name => {
            out.push_str(&fold(&format!("BEGIN:{}", root.written)));
            out.push_str(&fold(&format!("END:{}", root.written)));
        }
        _ => root.write(selection, &mut out),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::types::PropSelection;
    use super::*;

    const DATA: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=X:20060102T100000\r\nSUMMARY:A summary long enough that the client folded it somewhere in the\r\n  middle\r\nDESCRIPTION;LANGUAGE=en:secret\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn select(selection: Option<&CompSelection>) -> String {
        let object = ParsedObject::parse(DATA.as_bytes()).unwrap();
        let root = OutComp::kept(&object, object.root().unwrap());
        write_selected(&root, selection)
    }

    fn prop(name: &str, novalue: bool) -> PropSelection {
        PropSelection {
            name: name.into(),
            novalue,
        }
    }

    #[test]
    fn everything_is_the_stored_text() {
        assert_eq!(select(None), DATA);
        let mut all = CompSelection::named("VCALENDAR");
        all.allprop = true;
        all.allcomp = true;
        assert_eq!(select(Some(&all)), DATA);
    }

    #[test]
    fn props_comps_and_novalue() {
        let mut ev = CompSelection::named("VEVENT");
        ev.props = vec![
            prop("SUMMARY", false),
            prop("DESCRIPTION", true),
            prop("UID", false),
        ];
        let mut cal = CompSelection::named("VCALENDAR");
        cal.props = vec![prop("VERSION", false)];
        cal.comps = vec![ev, CompSelection::named("VTIMEZONE")];
        let out = select(Some(&cal));
        assert_eq!(
            out,
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:A summary long enough that the client folded it somewhere in the\r\n  middle\r\nDESCRIPTION;LANGUAGE=en:\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
    }

    #[test]
    fn allcomp_returns_sub_components_whole() {
        let mut ev = CompSelection::named("VEVENT");
        ev.props = vec![prop("UID", false)];
        ev.allcomp = true;
        let mut cal = CompSelection::named("VCALENDAR");
        cal.comps = vec![ev];
        assert_eq!(
            select(Some(&cal)),
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
    }

    #[test]
    fn wrong_top_selects_nothing() {
        assert_eq!(
            select(Some(&CompSelection::named("VEVENT"))),
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
        );
    }
}
