//! Word keys for dictionary matching: Arabic light stemming and a light English stemmer.
//!
//! Takes single words and gives the keys under which the [`Lexicon`](super::lexicon::Lexicon)
//! files and looks up translations, so that «والحكومة», «حكومتهم» and «الحكومات» all meet the
//! dictionary's «حكومة», and "governments" meets "government". Both are *light* stemmers in
//! the sense of Larkey et al.'s Light10 (SIGIR 2002) and of an s-stemmer: they strip only
//! frequent clitics and inflections, which is what cross-language matching needs (aggressive
//! root extraction conflates far too many words for a dictionary lookup).
//!
//! Arabic keys are made on the normalized view (alef variants, ى→ي, ة→ه, no harakat or
//! tatweel, ASCII digits), so the same word spelt with or without hamza or diacritics meets
//! the same key.

/// The matching view of a word or text: [`crate::normalize::arabic`]'s normalized text
/// (NFKC, alef variants, ى→ي, ة→ه, no harakat or tatweel, ASCII digits). Word keys need no
/// offsets back to the original, so this keeps only the text.
pub fn fold(text: &str) -> String {
    crate::normalize::arabic(text).text
}

/// Whether a character is an Arabic letter (the basic block's letters, U+0621–U+064A, and
/// the extended letters used for loanwords).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{0671}'..='\u{06D3}')
}

/// Conjunctions that attach to the front of a word.
const CONJUNCTIONS: [char; 2] = ['و', 'ف'];
/// Prepositions that attach to the front of a word (only stripped before the article, or as
/// «لل», where they cannot be the first letter of the stem: «بلد» keeps its ب).
const PREPOSITIONS: [char; 3] = ['ب', 'ل', 'ك'];
/// Suffixes, longest first, on the normalized view (ة is already ه). Pronoun suffixes
/// (ـه ـها ـهم ـهما ـهن ـنا ـي ـك ـكم) and plural/dual endings (ـات ـون ـين ـان).
/// The dual ـان is left out: it ends too many stems («لبنان», «انسان»).
const SUFFIXES: [&str; 13] = [
    "هما", "كما", "ها", "هم", "هن", "كم", "نا", "ات", "ون", "ين", "ه", "ي", "ك",
];
/// Plural endings, as opposed to pronoun suffixes (after which ة shows as ت).
const PLURALS: [&str; 3] = ["ات", "ون", "ين"];
/// The shortest stem (in letters) a strip may leave: Arabic roots have three letters, and two
/// is Light10's floor for what remains after a strip.
const MIN_STEM: usize = 2;

/// The light stem of one normalized Arabic word (see [`fold`]): strips a leading conjunction
/// و/ف, a preposition ب/ل/ك before the article, the article ال (also «لل» = ل + ال), then one
/// suffix from ـه ـها ـهم ـنا ـي ـك ـات ـون ـين (and their kin ـهما ـهن ـكم). A strip must
/// leave two letters (three after a one-letter suffix, three behind the conjunction: «وزن»
/// stays whole). A ta marbuta that shows as ت before a pronoun («حكومتهم») is dropped as
/// ه is, so «حكومتهم» and «الحكومة» meet at «حكوم». Returns a slice of the input.
pub fn light_stem(word: &str) -> &str {
    let letters = |s: &str| s.chars().count();
    let mut w = word;
    // A conjunction: only when a real word (3+ letters) stays, as Light10 does.
    if let Some(c) = w.chars().next() {
        if CONJUNCTIONS.contains(&c) && letters(w) >= 4 {
            w = &w[c.len_utf8()..];
        }
    }
    // «لل»: the preposition ل fused with the article (للحكومة = ل + الحكومة).
    if let Some(rest) = w.strip_prefix("لل") {
        if letters(rest) >= MIN_STEM {
            w = rest;
        }
    } else {
        // A preposition, only when the article follows it.
        let after_prep = match w.chars().next() {
            Some(c) if PREPOSITIONS.contains(&c) && w[c.len_utf8()..].starts_with("ال") => {
                &w[c.len_utf8()..]
            }
            _ => w,
        };
        if let Some(rest) = after_prep.strip_prefix("ال") {
            if letters(rest) >= MIN_STEM {
                w = rest;
            }
        }
    }
    for suffix in SUFFIXES {
        if let Some(rest) = w.strip_suffix(suffix) {
            if letters(rest) >= MIN_STEM.max(3 - usize::from(suffix.chars().count() > 1)) {
                w = rest;
                if !PLURALS.contains(&suffix) && letters(w) >= 5 {
                    w = w.strip_suffix('ت').unwrap_or(w);
                }
                break;
            }
        }
    }
    w
}

