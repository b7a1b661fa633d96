//! Collections: create (MKCOL, extended MKCOL, MKCALENDAR), delete, properties.

use kairos_store::{
    CollectionKind, CollectionProps, ComponentSet, DeadProperty, PropOwner, StoreError, WriteTx,
};

use crate::error::Condition;
use crate::home::new_collection;
use crate::props::{PropChange, PropTarget, apply_live, touches_live, validate};
use crate::{CoreError, CoreResult, Granted, Kairos, Reader, Writer, now_ms, valid_segment};

/// What kind of collection to create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewCollection {
    /// A plain WebDAV collection.
    Plain,
    /// A calendar collection.
    Calendar,
}

/// Stores the dead-property part of validated changes.
pub(crate) async fn store_dead(
    tx: &mut dyn WriteTx,
    owner: PropOwner,
    changes: &[PropChange],
) -> CoreResult<()> {
    for change in changes {
        match change {
            PropChange::SetDead(p) => tx.set_dead_property(owner, p).await?,
            PropChange::RemoveDead { namespace, name } => {
                tx.remove_dead_property(owner, namespace, name).await?
            }
            _ => {}
        }
    }
    Ok(())
}

/// Changing a collection's properties or deleting it is for those who manage it (the
/// owner), not for those a calendar is shared with read-write.
fn require_manage(target: &Writer) -> CoreResult<()> {
    if target.granted().privileges().write_properties {
        Ok(())
    } else {
        Err(CoreError::Forbidden(
            "only the owner may change or delete the calendar",
        ))
    }
}

impl Kairos {
    /// Creates collection `name` inside `parent` with initial properties, all or nothing.
    pub async fn create_collection(
        &self,
        parent: &Writer,
        name: &str,
        kind: NewCollection,
        changes: &[PropChange],
    ) -> CoreResult<Granted> {
        let p = parent.collection();
        if !valid_segment(name) {
            return Err(CoreError::Invalid("bad collection name".into()));
        }
        if p.kind == CollectionKind::Calendar {
            // RFC 4791 §4.2: no calendar inside a calendar; plain collections there are
            // allowed by the RFC but serve no client, so Kairos keeps calendars flat.
            return Err(match kind {
                NewCollection::Calendar => {
                    CoreError::Condition(Condition::CalendarCollectionLocationOk)
                }
                NewCollection::Plain => CoreError::NotAllowed("calendars hold no collections"),
            });
        }
        let store_kind = match kind {
            NewCollection::Plain => CollectionKind::Plain,
            NewCollection::Calendar => CollectionKind::Calendar,
        };
        let target = PropTarget::Collection {
            kind: store_kind,
            creating: true,
        };
        let failures = validate(changes, target);
        if !failures.is_empty() {
            return Err(CoreError::Properties(failures));
        }
        let mut props = CollectionProps {
            components: match kind {
                NewCollection::Calendar => ComponentSet::DEFAULT,
                NewCollection::Plain => ComponentSet::EMPTY,
            },
            ..CollectionProps::default()
        };
        apply_live(&mut props, changes);
        let path = crate::resolve::child_path(&p.path, name);
        let collection = new_collection(p.owner_id, Some(p.id), path, store_kind, props);

        let mut tx = self.store.begin().await?;
        tx.bump_seq(p.id, now_ms()).await?;
        if tx.object(p.id, name).await?.is_some() {
            return Err(CoreError::AlreadyExists);
        }
        match tx.insert_collection(&collection).await {
            Err(StoreError::Conflict(_)) => return Err(CoreError::AlreadyExists),
            other => other?,
        }
        store_dead(tx.as_mut(), PropOwner::Collection(collection.id), changes).await?;
        tx.commit().await?;
        Ok(Granted::new(
            collection,
            parent.granted().owner_name().to_owned(),
            parent.granted().privileges(),
        ))
    }

    /// Deletes a collection with everything in it. A home cannot be deleted.
    pub async fn delete_collection(&self, target: &Writer) -> CoreResult<()> {
        require_manage(target)?;
        let c = target.collection();
        let Some(parent) = c.parent_id else {
            return Err(CoreError::Forbidden("a home cannot be deleted"));
        };
        let mut tx = self.store.begin().await?;
        tx.bump_seq(parent, now_ms()).await?;
        tx.delete_collection_tree(c.id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// PROPPATCH on a collection: validated all-or-nothing, then stored in one transaction.
    pub async fn patch_collection_properties(
        &self,
        target: &Writer,
        changes: &[PropChange],
    ) -> CoreResult<()> {
        let mut tx = self.store.begin().await?;
        patch_collection_in(tx.as_mut(), target, changes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Dead properties of a collection.
    pub async fn collection_dead_properties(
        &self,
        reader: &Reader,
    ) -> CoreResult<Vec<DeadProperty>> {
        Ok(self
            .store
            .dead_properties(PropOwner::Collection(reader.collection().id))
            .await?)
    }
}

/// Validates and applies property changes to a collection inside `tx` (all or nothing:
/// nothing is written when any change is refused).
pub(crate) async fn patch_collection_in(
    tx: &mut dyn WriteTx,
    target: &Writer,
    changes: &[PropChange],
) -> CoreResult<()> {
    require_manage(target)?;
    let c = target.collection();
    let failures = validate(
        changes,
        PropTarget::Collection {
            kind: c.kind,
            creating: false,
        },
    );
    if !failures.is_empty() {
        return Err(CoreError::Properties(failures));
    }
    // Property changes move the collection's ctag too, so clients notice them.
    tx.bump_seq(c.id, now_ms()).await?;
    if touches_live(changes) {
        let current = tx
            .collection_by_path(c.owner_id, &c.path)
            .await?
            .ok_or(CoreError::NotFound)?;
        let mut props = current.props;
        apply_live(&mut props, changes);
        tx.update_collection_props(c.id, &props).await?;
    }
    store_dead(tx, PropOwner::Collection(c.id), changes).await?;
    Ok(())
}
