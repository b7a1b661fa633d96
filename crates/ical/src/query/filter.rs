//! Whether a resource matches a calendar-query filter (RFC 4791 §9.7, §9.9).

use jiff::Timestamp;

use super::collation::Collation;
use super::options::QueryOptions;
use super::parsed::{Comp, ParsedObject, Prop};
use super::time::{self, Extent};
use super::types::{CompFilter, ParamFilter, PropFilter, TextMatch};
use crate::error::IngestError;
use crate::recur::Zones;
use crate::time_range::TimeRange;
use crate::value::{parse_duration, unescape_text};

/// Whether one stored resource matches the (VCALENDAR-level) filter.
pub fn matches(
    filter: &CompFilter,
    bytes: &[u8],
    opts: &QueryOptions,
) -> Result<bool, IngestError> {
    let parsed = if needs_instances(filter) {
        ParsedObject::parse_with_schedule(bytes)?
    } else {
        ParsedObject::parse(bytes)?
    };
    parsed.matches(filter, opts)
}

/// Whether evaluating `filter` looks at recurrence instances (a comp-filter time-range
/// anywhere in it).
fn needs_instances(filter: &CompFilter) -> bool {
    filter.time_range.is_some() || filter.comp_filters.iter().any(needs_instances)
}

impl ParsedObject {
    /// Whether this resource matches the (VCALENDAR-level) filter. A text-match under a
    /// collation [`super::check_filter`] would refuse never matches.
    pub fn matches(&self, filter: &CompFilter, opts: &QueryOptions) -> Result<bool, IngestError> {
        let root_is = self.root().is_some_and(|r| r.name == filter.name);
        if filter.is_not_defined {
            return Ok(!root_is);
        }
        if !root_is {
            return Ok(false);
        }
        self.comp_holds(0, filter, opts)
    }

