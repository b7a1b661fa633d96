//! CalDAV query filters (RFC 4791 §9.7) read from XML; the types and their evaluation live
//! in `kairos_ical::query`.

use crate::calendar_data::required_name;
use crate::element::Element;
use crate::error::XmlError;
use crate::names;
use crate::time_range::time_range_from_element;

pub use kairos_ical::query::{CompFilter, ParamFilter, PropFilter, TextMatch};

/// Reads `C:filter`, which must hold exactly one top-level `VCALENDAR` comp-filter.
pub(super) fn parse_filter(filter: &Element) -> Result<CompFilter, XmlError> {
    let mut comps = filter.children_named(&names::COMP_FILTER);
    let (Some(top), None) = (comps.next(), comps.next()) else {
        return Err(XmlError::InvalidFilter(
            "filter must contain exactly one comp-filter".into(),
        ));
    };
    let comp = comp_filter(top).map_err(into_filter_error)?;
    if comp.name != "VCALENDAR" {
        return Err(XmlError::InvalidFilter(format!(
            "top-level comp-filter must be VCALENDAR, not {}",
            comp.name
        )));
    }
    Ok(comp)
}

fn into_filter_error(e: XmlError) -> XmlError {
    match e {
        XmlError::Invalid(msg) => XmlError::InvalidFilter(msg),
        other => other,
    }
}

fn comp_filter(el: &Element) -> Result<CompFilter, XmlError> {
    let mut out = CompFilter {
        name: required_name(el)?,
        is_not_defined: false,
        time_range: None,
        prop_filters: Vec::new(),
        comp_filters: Vec::new(),
    };
    for child in el.child_elements() {
        if child.name == names::IS_NOT_DEFINED {
            out.is_not_defined = true;
        } else if child.name == names::TIME_RANGE {
            set_once(
                &mut out.time_range,
                time_range_from_element(child)?,
                "time-range",
            )?;
        } else if child.name == names::PROP_FILTER {
            out.prop_filters.push(prop_filter(child)?);
        } else if child.name == names::COMP_FILTER {
            out.comp_filters.push(comp_filter(child)?);
        }
    }
    if out.is_not_defined
        && (out.time_range.is_some()
            || !out.prop_filters.is_empty()
            || !out.comp_filters.is_empty())
    {
        return Err(not_defined_conflict(&out.name));
    }
    Ok(out)
}

fn prop_filter(el: &Element) -> Result<PropFilter, XmlError> {
    let mut out = PropFilter {
        name: required_name(el)?,
        is_not_defined: false,
        time_range: None,
        text_match: None,
        param_filters: Vec::new(),
    };
    for child in el.child_elements() {
        if child.name == names::IS_NOT_DEFINED {
            out.is_not_defined = true;
        } else if child.name == names::TIME_RANGE {
            set_once(
                &mut out.time_range,
                time_range_from_element(child)?,
                "time-range",
            )?;
        } else if child.name == names::TEXT_MATCH {
            set_once(&mut out.text_match, text_match(child)?, "text-match")?;
        } else if child.name == names::PARAM_FILTER {
            out.param_filters.push(param_filter(child)?);
        }
    }
    if out.time_range.is_some() && out.text_match.is_some() {
        return Err(XmlError::Invalid(format!(
            "prop-filter {} has both time-range and text-match",
            out.name
        )));
    }
    if out.is_not_defined
        && (out.time_range.is_some() || out.text_match.is_some() || !out.param_filters.is_empty())
    {
        return Err(not_defined_conflict(&out.name));
    }
    Ok(out)
}

fn param_filter(el: &Element) -> Result<ParamFilter, XmlError> {
    let mut out = ParamFilter {
        name: required_name(el)?,
        is_not_defined: false,
        text_match: None,
    };
    for child in el.child_elements() {
        if child.name == names::IS_NOT_DEFINED {
            out.is_not_defined = true;
        } else if child.name == names::TEXT_MATCH {
            set_once(&mut out.text_match, text_match(child)?, "text-match")?;
        }
    }
    if out.is_not_defined && out.text_match.is_some() {
        return Err(not_defined_conflict(&out.name));
    }
    Ok(out)
}

