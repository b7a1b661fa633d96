//! The calendar components of a resource, read from the crate's strict tree into owned
//! values: what the expansion, spans and alarms need and nothing more.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::rule::Rule;
use super::zone::{Frame, Nominal, TimeValue, Zones, resolve};
use crate::contentline::ContentLine;
use crate::error::IngestError;
use crate::kind::ComponentKind;
use crate::query::BusyKind;
use crate::query::freebusy::event_busy;
use crate::tree::{Component, Tree};
use crate::value::{DateOrDateTime, parse_date, parse_date_or_date_time, parse_date_time};

/// The end of an RDATE PERIOD.
#[derive(Clone, Debug)]
pub(crate) enum PeriodEnd {
    /// An explicit end.
    At(TimeValue),
    /// A duration from the start.
    Lasting(Nominal),
}

/// One RDATE value.
#[derive(Clone, Debug)]
pub(crate) struct RDate {
    pub start: TimeValue,
    pub end: Option<PeriodEnd>,
}

/// When an alarm fires.
#[derive(Clone, Debug)]
pub(crate) enum Trigger {
    /// Relative to the instance's start, or its end with RELATED=END.
    Relative { to_end: bool, offset: Nominal },
    /// An absolute UTC time.
    Absolute(Timestamp),
}

/// A VALARM.
#[derive(Clone, Debug)]
pub(crate) struct Alarm {
    pub trigger: Trigger,
    /// REPEAT and DURATION: further triggers after the first.
    pub repeat: u32,
    pub every: Option<Nominal>,
}

/// A calendar component (VEVENT, VTODO, VJOURNAL, VFREEBUSY, VAVAILABILITY).
#[derive(Clone, Debug)]
pub(crate) struct Comp {
    pub kind: ComponentKind,
    pub dtstart: Option<TimeValue>,
    pub dtend: Option<TimeValue>,
    pub due: Option<TimeValue>,
    pub duration: Option<Nominal>,
    /// RRULEs: RFC 5545 says SHOULD NOT more than one, RFC 2445 allowed several, and
    /// their instances are a union.
    pub rrules: Vec<Rule>,
    /// EXRULEs (RFC 2445, dropped by RFC 5545 but still in old data): starts they give
    /// are taken out of the set like EXDATEs.
    pub exrules: Vec<Rule>,
    pub rdates: Vec<RDate>,
    pub exdates: Vec<TimeValue>,
    pub recurrence_id: Option<TimeValue>,
    /// RECURRENCE-ID;RANGE=THISANDFUTURE.
    pub this_and_future: bool,
    pub created: Option<Timestamp>,
    pub completed: Option<Timestamp>,
    /// FREEBUSY periods (UTC), for VFREEBUSY.
    pub freebusy: Vec<(Timestamp, Timestamp)>,
    pub alarms: Vec<Alarm>,
    /// For a VEVENT, how its instances count for free/busy (`None`: free).
    pub event_busy: Option<BusyKind>,
}

impl Comp {
    /// Whether the component is the master of a recurrence set.
    pub fn recurs(&self) -> bool {
        self.recurrence_id.is_none()
            && self.dtstart.is_some()
            && (!self.rrules.is_empty() || !self.rdates.is_empty())
    }

    /// Whether any of its times depend on the floating zone.
    pub fn has_floating(&self) -> bool {
        let floating = |t: &Option<TimeValue>| t.as_ref().is_some_and(TimeValue::is_floating);
        floating(&self.dtstart)
            || floating(&self.dtend)
            || floating(&self.due)
            || floating(&self.recurrence_id)
            || self.rdates.iter().any(|r| r.start.is_floating())
    }
}

/// The resource: its kind, components in document order, and whether any rule could not
/// be expanded.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    pub kind: ComponentKind,
    pub comps: Vec<Comp>,
}

fn bad(prop: &ContentLine<'_>, reason: &str) -> IngestError {
    IngestError::bad_value(prop.line, prop.name, reason)
}

