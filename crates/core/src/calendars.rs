//! Calendars by id, for front-ends that do not address them by path (REST, web, MCP).

use std::sync::Arc;

use kairos_store::{CalendarPrefs, CollectionId, CollectionKind, CollectionProps};

use crate::access::{Principal, TreeAccess, grant_in_tree};
use crate::collections::patch_collection_in;
use crate::props::{LiveProperty, PropChange, PropTarget, apply_live, validate};
use crate::{CoreError, CoreResult, Granted, Kairos, Privileges, PropertyError};

impl Kairos {
    /// The calendars the principal can see: their own in path order, then those shared
    /// with them (by owner, then path).
    pub async fn calendars(&self, principal: &Principal) -> CoreResult<Vec<Granted>> {
        self.ensure_home(principal).await?;
        let prefs: Arc<[CalendarPrefs]> = self.store.calendar_prefs(principal.id()).await?.into();
        let mut out: Vec<Granted> = self
            .store
            .collection_tree(principal.id(), "")
            .await?
            .into_iter()
            .filter(|c| c.kind == CollectionKind::Calendar)
            .filter_map(|c| grant_in_tree(principal, principal.name(), c, &TreeAccess::Own))
            .map(|g| g.with_prefs(prefs.clone()))
            .collect();
        out.sort_by(|a, b| a.collection().path.cmp(&b.collection().path));
        for incoming in self.store.shared_with(principal.id()).await? {
            let Some(p) = Privileges::of_share(incoming.access) else {
                continue;
            };
            let access = TreeAccess::Shared(vec![(incoming.collection.id, p)], prefs.clone());
            out.extend(grant_in_tree(
                principal,
                &incoming.owner_name,
                incoming.collection,
                &access,
            ));
        }
        Ok(out)
    }

    /// One calendar by id, or NotFound (also when it exists but is not the principal's to
    /// see, so ids reveal nothing).
    pub async fn calendar(&self, principal: &Principal, id: CollectionId) -> CoreResult<Granted> {
        let c = self
            .store
            .collection_by_id(id)
            .await?
            .filter(|c| c.kind == CollectionKind::Calendar)
            .ok_or(CoreError::NotFound)?;
        if c.owner_id == principal.id() {
            let prefs: Arc<[CalendarPrefs]> =
                self.store.calendar_prefs(principal.id()).await?.into();
            return grant_in_tree(principal, principal.name(), c, &TreeAccess::Own)
                .map(|g| g.with_prefs(prefs))
                .ok_or(CoreError::NotFound);
        }
        let access = self.shared_access(principal, c.owner_id).await?;
        let owner = self
            .store
            .user_by_id(c.owner_id)
            .await?
            .ok_or(CoreError::NotFound)?
            .name;
        grant_in_tree(principal, &owner, c, &access).ok_or(CoreError::NotFound)
    }

    /// The principal's own home (where new calendars go).
    pub async fn home(&self, principal: &Principal) -> CoreResult<Granted> {
        match self.resolve(principal, principal.name(), &[], true).await? {
            crate::Resource::Collection(home) => Ok(home),
            _ => Err(CoreError::NotFound),
        }
    }
}

/// What a sharee may set for themselves on a shared calendar.
fn personal(prop: LiveProperty) -> bool {
    matches!(
        prop,
        LiveProperty::DisplayName | LiveProperty::Color | LiveProperty::Order
    )
}

impl Kairos {
    /// Changes a calendar as the principal may. Its owner changes the calendar itself
    /// (everyone who sees it sees the change, over CalDAV too); anyone it is shared with
    /// changes only their own name, color and order for it, and nothing else. `hidden`
    /// is always the principal's own. All of it or nothing.
    pub async fn patch_calendar(
        &self,
        principal: &Principal,
        g: &Granted,
        changes: &[PropChange],
        hidden: Option<bool>,
    ) -> CoreResult<()> {
        let c = g.collection();
        if c.kind != CollectionKind::Calendar {
            return Err(CoreError::Forbidden("not a calendar"));
        }
        if principal.limits().read_only {
            return Err(CoreError::Forbidden("this credential is read-only"));
        }
        let own = c.owner_id == principal.id();
        let mut tx = self.store.begin().await?;
        if own && !changes.is_empty() {
            patch_collection_in(tx.as_mut(), &g.writer()?, changes).await?;
        }
        if !own {
            let mut failures = validate(
                changes,
                PropTarget::Collection {
                    kind: c.kind,
                    creating: false,
                },
            );
            for (i, change) in changes.iter().enumerate() {
                let allowed = matches!(change,
                    PropChange::Set(p, _) | PropChange::Remove(p) if personal(*p));
                if !allowed && !failures.iter().any(|(j, _)| *j == i) {
                    failures.push((i, PropertyError::Protected));
                }
            }
            if !failures.is_empty() {
                failures.sort_by_key(|(i, _)| *i);
                return Err(CoreError::Properties(failures));
            }
        }
        if !own && !changes.is_empty() || hidden.is_some() {
            let mut prefs = tx
                .calendar_prefs(principal.id(), c.id)
                .await?
                .unwrap_or_else(|| CalendarPrefs::unset(principal.id(), c.id));
            if !own {
                // The same normalisation as the calendar's own properties.
                let mut view = CollectionProps {
                    displayname: prefs.displayname.take(),
                    color: prefs.color.take(),
                    order: prefs.order.take(),
                    ..CollectionProps::default()
                };
                apply_live(&mut view, changes);
                prefs.displayname = view.displayname;
                prefs.color = view.color;
                prefs.order = view.order;
            }
            if let Some(hidden) = hidden {
                prefs.hidden = hidden;
            }
            if prefs.is_unset() {
                tx.delete_calendar_prefs(principal.id(), c.id).await?;
            } else {
                tx.put_calendar_prefs(&prefs).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The CALDAV:calendar-timezone value for zone `tzid` (IANA or Windows name), or Invalid
/// for a zone nobody knows.
pub fn calendar_timezone(tzid: &str) -> CoreResult<String> {
    let now = jiff::Timestamp::from_millisecond(crate::now_ms()).unwrap_or_default();
    kairos_ical::edit::calendar_timezone(tzid.trim(), now)
        .ok_or_else(|| CoreError::Invalid(format!("unknown time zone {tzid:?}")))
}
