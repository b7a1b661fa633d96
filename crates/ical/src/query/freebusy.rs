//! Free/busy time over many resources (RFC 4791 §7.10): busy periods by type, clipped to
//! the requested range and merged, and the VFREEBUSY that reports them.

use jiff::Timestamp;

use super::options::QueryOptions;
use super::parsed::{Comp, ParsedObject, fold};
use super::time;
use crate::error::IngestError;
use crate::time_range::TimeRange;

/// The kind of busy time a period is (`FBTYPE`, RFC 5545 §3.2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BusyKind {
    /// `BUSY`: an opaque, confirmed (or unstated) event, or a BUSY period.
    Busy,
    /// `BUSY-TENTATIVE`: a tentative event, or such a period.
    Tentative,
    /// `BUSY-UNAVAILABLE`: a period marked unavailable.
    Unavailable,
}

impl BusyKind {
    /// The `FBTYPE` value.
    pub fn fbtype(self) -> &'static str {
        match self {
            BusyKind::Busy => "BUSY",
            BusyKind::Tentative => "BUSY-TENTATIVE",
            BusyKind::Unavailable => "BUSY-UNAVAILABLE",
        }
    }
}

/// One busy period, `[start, end)` in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusyPeriod {
    /// Inclusive start.
    pub start: Timestamp,
    /// Exclusive end.
    pub end: Timestamp,
    /// What kind of busy.
    pub kind: BusyKind,
}

/// Free/busy (RFC 4791 §7.10) over many resources.
#[derive(Debug, Clone)]
pub struct FreeBusy {
    range: TimeRange,
    /// Merged: per kind, no two periods overlap or touch; ordered by start, then kind.
    periods: Vec<BusyPeriod>,
}

impl FreeBusy {
    /// Free/busy for `range`, with nothing busy yet.
    pub fn new(range: TimeRange) -> Self {
        FreeBusy {
            range,
            periods: Vec::new(),
        }
    }

    /// Adds the busy time of one stored resource: VEVENT instances (not cancelled, not
    /// transparent) and the FREEBUSY periods of VFREEBUSY components. VTODO, VJOURNAL
    /// and VAVAILABILITY (RFC 7953) add nothing.
    pub fn add(&mut self, bytes: &[u8], opts: &QueryOptions) -> Result<(), IngestError> {
        self.add_parsed(&ParsedObject::parse_with_schedule(bytes)?, opts)
    }

    /// Like [`FreeBusy::add`], for a resource already read.
    pub fn add_parsed(
        &mut self,
        object: &ParsedObject,
        opts: &QueryOptions,
    ) -> Result<(), IngestError> {
        let mut found = Vec::new();
        let has_events = object
            .top_level()
            .iter()
            .any(|&i| object.comp(i).is_some_and(|c| c.name == "VEVENT"));
        if has_events {
            let expansion = object.instances(&self.range, &opts.floating, opts.expansion_cap)?;
            for instance in &expansion.instances {
                let Some(comp) = object
                    .by_calendar_index(instance.component)
                    .and_then(|i| object.comp(i))
                else {
                    continue;
                };
                if let (Some(kind), Some(start), Some(end)) =
                    (event_kind(comp), instance.start, instance.end)
                {
                    found.extend(self.clip(start, end, kind));
                }
            }
        }
        for &i in object.top_level() {
            let Some(comp) = object.comp(i).filter(|c| c.name == "VFREEBUSY") else {
                continue;
            };
            for prop in comp.props_named("FREEBUSY") {
                let Some(kind) = period_kind(prop.param("FBTYPE")) else {
                    continue;
                };
                for value in prop.value.split(',') {
                    if let Some((start, end)) = time::period(value, &jiff::tz::TimeZone::UTC) {
                        found.extend(self.clip(start, end, kind));
                    }
                }
            }
        }
        if !found.is_empty() {
            self.periods.extend(found);
            self.periods = merge(std::mem::take(&mut self.periods));
        }
        Ok(())
    }

