//! Splitting a sentence that is too long for the model. Takes a sentence and a predicate saying
//! whether a piece fits the model (its token count is within the positions); gives the byte spans
//! of pieces that each fit, in order, covering every word of the sentence. The model would
//! otherwise truncate or degrade silently (a complaint users raise about OPUS-CAT and Argos), so
//! we cut where a translator would: first after clause punctuation (، ؛ : and their Latin
//! twins), then before a clause joined by the conjunction و, and only as a last resort between
//! words (or, for one giant word, between characters). Each cut is taken nearest the middle of
//! the piece, so pieces stay balanced and few.

use crate::document::Span;

/// Byte spans (into `text`) of pieces that each satisfy `fits`, in text order. Pieces are trimmed
/// of surrounding whitespace; a text that fits comes back whole (trimmed). An all-whitespace text
/// gives no pieces.
pub fn split_to_fit(text: &str, fits: &mut dyn FnMut(&str) -> bool) -> Vec<Span> {
    let mut out = Vec::new();
    let whole = trim_span(text, Span::new(0, text.len()));
    if !whole.is_empty() {
        split_rec(text, whole, fits, &mut out);
    }
    out
}

fn split_rec(text: &str, span: Span, fits: &mut dyn FnMut(&str) -> bool, out: &mut Vec<Span>) {
    let piece = &text[span.range()];
    if fits(piece) {
        out.push(span);
        return;
    }
    match best_cut(piece) {
        Some(cut) => {
            let left = trim_span(text, Span::new(span.start, span.start + cut));
            let right = trim_span(text, Span::new(span.start + cut, span.end));
            for part in [left, right] {
                if !part.is_empty() {
                    split_rec(text, part, fits, out);
                }
            }
        }
        // A single character that does not fit: nothing smaller exists; the model gets it as is
        // (the engine's own cap then applies).
        None => out.push(span),
    }
}

/// The byte offset (inside `piece`) to cut at: the highest-priority kind of boundary that exists,
/// nearest the middle. `None` only for a piece of one character.
fn best_cut(piece: &str) -> Option<usize> {
    // Balance the two sides: |left - right| in bytes.
    let nearest = |cuts: Vec<usize>| {
        cuts.into_iter()
            .min_by_key(|&c| (2 * c).abs_diff(piece.len()))
    };
    nearest(clause_punctuation_cuts(piece))
        .or_else(|| nearest(conjunction_cuts(piece)))
        .or_else(|| nearest(word_cuts(piece)))
        .or_else(|| {
            // One giant word: cut between characters.
            let cuts: Vec<usize> = piece
                .char_indices()
                .map(|(i, _)| i)
                .filter(|&i| i > 0)
                .collect();
            nearest(cuts)
        })
}

/// Offsets just after a clause mark that is followed by whitespace (so `3,5` or `12:30` are not
/// cut), excluding the very end.
fn clause_punctuation_cuts(piece: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut chars = piece.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '،' | '؛' | ':' | ',' | ';') {
            let end = i + c.len_utf8();
            if chars.peek().is_some_and(|&(_, next)| next.is_whitespace()) {
                cuts.push(end);
            }
        }
    }
    cuts
}

/// Words that, after a prefixed و, start a new clause: particles and pronouns that open one.
const CLAUSE_OPENERS: &[&str] = &[
    "قد", "لكن", "لم", "لا", "لن", "أن", "إن", "هو", "هي", "هم", "كان", "كانت", "ذلك", "من", "في",
];

/// Offsets of the whitespace before a word that is the conjunction و joined to a clause: a free
/// standing و, و+definite article (والحكومة), و+a clause-opening particle (وقد, ولكن), or
/// و+an imperfect verb (ويقول, وتابع: ي/ت then at least two letters). A word merely starting with
/// و (وزير, وثيقة) is not one: its second letter is none of these.
fn conjunction_cuts(piece: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    for (start, word) in words(piece) {
        if start == 0 {
            continue;
        }
        let Some(rest) = word.strip_prefix('و') else {
            continue;
        };
        let rest = rest.trim_end_matches(|c: char| !c.is_alphanumeric());
        let verb = (rest.starts_with('ي') || rest.starts_with('ت')) && rest.chars().count() >= 3;
        if rest.is_empty() || rest.starts_with("ال") || CLAUSE_OPENERS.contains(&rest) || verb {
            cuts.push(start);
        }
    }
    cuts
}

