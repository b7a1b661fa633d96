//! Sharing calendars with other users: grants, their history, and free/busy across users.

use kairos_ical::TimeRange;
use kairos_ical::query::FreeBusy;
use kairos_store::{Share, ShareAccess, ShareAction, ShareLogEntry, Timestamp};

use crate::access::Principal;
use crate::{CoreError, CoreResult, Kairos, Reader, Writer, now_ms};

/// Who a calendar is shared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sharee {
    /// Login name.
    pub user: String,
    /// What they may do.
    pub access: ShareAccess,
    /// When first shared.
    pub since: Timestamp,
}

fn require_owner(principal: &Principal, writer: &Writer) -> CoreResult<()> {
    let c = writer.collection();
    if c.owner_id == principal.id() && writer.granted().privileges().write_properties {
        Ok(())
    } else {
        Err(CoreError::Forbidden(
            "only the calendar's owner may share it",
        ))
    }
}

impl Kairos {
    /// Shares a calendar with user `sharee` (or changes their access), recording who and
    /// when. Sharing with oneself or an unknown user is refused.
    pub async fn share_calendar(
        &self,
        principal: &Principal,
        writer: &Writer,
        sharee: &str,
        access: ShareAccess,
    ) -> CoreResult<()> {
        require_owner(principal, writer)?;
        if sharee == principal.name() {
            return Err(CoreError::Invalid(
                "a calendar is already its owner's".into(),
            ));
        }
        let user = self
            .store
            .user_by_name(sharee)
            .await?
            .ok_or_else(|| CoreError::Invalid(format!("no user {sharee:?}")))?;
        let c = writer.collection();
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        tx.put_share(&Share {
            collection: c.id,
            sharee: user.id,
            access,
            created_at: now,
            modified_at: now,
        })
        .await?;
        tx.log_share(&ShareLogEntry {
            collection: c.id,
            actor: principal.name().to_owned(),
            action: ShareAction::Shared,
            sharee: Some(user.name),
            access: Some(access),
            at: now,
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a share away; NotFound when the user had none.
    pub async fn unshare_calendar(
        &self,
        principal: &Principal,
        writer: &Writer,
        sharee: &str,
    ) -> CoreResult<()> {
        require_owner(principal, writer)?;
        let user = self
            .store
            .user_by_name(sharee)
            .await?
            .ok_or(CoreError::NotFound)?;
        let c = writer.collection();
        let mut tx = self.store.begin().await?;
        if !tx.delete_share(c.id, user.id).await? {
            return Err(CoreError::NotFound);
        }
        tx.log_share(&ShareLogEntry {
            collection: c.id,
            actor: principal.name().to_owned(),
            action: ShareAction::Unshared,
            sharee: Some(user.name),
            access: None,
            at: now_ms(),
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Who the calendar is shared with (owner only).
    pub async fn calendar_sharees(
        &self,
        principal: &Principal,
        writer: &Writer,
    ) -> CoreResult<Vec<Sharee>> {
        require_owner(principal, writer)?;
        Ok(self
            .store
            .shares_of(writer.collection().id)
            .await?
            .into_iter()
            .map(|(share, user)| Sharee {
                user,
                access: share.access,
                since: share.created_at,
            })
            .collect())
    }

    /// Owners who shared a readable calendar with the principal (their homes are part of
    /// the principal's calendar-home-set), by name, without repeats.
    pub async fn sharing_owners(&self, principal: &Principal) -> CoreResult<Vec<String>> {
        let mut owners: Vec<String> = self
            .store
            .shared_with(principal.id())
            .await?
            .into_iter()
            .filter(|s| s.access != ShareAccess::FreeBusy)
            .map(|s| s.owner_name)
            .collect();
        owners.dedup();
        Ok(owners)
    }

    /// Busy time of user `whom` over `range`: all their calendars when it is the principal,
    /// else the calendars they shared with the principal (any access, free/busy-only
    /// included). NotFound when they shared nothing.
    pub async fn user_free_busy(
        &self,
        principal: &Principal,
        whom: &str,
        range: TimeRange,
    ) -> CoreResult<FreeBusy> {
        let readers: Vec<Reader> = if whom == principal.name() {
            self.calendars(principal)
                .await?
                .into_iter()
                .filter(|g| g.collection().owner_id == principal.id())
                .map(|g| g.reader())
                .collect()
        } else {
            let owner = self
                .store
                .user_by_name(whom)
                .await?
                .ok_or(CoreError::NotFound)?;
            let shared = self.store.shares_between(owner.id, principal.id()).await?;
            let mut readers = Vec::new();
            for (id, _) in shared {
                if let Some(c) = self.store.collection_by_id(id).await? {
                    // Busy time only: a grant for this computation, never handed out.
                    let g = crate::Granted::new(c, owner.name.clone(), crate::Privileges::READ);
                    readers.push(g.reader());
                }
            }
            if readers.is_empty() {
                return Err(CoreError::NotFound);
            }
            readers
        };
        let mut all = FreeBusy::new(range);
        for r in &readers {
            all.absorb(&self.free_busy(r, range, None).await?);
        }
        Ok(all)
    }
}
