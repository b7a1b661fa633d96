//! Finding what a path names, with the access check on the way.
//!
//! Paths are home-relative segment lists under an owner's name. Another user's tree is
//! answered with [`CoreError::NotFound`] whether or not it exists, so nobody can learn the
//! names of collections they were not granted.

use std::sync::Arc;

use kairos_store::{Collection, CollectionKind, ObjectMeta, StoredObject, UserId};

use crate::access::{Granted, Principal, TreeAccess, grant_in_tree};
use crate::{CoreError, CoreResult, Kairos};

/// What a path names.
#[derive(Clone, Debug)]
pub enum Resource {
    /// A collection (home, plain collection or calendar).
    Collection(Granted),
    /// A member resource and the collection holding it.
    Object {
        /// The containing collection.
        parent: Granted,
        /// The member.
        meta: ObjectMeta,
    },
    /// Nothing; `parent` is the would-be parent collection when that exists.
    Missing {
        /// The existing parent collection, if any.
        parent: Option<Granted>,
    },
}

/// Longest segment and path accepted, as a guard against abuse.
const MAX_SEGMENT: usize = 255;
const MAX_DEPTH: usize = 16;

/// Whether a decoded path segment can name a resource: non-empty, at most 255 bytes, no
/// `/`, not `.` or `..`, no control characters.
pub fn valid_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SEGMENT
        && s != "."
        && s != ".."
        && !s.chars().any(|c| c == '/' || c.is_control())
}

/// The home-relative path of member `name` of the collection at `parent`.
pub(crate) fn child_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}/{name}")
    }
}

/// Joins segments into a home-relative path.
pub(crate) fn join(segments: &[String]) -> String {
    segments.join("/")
}

impl Kairos {
    /// The owner's id and what the principal may reach in their tree, or NotFound (for
    /// a missing user and for one who shared nothing with the principal alike).
    pub(crate) async fn owner_access(
        &self,
        principal: &Principal,
        owner: &str,
    ) -> CoreResult<(UserId, TreeAccess)> {
        if owner == principal.name() {
            return Ok((principal.id(), TreeAccess::Own));
        }
        let owner_id = self
            .store
            .user_by_name(owner)
            .await?
            .ok_or(CoreError::NotFound)?
            .id;
        let access = self.shared_access(principal, owner_id).await?;
        Ok((owner_id, access))
    }

    /// What `owner` shared with the principal, or NotFound when nothing readable.
    pub(crate) async fn shared_access(
        &self,
        principal: &Principal,
        owner_id: UserId,
    ) -> CoreResult<TreeAccess> {
        let shared: Vec<_> = self
            .store
            .shares_between(owner_id, principal.id())
            .await?
            .into_iter()
            .filter_map(|(id, access)| crate::Privileges::of_share(access).map(|p| (id, p)))
            .collect();
        if shared.is_empty() {
            return Err(CoreError::NotFound);
        }
        let prefs = self.store.calendar_prefs(principal.id()).await?;
        Ok(TreeAccess::Shared(shared, Arc::from(prefs)))
    }

    /// The principal's grant of `collection`, or NotFound when they may not see it or
    /// their credential does not reach it (indistinguishable from a missing collection,
    /// on purpose).
    fn grant(
        &self,
        principal: &Principal,
        owner: &str,
        collection: Collection,
        access: &TreeAccess,
    ) -> CoreResult<Granted> {
        grant_in_tree(principal, owner, collection, access).ok_or(CoreError::NotFound)
    }

    /// Finds the home-relative `segments` in `owner`'s tree. `trailing_slash` says the URL
    /// ended in `/`, which names a collection and saves a lookup.
    pub async fn resolve(
        &self,
        principal: &Principal,
        owner: &str,
        segments: &[String],
        trailing_slash: bool,
    ) -> CoreResult<Resource> {
        let (owner_id, privileges) = self.owner_access(principal, owner).await?;
        if !segments.iter().all(|s| valid_segment(s)) || segments.len() > MAX_DEPTH {
            return Err(CoreError::NotFound);
        }
        let Some((last, parents)) = segments.split_last() else {
            self.ensure_home(principal).await?;
            let home = self
                .store
                .collection_by_path(owner_id, "")
                .await?
                .ok_or(CoreError::NotFound)?;
            return Ok(Resource::Collection(self.grant(
                principal,
                owner,
                home,
                &privileges,
            )?));
        };
        let parent_path = join(parents);
        let Some(parent) = self
            .store
            .collection_by_path(owner_id, &parent_path)
            .await?
        else {
            return Ok(Resource::Missing { parent: None });
        };
        let full_path = child_path(&parent_path, last);
        if !trailing_slash && let Some(meta) = self.store.object_meta(parent.id, last).await? {
            return Ok(Resource::Object {
                parent: self.grant(principal, owner, parent, &privileges)?,
                meta,
            });
        }
        // Calendars hold no collections: no need to look.
        if parent.kind != CollectionKind::Calendar
            && let Some(c) = self.store.collection_by_path(owner_id, &full_path).await?
        {
            return Ok(Resource::Collection(self.grant(
                principal,
                owner,
                c,
                &privileges,
            )?));
        }
        Ok(Resource::Missing {
            parent: Some(self.grant(principal, owner, parent, &privileges)?),
        })
    }

    /// The GET fast path: a member with its bytes in one indexed query, or `None` when
    /// the path does not name a member (it may still name a collection).
    pub async fn fetch_object(
        &self,
        principal: &Principal,
        owner: &str,
        segments: &[String],
    ) -> CoreResult<Option<(Granted, StoredObject)>> {
        let (owner_id, privileges) = self.owner_access(principal, owner).await?;
        let Some((last, parents)) = segments.split_last() else {
            return Ok(None);
        };
        if !segments.iter().all(|s| valid_segment(s)) {
            return Err(CoreError::NotFound);
        }
        let Some((parent, object)) = self
            .store
            .object_by_path(owner_id, &join(parents), last)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((
            self.grant(principal, owner, parent, &privileges)?,
            object,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments() {
        assert!(valid_segment("default"));
        assert!(valid_segment("a b%_ü.ics"));
        for bad in ["", ".", "..", "a/b", "a\u{0}b", &"x".repeat(256)] {
            assert!(!valid_segment(bad), "{bad:?}");
        }
    }
}
