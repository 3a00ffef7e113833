//! Who said a quote, where its sentence says: the words next to a reporting verb (قال، وأضاف،
//! بحسب، وفقاً لـ …; said, told, according to …) before or after the quote.
//!
//! Takes the text, the sentence span, the spans of all quotes in the sentence and which one
//! to attribute; gives [`Found`]: a speaker span (original bytes, e.g. «متحدث باسم تيك توك»),
//! a reporting verb with no named speaker next to it (`قد قالت: «…»`, `على حد قوله`), or
//! nothing. Patterns, each tested below:
//! - Arabic, verb first (VSO): `وقال متحدث باسم تيك توك: «…»`, `«…»، قال الوزير`;
//!   subject first: `الوزير قال: «…»`; by preposition: `وفقاً لـ X`, `نقلاً عن X`, `بحسب X`;
//! - English: `Smith said: “…”`, `“…,” said Smith`, `“…,” Smith said`, `according to X`.
//!
//! A speaker phrase stops at punctuation, a quote, or a word that starts a new clause (إن،
//! في، خلال …; in, on, who …), and is at most [`MAX_WORDS`] words.

use super::{arabic, english};
use crate::document::{Lang, Span};

/// Longest speaker phrase, in words; longer stretches are clauses, not names.
const MAX_WORDS: usize = 8;

/// What the sentence says about who spoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    Speaker(Span),
    /// A reporting verb, but no named speaker next to it.
    CueOnly,
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Word(Span),
    /// Punctuation that ends a phrase.
    Stop,
    Quote,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            '\u{0640}' | '\u{064b}'..='\u{065f}' | '\u{0670}' | '\'' | '’' | '-'
        )
}

/// The sentence as words, phrase stops and quotes (each quote one token); returns the tokens
/// and the index of the token of quote `target`.
fn tokens(text: &str, sentence: Span, quotes: &[Span], target: usize) -> (Vec<Tok>, usize) {
    let mut toks = Vec::new();
    let mut target_tok = 0;
    let mut q = 0;
    let mut i = sentence.start;
    while i < sentence.end {
        if let Some(quote) = quotes.get(q).filter(|s| s.start <= i) {
            if q == target {
                target_tok = toks.len();
            }
            toks.push(Tok::Quote);
            i = quote.end.max(i + 1);
            q += 1;
            continue;
        }
        let c = text[i..].chars().next().expect("inside the sentence");
        let limit = quotes.get(q).map_or(sentence.end, |s| s.start);
        if c.is_alphanumeric() {
            // A period inside or after a word belongs to it (U.S., Dr., أ.د.).
            let len = text[i..limit]
                .find(|c: char| !(is_word_char(c) || c == '.'))
                .unwrap_or(limit - i);
            let word = text[i..i + len].trim_end_matches(['.', '-', '\'', '’']);
            toks.push(Tok::Word(Span::new(i, i + word.len())));
            i += len;
            continue;
        }
        if !c.is_whitespace() && !matches!(c, '"' | '\'' | '\u{200f}' | '\u{200e}') {
            toks.push(Tok::Stop);
        }
        i += c.len_utf8();
    }
    (toks, target_tok)
}

/// Finds who said quote number `target` of the sentence's `quotes` (outer spans, in order).
pub(crate) fn find(
    text: &str,
    sentence: Span,
    quotes: &[Span],
    target: usize,
    lang: Lang,
) -> Found {
    let (toks, at) = tokens(text, sentence, quotes, target);
    let word = |t: &Tok| match t {
        Tok::Word(s) => Some(&text[s.range()]),
        _ => None,
    };
    let is_cue = |t: &Tok| {
        word(t).is_some_and(|w| match lang {
            Lang::Ar => arabic::is_cue(w),
            Lang::En => english::is_cue(w),
        })
    };
    // Before the quote: back to the previous quote or the sentence start.
    let before_start = toks[..at]
        .iter()
        .rposition(|t| *t == Tok::Quote)
        .map_or(0, |i| i + 1);
    let mut found = Found::Nothing;
    if let Some(c) = (before_start..at).rev().find(|&i| is_cue(&toks[i])) {
        found = match lang {
            Lang::Ar => arabic_at_cue(text, &toks, c, before_start, true),
            Lang::En => english_at_cue(text, &toks, c, before_start, true),
        };
    }
    if let Found::Speaker(_) = found {
        return found;
    }
    // After the quote: a reporting word among its first words.
    let after_end = toks[at + 1..]
        .iter()
        .position(|t| *t == Tok::Quote)
        .map_or(toks.len(), |i| at + 1 + i);
    let first_words: Vec<usize> = (at + 1..after_end)
        .filter(|&i| word(&toks[i]).is_some())
        .take(4)
        .collect();
    if let Some(&c) = first_words.iter().find(|&&i| is_cue(&toks[i])) {
        let after = match lang {
            Lang::Ar => arabic_at_cue(text, &toks, c, at + 1, false),
            Lang::En => english_at_cue(text, &toks, c, at + 1, false),
        };
        if after != Found::Nothing {
            found = after;
        }
    } else if lang == Lang::Ar {
        let words: Vec<&str> = first_words.iter().filter_map(|&i| word(&toks[i])).collect();
        if arabic::is_as_he_put_it(&words) {
            found = Found::CueOnly;
        }
    }
    found
}

