//! COPY and MOVE (RFC 4918 §9.8, §9.9) of members and collections within what the
//! principal may write, with the CalDAV preconditions of the destination (RFC 4791
//! §5.3.2.1) checked like a PUT.

use std::collections::HashMap;

use kairos_store::{
    Collection, CollectionId, CollectionKind, ObjectMeta, PropOwner, StoredObject, WriteTx,
};

use crate::error::Condition;
use crate::home::new_collection;
use crate::objects::{check_uid, prepare_write};
use crate::resolve::child_path;
use crate::{
    Conditions, CoreError, CoreResult, Granted, Kairos, Principal, Resource, Writer, now_ms,
};

/// Where to copy or move to.
#[derive(Clone, Debug)]
pub struct TransferTarget<'a> {
    /// Owner of the destination tree.
    pub owner: &'a str,
    /// Home-relative destination path.
    pub segments: &'a [String],
    /// Overwrite header: replace an existing destination (default true).
    pub overwrite: bool,
    /// Depth: infinity (true) or 0 (collections only: copy without members).
    pub deep: bool,
    /// The request's If-Match / If-None-Match, which apply to the source (the request
    /// URI); a collection has no entity tag, so If-Match never holds for one.
    pub conditions: Conditions,
}

/// Whether the destination was created or replaced (201 or 204).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferOutcome {
    /// The destination did not exist.
    Created,
    /// An existing destination was replaced.
    Replaced,
}

/// Records one member change with a sequence of its own, so sync pages can be cut between
/// any two changes.
async fn log_change(
    tx: &mut dyn WriteTx,
    collection: CollectionId,
    name: &str,
    deleted: bool,
) -> CoreResult<()> {
    let seq = tx.bump_seq(collection, now_ms()).await?;
    tx.record_change(collection, name, seq, deleted, now_ms())
        .await?;
    Ok(())
}

