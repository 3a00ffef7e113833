//! English word lists for segmentation and speaker finding: abbreviations that never end a
//! sentence (titles before a name, `No.` before a number), abbreviations that may (`U.S.`,
//! `Inc.`, `etc.`: only when a typical sentence opener follows), and the reporting verbs that
//! attribute a quote.
//!
//! Words are compared lowercased, without their final period.

/// Abbreviations followed by the word they belong to: never a sentence end.
const NEVER_END: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "mme", "dr", "prof", "st", "mt", "ft", "gen", "col", "lt", "maj",
    "sgt", "capt", "cmdr", "adm", "gov", "sen", "rep", "rev", "hon", "pres", "supt", "fr", "vs",
    "v", "e.g", "i.e", "cf", "viz", "approx", "ca", "fig", "figs", "no", "nos", "vol", "vols",
    "art", "sec", "ch", "para", "pp", "p", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "est", "dept", "univ", "assn", "gov't",
];

/// Abbreviations that end a sentence only when a sentence opener follows.
const MAYBE_END: &[&str] = &[
    "u.s", "u.k", "u.n", "e.u", "u.a.e", "inc", "ltd", "co", "corp", "llc", "plc", "bros", "etc",
    "a.m", "p.m", "jr", "sr", "al", "ph.d", "d.c", "n.y", "ave", "blvd", "rd", "esq",
];

/// Words that typically open a sentence (lowercased): after a "maybe" abbreviation they mean
/// the sentence ended there.
const OPENERS: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
    "these",
    "those",
    "there",
    "in",
    "on",
    "at",
    "but",
    "however",
    "his",
    "her",
    "its",
    "their",
    "our",
    "after",
    "as",
    "when",
    "while",
    "if",
    "for",
    "some",
    "many",
    "most",
    "one",
    "meanwhile",
    "yet",
    "so",
    "also",
    "still",
    "then",
    "according",
    "since",
    "last",
    "what",
    "why",
    "how",
    "who",
    "officials",
    "mr",
    "mrs",
    "ms",
    "dr",
];

/// Reporting words that attribute a quote (lowercased).
const CUES: &[&str] = &[
    "said",
    "says",
    "say",
    "told",
    "tells",
    "wrote",
    "writes",
    "added",
    "adds",
    "stated",
    "explained",
    "noted",
    "asked",
    "insisted",
    "claimed",
    "declared",
    "warned",
    "argued",
    "replied",
    "continued",
    "according",
];

/// Words that end a speaker phrase after the reporting verb ("said Smith in a statement").
const SPEAKER_STOPS: &[&str] = &[
    "in",
    "on",
    "at",
    "who",
    "during",
    "to",
    "when",
    "while",
    "after",
    "before",
    "that",
    "as",
    "from",
    "via",
    "and",
    "but",
    "last",
    "yesterday",
    "today",
    "adding",
];

/// A word that may open a speaker phrase before the verb but is not part of it.
const LEADING_NOISE: &[&str] = &["and", "but", "as", "so", "then", "also"];

fn lower(word: &str) -> String {
    word.trim_end_matches('.').to_lowercase()
}

/// How an abbreviation (the token before a period) bears on a sentence end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Abbrev {
    /// Not an abbreviation: the period may end the sentence.
    No,
    /// Never ends a sentence.
    Never,
    /// Ends a sentence only before a sentence opener.
    Maybe,
}

/// Classifies `token`, the word before a period (without that period).
pub(crate) fn abbreviation(token: &str) -> Abbrev {
    let w = lower(token);
    if NEVER_END.contains(&w.as_str()) {
        return Abbrev::Never;
    }
    if MAYBE_END.contains(&w.as_str()) {
        return Abbrev::Maybe;
    }
    let letters: Vec<&str> = w.split('.').collect();
    // An initial ("F.") or a dotted short form ("j.r.r", "e.u.").
    let dotted = letters
        .iter()
        .all(|part| part.chars().count() == 1 && part.chars().all(char::is_alphabetic));
    if dotted {
        return Abbrev::Maybe;
    }
    Abbrev::No
}

/// Whether `word` typically opens a sentence.
pub(crate) fn is_opener(word: &str) -> bool {
    OPENERS.contains(&lower(word).as_str())
}

pub(crate) fn is_cue(word: &str) -> bool {
    CUES.contains(&word.to_lowercase().as_str())
}

pub(crate) fn is_speaker_stop(word: &str) -> bool {
    SPEAKER_STOPS.contains(&word.to_lowercase().as_str())
}

pub(crate) fn is_leading_noise(word: &str) -> bool {
    LEADING_NOISE.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations() {
        let cases = [
            ("Mr", Abbrev::Never),
            ("Dr", Abbrev::Never),
            ("No", Abbrev::Never),
            ("e.g", Abbrev::Never),
            ("U.S", Abbrev::Maybe),
            ("U.K", Abbrev::Maybe),
            ("Inc", Abbrev::Maybe),
            ("etc", Abbrev::Maybe),
            ("F", Abbrev::Maybe),
            ("J.R.R", Abbrev::Maybe),
            ("said", Abbrev::No),
            ("2024", Abbrev::No),
            ("US", Abbrev::No),
        ];
        for (token, want) in cases {
            assert_eq!(abbreviation(token), want, "{token}");
        }
    }

    #[test]
    fn word_lists() {
        assert!(is_opener("The") && is_opener("he") && !is_opener("President"));
        assert!(is_cue("Said") && is_cue("according") && !is_cue("saying"));
        assert!(is_speaker_stop("in") && !is_speaker_stop("Smith"));
    }
}
