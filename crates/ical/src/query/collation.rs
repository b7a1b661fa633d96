//! Text comparison for `C:text-match` (RFC 4791 §9.7.5, RFC 4790): substring match under
//! a named collation.

use icu_casemap::CaseMapperBorrowed;
use icu_normalizer::DecomposingNormalizerBorrowed;

/// A collation a text-match may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collation {
    /// `i;octet`: the octets as they are.
    Octet,
    /// `i;ascii-casemap`: the 26 ASCII letters fold to one case; every other octet as is.
    AsciiCasemap,
    /// `i;unicode-casemap` (RFC 5051): each character mapped to its simple titlecase,
    /// then the string decomposed to Unicode Normalization Form KD.
    UnicodeCasemap,
}

impl Collation {
    /// The collations this server supports (`CALDAV:supported-collation-set`), in the
    /// order RFC 4791 §7.5.1 lists the mandatory ones first.
    pub const SUPPORTED: [Collation; 3] = [
        Collation::AsciiCasemap,
        Collation::Octet,
        Collation::UnicodeCasemap,
    ];

    /// The collation registered under `name` (RFC 4790 names are case-sensitive ASCII).
    pub fn from_name(name: &str) -> Option<Collation> {
        Collation::SUPPORTED.into_iter().find(|c| c.name() == name)
    }

    /// The registered name.
    pub fn name(self) -> &'static str {
        match self {
            Collation::Octet => "i;octet",
            Collation::AsciiCasemap => "i;ascii-casemap",
            Collation::UnicodeCasemap => "i;unicode-casemap",
        }
    }

    /// Whether `needle` occurs in `haystack` under this collation (the RFC 4790 "substring"
    /// operation; an empty needle is found everywhere).
    pub fn contains(self, haystack: &str, needle: &str) -> bool {
        match self {
            Collation::Octet => haystack.contains(needle),
            Collation::AsciiCasemap => haystack
                .to_ascii_lowercase()
                .contains(&needle.to_ascii_lowercase()),
            Collation::UnicodeCasemap => unicode_key(haystack).contains(&unicode_key(needle)),
        }
    }
}

/// The RFC 5051 canonical form. RFC 5051 asks for the *simple* titlecase mapping (one
/// character to one), so `ß` stays `ß` and does not match `SS`, and the default (not
/// Turkic) mappings apply: `I` and `i` match each other, while dotless `ı` and dotted `İ`
/// match only themselves.
fn unicode_key(s: &str) -> String {
    let titlecase = CaseMapperBorrowed::new();
    DecomposingNormalizerBorrowed::new_nfkd()
        .normalize_iter(s.chars().map(|c| titlecase.simple_titlecase(c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_exact() {
        for c in Collation::SUPPORTED {
            assert_eq!(Collation::from_name(c.name()), Some(c));
        }
        assert_eq!(Collation::from_name("I;OCTET"), None);
        assert_eq!(Collation::from_name("i;unknown"), None);
        assert_eq!(Collation::from_name(""), None);
    }

    #[test]
    fn octet_is_exact() {
        let c = Collation::Octet;
        assert!(c.contains("Event #2 bis", "t #2"));
        assert!(!c.contains("Event", "event"));
        assert!(c.contains("anything", ""));
        assert!(!c.contains("café", "cafe"));
    }

    #[test]
    fn ascii_casemap_folds_ascii_letters_only() {
        let c = Collation::AsciiCasemap;
        assert!(c.contains("mailto:Lisa@Example.COM", "lisa@example.com"));
        assert!(c.contains("NEEDS-ACTION", "needs-action"));
        assert!(!c.contains("CAFÉ", "café"));
        assert!(c.contains("CAFÉ", "cafÉ"));
        assert!(!c.contains("abc", "abcd"));
    }

    #[test]
    fn unicode_casemap_folds_case_and_compatibility_forms() {
        let c = Collation::UnicodeCasemap;
        assert!(c.contains("Réunion d'équipe", "RÉUNION"));
        assert!(c.contains("ΣΊΣΥΦΟΣ", "σίσυφος"));
        assert!(c.contains("ПРИВЕТ мир", "привет"));
        // Precomposed and decomposed forms are the same text.
        assert!(c.contains("caf\u{e9}", "CAFE\u{301}"));
        // NFKD: full-width letters are their plain letters.
        assert!(c.contains("ＫＡＩＲＯＳ", "kairos"));
        // RFC 5051 titlecases before it decomposes, so a ligature becomes lower-case
        // letters that nothing titlecased can match: a quirk of the algorithm, kept.
        assert!(!c.contains("\u{fb01}nance", "FINANCE"));
        // A decomposed base letter is a substring: RFC 5051 collates accents after the
        // base letter, and substring search sees the base letter first.
        assert!(c.contains("café", "cafe"));
    }

    #[test]
    fn unicode_casemap_sharp_s_is_not_ss() {
        // RFC 5051 uses the one-to-one titlecase mapping, under which ß has no other
        // form: "Straße" and "STRASSE" differ (a full case folding would equate them).
        let c = Collation::UnicodeCasemap;
        assert!(!c.contains("Straße", "STRASSE"));
        assert!(!c.contains("STRASSE", "straße"));
        assert!(c.contains("Straße", "STRAßE"));
        assert!(c.contains("Hauptstraße 1", "straße"));
    }

    #[test]
    fn unicode_casemap_turkish_i_uses_default_mappings() {
        let c = Collation::UnicodeCasemap;
        assert!(c.contains("ISTANBUL", "istanbul"));
        // Dotless ı titlecases to I, so it matches I and i.
        assert!(c.contains("ıstanbul", "ISTANBUL"));
        assert!(c.contains("ıstanbul", "istanbul"));
        // Dotted İ decomposes to I + U+0307 (combining dot): it matches only itself.
        assert!(!c.contains("İstanbul", "istanbul"));
        assert!(!c.contains("istanbul", "İstanbul"));
        assert!(c.contains("İSTANBUL", "İstanbul"));
    }

    #[test]
    fn ascii_casemap_keeps_non_ascii_bytes() {
        assert!(!Collation::AsciiCasemap.contains("ıstanbul", "istanbul"));
    }
}