/// Whether the home-relative `path` is `ancestor` or lies below it.
fn within(path: &str, ancestor: &str) -> bool {
    ancestor.is_empty()
        || path == ancestor
        || path
            .strip_prefix(ancestor)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Copies dead properties from one resource to another.
async fn copy_dead(tx: &mut dyn WriteTx, from: PropOwner, to: PropOwner) -> CoreResult<()> {
    for p in tx.dead_properties(from).await? {
        tx.set_dead_property(to, &p).await?;
    }
    Ok(())
}

impl Kairos {
    /// COPY (`is_move == false`) or MOVE of `source` to `target`.
    pub async fn transfer(
        &self,
        principal: &Principal,
        source: &Resource,
        target: &TransferTarget<'_>,
        is_move: bool,
    ) -> CoreResult<TransferOutcome> {
        let Some((dest_name, dest_parents)) = target.segments.split_last() else {
            return Err(CoreError::Forbidden("cannot replace a home"));
        };
        let dest_parent = match self
            .resolve(principal, target.owner, dest_parents, true)
            .await?
        {
            Resource::Collection(g) => g,
            _ => return Err(CoreError::ParentMissing),
        };
        let dest = dest_parent.writer()?;
        match source {
            Resource::Object { parent, meta } => {
                if is_move {
                    parent.writer()?;
                }
                self.transfer_object(parent, meta, &dest, dest_name, target, is_move)
                    .await
            }
            Resource::Collection(c) => {
                if is_move {
                    c.writer()?;
                }
                self.transfer_collection(c, &dest, dest_name, target, is_move)
                    .await
            }
            Resource::Missing { .. } => Err(CoreError::NotFound),
        }
    }

    async fn transfer_object(
        &self,
        src_parent: &Granted,
        meta: &ObjectMeta,
        dest_parent: &Writer,
        dest_name: &str,
        target: &TransferTarget<'_>,
        is_move: bool,
    ) -> CoreResult<TransferOutcome> {
        let src = src_parent.collection();
        let dest = dest_parent.collection();
        if src.id == dest.id && meta.name == dest_name {
            return Err(CoreError::Overlap);
        }
        // Replacing a collection that holds the source would delete the source with it.
        if src.owner_id == dest.owner_id && within(&src.path, &child_path(&dest.path, dest_name)) {
            return Err(CoreError::Overlap);
        }
        let mut tx = self.store.begin().await?;
        // Lock both collections in a fixed order so opposite moves cannot deadlock.
        tx.bump_seq(src.id.min(dest.id), now_ms()).await?;
        if src.id != dest.id {
            tx.bump_seq(src.id.max(dest.id), now_ms()).await?;
        }
        let object = tx
            .object(src.id, &meta.name)
            .await?
            .ok_or(CoreError::NotFound)?;
        target.conditions.check_for_write(Some(&object.meta.etag))?;
        let replaced = self
            .clear_destination(tx.as_mut(), dest, dest_name, target.overwrite)
            .await?;
        let write = prepare_write(
            &self.config,
            dest,
            dest_name,
            object.data.clone(),
            Some(object.meta.content_type.as_str()).filter(|_| dest.kind == src.kind),
        )?;
        let also_leaving: &[&str] = if is_move && src.id == dest.id {
            &[meta.name.as_str()]
        } else {
            &[]
        };
        check_uid(
            tx.as_mut(),
            dest_parent.granted().owner_name(),
            dest,
            &write,
            also_leaving,
        )
        .await?;

        if is_move && src.kind == dest.kind {
            tx.move_object(src.id, &meta.name, dest.id, dest_name, now_ms())
                .await?;
        } else {
            let new = tx.put_object(dest.id, &write, now_ms()).await?;
            copy_dead(
                tx.as_mut(),
                PropOwner::Object(object.meta.id),
                PropOwner::Object(new.id),
            )
            .await?;
            if is_move {
                tx.delete_object(src.id, &meta.name).await?;
            }
        }
        if is_move {
            log_change(tx.as_mut(), src.id, &meta.name, true).await?;
        }
        log_change(tx.as_mut(), dest.id, dest_name, false).await?;
        tx.commit().await?;
        Ok(if replaced {
            TransferOutcome::Replaced
        } else {
            TransferOutcome::Created
        })
    }

    /// Removes whatever is at `dest/name` when overwriting is allowed; tells whether
    /// something was there.
    async fn clear_destination(
        &self,
        tx: &mut dyn WriteTx,
        dest: &Collection,
        name: &str,
        overwrite: bool,
    ) -> CoreResult<bool> {
        let existing_object = tx.object(dest.id, name).await?.is_some();
        let path = child_path(&dest.path, name);
        let existing_collection = if dest.kind == CollectionKind::Calendar {
            None
        } else {
            tx.collection_by_path(dest.owner_id, &path).await?
        };
        if !existing_object && existing_collection.is_none() {
            return Ok(false);
        }
        if !overwrite {
            return Err(CoreError::PreconditionFailed);
        }
        if existing_object {
            tx.delete_object(dest.id, name).await?;
            log_change(tx, dest.id, name, true).await?;
        }
        if let Some(c) = existing_collection {
            tx.delete_collection_tree(c.id).await?;
        }
        Ok(true)
    }

    async fn transfer_collection(
        &self,
        source: &Granted,
        dest_parent: &Writer,
        dest_name: &str,
        target: &TransferTarget<'_>,
        is_move: bool,
    ) -> CoreResult<TransferOutcome> {
        let src = source.collection();
        let dest = dest_parent.collection();
        if src.kind == CollectionKind::Home {
            return Err(CoreError::Forbidden("a home cannot be copied or moved"));
        }
        let new_path = child_path(&dest.path, dest_name);
        // The destination inside the source, or the source inside the destination (which
        // overwriting would delete first).
        if src.owner_id == dest.owner_id
            && (within(&new_path, &src.path) || within(&src.path, &new_path))
        {
            return Err(CoreError::Overlap);
        }
        if dest.kind == CollectionKind::Calendar {
            return Err(match src.kind {
                CollectionKind::Calendar => {
                    CoreError::Condition(Condition::CalendarCollectionLocationOk)
                }
                _ => CoreError::NotAllowed("calendars hold no collections"),
            });
        }
        target.conditions.check_for_write(None)?;
        let mut tx = self.store.begin().await?;
        tx.bump_seq(dest.id, now_ms()).await?;
        let replaced = self
            .clear_destination(tx.as_mut(), dest, dest_name, target.overwrite)
            .await?;
        if is_move {
            if let Some(old_parent) = src.parent_id {
                tx.bump_seq(old_parent, now_ms()).await?;
            }
            tx.move_collection(src.id, dest.id, &new_path).await?;
        } else {
            self.copy_tree(tx.as_mut(), src, dest, &new_path, target.deep)
                .await?;
        }
        tx.commit().await?;
        Ok(if replaced {
            TransferOutcome::Replaced
        } else {
            TransferOutcome::Created
        })
    }

    /// Copies the collection `src` (and, when `deep`, everything below it) to `new_path`
    /// under `dest`.
    async fn copy_tree(
        &self,
        tx: &mut dyn WriteTx,
        src: &Collection,
        dest: &Collection,
        new_path: &str,
        deep: bool,
    ) -> CoreResult<()> {
        let tree = if deep {
            tx.collection_tree(src.owner_id, &src.path).await?
        } else {
            vec![src.clone()]
        };
        let mut new_ids: HashMap<CollectionId, CollectionId> = HashMap::new();
        for old in &tree {
            let suffix = &old.path[src.path.len()..];
            let parent = match old.parent_id.and_then(|p| new_ids.get(&p)) {
                Some(p) if old.id != src.id => *p,
                _ => dest.id,
            };
            let copy = new_collection(
                dest.owner_id,
                Some(parent),
                format!("{new_path}{suffix}"),
                old.kind,
                old.props.clone(),
            );
            tx.insert_collection(&copy).await?;
            copy_dead(
                tx,
                PropOwner::Collection(old.id),
                PropOwner::Collection(copy.id),
            )
            .await?;
            new_ids.insert(old.id, copy.id);
            if !deep {
                continue;
            }
            let objects: Vec<StoredObject> = tx.list_objects_with_data(old.id).await?;
            for o in objects {
                let time_index = o.meta.component.map(|_| {
                    crate::time_index::index_of(
                        &o.data,
                        jiff::Timestamp::now(),
                        &self.config.time_index,
                    )
                });
                let search_terms = match o.meta.component {
                    Some(_) => kairos_ical::ingest(&o.data)
                        .map(|i| i.search_terms)
                        .unwrap_or_default(),
                    None => Vec::new(),
                };
                let write = kairos_store::ObjectWrite {
                    search_terms,
                    name: o.meta.name.clone(),
                    data: o.data,
                    etag: o.meta.etag.clone(),
                    content_type: o.meta.content_type.clone(),
                    uid: o.meta.uid.clone(),
                    component: o.meta.component,
                    time_index,
                };
                let new = tx.put_object(copy.id, &write, now_ms()).await?;
                copy_dead(tx, PropOwner::Object(o.meta.id), PropOwner::Object(new.id)).await?;
                log_change(tx, copy.id, &o.meta.name, false).await?;
            }
        }
        Ok(())
    }
}
