//! calendar-query and free/busy over one calendar (RFC 4791 §7.8, §7.10): a SQL prefilter
//! on the time index, then exact evaluation of the candidates only, so the cost of a
//! time-range query grows with its answer, not with the calendar.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kairos_ical::query::{
    BusyPeriod, CalendarDataRequest, CompFilter, FilterProblem, FreeBusy, QueryOptions,
};
use kairos_ical::{ComponentKind, TimeRange};
use kairos_store::{Collection, FetchedObject, ObjectMeta};

use crate::error::{Condition, CoreError, CoreResult};
use crate::{Kairos, Reader};

/// The time zone a query names for floating times (RFC 4791 §9.8 `C:timezone`, RFC 7809
/// `C:timezone-id`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryZone {
    /// A VCALENDAR holding one VTIMEZONE.
    Definition(String),
    /// A time zone identifier.
    Id(String),
}

/// How the candidates of a filter are found.
struct Plan {
    /// Only objects of this type can match.
    kind: Option<ComponentKind>,
    /// Only objects with an instance in this range can match.
    range: Option<TimeRange>,
    /// A range candidate confirmed by the index matches without evaluation.
    index_decides: bool,
    /// No object can match.
    nothing: bool,
}

fn plan(filter: &CompFilter) -> Plan {
    // Every resource is a VCALENDAR: `is-not-defined` on it matches nothing.
    let nothing = filter.is_not_defined;
    let defined = || filter.comp_filters.iter().filter(|f| !f.is_not_defined);
    let kind = defined().find_map(|f| ComponentKind::from_name(&f.name));
    let ranged =
        defined().find(|f| f.time_range.is_some() && ComponentKind::from_name(&f.name).is_some());
    // The index decides when the filter is nothing but one component's time range.
    let index_decides = filter.prop_filters.is_empty()
        && filter.time_range.is_none()
        && matches!(filter.comp_filters.as_slice(), [only]
            if ranged.is_some()
                && only.prop_filters.is_empty()
                && only.comp_filters.is_empty());
    Plan {
        kind: ranged
            .and_then(|r| ComponentKind::from_name(&r.name))
            .or(kind),
        range: ranged.and_then(|r| r.time_range),
        index_decides,
        nothing,
    }
}

/// Whether the filter asks for nothing but a component type (or nothing at all).
fn kind_only(filter: &CompFilter) -> bool {
    let plain =
        |f: &CompFilter| !f.is_not_defined && f.time_range.is_none() && f.prop_filters.is_empty();
    plain(filter)
        && match filter.comp_filters.as_slice() {
            [] => true,
            [inner] => {
                plain(inner)
                    && inner.comp_filters.is_empty()
                    && ComponentKind::from_name(&inner.name).is_some()
            }
            _ => false,
        }
}

fn ms(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::as_millisecond)
}

/// The zone a VCALENDAR holding one VTIMEZONE defines; unusable text gives none.
fn zone_defined(text: &str) -> Option<TimeZone> {
    kairos_ical::zone_of_calendar_timezone(text.as_bytes())
        .ok()
        .flatten()
}

impl Kairos {
    /// The evaluation options for `collection`: floating times in the query's zone, else
    /// the calendar's CALDAV:calendar-timezone, else UTC (RFC 4791 §9.9).
    pub fn query_options(&self, collection: &Collection, zone: Option<&QueryZone>) -> QueryOptions {
        let named = match zone {
            Some(QueryZone::Id(id)) => kairos_ical::zone_by_name(id),
            Some(QueryZone::Definition(text)) => zone_defined(text),
            None => None,
        };
        let calendar = || collection.props.timezone.as_deref().and_then(zone_defined);
        QueryOptions {
            floating: named.or_else(calendar).unwrap_or(TimeZone::UTC),
            expansion_cap: self.config.max_query_instances,
        }
    }

