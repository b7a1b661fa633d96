//! Whole calendars in and out as one `.ics` file, and secret public links to them.

use kairos_store::{CollectionId, ShareAction, ShareLogEntry, Timestamp};

use crate::access::Principal;
use crate::auth::{new_secret, secret_hash};
use crate::events::{BatchChange, member_name_for};
use crate::{Conditions, CoreError, CoreResult, Kairos, Reader, Writer, now_ms};

/// Most resources one import may create or replace.
pub const MAX_IMPORT: usize = 20_000;

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    /// New events and tasks.
    pub created: usize,
    /// Existing ones (same UID) replaced.
    pub replaced: usize,
}

impl Kairos {
    /// The whole calendar as one iCalendar file (each time zone once).
    pub async fn export_calendar(&self, reader: &Reader) -> CoreResult<String> {
        let objects = self.objects_with_data(reader).await?;
        let c = reader.collection();
        let name = c.props.displayname.as_deref().unwrap_or(c.name());
        Ok(kairos_ical::merge_calendars(
            objects.iter().filter_map(|o| o.data.as_deref()),
            Some(name),
        ))
    }

    /// Reads a whole iCalendar file into the calendar: one resource per UID; a UID the
    /// calendar already holds is replaced. All of it, or nothing.
    pub async fn import_calendar(
        &self,
        writer: &Writer,
        bytes: &[u8],
    ) -> CoreResult<ImportOutcome> {
        let parts = kairos_ical::split_calendar(bytes)
            .map_err(|e| CoreError::Invalid(format!("not an importable calendar file: {e}")))?;
        if parts.len() > MAX_IMPORT {
            return Err(CoreError::Invalid(format!(
                "{} events in one file; at most {MAX_IMPORT}",
                parts.len()
            )));
        }
        let reader = writer.reader();
        let listing = self.listing(&reader).await?;
        let mut outcome = ImportOutcome::default();
        let mut changes = Vec::with_capacity(parts.len());
        for part in parts {
            let existing = listing
                .objects
                .iter()
                .find(|m| m.uid.as_deref() == Some(part.uid.as_str()));
            let name = match existing {
                Some(m) => {
                    outcome.replaced += 1;
                    m.name.clone()
                }
                None => {
                    outcome.created += 1;
                    member_name_for(&part.uid)
                }
            };
            changes.push(BatchChange::Put {
                name,
                data: part.text.into_bytes(),
                conditions: Conditions::none(),
            });
        }
        self.write_batch(writer, changes).await?;
        Ok(outcome)
    }

    /// Gives a calendar a new secret public (read-only) link and returns its secret;
    /// an earlier link stops working. Only the owner may publish.
    pub async fn create_public_link(
        &self,
        principal: &Principal,
        writer: &Writer,
    ) -> CoreResult<String> {
        let c = writer.collection();
        require_owner(principal, c.owner_id)?;
        let secret = new_secret();
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        tx.set_public_link(c.id, &secret_hash(&secret), now).await?;
        tx.log_share(&ShareLogEntry {
            collection: c.id,
            actor: principal.name().to_owned(),
            action: ShareAction::LinkCreated,
            sharee: None,
            access: None,
            at: now,
        })
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Revokes the calendar's public link; NotFound when it has none.
    pub async fn revoke_public_link(
        &self,
        principal: &Principal,
        writer: &Writer,
    ) -> CoreResult<()> {
        let c = writer.collection();
        require_owner(principal, c.owner_id)?;
        let mut tx = self.store.begin().await?;
        if !tx.delete_public_link(c.id).await? {
            return Err(CoreError::NotFound);
        }
        tx.log_share(&ShareLogEntry {
            collection: c.id,
            actor: principal.name().to_owned(),
            action: ShareAction::LinkRevoked,
            sharee: None,
            access: None,
            at: now_ms(),
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// When the calendar's public link was made, if it has one.
    pub async fn public_link_created(&self, reader: &Reader) -> CoreResult<Option<Timestamp>> {
        Ok(self.store.public_link_of(reader.collection().id).await?)
    }

    /// The file a public link serves, or NotFound for an unknown or revoked secret.
    pub async fn public_calendar(&self, secret: &str) -> CoreResult<String> {
        let id: CollectionId = self
            .store
            .public_link(&secret_hash(secret))
            .await?
            .ok_or(CoreError::NotFound)?;
        let c = self
            .store
            .collection_by_id(id)
            .await?
            .ok_or(CoreError::NotFound)?;
        // The link itself is the grant: read-only, this calendar only.
        let granted = crate::Granted::new(c, String::new(), crate::Privileges::READ);
        self.export_calendar(&granted.reader()).await
    }

    /// The sharing history of a calendar (owner only).
    pub async fn share_history(
        &self,
        principal: &Principal,
        reader: &Reader,
    ) -> CoreResult<Vec<ShareLogEntry>> {
        require_owner(principal, reader.collection().owner_id)?;
        Ok(self.store.share_log(reader.collection().id).await?)
    }
}

fn require_owner(principal: &Principal, owner: kairos_store::UserId) -> CoreResult<()> {
    if principal.id() == owner {
        Ok(())
    } else {
        Err(CoreError::Forbidden(
            "only the calendar's owner may do this",
        ))
    }
}
