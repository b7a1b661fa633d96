//! Read-only sharing properties, so that clients show shared calendars as shared: Apple's
//! caldav-sharing (`CS:shared`/`CS:shared-owner` in the resource type, `CS:invite`) and
//! draft-pot-webdav-resource-sharing (`DAV:share-access`, `DAV:invite`).
//!
//! Shares are made over the REST API, or by a share request POSTed to the calendar
//! (`methods/post.rs`, both dialects). `CS:allowed-sharing-modes` is not offered yet, nor
//! `calendarserver-sharing` in the DAV header, so Apple clients do not offer to share on
//! their own; clients that send the request anyway are served.
//!
//! What a sharee may learn: the owner and themself, nothing about other sharees (Apple's
//! server lists every sharee to every sharee; the owner did not choose to tell one sharee
//! who else was given the calendar). The owner sees everyone with access to the calendar.
//!
//! Free/busy-only shares are left out of every property, for the owner too: they grant no
//! access to the calendar itself (it is 404 to such a sharee), and both specifications
//! only know read and read-write, so listing them would tell the owner that the user may
//! read the events. A calendar shared only for free/busy is `not-shared` over DAV; the
//! REST API lists those grants.

use kairos_core::{CoreError, Granted, Kairos, Principal, Sharee};
use kairos_dav_proto::{Element, PropFind, PropRequest, PropValue, QName, names};
use kairos_store::{CollectionKind, ShareAccess};

use crate::error::DavResult;
use crate::paths::principal_href;

/// The sharing properties: asked for by name (or propname) only, never part of allprop,
/// since on an owner's calendar they cost a query.
const SHARING_PROPS: &[QName] = &[names::CS_INVITE, names::INVITE, names::SHARE_ACCESS];

/// Whether answering `request` for an owner's calendar needs its sharees: when a sharing
/// property or the resource type (`CS:shared-owner`) is asked for by name, or every name
/// is (propname). allprop leaves the sharing properties out and gives the owner's
/// calendars a resource type without `CS:shared-owner`, so a Depth 1 allprop costs no
/// query per calendar (a sharee's `CS:shared` costs nothing and is always there).
pub(crate) fn needs_sharees(request: &PropRequest) -> bool {
    let sharing = |n: &QName| SHARING_PROPS.contains(n);
    match &request.selection {
        PropFind::Prop(list) => list.iter().any(|n| *n == names::RESOURCETYPE || sharing(n)),
        PropFind::PropName => true,
        PropFind::AllProp { include } => include.iter().any(sharing),
    }
}

