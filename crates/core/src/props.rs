//! Property changes (PROPPATCH, extended MKCOL, MKCALENDAR) validated all-or-nothing.

use kairos_store::{CollectionKind, CollectionProps, ComponentSet, DeadProperty};

use crate::error::PropertyError;

/// A live property the server interprets and stores in its own columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveProperty {
    /// DAV:displayname
    DisplayName,
    /// CALDAV:calendar-description
    Description,
    /// Apple calendar-color
    Color,
    /// Apple calendar-order
    Order,
    /// CALDAV:calendar-timezone
    Timezone,
}

/// One requested change, already mapped from the protocol's property names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropChange {
    /// Set a live property from its text value.
    Set(LiveProperty, String),
    /// Remove a live property.
    Remove(LiveProperty),
    /// Choose the component types of a calendar being created.
    Components(ComponentSet),
    /// Set a dead property.
    SetDead(DeadProperty),
    /// Remove a dead property.
    RemoveDead {
        /// Namespace URI.
        namespace: String,
        /// Local name.
        name: String,
    },
    /// A computed or immutable property the client tried to change.
    Protected,
}

const MAX_DISPLAYNAME: usize = 1024;
const MAX_DESCRIPTION: usize = 64 * 1024;
/// Dead property values are returned on every allprop; keep them modest.
const MAX_DEAD_XML: usize = 64 * 1024;

/// Where the changes apply, which decides what is settable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PropTarget {
    /// A collection of this kind; `creating` allows the component set.
    Collection {
        kind: CollectionKind,
        creating: bool,
    },
    /// A member resource: only dead properties.
    Object,
}

fn valid_color(v: &str) -> bool {
    let hex = v.strip_prefix('#').unwrap_or("");
    (hex.len() == 6 || hex.len() == 8) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn check_live(prop: LiveProperty, value: &str) -> Result<(), PropertyError> {
    let bad = |why: &str| Err(PropertyError::InvalidValue(why.to_owned()));
    match prop {
        LiveProperty::DisplayName if value.len() > MAX_DISPLAYNAME => bad("display name too long"),
        LiveProperty::Description if value.len() > MAX_DESCRIPTION => bad("description too long"),
        LiveProperty::Color if !valid_color(value.trim()) => bad("colors are #RRGGBB or #RRGGBBAA"),
        LiveProperty::Order if value.trim().parse::<i64>().is_err() => {
            bad("calendar-order is an integer")
        }
        LiveProperty::Timezone => kairos_ical::validate_timezone(value.as_bytes())
            .map(|_| ())
            .map_err(|e| PropertyError::InvalidValue(e.to_string())),
        _ => Ok(()),
    }
}

fn allowed(prop: LiveProperty, target: PropTarget) -> bool {
    match target {
        PropTarget::Object => false,
        PropTarget::Collection { kind, .. } => {
            prop == LiveProperty::DisplayName || kind == CollectionKind::Calendar
        }
    }
}

/// Checks every change; returns the failures (by index) or nothing when all may apply.
pub(crate) fn validate(changes: &[PropChange], target: PropTarget) -> Vec<(usize, PropertyError)> {
    let mut failures = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let result = match change {
            PropChange::Set(p, v) if allowed(*p, target) => check_live(*p, v),
            PropChange::Remove(p) if allowed(*p, target) => Ok(()),
            PropChange::Set(..) | PropChange::Remove(_) => Err(PropertyError::NotSupportedHere),
            PropChange::Components(set) => match target {
                PropTarget::Collection {
                    kind: CollectionKind::Calendar,
                    creating: true,
                } if !set.is_empty() => Ok(()),
                PropTarget::Collection {
                    kind: CollectionKind::Calendar,
                    creating: true,
                } => Err(PropertyError::InvalidValue(
                    "no component type named".into(),
                )),
                PropTarget::Collection { creating: true, .. } => {
                    Err(PropertyError::NotSupportedHere)
                }
                _ => Err(PropertyError::Protected),
            },
            PropChange::SetDead(d) if d.xml.len() > MAX_DEAD_XML => Err(
                PropertyError::InvalidValue("property value too large".into()),
            ),
            PropChange::SetDead(_) | PropChange::RemoveDead { .. } => Ok(()),
            PropChange::Protected => Err(PropertyError::Protected),
        };
        if let Err(e) = result {
            failures.push((i, e));
        }
    }
    failures
}

/// Applies validated live changes to a collection's properties (dead ones are stored
/// separately by the caller).
pub(crate) fn apply_live(props: &mut CollectionProps, changes: &[PropChange]) {
    for change in changes {
        match change {
            PropChange::Set(p, v) => set_live(props, *p, Some(v)),
            PropChange::Remove(p) => set_live(props, *p, None),
            PropChange::Components(set) => props.components = *set,
            _ => {}
        }
    }
}

fn set_live(props: &mut CollectionProps, prop: LiveProperty, value: Option<&String>) {
    match prop {
        LiveProperty::DisplayName => props.displayname = value.cloned(),
        LiveProperty::Description => props.description = value.cloned(),
        LiveProperty::Color => props.color = value.map(|v| v.trim().to_owned()),
        LiveProperty::Order => props.order = value.and_then(|v| v.trim().parse().ok()),
        LiveProperty::Timezone => props.timezone = value.cloned(),
    }
}

/// Whether any change touches a live property (the collection row must be rewritten).
pub(crate) fn touches_live(changes: &[PropChange]) -> bool {
    changes.iter().any(|c| {
        matches!(
            c,
            PropChange::Set(..) | PropChange::Remove(_) | PropChange::Components(_)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAL: PropTarget = PropTarget::Collection {
        kind: CollectionKind::Calendar,
        creating: false,
    };

    #[test]
    fn colors_and_orders() {
        let ok = [
            PropChange::Set(LiveProperty::Color, "#FF00aa".into()),
            PropChange::Set(LiveProperty::Color, "#FF00AAFF".into()),
            PropChange::Set(LiveProperty::Order, " 12 ".into()),
        ];
        assert!(validate(&ok, CAL).is_empty());
        let bad = [
            PropChange::Set(LiveProperty::Color, "red".into()),
            PropChange::Set(LiveProperty::Order, "first".into()),
        ];
        assert_eq!(validate(&bad, CAL).len(), 2);
    }

    #[test]
    fn components_only_at_creation() {
        let c = [PropChange::Components(ComponentSet::DEFAULT)];
        assert_eq!(validate(&c, CAL), vec![(0, PropertyError::Protected)]);
        let creating = PropTarget::Collection {
            kind: CollectionKind::Calendar,
            creating: true,
        };
        assert!(validate(&c, creating).is_empty());
    }

    #[test]
    fn objects_take_only_dead_properties() {
        let c = [
            PropChange::Set(LiveProperty::DisplayName, "x".into()),
            PropChange::SetDead(DeadProperty {
                namespace: "urn:x".into(),
                name: "y".into(),
                xml: "<y xmlns=\"urn:x\"/>".into(),
            }),
        ];
        assert_eq!(
            validate(&c, PropTarget::Object),
            vec![(0, PropertyError::NotSupportedHere)]
        );
    }

    #[test]
    fn apply() {
        let mut p = CollectionProps::default();
        apply_live(
            &mut p,
            &[
                PropChange::Set(LiveProperty::DisplayName, "Work".into()),
                PropChange::Set(LiveProperty::Order, "3".into()),
                PropChange::Remove(LiveProperty::Color),
            ],
        );
        assert_eq!(p.displayname.as_deref(), Some("Work"));
        assert_eq!(p.order, Some(3));
        assert_eq!(p.color, None);
    }
}
