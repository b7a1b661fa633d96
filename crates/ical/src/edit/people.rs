//! ORGANIZER and ATTENDEE: read, and written so that parameters the JSON does not model
//! (CUTYPE, EMAIL, SCHEDULE-STATUS, X- parameters...) stay on the line.

use super::EditError;
use super::doc::{Component, Prop};
use super::json::{Attendee, Person};
use super::patch::Patch;
use super::text::{address_of, check_chars, decode_param, email_of, encode_param};

/// An ORGANIZER (or any CAL-ADDRESS property) as a person.
pub(crate) fn read_person(p: &Prop) -> Person {
    Person {
        email: email_of(p.value()),
        name: p.param("CN").map(decode_param),
    }
}

/// An ATTENDEE.
pub(crate) fn read_attendee(p: &Prop) -> Attendee {
    Attendee {
        email: email_of(p.value()),
        name: p.param("CN").map(decode_param),
        role: p.param("ROLE").map(str::to_ascii_uppercase),
        status: p.param("PARTSTAT").map(str::to_ascii_uppercase),
        rsvp: p.param("RSVP").map(|v| v.eq_ignore_ascii_case("TRUE")),
    }
}

fn same_address(a: &str, b: &str) -> bool {
    email_of(a).eq_ignore_ascii_case(&email_of(b))
}

/// Sets CN unless it already reads as `name`.
fn set_name(prop: &mut Prop, field: &str, name: Option<&String>) -> Result<(), EditError> {
    if let Some(name) = name {
        check_chars(field, name, true)?;
        if prop.param("CN").map(decode_param).as_deref() != Some(name.as_str()) {
            prop.set_param("CN", Some(&encode_param(name)));
        }
    }
    Ok(())
}

/// An upper-case token parameter (ROLE, PARTSTAT), checked.
fn set_token(
    prop: &mut Prop,
    field: &str,
    name: &str,
    v: Option<&String>,
) -> Result<(), EditError> {
    let Some(v) = v else { return Ok(()) };
    let v = v.trim().to_ascii_uppercase();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(EditError::field(
            field,
            format!("{v:?} is not a {name} value"),
        ));
    }
    if prop.param(name).map(str::to_ascii_uppercase).as_deref() != Some(v.as_str()) {
        prop.set_param(name, Some(&v));
    }
    Ok(())
}

/// Applies an `organizer` change.
pub(crate) fn apply_organizer(
    comp: &mut Component,
    patch: &Patch<Person>,
) -> Result<(), EditError> {
    match patch {
        Patch::Absent => {}
        Patch::Null => {
            comp.remove("ORGANIZER");
        }
        Patch::Set(person) => {
            let address = address_of("organizer.email", &person.email)?;
            let prop = comp.ensure("ORGANIZER");
            if !same_address(prop.value(), &address) {
                prop.set_value(address);
            }
            set_name(prop, "organizer.name", person.name.as_ref())?;
        }
    }
    Ok(())
}

