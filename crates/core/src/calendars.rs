//! Calendars by id, for front-ends that do not address them by path (REST, web, MCP).

use kairos_store::{CollectionId, CollectionKind};

use crate::access::{Principal, grant_within_limits, privileges_for};
use crate::{CoreError, CoreResult, Granted, Kairos};

impl Kairos {
    /// The calendars the principal can see, in path order.
    pub async fn calendars(&self, principal: &Principal) -> CoreResult<Vec<Granted>> {
        self.ensure_home(principal).await?;
        let Some(privileges) = privileges_for(principal, principal.id()) else {
            return Ok(Vec::new());
        };
        let mut out: Vec<Granted> = self
            .store
            .collection_tree(principal.id(), "")
            .await?
            .into_iter()
            .filter(|c| c.kind == CollectionKind::Calendar)
            .filter_map(|c| grant_within_limits(principal, principal.name(), c, privileges))
            .collect();
        out.sort_by(|a, b| a.collection().path.cmp(&b.collection().path));
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
        let privileges = privileges_for(principal, c.owner_id).ok_or(CoreError::NotFound)?;
        let owner = if c.owner_id == principal.id() {
            principal.name().to_owned()
        } else {
            self.store
                .user_by_id(c.owner_id)
                .await?
                .ok_or(CoreError::NotFound)?
                .name
        };
        grant_within_limits(principal, &owner, c, privileges).ok_or(CoreError::NotFound)
    }

    /// The principal's own home (where new calendars go).
    pub async fn home(&self, principal: &Principal) -> CoreResult<Granted> {
        match self.resolve(principal, principal.name(), &[], true).await? {
            crate::Resource::Collection(home) => Ok(home),
            _ => Err(CoreError::NotFound),
        }
    }
}
