//! Fidelity checks on a finished translation. Takes the source sentence and its translation;
//! gives the [`Flag`]s a reader should see: numbers of the source (Arabic-Indic, Persian or ASCII
//! digits) missing from or changed in the translation, and an output caught in a repetition loop
//! (a failure mode of small or noisy-input MT that users report). The length-cap flag comes from
//! the decoder itself. These are shown, not hidden: a fact checker must know which lines to check.

use crate::alignment::Flag;

/// The flags that the texts themselves show (numbers, repetition).
pub fn check(source: &str, translation: &str) -> Vec<Flag> {
    let mut flags = Vec::new();
    let missing = missing_numbers(source, translation);
    if !missing.is_empty() {
        flags.push(Flag::NumberMismatch { missing });
    }
    if let Some(ngram) = repetition(translation) {
        flags.push(Flag::Repetition { ngram });
    }
    flags
}

/// Numbers of `source` (as ASCII, in source order) that `translation` lacks, counting repeats:
/// a number given twice in the source must appear twice. Small numbers may be spelled out in
/// English ("three"), as translators do.
pub fn missing_numbers(source: &str, translation: &str) -> Vec<String> {
    let mut have = numbers(translation);
    let lower = translation.to_lowercase();
    let spelled: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut used_words = vec![false; spelled.len()];
    let mut missing = Vec::new();
    for n in numbers(source) {
        if let Some(i) = have.iter().position(|h| *h == n) {
            have.swap_remove(i);
            continue;
        }
        let word = n
            .parse::<usize>()
            .ok()
            .and_then(|v| NUMBER_WORDS.get(v))
            .copied();
        let found =
            word.and_then(|w| (0..spelled.len()).find(|&i| !used_words[i] && spelled[i] == w));
        match found {
            Some(i) => used_words[i] = true,
            None => missing.push(n),
        }
    }
    missing
}

const NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// The digit value of `c` in any of the scripts Arabic news uses.
fn digit(c: char) -> Option<char> {
    let v = match c {
        '0'..='9' => c as u32 - '0' as u32,
        '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
        '\u{06F0}'..='\u{06F9}' => c as u32 - 0x06F0,
        _ => return None,
    };
    char::from_digit(v, 10)
}

/// Numbers in `text`, as ASCII digits: grouping separators (`,` `٬` between digit groups of three)
/// dropped, decimal separators (`.` `٫`, and `,` when not grouping) written as `.`.
pub fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if digit(chars[i]).is_none() {
            i += 1;
            continue;
        }
        let mut n = String::new();
        while i < chars.len() {
            if let Some(d) = digit(chars[i]) {
                n.push(d);
                i += 1;
                continue;
            }
            let sep = chars[i];
            let next_is_digit = chars.get(i + 1).is_some_and(|&c| digit(c).is_some());
            if !next_is_digit || !matches!(sep, ',' | '.' | '٫' | '٬') {
                break;
            }
            let group = chars[i + 1..]
                .iter()
                .take_while(|&&c| digit(c).is_some())
                .count();
            let grouping = matches!(sep, '٬') || (sep == ',' && group == 3);
            if !grouping {
                n.push('.');
            }
            i += 1;
        }
        out.push(n);
    }
    out
}

/// The repeated n-gram if `text` loops: one word four times running, or a phrase of two to four
/// words three times running (case-insensitive).
pub fn repetition(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect();
    for n in 1..=4usize {
        let need = if n == 1 { 4 } else { 3 };
        if words.len() < n * need {
            break;
        }
        for start in 0..=words.len() - n * need {
            let gram = &words[start..start + n];
            if (1..need).all(|k| &words[start + k * n..start + (k + 1) * n] == gram) {
                return Some(gram.join(" "));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_any_script() {
        let cases: &[(&str, &[&str])] = &[
            ("عام ٢٠٢٢ و١٥ شخصا", &["2022", "15"]),
            ("۱۴۰۱", &["1401"]),
            ("1,000,000 people", &["1000000"]),
            ("٣٫٥ مليون و١٬٢٠٠", &["3.5", "1200"]),
            ("3.5 million, 12", &["3.5", "12"]),
            ("at 12:30", &["12", "30"]),
            ("no digits", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(numbers(text), *want, "{text}");
        }
    }

    #[test]
    fn missing_numbers_table() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("قتل ١٥ شخصا عام ٢٠٢٢", "15 people were killed in 2022", &[]),
            (
                "قتل ١٥ شخصا عام ٢٠٢٢",
                "15 people were killed in 2021",
                &["2022"],
            ),
            ("قتل ٣ أشخاص", "three people were killed", &[]),
            ("٣ و٣", "3 and three", &[]),
            ("٣ و٣", "3 and 4", &["3"]),
            ("بلغ ٣٫٥ مليون", "reached 3.5 million", &[]),
            ("بلغ ٣٫٥ مليون", "reached 35 million", &["3.5"]),
        ];
        for (src, tgt, want) in cases {
            assert_eq!(missing_numbers(src, tgt), *want, "{src} → {tgt}");
        }
    }

    #[test]
    fn repetition_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("The minister said the talks would resume.", None),
            ("the the the the end", Some("the")),
            ("He said, he said, he said, and left", Some("he said")),
            ("It was very, very good", None),
            ("of the of the", None),
        ];
        for (text, want) in cases {
            assert_eq!(repetition(text).as_deref(), *want, "{text}");
        }
    }

    #[test]
    fn check_collects_flags() {
        let flags = check("عام ٢٠٢٢", "year year year year");
        assert_eq!(
            flags,
            vec![
                Flag::NumberMismatch {
                    missing: vec!["2022".into()]
                },
                Flag::Repetition {
                    ngram: "year".into()
                },
            ]
        );
        assert!(check("قال", "he said").is_empty());
    }
}