    /// The members of the calendar `reader` opens that match `filter` (ordered by name),
    /// with their bytes when `with_data`.
    pub async fn query_calendar(
        &self,
        reader: &Reader,
        filter: &CompFilter,
        zone: Option<&QueryZone>,
        with_data: bool,
    ) -> CoreResult<Vec<FetchedObject>> {
        kairos_ical::query::check_filter(filter).map_err(|p| match p {
            FilterProblem::UnsupportedCollation(_) => {
                CoreError::Condition(Condition::SupportedCollation)
            }
            FilterProblem::EmptyTimeRange => CoreError::Condition(Condition::ValidFilter),
        })?;
        let plan = plan(filter);
        if plan.nothing {
            return Ok(Vec::new());
        }
        let opts = self.query_options(reader.collection(), zone);
        if kind_only(filter) {
            let listing = self.listing(reader).await?;
            let names: Vec<String> = listing
                .objects
                .iter()
                .filter(|m| plan.kind.is_none_or(|k| m.component == Some(k)))
                .map(|m| m.name.clone())
                .collect();
            return self.objects_by_names(reader, &names, with_data).await;
        }
        let (confirmed, to_check) = match (plan.kind, plan.range) {
            (Some(kind), Some(range)) => {
                let candidates = self
                    .store
                    .objects_in_range(reader.collection().id, kind, ms(range.start), ms(range.end))
                    .await?;
                let (yes, maybe): (Vec<_>, Vec<_>) = candidates
                    .into_iter()
                    .map(|c| (c.confirmed && plan.index_decides, c.meta))
                    .partition(|(decided, _)| *decided);
                let metas = |v: Vec<(bool, ObjectMeta)>| -> Vec<ObjectMeta> {
                    v.into_iter().map(|(_, m)| m).collect()
                };
                let collection = reader.collection().id;
                let confirmed = if with_data {
                    self.with_bodies(collection, metas(yes)).await?
                } else {
                    metas(yes)
                        .into_iter()
                        .map(|meta| FetchedObject { meta, data: None })
                        .collect()
                };
                let to_check = self.with_bodies(collection, metas(maybe)).await?;
                (confirmed, to_check)
            }
            _ => {
                let all = self.objects_with_data(reader).await?;
                let to_check = all
                    .into_iter()
                    .filter(|o| plan.kind.is_none_or(|k| o.meta.component == Some(k)))
                    .collect();
                (Vec::new(), to_check)
            }
        };
        let mut matched = confirmed;
        for mut object in to_check {
            let Some(data) = object.data.as_deref() else {
                continue;
            };
            match kairos_ical::query::matches(filter, data, &opts) {
                Ok(true) => {
                    if !with_data {
                        object.data = None;
                    }
                    matched.push(object);
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(object = %object.meta.name, error = %e, "stored object not evaluable");
                }
            }
        }
        matched.sort_by(|a, b| a.meta.name.cmp(&b.meta.name));
        Ok(matched)
    }

    /// Replaces each object's bytes with the calendar-data `req` asks for (RFC 4791 §9.6:
    /// partial retrieval, expand, limit-recurrence-set, limit-freebusy-set), as iCalendar
    /// or, for `content-type="application/calendar+json"`, as jCal (RFC 7265). A request
    /// for the whole object as iCalendar leaves the stored bytes untouched.
    pub fn shape_calendar_data<'o>(
        &self,
        collection: &Collection,
        req: &CalendarDataRequest,
        zone: Option<&QueryZone>,
        objects: impl IntoIterator<Item = &'o mut FetchedObject>,
    ) -> CoreResult<()> {
        let jcal = match req
            .content_type
            .as_deref()
            .map(|c| c.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("text/calendar") => false,
            Some("application/calendar+json") => true,
            Some(_) => return Err(CoreError::Condition(Condition::SupportedCalendarData)),
        };
        let whole = req.comp.is_none()
            && req.expand.is_none()
            && req.limit_recurrence_set.is_none()
            && req.limit_freebusy_set.is_none();
        if whole && !jcal {
            return Ok(());
        }
        let opts = self.query_options(collection, zone);
        for object in objects {
            let Some(data) = object.data.as_deref() else {
                continue;
            };
            let unshapeable = |e: &dyn std::fmt::Display| {
                CoreError::Internal(format!(
                    "stored object {} not shapeable: {e}",
                    object.meta.name
                ))
            };
            let shaped = if whole {
                data.to_vec()
            } else {
                kairos_ical::query::calendar_data(req, data, &opts)
                    .map_err(|e| match e {
                        kairos_ical::IngestError::TooManyInstances { .. } => {
                            CoreError::Condition(Condition::MaxInstances)
                        }
                        e => unshapeable(&e),
                    })?
                    .into_bytes()
            };
            object.data = Some(if jcal {
                kairos_ical::jcal::to_jcal(&shaped)
                    .map_err(|e| unshapeable(&e))?
                    .to_string()
                    .into_bytes()
                    .into()
            } else {
                shaped.into()
            });
        }
        Ok(())
    }

    /// Free/busy of the calendar `reader` opens over `range` (RFC 4791 §7.10): busy time
    /// from events and VFREEBUSY objects, merged. Instances the index knows the busy state
    /// of are taken from it; only the other objects are read and evaluated.
    pub async fn free_busy(
        &self,
        reader: &Reader,
        range: TimeRange,
        zone: Option<&QueryZone>,
    ) -> CoreResult<FreeBusy> {
        let opts = self.query_options(reader.collection(), zone);
        let collection = reader.collection().id;
        let indexed = self
            .store
            .busy_in_range(collection, ms(range.start), ms(range.end))
            .await?;
        let mut busy = FreeBusy::new(range);
        busy.add_periods(indexed.intervals.iter().filter_map(|i| {
            Some(BusyPeriod {
                start: Timestamp::from_millisecond(i.start).ok()?,
                end: Timestamp::from_millisecond(i.end).ok()?,
                kind: i.kind,
            })
        }));
        for object in self.with_bodies(collection, indexed.evaluate).await? {
            let Some(data) = object.data.as_deref() else {
                continue;
            };
            if let Err(e) = busy.add(data, &opts) {
                tracing::warn!(object = %object.meta.name, error = %e, "stored object not evaluable");
            }
        }
        Ok(busy)
    }
}
