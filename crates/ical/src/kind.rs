//! Component kinds and sets of them (supported-calendar-component-set).

/// The kind of top-level component a calendar object resource holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComponentKind {
    /// VEVENT
    Event,
    /// VTODO
    Todo,
    /// VJOURNAL
    Journal,
    /// VFREEBUSY
    FreeBusy,
    /// VAVAILABILITY (RFC 7953)
    Availability,
}

impl ComponentKind {
    /// Every kind, in a stable order.
    pub const ALL: [ComponentKind; 5] = [
        ComponentKind::Event,
        ComponentKind::Todo,
        ComponentKind::Journal,
        ComponentKind::FreeBusy,
        ComponentKind::Availability,
    ];

    /// The iCalendar component name (`VEVENT`, ...).
    pub fn name(self) -> &'static str {
        match self {
            ComponentKind::Event => "VEVENT",
            ComponentKind::Todo => "VTODO",
            ComponentKind::Journal => "VJOURNAL",
            ComponentKind::FreeBusy => "VFREEBUSY",
            ComponentKind::Availability => "VAVAILABILITY",
        }
    }

    /// Parses an iCalendar component name, case-insensitively.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }

    /// A stable small integer for storage (never reuse a code).
    pub fn code(self) -> i16 {
        match self {
            ComponentKind::Event => 1,
            ComponentKind::Todo => 2,
            ComponentKind::Journal => 3,
            ComponentKind::FreeBusy => 4,
            ComponentKind::Availability => 5,
        }
    }

    /// Inverse of [`ComponentKind::code`].
    pub fn from_code(code: i16) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A set of component kinds (e.g. a calendar's supported-calendar-component-set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ComponentSet(u8);

impl ComponentSet {
    /// The empty set.
    pub const EMPTY: ComponentSet = ComponentSet(0);
    /// What a new calendar accepts when the client names nothing.
    pub const DEFAULT: ComponentSet = ComponentSet(0b111);

    fn bit(kind: ComponentKind) -> u8 {
        1 << (kind.code() - 1)
    }

    /// Whether `kind` is in the set.
    pub fn contains(self, kind: ComponentKind) -> bool {
        self.0 & Self::bit(kind) != 0
    }

    /// Adds `kind` to the set.
    pub fn insert(&mut self, kind: ComponentKind) {
        self.0 |= Self::bit(kind);
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The members, in [`ComponentKind::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = ComponentKind> {
        ComponentKind::ALL
            .into_iter()
            .filter(move |k| self.contains(*k))
    }

    /// The bit mask, for storage.
    pub fn bits(self) -> i16 {
        i16::from(self.0)
    }

    /// Inverse of [`ComponentSet::bits`]; unknown bits are dropped.
    pub fn from_bits(bits: i16) -> Self {
        ComponentSet((bits & 0b1_1111) as u8)
    }
}

impl FromIterator<ComponentKind> for ComponentSet {
    fn from_iter<I: IntoIterator<Item = ComponentKind>>(iter: I) -> Self {
        let mut set = ComponentSet::EMPTY;
        for k in iter {
            set.insert(k);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_round_trip() {
        for kind in ComponentKind::ALL {
            assert_eq!(ComponentKind::from_name(kind.name()), Some(kind));
            assert_eq!(ComponentKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(
            ComponentKind::from_name("vevent"),
            Some(ComponentKind::Event)
        );
        assert_eq!(ComponentKind::from_name("VTIMEZONE"), None);
        assert_eq!(ComponentKind::from_code(0), None);
    }

    #[test]
    fn sets() {
        let set: ComponentSet = [ComponentKind::Todo, ComponentKind::Availability]
            .into_iter()
            .collect();
        assert!(set.contains(ComponentKind::Todo) && !set.contains(ComponentKind::Event));
        assert_eq!(ComponentSet::from_bits(set.bits()), set);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![ComponentKind::Todo, ComponentKind::Availability]
        );
        assert!(ComponentSet::EMPTY.is_empty());
        assert!(ComponentSet::DEFAULT.contains(ComponentKind::Journal));
        assert!(!ComponentSet::DEFAULT.contains(ComponentKind::FreeBusy));
    }
}
