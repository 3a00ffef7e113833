//! Per-sentence evidence units and the pairwise match masks the aligner scores beads with.
//!
//! Takes the sentence texts of both sides (and the lexicon, when there is one) and gives, per
//! sentence, its *units*: the words that could show that two sentences translate each other.
//! On the Arabic side a unit is a word with its candidate English *terms*: the dictionary's
//! translations of its light stem, the number it spells, the names whose skeleton matches it.
//! On the English side a unit is a content word with its terms: its dictionary key, its
//! number, its name skeleton. A unit counts only when the other document could match it at
//! all (an Arabic word whose translations never occur in the English text says nothing about
//! which English sentence is its translation).
//!
//! For a pair (Arabic sentence i, English sentence j) the [`Masks`] say which units of i are
//! matched in j and which units of j are matched by i, as bit sets, so the score of a bead
//! of up to three sentences a side is a few ORs and popcounts (a unit matched by two English
//! sentences of a bead counts once). Masks are built sparsely, from term occurrence lists,
//! only for pairs inside the band the dynamic programme visits.

use super::lexicon::Lexicon;
use super::names::{arabic_skeletons, deletions, english_skeleton, skeletons_match, EXACT_MIN};
use super::stem::{english_key, fold, is_arabic_letter, is_english_stopword, light_stem};
use std::collections::HashMap;

/// At most this many units per sentence are tracked (one bit each); the rest of a very long
/// sentence still counts through its length.
pub const MAX_UNITS: usize = 128;

/// A term both sides can hold: a dictionary English key, a number, a name skeleton.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Term {
    Word(u32),
    Number(String),
    Name(String),
}

/// Which units of an Arabic sentence an English sentence matches, and the reverse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Masks {
    pub ar: u128,
    pub en: u128,
}

/// The evidence of two documents.
#[derive(Debug, Default)]
pub struct Evidence {
    /// Per Arabic sentence: per unit, its candidate term ids.
    ar_units: Vec<Vec<Vec<u32>>>,
    /// Per English sentence: number of units.
    en_units: Vec<usize>,
    /// Per term id: (English sentence, unit bit) occurrences, by sentence.
    occurrences: Vec<Vec<(u32, u8)>>,
    /// Non-space characters per sentence (Gale–Church lengths).
    pub ar_len: Vec<f64>,
    pub en_len: Vec<f64>,
}

