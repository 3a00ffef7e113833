//! Quotes of one block: the matched quotation-mark pairs ([`super::pairs`]) with their
//! sentence, kind and speaker.
//!
//! Takes the block's pairs and sentence spans; gives [`Quote`]s with ids counted from the
//! document's quotes so far. A quote of one or two words that is not introduced by a colon and
//! does not end like a sentence («حساس», "sensitive") is a scare quote: a term set off, which
//! matching treats differently from a statement. A quote inside another quote gets no speaker
//! of its own (the sentence attributes the outer one); a quote after a bare reporting verb
//! (`قال السفير: «…» وأضاف: «…»`, a new paragraph `وتابع: «…»`) takes the speaker named last,
//! in its paragraph or the one before: news prose names a speaker once and goes on quoting.

use super::pairs::{self, Pair, PairKind};
use super::speaker::{self, Found};
use crate::document::{Lang, Quote, QuoteId, QuoteKind, SentenceId, Span};

/// Whether the quote `pair` is a statement or a scare quote; `cue_adjacent`: a reporting word
/// stands right next to it.
pub(crate) fn kind(text: &str, pair: &Pair, cue_adjacent: bool) -> QuoteKind {
    let inner = text[pair.inner().range()].trim();
    let words = inner.split_whitespace().count();
    // Not the final period: English puts it inside the marks even after a single word
    // (`called it "wasteful."`).
    let ends_like_sentence = inner.ends_with(['!', '?', '؟']);
    let introduced = text[..pair.open.start].trim_end().ends_with(':');
    if words <= 2 && !ends_like_sentence && !introduced && !cue_adjacent {
        QuoteKind::Scare
    } else {
        QuoteKind::Statement
    }
}

/// A scare quote inside a statement's speaker phrase (`رئيس شركة "أبل" تيم كوك`) is part of a
/// name, not something said: it gets no speaker.
fn drop_speakers_inside_speakers(quotes: &mut [Quote]) {
    let mut speakers: Vec<Span> = quotes
        .iter()
        .filter(|q| q.kind == QuoteKind::Statement)
        .filter_map(|q| q.speaker)
        .collect();
    speakers.sort();
    for q in quotes.iter_mut().filter(|q| q.kind == QuoteKind::Scare) {
        let i = speakers.partition_point(|s| s.start <= q.span.start);
        if i > 0 && speakers[i - 1].contains(q.span) {
            q.speaker = None;
        }
    }
}

/// Whether the quote is the whole sentence, but for punctuation around it.
fn is_whole(text: &str, sentence: Span, pair: &Pair) -> bool {
    let outside = |s: &str| !s.chars().any(char::is_alphanumeric);
    outside(&text[sentence.start..pair.open.start]) && outside(&text[pair.close.end..sentence.end])
}

/// The index of `pair` among the sentence's top-level quotes `top`, if it is one.
fn top_position(top: &[Span], pair: &Pair) -> Option<usize> {
    top.binary_search_by_key(&pair.open.start, |t| t.start)
        .ok()
        .filter(|&q| top[q] == pair.outer())
}

/// Where a block's quotes go in the document, and the speaker named last before them.
pub(crate) struct Cursor {
    /// Id of the block's first sentence.
    pub sentence: usize,
    /// Id the block's first quote gets.
    pub quote: usize,
    /// Index of the block's paragraph.
    pub paragraph: usize,
    /// The last speaker named, with its paragraph index.
    pub last_speaker: Option<(Span, usize)>,
}

impl Cursor {
    /// The speaker a quote after a bare reporting verb refers to (`وأضاف: «…»`, `على حد
    /// تعبيره`): the one named last, in this paragraph or the one before.
    fn carried(&self) -> Option<Span> {
        self.last_speaker
            .filter(|&(_, p)| p + 1 >= self.paragraph)
            .map(|(s, _)| s)
    }
}

