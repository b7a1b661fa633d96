//! RRULE syntax (RFC 5545 §3.3.10, RFC 7529 RSCALE/SKIP). Expansion lives elsewhere.

use super::datetime::parse_date_or_date_time;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Freq {
    Secondly,
    Minutely,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

fn freq(s: &str) -> Option<Freq> {
    const ALL: [(&str, Freq); 7] = [
        ("SECONDLY", Freq::Secondly),
        ("MINUTELY", Freq::Minutely),
        ("HOURLY", Freq::Hourly),
        ("DAILY", Freq::Daily),
        ("WEEKLY", Freq::Weekly),
        ("MONTHLY", Freq::Monthly),
        ("YEARLY", Freq::Yearly),
    ];
    ALL.iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(s))
        .map(|&(_, f)| f)
}

fn is_weekday(s: &str) -> bool {
    ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
        .iter()
        .any(|d| d.eq_ignore_ascii_case(s))
}

/// `[+/-] 1*3DIGIT` with the magnitude in `min..=max`; a sign only where `signed`.
fn int_in(s: &str, signed: bool, min: u32, max: u32) -> Option<()> {
    let digits = match s.as_bytes().first()? {
        b'+' | b'-' if signed => s.get(1..)?,
        _ => s,
    };
    if digits.is_empty() || digits.len() > 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    (min..=max).contains(&n).then_some(())
}

/// Every comma-separated element passes `ok`.
fn list(value: &str, ok: impl Fn(&str) -> bool) -> bool {
    value.split(',').all(ok)
}

/// A BYDAY element: `[[+/-] 1..53] weekday`; returns whether it has an ordinal.
fn byday(s: &str) -> Option<bool> {
    let split = s.len().checked_sub(2)?;
    let (ordinal, day) = (s.get(..split)?, s.get(split..)?);
    if !is_weekday(day) {
        return None;
    }
    if ordinal.is_empty() {
        return Some(false);
    }
    int_in(ordinal, true, 1, 53).map(|()| true)
}

/// A BYMONTH element: `1..12`, or with RSCALE a leap month `1..12 "L"`; returns whether leap.
fn bymonth(s: &str) -> Option<bool> {
    match s.strip_suffix(['L', 'l']) {
        Some(n) => int_in(n, false, 1, 12).map(|()| true),
        None => int_in(s, false, 1, 12).map(|()| false),
    }
}

const PARTS: [&str; 16] = [
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
    "RSCALE",
    "SKIP",
];

