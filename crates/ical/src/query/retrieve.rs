//! The calendar data returned for one resource (RFC 4791 §9.6): partial retrieval,
//! `expand` (§9.6.5), `limit-recurrence-set` (§9.6.6) and `limit-freebusy-set` (§9.6.7).

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::options::QueryOptions;
use super::parsed::{Comp, ParsedObject};
use super::select::{OutComp, OutProp, write_selected};
use super::time::{self, Extent};
use super::types::CalendarDataRequest;
use crate::error::IngestError;
use crate::recur::{Instance, Zones};
use crate::time_range::TimeRange;
use crate::value::parse_duration;

/// The calendar-data value to return for one resource (partial retrieval, expand,
/// limit-recurrence-set, limit-freebusy-set).
pub fn calendar_data(
    req: &CalendarDataRequest,
    bytes: &[u8],
    opts: &QueryOptions,
) -> Result<String, IngestError> {
    let parsed = if req.expand.is_some() || req.limit_recurrence_set.is_some() {
        ParsedObject::parse_with_schedule(bytes)?
    } else {
        ParsedObject::parse(bytes)?
    };
    parsed.calendar_data(req, opts)
}

/// Recurrence properties an expanded instance must not carry (RFC 4791 §9.6.5).
const RECURRENCE_PROPS: [&str; 4] = ["RRULE", "RDATE", "EXDATE", "EXRULE"];

impl ParsedObject {
    /// The calendar-data value to return for this resource. With no option at all, the
    /// stored text as it is.
    pub fn calendar_data(
        &self,
        req: &CalendarDataRequest,
        opts: &QueryOptions,
    ) -> Result<String, IngestError> {
        let plain = req.comp.is_none()
            && req.expand.is_none()
            && req.limit_recurrence_set.is_none()
            && req.limit_freebusy_set.is_none();
        if plain && let Ok(text) = std::str::from_utf8(self.bytes()) {
            return Ok(text.to_owned());
        }
        let Some(root) = self.root() else {
            return Ok(String::new());
        };
        let mut out = OutComp {
            name: root.name.clone(),
            written: root.written.clone(),
            props: root.props.iter().map(OutProp::kept).collect(),
            children: Vec::new(),
        };
        let fb = req.limit_freebusy_set.as_ref();
        for &index in self.top_level() {
            let Some(comp) = self.comp(index) else {
                continue;
            };
            let expanded = req.expand.is_some()
                && (comp.name == "VTIMEZONE"
                    || (comp.calendar_index.is_some() && comp.name != "VFREEBUSY"));
            if expanded {
                // Instances are added below, in time order; VTIMEZONEs go (§9.6.5).
                continue;
            }
            if let Some(range) = &req.limit_recurrence_set
                && !self.impacts(comp, range, opts)?
            {
                continue;
            }
            out.children.push(match fb {
                Some(range) if comp.name == "VFREEBUSY" => limit_freebusy(self, comp, range),
                _ => OutComp::kept(self, comp),
            });
        }
        if let Some(range) = &req.expand {
            let expansion = self.instances(range, &opts.floating, opts.expansion_cap)?;
            if expansion.truncated {
                return Err(IngestError::TooManyInstances {
                    cap: opts.expansion_cap,
                });
            }
            for instance in &expansion.instances {
                let Some(comp) = self
                    .by_calendar_index(instance.component)
                    .and_then(|i| self.comp(i))
                else {
                    continue;
                };
                if comp.name != "VFREEBUSY" {
                    out.children
                        .push(expanded_instance(self, comp, instance, &opts.floating));
                }
            }
        }
        Ok(write_selected(&out, req.comp.as_ref()))
    }

