//! Whole-calendar files: splitting an `.ics` file into calendar object resources (one per
//! UID, with the time zones they use) for import, and joining resources into one file
//! for export. Lines are copied as they are (only refolded): nothing is reinterpreted.

use std::collections::BTreeMap;

use crate::error::IngestError;
use crate::fold::push_folded;
use crate::unfold::unfold;

/// One calendar object resource cut out of a larger file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitResource {
    /// The UID its components share.
    pub uid: String,
    /// A VCALENDAR holding those components and the VTIMEZONEs they name.
    pub text: String,
}

/// Why a file could not be split.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    /// The bytes are not readable iCalendar lines.
    #[error(transparent)]
    Lines(#[from] IngestError),
    /// BEGIN/END do not nest, or there is no VCALENDAR.
    #[error("line {0}: {1}")]
    Structure(usize, &'static str),
    /// A component has no UID (RFC 5545 requires one).
    #[error("line {0}: component without UID")]
    MissingUid(usize),
}

/// A top-level component as its lines.
struct Block {
    name: String,
    lines: Vec<String>,
    uid: Option<String>,
    tzids: Vec<String>,
    tzid: Option<String>,
    start_line: usize,
}

fn prop_name(line: &str) -> &str {
    let end = line.find([':', ';']).unwrap_or(line.len());
    &line[..end]
}

fn prop_value(line: &str) -> &str {
    // The value starts after the first colon outside a quoted parameter value.
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ':' if !quoted => return &line[i + 1..],
            _ => {}
        }
    }
    ""
}

/// TZID parameter values on a content line.
fn tzid_params(line: &str, into: &mut Vec<String>) {
    let head_end = {
        let mut quoted = false;
        line.char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                c == ':' && !quoted
            })
            .map_or(line.len(), |(i, _)| i)
    };
    for param in line[..head_end].split(';').skip(1) {
        if let Some((k, v)) = param.split_once('=')
            && k.eq_ignore_ascii_case("TZID")
        {
            let v = v.trim_matches('"').to_owned();
            if !into.contains(&v) {
                into.push(v);
            }
        }
    }
}

/// Reads the VCALENDAR(s) of a file into calendar properties and top-level blocks.
fn blocks(bytes: &[u8]) -> Result<(Vec<String>, Vec<Block>), SplitError> {
    let unfolded = unfold(bytes)?;
    let mut cal_props = Vec::new();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<Block> = None;
    let mut seen_calendar = false;
    for (line_no, line) in unfolded.lines() {
        if line.is_empty() {
            continue;
        }
        let name = prop_name(line);
        let value = prop_value(line);
        if name.eq_ignore_ascii_case("BEGIN") {
            depth += 1;
            match depth {
                1 if value.eq_ignore_ascii_case("VCALENDAR") => seen_calendar = true,
                1 => return Err(SplitError::Structure(line_no, "expected BEGIN:VCALENDAR")),
                2 => {
                    current = Some(Block {
                        name: value.to_ascii_uppercase(),
                        lines: vec![line.to_owned()],
                        uid: None,
                        tzids: Vec::new(),
                        tzid: None,
                        start_line: line_no,
                    })
                }
                _ => {
                    if let Some(b) = current.as_mut() {
                        b.lines.push(line.to_owned());
                    }
                }
            }
            continue;
        }
        if name.eq_ignore_ascii_case("END") {
            if depth == 0 {
                return Err(SplitError::Structure(line_no, "END without BEGIN"));
            }
            if depth >= 2 {
                if let Some(b) = current.as_mut() {
                    b.lines.push(line.to_owned());
                }
                if depth == 2
                    && let Some(b) = current.take()
                {
                    out.push(b);
                }
            }
            depth -= 1;
            continue;
        }
        match (depth, current.as_mut()) {
            (1, _) => cal_props.push(line.to_owned()),
            (d, Some(b)) if d >= 2 => {
                if d == 2 && name.eq_ignore_ascii_case("UID") {
                    b.uid = Some(value.to_owned());
                }
                if d == 2 && name.eq_ignore_ascii_case("TZID") {
                    b.tzid = Some(value.to_owned());
                }
                tzid_params(line, &mut b.tzids);
                b.lines.push(line.to_owned());
            }
            _ => return Err(SplitError::Structure(line_no, "content outside VCALENDAR")),
        }
    }
    if depth != 0 || !seen_calendar {
        return Err(SplitError::Structure(
            0,
            "unterminated or missing VCALENDAR",
        ));
    }
    Ok((cal_props, out))
}

fn header(out: &mut String, extra: &[String]) {
    push_folded(out, "BEGIN:VCALENDAR");
    push_folded(out, "VERSION:2.0");
    let prodid = extra
        .iter()
        .find(|l| prop_name(l).eq_ignore_ascii_case("PRODID"))
        .map_or("PRODID:-//Kairos//Kairos//EN", String::as_str);
    push_folded(out, prodid);
    for l in extra {
        if prop_name(l).eq_ignore_ascii_case("CALSCALE") {
            push_folded(out, l);
        }
    }
}

