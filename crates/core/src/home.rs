//! A user's home collection and default calendar, created on first use.

use std::collections::HashSet;
use std::sync::Mutex;

use kairos_store::{
    Collection, CollectionId, CollectionKind, CollectionProps, ComponentSet, StoreError, UserId,
    new_id,
};

use crate::{CoreResult, Kairos, Principal, now_ms};

/// Users whose home is known to exist, so the check runs once per process and user.
#[derive(Default)]
pub(crate) struct ReadyHomes(Mutex<HashSet<UserId>>);

impl ReadyHomes {
    fn contains(&self, id: UserId) -> bool {
        self.0.lock().map(|s| s.contains(&id)).unwrap_or(false)
    }

    fn insert(&self, id: UserId) {
        if let Ok(mut s) = self.0.lock() {
            s.insert(id);
        }
    }

    pub(crate) fn remove(&self, id: UserId) {
        if let Ok(mut s) = self.0.lock() {
            s.remove(&id);
        }
    }
}

/// A collection row with fresh id and timestamps.
pub(crate) fn new_collection(
    owner: UserId,
    parent: Option<CollectionId>,
    path: String,
    kind: CollectionKind,
    props: CollectionProps,
) -> Collection {
    let now = now_ms();
    Collection {
        id: CollectionId(new_id()),
        owner_id: owner,
        parent_id: parent,
        path,
        kind,
        seq: 0,
        min_sync_seq: 0,
        created_at: now,
        modified_at: now,
        props,
    }
}

impl Kairos {
    /// Makes sure the principal's home exists. A home is created together with a default
    /// calendar; once the home exists the calendar is never re-created (the user may have
    /// deleted it on purpose).
    pub async fn ensure_home(&self, principal: &Principal) -> CoreResult<()> {
        if self.homes.contains(principal.id()) {
            return Ok(());
        }
        if self
            .store
            .collection_by_path(principal.id(), "")
            .await?
            .is_none()
        {
            let home = new_collection(
                principal.id(),
                None,
                String::new(),
                CollectionKind::Home,
                CollectionProps::default(),
            );
            let calendar = new_collection(
                principal.id(),
                Some(home.id),
                self.config.default_calendar.clone(),
                CollectionKind::Calendar,
                CollectionProps {
                    displayname: Some(self.config.default_calendar_name.clone()),
                    components: ComponentSet::DEFAULT,
                    ..CollectionProps::default()
                },
            );
            let mut tx = self.store.begin().await?;
            match tx.insert_collection(&home).await {
                Ok(()) => {
                    tx.insert_collection(&calendar).await?;
                    tx.commit().await?;
                }
                // Another request created it first: fine.
                Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.homes.insert(principal.id());
        Ok(())
    }
}