fn text_match(el: &Element) -> Result<TextMatch, XmlError> {
    let negate = match el.attr("negate-condition") {
        None | Some("no") => false,
        Some("yes") => true,
        Some(other) => {
            return Err(XmlError::Invalid(format!(
                "negate-condition must be yes or no, not {other:?}"
            )));
        }
    };
    Ok(TextMatch {
        value: el.text(),
        collation: el.attr("collation").unwrap_or("i;ascii-casemap").to_owned(),
        negate,
    })
}

fn set_once<T>(slot: &mut Option<T>, value: T, what: &str) -> Result<(), XmlError> {
    if slot.is_some() {
        return Err(XmlError::Invalid(format!("{what} given twice")));
    }
    *slot = Some(value);
    Ok(())
}

fn not_defined_conflict(name: &str) -> XmlError {
    XmlError::Invalid(format!(
        "{name}: is-not-defined cannot be combined with other tests"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::parse_element;

    fn filter(xml: &str) -> Result<CompFilter, XmlError> {
        let wrapped =
            format!(r#"<C:filter xmlns:C="urn:ietf:params:xml:ns:caldav">{xml}</C:filter>"#);
        parse_filter(&parse_element(wrapped.as_bytes())?)
    }

    #[test]
    fn nested_filters() {
        let f = filter(
            r#"<C:comp-filter name="VCALENDAR">
                 <C:comp-filter name="VEVENT">
                   <C:prop-filter name="ATTENDEE">
                     <C:text-match collation="i;ascii-casemap">mailto:lisa@example.com</C:text-match>
                     <C:param-filter name="PARTSTAT">
                       <C:text-match collation="i;octet" negate-condition="yes">NEEDS-ACTION</C:text-match>
                     </C:param-filter>
                     <C:param-filter name="x-foo"><C:is-not-defined/></C:param-filter>
                   </C:prop-filter>
                   <C:prop-filter name="uid"/>
                   <C:prop-filter name="DESCRIPTION"><C:is-not-defined/></C:prop-filter>
                 </C:comp-filter>
               </C:comp-filter>"#,
        )
        .unwrap();
        let ev = &f.comp_filters[0];
        assert_eq!(ev.name, "VEVENT");
        let att = &ev.prop_filters[0];
        assert_eq!(
            att.text_match,
            Some(TextMatch {
                value: "mailto:lisa@example.com".into(),
                collation: "i;ascii-casemap".into(),
                negate: false
            })
        );
        let partstat = att.param_filters[0].text_match.as_ref().unwrap();
        assert!(partstat.negate);
        assert_eq!(partstat.collation, "i;octet");
        assert_eq!(att.param_filters[1].name, "X-FOO");
        assert!(att.param_filters[1].is_not_defined);
        assert_eq!(ev.prop_filters[1].name, "UID");
        assert!(ev.prop_filters[2].is_not_defined);
    }

    #[test]
    fn default_collation() {
        let f = filter(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:prop-filter name="SUMMARY"><C:text-match>x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
        )
        .unwrap();
        let tm = f.comp_filters[0].prop_filters[0]
            .text_match
            .as_ref()
            .unwrap();
        assert_eq!(tm.collation, "i;ascii-casemap");
        assert!(!tm.negate);
    }

    #[test]
    fn invalid_filters() {
        for bad in [
            "",
            r#"<C:comp-filter name="VEVENT"/>"#,
            r#"<C:comp-filter name="VCALENDAR"/><C:comp-filter name="VCALENDAR"/>"#,
            r#"<C:comp-filter/>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter/></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060104"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060104T000000Z"/><C:time-range end="20060104T000000Z"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:is-not-defined/><C:prop-filter name="UID"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="DTSTART"><C:time-range start="20060104T000000Z"/><C:text-match>x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="X"><C:text-match negate-condition="true">x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="X"><C:param-filter name="P"><C:is-not-defined/><C:text-match>x</C:text-match></C:param-filter></C:prop-filter></C:comp-filter></C:comp-filter>"#,
        ] {
            assert!(
                matches!(filter(bad), Err(XmlError::InvalidFilter(_))),
                "{bad}"
            );
        }
    }
}