/// Reads one DATE or DATE-TIME honouring VALUE and TZID.
fn time_value(
    prop: &ContentLine<'_>,
    raw: &str,
    zones: &mut Zones,
) -> Result<TimeValue, IngestError> {
    let value_type = prop.param("VALUE");
    let parsed = match value_type {
        Some(v) if v.eq_ignore_ascii_case("DATE") => parse_date(raw).map(DateOrDateTime::Date),
        Some(v) if v.eq_ignore_ascii_case("DATE-TIME") => {
            parse_date_time(raw).map(|(value, utc)| DateOrDateTime::DateTime { value, utc })
        }
        _ => parse_date_or_date_time(raw),
    };
    match parsed {
        Some(DateOrDateTime::Date(d)) => Ok(TimeValue {
            civil: d.to_datetime(jiff::civil::Time::midnight()),
            date: true,
            frame: Frame::Floating,
        }),
        Some(DateOrDateTime::DateTime { value, utc }) => {
            let frame = if utc {
                Frame::Utc
            } else {
                match prop.param("TZID") {
                    Some(tzid) => zones.frame(tzid),
                    None => Frame::Floating,
                }
            };
            Ok(TimeValue {
                civil: value,
                date: false,
                frame,
            })
        }
        None => Err(bad(prop, "not a DATE or DATE-TIME")),
    }
}

fn utc_time(prop: &ContentLine<'_>) -> Option<Timestamp> {
    let (civil, _) = parse_date_time(prop.value)?;
    resolve(civil, &TimeZone::UTC)
}

fn duration(prop: &ContentLine<'_>) -> Result<Nominal, IngestError> {
    Nominal::parse(prop.value).ok_or_else(|| bad(prop, "not a DURATION"))
}

fn rdates(
    prop: &ContentLine<'_>,
    zones: &mut Zones,
    out: &mut Vec<RDate>,
) -> Result<(), IngestError> {
    for v in prop.value.split(',') {
        match v.split_once('/') {
            Some((start, end)) => {
                let start = time_value(prop, start, zones)?;
                let end = if end.starts_with(['P', 'p', '+', '-']) {
                    PeriodEnd::Lasting(Nominal::parse(end).ok_or_else(|| bad(prop, "bad PERIOD"))?)
                } else {
                    PeriodEnd::At(time_value(prop, end, zones)?)
                };
                out.push(RDate {
                    start,
                    end: Some(end),
                });
            }
            None => out.push(RDate {
                start: time_value(prop, v, zones)?,
                end: None,
            }),
        }
    }
    Ok(())
}

fn alarm(comp: &Component<'_>) -> Option<Alarm> {
    let trigger = comp.props_named("TRIGGER").next()?;
    let absolute = match trigger.param("VALUE") {
        Some(v) => v.eq_ignore_ascii_case("DATE-TIME"),
        None => parse_date_time(trigger.value).is_some(),
    };
    let trigger = if absolute {
        Trigger::Absolute(utc_time(trigger)?)
    } else {
        Trigger::Relative {
            to_end: trigger
                .param("RELATED")
                .is_some_and(|r| r.eq_ignore_ascii_case("END")),
            offset: Nominal::parse(trigger.value)?,
        }
    };
    let repeat = comp
        .props_named("REPEAT")
        .next()
        .and_then(|p| p.value.trim().parse::<u32>().ok())
        .unwrap_or(0);
    let every = comp
        .props_named("DURATION")
        .next()
        .and_then(|p| Nominal::parse(p.value));
    Some(Alarm {
        trigger,
        repeat,
        every,
    })
}

