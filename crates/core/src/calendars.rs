//! Calendars by id, for front-ends that do not address them by path (REST, web, MCP).

use kairos_store::{CollectionId, CollectionKind};

use crate::access::{Principal, TreeAccess, grant_in_tree};
use crate::{CoreError, CoreResult, Granted, Kairos, Privileges};

impl Kairos {
    /// The calendars the principal can see: their own in path order, then those shared
    /// with them (by owner, then path).
    pub async fn calendars(&self, principal: &Principal) -> CoreResult<Vec<Granted>> {
        self.ensure_home(principal).await?;
        let mut out: Vec<Granted> = self
            .store
            .collection_tree(principal.id(), "")
            .await?
            .into_iter()
            .filter(|c| c.kind == CollectionKind::Calendar)
            .filter_map(|c| grant_in_tree(principal, principal.name(), c, &TreeAccess::Own))
            .collect();
        out.sort_by(|a, b| a.collection().path.cmp(&b.collection().path));
        for incoming in self.store.shared_with(principal.id()).await? {
            let Some(p) = Privileges::of_share(incoming.access) else {
                continue;
            };
            let access = TreeAccess::Shared(vec![(incoming.collection.id, p)]);
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
        let (owner, access) = if c.owner_id == principal.id() {
            (principal.name().to_owned(), TreeAccess::Own)
        } else {
            let access = self.shared_access(principal, c.owner_id).await?;
            let owner = self
                .store
                .user_by_id(c.owner_id)
                .await?
                .ok_or(CoreError::NotFound)?
                .name;
            (owner, access)
        };
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
