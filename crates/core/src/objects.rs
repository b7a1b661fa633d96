//! Member resources: calendar objects in calendars, plain files elsewhere.

use std::collections::HashMap;
use std::sync::Arc;

use kairos_store::{
    Collection, CollectionId, CollectionKind, DeadProperty, FetchedObject, ObjectId, ObjectMeta,
    ObjectWrite, PropOwner, StoredObject, WriteTx,
};

use crate::cache::{Listing, bodies_for};

use crate::error::{Condition, ResourceLocation};
use crate::props::{PropChange, PropTarget, validate};
use crate::{Conditions, CoreError, CoreResult, Kairos, Reader, Writer, etag_for, now_ms};

/// Media type stored for calendar object resources.
pub const CALENDAR_MEDIA_TYPE: &str = "text/calendar; charset=utf-8";
const DEFAULT_MEDIA_TYPE: &str = "application/octet-stream";

/// Whether a PUT created or replaced the resource.
#[derive(Clone, Debug)]
pub enum PutOutcome {
    /// A new resource.
    Created(ObjectMeta),
    /// An existing resource got new content.
    Replaced(ObjectMeta),
}

impl PutOutcome {
    /// The stored metadata.
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            PutOutcome::Created(m) | PutOutcome::Replaced(m) => m,
        }
    }
}

/// The members of a collection.
#[derive(Clone, Debug)]
pub struct Members {
    /// Child collections, with the same grant as their parent.
    pub collections: Vec<crate::Granted>,
    listing: Arc<Listing>,
}

impl Members {
    /// Member resources, sorted by name.
    pub fn objects(&self) -> &[ObjectMeta] {
        &self.listing.objects
    }
}

/// Validates bytes destined for `collection` and derives what is stored with them.
/// Calendars take only calendar object resources (RFC 4791 §5.3.2.1); other collections
/// take any bytes.
pub(crate) fn prepare_write(
    config: &crate::CoreConfig,
    collection: &Collection,
    name: &str,
    data: Vec<u8>,
    content_type: Option<&str>,
) -> CoreResult<ObjectWrite> {
    if collection.kind != CollectionKind::Calendar {
        let etag = etag_for(&data);
        return Ok(ObjectWrite {
            name: name.to_owned(),
            data,
            etag,
            content_type: content_type.unwrap_or(DEFAULT_MEDIA_TYPE).to_owned(),
            uid: None,
            component: None,
            time_index: None,
            search_terms: Vec::new(),
        });
    }
    if data.len() > config.max_resource_size.saturating_mul(JCAL_GROWTH) {
        return Err(CoreError::Condition(Condition::MaxResourceSize));
    }
    let data = calendar_data(content_type, data)?;
    let etag = etag_for(&data);
    if data.len() > config.max_resource_size {
        return Err(CoreError::Condition(Condition::MaxResourceSize));
    }
    let info = kairos_ical::ingest(&data).map_err(|e| {
        tracing::debug!(error = %e, "calendar data refused");
        CoreError::Condition(match e.precondition() {
            kairos_ical::Precondition::SupportedCalendarData => Condition::SupportedCalendarData,
            kairos_ical::Precondition::ValidCalendarData => Condition::ValidCalendarData,
            kairos_ical::Precondition::ValidCalendarObjectResource => {
                Condition::ValidCalendarObjectResource
            }
        })
    })?;
    if !collection.props.components.contains(info.component) {
        return Err(CoreError::Condition(Condition::SupportedCalendarComponent));
    }
    let time_index = crate::time_index::index_of(&data, jiff::Timestamp::now(), &config.time_index);
    Ok(ObjectWrite {
        name: name.to_owned(),
        data,
        etag,
        content_type: CALENDAR_MEDIA_TYPE.to_owned(),
        uid: Some(info.uid),
        component: Some(info.component),
        time_index: Some(time_index),
        search_terms: info.search_terms,
    })
}

/// How much larger than its iCalendar a jCal body may be before it is refused unread.
const JCAL_GROWTH: usize = 4;

