//! Words for the text search over title, description and location: each word of those
//! fields is indexed once (its first [`MAX_PREFIX`] characters), and a query word finds
//! the indexed words it starts, so "lunch" finds "Lunch" and "luncheon".

use std::collections::BTreeSet;

use crate::tree::Component;
use crate::value::unescape_text;

/// Properties searched.
const SEARCHED: [&str; 3] = ["SUMMARY", "DESCRIPTION", "LOCATION"];
/// Shortest prefix indexed; one-letter words are not searchable.
pub const MIN_WORD: usize = 2;
/// Longest word indexed; longer words are indexed and looked up by this prefix, and
/// matches are checked on the text.
pub const MAX_PREFIX: usize = 12;
/// Most index terms per object (long descriptions are indexed from their start).
const MAX_TERMS: usize = 500;

/// The words of a text: runs of letters and digits, lower-cased.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= MIN_WORD)
        .map(str::to_lowercase)
}

/// The term a query word is looked up by: the word, or its first [`MAX_PREFIX`]
/// characters.
pub fn term_of(word: &str) -> String {
    word.chars().take(MAX_PREFIX).collect()
}

/// Whether every word of `query` starts a word of one of `texts`.
pub fn matches<'a>(query: &[String], texts: impl IntoIterator<Item = &'a str> + Clone) -> bool {
    query.iter().all(|q| {
        texts
            .clone()
            .into_iter()
            .any(|t| words(t).any(|w| w.starts_with(q.as_str())))
    })
}

/// Index terms of components' searched properties: each distinct word, cut to
/// [`MAX_PREFIX`] characters.
pub(crate) fn terms_of<'a>(comps: impl IntoIterator<Item = &'a Component<'a>>) -> Vec<String> {
    let mut terms = BTreeSet::new();
    'all: for comp in comps {
        for prop in comp
            .props
            .iter()
            .filter(|p| SEARCHED.iter().any(|n| p.is(n)))
        {
            for word in words(&unescape_text(prop.value)) {
                terms.insert(term_of(&word));
                if terms.len() >= MAX_TERMS {
                    break 'all;
                }
            }
        }
    }
    terms.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_alphanumeric_runs() {
        let w: Vec<String> = words("Lunch @Café-Müller, room 7B; a").collect();
        assert_eq!(w, ["lunch", "café", "müller", "room", "7b"]);
    }

    #[test]
    fn objects_are_indexed_by_their_words_once() {
        let ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//T//EN\r\nBEGIN:VEVENT\r\nUID:u\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\nSUMMARY:Lunch\\, Bob\r\n\
LOCATION:Caf\xc3\xa9\r\nX-NOTE:secret\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let terms = crate::ingest(ics).unwrap().search_terms;
        // One row per word, not one per prefix: the index is written on every PUT.
        assert_eq!(terms, ["bob", "café", "lunch"]);
    }

    #[test]
    fn long_words_are_cut_and_checked() {
        assert_eq!(term_of("internationalization"), "internationa");
        let q = vec!["internationalization".to_owned()];
        assert!(matches(&q, ["Internationalization week"]));
        assert!(!matches(&q, ["Internationally"]));
        let both = vec!["lun".to_owned(), "bob".to_owned()];
        assert!(matches(&both, ["Lunch", "with Bob"]));
        assert!(!matches(&both, ["Lunch"]));
    }
}