impl Evidence {
    /// Units of both sides. `ar` and `en` are the sentence texts as written.
    pub fn new(ar: &[&str], en: &[&str], lexicon: Option<&Lexicon>) -> Evidence {
        let mut terms: HashMap<Term, u32> = HashMap::new();
        // English units first: the Arabic side keeps only candidates that occur here.
        let mut en_unit_terms: Vec<Vec<Vec<u32>>> = Vec::with_capacity(en.len());
        let mut name_index: HashMap<String, Vec<u32>> = HashMap::new();
        for text in en {
            let mut units: Vec<Vec<u32>> = Vec::new();
            let mut seen: HashMap<String, ()> = HashMap::new();
            for number in numbers(text) {
                if seen.insert(format!("#{number}"), ()).is_none() {
                    units.push(vec![intern(&mut terms, Term::Number(number))]);
                }
            }
            for word in latin_words(text) {
                let key = english_key(word);
                if is_english_stopword(&key) || seen.insert(key.clone(), ()).is_some() {
                    continue;
                }
                let mut unit = Vec::new();
                if let Some(e) = lexicon.and_then(|l| l.en_key(&key)) {
                    unit.push(intern(&mut terms, Term::Word(e.0)));
                }
                if word.starts_with(|c: char| c.is_uppercase()) {
                    let skeleton = english_skeleton(word);
                    if skeleton.len() >= EXACT_MIN {
                        let id = intern(&mut terms, Term::Name(skeleton.clone()));
                        unit.push(id);
                        for key in std::iter::once(skeleton.clone()).chain(deletions(&skeleton)) {
                            let ids = name_index.entry(key).or_default();
                            if !ids.contains(&id) {
                                ids.push(id);
                            }
                        }
                    }
                }
                if !unit.is_empty() {
                    units.push(unit);
                }
            }
            en_unit_terms.push(units);
        }
        let name_skeletons: HashMap<u32, String> = terms
            .iter()
            .filter_map(|(t, &id)| match t {
                Term::Name(s) => Some((id, s.clone())),
                _ => None,
            })
            .collect();

        // Arabic units: candidates that occur in the English document.
        let mut used = vec![false; terms.len()];
        let mut ar_units: Vec<Vec<Vec<u32>>> = Vec::with_capacity(ar.len());
        for text in ar {
            let folded = fold(text);
            let mut units: Vec<Vec<u32>> = Vec::new();
            let mut seen: HashMap<String, ()> = HashMap::new();
            for number in numbers(&folded) {
                if seen.insert(format!("#{number}"), ()).is_none() {
                    if let Some(&id) = terms.get(&Term::Number(number)) {
                        units.push(vec![id]);
                    }
                }
            }
            for word in arabic_words(&folded) {
                let stem = light_stem(word);
                if seen.insert(stem.to_string(), ()).is_some() {
                    continue;
                }
                let mut unit: Vec<u32> = Vec::new();
                let known = lexicon.and_then(|l| l.ar_key(stem).map(|k| (l, k)));
                if let Some((lex, key)) = known {
                    unit.extend(
                        lex.english_keys(key)
                            .iter()
                            .filter_map(|e| terms.get(&Term::Word(e.0)).copied()),
                    );
                } else {
                    // Only words the dictionary does not know may be names: «قال» ("said")
                    // must not meet "Cole".
                    for skeleton in arabic_skeletons(word) {
                        for key in std::iter::once(skeleton.clone()).chain(deletions(&skeleton)) {
                            for &id in name_index.get(&key).into_iter().flatten() {
                                if skeletons_match(&skeleton, &name_skeletons[&id])
                                    && !unit.contains(&id)
                                {
                                    unit.push(id);
                                }
                            }
                        }
                    }
                }
                if !unit.is_empty() {
                    units.push(unit);
                }
            }
            units.truncate(MAX_UNITS);
            for unit in &units {
                for &t in unit {
                    used[t as usize] = true;
                }
            }
            ar_units.push(units);
        }

        // English units count only when some Arabic unit could match them.
        let mut occurrences = vec![Vec::new(); terms.len()];
        let mut en_units = Vec::with_capacity(en.len());
        for (j, units) in en_unit_terms.into_iter().enumerate() {
            let mut bit = 0u8;
            for unit in units {
                if usize::from(bit) >= MAX_UNITS {
                    break;
                }
                if !unit.iter().any(|&t| used[t as usize]) {
                    continue;
                }
                for t in unit {
                    occurrences[t as usize].push((j as u32, bit));
                }
                bit += 1;
            }
            en_units.push(usize::from(bit));
        }
        Evidence {
            ar_units,
            en_units,
            occurrences,
            ar_len: ar.iter().map(|t| text_length(t)).collect(),
            en_len: en.iter().map(|t| text_length(t)).collect(),
        }
    }

    /// Units of Arabic sentence `i`.
    pub fn ar_units(&self, i: usize) -> usize {
        self.ar_units[i].len()
    }

    /// Units of English sentence `j`.
    pub fn en_units(&self, j: usize) -> usize {
        self.en_units[j]
    }

    /// Masks for the pairs (i, j) with `j` in `cols(i)` (inclusive bounds): only pairs with
    /// a match are stored.
    pub fn masks(&self, cols: impl Fn(usize) -> (usize, usize)) -> MaskTable {
        let mut table: HashMap<(u32, u32), Masks> = HashMap::new();
        for (i, units) in self.ar_units.iter().enumerate() {
            let (lo, hi) = cols(i);
            for (k, unit) in units.iter().enumerate() {
                for &t in unit {
                    let occ = &self.occurrences[t as usize];
                    let start = occ.partition_point(|&(j, _)| (j as usize) < lo);
                    for &(j, bit) in &occ[start..] {
                        if j as usize > hi {
                            break;
                        }
                        let m = table.entry((i as u32, j)).or_default();
                        m.ar |= 1u128 << k;
                        m.en |= 1u128 << bit;
                    }
                }
            }
        }
        MaskTable { table }
    }
}

/// The masks of the pairs inside a band.
#[derive(Debug, Default)]
pub struct MaskTable {
    table: HashMap<(u32, u32), Masks>,
}

