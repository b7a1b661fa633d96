//! Time values as written (civil time in a frame) and their resolution to instants.

use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::civil::DateTime;
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::{Timestamp, ToSpan};

use super::windows::iana_for_windows;
use crate::tree::Tree;

/// The tzdb compiled into the binary, so results do not depend on the host's zoneinfo.
static BUNDLED: LazyLock<TimeZoneDatabase> = LazyLock::new(TimeZoneDatabase::bundled);

/// An IANA zone by name (case-insensitive), else a Windows zone name mapped to IANA.
pub(crate) fn named_zone(tzid: &str) -> Option<TimeZone> {
    // RFC 5545 §3.2.19: a leading "/" marks a globally unique id; the rest is the name.
    let name = tzid.trim().trim_start_matches('/');
    if name.is_empty() {
        return None;
    }
    if let Ok(tz) = BUNDLED.get(name) {
        return Some(tz);
    }
    iana_for_windows(name).and_then(|iana| BUNDLED.get(iana).ok())
}

/// How a civil time is tied to the time line.
#[derive(Clone, Debug)]
pub(crate) enum Frame {
    /// A DATE-TIME ending in `Z`.
    Utc,
    /// A DATE-TIME with a TZID we could resolve.
    Zone(TimeZone),
    /// A floating DATE-TIME, a DATE, or a TZID nobody defines.
    Floating,
}

impl Frame {
    /// The zone to resolve in, given the caller's zone for floating values.
    pub fn zone(&self, floating: &TimeZone) -> TimeZone {
        match self {
            Frame::Utc => TimeZone::UTC,
            Frame::Zone(tz) => tz.clone(),
            Frame::Floating => floating.clone(),
        }
    }

    /// Whether two frames are the same clock (so civil differences are meaningful).
    pub fn same_clock(&self, other: &Frame) -> bool {
        match (self, other) {
            (Frame::Utc, Frame::Utc) | (Frame::Floating, Frame::Floating) => true,
            (Frame::Zone(a), Frame::Zone(b)) => a == b,
            _ => false,
        }
    }
}

/// A DATE or DATE-TIME value: its civil reading and its frame.
#[derive(Clone, Debug)]
pub(crate) struct TimeValue {
    /// The civil date and time (midnight for a DATE).
    pub civil: DateTime,
    /// The value is a DATE.
    pub date: bool,
    /// How the civil time maps to instants.
    pub frame: Frame,
}

impl TimeValue {
    /// The instant, with floating values read in `floating`.
    pub fn resolve(&self, floating: &TimeZone) -> Option<Timestamp> {
        resolve(self.civil, &self.frame.zone(floating))
    }

    /// Floating values and DATEs depend on the caller's zone.
    pub fn is_floating(&self) -> bool {
        matches!(self.frame, Frame::Floating)
    }
}

/// A civil time in `tz`; RFC 5545 §3.3.5: a time in a gap moves forward by the gap's
/// length, a time in a fold takes the first occurrence (jiff's "compatible" rule).
pub(crate) fn resolve(civil: DateTime, tz: &TimeZone) -> Option<Timestamp> {
    tz.to_ambiguous_timestamp(civil).compatible().ok()
}

/// A signed DURATION split as RFC 5545 §3.3.6 reads it: days (and weeks) are nominal
/// (wall-clock days in the zone), the time part is exact seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Nominal {
    /// Whole days, weeks counted as seven.
    pub days: i64,
    /// Exact seconds.
    pub seconds: i64,
}

impl Nominal {
    /// Parses a DURATION value.
    pub fn parse(s: &str) -> Option<Nominal> {
        let total = crate::value::parse_duration(s)?;
        let negative = s.starts_with('-');
        let body = s.trim_start_matches(['+', '-']);
        let seconds = match body.find(['T', 't']) {
            Some(t) => {
                let time = format!("PT{}", body.get(t + 1..)?);
                crate::value::parse_duration(&time)?
            }
            None => 0,
        };
        let seconds = if negative { -seconds } else { seconds };
        let days = (total - seconds) / 86_400;
        Some(Nominal { days, seconds })
    }

    /// An upper bound of the absolute length in seconds (a day may have 25 hours).
    pub fn max_abs_seconds(&self) -> i64 {
        self.days
            .saturating_abs()
            .saturating_mul(90_000)
            .saturating_add(self.seconds.saturating_abs())
    }

    /// `start` plus this duration, days counted on the wall clock of `tz`.
    pub fn add_to(&self, start: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let after_days = if self.days == 0 {
            start
        } else {
            let days = i32::try_from(self.days).ok()?;
            start
                .to_zoned(tz.clone())
                .checked_add(days.days())
                .ok()?
                .timestamp()
        };
        after_days.checked_add(self.seconds.seconds()).ok()
    }
}

/// TZID → zone, each resolved once per resource.
#[derive(Clone, Debug, Default)]
pub(crate) struct Zones {
    map: HashMap<String, Option<TimeZone>>,
}

impl Zones {
    /// The zones a resource's own VTIMEZONEs define, each from its rules.
    pub fn of_tree(tree: &Tree<'_>) -> Zones {
        let mut zones = Zones::default();
        for vtimezone in tree.top_level().filter(|c| c.is("VTIMEZONE")) {
            if let Some((tzid, tz)) = super::vtimezone::zone_of(tree, vtimezone) {
                zones.define(&tzid, tz);
            }
        }
        zones
    }

    /// Records a zone built from the resource's own VTIMEZONE.
    pub fn define(&mut self, tzid: &str, tz: TimeZone) {
        self.map.insert(tzid.to_owned(), Some(tz));
    }

    /// The zone a TZID names, by the same rules as [`Zones::frame`]; `None` reads as
    /// floating. Takes `&self` for readers that share one `Zones`, so names outside the
    /// resource's VTIMEZONEs are looked up again on each call rather than remembered.
    pub fn zone(&self, tzid: &str) -> Option<TimeZone> {
        match self.map.get(tzid) {
            Some(known) => known.clone(),
            None => named_zone(tzid),
        }
    }

    /// The frame of a DATE-TIME with this TZID: the VTIMEZONE's rules, else the IANA or
    /// Windows zone of that name, else floating.
    pub fn frame(&mut self, tzid: &str) -> Frame {
        let entry = self
            .map
            .entry(tzid.to_owned())
            .or_insert_with(|| named_zone(tzid));
        match entry {
            Some(tz) => Frame::Zone(tz.clone()),
            None => Frame::Floating,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_windows_name_resolves_in_the_bundled_tzdb() {
        for (windows, iana) in super::super::windows::all() {
            assert!(BUNDLED.get(iana).is_ok(), "{windows} -> {iana}");
            assert!(named_zone(windows).is_some(), "{windows}");
        }
        assert!(named_zone("eastern standard time").is_some());
        assert!(named_zone("/America/New_York").is_some());
        assert!(named_zone("Nowhere/Atlantis").is_none());
    }

    #[test]
    fn nominal_durations_split_days_and_time() {
        assert_eq!(
            Nominal::parse("P1W2DT3H"),
            Some(Nominal {
                days: 9,
                seconds: 3 * 3600
            })
        );
        assert_eq!(
            Nominal::parse("-P1DT1S"),
            Some(Nominal {
                days: -1,
                seconds: -1
            })
        );
        assert_eq!(Nominal::parse("PT90M").map(|n| n.days), Some(0));
        assert_eq!(Nominal::parse("P"), None);
    }
}
