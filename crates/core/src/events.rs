//! Calendar objects as the REST API, web calendar and MCP see them: by window, by
//! instance, and several changes committed together (a series split, an import).

use kairos_ical::query::CompFilter;
use kairos_ical::{ComponentKind, Expansion, Schedule, TimeRange};
use kairos_store::{CollectionKind, FetchedObject, ObjectMeta};

use crate::objects::{check_uid, prepare_write};
use crate::{Conditions, CoreError, CoreResult, Kairos, Reader, Writer, now_ms};

/// One change of a [`Kairos::write_batch`].
#[derive(Clone, Debug)]
pub enum BatchChange {
    /// Create or replace member `name` with iCalendar `data`, if `conditions` hold.
    Put {
        /// Member name.
        name: String,
        /// iCalendar bytes.
        data: Vec<u8>,
        /// If-Match / If-None-Match for this member.
        conditions: Conditions,
    },
    /// Delete member `name`, if `conditions` hold.
    Delete {
        /// Member name.
        name: String,
        /// If-Match for this member.
        conditions: Conditions,
    },
}

/// A name for a new member: the UID when it is a safe file name, else a fresh id.
pub fn member_name_for(uid: &str) -> String {
    let safe = !uid.is_empty()
        && uid.len() <= 200
        && uid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if safe {
        format!("{uid}.ics")
    } else {
        format!("{}.ics", uuid::Uuid::now_v7().simple())
    }
}

impl Kairos {
    /// Events and tasks with an instance overlapping `range`, ordered by name, with bytes.
    pub async fn objects_in_window(
        &self,
        reader: &Reader,
        range: TimeRange,
    ) -> CoreResult<Vec<FetchedObject>> {
        let mut out = Vec::new();
        for kind in [ComponentKind::Event, ComponentKind::Todo] {
            if !reader.collection().props.components.contains(kind) {
                continue;
            }
            let mut inner = CompFilter::named(kind.name());
            inner.time_range = Some(range);
            let mut filter = CompFilter::named("VCALENDAR");
            filter.comp_filters.push(inner);
            out.extend(self.query_calendar(reader, &filter, None, true).await?);
        }
        out.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        out.dedup_by(|a, b| a.meta.name == b.meta.name);
        Ok(out)
    }

    /// The instances of a stored object that overlap `range` (bounded by the query cap),
    /// with floating times in the calendar's zone.
    pub fn instances_in(
        &self,
        reader: &Reader,
        data: &[u8],
        range: &TimeRange,
    ) -> CoreResult<Expansion> {
        let opts = self.query_options(reader.collection(), None);
        let schedule = Schedule::parse(data)
            .map_err(|e| CoreError::Internal(format!("stored object not interpretable: {e}")))?;
        Ok(schedule.instances(range, &opts.floating, opts.expansion_cap))
    }

