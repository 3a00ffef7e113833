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

/// How far from a quote (in tokens: words, punctuation, quotes) its reporting verb may be.
/// Wide enough for `وقال الدكتور محمد علي، أستاذ العلوم السياسية بجامعة القاهرة، لـ"الشرق
/// الأوسط": «…»`; the bound keeps a sentence of thousands of quotes linear.
const WINDOW: usize = 40;

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
    /// A quote: a statement bounds the search for a speaker; a scare quote is read as a word
    /// (`قال رئيس شركة "أبل" تيم كوك: «…»`).
    Quote {
        span: Span,
        scare: bool,
    },
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            '\u{0640}' | '\u{064b}'..='\u{065f}' | '\u{0670}' | '\'' | '’' | '-'
        )
}

/// A sentence as words, phrase stops and quotes (each quote one token), made once per
/// sentence and shared by all its quotes.
pub(crate) struct Tokens {
    toks: Vec<Tok>,
    /// The token index of each quote.
    quote_at: Vec<usize>,
    /// The token indices of the statement quotes (all quotes until [`Tokens::mark_scare`]).
    statements: Vec<usize>,
}

impl Tokens {
    /// Marks which quotes are scare quotes, once their kinds are known.
    pub(crate) fn mark_scare(&mut self, scare: &[bool]) {
        for (&at, &is_scare) in self.quote_at.iter().zip(scare) {
            if let Tok::Quote { scare, .. } = &mut self.toks[at] {
                *scare = is_scare;
            }
        }
        self.statements = self
            .quote_at
            .iter()
            .zip(scare)
            .filter(|(_, &s)| !s)
            .map(|(&at, _)| at)
            .collect();
    }
}

