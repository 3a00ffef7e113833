//! Plain text: the English side only, one paragraph per block, paragraphs separated by a
//! blank line. It is what `translate` prints by default, so that `tarjuman translate a.txt >
//! a.en.txt` gives a readable article with the source's paragraph structure; for quote reports,
//! each quote with where it was found, for reading in a terminal.

use super::{join_sentences, one_line, score2, QuoteView, View};
use crate::document::SentenceId;

/// The English document's paragraphs, sentences joined by a space.
pub(super) fn alignment(view: &View) -> String {
    let en = &view.al.en;
    let mut blocks: Vec<String> = en
        .paragraphs
        .iter()
        .map(|p| join_sentences(en, &p.sentence_ids().collect::<Vec<_>>()))
        .filter(|b| !b.is_empty())
        .collect();
    if blocks.is_empty() && !en.sentences.is_empty() {
        // A document without paragraph records still has its sentences to show.
        let ids: Vec<SentenceId> = en.sentences.iter().map(|s| s.id).collect();
        blocks.push(join_sentences(en, &ids));
    }
    let mut out = blocks.join("\n\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// One block per quote: the Arabic words, the speaker, then each match with source and score.
pub(super) fn quotes(view: &QuoteView) -> String {
    let mut out = String::new();
    for (n, q) in view.quotes.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        out.push_str(&format!("quote {}: «{}»\n", n + 1, one_line(q.text)));
        if let Some(speaker) = q.speaker {
            out.push_str(&format!("  speaker: {}\n", one_line(speaker)));
        }
        if q.matches.is_empty() {
            out.push_str("  no match found\n");
        }
        for m in &q.matches {
            out.push_str(&format!(
                "  {} [{}] {}..{}: \u{201c}{}\u{201d}\n",
                m.doc.origin,
                score2(m.score),
                m.span.start,
                m.span.end,
                one_line(m.text)
            ));
        }
    }
    out
}