/// Offsets of the start of every word but the first.
fn word_cuts(piece: &str) -> Vec<usize> {
    words(piece).map(|(i, _)| i).filter(|&i| i > 0).collect()
}

/// Whitespace-separated words with their byte offsets.
fn words(piece: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest_start = 0;
    std::iter::from_fn(move || {
        let rest = &piece[rest_start..];
        let skip = rest.len() - rest.trim_start().len();
        let start = rest_start + skip;
        if start >= piece.len() {
            return None;
        }
        let len = piece[start..]
            .find(char::is_whitespace)
            .unwrap_or(piece.len() - start);
        rest_start = start + len;
        Some((start, &piece[start..start + len]))
    })
}

/// `span` without leading and trailing whitespace.
fn trim_span(text: &str, span: Span) -> Span {
    let s = &text[span.range()];
    let start = span.start + (s.len() - s.trim_start().len());
    let end = span.start + s.trim_end().len();
    Span::new(start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A budget in words: a stand-in for the tokenizer's count.
    fn pieces(text: &str, max_words: usize) -> Vec<&str> {
        let mut fits = |p: &str| p.split_whitespace().count() <= max_words;
        split_to_fit(text, &mut fits)
            .into_iter()
            .map(|s| &text[s.range()])
            .collect()
    }

    #[test]
    fn cuts_by_priority() {
        let cases: &[(&str, usize, &[&str])] = &[
            // Fits: whole, trimmed.
            ("  قال الوزير  ", 5, &["قال الوزير"]),
            // Comma first, even when a word cut would be more central.
            (
                "قال الوزير إن الحكومة، ستبدأ المفاوضات غدا",
                4,
                &["قال الوزير إن الحكومة،", "ستبدأ المفاوضات غدا"],
            ),
            // Semicolon and colon.
            ("أولا هذا؛ ثانيا ذاك", 2, &["أولا هذا؛", "ثانيا ذاك"]),
            ("قال: سنعود قريبا", 2, &["قال:", "سنعود قريبا"]),
            // No punctuation: a و-joined clause (ويقول), not وزير.
            (
                "التقى وزير الخارجية نظيره ويقول المسؤولون",
                4,
                &["التقى وزير الخارجية نظيره", "ويقول المسؤولون"],
            ),
            // Nothing else: between words, balanced.
            ("a b c d e f", 3, &["a b c", "d e f"]),
            // A comma inside a number is not a clause mark.
            ("بلغ 3,5 مليون", 2, &["بلغ 3,5", "مليون"]),
            // All whitespace: nothing.
            ("   ", 3, &[]),
        ];
        for (text, max, want) in cases {
            assert_eq!(pieces(text, *max), *want, "{text}");
        }
    }

    #[test]
    fn every_piece_fits_and_words_are_kept() {
        let text = "في عام ٢٠٢٢، قالت الحكومة إن الاقتصاد سينمو؛ وقد رحب المستثمرون بذلك، \
                    لكن المعارضة انتقدت الخطة وقالت إنها غير واقعية";
        for max in 1..8 {
            let got = pieces(text, max);
            assert!(got.iter().all(|p| p.split_whitespace().count() <= max));
            let joined: Vec<&str> = got.iter().flat_map(|p| p.split_whitespace()).collect();
            let orig: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(joined, orig, "max {max}");
        }
    }

    #[test]
    fn giant_word_cut_between_characters() {
        let text = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي";
        let mut fits = |p: &str| p.chars().count() <= 8;
        let got = split_to_fit(text, &mut fits);
        assert!(got.len() >= 4);
        let rebuilt: String = got.iter().map(|s| &text[s.range()]).collect();
        assert_eq!(rebuilt, text);
    }
}