/// Tokenizes `sentence`, whose top-level quotes (outer spans, in order) are `quotes`.
pub(crate) fn tokenize(text: &str, sentence: Span, quotes: &[Span]) -> Tokens {
    let mut toks = Vec::new();
    let mut quote_at = Vec::with_capacity(quotes.len());
    let mut i = sentence.start;
    while i < sentence.end {
        if let Some(quote) = quotes.get(quote_at.len()).filter(|s| s.start <= i) {
            quote_at.push(toks.len());
            toks.push(Tok::Quote {
                span: *quote,
                scare: false,
            });
            i = quote.end.max(i + 1);
            continue;
        }
        let c = text[i..].chars().next().expect("inside the sentence");
        let limit = quotes.get(quote_at.len()).map_or(sentence.end, |s| s.start);
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
    let statements = quote_at.clone();
    Tokens {
        toks,
        quote_at,
        statements,
    }
}

fn is_cue_tok(text: &str, t: &Tok, lang: Lang) -> bool {
    match t {
        Tok::Word(s) => match lang {
            Lang::Ar => arabic::is_cue(&text[s.range()]),
            Lang::En => english::is_cue(&text[s.range()]),
        },
        _ => false,
    }
}

/// Whether a reporting word is one of the two words next to quote `target`, on either side
/// (`He said “No.”`, `“No,” she said`): the quote is then a statement, however short.
pub(crate) fn cue_adjacent(text: &str, tokens: &Tokens, target: usize, lang: Lang) -> bool {
    let Some(&at) = tokens.quote_at.get(target) else {
        return false;
    };
    let toks = &tokens.toks;
    let near = |it: &mut dyn Iterator<Item = &Tok>| {
        it.take_while(|t| !matches!(t, Tok::Quote { .. }))
            .filter(|t| matches!(t, Tok::Word(_)))
            .take(2)
            .any(|t| is_cue_tok(text, t, lang))
    };
    let as_he_put_it = lang == Lang::Ar && {
        let words: Vec<&str> = toks[at + 1..]
            .iter()
            .take_while(|t| !matches!(t, Tok::Quote { .. }))
            .filter_map(|t| match t {
                Tok::Word(s) => Some(&text[s.range()]),
                _ => None,
            })
            .take(3)
            .collect();
        arabic::is_as_he_put_it(&words)
    };
    as_he_put_it || near(&mut toks[..at].iter().rev()) || near(&mut toks[at + 1..].iter())
}

/// Finds who said quote number `target` of the tokenized sentence.
pub(crate) fn find(text: &str, tokens: &Tokens, target: usize, lang: Lang) -> Found {
    let toks = &tokens.toks;
    let Some(&at) = tokens.quote_at.get(target) else {
        return Found::Nothing;
    };
    let word = |t: &Tok| match t {
        Tok::Word(s) => Some(&text[s.range()]),
        _ => None,
    };
    let is_cue = |t: &Tok| is_cue_tok(text, t, lang);
    // Before the quote: back to the previous statement or the sentence start; the cue's
    // phrase may not run into the quote itself.
    let split = tokens.statements.partition_point(|&s| s < at);
    let before_start = split
        .checked_sub(1)
        .map_or(0, |i| tokens.statements[i] + 1)
        .max(at.saturating_sub(WINDOW));
    let mut found = Found::Nothing;
    if let Some(c) = (before_start..at).rev().find(|&i| is_cue(&toks[i])) {
        let toks = &toks[..at];
        found = match lang {
            Lang::Ar => arabic_at_cue(text, toks, c, before_start, true),
            Lang::En => english_at_cue(text, toks, c, before_start, true),
        };
    }
    if let Found::Speaker(_) = found {
        return found;
    }
    // After the quote: a reporting word among its first words.
    let after_end = tokens.statements[split..]
        .iter()
        .find(|&&s| s > at)
        .copied()
        .unwrap_or(toks.len());
    let toks = &toks[..after_end];
    let first_words: Vec<usize> = (at + 1..after_end.min(at + 1 + WINDOW))
        .filter(|&i| word(&toks[i]).is_some())
        .take(MAX_WORDS + 2)
        .collect();
    // The first cue that names someone («…»، بحسب ما قال الوزير: بحسب names no one, قال does).
    for &c in first_words.iter().filter(|&&i| is_cue(&toks[i])) {
        let after = match lang {
            Lang::Ar => arabic_at_cue(text, toks, c, at + 1, false),
            Lang::En => english_at_cue(text, toks, c, at + 1, false),
        };
        match after {
            Found::Speaker(_) => return after,
            Found::CueOnly => found = Found::CueOnly,
            Found::Nothing => {}
        }
    }
    if lang == Lang::Ar {
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
    for t in toks[from.min(toks.len())..].iter().take(MAX_WORDS + 1) {
        match phrase_part(text, t, &stop_word) {
            Some(s) => words.push(s),
            None => break,
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
    for t in toks[floor..to].iter().rev().take(MAX_WORDS + 1) {
        match phrase_part(text, t, &stop_word) {
            Some(s) => words.push(s),
            None => break,
        }
    }
    words.reverse();
    join(&words)
}

/// The span a token adds to a speaker phrase: a word that is not a stop, or a scare quote.
fn phrase_part(text: &str, t: &Tok, stop_word: impl Fn(&str) -> bool) -> Option<Span> {
    match *t {
        Tok::Word(s) if !stop_word(&text[s.range()]) => Some(s),
        Tok::Quote { span, scare: true } => Some(span),
        _ => None,
    }
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
    use crate::segment::{pairs, quotes};

    /// The speaker of each quote of a one-sentence text, as the segmenter finds it.
    fn speakers(text: &str, lang: Lang) -> Vec<Option<&str>> {
        let all = Span::new(0, text.len());
        let mut at = quotes::Cursor {
            sentence: 0,
            quote: 0,
            paragraph: 0,
            last_speaker: None,
        };
        quotes::build(text, &pairs::find(text, all), &[all], &mut at, lang)
            .iter()
            .map(|q| q.speaker.map(|s| &text[s.range()]))
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
            ("«الوضع خطير»، بحسب ما قال الوزير.", &[Some("الوزير")]),
            (
                "وقال الدكتور محمد علي، أستاذ العلوم السياسية، لـ\"الشرق الأوسط\": «الموقف واضح».",
                &[Some("الدكتور محمد علي"), Some("الدكتور محمد علي")],
            ),
            (
                "وقال رئيس شركة \"أبل\" تيم كوك: «سنستثمر في مصر».",
                &[None, Some("رئيس شركة \"أبل\" تيم كوك")],
            ),
            ("رفضا الطلب الذي وصفاه بأنه «حساس».", &[None]),
            ("وقال الوزير إن «الوضع خطير».", &[Some("الوزير")]),
            (
                "قال السفير: «نعم» وأضاف: «لا».",
                &[Some("السفير"), Some("السفير")],
            ),
        ];
        for &(text, want) in cases {
            assert_eq!(speakers(text, Lang::Ar), want, "{text}");
        }
    }

    #[test]
    fn regression_apostrophe_before_a_quote_is_not_a_word() {
        // Found by the property test: a word made only of `’` was cut inside the character.
        for text in ["’\".\"", "’«نعم»", "-- \"x\""] {
            for lang in [Lang::Ar, Lang::En] {
                let _ = speakers(text, lang);
            }
        }
        let text = "’ said: “yes it is”";
        assert_eq!(speakers(text, Lang::En), [None]);
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
            (
                "\"This is a historic day,\" Senate Majority Leader Chuck Schumer said in a statement.",
                &[Some("Senate Majority Leader Chuck Schumer")],
            ),
        ];
        for &(text, want) in cases {
            assert_eq!(speakers(text, Lang::En), want, "{text}");
        }
    }
}
