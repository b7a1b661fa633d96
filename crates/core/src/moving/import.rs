//! Reading an export file into the store, in one transaction.

use std::collections::HashMap;
use std::fmt::Display;

use kairos_store::{
    Collection, CollectionId, CollectionKind, CollectionProps, ObjectId, PropOwner, StoreError,
    Timestamp, User, UserId, WriteTx, new_id,
};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

use super::format::{
    CollectionRecord, FORMAT_NAME, FORMAT_VERSION, ObjectRecord, PropertyRecord, Record,
    UserRecord, component_set,
};
use super::{MoveCounts, MoveProgress};
use crate::error::PropertyError;
use crate::objects::prepare_write;
use crate::props::{LiveProperty, PropChange, PropTarget, validate};
use crate::users::{Admin, validate_user_name};
use crate::{CoreError, CoreResult, Kairos, etag_for, now_ms, valid_segment};

/// Longest header line: anything longer is not an export file (say, a binary file given
/// by mistake), and is refused before much of it is read.
const MAX_HEADER_LINE: u64 = 64 * 1024;
/// Longest record line. Bounds memory: the largest body a server accepts by default is
/// 10 MiB, at most ~14 MiB once base64-encoded.
const MAX_LINE: u64 = 256 * 1024 * 1024;

/// Reads one line (newline included) of at most `max` bytes into `buf`; returns its
/// length, 0 at the end of the input.
async fn read_line<R: AsyncBufRead + Unpin + Send>(
    input: &mut R,
    buf: &mut Vec<u8>,
    max: u64,
) -> CoreResult<usize> {
    buf.clear();
    let n = (&mut *input)
        .take(max + 1)
        .read_until(b'\n', buf)
        .await
        .map_err(|e| CoreError::ExportFile(format!("reading: {e}")))?;
    if buf.len() as u64 > max {
        return Err(CoreError::ExportFile(format!(
            "a line is longer than {max} bytes: not a Kairos export, or a damaged one"
        )));
    }
    Ok(n)
}

/// Checks the header line: the format's name and a version this build reads.
fn check_header(line: &[u8]) -> CoreResult<()> {
    let not_export = || {
        CoreError::ExportFile(format!(
            "line 1: not a Kairos export (the first line must be a \"{FORMAT_NAME}\" header)"
        ))
    };
    let header: serde_json::Value = serde_json::from_slice(line).map_err(|_| not_export())?;
    if header.get("format").and_then(|f| f.as_str()) != Some(FORMAT_NAME) {
        return Err(not_export());
    }
    match header.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(FORMAT_VERSION) => Ok(()),
        Some(v) => Err(CoreError::ExportFile(format!(
            "line 1: export format version {v} is not supported (this kairos reads version \
             {FORMAT_VERSION}); import it with the kairos version that wrote it, or a newer one"
        ))),
        None => Err(CoreError::ExportFile(
            "line 1: the header has no version number".into(),
        )),
    }
}

/// The user whose records are being read.
struct CurrentUser {
    name: String,
    id: UserId,
    /// The user's collections imported so far, by path: parents of the ones to come.
    collections: HashMap<String, (CollectionId, CollectionKind)>,
}

/// The state of one import: where in the file, what it is attached to, what was done.
struct Import<'a> {
    core: &'a Kairos,
    tx: Box<dyn WriteTx>,
    progress: &'a dyn MoveProgress,
    line: u64,
    counts: MoveCounts,
    ended: bool,
    user: Option<CurrentUser>,
    /// The collection receiving properties and objects.
    collection: Option<Collection>,
    /// The object receiving properties.
    object: Option<(String, ObjectId)>,
    /// The last property set, so each resource's properties are checked for order and
    /// duplicates without remembering them all.
    last_property: Option<(PropOwner, String, String)>,
    now: Timestamp,
}

fn describe(e: &PropertyError) -> String {
    match e {
        PropertyError::Protected => "protected".into(),
        PropertyError::InvalidValue(why) => why.clone(),
        PropertyError::NotSupportedHere => "not allowed on this kind of collection".into(),
    }
}