    /// Whether a component stays under limit-recurrence-set (RFC 4791 §9.6.6): masters
    /// and single components always; an override when its current or its original time
    /// overlaps the range, or when it is THISANDFUTURE and starts before the range ends.
    /// An override whose original time cannot be read stays (when in doubt, return more).
    fn impacts(
        &self,
        comp: &Comp,
        range: &TimeRange,
        opts: &QueryOptions,
    ) -> Result<bool, IngestError> {
        let (Some(rid), Some(ci)) = (comp.prop("RECURRENCE-ID"), comp.calendar_index) else {
            return Ok(true);
        };
        let current = self.instances(range, &opts.floating, opts.expansion_cap)?;
        if current.instances.iter().any(|i| i.component == ci) {
            return Ok(true);
        }
        if !time::zone_is_known(rid, self.zones()) {
            return Ok(true);
        }
        let Some(original) = time::start_of(rid, self.zones(), &opts.floating) else {
            return Ok(true);
        };
        if rid
            .param("RANGE")
            .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"))
            && range.end.is_none_or(|e| original < e)
        {
            return Ok(true);
        }
        let master = self
            .top_level()
            .iter()
            .filter_map(|&i| self.comp(i))
            .find(|c| c.calendar_index.is_some() && c.prop("RECURRENCE-ID").is_none());
        let length = duration_of(master.unwrap_or(comp), self.zones(), &opts.floating);
        let extent = match original.checked_add(jiff::SignedDuration::from_secs(length)) {
            Ok(end) if length > 0 => Extent::Interval(original, end),
            _ => Extent::Instant(original),
        };
        Ok(extent.overlaps(range))
    }
}

/// How long each instance of a component lasts, in seconds (RFC 5545 §3.6.1 defaults:
/// a DATE start lasts a day, a DATE-TIME start an instant).
fn duration_of(comp: &Comp, zones: &Zones, floating: &TimeZone) -> i64 {
    if let Some(d) = comp.prop("DURATION").and_then(|d| parse_duration(&d.value)) {
        return d.max(0);
    }
    let start = comp.prop("DTSTART");
    let end = comp.prop("DTEND").or_else(|| comp.prop("DUE"));
    if let (Some(s), Some(e)) = (
        start.and_then(|p| time::start_of(p, zones, floating)),
        end.and_then(|p| time::start_of(p, zones, floating)),
    ) {
        return e.duration_since(s).as_secs().max(0);
    }
    match start.map(|p| time::extents(p, zones, floating)) {
        Some(e) if matches!(e.first(), Some(Extent::Interval(..))) => 86_400,
        _ => 0,
    }
}

/// A VFREEBUSY with only the FREEBUSY periods that overlap `range` (RFC 4791 §9.6.7).
fn limit_freebusy(object: &ParsedObject, comp: &Comp, range: &TimeRange) -> OutComp {
    let mut out = OutComp::kept(object, comp);
    out.props = comp
        .props
        .iter()
        .filter_map(|p| {
            if p.name != "FREEBUSY" {
                return Some(OutProp::kept(p));
            }
            let values: Vec<&str> = p.value.split(',').collect();
            let kept: Vec<&str> = values
                .iter()
                .copied()
                .filter(|v| match time::period(v, &TimeZone::UTC) {
                    Some((s, e)) => Extent::Interval(s, e).overlaps(range),
                    None => true,
                })
                .collect();
            if kept.is_empty() {
                None
            } else if kept.len() == values.len() {
                Some(OutProp::kept(p))
            } else {
                Some(OutProp::written(&p.name, &p.head, &kept.join(",")))
            }
        })
        .collect();
    out
}

