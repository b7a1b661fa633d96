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
        let mut tx = self.store.begin().await?;
        grant_in(tx.as_mut(), c.id, principal.name(), user, access, now_ms()).await?;
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
        if !revoke_in(tx.as_mut(), c.id, principal.name(), user, now_ms()).await? {
            return Err(CoreError::NotFound);
        }
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

/// How a share request names a sharee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareeAddress {
    /// A login name, as a front-end read it from one of its own URLs (the DAV principal
    /// URL `/dav/principals/{name}/`).
    Login(String),
    /// A calendar user address URI as the client sent it (`mailto:…`, …).
    Uri(String),
}

/// One change of a calendar's sharing, as part of [`Kairos::change_shares`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareChange {
    /// Who.
    pub sharee: ShareeAddress,
    /// What they get from now on; `None` takes their share away (a no-op when they had
    /// none).
    pub access: Option<ShareAccess>,
}

/// Why [`Kairos::change_shares`] refused a whole request (nothing was applied). The
/// index is the offending change's position in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareRefusal {
    /// The change names nobody this server knows.
    UnknownSharee(usize),
    /// The change names the calendar's owner.
    Owner(usize),
}

impl Kairos {
    /// The user a share request means by `address`: a login name as such; a `mailto:`
    /// address (scheme in any case) when some login name is that very address (login
    /// names may be e-mail addresses, e.g. from single sign-on), exactly or else in lower
    /// case. No other address names anyone: users have no e-mail addresses of their own.
    pub async fn resolve_sharee(
        &self,
        address: &ShareeAddress,
    ) -> CoreResult<Option<kairos_store::User>> {
        let name = match address {
            ShareeAddress::Login(name) => name.clone(),
            ShareeAddress::Uri(uri) => {
                let Some(mail) = mailto_address(uri) else {
                    return Ok(None);
                };
                if let Some(user) = self.store.user_by_name(mail).await? {
                    return Ok(Some(user));
                }
                mail.to_lowercase()
            }
        };
        Ok(self.store.user_by_name(&name).await?)
    }

    /// Applies a whole share request to the calendar, all or nothing: every change is
    /// checked first (the principal must own the calendar, every sharee must be a known
    /// user other than the owner), then all are applied in order in one transaction, each
    /// recorded in the sharing history with the principal as actor. Taking away a share
    /// the user does not have changes and records nothing. `Ok(Err(_))` names the first
    /// change that made the request fail.
    pub async fn change_shares(
        &self,
        principal: &Principal,
        writer: &Writer,
        changes: &[ShareChange],
    ) -> CoreResult<Result<(), ShareRefusal>> {
        require_owner(principal, writer)?;
        let c = writer.collection();
        if c.kind != kairos_store::CollectionKind::Calendar {
            return Err(CoreError::Invalid("only calendars are shared".into()));
        }
        let mut users = Vec::with_capacity(changes.len());
        for (i, change) in changes.iter().enumerate() {
            let Some(user) = self.resolve_sharee(&change.sharee).await? else {
                return Ok(Err(ShareRefusal::UnknownSharee(i)));
            };
            if user.id == c.owner_id {
                return Ok(Err(ShareRefusal::Owner(i)));
            }
            users.push(user);
        }
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        for (change, user) in changes.iter().zip(users) {
            match change.access {
                Some(access) => {
                    grant_in(tx.as_mut(), c.id, principal.name(), user, access, now).await?;
                }
                None => {
                    revoke_in(tx.as_mut(), c.id, principal.name(), user, now).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// The address of a `mailto:` URI (scheme in any case), when it is one whole address:
/// `mailto:bob` is not one, nor are several or one with header fields.
fn mailto_address(uri: &str) -> Option<&str> {
    let scheme = uri.get(..7)?;
    if !scheme.eq_ignore_ascii_case("mailto:") {
        return None;
    }
    let mail = uri.get(7..)?.trim();
    let whole = mail.contains('@') && !mail.contains(['?', ',', ' ', '%']);
    whole.then_some(mail)
}

/// Inside `tx`: gives `user` `access` to calendar `collection` (or changes theirs),
/// recording `actor` in the sharing history. Share changes move the calendar's ctag, as a
/// PROPPATCH does: its invite properties are part of what clients cache.
async fn grant_in(
    tx: &mut dyn kairos_store::WriteTx,
    collection: kairos_store::CollectionId,
    actor: &str,
    user: kairos_store::User,
    access: ShareAccess,
    now: Timestamp,
) -> CoreResult<()> {
    tx.put_share(&Share {
        collection,
        sharee: user.id,
        access,
        created_at: now,
        modified_at: now,
    })
    .await?;
    tx.bump_seq(collection, now).await?;
    tx.log_share(&ShareLogEntry {
        collection,
        actor: actor.to_owned(),
        action: ShareAction::Shared,
        sharee: Some(user.name),
        access: Some(access),
        at: now,
    })
    .await?;
    Ok(())
}

/// Inside `tx`: takes `user`'s share of calendar `collection` away with their own
/// settings for it, recording `actor` in the sharing history; false (nothing recorded)
/// when they had none.
async fn revoke_in(
    tx: &mut dyn kairos_store::WriteTx,
    collection: kairos_store::CollectionId,
    actor: &str,
    user: kairos_store::User,
    now: Timestamp,
) -> CoreResult<bool> {
    if !tx.delete_share(collection, user.id).await? {
        return Ok(false);
    }
    // Their name and color for it go with the share.
    tx.delete_calendar_prefs(user.id, collection).await?;
    tx.bump_seq(collection, now).await?;
    tx.log_share(&ShareLogEntry {
        collection,
        actor: actor.to_owned(),
        action: ShareAction::Unshared,
        sharee: Some(user.name),
        access: None,
        at: now,
    })
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::mailto_address;

    #[test]
    fn only_whole_mailto_addresses_name_anyone() {
        assert_eq!(
            mailto_address("mailto:bob@example.com"),
            Some("bob@example.com")
        );
        assert_eq!(
            mailto_address("MAILTO:Bob@Example.com"),
            Some("Bob@Example.com")
        );
        assert_eq!(mailto_address("mailto:bob"), None);
        assert_eq!(mailto_address("mailto:a@x,b@x"), None);
        assert_eq!(mailto_address("mailto:a@x?subject=hi"), None);
        assert_eq!(mailto_address("mailto:bob%40example.com"), None);
        assert_eq!(mailto_address("/dav/principals/bob/"), None);
        assert_eq!(mailto_address("urn:uuid:bob@x"), None);
        assert_eq!(mailto_address("mail"), None);
    }
}
