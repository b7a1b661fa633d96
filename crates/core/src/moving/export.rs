//! Writing a deployment to an export file, one collection at a time.

use std::collections::HashMap;

use kairos_store::{Collection, DeadProperty, ObjectId, PropOwner, User};
use serde::Serialize;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::format::{
    CollectionRecord, Header, ObjectRecord, PropertyRecord, Record, UserRecord, component_names,
    encode_body, line_of,
};
use super::{MoveCounts, MoveProgress};
use crate::users::Admin;
use crate::{CoreError, CoreResult, Kairos};

/// Objects fetched with their bytes per query: memory holds one batch, however large the
/// collection.
const BATCH: usize = 64;

fn write_err(e: std::io::Error) -> CoreError {
    CoreError::ExportFile(format!("writing: {e}"))
}

/// The output and what went into it so far.
struct Out<'a, W> {
    out: &'a mut W,
    counts: MoveCounts,
}

impl<W: AsyncWrite + Unpin + Send> Out<'_, W> {
    async fn line<T: Serialize + Sync>(&mut self, record: &T) -> CoreResult<()> {
        let line = line_of(record)
            .map_err(|e| CoreError::Internal(format!("encoding an export record: {e}")))?;
        self.out.write_all(&line).await.map_err(write_err)
    }

    async fn property(
        &mut self,
        owner: &User,
        collection: &Collection,
        object: Option<&str>,
        prop: DeadProperty,
    ) -> CoreResult<()> {
        self.counts.properties += 1;
        self.line(&Record::Property(PropertyRecord {
            owner: owner.name.clone(),
            collection: collection.path.clone(),
            object: object.map(str::to_owned),
            namespace: prop.namespace,
            name: prop.name,
            xml: prop.xml,
        }))
        .await
    }
}

impl Kairos {
    /// Writes every user, collection, dead property and object to `out` in the export
    /// format (see [`crate::moving`]) and flushes it. Reads are not one snapshot: export
    /// from a stopped server, or changes made meanwhile may or may not be included.
    pub async fn export_deployment<W>(
        &self,
        _: Admin,
        out: &mut W,
        progress: &dyn MoveProgress,
    ) -> CoreResult<MoveCounts>
    where
        W: AsyncWrite + Unpin + Send,
    {
        let mut out = Out {
            out,
            counts: MoveCounts::default(),
        };
        out.line(&Header::current(jiff::Timestamp::now().to_string()))
            .await?;
        progress.objects_expected(self.store.count_objects().await?);
        for user in self.store.list_users().await? {
            progress.user(&user.name);
            out.counts.users += 1;
            out.line(&Record::User(UserRecord {
                name: user.name.clone(),
                password_hash: user.password_hash.clone(),
                created_at: user.created_at,
            }))
            .await?;
            for collection in self.store.collection_tree(user.id, "").await? {
                self.export_collection(&mut out, &user, &collection, progress)
                    .await?;
            }
        }
        let counts = out.counts;
        out.line(&Record::End(counts)).await?;
        out.out.flush().await.map_err(write_err)?;
        Ok(counts)
    }

    /// One collection: its record, its dead properties, then its members in batches,
    /// each followed by its own dead properties.
    async fn export_collection<W: AsyncWrite + Unpin + Send>(
        &self,
        out: &mut Out<'_, W>,
        owner: &User,
        c: &Collection,
        progress: &dyn MoveProgress,
    ) -> CoreResult<()> {
        let p = &c.props;
        out.counts.collections += 1;
        out.line(&Record::Collection(CollectionRecord {
            owner: owner.name.clone(),
            path: c.path.clone(),
            kind: c.kind.into(),
            created_at: c.created_at,
            modified_at: c.modified_at,
            displayname: p.displayname.clone(),
            description: p.description.clone(),
            color: p.color.clone(),
            order: p.order,
            timezone: p.timezone.clone(),
            components: component_names(p.components),
        }))
        .await?;
        for prop in self
            .store
            .dead_properties(PropOwner::Collection(c.id))
            .await?
        {
            out.property(owner, c, None, prop).await?;
        }

        // Already ordered by (object, namespace, name): grouping keeps each member's
        // properties in (namespace, name) order.
        let mut member_props: HashMap<ObjectId, Vec<DeadProperty>> = HashMap::new();
        for (id, prop) in self.store.member_dead_properties(c.id).await? {
            member_props.entry(id).or_default().push(prop);
        }
        let metas = self.store.list_objects(c.id).await?;
        for batch in metas.chunks(BATCH) {
            let names: Vec<String> = batch.iter().map(|m| m.name.clone()).collect();
            // Members deleted since the listing are simply absent.
            for o in self.store.objects_by_names(c.id, &names, true).await? {
                let Some(data) = o.data else {
                    return Err(CoreError::Internal(format!(
                        "the store returned {}/{} without its bytes",
                        c.path, o.meta.name
                    )));
                };
                let (text, base64) = encode_body(Vec::from(data));
                out.counts.objects += 1;
                out.line(&Record::Object(ObjectRecord {
                    owner: owner.name.clone(),
                    collection: c.path.clone(),
                    name: o.meta.name.clone(),
                    content_type: o.meta.content_type,
                    created_at: o.meta.created_at,
                    modified_at: o.meta.modified_at,
                    etag: Some(o.meta.etag),
                    text,
                    base64,
                }))
                .await?;
                for prop in member_props.remove(&o.meta.id).unwrap_or_default() {
                    out.property(owner, c, Some(&o.meta.name), prop).await?;
                }
                progress.object();
            }
        }
        Ok(())
    }
}