    /// Adds busy periods found elsewhere (the instance index), clipped and merged.
    pub fn add_periods(&mut self, periods: impl IntoIterator<Item = BusyPeriod>) {
        let clipped: Vec<BusyPeriod> = periods
            .into_iter()
            .filter_map(|p| self.clip(p.start, p.end, p.kind))
            .collect();
        if !clipped.is_empty() {
            self.periods.extend(clipped);
            self.periods = merge(std::mem::take(&mut self.periods));
        }
    }

    /// Adds another free/busy's periods (e.g. of another calendar), merging them.
    pub fn absorb(&mut self, other: &FreeBusy) {
        self.add_periods(other.periods.iter().copied());
    }

    /// The merged busy periods, ordered by start (then kind).
    pub fn periods(&self) -> &[BusyPeriod] {
        &self.periods
    }

    /// A VCALENDAR with one VFREEBUSY: DTSTAMP, DTSTART/DTEND of the range (when
    /// bounded) and one FREEBUSY line per period; CRLF, folded at 75 octets.
    pub fn to_ical(&self, now: Timestamp) -> String {
        let mut out = String::from(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kairos//Kairos//EN\r\nBEGIN:VFREEBUSY\r\n",
        );
        out.push_str(&fold(&format!("DTSTAMP:{}", utc(now))));
        if let Some(start) = self.range.start {
            out.push_str(&fold(&format!("DTSTART:{}", utc(start))));
        }
        if let Some(end) = self.range.end {
            out.push_str(&fold(&format!("DTEND:{}", utc(end))));
        }
        for p in &self.periods {
            out.push_str(&fold(&format!(
                "FREEBUSY;FBTYPE={}:{}/{}",
                p.kind.fbtype(),
                utc(p.start),
                duration(p.end.duration_since(p.start).as_secs())
            )));
        }
        out.push_str("END:VFREEBUSY\r\nEND:VCALENDAR\r\n");
        out
    }

    /// `[start, end)` cut to the range; nothing when empty.
    fn clip(&self, start: Timestamp, end: Timestamp, kind: BusyKind) -> Option<BusyPeriod> {
        let start = self.range.start.map_or(start, |s| s.max(start));
        let end = self.range.end.map_or(end, |e| e.min(end));
        (start < end).then_some(BusyPeriod { start, end, kind })
    }
}

/// How a VEVENT counts (RFC 4791 §7.10, table).
fn event_kind(comp: &Comp) -> Option<BusyKind> {
    if comp.name != "VEVENT" {
        return None;
    }
    let value = |name: &str| comp.prop(name).map(|p| p.value.as_str());
    event_busy(value("TRANSP"), value("STATUS"))
}

/// How a VEVENT with these TRANSP and STATUS values counts (RFC 4791 §7.10, table):
/// transparent and cancelled events are free, tentative ones BUSY-TENTATIVE, the rest
/// BUSY. The one statement of the rule, for evaluation and for the instance index.
pub(crate) fn event_busy(transp: Option<&str>, status: Option<&str>) -> Option<BusyKind> {
    let is = |v: Option<&str>, expected: &str| {
        v.is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
    };
    if is(transp, "TRANSPARENT") || is(status, "CANCELLED") {
        None
    } else if is(status, "TENTATIVE") {
        Some(BusyKind::Tentative)
    } else {
        Some(BusyKind::Busy)
    }
}

/// The kind of a FREEBUSY period; FREE is not busy, and unknown types count as BUSY
/// (RFC 5545 §3.2.9).
fn period_kind(fbtype: Option<&str>) -> Option<BusyKind> {
    match fbtype.map(str::to_ascii_uppercase).as_deref() {
        Some("FREE") => None,
        Some("BUSY-TENTATIVE") => Some(BusyKind::Tentative),
        Some("BUSY-UNAVAILABLE") => Some(BusyKind::Unavailable),
        _ => Some(BusyKind::Busy),
    }
}

