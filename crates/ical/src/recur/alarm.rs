//! VALARM triggers of an instance (RFC 5545 §3.8.6.3, §3.8.6.2; RFC 4791 §9.9).

use jiff::tz::TimeZone;

use super::model::{Comp, Trigger};
use super::{AlarmTrigger, Instance};

/// Repetitions honoured per alarm; REPEAT is an integer a client could set to anything.
const MAX_REPEAT: u32 = 1_000;

/// The triggers of `instance` of `comp`: one per alarm, plus its REPEAT repetitions.
pub(crate) fn triggers(comp: &Comp, instance: &Instance, floating: &TimeZone) -> Vec<AlarmTrigger> {
    // Nominal days in a trigger offset follow the wall clock of the instance's zone.
    let zone = comp
        .dtstart
        .as_ref()
        .or(comp.due.as_ref())
        .map_or(TimeZone::UTC, |t| t.frame.zone(floating));
    let mut out = Vec::new();
    for (index, alarm) in comp.alarms.iter().enumerate() {
        let first = match alarm.trigger {
            Trigger::Absolute(at) => Some(at),
            Trigger::Relative { to_end, offset } => {
                // RELATED=END without an end (RFC 5545 calls it an error) falls back to the
                // start; a to-do with only DUE is anchored there either way.
                let anchor = if to_end {
                    instance.end.or(instance.start)
                } else {
                    instance.start.or(instance.end)
                };
                anchor.and_then(|a| offset.add_to(a, &zone))
            }
        };
        let Some(first) = first else { continue };
        out.push(AlarmTrigger {
            alarm: index,
            at: first,
        });
        if let Some(every) = alarm.every {
            let mut at = first;
            for _ in 0..alarm.repeat.min(MAX_REPEAT) {
                let Some(next) = every.add_to(at, &zone) else {
                    break;
                };
                at = next;
                out.push(AlarmTrigger { alarm: index, at });
            }
        }
    }
    out
}
