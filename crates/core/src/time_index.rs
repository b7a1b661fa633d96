//! The time index of a calendar object: its instances materialised up to a horizon, so
//! time-range queries prefilter in SQL and evaluate only the candidates.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kairos_ical::{Schedule, Span, TimeRange};
use kairos_store::{FAR_FUTURE, FAR_PAST, IndexedInstance, TimeIndex};

use crate::Kairos;
use crate::error::CoreResult;

/// How far the index reaches and how much it may hold per object.
#[derive(Clone, Debug)]
pub struct TimeIndexConfig {
    /// Instances are materialised up to this far after the write.
    pub horizon: Duration,
    /// At most this many instances per object; later ones are found by evaluation.
    pub max_instances: usize,
}

impl Default for TimeIndexConfig {
    fn default() -> Self {
        TimeIndexConfig {
            horizon: Duration::from_secs(2 * 366 * 24 * 3600),
            max_instances: 2000,
        }
    }
}

/// The widest UTC offset in use (UTC+14, Kiribati; UTC−12 is narrower): floating and
/// all-day instances are indexed as UTC and widened by this, since the zone they are
/// read in is only known at query time.
const FLOATING_SLACK_MS: i64 = 14 * 3600 * 1000;

fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// The index of an object the engine cannot read: a candidate for every query, never due
/// for re-indexing.
fn unreadable() -> TimeIndex {
    TimeIndex {
        first: None,
        last: None,
        indexed_until: Some(FAR_PAST),
        horizon: FAR_FUTURE,
        instances: Vec::new(),
    }
}

/// The index of a resource that passed ingest, materialised up to `now + horizon`; an
/// object the engine cannot read is indexed as a candidate for every query.
pub(crate) fn index_of(data: &[u8], now: Timestamp, config: &TimeIndexConfig) -> TimeIndex {
    time_index(data, now, config).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "calendar object not indexed");
        unreadable()
    })
}

fn time_index(data: &[u8], now: Timestamp, config: &TimeIndexConfig) -> CoreResult<TimeIndex> {
    let schedule = Schedule::parse(data).map_err(|e| {
        crate::CoreError::Internal(format!("stored calendar data does not parse: {e}"))
    })?;
    let horizon_ms =
        ms(now).saturating_add(i64::try_from(config.horizon.as_millis()).unwrap_or(i64::MAX / 8));
    let horizon = Timestamp::from_millisecond(horizon_ms).unwrap_or(Timestamp::MAX);
    let window = TimeRange {
        start: None,
        end: Some(horizon),
    };
    let expansion = schedule.instances(&window, &TimeZone::UTC, config.max_instances);
    let instances: Vec<IndexedInstance> = expansion
        .instances
        .iter()
        .map(|i| {
            let (lo, hi) = i.span.envelope();
            let slack = if i.floating { FLOATING_SLACK_MS } else { 0 };
            IndexedInstance {
                lo: lo.map_or(FAR_PAST, |t| ms(t) - slack),
                hi: hi.map_or(FAR_FUTURE, |t| ms(t) + slack),
                exact: !i.floating && matches!(i.span, Span::Interval { .. }),
                busy: schedule.instance_busy(i),
            }
        })
        .collect();
    let bounds = schedule.bounds();
    let slack = if schedule.has_floating() {
        FLOATING_SLACK_MS
    } else {
        0
    };
    let first = bounds.first.map(|t| ms(t) - slack);
    let last = bounds.last.map(|t| ms(t) + slack);
    let indexed_until = if expansion.truncated {
        // Instances are in start order: everything after the last one kept is missing
        // (one millisecond earlier covers a tie with an instance left out).
        Some(
            instances
                .last()
                .map_or(FAR_PAST, |i| i.lo.saturating_sub(1)),
        )
    } else if last.is_none_or(|l| l > horizon_ms) {
        Some(horizon_ms)
    } else {
        None
    };
    Ok(TimeIndex {
        first,
        last,
        indexed_until,
        horizon: horizon_ms,
        instances,
    })
}

impl Kairos {
    /// Re-indexes up to `batch` objects whose index horizon is less than half a horizon
    /// ahead (and objects stored before the time or search index existed): time index and
    /// search terms. Returns how many it did.
    pub async fn refresh_time_index(&self, batch: u32) -> CoreResult<usize> {
        let now = Timestamp::now();
        let half = i64::try_from(self.config.time_index.horizon.as_millis() / 2).unwrap_or(0);
        let due = self
            .store
            .stale_indexes(ms(now).saturating_add(half), batch)
            .await?;
        // Computed before the transaction: on SQLite it holds the only writer.
        let indexes: Vec<_> = due
            .iter()
            .map(|o| {
                let terms = kairos_ical::ingest(&o.data)
                    .map(|i| i.search_terms)
                    .unwrap_or_default();
                (o.id, index_of(&o.data, now, &self.config.time_index), terms)
            })
            .collect();
        let mut tx = self.store.begin().await?;
        for (id, index, terms) in &indexes {
            tx.set_time_index(*id, index).await?;
            tx.set_search_terms(*id, terms).await?;
        }
        tx.commit().await?;
        Ok(due.len())
    }
}