/// Checks an RRULE value; the error says what is wrong.
pub(crate) fn check_rrule(value: &str) -> Result<(), String> {
    let mut seen = [false; PARTS.len()];
    let mut freq_value = None;
    let mut byday_ordinal = false;
    let mut leap_month = false;
    // Real clients end rules with ";" now and then; empty parts carry nothing.
    for part in value.split(';').filter(|p| !p.is_empty()) {
        let Some((name, v)) = part.split_once('=') else {
            return Err(format!("rule part {part:?} has no '='"));
        };
        let Some(index) = PARTS.iter().position(|p| p.eq_ignore_ascii_case(name)) else {
            return Err(format!("unknown rule part {name:?}"));
        };
        if std::mem::replace(&mut seen[index], true) {
            return Err(format!("{} given twice", PARTS[index]));
        }
        let ok = match PARTS[index] {
            "FREQ" => {
                freq_value = freq(v);
                freq_value.is_some()
            }
            "UNTIL" => parse_date_or_date_time(v).is_some(),
            "COUNT" => v.len() <= 9 && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()),
            "INTERVAL" => {
                v.len() <= 9
                    && !v.is_empty()
                    && v.bytes().all(|b| b.is_ascii_digit())
                    && v.bytes().any(|b| b != b'0')
            }
            "BYSECOND" => list(v, |e| int_in(e, false, 0, 60).is_some()),
            "BYMINUTE" => list(v, |e| int_in(e, false, 0, 59).is_some()),
            "BYHOUR" => list(v, |e| int_in(e, false, 0, 23).is_some()),
            "BYDAY" => v.split(',').all(|e| match byday(e) {
                Some(ordinal) => {
                    byday_ordinal |= ordinal;
                    true
                }
                None => false,
            }),
            "BYMONTHDAY" => list(v, |e| int_in(e, true, 1, 31).is_some()),
            "BYYEARDAY" | "BYSETPOS" => list(v, |e| int_in(e, true, 1, 366).is_some()),
            "BYWEEKNO" => list(v, |e| int_in(e, true, 1, 53).is_some()),
            "BYMONTH" => v.split(',').all(|e| match bymonth(e) {
                Some(leap) => {
                    leap_month |= leap;
                    true
                }
                None => false,
            }),
            "WKST" => is_weekday(v),
            "RSCALE" => !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "SKIP" => ["OMIT", "BACKWARD", "FORWARD"]
                .iter()
                .any(|s| s.eq_ignore_ascii_case(v)),
            _ => false,
        };
        if !ok {
            return Err(format!("bad {} value {v:?}", PARTS[index]));
        }
    }
    let has = |name: &str| {
        PARTS
            .iter()
            .position(|p| *p == name)
            .is_some_and(|i| seen[i])
    };
    let Some(freq) = freq_value else {
        return Err("FREQ is required".into());
    };
    if has("UNTIL") && has("COUNT") {
        return Err("UNTIL and COUNT are exclusive".into());
    }
    // The MUST NOTs of RFC 5545 §3.3.10: an expander cannot give these a meaning.
    if byday_ordinal && !(freq == Freq::Monthly || (freq == Freq::Yearly && !has("BYWEEKNO"))) {
        return Err("BYDAY ordinals need FREQ=MONTHLY or FREQ=YEARLY without BYWEEKNO".into());
    }
    if has("BYWEEKNO") && freq != Freq::Yearly {
        return Err("BYWEEKNO needs FREQ=YEARLY".into());
    }
    if has("BYYEARDAY") && matches!(freq, Freq::Daily | Freq::Weekly | Freq::Monthly) {
        return Err("BYYEARDAY cannot be used with FREQ=DAILY, WEEKLY or MONTHLY".into());
    }
    if has("BYMONTHDAY") && freq == Freq::Weekly {
        return Err("BYMONTHDAY cannot be used with FREQ=WEEKLY".into());
    }
    if has("BYSETPOS")
        && !PARTS
            .iter()
            .zip(seen)
            .any(|(p, s)| s && p.starts_with("BY") && *p != "BYSETPOS")
    {
        return Err("BYSETPOS needs another BYxxx part".into());
    }
    if (has("SKIP") || leap_month) && !has("RSCALE") {
        return Err("SKIP and leap months need RSCALE".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule from the examples of RFC 5545 §3.8.5.3.
    const RFC5545_RULES: &[&str] = &[
        "FREQ=DAILY;COUNT=10",
        "FREQ=DAILY;UNTIL=19971224T000000Z",
        "FREQ=DAILY;INTERVAL=2",
        "FREQ=DAILY;INTERVAL=10;COUNT=5",
        "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
        "FREQ=WEEKLY;COUNT=10",
        "FREQ=WEEKLY;UNTIL=19971224T000000Z",
        "FREQ=WEEKLY;INTERVAL=2;WKST=SU",
        "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
        "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
        "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
        "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
        "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
        "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
        "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
        "FREQ=MONTHLY;BYMONTHDAY=-3",
        "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
        "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
        "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
        "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
        "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
        "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
        "FREQ=YEARLY;BYDAY=20MO",
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        "FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
        "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
        "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
        "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
        "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
        "FREQ=MINUTELY;INTERVAL=15;COUNT=6",
        "FREQ=MINUTELY;INTERVAL=90;COUNT=4",
        "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
        "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
        "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
        "FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    ];

    #[test]
    fn rfc5545_examples_pass() {
        for rule in RFC5545_RULES {
            assert_eq!(check_rrule(rule), Ok(()), "{rule}");
        }
    }

    #[test]
    fn lenient_forms_pass() {
        for rule in [
            "freq=weekly;byday=mo",
            "FREQ=DAILY;",
            "FREQ=DAILY;UNTIL=20250101",
            "FREQ=YEARLY;BYDAY=+1MO;BYMONTH=5",
            "RSCALE=CHINESE;FREQ=YEARLY;BYMONTH=5L;SKIP=FORWARD",
            "FREQ=SECONDLY;BYSECOND=60",
        ] {
            assert_eq!(check_rrule(rule), Ok(()), "{rule}");
        }
    }

    #[test]
    fn bad_rules_fail() {
        for rule in [
            "",
            "COUNT=5",
            "FREQ=FORTNIGHTLY",
            "FREQ=DAILY;FREQ=DAILY",
            "FREQ=DAILY;COUNT=5;UNTIL=20250101",
            "FREQ=DAILY;COUNT=x",
            "FREQ=DAILY;COUNT=",
            "FREQ=DAILY;INTERVAL=0",
            "FREQ=DAILY;INTERVAL=-1",
            "FREQ=DAILY;UNTIL=2025",
            "FREQ=DAILY;BYHOUR=24",
            "FREQ=DAILY;BYMINUTE=60",
            "FREQ=DAILY;BYSECOND=61",
            "FREQ=MONTHLY;BYMONTHDAY=0",
            "FREQ=MONTHLY;BYMONTHDAY=32",
            "FREQ=MONTHLY;BYMONTHDAY=1,,2",
            "FREQ=YEARLY;BYYEARDAY=367",
            "FREQ=YEARLY;BYWEEKNO=54",
            "FREQ=YEARLY;BYMONTH=13",
            "FREQ=YEARLY;BYMONTH=5L",
            "FREQ=MONTHLY;BYDAY=0MO",
            "FREQ=MONTHLY;BYDAY=54MO",
            "FREQ=MONTHLY;BYDAY=1XX",
            "FREQ=MONTHLY;BYDAY=M",
            "FREQ=WEEKLY;BYDAY=1MO",
            "FREQ=YEARLY;BYWEEKNO=1;BYDAY=1MO",
            "FREQ=MONTHLY;BYWEEKNO=1",
            "FREQ=MONTHLY;BYYEARDAY=1",
            "FREQ=WEEKLY;BYMONTHDAY=1",
            "FREQ=MONTHLY;BYSETPOS=1",
            "FREQ=MONTHLY;BYSETPOS=0;BYDAY=MO",
            "FREQ=DAILY;WKST=XX",
            "FREQ=DAILY;X-FOO=1",
            "FREQ=DAILY;COUNT",
            "FREQ=DAILY;SKIP=OMIT",
            "FREQ=DAILY;BYDAY=MO;BYDAY=TU",
            "FREQ=DAILY;BYDAY=é",
        ] {
            assert!(check_rrule(rule).is_err(), "{rule:?} was accepted");
        }
    }
}