/// One instance as its own component (RFC 4791 §9.6.5): DTSTART, DTEND, DUE and
/// RECURRENCE-ID in UTC, recurrence properties gone, everything else as stored in the
/// component the instance comes from (the override's content when overridden).
///
/// All-day values stay DATEs: a DATE has no UTC form, and turning midnight in the
/// floating zone into a UTC DATE-TIME would make clients show a timed event.
fn expanded_instance(
    object: &ParsedObject,
    comp: &Comp,
    instance: &Instance,
    floating: &TimeZone,
) -> OutComp {
    let stamp = |ts: Timestamp| format_time(ts, instance.all_day, floating);
    let mut props = Vec::with_capacity(comp.props.len() + 1);
    let mut rid_written = false;
    for prop in &comp.props {
        let rewritten = match prop.name.as_str() {
            "DTSTART" => instance.start.map(&stamp),
            "DTEND" | "DUE" => instance.end.map(&stamp),
            "RECURRENCE-ID" => {
                rid_written = true;
                instance.recurrence_id.map(&stamp)
            }
            name if RECURRENCE_PROPS.contains(&name) => {
                // The recurrence identifier takes the place of the rule it comes from.
                if !rid_written && let Some(rid) = instance.recurrence_id {
                    rid_written = true;
                    let (head, value) = stamp(rid);
                    props.push(OutProp::written(
                        "RECURRENCE-ID",
                        &format!("RECURRENCE-ID{head}"),
                        &value,
                    ));
                }
                continue;
            }
            _ => {
                props.push(OutProp::kept(prop));
                continue;
            }
        };
        if let Some((params, value)) = rewritten {
            props.push(OutProp::written(
                &prop.name,
                &format!("{}{params}", prop.name),
                &value,
            ));
        }
    }
    if !rid_written && let Some(rid) = instance.recurrence_id {
        let (head, value) = stamp(rid);
        props.push(OutProp::written(
            "RECURRENCE-ID",
            &format!("RECURRENCE-ID{head}"),
            &value,
        ));
    }
    OutComp {
        name: comp.name.clone(),
        written: comp.written.clone(),
        props,
        children: OutComp::kept_children(object, comp),
    }
}

/// The parameters and value of a rewritten time: a UTC DATE-TIME, or the DATE it falls
/// on in the floating zone for all-day instances.
fn format_time(ts: Timestamp, all_day: bool, floating: &TimeZone) -> (String, String) {
    if all_day {
        let date = ts.to_zoned(floating.clone()).date();
        (";VALUE=DATE".into(), date.strftime("%Y%m%d").to_string())
    } else {
        (String::new(), ts.strftime("%Y%m%dT%H%M%SZ").to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_times() {
        let ts: Timestamp = "2006-01-03T17:00:00Z".parse().unwrap();
        assert_eq!(
            format_time(ts, false, &TimeZone::UTC),
            (String::new(), "20060103T170000Z".into())
        );
        let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
        let midnight: Timestamp = "2006-01-03T05:00:00Z".parse().unwrap();
        assert_eq!(
            format_time(midnight, true, &tz),
            (";VALUE=DATE".into(), "20060103".into())
        );
    }

    #[test]
    fn freebusy_periods_are_limited() {
        let data = "BEGIN:VCALENDAR\r\nBEGIN:VFREEBUSY\r\nUID:f\r\nFREEBUSY:20060102T100000Z/PT2H,20060103T100000Z/PT1H\r\nFREEBUSY;FBTYPE=BUSY-TENTATIVE:20060102T100000Z/20060102T120000Z\r\nFREEBUSY:20060105T100000Z/PT1H\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n";
        let object = ParsedObject::parse(data.as_bytes()).unwrap();
        let req = CalendarDataRequest {
            limit_freebusy_set: Some(TimeRange::new(
                "2006-01-02T00:00:00Z".parse().unwrap(),
                "2006-01-03T00:00:00Z".parse().unwrap(),
            )),
            ..Default::default()
        };
        let out = object
            .calendar_data(&req, &QueryOptions::default())
            .unwrap();
        assert_eq!(
            out,
            "BEGIN:VCALENDAR\r\nBEGIN:VFREEBUSY\r\nUID:f\r\nFREEBUSY:20060102T100000Z/PT2H\r\nFREEBUSY;FBTYPE=BUSY-TENTATIVE:20060102T100000Z/20060102T120000Z\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n"
        );
    }

    #[test]
    fn plain_request_returns_the_stored_text() {
        let data = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:1\nEND:VEVENT\nEND:VCALENDAR\n";
        let out = calendar_data(
            &CalendarDataRequest::default(),
            data.as_bytes(),
            &QueryOptions::default(),
        )
        .unwrap();
        assert_eq!(out, data);
    }
}
