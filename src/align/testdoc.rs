//! A test double for the segmenter: builds a [`Document`] from sentences given one by one, so
//! the unit tests of entity and quote matching do not depend on how the real segmenter cuts.
//! Quotes are the stretches between «» or “” inside a sentence; the speaker is not set.

use crate::document::{
    Document, Lang, Origin, Paragraph, ParagraphId, Quote, QuoteId, QuoteKind, Sentence,
    SentenceId, Span,
};

/// One paragraph of `sentences` joined by single spaces.
pub fn doc(lang: Lang, sentences: &[&str]) -> Document {
    let mut text = String::new();
    let mut out = Vec::new();
    let mut quotes = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(s);
        let id = SentenceId::from_index(i);
        let mut quote_ids = Vec::new();
        let mut from = 0;
        while let Some((open, close)) = next_quote(&s[from..]) {
            let (o, c) = (from + open.0, from + close.0);
            let inner = Span::new(start + o + open.1, start + c);
            let words = s[o + open.1..c].split_whitespace().count();
            let qid = QuoteId::from_index(quotes.len());
            quotes.push(Quote {
                id: qid,
                sentence: id,
                span: Span::new(start + o, start + c + close.1),
                inner,
                speaker: None,
                kind: if words <= 2 {
                    QuoteKind::Scare
                } else {
                    QuoteKind::Statement
                },
            });
            quote_ids.push(qid);
            from = c + close.1;
        }
        out.push(Sentence {
            id,
            paragraph: ParagraphId(0),
            span: Span::new(start, text.len()),
            quotes: quote_ids,
        });
    }
    Document {
        origin: Origin(format!("test.{}", lang.tag())),
        paragraphs: vec![Paragraph {
            id: ParagraphId(0),
            span: Span::new(0, text.len()),
            sentences: 0..sentences.len() as u32,
        }],
        text,
        lang,
        sentences: out,
        quotes,
        collapsed: Vec::new(),
    }
}

/// Byte offset and length of the next opening and closing mark.
fn next_quote(s: &str) -> Option<((usize, usize), (usize, usize))> {
    let (open, mark) = s.char_indices().find(|&(_, c)| c == '«' || c == '“')?;
    let closing = if mark == '«' { '»' } else { '”' };
    let after = open + mark.len_utf8();
    let close = after + s[after..].find(closing)?;
    Some(((open, mark.len_utf8()), (close, closing.len_utf8())))
}
