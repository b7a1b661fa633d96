//! Authorization as types. A front-end gets a [`Principal`] only from authentication and a
//! [`Reader`] or [`Writer`] for a collection only from the checks in this module, and every
//! core operation on a collection demands one of them: a forgotten check does not compile.

use std::sync::Arc;

use kairos_store::{CalendarPrefs, Collection, CollectionId, CollectionKind, ShareAccess, UserId};

/// What a credential narrows a principal to. A password or session sign-in has none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Reads only: every write is refused.
    pub read_only: bool,
    /// Only this calendar (and the home above it, read-only, listing nothing else).
    pub calendar: Option<CollectionId>,
}

impl Limits {
    /// Whether nothing is narrowed.
    pub fn is_none(&self) -> bool {
        !self.read_only && self.calendar.is_none()
    }
}

/// An authenticated user. Constructed only by [`crate::auth`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    id: UserId,
    name: String,
    limits: Limits,
    /// Signed in with a token or app password rather than the account password.
    by_credential: bool,
}

impl Principal {
    pub(crate) fn new(id: UserId, name: String) -> Self {
        Principal {
            id,
            name,
            limits: Limits::default(),
            by_credential: false,
        }
    }

    /// The user signed in with a token or app password with these limits.
    pub(crate) fn by_credential(id: UserId, name: String, limits: Limits) -> Self {
        Principal {
            id,
            name,
            limits,
            by_credential: true,
        }
    }

    /// Whether the sign-in used a token or app password (which may not manage others).
    pub fn signed_in_by_credential(&self) -> bool {
        self.by_credential
    }

    /// What the credential this principal signed in with narrows them to.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The user's id.
    pub fn id(&self) -> UserId {
        self.id
    }

    /// The user's login name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// What a principal may do to a collection and its members.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Privileges {
    /// Read members and properties.
    pub read: bool,
    /// Change members (create, replace, delete).
    pub write_content: bool,
    /// Change the collection's properties.
    pub write_properties: bool,
    /// Create and remove child resources (bind/unbind).
    pub bind: bool,
}

impl Privileges {
    /// Everything (the owner).
    pub const ALL: Privileges = Privileges {
        read: true,
        write_content: true,
        write_properties: true,
        bind: true,
    };

    /// Reading only.
    pub const READ: Privileges = Privileges {
        read: true,
        write_content: false,
        write_properties: false,
        bind: false,
    };

    /// Whether every write privilege is held.
    pub fn can_write(self) -> bool {
        self.write_content && self.write_properties && self.bind
    }

    /// What a share grants: reading, or reading and changing events (never the
    /// calendar's own properties, never deleting it). Free/busy-only shares grant no
    /// access to the calendar itself (only to its busy time, through free/busy).
    pub fn of_share(access: ShareAccess) -> Option<Privileges> {
        match access {
            ShareAccess::FreeBusy => None,
            ShareAccess::Read => Some(Privileges::READ),
            ShareAccess::ReadWrite => Some(Privileges {
                read: true,
                write_content: true,
                write_properties: false,
                bind: true,
            }),
        }
    }
}

/// The child collections a principal may see in a collection, each with its privileges.
type VisibleChildren = Arc<[(CollectionId, Privileges)]>;

/// A collection the principal is allowed to see, with what they may do to it. The only way
/// to obtain one is [`crate::Kairos::resolve`] (or the other lookups in core), which check.
#[derive(Clone, Debug)]
pub struct Granted {
    collection: Collection,
    owner_name: String,
    privileges: Privileges,
    /// Child collections the principal may see, each with what they may do to it (a
    /// sharee's calendars differ: one read-only, another read-write); `None` means all
    /// of them, with this collection's privileges.
    visible: Option<VisibleChildren>,
    /// The principal's own settings for calendars of this tree, where core loaded them
    /// (calendar listings, and anything a sharee reaches): how the calendar looks to them.
    prefs: Option<Arc<[CalendarPrefs]>>,
}

impl Granted {
    /// Grants access after the caller decided the privileges. Private to core.
    pub(crate) fn new(collection: Collection, owner_name: String, privileges: Privileges) -> Self {
        Granted {
            collection,
            owner_name,
            privileges,
            visible: None,
            prefs: None,
        }
    }

    /// The same grant, carrying the principal's calendar settings.
    pub(crate) fn with_prefs(mut self, prefs: Arc<[CalendarPrefs]>) -> Self {
        self.prefs = Some(prefs);
        self
    }

    /// The grant of a child collection of this one, if the principal may see it.
    pub(crate) fn child(&self, child: Collection) -> Option<Granted> {
        let privileges = match &self.visible {
            None => self.privileges,
            Some(visible) => visible.iter().find(|(id, _)| *id == child.id)?.1,
        };
        Some(Granted {
            collection: child,
            owner_name: self.owner_name.clone(),
            privileges,
            visible: self.visible.clone(),
            prefs: self.prefs.clone(),
        })
    }

    /// The collection (read-only view).
    pub fn collection(&self) -> &Collection {
        &self.collection
    }

    /// The owner's login name.
    pub fn owner_name(&self) -> &str {
        &self.owner_name
    }

    /// What the principal may do.
    pub fn privileges(&self) -> Privileges {
        self.privileges
    }

    /// The principal's own settings for this calendar, if they set any.
    pub fn prefs(&self) -> Option<&CalendarPrefs> {
        let id = self.collection.id;
        self.prefs.as_deref()?.iter().find(|p| p.collection == id)
    }

