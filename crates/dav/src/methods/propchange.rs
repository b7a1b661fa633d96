//! From DAV property elements to core property changes (PROPPATCH, MKCOL, MKCALENDAR).

use kairos_core::{LiveProperty, PropChange};
use kairos_dav_proto::{Element, PatchOp, QName, names};
use kairos_store::{ComponentKind, ComponentSet, DeadProperty};

use crate::properties::is_live;

/// The writable live property a name stands for.
fn writable(name: &QName) -> Option<LiveProperty> {
    Some(match name {
        n if *n == names::DISPLAYNAME => LiveProperty::DisplayName,
        n if *n == names::CALENDAR_DESCRIPTION => LiveProperty::Description,
        n if *n == names::CALENDAR_TIMEZONE => LiveProperty::Timezone,
        n if *n == names::CALENDAR_COLOR => LiveProperty::Color,
        n if *n == names::CALENDAR_ORDER => LiveProperty::Order,
        _ => return None,
    })
}

/// Component names listed in a supported-calendar-component-set value; unknown names are
/// skipped (an empty result is refused by core).
fn component_set(e: &Element) -> ComponentSet {
    e.children_named(&names::COMP)
        .filter_map(|c| c.attr("name"))
        .filter_map(ComponentKind::from_name)
        .collect()
}

/// The change a `set` of element `e` asks for. `creating` is true for MKCOL/MKCALENDAR,
/// where the component set may still be chosen.
pub(crate) fn from_set(e: &Element, creating: bool) -> PropChange {
    if let Some(live) = writable(&e.name) {
        return PropChange::Set(live, e.text());
    }
    if e.name == names::SUPPORTED_CALENDAR_COMPONENT_SET && creating {
        return PropChange::Components(component_set(e));
    }
    if is_live(&e.name) {
        return PropChange::Protected;
    }
    PropChange::SetDead(DeadProperty {
        namespace: e.name.ns.to_string(),
        name: e.name.local.to_string(),
        xml: e.to_xml(),
    })
}

/// The change a `remove` of `name` asks for.
pub(crate) fn from_remove(name: &QName) -> PropChange {
    if let Some(live) = writable(name) {
        return PropChange::Remove(live);
    }
    if is_live(name) {
        return PropChange::Protected;
    }
    PropChange::RemoveDead {
        namespace: name.ns.to_string(),
        name: name.local.to_string(),
    }
}

/// Changes of a PROPPATCH, in request order.
pub(crate) fn from_patch(ops: &[PatchOp]) -> Vec<PropChange> {
    ops.iter()
        .map(|op| match op {
            PatchOp::Set(e) => from_set(e, false),
            PatchOp::Remove(n) => from_remove(n),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_live_dead_and_protected() {
        let dn = Element::new(names::DISPLAYNAME).with_text("Work");
        assert_eq!(
            from_set(&dn, false),
            PropChange::Set(LiveProperty::DisplayName, "Work".into())
        );
        assert_eq!(
            from_set(&Element::new(names::GETETAG), false),
            PropChange::Protected
        );
        let dead = Element::new(QName::new("urn:x", "y")).with_text("v");
        assert!(matches!(from_set(&dead, false), PropChange::SetDead(d) if d.name == "y"));
        let comps = Element::new(names::SUPPORTED_CALENDAR_COMPONENT_SET)
            .with_child(Element::new(names::COMP).with_attr(QName::new("", "name"), "VTODO"));
        assert_eq!(from_set(&comps, false), PropChange::Protected);
        assert_eq!(
            from_set(&comps, true),
            PropChange::Components([ComponentKind::Todo].into_iter().collect())
        );
        assert_eq!(from_remove(&names::RESOURCETYPE), PropChange::Protected);
    }
}
