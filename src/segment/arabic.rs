//! Arabic word lists for segmentation and speaker finding: abbreviations (د. أ.د. م. ق.م.
//! ص.ب. إلخ.), the reporting words that attribute a quote (قال، وأضاف، بحسب، نقلاً عن …) and
//! the words that end a speaker phrase (إن، في، خلال …).
//!
//! Lists are written in ordinary spelling and compared in the normalized form of
//! [`crate::normalize::arabic`], so وفقاً and وفقا, أضاف and اضاف, هـ and ه match alike.

use crate::normalize;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Reporting verbs and phrases' first words, with the conjunction prefixes و and ف where they
/// are common in news prose.
const CUES: &[&str] = &[
    "قال",
    "قالت",
    "وقال",
    "وقالت",
    "فقال",
    "فقالت",
    "يقول",
    "تقول",
    "ويقول",
    "وتقول",
    "أضاف",
    "أضافت",
    "وأضاف",
    "وأضافت",
    "أكد",
    "أكدت",
    "وأكد",
    "وأكدت",
    "أوضح",
    "أوضحت",
    "وأوضح",
    "وأوضحت",
    "صرح",
    "صرحت",
    "وصرح",
    "وصرحت",
    "أشار",
    "أشارت",
    "وأشار",
    "وأشارت",
    "كتب",
    "كتبت",
    "وكتب",
    "وكتبت",
    "ذكر",
    "ذكرت",
    "وذكر",
    "وذكرت",
    "تابع",
    "تابعت",
    "وتابع",
    "وتابعت",
    "أعلن",
    "أعلنت",
    "وأعلن",
    "وأعلنت",
    "قائلاً",
    "قائلة",
    "مضيفاً",
    "مضيفة",
    "مؤكداً",
    "مؤكدة",
    "بحسب",
    "وبحسب",
    "حسب",
    "وحسب",
    "وفقاً",
    "ووفقاً",
    "نقلاً",
    "ونقلاً",
];

/// Cue words after which the speaker is introduced by a preposition joined to the next word
/// (وفقاً لـ X, نقلاً عن X).
const PREPOSITION_CUES: &[&str] = &["وفقاً", "ووفقاً", "نقلاً", "ونقلاً"];

/// Words that end a speaker phrase: complementizers, prepositions of place and time, and
/// "told" objects (لوكالة، للصحفيين).
const SPEAKER_STOPS: &[&str] = &[
    "إن",
    "أن",
    "إنه",
    "إنها",
    "أنه",
    "أنها",
    "في",
    "خلال",
    "أمام",
    "عبر",
    "اليوم",
    "أمس",
    "يوم",
    "مساء",
    "صباح",
    "لوكالة",
    "لصحيفة",
    "لقناة",
    "للصحفيين",
    "لوسائل",
    "لـ",
    "على",
    "عن",
    "مع",
    "بعد",
    "قبل",
    "حيث",
    "الذي",
    "التي",
    "وذلك",
    "بأن",
    "بأنه",
    "ما",
    "لما",
];

/// Particles that may stand between the subject and the verb (قد قالت، لقد قال): not a speaker.
const PARTICLES: &[&str] = &["قد", "لقد", "وقد", "فقد", "كما", "ثم", "كذلك", "أيضاً", "و"];

fn set(
    words: &'static [&'static str],
    cell: &'static OnceLock<HashSet<String>>,
    form: fn(&str) -> String,
) -> &'static HashSet<String> {
    cell.get_or_init(|| words.iter().map(|w| form(w)).collect())
}

/// A lighter matching form for function words: marks and tatweel removed and alef variants
/// unified, but ى and ة kept, so the preposition على stays apart from the name علي.
fn light(word: &str) -> String {
    word.chars()
        .filter(|&c| !is_mark(c))
        .map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            _ => c,
        })
        .collect()
}

/// Harakat, tatweel and the other marks [`normalize::arabic`] drops.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0640}' | '\u{064b}'..='\u{065f}' | '\u{0670}')
}

/// The matching form of a word.
pub(crate) fn norm(word: &str) -> String {
    normalize::arabic(word).text
}

/// Whether `token` (the word before a period, without it) is an Arabic abbreviation: a single
/// letter (د. م. هـ.), single letters joined by periods (أ.د. ق.م. ص.ب.), or إلخ.
pub(crate) fn is_abbreviation(token: &str) -> bool {
    let n = norm(token);
    if n == "الخ" {
        return true;
    }
    !n.is_empty()
        && n.split('.').all(|part| {
            let mut chars = part.chars();
            matches!((chars.next(), chars.next()), (Some(c), None) if is_arabic_letter(c))
        })
}

pub(crate) fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064a}' | '\u{066e}'..='\u{06d3}' | '\u{06fa}'..='\u{06ff}' | '\u{0750}'..='\u{077f}' | '\u{08a0}'..='\u{08ff}' | '\u{fb50}'..='\u{fdff}' | '\u{fe70}'..='\u{fefc}')
        && c != '\u{0640}'
}

pub(crate) fn is_cue(word: &str) -> bool {
    static CELL: OnceLock<HashSet<String>> = OnceLock::new();
    set(CUES, &CELL, norm).contains(&norm(word))
}

pub(crate) fn is_preposition_cue(word: &str) -> bool {
    static CELL: OnceLock<HashSet<String>> = OnceLock::new();
    set(PREPOSITION_CUES, &CELL, norm).contains(&norm(word))
}

pub(crate) fn is_speaker_stop(word: &str) -> bool {
    static CELL: OnceLock<HashSet<String>> = OnceLock::new();
    set(SPEAKER_STOPS, &CELL, light).contains(&light(word))
}

pub(crate) fn is_particle(word: &str) -> bool {
    static CELL: OnceLock<HashSet<String>> = OnceLock::new();
    set(PARTICLES, &CELL, light).contains(&light(word))
}

/// The phrase «على حد قوله» ("as he put it"): a cue without a named speaker.
pub(crate) fn is_as_he_put_it(words: &[&str]) -> bool {
    match words {
        [a, b, c, ..] => {
            let c = norm(c);
            norm(a) == "علي" && norm(b) == "حد" && (c.starts_with("قول") || c.starts_with("تعبير"))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations() {
        let cases = [
            ("د", true),
            ("أ.د", true),
            ("م", true),
            ("ق.م", true),
            ("ص.ب", true),
            ("إلخ", true),
            ("هـ", true),
            ("الماضي", false),
            ("2020", false),
            ("وكالات", false),
        ];
        for (token, want) in cases {
            assert_eq!(is_abbreviation(token), want, "{token}");
        }
    }

    #[test]
    fn cue_words_match_in_any_spelling() {
        let cases = [
            ("وقال", true),
            ("وأضاف", true),
            ("واضاف", true),
            ("وفقاً", true),
            ("وفقا", true),
            ("بحسب", true),
            ("قالَ", true),
            ("الوكالة", false),
            ("قائل", false),
        ];
        for (word, want) in cases {
            assert_eq!(is_cue(word), want, "{word}");
        }
        assert!(is_preposition_cue("وفقا") && !is_preposition_cue("بحسب"));
        assert!(is_speaker_stop("إن") && is_speaker_stop("ان") && !is_speaker_stop("متحدث"));
        assert!(is_particle("قد") && !is_particle("كانتر"));
        // The preposition على is a stop; the name علي is not.
        assert!(is_speaker_stop("على") && !is_speaker_stop("علي"));
        assert!(is_as_he_put_it(&["على", "حد", "قوله"]));
        assert!(!is_as_he_put_it(&["على", "الحدود"]));
    }
}