    /// The calendar's name as the principal sees it: their own if they gave it one (a
    /// sharee), else the calendar's.
    pub fn display_name(&self) -> Option<&str> {
        self.prefs().and_then(|p| p.displayname.as_deref()).or(self
            .collection
            .props
            .displayname
            .as_deref())
    }

    /// The calendar's color as the principal sees it.
    pub fn color(&self) -> Option<&str> {
        self.prefs()
            .and_then(|p| p.color.as_deref())
            .or(self.collection.props.color.as_deref())
    }

    /// The calendar's sort position as the principal sees it.
    pub fn order(&self) -> Option<i64> {
        self.prefs()
            .and_then(|p| p.order)
            .or(self.collection.props.order)
    }

    /// Whether the principal hides the calendar from their views.
    pub fn hidden(&self) -> bool {
        self.prefs().is_some_and(|p| p.hidden)
    }

    /// Read capability (every granted collection is readable).
    pub fn reader(&self) -> Reader {
        Reader(self.clone())
    }

    /// Write capability (changing members), if the principal may create, change and
    /// delete members. Changing or deleting the collection itself also needs
    /// `write_properties`, which core checks where it matters.
    pub fn writer(&self) -> Result<Writer, crate::CoreError> {
        if self.privileges.write_content && self.privileges.bind {
            Ok(Writer(self.clone()))
        } else {
            Err(crate::CoreError::Forbidden("no write privilege"))
        }
    }
}

/// Proof that the principal may read a collection and its members.
#[derive(Clone, Debug)]
pub struct Reader(Granted);

impl Reader {
    /// The collection and grant behind this capability.
    pub fn granted(&self) -> &Granted {
        &self.0
    }

    /// The collection.
    pub fn collection(&self) -> &Collection {
        &self.0.collection
    }
}

/// Proof that the principal may change a collection and its members.
#[derive(Clone, Debug)]
pub struct Writer(Granted);

impl Writer {
    /// The collection and grant behind this capability.
    pub fn granted(&self) -> &Granted {
        &self.0
    }

    /// The collection.
    pub fn collection(&self) -> &Collection {
        &self.0.collection
    }

    /// A writer may also read.
    pub fn reader(&self) -> Reader {
        Reader(self.0.clone())
    }
}

/// The principal's access to one owner's tree: everything (their own), or some shared
/// calendars (and a read-only view of the home listing just those).
#[derive(Clone, Debug)]
pub(crate) enum TreeAccess {
    /// The principal owns the tree.
    Own,
    /// Calendars shared with the principal, with what each allows, and the principal's
    /// own settings for calendars.
    Shared(Vec<(CollectionId, Privileges)>, Arc<[CalendarPrefs]>),
}

impl TreeAccess {
    /// What the principal may do to `collection` of this tree, and which children of it
    /// they may see; `None` when it is not theirs to see.
    fn privileges(&self, collection: &Collection) -> Option<(Privileges, Option<VisibleChildren>)> {
        match self {
            TreeAccess::Own => Some((Privileges::ALL, None)),
            TreeAccess::Shared(list, _) => {
                if collection.kind == CollectionKind::Home {
                    return Some((Privileges::READ, Some(Arc::from(list.as_slice()))));
                }
                list.iter()
                    .find(|(id, _)| *id == collection.id)
                    .map(|(_, p)| (*p, None))
            }
        }
    }
}

/// The grant of `collection` in a tree the principal reaches through `access`, narrowed
/// by the principal's credential limits; `None` when they may not see it.
pub(crate) fn grant_in_tree(
    principal: &Principal,
    owner_name: &str,
    collection: Collection,
    access: &TreeAccess,
) -> Option<Granted> {
    let (privileges, visible) = access.privileges(&collection)?;
    let limits = principal.limits();
    let narrow = |p: Privileges| {
        if limits.read_only {
            Privileges {
                read: p.read,
                ..Privileges::READ
            }
        } else {
            p
        }
    };
    let mut granted = Granted::new(collection, owner_name.to_owned(), narrow(privileges));
    granted.visible = visible.map(|v| v.iter().map(|&(id, p)| (id, narrow(p))).collect());
    if let Some(only) = limits.calendar
        && granted.collection.id != only
    {
        // The home stays reachable (clients discover the calendar through it) but read-only
        // and listing only the one calendar; nothing else exists for this credential.
        if granted.collection.kind != CollectionKind::Home {
            return None;
        }
        let reachable = match &granted.visible {
            None => Some(granted.privileges),
            Some(v) => v.iter().find(|(id, _)| *id == only).map(|&(_, p)| p),
        };
        granted.privileges = Privileges {
            read: granted.privileges.read,
            ..Privileges::READ
        };
        granted.visible = Some(reachable.map(|p| (only, p)).into_iter().collect());
    }
    if let TreeAccess::Shared(_, prefs) = access {
        granted.prefs = Some(prefs.clone());
    }
    Some(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_grant_reading_or_changing_events_never_managing() {
        assert_eq!(Privileges::of_share(ShareAccess::FreeBusy), None);
        assert_eq!(
            Privileges::of_share(ShareAccess::Read),
            Some(Privileges::READ)
        );
        let rw = Privileges::of_share(ShareAccess::ReadWrite).unwrap();
        assert!(rw.read && rw.write_content && rw.bind && !rw.write_properties);
    }
}