/// iCalendar bytes from a calendar body of media type `content_type`: iCalendar as sent
/// (the stored truth), or jCal (RFC 7265) converted to iCalendar; other types are refused
/// (RFC 4791 supported-calendar-data). No type at all is taken as iCalendar.
pub fn calendar_data(content_type: Option<&str>, body: Vec<u8>) -> CoreResult<Vec<u8>> {
    let essence = content_type
        .and_then(|ct| ct.split(';').next())
        .map(|e| e.trim().to_ascii_lowercase());
    match essence.as_deref() {
        None | Some("text/calendar") => Ok(body),
        Some("application/calendar+json") => {
            let invalid = |e: &dyn std::fmt::Display| {
                tracing::debug!(error = %e, "jCal refused");
                CoreError::Condition(Condition::ValidCalendarData)
            };
            let value: serde_json::Value =
                serde_json::from_slice(&body).map_err(|e| invalid(&e))?;
            kairos_ical::jcal::from_jcal(&value)
                .map(String::into_bytes)
                .map_err(|e| invalid(&e))
        }
        Some(_) => Err(CoreError::Condition(Condition::SupportedCalendarData)),
    }
}

/// Refuses a write whose UID another member of the calendar already holds (RFC 4791
/// §5.3.2.1 no-uid-conflict). `replacing` names members this same operation removes.
pub(crate) async fn check_uid(
    tx: &mut dyn WriteTx,
    owner: &str,
    collection: &Collection,
    write: &ObjectWrite,
    replacing: &[&str],
) -> CoreResult<()> {
    let Some(uid) = &write.uid else {
        return Ok(());
    };
    match tx.object_name_by_uid(collection.id, uid).await? {
        Some(holder) if holder != write.name && !replacing.contains(&holder.as_str()) => Err(
            CoreError::Condition(Condition::NoUidConflict(ResourceLocation {
                owner: owner.to_owned(),
                collection_path: collection.path.clone(),
                name: Some(holder),
            })),
        ),
        _ => Ok(()),
    }
}