/// Applies an `attendees` change: attendees matched by address keep their line (and its
/// unmodelled parameters); the list's order becomes the order of the lines.
pub(crate) fn apply_attendees(
    comp: &mut Component,
    patch: &Patch<Vec<Attendee>>,
) -> Result<(), EditError> {
    let wanted: &[Attendee] = match patch {
        Patch::Absent => return Ok(()),
        Patch::Null => &[],
        Patch::Set(list) => list,
    };
    let mut existing: Vec<Option<Prop>> = comp.props_named("ATTENDEE").cloned().map(Some).collect();
    let mut out = Vec::with_capacity(wanted.len());
    for (i, a) in wanted.iter().enumerate() {
        let field = |f: &str| format!("attendees[{i}].{f}");
        let address = address_of(&field("email"), &a.email)?;
        let found = existing
            .iter_mut()
            .find(|p| {
                p.as_ref()
                    .is_some_and(|p| same_address(p.value(), &address))
            })
            .and_then(Option::take);
        let mut prop = found.unwrap_or_else(|| Prop::new("ATTENDEE", address));
        set_name(&mut prop, &field("name"), a.name.as_ref())?;
        set_token(&mut prop, &field("role"), "ROLE", a.role.as_ref())?;
        set_token(&mut prop, &field("status"), "PARTSTAT", a.status.as_ref())?;
        if let Some(rsvp) = a.rsvp
            && prop.param("RSVP").map(|v| v.eq_ignore_ascii_case("TRUE")) != Some(rsvp)
        {
            prop.set_param("RSVP", Some(if rsvp { "TRUE" } else { "FALSE" }));
        }
        if out
            .iter()
            .any(|p: &Prop| same_address(p.value(), prop.value()))
        {
            return Err(EditError::field(field("email"), "listed twice"));
        }
        out.push(prop);
    }
    comp.replace_all("ATTENDEE", out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Document;

    fn event(lines: &str) -> Document {
        let src = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\n{lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        Document::parse(src.as_bytes()).unwrap()
    }

    #[test]
    fn matched_attendees_keep_their_lines() {
        let line = "ATTENDEE;CUTYPE=INDIVIDUAL;X-A=1;PARTSTAT=ACCEPTED;CN=Bob:mailto:bob@x.org";
        let mut doc = event(&format!("{line}\r\nATTENDEE:mailto:eve@x.org\r\n"));
        let comp = doc.comp_mut(0).unwrap();
        let list = vec![
            Attendee {
                email: "carol@x.org".into(),
                name: Some("Carol".into()),
                role: Some("opt-participant".into()),
                status: None,
                rsvp: Some(true),
            },
            read_attendee(comp.props_named("ATTENDEE").next().unwrap()),
        ];
        apply_attendees(comp, &Patch::Set(list)).unwrap();
        let lines: Vec<String> = comp.props_named("ATTENDEE").map(Prop::line).collect();
        assert_eq!(
            lines,
            [
                "ATTENDEE;CN=Carol;ROLE=OPT-PARTICIPANT;RSVP=TRUE:mailto:carol@x.org",
                line
            ]
        );
    }

    #[test]
    fn status_change_keeps_other_params() {
        let mut doc =
            event("ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=NEEDS-ACTION:MAILTO:Bob@x.org\r\n");
        let comp = doc.comp_mut(0).unwrap();
        let mut bob = read_attendee(comp.prop("ATTENDEE").unwrap());
        bob.status = Some("accepted".into());
        bob.email = "bob@x.org".into();
        apply_attendees(comp, &Patch::Set(vec![bob])).unwrap();
        assert_eq!(
            comp.prop("ATTENDEE").unwrap().line(),
            "ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=ACCEPTED:MAILTO:Bob@x.org"
        );
    }

    #[test]
    fn refusals() {
        let mut doc = event("");
        let comp = doc.comp_mut(0).unwrap();
        let a = |email: &str, role: Option<&str>| Attendee {
            email: email.into(),
            name: None,
            role: role.map(Into::into),
            status: None,
            rsvp: None,
        };
        let err = apply_attendees(comp, &Patch::Set(vec![a("a@x", Some("bad role"))]));
        assert!(matches!(err, Err(EditError::Field { field, .. }) if field == "attendees[0].role"));
        let err = apply_attendees(comp, &Patch::Set(vec![a("a@x", None), a("A@x", None)]));
        assert!(
            matches!(err, Err(EditError::Field { field, .. }) if field == "attendees[1].email")
        );
        let org = Patch::Set(Person {
            email: "o@x".into(),
            name: Some("O \"the\" boss".into()),
        });
        apply_organizer(comp, &org).unwrap();
        assert_eq!(
            comp.prop("ORGANIZER").unwrap().line(),
            "ORGANIZER;CN=O ^'the^' boss:mailto:o@x"
        );
    }
}