/// The quotes among `pairs` (one block), attributed to `sentences` (the block's sentence
/// spans); `at` says where they go and is moved on.
pub(crate) fn build(
    text: &str,
    pairs: &[Pair],
    sentences: &[Span],
    at: &mut Cursor,
    lang: Lang,
) -> Vec<Quote> {
    let quote_pairs: Vec<&Pair> = pairs
        .iter()
        .filter(|p| p.kind == PairKind::Quote && !text[p.inner().range()].trim().is_empty())
        .collect();
    let mut out: Vec<Quote> = Vec::new();
    // Pairs never cross a sentence boundary, and both lists are in text order: one pass.
    let mut next = 0;
    for (s, &sentence) in sentences.iter().enumerate() {
        while next < quote_pairs.len() && quote_pairs[next].open.start < sentence.start {
            next += 1;
        }
        let first = next;
        while next < quote_pairs.len() && sentence.contains(quote_pairs[next].outer()) {
            next += 1;
        }
        let here = &quote_pairs[first..next];
        let outer: Vec<Span> = here.iter().map(|p| p.outer()).collect();
        let top = pairs::outermost(&outer);
        let mut tokens = speaker::tokenize(text, sentence, &top);
        let kinds: Vec<QuoteKind> = here
            .iter()
            .map(|pair| {
                let cue_adjacent = top_position(&top, pair)
                    .is_some_and(|q| speaker::cue_adjacent(text, &tokens, q, lang));
                kind(text, pair, cue_adjacent)
            })
            .collect();
        let scare: Vec<bool> = here
            .iter()
            .zip(&kinds)
            .filter(|(pair, _)| top_position(&top, pair).is_some())
            .map(|(_, &k)| k == QuoteKind::Scare)
            .collect();
        tokens.mark_scare(&scare);
        let sentence_first = out.len();
        for (&pair, &kind) in here.iter().zip(&kinds) {
            let top_index = top_position(&top, pair);
            let speaker = match top_index {
                Some(q) => match speaker::find(text, &tokens, q, lang) {
                    Found::Speaker(span) => {
                        at.last_speaker = Some((span, at.paragraph));
                        Some(span)
                    }
                    Found::CueOnly => at.carried(),
                    // A sentence that is only a quote goes on quoting the speaker named
                    // just before, in the same paragraph: `"…," Schumer said. "We did it."`
                    Found::Nothing
                        if kind == QuoteKind::Statement
                            && top.len() == 1
                            && is_whole(text, sentence, pair) =>
                    {
                        at.last_speaker
                            .filter(|&(_, p)| p == at.paragraph)
                            .map(|(s, _)| s)
                    }
                    Found::Nothing => None,
                },
                _ => None,
            };
            let inner = super::paragraphs::trim(text, pair.inner());
            out.push(Quote {
                id: QuoteId::from_index(at.quote + out.len()),
                sentence: SentenceId::from_index(at.sentence + s),
                span: pair.outer(),
                inner,
                speaker,
                kind,
            });
        }
        drop_speakers_inside_speakers(&mut out[sentence_first..]);
    }
    at.sentence += sentences.len();
    at.quote += out.len();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let cases = [
            ("وصفاه بأنه «حساس» ثم", Lang::Ar, QuoteKind::Scare),
            (
                "called it “very sensitive” then",
                Lang::En,
                QuoteKind::Scare,
            ),
            ("called it \"wasteful.\"", Lang::En, QuoteKind::Scare),
            ("قال: «نعم»", Lang::Ar, QuoteKind::Statement),
            ("قال «نعم»", Lang::Ar, QuoteKind::Statement),
            ("He said “No.”", Lang::En, QuoteKind::Statement),
            (
                "“It happens,” she told CNN.",
                Lang::En,
                QuoteKind::Statement,
            ),
            ("He asked “Why?” twice", Lang::En, QuoteKind::Statement),
            (
                "قال «رفضنا تقديم الدعم لهذا الطلب»",
                Lang::Ar,
                QuoteKind::Statement,
            ),
        ];
        for (text, lang, want) in cases {
            let all = Span::new(0, text.len());
            let quotes = build(
                text,
                &pairs::find(text, all),
                &[all],
                &mut cursor(0, 0),
                lang,
            );
            assert_eq!(quotes[0].kind, want, "{text}");
        }
    }

    #[test]
    fn speaker_carries_over_a_bare_verb_and_nested_quotes_get_none() {
        let text = "قال السفير: «نعم» وأضاف: «لا \"تعليق\" عندي».";
        let block = Span::new(0, text.len());
        let pairs = pairs::find(text, block);
        let mut at = cursor(3, 5);
        let quotes = build(text, &pairs, &[block], &mut at, Lang::Ar);
        let got: Vec<(&str, Option<&str>)> = quotes
            .iter()
            .map(|q| (&text[q.inner.range()], q.speaker.map(|s| &text[s.range()])))
            .collect();
        assert_eq!(
            got,
            [
                ("نعم", Some("السفير")),
                ("لا \"تعليق\" عندي", Some("السفير")),
                ("تعليق", None)
            ]
        );
        assert_eq!(quotes[0].id, QuoteId(5));
        assert!(quotes.iter().all(|q| q.sentence == SentenceId(3)));
        assert_eq!((at.sentence, at.quote), (4, 8));
    }

    fn cursor(sentence: usize, quote: usize) -> Cursor {
        Cursor {
            sentence,
            quote,
            paragraph: 0,
            last_speaker: None,
        }
    }

    #[test]
    fn a_bare_verb_refers_to_the_speaker_named_last_nearby() {
        // (paragraphs of one sentence each, speaker of the last quote)
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["وقال الوزير: «نعم».", "وأضاف: «لا»."], Some("الوزير")),
            // Two paragraphs back is too far.
            (&["وقال الوزير: «نعم».", "ذهب.", "وأضاف: «لا»."], None),
            (&["«سنواصل العمل»، على حد تعبيره."], None),
            (
                &["قال السفير: «نعم». «لن نتراجع عن موقفنا»."],
                Some("السفير"),
            ),
            (&["قال السفير: «نعم».", "«لن نتراجع عن موقفنا»."], None),
            (
                &["قال السفير: «نعم».", "«سنواصل العمل»، على حد تعبيره."],
                Some("السفير"),
            ),
        ];
        for &(paras, want) in cases {
            let text = paras.join("\n\n");
            let mut at = cursor(0, 0);
            let mut last = None;
            let mut from = 0;
            for (p, para) in paras.iter().enumerate() {
                let block = Span::new(from, from + para.len());
                from = block.end + 2;
                at.paragraph = p;
                let pairs = pairs::find(&text, block);
                let sentences = super::super::sentences::split(&text, block, &pairs, Lang::Ar);
                let quotes = build(&text, &pairs, &sentences, &mut at, Lang::Ar);
                if let Some(q) = quotes.last() {
                    last = Some(q.speaker.map(|s| &text[s.range()]));
                }
            }
            assert_eq!(last.flatten(), want, "{paras:?}");
        }
    }
}