impl Import<'_> {
    fn bad(&self, why: impl Display) -> CoreError {
        CoreError::ExportFile(format!("line {}: {why}", self.line))
    }

    async fn record(&mut self, text: &[u8]) -> CoreResult<()> {
        let record: Record = serde_json::from_slice(text)
            .map_err(|e| self.bad(format_args!("not a valid record: {e}")))?;
        if self.ended {
            return Err(self.bad("records after the end record"));
        }
        match record {
            Record::User(u) => self.user(u).await,
            Record::Collection(c) => self.collection(c).await,
            Record::Property(p) => self.property(p).await,
            Record::Object(o) => self.object(o).await,
            Record::End(counts) => {
                if counts != self.counts {
                    return Err(self.bad(format_args!(
                        "the end record counts {counts:?} but the file holds {:?}: it was \
                         edited or damaged",
                        self.counts
                    )));
                }
                self.ended = true;
                Ok(())
            }
        }
    }

    async fn user(&mut self, rec: UserRecord) -> CoreResult<()> {
        validate_user_name(&rec.name).map_err(|e| self.bad(format_args!("user: {e}")))?;
        let user = User {
            id: UserId(new_id()),
            name: rec.name,
            password_hash: rec.password_hash,
            created_at: rec.created_at,
        };
        match self.tx.insert_user(&user).await {
            Err(StoreError::Conflict(_)) => {
                return Err(self.bad(format_args!(
                    "user {:?} already exists in this database (or twice in the file)",
                    user.name
                )));
            }
            other => other?,
        }
        self.progress.user(&user.name);
        self.counts.users += 1;
        self.user = Some(CurrentUser {
            name: user.name,
            id: user.id,
            collections: HashMap::new(),
        });
        self.collection = None;
        self.object = None;
        self.last_property = None;
        Ok(())
    }

    /// The current user, checked to be `owner`.
    fn owner(&self, owner: &str, what: &str) -> CoreResult<&CurrentUser> {
        match &self.user {
            Some(u) if u.name == owner => Ok(u),
            Some(u) => Err(self.bad(format_args!(
                "{what} of user {owner:?} among the records of user {:?}",
                u.name
            ))),
            None => Err(self.bad(format_args!("{what} before any user record"))),
        }
    }

    /// The current collection, checked to be `owner`'s `path`.
    fn current(&self, owner: &str, path: &str, what: &str) -> CoreResult<&Collection> {
        self.owner(owner, what)?;
        match &self.collection {
            Some(c) if c.path == path => Ok(c),
            _ => Err(self.bad(format_args!(
                "{what} of collection {path:?} does not follow that collection's record"
            ))),
        }
    }

    /// The parent of a collection at `path`, which must have been imported before it.
    async fn parent_of(
        &mut self,
        owner: &CurrentUser,
        path: &str,
        kind: CollectionKind,
    ) -> CoreResult<Option<CollectionId>> {
        if path.is_empty() {
            return match kind {
                CollectionKind::Home => Ok(None),
                _ => Err(self.bad("only a home has the empty path")),
            };
        }
        if kind == CollectionKind::Home {
            return Err(self.bad(format_args!(
                "a home at path {path:?}: homes have path \"\""
            )));
        }
        if !path.split('/').all(valid_segment) {
            return Err(self.bad(format_args!("collection path {path:?} is not valid")));
        }
        let (parent_path, name) = path.rsplit_once('/').unwrap_or(("", path));
        let Some(&(parent, parent_kind)) = owner.collections.get(parent_path) else {
            return Err(self.bad(format_args!(
                "collection {path:?} comes before its parent collection, or has none"
            )));
        };
        if parent_kind == CollectionKind::Calendar {
            return Err(self.bad(format_args!(
                "collection {path:?} lies inside a calendar: calendars hold no collections"
            )));
        }
        if self.tx.object(parent, name).await?.is_some() {
            return Err(self.bad(format_args!(
                "collection {path:?} has the name of a member of its parent"
            )));
        }
        Ok(Some(parent))
    }

    async fn collection(&mut self, rec: CollectionRecord) -> CoreResult<()> {
        self.owner(&rec.owner, "a collection")?;
        let Some(owner) = self.user.take() else {
            return Err(self.bad("a collection before any user record"));
        };
        let kind = CollectionKind::from(rec.kind);
        let parent = self.parent_of(&owner, &rec.path, kind).await;
        let owner_id = owner.id;
        self.user = Some(owner);
        let parent = parent?;
        let props = self.collection_props(&rec, kind)?;
        let collection = Collection {
            id: CollectionId(new_id()),
            owner_id,
            parent_id: parent,
            path: rec.path,
            kind,
            seq: 0,
            min_sync_seq: 0,
            created_at: rec.created_at,
            modified_at: rec.modified_at,
            props,
        };
        match self.tx.insert_collection(&collection).await {
            Err(StoreError::Conflict(_)) => {
                return Err(self.bad(format_args!(
                    "collection {:?} appears twice",
                    collection.path
                )));
            }
            other => other?,
        }
        if let Some(u) = self.user.as_mut() {
            u.collections
                .insert(collection.path.clone(), (collection.id, kind));
        }
        self.counts.collections += 1;
        self.collection = Some(collection);
        self.object = None;
        self.last_property = None;
        Ok(())
    }

    /// The record's properties, checked by the rules a client's MKCALENDAR meets.
    fn collection_props(
        &self,
        rec: &CollectionRecord,
        kind: CollectionKind,
    ) -> CoreResult<CollectionProps> {
        let components = component_set(&rec.components)
            .map_err(|e| self.bad(format_args!("collection {:?}: {e}", rec.path)))?;
        let mut changes: Vec<(&str, PropChange)> = Vec::new();
        let texts = [
            ("displayname", LiveProperty::DisplayName, &rec.displayname),
            ("description", LiveProperty::Description, &rec.description),
            ("color", LiveProperty::Color, &rec.color),
            ("timezone", LiveProperty::Timezone, &rec.timezone),
        ];
        for (field, prop, value) in texts {
            if let Some(v) = value {
                changes.push((field, PropChange::Set(prop, v.clone())));
            }
        }
        if let Some(order) = rec.order {
            changes.push((
                "order",
                PropChange::Set(LiveProperty::Order, order.to_string()),
            ));
        }
        if kind == CollectionKind::Calendar || !components.is_empty() {
            changes.push(("components", PropChange::Components(components)));
        }
        let only: Vec<PropChange> = changes.iter().map(|(_, c)| c.clone()).collect();
        let target = PropTarget::Collection {
            kind,
            creating: true,
        };
        if let Some((i, e)) = validate(&only, target).first() {
            let field = changes.get(*i).map_or("?", |(f, _)| *f);
            return Err(self.bad(format_args!(
                "collection {:?}: {field}: {}",
                rec.path,
                describe(e)
            )));
        }
        // Stored exactly as exported (a client's PROPPATCH would trim a color).
        Ok(CollectionProps {
            displayname: rec.displayname.clone(),
            description: rec.description.clone(),
            color: rec.color.clone(),
            order: rec.order,
            timezone: rec.timezone.clone(),
            components,
        })
    }

    async fn property(&mut self, rec: PropertyRecord) -> CoreResult<()> {
        let c = self.current(&rec.owner, &rec.collection, "a property")?;
        let owner = match (&rec.object, &self.object) {
            (None, _) => PropOwner::Collection(c.id),
            (Some(name), Some((last, id))) if name == last => PropOwner::Object(*id),
            (Some(name), _) => {
                return Err(self.bad(format_args!(
                    "a property of {name:?} does not follow that object's record"
                )));
            }
        };
        let dead = rec.to_dead();
        if dead.name.is_empty() {
            return Err(self.bad("a property without a name"));
        }
        if let Some((_, e)) =
            validate(&[PropChange::SetDead(dead.clone())], PropTarget::Object).first()
        {
            return Err(self.bad(format_args!("property {:?}: {}", dead.name, describe(e))));
        }
        if let Some((last_owner, ns, name)) = &self.last_property
            && *last_owner == owner
            && (ns.as_str(), name.as_str()) >= (dead.namespace.as_str(), dead.name.as_str())
        {
            return Err(self.bad(format_args!(
                "property {{{}}}{} is out of (namespace, name) order or repeated",
                dead.namespace, dead.name
            )));
        }
        self.tx.set_dead_property(owner, &dead).await?;
        self.counts.properties += 1;
        self.last_property = Some((owner, dead.namespace, dead.name));
        Ok(())
    }

    async fn object(&mut self, mut rec: ObjectRecord) -> CoreResult<()> {
        let c = self
            .current(&rec.owner, &rec.collection, "an object")?
            .clone();
        let place = format!("{}/{}/{}", rec.owner, rec.collection, rec.name);
        if !valid_segment(&rec.name) {
            return Err(self.bad(format_args!("object {place:?}: not a valid name")));
        }
        let data = rec
            .take_body()
            .map_err(|e| self.bad(format_args!("object {place:?}: {e}")))?;
        if rec
            .etag
            .as_ref()
            .is_some_and(|etag| *etag != etag_for(&data))
        {
            return Err(self.bad(format_args!(
                "object {place:?}: the bytes do not match their etag: the file was edited or \
                 damaged"
            )));
        }
        // The same validation and derived fields (UID, component, time index) as a PUT.
        let mut write = prepare_write(
            &self.core.config,
            &c,
            &rec.name,
            data,
            Some(rec.content_type.as_str()),
        )
        .map_err(|e| self.bad(format_args!("object {place:?} refused: {e}")))?;
        // A PUT stores its own media type for calendar data; a move keeps the old one.
        write.content_type = rec.content_type;
        let meta = match self
            .tx
            .insert_object(c.id, &write, rec.created_at, rec.modified_at)
            .await
        {
            Err(StoreError::Conflict(_)) => {
                return Err(self.bad(format_args!(
                    "object {place:?}: its name or UID is taken by an earlier object"
                )));
            }
            other => other?,
        };
        // A change-log row per member with a sequence of its own, as COPY writes them, so
        // a paged initial sync lists every member. Passing the exported time keeps the
        // collection's last-modified as it was.
        let seq = self.tx.bump_seq(c.id, c.modified_at).await?;
        self.tx
            .record_change(c.id, &rec.name, seq, false, self.now)
            .await?;
        self.counts.objects += 1;
        self.progress.object();
        self.object = Some((rec.name, meta.id));
        self.last_property = None;
        Ok(())
    }
}