/// Per kind, coalesces overlapping and touching periods; orders by start, then kind.
fn merge(mut periods: Vec<BusyPeriod>) -> Vec<BusyPeriod> {
    periods.sort_by_key(|p| (p.kind, p.start, p.end));
    let mut merged: Vec<BusyPeriod> = Vec::with_capacity(periods.len());
    for p in periods {
        match merged.last_mut() {
            Some(last) if last.kind == p.kind && p.start <= last.end => {
                last.end = last.end.max(p.end);
            }
            _ => merged.push(p),
        }
    }
    merged.sort_by_key(|p| (p.start, p.kind, p.end));
    merged
}

fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A positive number of seconds as an RFC 5545 DURATION (`P1DT2H`, `PT30M`, ...).
fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if rest > 0 || days == 0 {
        out.push('T');
        if h > 0 {
            out.push_str(&format!("{h}H"));
        }
        if m > 0 {
            out.push_str(&format!("{m}M"));
        }
        if s > 0 || rest == 0 {
            out.push_str(&format!("{s}S"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn period(start: &str, end: &str, kind: BusyKind) -> BusyPeriod {
        BusyPeriod {
            start: ts(start),
            end: ts(end),
            kind,
        }
    }

    #[test]
    fn durations() {
        assert_eq!(duration(3600), "PT1H");
        assert_eq!(duration(7200 + 60 * 30), "PT2H30M");
        assert_eq!(duration(86_400), "P1D");
        assert_eq!(duration(90_061), "P1DT1H1M1S");
        assert_eq!(duration(0), "PT0S");
        assert_eq!(duration(45), "PT45S");
    }

    #[test]
    fn merging_per_kind() {
        use BusyKind::*;
        let merged = merge(vec![
            period("2006-01-01T10:00:00Z", "2006-01-01T11:00:00Z", Busy),
            period("2006-01-01T11:00:00Z", "2006-01-01T12:00:00Z", Busy),
            period("2006-01-01T10:30:00Z", "2006-01-01T10:45:00Z", Busy),
            period("2006-01-01T10:30:00Z", "2006-01-01T13:00:00Z", Tentative),
            period("2006-01-01T09:00:00Z", "2006-01-01T09:30:00Z", Unavailable),
            period("2006-01-01T12:30:00Z", "2006-01-01T13:00:00Z", Busy),
        ]);
        assert_eq!(
            merged,
            vec![
                period("2006-01-01T09:00:00Z", "2006-01-01T09:30:00Z", Unavailable),
                period("2006-01-01T10:00:00Z", "2006-01-01T12:00:00Z", Busy),
                period("2006-01-01T10:30:00Z", "2006-01-01T13:00:00Z", Tentative),
                period("2006-01-01T12:30:00Z", "2006-01-01T13:00:00Z", Busy),
            ]
        );
    }

    #[test]
    fn freebusy_periods_by_type() {
        let data = "BEGIN:VCALENDAR\r\nBEGIN:VFREEBUSY\r\nUID:f\r\nFREEBUSY;FBTYPE=FREE:20060102T080000Z/PT1H\r\nFREEBUSY;FBTYPE=X-OUT:20060102T090000Z/PT1H\r\nFREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20060102T100000Z/PT1H,20060102T230000Z/PT2H\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n";
        let mut fb = FreeBusy::new(TimeRange::new(
            ts("2006-01-02T00:00:00Z"),
            ts("2006-01-03T00:00:00Z"),
        ));
        fb.add(data.as_bytes(), &QueryOptions::default()).unwrap();
        assert_eq!(
            fb.periods(),
            &[
                period(
                    "2006-01-02T09:00:00Z",
                    "2006-01-02T10:00:00Z",
                    BusyKind::Busy
                ),
                period(
                    "2006-01-02T10:00:00Z",
                    "2006-01-02T11:00:00Z",
                    BusyKind::Unavailable
                ),
                period(
                    "2006-01-02T23:00:00Z",
                    "2006-01-03T00:00:00Z",
                    BusyKind::Unavailable
                ),
            ]
        );
        let ical = fb.to_ical(ts("2006-01-01T00:00:00Z"));
        assert!(ical.contains("FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20060102T230000Z/PT1H\r\n"));
        assert!(ical.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    }
}
