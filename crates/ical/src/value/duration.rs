//! DURATION values (RFC 5545 §3.3.6).

/// `[+/-] "P" [n "W"] [n "D"] ["T" [n "H"] [n "M"] [n "S"]]`, at least one part, in that
/// order; returns signed seconds.
///
/// RFC 5545's grammar is stricter (weeks alone; no hour-then-second gap), but producers
/// write forms such as `P1W2D` or `PT1H30S` whose meaning is unambiguous, so this
/// accepts the ordered superset.
pub(crate) fn parse_duration(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (negative, rest) = match b.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, b),
    };
    let (p, mut rest) = rest.split_first()?;
    if !p.eq_ignore_ascii_case(&b'P') {
        return None;
    }
    // Rank of the last designator seen: W=1, D=2, T=3, H=4, M=5, S=6.
    let mut rank = 0u8;
    let mut parts = 0u32;
    let mut time_parts = 0u32;
    let mut total: i64 = 0;
    while let Some((&first, tail)) = rest.split_first() {
        if first.eq_ignore_ascii_case(&b'T') {
            if rank >= 3 {
                return None;
            }
            rank = 3;
            rest = tail;
            continue;
        }
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        // Ten digits already exceed any useful span; the cap also keeps the arithmetic small.
        if digits == 0 || digits > 10 {
            return None;
        }
        let n: i64 = rest
            .get(..digits)?
            .iter()
            .fold(0, |acc, d| acc * 10 + i64::from(d - b'0'));
        let (designator, tail) = rest.get(digits..)?.split_first()?;
        let (new_rank, unit) = match designator.to_ascii_uppercase() {
            b'W' => (1, 7 * 86_400),
            b'D' => (2, 86_400),
            b'H' => (4, 3_600),
            b'M' => (5, 60),
            b'S' => (6, 1),
            _ => return None,
        };
        let in_time = new_rank > 3;
        if new_rank <= rank || in_time != (rank >= 3) {
            return None;
        }
        rank = new_rank;
        parts += 1;
        if in_time {
            time_parts += 1;
        }
        total = total.checked_add(n.checked_mul(unit)?)?;
        rest = tail;
    }
    // "P" alone, or a "T" with nothing after it.
    if parts == 0 || (rank >= 3 && time_parts == 0) {
        return None;
    }
    Some(if negative { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid() {
        assert_eq!(parse_duration("PT1H"), Some(3600));
        assert_eq!(parse_duration("-PT10M"), Some(-600));
        assert_eq!(parse_duration("+P1D"), Some(86_400));
        assert_eq!(
            parse_duration("P15DT5H0M20S"),
            Some(15 * 86_400 + 5 * 3600 + 20)
        );
        assert_eq!(parse_duration("P7W"), Some(7 * 7 * 86_400));
        assert_eq!(parse_duration("P1W2D"), Some(9 * 86_400));
        assert_eq!(parse_duration("PT1H30S"), Some(3630));
        assert_eq!(parse_duration("pt0s"), Some(0));
    }

    #[test]
    fn invalid() {
        for bad in [
            "",
            "P",
            "PT",
            "P1DT",
            "1H",
            "PT1",
            "P1H",
            "PT1D",
            "P1D1W",
            "PT1M1H",
            "P1DD",
            "PTT1H",
            "P-1D",
            "--PT1H",
            "PT1H ",
            "P99999999999D",
            "PT1.5H",
            "P1X",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }
}
