//! The name matcher: where in an Arabic text an English name is written, and how sure we are
//! (the full comparison; [`super::names`] has the cheap consonant skeletons the sentence
//! aligner indexes).
//!
//! Takes the Arabic words of a sentence (with their byte spans into the original text) and an
//! English name; gives the best-scoring run of Arabic words, read through the romanization
//! lattice of [`super::romanize`]. Arabic glues one-letter proclitics (و ب ل ف ك: "and", "in",
//! "for"…) to the word they precede, so a run may start inside its first word (وكانتر → كانتر);
//! the span returned covers the name only. The article ال stays in the span: it is part of
//! names such as القذافي.

use super::romanize::{fold_english, is_mark, Lattice, MATCH};
use super::stem::is_arabic_letter;
use crate::document::Span;

/// An Arabic word: a run of letters and harakat, located in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArWord<'a> {
    pub span: Span,
    pub text: &'a str,
}

/// The Arabic words of `text`, with spans shifted by `offset` (the text's start in its
/// document).
pub fn arabic_words(text: &str, offset: usize) -> Vec<ArWord<'_>> {
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let inside = is_arabic_letter(c) || (is_mark(c) && start.is_some());
        match (start, inside) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                words.push(ArWord {
                    span: Span::new(s + offset, i + offset),
                    text: &text[s..i],
                });
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// One-letter proclitics that Arabic writes joined to the next word.
const PROCLITICS: [char; 5] = ['و', 'ب', 'ل', 'ف', 'ك'];

/// Byte lengths of the proclitics `word` may start with: 0 always, then و/ف and a following
/// ب/ل/ك (وب، ول، فل…), as long as at least three letters of the word are left.
fn proclitic_cuts(word: &str) -> Vec<usize> {
    let mut cuts = vec![0];
    let letters = word.chars().filter(|&c| !is_mark(c)).count();
    let mut chars = word.char_indices();
    let mut taken = 0;
    while let Some((_, c)) = chars.next() {
        if !PROCLITICS.contains(&c) || taken == 2 || letters - taken - 1 < 3 {
            break;
        }
        // A second proclitic only after و or ف (وب, فل), never ل + ل (لل is ل + the article).
        if taken == 1 && !matches!(word.chars().next(), Some('و' | 'ف')) {
            break;
        }
        taken += 1;
        cuts.push(chars.clone().next().map_or(word.len(), |(i, _)| i));
    }
    cuts
}

/// Name parts that are not checked word for word: they are spelt too many ways (عبد ↔ Abd,
/// Abdel, Abdul) and carry little of the name.
const CONNECTORS: [&str; 8] = ["abd", "abdel", "abdul", "abu", "al", "el", "bin", "ibn"];

/// Where an English name sits in a run of Arabic words.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    /// The name's bytes in the original text (proclitics left out).
    pub span: Span,
    /// Index range into the words given.
    pub words: std::ops::Range<usize>,
    /// Similarity in 0..=1 (see [`Lattice::similarity`]).
    pub score: f32,
}

/// How many words an English name has, counting the parts of CamelCase ("ByteDance" is two:
/// Arabic writes بايت دانس).
fn english_word_count(english: &str) -> usize {
    english
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            1 + w
                .chars()
                .zip(w.chars().skip(1))
                .filter(|(a, b)| a.is_lowercase() && b.is_uppercase())
                .count()
        })
        .sum()
}

