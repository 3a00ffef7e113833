//! Consonant skeletons for matching names across scripts, without a model.
//!
//! Takes one word (Arabic, normalized by [`super::stem::fold`], or English) and gives its
//! consonant skeleton over shared classes: letters an Arabic writer and an English writer use
//! for the same sound fall into one class (ج and English j/g; ق, ك and k/q/c; ث and th; ف and
//! f/v/ph; ب and b/p), vowels and glides are dropped on both sides (Arabic writes few vowels,
//! and و/ي stand for w/u/o and y/i/e alike). «بلومبيرغ» and "Bloomberg" both give `BLMBRG`,
//! «محمد» and "Mohammed"/"Muhammad" `HMD` with their M. Equal skeletons, or skeletons one
//! edit apart when both have three classes or more, are evidence that two sentences mention
//! the same name (Freeman et al. 2006 compare with a weighted edit distance over such classes;
//! the aligner needs only this cheap, indexable form).
//!
//! The classes are defined once, on the English side ([`english_skeleton`]); an Arabic letter
//! takes the class of its usual English spelling in the romanization table of
//! [`super::romanize`] (ث "th" → T, ذ "dh" → Z, ق "q" → K, ع "'" → none), so the entity
//! matcher's lattice and these skeletons read the same letters the same way.

use super::romanize::usual_spelling;

/// The skeletons of an Arabic word (normalized view): as written and, when it starts with
/// ال, without it (the article of «الصين», or the El- of «اليزابيث»: both readings are kept).
pub fn arabic_skeletons(word: &str) -> Vec<String> {
    let mut out = vec![arabic_skeleton(word)];
    if let Some(rest) = word.strip_prefix("ال").filter(|r| r.chars().count() >= 2) {
        let bare = arabic_skeleton(rest);
        if bare != out[0] {
            out.push(bare);
        }
    }
    out
}

/// The skeleton of an Arabic word (normalized view) as written: a final ه (ta marbuta)
/// dropped, each letter mapped to the class of its usual English spelling, repeats collapsed.
pub fn arabic_skeleton(word: &str) -> String {
    let w = match word.strip_suffix('ه') {
        Some(r) if r.chars().count() >= 3 => r,
        _ => word,
    };
    let mut out = String::new();
    for spelling in w.chars().filter_map(usual_spelling) {
        push_class(&mut out, &english_skeleton(spelling));
    }
    out
}

/// The skeleton of an English (Latin-script) word: digraphs first (th, sh, ch, kh, gh, ph,
/// dh, ck; not zh, which Arabic writes زه: Zhao, زهاو), then letters; vowels, w, y and silent letters dropped, repeats collapsed, a
/// final h after a vowel ("Abdullah", "Fatimah") dropped.
pub fn english_skeleton(word: &str) -> String {
    let w: Vec<char> = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut out = String::new();
    let mut i = 0;
    while i < w.len() {
        let next = w.get(i + 1).copied();
        let (class, step) = match (w[i], next) {
            ('t', Some('h')) => ("T", 2),
            ('s', Some('h')) | ('c', Some('h')) => ("C", 2),
            ('k', Some('h')) => ("X", 2),
            ('g', Some('h')) => ("G", 2),
            ('p', Some('h')) => ("F", 2),
            ('d', Some('h')) => ("Z", 2),
            ('c', Some('k')) => ("K", 2),
            ('c', Some('e' | 'i' | 'y')) => ("S", 1),
            // "ng" closing a syllable is one nasal: Washington, واشنطن.
            ('n', Some('g')) if !w.get(i + 2).is_some_and(|c| "aeiouy".contains(*c)) => ("N", 2),
            ('b' | 'p', _) => ("B", 1),
            ('t', _) => ("T", 1),
            ('g' | 'j', _) => ("G", 1),
            ('h', _) => ("H", 1),
            ('d', _) => ("D", 1),
            ('z', _) => ("Z", 1),
            ('r', _) => ("R", 1),
            ('s', _) => ("S", 1),
            ('f' | 'v', _) => ("F", 1),
            ('k' | 'q' | 'c', _) => ("K", 1),
            ('x', _) => ("KS", 1),
            ('l', _) => ("L", 1),
            ('m', _) => ("M", 1),
            ('n', _) => ("N", 1),
            _ => ("", 1),
        };
        push_class(&mut out, class);
        i += step;
    }
    if out.len() > 2 && out.ends_with('H') && w.len() >= 2 && "aeiou".contains(w[w.len() - 2]) {
        out.pop();
    }
    out
}

fn push_class(out: &mut String, class: &str) {
    for c in class.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
}