/// Who the principal's own calendar `g` is shared with (calendar access only), when
/// `request` needs it: one query, for calendars the principal owns only. `None` when not
/// looked up or not theirs to list (core lists sharees only to a credential that may
/// manage the calendar; a read-only token may not).
pub(crate) async fn owner_sharees(
    core: &Kairos,
    principal: &Principal,
    g: &Granted,
    request: &PropRequest,
) -> DavResult<Option<Vec<Sharee>>> {
    let c = g.collection();
    if c.kind != CollectionKind::Calendar || c.owner_id != principal.id() || !needs_sharees(request)
    {
        return Ok(None);
    }
    let Ok(writer) = g.writer() else {
        return Ok(None);
    };
    match core.calendar_sharees(principal, &writer).await {
        Ok(all) => Ok(Some(
            all.into_iter()
                .filter(|s| s.access != ShareAccess::FreeBusy)
                .collect(),
        )),
        Err(CoreError::Forbidden(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// How the principal stands to a calendar, for its sharing properties.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Standing<'a> {
    /// Their own, shared with nobody (for calendar access).
    NotShared,
    /// Their own, shared with these (never empty; free/busy-only shares left out).
    Owner(&'a [Sharee]),
    /// Someone else's, reached through a share; `write` when it allows changing events.
    Sharee {
        /// The principal's login name.
        me: &'a str,
        /// Whether they may change events (what their grant allows, credential included).
        write: bool,
    },
    /// Their own, but its sharees were not looked up or may not be listed: nothing is
    /// claimed either way.
    Unknown,
}

impl<'a> Standing<'a> {
    /// How `principal` stands to calendar `g`, given its sharees when looked up.
    pub(crate) fn of(principal: &'a Principal, g: &Granted, sharees: Option<&'a [Sharee]>) -> Self {
        if g.collection().owner_id != principal.id() {
            // Only a share reaches a calendar in another user's tree.
            return Standing::Sharee {
                me: principal.name(),
                write: g.privileges().write_content,
            };
        }
        match sharees {
            None => Standing::Unknown,
            Some([]) => Standing::NotShared,
            Some(list) => Standing::Owner(list),
        }
    }

    /// The element the resource type gains, if any.
    pub(crate) fn resourcetype_marker(self) -> Option<QName> {
        match self {
            Standing::Owner(_) => Some(names::CS_SHARED_OWNER),
            Standing::Sharee { .. } => Some(names::CS_SHARED),
            Standing::NotShared | Standing::Unknown => None,
        }
    }

    /// The sharees this principal may learn of, with whether each may write. The owner
    /// sees all of them; a sharee sees only themself (the privacy rule in the module
    /// documentation: who else has the calendar is the owner's to tell, not ours).
    fn visible(self) -> Vec<(&'a str, bool)> {
        match self {
            Standing::Owner(list) => list
                .iter()
                .map(|s| (s.user.as_str(), s.access == ShareAccess::ReadWrite))
                .collect(),
            Standing::Sharee { me, write } => vec![(me, write)],
            Standing::NotShared | Standing::Unknown => Vec::new(),
        }
    }

    /// Whether the calendar is known to be shared.
    fn shared(self) -> bool {
        matches!(self, Standing::Owner(_) | Standing::Sharee { .. })
    }

    /// The value of sharing property `name` of a calendar owned by `owner`; `None` for
    /// other names and where the property has no value (not shared, or unknown).
    pub(crate) fn value(self, owner: &str, name: &QName) -> Option<PropValue<'static>> {
        match name {
            n if *n == names::SHARE_ACCESS => share_access(self),
            n if *n == names::CS_INVITE && self.shared() => {
                Some(PropValue::Children(cs_invite(owner, &self.visible())))
            }
            n if *n == names::INVITE && self.shared() => {
                Some(PropValue::Children(dav_invite(owner, &self.visible())))
            }
            _ => None,
        }
    }
}

fn el(name: QName) -> Element {
    Element::new(name)
}

fn href(user: &str) -> Element {
    el(names::HREF).with_text(principal_href(user))
}

/// `DAV:share-access`: `shared-owner`, `read`, `read-write` or `not-shared`.
fn share_access(standing: Standing<'_>) -> Option<PropValue<'static>> {
    let value = match standing {
        Standing::NotShared => names::NOT_SHARED,
        Standing::Owner(_) => names::SHARED_OWNER,
        Standing::Sharee { write: true, .. } => names::READ_WRITE,
        Standing::Sharee { write: false, .. } => names::READ,
        Standing::Unknown => return None,
    };
    Some(PropValue::Children(vec![el(value)]))
}

/// The children of `CS:invite`: the organizer, then one `CS:user` per visible sharee
/// (every share is in force as soon as it is made, hence `invite-accepted`).
fn cs_invite(owner: &str, sharees: &[(&str, bool)]) -> Vec<Element> {
    let mut out = vec![
        el(names::CS_ORGANIZER)
            .with_child(href(owner))
            .with_child(el(names::CS_COMMON_NAME).with_text(owner)),
    ];
    for (user, write) in sharees {
        let access = if *write {
            names::CS_READ_WRITE
        } else {
            names::CS_READ
        };
        out.push(
            el(names::CS_USER)
                .with_child(href(user))
                .with_child(el(names::CS_COMMON_NAME).with_text(*user))
                .with_child(el(names::CS_INVITE_ACCEPTED))
                .with_child(el(names::CS_ACCESS).with_child(el(access))),
        );
    }
    out
}

/// The children of `DAV:invite`: the owner as `shared-owner` (as other servers list
/// them), then one `DAV:sharee` per visible sharee.
fn dav_invite(owner: &str, sharees: &[(&str, bool)]) -> Vec<Element> {
    let sharee = |user: &str, access: QName| {
        el(names::SHAREE)
            .with_child(href(user))
            .with_child(el(names::INVITE_ACCEPTED))
            .with_child(el(names::SHARE_ACCESS).with_child(el(access)))
    };
    let mut out = vec![sharee(owner, names::SHARED_OWNER)];
    for (user, write) in sharees {
        let access = if *write {
            names::READ_WRITE
        } else {
            names::READ
        };
        out.push(sharee(user, access));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (href, access element) of each `CS:user` or `DAV:sharee`.
    fn entries(children: &[Element], entry: &QName, access: &QName) -> Vec<(String, QName)> {
        children
            .iter()
            .filter(|e| e.name == *entry)
            .map(|e| {
                let href = e.child(&names::HREF).unwrap().text();
                let value = e.child(access).unwrap().child_elements().next().unwrap();
                (href, value.name.clone())
            })
            .collect()
    }

    #[test]
    fn cs_invite_names_the_organizer_then_each_sharee_with_access() {
        let got = cs_invite("alice", &[("bob", true), ("carol", false)]);
        assert_eq!(got[0].name, names::CS_ORGANIZER);
        assert_eq!(
            got[0].child(&names::HREF).unwrap().text(),
            "/dav/principals/alice/"
        );
        assert_eq!(
            got[0].child(&names::CS_COMMON_NAME).unwrap().text(),
            "alice"
        );
        assert_eq!(
            entries(&got, &names::CS_USER, &names::CS_ACCESS),
            vec![
                ("/dav/principals/bob/".to_owned(), names::CS_READ_WRITE),
                ("/dav/principals/carol/".to_owned(), names::CS_READ),
            ]
        );
        assert!(
            got[1..]
                .iter()
                .all(|u| u.child(&names::CS_INVITE_ACCEPTED).is_some())
        );
    }

    #[test]
    fn dav_invite_lists_the_owner_as_shared_owner() {
        let got = dav_invite("alice", &[("bob", false)]);
        assert_eq!(
            entries(&got, &names::SHAREE, &names::SHARE_ACCESS),
            vec![
                ("/dav/principals/alice/".to_owned(), names::SHARED_OWNER),
                ("/dav/principals/bob/".to_owned(), names::READ),
            ]
        );
    }

    #[test]
    fn share_access_follows_the_standing() {
        let value = |s: Standing<'_>| match share_access(s) {
            Some(PropValue::Children(c)) => Some(c[0].name.clone()),
            _ => None,
        };
        let sharees = [Sharee {
            user: "bob".into(),
            access: ShareAccess::Read,
            since: 0,
        }];
        assert_eq!(value(Standing::NotShared), Some(names::NOT_SHARED));
        assert_eq!(value(Standing::Owner(&sharees)), Some(names::SHARED_OWNER));
        let me = "bob";
        assert_eq!(
            value(Standing::Sharee { me, write: true }),
            Some(names::READ_WRITE)
        );
        assert_eq!(
            value(Standing::Sharee { me, write: false }),
            Some(names::READ)
        );
        assert_eq!(value(Standing::Unknown), None);
    }

    #[test]
    fn a_sharee_sees_only_themself_and_unshared_calendars_have_no_invite() {
        let me = "bob";
        assert_eq!(
            Standing::Sharee { me, write: false }.visible(),
            vec![("bob", false)]
        );
        for standing in [Standing::NotShared, Standing::Unknown] {
            assert!(standing.value("alice", &names::CS_INVITE).is_none());
            assert!(standing.value("alice", &names::INVITE).is_none());
            assert_eq!(standing.resourcetype_marker(), None);
        }
    }

    #[test]
    fn allprop_alone_never_needs_sharees() {
        let req = |selection| PropRequest {
            selection,
            calendar_data: None,
        };
        assert!(!needs_sharees(&req(PropFind::AllProp { include: vec![] })));
        assert!(needs_sharees(&req(PropFind::AllProp {
            include: vec![names::CS_INVITE]
        })));
        assert!(needs_sharees(&req(PropFind::PropName)));
        assert!(needs_sharees(&req(PropFind::Prop(vec![
            names::RESOURCETYPE
        ]))));
        assert!(!needs_sharees(&req(PropFind::Prop(vec![names::GETETAG]))));
    }
}