/// The phrase of words from token `from` on, up to a stop, a quote, a cue or a clause word.
fn phrase_after(
    text: &str,
    toks: &[Tok],
    from: usize,
    stop_word: impl Fn(&str) -> bool,
) -> Option<Span> {
    let mut words = Vec::new();
    for t in &toks[from.min(toks.len())..] {
        match t {
            Tok::Word(s) if !stop_word(&text[s.range()]) => words.push(*s),
            _ => break,
        }
    }
    join(&words)
}

/// The phrase of words just before token `to`, back to a stop, a quote or `floor`.
fn phrase_before(
    text: &str,
    toks: &[Tok],
    floor: usize,
    to: usize,
    stop_word: impl Fn(&str) -> bool,
) -> Option<Span> {
    let mut words = Vec::new();
    for t in toks[floor..to].iter().rev() {
        match t {
            Tok::Word(s) if !stop_word(&text[s.range()]) => words.push(*s),
            _ => break,
        }
    }
    words.reverse();
    join(&words)
}

fn join(words: &[Span]) -> Option<Span> {
    match words {
        [] => None,
        _ if words.len() > MAX_WORDS => None,
        [first, .., last] => Some(Span::new(first.start, last.end)),
        [only] => Some(*only),
    }
}

fn arabic_stop(w: &str) -> bool {
    arabic::is_speaker_stop(w) || arabic::is_cue(w)
}

/// The speaker next to the Arabic cue at token `c`; `before` says the quote follows the cue.
fn arabic_at_cue(text: &str, toks: &[Tok], c: usize, floor: usize, before: bool) -> Found {
    let cue = match toks[c] {
        Tok::Word(s) => &text[s.range()],
        _ => unreachable!("cues are words"),
    };
    if arabic::is_preposition_cue(cue) {
        // وفقاً لـ X / وفقاً لX / نقلاً عن X: the speaker follows the preposition.
        let Some(Tok::Word(next)) = toks.get(c + 1) else {
            return Found::CueOnly;
        };
        let n = arabic::norm(&text[next.range()]);
        let phrase = if n == "ل" || n == "عن" {
            phrase_after(text, toks, c + 2, arabic_stop)
        } else if n.starts_with('ل') {
            // The preposition is joined to the speaker's first word: leave it out.
            let word = &text[next.range()];
            let skip = word.len() - word.trim_start_matches(['ل', '\u{0640}']).len();
            phrase_after(text, toks, c + 2, arabic_stop)
                .map(|s| Span::new(next.start + skip, s.end))
                .or(Some(Span::new(next.start + skip, next.end)))
        } else {
            None
        };
        return phrase.map_or(Found::CueOnly, Found::Speaker);
    }
    // Verb first: the subject follows the verb.
    if let Some(s) = phrase_after(text, toks, c + 1, arabic_stop) {
        return Found::Speaker(s);
    }
    if before {
        // Subject first: الوزير قال: «…» (without the particles قد، لقد).
        let mut to = c;
        while to > floor
            && matches!(toks[to - 1], Tok::Word(s) if arabic::is_particle(&text[s.range()]))
        {
            to -= 1;
        }
        if let Some(s) = phrase_before(text, toks, floor, to, arabic_stop) {
            return Found::Speaker(s);
        }
    }
    Found::CueOnly
}

fn english_stop(w: &str) -> bool {
    english::is_speaker_stop(w) || english::is_cue(w)
}