impl Kairos {
    /// Reads an export file (see [`crate::moving`]) into the store in one transaction:
    /// either everything is imported, or (on any error) nothing is.
    pub async fn import_deployment<R>(
        &self,
        _: Admin,
        input: &mut R,
        progress: &dyn MoveProgress,
    ) -> CoreResult<MoveCounts>
    where
        R: AsyncBufRead + Unpin + Send,
    {
        let mut buf = Vec::new();
        let n = read_line(input, &mut buf, MAX_HEADER_LINE).await?;
        if n == 0 {
            return Err(CoreError::ExportFile(
                "the file is empty: not a Kairos export".into(),
            ));
        }
        progress.bytes_read(n as u64);
        check_header(&buf)?;

        let mut import = Import {
            core: self,
            tx: self.store.begin().await?,
            progress,
            line: 1,
            counts: MoveCounts::default(),
            ended: false,
            user: None,
            collection: None,
            object: None,
            last_property: None,
            now: now_ms(),
        };
        loop {
            let n = read_line(input, &mut buf, MAX_LINE).await?;
            if n == 0 {
                break;
            }
            import.line += 1;
            progress.bytes_read(n as u64);
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            import.record(&buf).await?;
        }
        if !import.ended {
            return Err(CoreError::ExportFile(format!(
                "the file ends at line {} without its end record: it is truncated",
                import.line
            )));
        }
        let counts = import.counts;
        import.tx.commit().await?;
        Ok(counts)
    }
}