impl MaskTable {
    pub fn get(&self, i: usize, j: usize) -> Masks {
        self.table
            .get(&(i as u32, j as u32))
            .copied()
            .unwrap_or_default()
    }
}

fn intern(terms: &mut HashMap<Term, u32>, term: Term) -> u32 {
    let next = terms.len() as u32;
    *terms.entry(term).or_insert(next)
}

/// Non-whitespace characters: the length Gale–Church compares.
pub fn text_length(text: &str) -> f64 {
    text.chars().filter(|c| !c.is_whitespace()).count() as f64
}

/// Numbers in a text (ASCII digits: Arabic text is folded first), thousands separators
/// removed and the Arabic decimal separator read as a point: "1,250.5" and «١٬٢٥٠٫٥» both
/// give `1250.5`. Single digits are left out (too common to be evidence).
pub fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut n = String::new();
        while i < chars.len() {
            let c = chars[i];
            let digit_follows = chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() {
                n.push(c);
            } else if matches!(c, ',' | '٬') && digit_follows {
                // thousands separator
            } else if matches!(c, '.' | '٫') && digit_follows {
                n.push('.');
            } else {
                break;
            }
            i += 1;
        }
        if n.len() >= 2 {
            out.push(n);
        }
    }
    out
}

/// Latin-script words (letters, with inner apostrophes).
fn latin_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphabetic() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| w.chars().count() >= 2 && !w.chars().any(is_arabic_letter))
}

/// Arabic words of a folded text.
fn arabic_words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !is_arabic_letter(c))
        .filter(|w| w.chars().count() >= 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_table() {
        let cases: [(&str, &[&str]); 5] = [
            ("in 2019, 1,250.5 tons", &["2019", "1250.5"]),
            ("٢٠١٩", &[]), // not folded: no ASCII digits
            ("2019 عام", &["2019"]),
            ("page 7.", &[]),
            ("3.5% and 12", &["3.5", "12"]),
        ];
        for (text, want) in cases {
            assert_eq!(numbers(text), want, "{text}");
        }
        assert_eq!(numbers(&fold("١٬٢٥٠٫٥ طن")), ["1250.5"]);
    }

    fn test_lexicon() -> Lexicon {
        Lexicon::from_pairs([
            ("حكومة", "government"),
            ("ذهب", "gold"),
            ("قال", "said"),
            ("كبير", "large"),
        ])
    }

    #[test]
    fn units_only_where_the_other_side_can_match() {
        let ar = ["قالت الحكومة إن بلومبيرغ باعت 300 طن من الذهب", "قال كبير"];
        let en = [
            "The government said Bloomberg sold 300 tons of gold",
            "Cole spoke",
        ];
        let ev = Evidence::new(&ar, &en, Some(&test_lexicon()));
        // حكومة/government, بلومبيرغ/Bloomberg, 300, ذهب/gold; «قالت» is an inflected verb
        // the light stemmer leaves alone, «طن» has no translation here, «كبير» (large) none
        // in the English text.
        assert_eq!(ev.ar_units(0), 4);
        assert_eq!(ev.ar_units(1), 1);
        // ... and "said", which «قال» of the second sentence matches.
        assert_eq!(ev.en_units(0), 5);
        // "Cole" is a name, but «قال» is a dictionary word and never a name candidate.
        assert_eq!(ev.en_units(1), 0);
        let masks = ev.masks(|_| (0, 1));
        assert_eq!(masks.get(0, 0).ar.count_ones(), 4);
        assert_eq!(masks.get(0, 0).en.count_ones(), 4);
        assert_eq!(masks.get(1, 0).ar.count_ones(), 1);
        assert_eq!(masks.get(1, 1), Masks::default());
        // Outside the band nothing is computed.
        let banded = ev.masks(|_| (1, 1));
        assert_eq!(banded.get(0, 0), Masks::default());
    }

    #[test]
    fn without_a_lexicon_numbers_and_names_remain() {
        let ar = ["قالت بلومبيرغ إن 300 طن بيعت"];
        let en = ["Bloomberg said 300 tons were sold"];
        let ev = Evidence::new(&ar, &en, None);
        assert_eq!(ev.ar_units(0), 2);
        assert_eq!(ev.en_units(0), 2);
    }
}