/// The skeleton with each one class removed: two skeletons at most one edit apart share an
/// entry of `{s} ∪ deletions(s)` (a deletion neighbourhood, as in SymSpell), which makes
/// fuzzy lookup a hash lookup.
pub fn deletions(skeleton: &str) -> Vec<String> {
    (0..skeleton.len())
        .map(|i| format!("{}{}", &skeleton[..i], &skeleton[i + 1..]))
        .collect()
}

/// Skeletons this long or longer may match one edit apart; shorter ones only when equal
/// (four-class names one edit apart are too often different people: Kanter and Carter).
pub const FUZZY_MIN: usize = 5;
/// Skeletons shorter than this never match (one class matches everything).
pub const EXACT_MIN: usize = 2;

/// Whether two skeletons name the same thing: equal (at least [`EXACT_MIN`] classes), or one
/// edit apart when both have at least [`FUZZY_MIN`]. Two-class skeletons are weak evidence:
/// callers give only words the dictionary does not know (so «قال» "said" never meets "Cole").
pub fn skeletons_match(a: &str, b: &str) -> bool {
    if a.len() < EXACT_MIN || b.len() < EXACT_MIN {
        return false;
    }
    if a == b {
        return true;
    }
    if a.len() < FUZZY_MIN || b.len() < FUZZY_MIN || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let da = deletions(a);
    let db = deletions(b);
    da.iter().any(|x| x == b)
        || db.iter().any(|x| x == a)
        || da.iter().zip(&db).any(|(x, y)| x == y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::stem::fold;

    #[test]
    fn names_that_match() {
        let cases = [
            ("بلومبيرغ", "Bloomberg"),
            ("تروس", "Truss"),
            ("كانتر", "Kanter"),
            ("ليجيان", "Lijian"),
            ("زهاو", "Zhao"),
            ("محمد", "Mohammed"),
            ("محمد", "Muhammad"),
            ("عبدالله", "Abdullah"),
            ("سيبيريا", "Siberia"),
            ("واشنطن", "Washington"),
            ("فاطمة", "Fatima"),
            ("اليزابيث", "Elizabeth"),
            ("بلومبرغ", "Bloomberg"),
        ];
        for (ar, en) in cases {
            let (a, e) = (arabic_skeletons(&fold(ar)), english_skeleton(en));
            assert!(
                a.iter().any(|a| skeletons_match(a, &e)),
                "{ar} ({a:?}) ↔ {en} ({e})"
            );
        }
    }

    #[test]
    fn false_friends_do_not_match() {
        let cases = [
            ("محمد", "Ahmed"),
            ("بلومبيرغ", "Bloom"),
            ("تروس", "Trump"),
            ("كانتر", "Carter"),
            ("لندن", "Lebanon"),
            ("كارتر", "Kanter"),
        ];
        for (ar, en) in cases {
            let (a, e) = (arabic_skeletons(&fold(ar)), english_skeleton(en));
            assert!(
                !a.iter().any(|a| skeletons_match(a, &e)),
                "{ar} ({a:?}) ↔ {en} ({e})"
            );
        }
    }

    #[test]
    fn skeleton_table() {
        let cases = [
            ("Bloomberg", "BLMBRG"),
            ("Abdullah", "BDL"),
            ("Charles", "CRLS"),
            ("Philip", "FLB"),
            ("Dhabi", "ZB"),
            ("Khalid", "XLD"),
        ];
        for (en, want) in cases {
            assert_eq!(english_skeleton(en), want, "{en}");
        }
        assert_eq!(arabic_skeleton("بلومبيرغ"), "BLMBRG");
        assert_eq!(arabic_skeleton("عبدالله"), "BDL");
        assert_eq!(arabic_skeletons("اليزابيث"), ["LZBT", "ZBT"]);
    }

    /// The classes of the Arabic letters, as the aligner has always used them: consonants
    /// grouped by the sound English writes, vowels, glides, hamza and ع without a class.
    #[test]
    fn arabic_letter_classes() {
        let classes = [
            ("بپ", "B"),
            ("تطث", "T"),
            ("جغگ", "G"),
            ("حه", "H"),
            ("خ", "X"),
            ("دض", "D"),
            ("ذزظ", "Z"),
            ("ر", "R"),
            ("سص", "S"),
            ("شچ", "C"),
            ("فڤ", "F"),
            ("قكک", "K"),
            ("ل", "L"),
            ("م", "M"),
            ("ن", "N"),
            ("ءآأؤإئاةوىيیعـ", ""),
            // Persian zhe reads as English "zh", which stays two classes (see english_skeleton).
            ("ژ", "ZH"),
        ];
        for (letters, want) in classes {
            for c in letters.chars() {
                // Between alefs: no final-ه rule, nothing collapses with a neighbour.
                assert_eq!(arabic_skeleton(&format!("ا{c}ا")), want, "{c}");
            }
        }
    }
}
