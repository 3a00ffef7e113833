//! Quotes of one block: the matched quotation-mark pairs ([`super::pairs`]) with their
//! sentence, kind and speaker.
//!
//! Takes the block's pairs and sentence spans; gives [`Quote`]s with ids counted from the
//! document's quotes so far. A quote of one or two words that is not introduced by a colon and
//! does not end like a sentence («حساس», "sensitive") is a scare quote: a term set off, which
//! matching treats differently from a statement. A quote inside another quote gets no speaker
//! of its own (the sentence attributes the outer one); a quote after a bare reporting verb
//! (`قال السفير: «…» وأضاف: «…»`) takes the speaker of the quote before it in the sentence.

use super::pairs::{self, Pair, PairKind};
use super::speaker::{self, Found};
use crate::document::{Lang, Quote, QuoteId, QuoteKind, SentenceId, Span};

/// Whether the quote `pair` is a statement or a scare quote.
pub(crate) fn kind(text: &str, pair: &Pair) -> QuoteKind {
    let inner = text[pair.inner().range()].trim();
    let words = inner.split_whitespace().count();
    let ends_like_sentence = inner.ends_with(|c: char| matches!(c, '.' | '!' | '?' | '؟' | '…'));
    let introduced = text[..pair.open.start].trim_end().ends_with(':');
    if words <= 2 && !ends_like_sentence && !introduced {
        QuoteKind::Scare
    } else {
        QuoteKind::Statement
    }
}

/// The quotes among `pairs` (one block), attributed to `sentences` (the block's sentence spans,
/// with the id of the first).
pub(crate) fn build(
    text: &str,
    pairs: &[Pair],
    sentences: &[Span],
    first_sentence: usize,
    first_quote: usize,
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
        let mut last_speaker: Option<Span> = None;
        for &pair in here {
            let speaker = match top.iter().position(|&t| t == pair.outer()) {
                Some(q) => match speaker::find(text, sentence, &top, q, lang) {
                    Found::Speaker(span) => {
                        last_speaker = Some(span);
                        Some(span)
                    }
                    Found::CueOnly => last_speaker,
                    Found::Nothing => None,
                },
                None => None,
            };
            let inner = super::paragraphs::trim(text, pair.inner());
            out.push(Quote {
                id: QuoteId::from_index(first_quote + out.len()),
                sentence: SentenceId::from_index(first_sentence + s),
                span: pair.outer(),
                inner,
                speaker,
                kind: kind(text, pair),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let cases = [
            ("وصفاه بأنه «حساس» ثم", QuoteKind::Scare),
            ("called it “very sensitive” then", QuoteKind::Scare),
            ("قال: «نعم»", QuoteKind::Statement),
            ("He said “No.”", QuoteKind::Statement),
            ("قال «رفضنا تقديم الدعم لهذا الطلب»", QuoteKind::Statement),
        ];
        for (text, want) in cases {
            let pairs = pairs::find(text, Span::new(0, text.len()));
            assert_eq!(kind(text, &pairs[0]), want, "{text}");
        }
    }

    #[test]
    fn speaker_carries_over_a_bare_verb_and_nested_quotes_get_none() {
        let text = "قال السفير: «نعم» وأضاف: «لا \"تعليق\" عندي».";
        let block = Span::new(0, text.len());
        let pairs = pairs::find(text, block);
        let quotes = build(text, &pairs, &[block], 3, 5, Lang::Ar);
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
    }
}