    /// Whether component `index` satisfies everything in `filter` but its name.
    fn comp_holds(
        &self,
        index: usize,
        filter: &CompFilter,
        opts: &QueryOptions,
    ) -> Result<bool, IngestError> {
        let Some(comp) = self.comp(index) else {
            return Ok(false);
        };
        if let Some(range) = &filter.time_range
            && !self.overlaps(index, range, opts)?
        {
            return Ok(false);
        }
        if !filter
            .prop_filters
            .iter()
            .all(|pf| prop_filter_holds(comp, pf, self.zones(), opts))
        {
            return Ok(false);
        }
        for sub in &filter.comp_filters {
            let mut named = comp
                .children
                .iter()
                .copied()
                .filter(|&k| self.comp(k).is_some_and(|c| c.name == sub.name));
            if sub.is_not_defined {
                if named.next().is_some() {
                    return Ok(false);
                }
                continue;
            }
            let mut any = false;
            for k in named {
                if self.comp_holds(k, sub, opts)? {
                    any = true;
                    break;
                }
            }
            if !any {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The RFC 4791 §9.9 time-range test for one component.
    fn overlaps(
        &self,
        index: usize,
        range: &TimeRange,
        opts: &QueryOptions,
    ) -> Result<bool, IngestError> {
        let Some(comp) = self.comp(index) else {
            return Ok(false);
        };
        if index == 0 {
            // A time-range on VCALENDAR itself: any of its components overlapping.
            for &t in self.top_level() {
                if self.comp(t).is_some_and(|c| c.calendar_index.is_some())
                    && self.overlaps(t, range, opts)?
                {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        match comp.name.as_str() {
            "VFREEBUSY" => Ok(freebusy_overlaps(comp, self.zones(), range)),
            "VALARM" => self.alarm_overlaps(index, range, opts),
            _ => match comp.calendar_index {
                Some(ci) => {
                    let expansion = self.instances(range, &opts.floating, opts.expansion_cap)?;
                    Ok(expansion.instances.iter().any(|i| i.component == ci))
                }
                // VAVAILABILITY, observances, unknown components: no time semantics here.
                None => Ok(false),
            },
        }
    }

    /// VALARM: whether any trigger of this alarm, for any instance of its component,
    /// falls in `[start, end)` (RFC 4791 §9.9).
    fn alarm_overlaps(
        &self,
        index: usize,
        range: &TimeRange,
        opts: &QueryOptions,
    ) -> Result<bool, IngestError> {
        let Some(alarm) = self.comp(index) else {
            return Ok(false);
        };
        let Some(parent) = self.comp(alarm.top) else {
            return Ok(false);
        };
        let Some(ci) = parent.calendar_index else {
            return Ok(false);
        };
        let Some(position) = parent
            .children
            .iter()
            .filter(|&&k| self.comp(k).is_some_and(|c| c.name == "VALARM"))
            .position(|&k| k == index)
        else {
            return Ok(false);
        };
        let trigger = alarm.prop("TRIGGER");
        if let Some(trigger) = trigger
            && trigger
                .param("VALUE")
                .is_some_and(|v| v.eq_ignore_ascii_case("DATE-TIME"))
        {
            // An absolute trigger fires at its own time, whatever the instance.
            return Ok(time::extents(trigger, self.zones(), &opts.floating)
                .iter()
                .any(|e| e.overlaps(range)));
        }
        // A relative trigger fires within `reach` of its instance's start or end, so only
        // instances overlapping the range widened by that much can have one in it.
        let window = widen(range, alarm_reach(alarm));
        let expansion = self.instances(&window, &opts.floating, opts.expansion_cap)?;
        let schedule = self.schedule()?;
        Ok(expansion
            .instances
            .iter()
            .filter(|i| i.component == ci)
            .flat_map(|i| schedule.alarm_triggers(i, &opts.floating))
            .any(|t| t.alarm == position && Extent::Instant(t.at).overlaps(range)))
    }
}

/// How far from its instance's start or end a relative alarm can fire, in seconds, with
/// a day's margin for the wall-clock days of a nominal DURATION.
fn alarm_reach(alarm: &Comp) -> i64 {
    let offset = alarm
        .prop("TRIGGER")
        .and_then(|t| parse_duration(&t.value))
        .unwrap_or(0)
        .saturating_abs();
    let repeat = alarm
        .prop("REPEAT")
        .and_then(|r| r.value.trim().parse::<i64>().ok())
        .unwrap_or(0)
        .clamp(0, 1_000);
    let every = alarm
        .prop("DURATION")
        .and_then(|d| parse_duration(&d.value))
        .unwrap_or(0)
        .saturating_abs();
    offset
        .saturating_add(repeat.saturating_mul(every))
        .saturating_add(86_400)
}

/// `range` grown by `secs` on both sides (unbounded sides stay unbounded).
fn widen(range: &TimeRange, secs: i64) -> TimeRange {
    let by = jiff::SignedDuration::from_secs(secs);
    TimeRange {
        start: range
            .start
            .map(|s| s.checked_sub(by).unwrap_or(Timestamp::MIN)),
        end: range
            .end
            .map(|e| e.checked_add(by).unwrap_or(Timestamp::MAX)),
    }
}

/// RFC 4791 §9.9 for VFREEBUSY: DTSTART/DTEND when both are there, else any FREEBUSY
/// period, else no overlap.
fn freebusy_overlaps(comp: &Comp, zones: &Zones, range: &TimeRange) -> bool {
    let utc = jiff::tz::TimeZone::UTC;
    let start = comp
        .prop("DTSTART")
        .and_then(|p| time::start_of(p, zones, &utc));
    let end = comp
        .prop("DTEND")
        .and_then(|p| time::start_of(p, zones, &utc));
    if let (Some(start), Some(end)) = (start, end) {
        // The table's `start <= DTEND`: a range starting at DTEND still overlaps.
        return range.start.is_none_or(|s| s <= end) && range.end.is_none_or(|e| e > start);
    }
    comp.props_named("FREEBUSY")
        .flat_map(|p| time::extents(p, zones, &utc))
        .any(|e| e.overlaps(range))
}

/// Whether `comp` satisfies a prop-filter: with is-not-defined, no such property; else
/// one property of that name meets every condition at once.
fn prop_filter_holds(comp: &Comp, filter: &PropFilter, zones: &Zones, opts: &QueryOptions) -> bool {
    let mut props = comp.props_named(&filter.name);
    if filter.is_not_defined {
        return props.next().is_none();
    }
    props.any(|p| {
        filter.time_range.as_ref().is_none_or(|range| {
            time::extents(p, zones, &opts.floating)
                .iter()
                .any(|e| e.overlaps(range))
        }) && filter
            .text_match
            .as_ref()
            .is_none_or(|tm| text_matches(tm, &property_texts(p)))
            && filter
                .param_filters
                .iter()
                .all(|pf| param_filter_holds(p, pf))
    })
}

fn param_filter_holds(prop: &Prop, filter: &ParamFilter) -> bool {
    let mut params = prop.params.iter().filter(|(n, _)| *n == filter.name);
    if filter.is_not_defined {
        return params.next().is_none();
    }
    params.any(|(_, values)| {
        filter
            .text_match
            .as_ref()
            .is_none_or(|tm| text_matches(tm, values))
    })
}

/// A text-match against the values of one property or parameter: any value containing
/// the text matches; negate-condition inverts the outcome.
fn text_matches<S: AsRef<str>>(tm: &TextMatch, values: &[S]) -> bool {
    let Some(collation) = Collation::from_name(&tm.collation) else {
        return false;
    };
    let found = values
        .iter()
        .any(|v| collation.contains(v.as_ref(), &tm.value));
    found != tm.negate
}

/// Properties whose values are not TEXT: matched on the value as written.
const NOT_TEXT: [&str; 27] = [
    "ATTACH",
    "ATTENDEE",
    "COMPLETED",
    "CREATED",
    "DTEND",
    "DTSTAMP",
    "DTSTART",
    "DUE",
    "DURATION",
    "EXDATE",
    "FREEBUSY",
    "GEO",
    "LAST-MODIFIED",
    "ORGANIZER",
    "PERCENT-COMPLETE",
    "PRIORITY",
    "RDATE",
    "RECURRENCE-ID",
    "REPEAT",
    "RRULE",
    "SEQUENCE",
    "TRIGGER",
    "TZOFFSETFROM",
    "TZOFFSETTO",
    "TZURL",
    "URL",
    "EXRULE",
];

/// TEXT properties that hold a comma-separated list (RFC 5545 §3.8.1.2, §3.8.1.10).
const TEXT_LISTS: [&str; 2] = ["CATEGORIES", "RESOURCES"];

/// The values a text-match sees: TEXT unescaped (list properties split into their items),
/// other types as written.
fn property_texts(prop: &Prop) -> Vec<String> {
    let is_text = match prop.param("VALUE") {
        Some(v) => v.eq_ignore_ascii_case("TEXT"),
        None => !NOT_TEXT.contains(&prop.name.as_str()),
    };
    if !is_text {
        return vec![prop.value.clone()];
    }
    if TEXT_LISTS.contains(&prop.name.as_str()) {
        split_text_list(&prop.value)
            .into_iter()
            .map(unescape_text)
            .collect()
    } else {
        vec![unescape_text(&prop.value)]
    }
}

/// Splits a TEXT list at commas that are not escaped.
fn split_text_list(value: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, b) in value.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b',' => {
                items.push(value.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(value.get(start..).unwrap_or_default());
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENT: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\nBEGIN:VEVENT\r\nUID:a\\,b@x\r\nDTSTAMP:20060206T001102Z\r\nDTSTART:20060102T100000Z\r\nSUMMARY:Réunion\\, équipe\r\nCATEGORIES:WORK,Team\\, core\r\nATTENDEE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:lisa@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:cyrus@example.com\r\nX-EMPTY:\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER;VALUE=DATE-TIME:20060101T090000Z\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn run(filter: &CompFilter) -> bool {
        matches(filter, EVENT.as_bytes(), &QueryOptions::default()).unwrap()
    }

    fn vevent(f: impl FnOnce(&mut CompFilter)) -> CompFilter {
        let mut ev = CompFilter::named("VEVENT");
        f(&mut ev);
        let mut cal = CompFilter::named("VCALENDAR");
        cal.comp_filters.push(ev);
        cal
    }

    fn prop(name: &str, f: impl FnOnce(&mut PropFilter)) -> PropFilter {
        let mut p = PropFilter::named(name);
        f(&mut p);
        p
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn comp_filters_and_is_not_defined_at_each_level() {
        assert!(run(&CompFilter::named("VCALENDAR")));
        assert!(!run(&CompFilter::named("VEVENT")));
        let mut not_cal = CompFilter::named("VCALENDAR");
        not_cal.is_not_defined = true;
        assert!(!run(&not_cal));
        assert!(run(&vevent(|_| {})));
        let mut todo = CompFilter::named("VCALENDAR");
        todo.comp_filters.push(CompFilter::named("VTODO"));
        assert!(!run(&todo));
        todo.comp_filters[0].is_not_defined = true;
        assert!(run(&todo));
        assert!(run(&vevent(|e| e
            .comp_filters
            .push(CompFilter::named("VALARM")))));
        assert!(!run(&vevent(|e| {
            let mut alarm = CompFilter::named("VALARM");
            alarm.is_not_defined = true;
            e.comp_filters.push(alarm);
        })));
    }

    #[test]
    fn prop_filters() {
        assert!(run(&vevent(|e| e
            .prop_filters
            .push(PropFilter::named("UID")))));
        assert!(!run(&vevent(|e| e
            .prop_filters
            .push(PropFilter::named("DESCRIPTION")))));
        assert!(run(&vevent(|e| e
            .prop_filters
            .push(prop("DESCRIPTION", |p| p.is_not_defined = true)))));
        assert!(!run(&vevent(|e| e
            .prop_filters
            .push(prop("UID", |p| p.is_not_defined = true)))));
        // An empty value still defines the property.
        assert!(run(&vevent(|e| e
            .prop_filters
            .push(PropFilter::named("X-EMPTY")))));
    }

    #[test]
    fn text_match_unescapes_text_and_splits_lists() {
        let text = |name: &str, value: &str, collation: &str| {
            vevent(|e| {
                e.prop_filters.push(prop(name, |p| {
                    p.text_match = Some(TextMatch::new(value, collation));
                }));
            })
        };
        assert!(run(&text(
            "SUMMARY",
            "réunion, ÉQUIPE",
            "i;unicode-casemap"
        )));
        assert!(!run(&text("SUMMARY", "réunion\\,", "i;octet")));
        assert!(run(&text("UID", "a,b@x", "i;octet")));
        assert!(run(&text("CATEGORIES", "team, core", "i;ascii-casemap")));
        assert!(!run(&text("CATEGORIES", "work,team", "i;ascii-casemap")));
        assert!(run(&text("ATTENDEE", "LISA@example", "i;ascii-casemap")));
        assert!(!run(&text("ATTENDEE", "LISA@example", "i;octet")));
        assert!(!run(&text("SUMMARY", "x", "i;bogus")));
    }

    #[test]
    fn negate_condition() {
        let negated = |value: &str| {
            vevent(|e| {
                e.prop_filters.push(prop("SUMMARY", |p| {
                    let mut tm = TextMatch::new(value, "i;ascii-casemap");
                    tm.negate = true;
                    p.text_match = Some(tm);
                }));
            })
        };
        assert!(run(&negated("meeting")));
        assert!(!run(&negated("réUNION")));
        // i;ascii-casemap leaves É alone, so this text is not found and the negation holds.
        assert!(run(&negated("RÉUNION")));
        // Negation is about the value, not about the property's presence.
        let absent = vevent(|e| {
            e.prop_filters.push(prop("LOCATION", |p| {
                let mut tm = TextMatch::new("x", "i;octet");
                tm.negate = true;
                p.text_match = Some(tm);
            }));
        });
        assert!(!run(&absent));
    }

    #[test]
    fn param_filters_apply_to_the_same_property() {
        let attendee = |who: &str, partstat: &str| {
            vevent(|e| {
                e.prop_filters.push(prop("ATTENDEE", |p| {
                    p.text_match = Some(TextMatch::new(who, "i;ascii-casemap"));
                    p.param_filters.push(ParamFilter {
                        name: "PARTSTAT".into(),
                        is_not_defined: false,
                        text_match: Some(TextMatch::new(partstat, "i;ascii-casemap")),
                    });
                }));
            })
        };
        assert!(run(&attendee("lisa", "needs-action")));
        assert!(run(&attendee("cyrus", "accepted")));
        assert!(!run(&attendee("lisa", "accepted")));
        let role_absent = vevent(|e| {
            e.prop_filters.push(prop("ATTENDEE", |p| {
                p.text_match = Some(TextMatch::new("cyrus", "i;octet"));
                p.param_filters.push(ParamFilter {
                    name: "ROLE".into(),
                    is_not_defined: true,
                    text_match: None,
                });
            }));
        });
        assert!(run(&role_absent));
        let role_present = vevent(|e| {
            e.prop_filters.push(prop("ATTENDEE", |p| {
                p.param_filters.push(ParamFilter {
                    name: "ROLE".into(),
                    is_not_defined: false,
                    text_match: None,
                });
            }));
        });
        assert!(run(&role_present));
    }

    #[test]
    fn prop_time_range_on_date_time_values() {
        let stamp = |start: &str, end: &str| {
            vevent(|e| {
                e.prop_filters.push(prop("DTSTAMP", |p| {
                    p.time_range = Some(TimeRange::new(ts(start), ts(end)));
                }));
            })
        };
        assert!(run(&stamp("2006-02-06T00:11:02Z", "2006-02-06T00:11:03Z")));
        assert!(!run(&stamp("2006-02-06T00:11:03Z", "2006-02-07T00:00:00Z")));
        assert!(!run(&stamp("2006-02-05T00:00:00Z", "2006-02-06T00:11:02Z")));
    }

    #[test]
    fn absolute_alarm_trigger() {
        let alarm = |start: &str, end: &str| {
            vevent(|e| {
                let mut a = CompFilter::named("VALARM");
                a.time_range = Some(TimeRange::new(ts(start), ts(end)));
                e.comp_filters.push(a);
            })
        };
        assert!(run(&alarm("2006-01-01T09:00:00Z", "2006-01-01T09:00:01Z")));
        assert!(!run(&alarm("2006-01-01T09:00:01Z", "2006-01-02T00:00:00Z")));
    }

    #[test]
    fn freebusy_time_range_table() {
        let with_extent = "BEGIN:VCALENDAR\r\nBEGIN:VFREEBUSY\r\nUID:f\r\nDTSTART:20060101T000000Z\r\nDTEND:20060108T000000Z\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n";
        let periods_only = "BEGIN:VCALENDAR\r\nBEGIN:VFREEBUSY\r\nUID:f\r\nFREEBUSY:20060102T100000Z/PT2H\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n";
        let neither =
            "BEGIN:VCALENDAR\r\nBEGIN:VFREEBUSY\r\nUID:f\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n";
        let check = |data: &str, start: &str, end: &str| {
            let mut fb = CompFilter::named("VFREEBUSY");
            fb.time_range = Some(TimeRange::new(ts(start), ts(end)));
            let mut cal = CompFilter::named("VCALENDAR");
            cal.comp_filters.push(fb);
            matches(&cal, data.as_bytes(), &QueryOptions::default()).unwrap()
        };
        assert!(check(
            with_extent,
            "2006-01-08T00:00:00Z",
            "2006-01-09T00:00:00Z"
        ));
        assert!(!check(
            with_extent,
            "2006-01-08T00:00:01Z",
            "2006-01-09T00:00:00Z"
        ));
        assert!(!check(
            with_extent,
            "2005-12-31T00:00:00Z",
            "2006-01-01T00:00:00Z"
        ));
        assert!(check(
            periods_only,
            "2006-01-02T11:00:00Z",
            "2006-01-02T13:00:00Z"
        ));
        assert!(!check(
            periods_only,
            "2006-01-02T12:00:00Z",
            "2006-01-02T13:00:00Z"
        ));
        assert!(!check(
            neither,
            "2000-01-01T00:00:00Z",
            "2100-01-01T00:00:00Z"
        ));
    }

    #[test]
    fn text_lists_split_on_unescaped_commas() {
        assert_eq!(split_text_list(r"a,b\,c,,d"), vec!["a", r"b\,c", "", "d"]);
        assert_eq!(split_text_list(""), vec![""]);
        assert_eq!(split_text_list(r"x\\,y"), vec![r"x\\", "y"]);
    }
}