fn component(
    tree: &Tree<'_>,
    c: &Component<'_>,
    kind: ComponentKind,
    zones: &mut Zones,
) -> Result<Comp, IngestError> {
    let mut comp = Comp {
        kind,
        dtstart: None,
        dtend: None,
        due: None,
        duration: None,
        rrules: vec![],
        exrules: vec![],
        rdates: vec![],
        exdates: vec![],
        recurrence_id: None,
        this_and_future: false,
        created: None,
        completed: None,
        freebusy: vec![],
        alarms: vec![],
        event_busy: None,
    };
    let (mut transp, mut status) = (None, None);
    for prop in &c.props {
        match prop.name.to_ascii_uppercase().as_str() {
            "DTSTART" => comp.dtstart = Some(time_value(prop, prop.value, zones)?),
            "DTEND" => comp.dtend = Some(time_value(prop, prop.value, zones)?),
            "DUE" => comp.due = Some(time_value(prop, prop.value, zones)?),
            "DURATION" => comp.duration = Some(duration(prop)?),
            "RRULE" => {
                comp.rrules
                    .push(Rule::parse(prop.value).ok_or_else(|| bad(prop, "bad RRULE"))?);
            }
            "EXRULE" => {
                comp.exrules
                    .push(Rule::parse(prop.value).ok_or_else(|| bad(prop, "bad EXRULE"))?);
            }
            "RDATE" => rdates(prop, zones, &mut comp.rdates)?,
            "EXDATE" => {
                for v in prop.value.split(',') {
                    comp.exdates.push(time_value(prop, v, zones)?);
                }
            }
            "RECURRENCE-ID" => {
                comp.recurrence_id = Some(time_value(prop, prop.value, zones)?);
                comp.this_and_future = prop
                    .param("RANGE")
                    .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"));
            }
            "CREATED" => comp.created = utc_time(prop),
            "COMPLETED" => comp.completed = utc_time(prop),
            "TRANSP" => {
                transp.get_or_insert(prop.value);
            }
            "STATUS" => {
                status.get_or_insert(prop.value);
            }
            "FREEBUSY" => {
                for period in prop.value.split(',') {
                    if let Some(p) = utc_period(period) {
                        comp.freebusy.push(p);
                    }
                }
            }
            _ => {}
        }
    }
    if kind == ComponentKind::Event {
        comp.event_busy = event_busy(transp, status);
    }
    comp.alarms = c
        .children
        .iter()
        .filter_map(|&i| tree.comps.get(i))
        .filter(|a| a.is("VALARM"))
        .filter_map(alarm)
        .collect();
    Ok(comp)
}

/// A FREEBUSY period, which RFC 5545 §3.8.2.6 requires in UTC.
fn utc_period(s: &str) -> Option<(Timestamp, Timestamp)> {
    let (start, end) = s.split_once('/')?;
    let (civil, _) = parse_date_time(start)?;
    let start = resolve(civil, &TimeZone::UTC)?;
    let end = match parse_date_time(end) {
        Some((civil, _)) => resolve(civil, &TimeZone::UTC)?,
        None => Nominal::parse(end)?.add_to(start, &TimeZone::UTC)?,
    };
    Some((start, end))
}

/// Reads every calendar component of a resource that passed ingest.
pub(crate) fn read(bytes: &[u8]) -> Result<Resource, IngestError> {
    let unfolded = crate::unfold::unfold(bytes)?;
    let tree = crate::tree::build(&unfolded)?;
    read_tree(&tree)
}

/// [`read`] from a tree already built (so a caller holding one parses once).
pub(crate) fn read_tree(tree: &crate::tree::Tree<'_>) -> Result<Resource, IngestError> {
    let mut zones = Zones::of_tree(tree);
    let mut kind = None;
    let mut comps = Vec::new();
    for c in tree.top_level() {
        let Some(k) = ComponentKind::from_name(c.name) else {
            continue;
        };
        kind.get_or_insert(k);
        comps.push(component(tree, c, k, &mut zones)?);
    }
    let kind = kind.ok_or(IngestError::NoComponent)?;
    Ok(Resource { kind, comps })
}