/// The dictionary key of an Arabic word as written: [`fold`], then [`light_stem`].
pub fn arabic_key(word: &str) -> String {
    light_stem(&fold(word)).to_string()
}

/// The dictionary key of an English word: lowercased, possessive and plural endings and
/// -ed/-ing removed (an s-stemmer in the spirit of Harman 1991, plus the two verb endings a
/// dictionary gloss lists in the base form). "Governments" → "government", "studies" →
/// "study", "passing" → "pass", "allowed" → "allow".
pub fn english_key(word: &str) -> String {
    let mut w = word.to_lowercase();
    for possessive in ["'s", "’s"] {
        if let Some(rest) = w.strip_suffix(possessive) {
            w.truncate(rest.len());
        }
    }
    let n = w.chars().count();
    if n > 4 && w.ends_with("ies") && !w.ends_with("eies") && !w.ends_with("aies") {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if n > 3 && (w.ends_with("sses") || w.ends_with("shes") || w.ends_with("ches")) {
        w.truncate(w.len() - 2);
    } else if n > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
    {
        w.truncate(w.len() - 1);
    } else if n > 5 && w.ends_with("ing") {
        w.truncate(w.len() - 3);
        undouble(&mut w);
    } else if n > 4 && w.ends_with("ied") {
        w.truncate(w.len() - 3);
        w.push('y');
    } else if n > 4 && w.ends_with("ed") && !w.ends_with("eed") {
        w.truncate(w.len() - 2);
        undouble(&mut w);
    }
    w
}

/// "stopp" → "stop", "plann" → "plan" after -ed/-ing; "pass", "fall", "buzz" keep theirs.
fn undouble(w: &mut String) {
    let b = w.as_bytes();
    let n = b.len();
    if n >= 3 && b[n - 1] == b[n - 2] && !matches!(b[n - 1], b'l' | b's' | b'z') {
        w.pop();
    }
}

/// English function words: they carry no evidence that two sentences are translations (every
/// sentence has them) and dictionary glosses are full of them ("to be", "of the").
pub fn is_english_stopword(key: &str) -> bool {
    const STOP: &[&str] = &[
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "doe",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "ha",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "may",
        "me",
        "might",
        "more",
        "most",
        "must",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "shall",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "thi",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "upon",
        "very",
        "wa",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "something",
        "someone",
        "etc",
        "oneself",
        "thing",
    ];
    STOP.contains(&key)
}

/// Arabic function words, as light stems of the normalized form: prepositions, particles,
/// pronouns, demonstratives and relatives. Dictionary glosses like «من الدرجة الاولى» must
/// not link «من» to "first-rate".
pub fn is_arabic_stopword(stem: &str) -> bool {
    const STOP: &[&str] = &[
        "في",
        "من",
        "علي",
        "الي",
        "عن",
        "مع",
        "ان",
        "او",
        "ام",
        "ثم",
        "بل",
        "لا",
        "لم",
        "لن",
        "ما",
        "قد",
        "لقد",
        "كان",
        "كانت",
        "يكون",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "هو",
        "هي",
        "هم",
        "نحن",
        "انا",
        "انت",
        "التي",
        "الذي",
        "الذين",
        "اللذين",
        "اللتين",
        "اللواتي",
        "كل",
        "بعض",
        "غير",
        "بين",
        "عند",
        "منذ",
        "حتي",
        "اذا",
        "لو",
        "كما",
        "لكن",
        "ولكن",
        "اي",
        "اما",
        "الا",
        "مثل",
        "حيث",
        "اذ",
        "اليه",
        "عليه",
        "منه",
        "فيه",
        "به",
        "له",
        "لها",
        "لهم",
        "يا",
        "ايضا",
        "ليس",
        "هناك",
        "هنا",
        "ف",
        "و",
        "ب",
        "ل",
        "ك",
        "تي",
        "ذي",
        "ذين",
        "يه",
    ];
    STOP.contains(&stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_table() {
        let cases = [
            ("أحمد", "احمد"),
            ("إسلام", "اسلام"),
            ("آمن", "امن"),
            ("مستشفى", "مستشفي"),
            ("الحكومة", "الحكومه"),
            ("مُحَمَّد", "محمد"),
            ("جـــميل", "جميل"),
            ("٢٠١٩", "2019"),
            ("۱۲", "12"),
            ("Bloomberg", "Bloomberg"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "fold({input})");
        }
    }

    #[test]
    fn light_stem_table() {
        let cases = [
            // clitics
            ("والحكومه", "حكوم"),
            ("فالامر", "امر"),
            ("بالعربيه", "عربي"),
            ("كالعاده", "عاد"),
            ("للحكومه", "حكوم"),
            ("الكتاب", "كتاب"),
            // a preposition without the article stays: these ب/ل/ك belong to the stem
            ("بلد", "بلد"),
            ("لبنان", "لبنان"),
            ("كتب", "كتب"),
            // a conjunction needs 3 letters behind it
            ("وزن", "وزن"),
            ("وكتب", "كتب"),
            // suffixes
            ("كتابه", "كتاب"),
            ("كتابها", "كتاب"),
            ("كتابهم", "كتاب"),
            ("كتابنا", "كتاب"),
            ("كتابي", "كتاب"),
            ("كتابك", "كتاب"),
            ("الحكومات", "حكوم"),
            ("المهندسون", "مهندس"),
            ("المهندسين", "مهندس"),
            ("وحكومتهم", "حكوم"),
            ("مدينتها", "مدين"),
            ("بيته", "بيت"),
            // too short to strip
            ("اب", "اب"),
            ("هم", "هم"),
            ("يد", "يد"),
        ];
        for (input, want) in cases {
            assert_eq!(light_stem(input), want, "light_stem({input})");
        }
    }

    #[test]
    fn arabic_key_meets_dictionary_form() {
        // The same word with hamza, diacritics, clitics and a plural ending meets one key.
        assert_eq!(arabic_key("الحكومة"), arabic_key("والحكومات"));
        assert_eq!(arabic_key("أَحْمَد"), arabic_key("احمد"));
        assert_eq!(arabic_key("لِلْمُهَنْدِسِين"), "مهندس");
    }

    #[test]
    fn english_key_table() {
        let cases = [
            ("Governments", "government"),
            ("studies", "study"),
            ("passing", "pass"),
            ("allowed", "allow"),
            ("stopped", "stop"),
            ("Bloomberg's", "bloomberg"),
            ("classes", "class"),
            ("churches", "church"),
            ("news", "new"),
            ("bus", "bus"),
            ("analysis", "analysis"),
            ("agreed", "agreed"),
            ("red", "red"),
            ("sing", "sing"),
            ("carried", "carry"),
        ];
        for (input, want) in cases {
            assert_eq!(english_key(input), want, "english_key({input})");
        }
    }

    #[test]
    fn stopwords_are_keys() {
        // The list holds keys, so "has"/"was"/"this" are listed by their stemmed form too.
        for w in ["the", "has", "was", "this", "does"] {
            assert!(is_english_stopword(&english_key(w)), "{w}");
        }
        assert!(!is_english_stopword("government"));
    }
}