/// The speaker next to the English cue at token `c`; `before` says the quote follows the cue.
fn english_at_cue(text: &str, toks: &[Tok], c: usize, floor: usize, before: bool) -> Found {
    let word = |i: usize| match toks.get(i) {
        Some(Tok::Word(s)) => Some(&text[s.range()]),
        _ => None,
    };
    if word(c).is_some_and(|w| w.eq_ignore_ascii_case("according")) {
        if word(c + 1).is_some_and(|w| w.eq_ignore_ascii_case("to")) {
            return phrase_after(text, toks, c + 2, english_stop)
                .map_or(Found::CueOnly, Found::Speaker);
        }
        return Found::Nothing;
    }
    // Subject first: "Smith said" (before or after the quote).
    let mut from = floor;
    while from < c && word(from).is_some_and(english::is_leading_noise) {
        from += 1;
    }
    if let Some(s) = phrase_before(text, toks, from, c, english_stop) {
        if before || from == floor {
            return Found::Speaker(s);
        }
    }
    // Verb first: "said Smith".
    match phrase_after(text, toks, c + 1, english_stop) {
        Some(s) => Found::Speaker(s),
        None => Found::CueOnly,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::pairs::{self, PairKind};

    /// The speaker of each quote of a one-sentence text.
    fn speakers(text: &str, lang: Lang) -> Vec<Option<&str>> {
        let all = Span::new(0, text.len());
        let quotes: Vec<Span> = pairs::find(text, all)
            .iter()
            .filter(|p| p.kind == PairKind::Quote)
            .map(|p| p.outer())
            .collect();
        let quotes = pairs::outermost(&quotes);
        (0..quotes.len())
            .map(|q| match find(text, all, &quotes, q, lang) {
                Found::Speaker(s) => Some(&text[s.range()]),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn arabic_speakers() {
        let cases: &[(&str, &[Option<&str>])] = &[
            (
                "وقال متحدث باسم تيك توك: «رفضنا تقديم الدعم لهذا الطلب».",
                &[Some("متحدث باسم تيك توك")],
            ),
            ("«سنرد بقوة»، قال الوزير.", &[Some("الوزير")]),
            (
                "وأضاف الرئيس في مؤتمر صحافي: «لن نتراجع».",
                &[Some("الرئيس")],
            ),
            ("الوزير قال: «نعم».", &[Some("الوزير")]),
            ("في رسالة موجهة إلى كانتر، قد قالت: «الجهة مهتمة».", &[None]),
            ("«الوضع خطير»، بحسب مصدر مطلع.", &[Some("مصدر مطلع")]),
            (
                "«الوضع خطير»، وفقاً لـ مسؤول أمريكي.",
                &[Some("مسؤول أمريكي")],
            ),
            ("«الوضع خطير»، وفقاً لمسؤول أمريكي.", &[Some("مسؤول أمريكي")]),
            (
                "«الوضع خطير»، نقلاً عن مصادر دبلوماسية.",
                &[Some("مصادر دبلوماسية")],
            ),
            ("«الوضع خطير»، على حد قوله.", &[None]),
            ("رفضا الطلب الذي وصفاه بأنه «حساس».", &[None]),
            ("وقال الوزير إن «الوضع خطير».", &[Some("الوزير")]),
            ("قال السفير: «نعم» وأضاف: «لا».", &[Some("السفير"), None]),
        ];
        for &(text, want) in cases {
            assert_eq!(speakers(text, Lang::Ar), want, "{text}");
        }
    }

    #[test]
    fn english_speakers() {
        let cases: &[(&str, &[Option<&str>])] = &[
            (
                "A TikTok spokesperson said: “We declined the request.”",
                &[Some("A TikTok spokesperson")],
            ),
            (
                "“We declined,” said the spokesperson.",
                &[Some("the spokesperson")],
            ),
            ("“We declined,” Smith said.", &[Some("Smith")]),
            ("“We declined,” Smith told reporters.", &[Some("Smith")]),
            (
                "“It is serious,” according to a U.S. official.",
                &[Some("a U.S. official")],
            ),
            ("According to Reuters, “it is over.”", &[Some("Reuters")]),
            ("He called it “sensitive” in a memo.", &[None]),
            ("“It is over,” said Truss in London.", &[Some("Truss")]),
            ("And Dr. Jones said, “No.”", &[Some("Dr. Jones")]),
        ];
        for &(text, want) in cases {
            assert_eq!(speakers(text, Lang::En), want, "{text}");
        }
    }
}