/// Splits a file into resources: components grouped by UID (a master and its overrides
/// stay together), each with the VTIMEZONEs its lines name. Calendar-level METHOD and
/// X-WR-* lines are dropped: they describe the file, not an event.
pub fn split_calendar(bytes: &[u8]) -> Result<Vec<SplitResource>, SplitError> {
    let (cal_props, blocks) = blocks(bytes)?;
    let mut zones: BTreeMap<String, &Block> = BTreeMap::new();
    let mut groups: Vec<(String, Vec<&Block>)> = Vec::new();
    for b in &blocks {
        if b.name == "VTIMEZONE" {
            if let Some(id) = &b.tzid {
                zones.entry(id.clone()).or_insert(b);
            }
            continue;
        }
        let uid = b.uid.clone().ok_or(SplitError::MissingUid(b.start_line))?;
        match groups.iter_mut().find(|(u, _)| *u == uid) {
            Some((_, list)) => list.push(b),
            None => groups.push((uid, vec![b])),
        }
    }
    Ok(groups
        .into_iter()
        .map(|(uid, comps)| {
            let mut text = String::new();
            header(&mut text, &cal_props);
            let mut used: Vec<&str> = Vec::new();
            for c in &comps {
                for z in &c.tzids {
                    if !used.contains(&z.as_str()) {
                        used.push(z);
                    }
                }
            }
            for z in used {
                if let Some(zone) = zones.get(z) {
                    zone.lines.iter().for_each(|l| push_folded(&mut text, l));
                }
            }
            for c in comps {
                c.lines.iter().for_each(|l| push_folded(&mut text, l));
            }
            push_folded(&mut text, "END:VCALENDAR");
            SplitResource { uid, text }
        })
        .collect())
}

/// Joins stored resources into one file: their components in the given order, each
/// VTIMEZONE once (the first definition of a TZID wins). `name` becomes X-WR-CALNAME,
/// which most clients show as the calendar's name. Unreadable parts are skipped.
pub fn merge_calendars<'a>(
    parts: impl IntoIterator<Item = &'a [u8]>,
    name: Option<&str>,
) -> String {
    let mut zones: Vec<(String, Vec<String>)> = Vec::new();
    let mut comps: Vec<Vec<String>> = Vec::new();
    for part in parts {
        let Ok((_, blocks)) = blocks(part) else {
            continue;
        };
        for b in blocks {
            if b.name == "VTIMEZONE" {
                let id = b.tzid.clone().unwrap_or_default();
                if !zones.iter().any(|(z, _)| *z == id) {
                    zones.push((id, b.lines));
                }
            } else {
                comps.push(b.lines);
            }
        }
    }
    let mut out = String::new();
    header(&mut out, &[]);
    if let Some(n) = name {
        let escaped = n
            .replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
            .replace('\n', "\\n");
        push_folded(&mut out, &format!("X-WR-CALNAME:{escaped}"));
    }
    for (_, lines) in &zones {
        lines.iter().for_each(|l| push_folded(&mut out, l));
    }
    for lines in &comps {
        lines.iter().for_each(|l| push_folded(&mut out, l));
    }
    push_folded(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:PUBLISH\r\n\
BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\n\
TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
BEGIN:VTIMEZONE\r\nTZID:Unused/Zone\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\n\
RRULE:FREQ=DAILY\r\nSUMMARY:A\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT5M\r\n\
DESCRIPTION:x\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T090000Z\r\nSUMMARY:B\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID;TZID=\"Europe/Berlin\":20260106T090000\r\n\
DTSTART;TZID=Europe/Berlin:20260106T100000\r\nSUMMARY:A moved\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn splits_by_uid_with_the_zones_each_uses() {
        let parts = split_calendar(FILE.as_bytes()).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].uid, "a");
        let a = &parts[0].text;
        assert!(a.contains("TZID:Europe/Berlin") && !a.contains("Unused/Zone"));
        assert!(a.contains("SUMMARY:A moved") && a.contains("BEGIN:VALARM"));
        assert!(
            !a.contains("METHOD"),
            "METHOD describes the file, not the event"
        );
        assert!(a.contains("PRODID:-//Test//EN"));
        assert!(!parts[1].text.contains("VTIMEZONE"));
        for p in &parts {
            crate::ingest(p.text.as_bytes()).unwrap();
        }
    }

    #[test]
    fn merging_keeps_each_zone_once_and_round_trips() {
        let parts = split_calendar(FILE.as_bytes()).unwrap();
        let merged = merge_calendars(parts.iter().map(|p| p.text.as_bytes()), Some("Work; home"));
        assert_eq!(merged.matches("BEGIN:VTIMEZONE").count(), 1);
        assert_eq!(merged.matches("BEGIN:VEVENT").count(), 3);
        assert!(merged.contains("X-WR-CALNAME:Work\\; home"));
        let again = split_calendar(merged.as_bytes()).unwrap();
        assert_eq!(
            again,
            parts
                .iter()
                .map(|p| SplitResource {
                    uid: p.uid.clone(),
                    text: p
                        .text
                        .replace("PRODID:-//Test//EN", "PRODID:-//Kairos//Kairos//EN"),
                })
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn refuses_what_it_cannot_split() {
        for bad in [
            "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n",
            "END:VCALENDAR\r\n",
            "",
        ] {
            assert!(split_calendar(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }
}