impl Kairos {
    /// A member with its bytes.
    pub async fn get_object(&self, reader: &Reader, name: &str) -> CoreResult<StoredObject> {
        self.store
            .object(reader.collection().id, name)
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// The member resources (no bytes) of a collection, from the listing cache while the
    /// collection has not changed.
    pub(crate) async fn listing(&self, reader: &Reader) -> CoreResult<Arc<Listing>> {
        let c = reader.collection();
        if let Some(listing) = self.cache.listing(c.id, c.seq) {
            return Ok(listing);
        }
        let mut objects = self.store.list_objects(c.id).await?;
        objects.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        let listing = Arc::new(Listing {
            seq: c.seq,
            objects,
        });
        self.cache.put_listing(c.id, listing.clone());
        Ok(listing)
    }

    /// The child collections and member resources (no bytes) of a collection.
    pub async fn members(&self, reader: &Reader) -> CoreResult<Members> {
        let c = reader.collection();
        let collections = if c.kind == CollectionKind::Calendar {
            Vec::new()
        } else {
            let g = reader.granted();
            self.store
                .child_collections(c.id)
                .await?
                .into_iter()
                .filter_map(|child| g.child(child))
                .collect()
        };
        Ok(Members {
            collections,
            listing: self.listing(reader).await?,
        })
    }

    /// Attaches bodies to `metas`: cached ones from memory, the rest in one query.
    pub(crate) async fn with_bodies(
        &self,
        collection: CollectionId,
        metas: Vec<ObjectMeta>,
    ) -> CoreResult<Vec<FetchedObject>> {
        let refs: Vec<&ObjectMeta> = metas.iter().collect();
        let mut cached = bodies_for(&self.cache, collection, &refs);
        let missing: Vec<String> = metas
            .iter()
            .filter(|m| !cached.contains_key(&m.name))
            .map(|m| m.name.clone())
            .collect();
        let mut fresh: HashMap<String, FetchedObject> = HashMap::new();
        if !missing.is_empty() {
            for o in self
                .store
                .objects_by_names(collection, &missing, true)
                .await?
            {
                if let Some(data) = &o.data {
                    self.cache.put_body(collection, &o.meta.etag, data.clone());
                }
                fresh.insert(o.meta.name.clone(), o);
            }
        }
        Ok(metas
            .into_iter()
            .filter_map(|meta| match cached.remove(&meta.name) {
                Some(data) => Some(FetchedObject {
                    meta,
                    data: Some(data),
                }),
                // Changed since the listing was read: the fresh row is the truth; gone
                // since: left out.
                None => fresh.remove(&meta.name),
            })
            .collect())
    }

    /// Named members (calendar-multiget); absent names are left out. Served from the
    /// caches while the collection is unchanged, else in one query.
    pub async fn objects_by_names(
        &self,
        reader: &Reader,
        names: &[String],
        with_data: bool,
    ) -> CoreResult<Vec<FetchedObject>> {
        let c = reader.collection();
        let Some(listing) = self.cache.listing(c.id, c.seq) else {
            // No current listing: ask for just these names (never list a whole large
            // collection to answer a small question).
            let fetched = self.store.objects_by_names(c.id, names, with_data).await?;
            for o in &fetched {
                if let Some(data) = &o.data {
                    self.cache.put_body(c.id, &o.meta.etag, data.clone());
                }
            }
            return Ok(fetched);
        };
        let metas: Vec<ObjectMeta> = names
            .iter()
            .filter_map(|n| listing.get(n).cloned())
            .collect();
        if with_data {
            self.with_bodies(c.id, metas).await
        } else {
            Ok(metas
                .into_iter()
                .map(|meta| FetchedObject { meta, data: None })
                .collect())
        }
    }

    /// Every member with its bytes (calendar-data in listings, queries).
    pub async fn objects_with_data(&self, reader: &Reader) -> CoreResult<Vec<FetchedObject>> {
        let listing = self.listing(reader).await?;
        self.with_bodies(reader.collection().id, listing.objects.clone())
            .await
    }

    /// Creates or replaces member `name` with `data`, checking the conditional headers and
    /// CalDAV preconditions inside the transaction, and recording the change.
    pub async fn put_object(
        &self,
        writer: &Writer,
        name: &str,
        data: Vec<u8>,
        content_type: Option<&str>,
        conditions: &Conditions,
    ) -> CoreResult<PutOutcome> {
        let collection = writer.collection();
        if !crate::valid_segment(name) {
            return Err(CoreError::Invalid("bad resource name".into()));
        }
        let write = prepare_write(&self.config, collection, name, data, content_type)?;
        let mut tx = self.store.begin().await?;
        let seq = tx.bump_seq(collection.id, now_ms()).await?;
        let existing = tx.object(collection.id, name).await?;
        conditions.check_for_write(existing.as_ref().map(|o| o.meta.etag.as_str()))?;
        if collection.kind != CollectionKind::Calendar {
            let path = crate::resolve::child_path(&collection.path, name);
            if tx
                .collection_by_path(collection.owner_id, &path)
                .await?
                .is_some()
            {
                return Err(CoreError::NotAllowed("a collection has that name"));
            }
        }
        check_uid(
            tx.as_mut(),
            writer.granted().owner_name(),
            collection,
            &write,
            &[],
        )
        .await?;
        let meta = tx.put_object(collection.id, &write, now_ms()).await?;
        tx.record_change(collection.id, name, seq, false, now_ms())
            .await?;
        tx.commit().await?;
        Ok(match existing {
            Some(_) => PutOutcome::Replaced(meta),
            None => PutOutcome::Created(meta),
        })
    }

    /// Deletes member `name`, checking If-Match, and records the deletion.
    pub async fn delete_object(
        &self,
        writer: &Writer,
        name: &str,
        conditions: &Conditions,
    ) -> CoreResult<()> {
        let collection = writer.collection();
        let mut tx = self.store.begin().await?;
        let seq = tx.bump_seq(collection.id, now_ms()).await?;
        let existing = tx
            .object(collection.id, name)
            .await?
            .ok_or(CoreError::NotFound)?;
        conditions.check_for_write(Some(&existing.meta.etag))?;
        tx.delete_object(collection.id, name).await?;
        tx.record_change(collection.id, name, seq, true, now_ms())
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Dead properties of a member.
    pub async fn object_dead_properties(
        &self,
        reader: &Reader,
        object: &ObjectMeta,
    ) -> CoreResult<Vec<DeadProperty>> {
        if object.collection_id != reader.collection().id {
            return Err(CoreError::NotFound);
        }
        Ok(self
            .store
            .dead_properties(PropOwner::Object(object.id))
            .await?)
    }

    /// Dead properties of every member of a collection, in one query.
    pub async fn member_dead_properties(
        &self,
        reader: &Reader,
    ) -> CoreResult<Vec<(ObjectId, DeadProperty)>> {
        Ok(self
            .store
            .member_dead_properties(reader.collection().id)
            .await?)
    }

    /// PROPPATCH on a member: dead properties only, all or nothing.
    pub async fn patch_object_properties(
        &self,
        writer: &Writer,
        name: &str,
        changes: &[PropChange],
    ) -> CoreResult<()> {
        let failures = validate(changes, PropTarget::Object);
        if !failures.is_empty() {
            return Err(CoreError::Properties(failures));
        }
        let mut tx = self.store.begin().await?;
        let object = tx
            .object(writer.collection().id, name)
            .await?
            .ok_or(CoreError::NotFound)?;
        let owner = PropOwner::Object(object.meta.id);
        crate::collections::store_dead(tx.as_mut(), owner, changes).await?;
        tx.commit().await?;
        Ok(())
    }
}