/// The run of `words` that best spells `english`, if it scores at least [`MATCH`].
pub fn find_name(words: &[ArWord<'_>], english: &str) -> Option<NameMatch> {
    let n = english_word_count(english).max(1);
    let en_letters = fold_english(english)
        .iter()
        .filter(|c| c.is_ascii_alphabetic())
        .count();
    let mut best: Option<NameMatch> = None;
    for first in 0..words.len() {
        for len in n.saturating_sub(1).max(1)..=n + 1 {
            let last = first + len;
            if last > words.len() {
                break;
            }
            for cut in proclitic_cuts(words[first].text) {
                let start = words[first].span.start + cut;
                let end = words[last - 1].span.end;
                let arabic: String = words[first..last]
                    .iter()
                    .enumerate()
                    .map(|(k, w)| if k == 0 { &w.text[cut..] } else { w.text })
                    .collect::<Vec<_>>()
                    .join(" ");
                // Arabic writes fewer letters than English (short vowels), rarely many more:
                // a cheap filter before the DP.
                let ar_letters = arabic.chars().filter(|&c| is_arabic_letter(c)).count();
                if ar_letters > en_letters + 3 || ar_letters * 3 < en_letters {
                    continue;
                }
                let mut score = Lattice::new(&arabic).similarity(english);
                // Word for word, every part must match: a perfect surname must not carry a
                // wrong first name (محمود عباس ≠ Mohammed Abbas).
                let en_parts: Vec<&str> = english.split_whitespace().collect();
                let ar_parts: Vec<&str> = arabic.split(' ').collect();
                if score >= MATCH && en_parts.len() == ar_parts.len() && en_parts.len() > 1 {
                    for (a, e) in ar_parts.iter().zip(&en_parts) {
                        if !CONNECTORS.contains(&e.to_lowercase().as_str()) {
                            score = score.min(Lattice::new(a).similarity(e));
                        }
                    }
                }
                let better = match &best {
                    None => true,
                    // Ties go to the shorter span (fewer words swallowed).
                    Some(b) => score > b.score + 1e-6,
                };
                if score >= MATCH && better {
                    best = Some(NameMatch {
                        span: Span::new(start, end),
                        words: first..last,
                        score,
                    });
                }
            }
        }
    }
    best
}

/// Similarity of one Arabic name and one English name, in 0..=1.
pub fn name_similarity(arabic: &str, english: &str) -> f32 {
    Lattice::new(arabic).similarity(english)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_spans() {
        let text = "قال «كانتر»، مُحَمَّد.";
        let words = arabic_words(text, 10);
        let got: Vec<&str> = words.iter().map(|w| w.text).collect();
        assert_eq!(got, ["قال", "كانتر", "مُحَمَّد"]);
        for w in &words {
            assert_eq!(&text[w.span.start - 10..w.span.end - 10], w.text);
        }
    }

    #[test]
    fn proclitics_are_cut_only_where_enough_word_is_left() {
        let table: &[(&str, &[&str])] = &[
            ("وكانتر", &["وكانتر", "كانتر", "انتر"]),
            ("وبكين", &["وبكين", "بكين", "كين"]),
            ("لندن", &["لندن", "ندن"]),
            ("بلد", &["بلد"]),
            ("كانتر", &["كانتر", "انتر"]),
            ("للصين", &["للصين", "لصين"]),
        ];
        for (word, want) in table {
            let got: Vec<&str> = proclitic_cuts(word).iter().map(|&c| &word[c..]).collect();
            assert_eq!(&got, want, "{word}");
        }
    }

    #[test]
    fn names_are_found_in_sentences() {
        // (sentence, English name, expected Arabic span text)
        let table = [
            (
                "التقت اليزابيث كانتر، مديرة الفريق، بالوفد",
                "Elizabeth Kanter",
                "اليزابيث كانتر",
            ),
            ("وأكدت كانتر أن الطلب رفض", "Kanter", "كانتر"),
            ("وتملك شركة بايت دانس التطبيق", "ByteDance", "بايت دانس"),
            ("وقال زهاو ليجيان للصحفيين", "Zhao Lijian", "زهاو ليجيان"),
            ("نشر حساب على تيك توك مقطعا", "TikTok", "تيك توك"),
            ("ذكرت وكالة بلومبيرغ أن", "Bloomberg", "بلومبيرغ"),
            ("وقال وعبد الله إن", "Abdullah", "عبد الله"),
            ("التقى بمحمد في القاهرة", "Mohammed", "محمد"),
            (
                "خطاب جمال عبد الناصر الشهير",
                "Gamal Abdel Nasser",
                "جمال عبد الناصر",
            ),
        ];
        for (sentence, english, want) in table {
            let words = arabic_words(sentence, 0);
            let m = find_name(&words, english)
                .unwrap_or_else(|| panic!("{english} not found in {sentence}"));
            assert_eq!(&sentence[m.span.range()], want, "{english}");
        }
    }

    #[test]
    fn absent_names_are_not_found() {
        let table = [
            ("استقال بوريس جونسون من منصبه", "Jackson"),
            ("وقال محمود عباس", "Mohammed"),
            ("وقال محمود عباس", "Mohammed Abbas"),
            ("وأكد كارتر أن الطلب رفض", "Kanter"),
            ("ردت تروس على الانتقادات يوم الاثنين", "Trump"),
        ];
        for (sentence, english) in table {
            let words = arabic_words(sentence, 0);
            assert_eq!(find_name(&words, english), None, "{english} in {sentence}");
        }
    }

    #[test]
    fn camel_case_counts_as_words() {
        assert_eq!(english_word_count("ByteDance"), 2);
        assert_eq!(english_word_count("TikTok"), 2);
        assert_eq!(english_word_count("Elizabeth Kanter"), 2);
        assert_eq!(english_word_count("al-Assad"), 2);
        assert_eq!(english_word_count("NATO"), 1);
    }
}