    /// Applies several member changes to one calendar in one transaction: all of them
    /// happen, or (on any failed condition or precondition) none. Each gets its own
    /// change-log entry, as if made one by one.
    pub async fn write_batch(
        &self,
        writer: &Writer,
        changes: Vec<BatchChange>,
    ) -> CoreResult<Vec<ObjectMeta>> {
        let collection = writer.collection();
        if collection.kind != CollectionKind::Calendar {
            return Err(CoreError::NotAllowed("batches are for calendars"));
        }
        let mut prepared = Vec::with_capacity(changes.len());
        for change in changes {
            prepared.push(match change {
                BatchChange::Put {
                    name,
                    data,
                    conditions,
                } => {
                    if !crate::valid_segment(&name) {
                        return Err(CoreError::Invalid("bad resource name".into()));
                    }
                    let write = prepare_write(&self.config, collection, &name, data, None)?;
                    (name, Some(write), conditions)
                }
                BatchChange::Delete { name, conditions } => (name, None, conditions),
            });
        }
        let touched: Vec<&str> = prepared.iter().map(|(n, _, _)| n.as_str()).collect();
        let mut tx = self.store.begin().await?;
        let mut stored = Vec::new();
        for (name, write, conditions) in &prepared {
            let seq = tx.bump_seq(collection.id, now_ms()).await?;
            let existing = tx.object(collection.id, name).await?;
            conditions.check_for_write(existing.as_ref().map(|o| o.meta.etag.as_str()))?;
            match write {
                Some(write) => {
                    check_uid(
                        tx.as_mut(),
                        writer.granted().owner_name(),
                        collection,
                        write,
                        &touched,
                    )
                    .await?;
                    stored.push(tx.put_object(collection.id, write, now_ms()).await?);
                    tx.record_change(collection.id, name, seq, false, now_ms())
                        .await?;
                }
                None => {
                    if existing.is_none() {
                        return Err(CoreError::NotFound);
                    }
                    tx.delete_object(collection.id, name).await?;
                    tx.record_change(collection.id, name, seq, true, now_ms())
                        .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_come_from_safe_uids_only() {
        assert_eq!(
            member_name_for("abc-123@example.com"),
            "abc-123@example.com.ics"
        );
        for unsafe_uid in ["", "a/b", "a b", "../x", &"x".repeat(201)] {
            let name = member_name_for(unsafe_uid);
            assert!(
                name.ends_with(".ics") && name.len() == 36,
                "{unsafe_uid:?} -> {name}"
            );
        }
    }
}

/// Which instances of a recurring event an edit or a deletion applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The whole event (every instance).
    All,
    /// One instance, by RECURRENCE-ID value.
    This(String),
    /// That instance and every later one (the series is split into two events).
    Following(String),
}

/// What an edit stored.
#[derive(Clone, Debug)]
pub struct EditOutcome {
    /// The edited event.
    pub edited: ObjectMeta,
    /// The new series a `following` edit split off, if any.
    pub split_off: Option<ObjectMeta>,
}

fn edit_error(e: kairos_ical::edit::EditError) -> CoreError {
    use kairos_ical::edit::EditError as E;
    match e {
        E::Invalid(inner) => CoreError::Internal(format!("stored object unreadable: {inner}")),
        E::Field { field, reason } => CoreError::Invalid(format!("/{field}: {reason}")),
        other => CoreError::Invalid(other.to_string()),
    }
}

impl Kairos {
    /// The stored object and its parsed document, checking `conditions` (If-Match) first.
    async fn editable(
        &self,
        writer: &Writer,
        name: &str,
        conditions: &Conditions,
    ) -> CoreResult<(
        kairos_store::StoredObject,
        kairos_ical::edit::Document,
        Conditions,
    )> {
        let stored = self.get_object(&writer.reader(), name).await?;
        conditions.check_for_write(Some(&stored.meta.etag))?;
        let doc = kairos_ical::edit::Document::parse(&stored.data).map_err(edit_error)?;
        // The write must replace exactly the version read here, whatever happens between.
        let pinned = Conditions {
            if_match: Some(crate::EtagMatch::Tags(vec![(
                stored.meta.etag.clone(),
                false,
            )])),
            if_none_match: None,
        };
        Ok((stored, doc, pinned))
    }

    /// Applies a JSON patch to an event, for `scope`: the whole series, one instance (an
    /// override is made or changed), or this and the following instances (the series is
    /// ended before the instance and a new one, with its own UID and the later overrides,
    /// starts there; both are written in one transaction). Unknown properties survive.
    pub async fn edit_event(
        &self,
        writer: &Writer,
        name: &str,
        scope: &Scope,
        patch: &kairos_ical::edit::EventPatch,
        conditions: &Conditions,
    ) -> CoreResult<EditOutcome> {
        use kairos_ical::edit::{EditError, Target};
        let (_, mut doc, pinned) = self.editable(writer, name, conditions).await?;
        let now = jiff::Timestamp::now();
        let mut changes = Vec::new();
        let mut new_name = None;
        match scope {
            Scope::All => doc.apply(Target::Master, patch, now).map_err(edit_error)?,
            Scope::This(rid) => doc.edit_instance(rid, patch, now).map_err(edit_error)?,
            Scope::Following(rid) => {
                let uid = format!("{}@kairos", uuid::Uuid::now_v7().simple());
                match doc.split_at(rid, &uid, now) {
                    Ok(mut series) => {
                        series
                            .apply(Target::Master, patch, now)
                            .map_err(edit_error)?;
                        let n = member_name_for(&uid);
                        changes.push(BatchChange::Put {
                            name: n.clone(),
                            data: series.to_bytes(),
                            conditions: Conditions {
                                if_match: None,
                                if_none_match: Some(crate::EtagMatch::Any),
                            },
                        });
                        new_name = Some(n);
                    }
                    // Splitting at the first instance is editing the whole series.
                    Err(EditError::FirstInstance(_)) => {
                        doc.apply(Target::Master, patch, now).map_err(edit_error)?
                    }
                    Err(e) => return Err(edit_error(e)),
                }
            }
        }
        changes.insert(
            0,
            BatchChange::Put {
                name: name.to_owned(),
                data: doc.to_bytes(),
                conditions: pinned,
            },
        );
        let mut stored = self.write_batch(writer, changes).await?.into_iter();
        let edited = stored
            .next()
            .ok_or_else(|| CoreError::Internal("edit stored nothing".into()))?;
        Ok(EditOutcome {
            edited,
            split_off: new_name.and(stored.next()),
        })
    }

    /// Deletes an event for `scope`: all of it, one instance (an EXDATE; its override
    /// goes), or this and the following instances (the series ends before it).
    pub async fn delete_event(
        &self,
        writer: &Writer,
        name: &str,
        scope: &Scope,
        conditions: &Conditions,
    ) -> CoreResult<()> {
        use kairos_ical::edit::EditError;
        if *scope == Scope::All {
            return self.delete_object(writer, name, conditions).await;
        }
        let (_, mut doc, pinned) = self.editable(writer, name, conditions).await?;
        let now = jiff::Timestamp::now();
        let result = match scope {
            Scope::This(rid) => doc.delete_instance(rid, now),
            Scope::Following(rid) => doc.truncate_at(rid, now),
            Scope::All => Ok(()),
        };
        match result {
            Ok(()) => {
                let change = BatchChange::Put {
                    name: name.to_owned(),
                    data: doc.to_bytes(),
                    conditions: pinned,
                };
                self.write_batch(writer, vec![change]).await?;
                Ok(())
            }
            // Nothing would be left: delete the whole event.
            Err(EditError::FirstInstance(_) | EditError::WouldBeEmpty) => {
                self.delete_object(writer, name, &pinned).await
            }
            Err(e) => Err(edit_error(e)),
        }
    }
}

impl Kairos {
    /// Creates an event, task or journal entry from JSON fields. Without `uid` a fresh one
    /// is made; a UID already in the calendar is [`CoreError::PreconditionFailed`].
    pub async fn create_event(
        &self,
        writer: &Writer,
        kind: kairos_ical::edit::Kind,
        uid: Option<&str>,
        fields: &kairos_ical::edit::EventPatch,
    ) -> CoreResult<ObjectMeta> {
        let uid = match uid {
            Some(u) => u.to_owned(),
            None => format!("{}@kairos", uuid::Uuid::now_v7().simple()),
        };
        let doc = kairos_ical::edit::new_object(kind, &uid, fields, jiff::Timestamp::now())
            .map_err(edit_error)?;
        let change = BatchChange::Put {
            name: member_name_for(&uid),
            data: doc.to_bytes(),
            conditions: Conditions {
                if_match: None,
                if_none_match: Some(crate::EtagMatch::Any),
            },
        };
        self.write_batch(writer, vec![change])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| CoreError::Internal("create stored nothing".into()))
    }
}

/// Most words one text search may hold.
const MAX_SEARCH_WORDS: usize = 8;

impl Kairos {
    /// Events and tasks whose title, description or location has a word starting with
    /// each word of `text` (case-insensitive), by name, at most `limit`. Served by the
    /// search index: the cost follows the hits, not the calendar.
    pub async fn search_events(
        &self,
        reader: &Reader,
        text: &str,
        limit: u32,
    ) -> CoreResult<Vec<FetchedObject>> {
        use kairos_ical::search::{matches, term_of, words};
        let mut query: Vec<String> = Vec::new();
        for w in words(text) {
            if !query.contains(&w) {
                query.push(w);
            }
        }
        if query.is_empty() || query.len() > MAX_SEARCH_WORDS {
            return Err(CoreError::Invalid(format!(
                "search for 1 to {MAX_SEARCH_WORDS} words of at least two letters or digits"
            )));
        }
        let mut terms: Vec<String> = query.iter().map(|w| term_of(w)).collect();
        terms.sort();
        terms.dedup();
        let collection = reader.collection().id;
        let metas = self.store.search_objects(collection, &terms, limit).await?;
        let mut found = self.with_bodies(collection, metas).await?;
        // The index matches words by their first characters only; long query words and
        // words spread over several components are confirmed on the text itself.
        found.retain(|o| {
            let comps =
                kairos_ical::summarize(o.data.as_deref().unwrap_or_default()).unwrap_or_default();
            comps.iter().any(|c| {
                let texts = [&c.summary, &c.description, &c.location]
                    .into_iter()
                    .flatten()
                    .map(String::as_str);
                matches(&query, texts)
            })
        });
        Ok(found)
    }
}
