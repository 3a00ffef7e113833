//! Word links from the model's alignment attention. Takes, for one translated sentence, the
//! attention of each generated subword over the source subwords (for opus-mt-ar-en the guided
//! alignment head: head 0 of the last decoder layer's cross-attention, trained to point at the
//! source word a target word translates), and the byte spans of the subwords on both sides;
//! gives [`WordLink`]s between whole words, as byte spans into the source sentence and the
//! translation. This is Marian's own alignment method (argmax per target subword), with subword
//! links unioned into word links, so highlights land on words a reader recognises.

use crate::alignment::WordLink;
use crate::document::Span;
use std::collections::BTreeSet;

/// Word links from `attention[t][s]` (target subword `t` over source position `s`).
///
/// `src_tokens[s]` / `tgt_tokens[t]` are the subwords' byte spans in the source and target text,
/// `None` for special tokens (`</s>`) and empty pieces: a target subword whose strongest source
/// position is such a token has no link (the end-of-sentence token soaks up attention for words
/// with no counterpart). Rows or columns beyond the given spans are ignored.
pub fn word_links(
    attention: &[Vec<f32>],
    src_tokens: &[Option<Span>],
    tgt_tokens: &[Option<Span>],
    source: &str,
    target: &str,
) -> Vec<WordLink> {
    let src_words = word_spans(source);
    let tgt_words = word_spans(target);
    let mut links = BTreeSet::new();
    for (row, tgt) in attention.iter().zip(tgt_tokens) {
        let Some(tgt) = tgt else { continue };
        let Some(best) = argmax(&row[..row.len().min(src_tokens.len())]) else {
            continue;
        };
        let Some(src) = src_tokens[best] else {
            continue;
        };
        for s in overlapping(&src_words, src) {
            for t in overlapping(&tgt_words, *tgt) {
                links.insert((s.start, s.end, t.start, t.end));
            }
        }
    }
    links
        .into_iter()
        .map(|(ss, se, ts, te)| WordLink {
            src: Span::new(ss, se),
            tgt: Span::new(ts, te),
        })
        .collect()
}

/// Index of the largest value (the first one on ties); `None` for an empty row or NaNs only.
fn argmax(row: &[f32]) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for (i, &v) in row.iter().enumerate() {
        if v.is_nan() {
            continue;
        }
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((i, v));
        }
    }
    best.map(|(i, _)| i)
}

/// Words of `text`: maximal runs of letters, digits and combining marks (Arabic harakat are
/// marks), so punctuation attached to a word is not part of its link.
pub fn word_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let wordy = c.is_alphanumeric() || is_mark(c);
        match (wordy, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Span::new(s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Span::new(s, text.len()));
    }
    out
}

/// Arabic combining marks and tatweel, which `is_alphanumeric` does not count as letters.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}')
}

/// The words that share at least one byte with `span`.
fn overlapping(words: &[Span], span: Span) -> impl Iterator<Item = &Span> {
    words
        .iter()
        .filter(move |w| w.start < span.end && span.start < w.end)
}

/// Byte spans of target pieces in the decoded `text`: each piece's surface form (`▁` read as a
/// space, then trimmed) is looked for from where the previous piece ended. A piece that is
/// special, empty or not found (the decoder may have cleaned it up) gets `None`, which only loses
/// that piece's link.
pub fn piece_spans(pieces: &[Option<&str>], text: &str) -> Vec<Option<Span>> {
    let mut cursor = 0;
    pieces
        .iter()
        .map(|piece| {
            let surface = (*piece)?.replace('\u{2581}', " ");
            let surface = surface.trim();
            if surface.is_empty() {
                return None;
            }
            let at = cursor + text[cursor..].find(surface)?;
            cursor = at + surface.len();
            Some(Span::new(at, cursor))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_skip_punctuation_keep_marks() {
        let text = "قالَ: «نعم»، 2022.";
        let words: Vec<&str> = word_spans(text).iter().map(|s| &text[s.range()]).collect();
        assert_eq!(words, vec!["قالَ", "نعم", "2022"]);
    }

    #[test]
    fn piece_spans_follow_the_text() {
        let pieces = [
            Some("▁The"),
            Some("▁minister"),
            Some("'"),
            Some("s"),
            None,
            Some("▁"),
        ];
        let text = "The minister's";
        let got = piece_spans(&pieces, text);
        let got: Vec<Option<&str>> = got.iter().map(|s| s.map(|s| &text[s.range()])).collect();
        assert_eq!(
            got,
            vec![
                Some("The"),
                Some("minister"),
                Some("'"),
                Some("s"),
                None,
                None
            ]
        );
    }

    #[test]
    fn argmax_links_union_into_words() {
        // Source "قال الوزير" as subwords ▁قال | ▁الوز | ير | </s>.
        let source = "قال الوزير";
        let src = [
            Some(Span::new(0, 6)),
            Some(Span::new(7, 15)),
            Some(Span::new(15, 19)),
            None,
        ];
        // Target "The minister said" as ▁The | ▁minis | ter | ▁said | </s>.
        let target = "The minister said";
        let tgt = [
            Some(Span::new(0, 3)),
            Some(Span::new(4, 9)),
            Some(Span::new(9, 12)),
            Some(Span::new(13, 17)),
            None,
        ];
        let attention = vec![
            vec![0.1, 0.2, 0.1, 0.6], // The → </s>: no link
            vec![0.1, 0.7, 0.1, 0.1], // minis → الوز
            vec![0.1, 0.1, 0.7, 0.1], // ter → ير (same words: one link)
            vec![0.8, 0.1, 0.0, 0.1], // said → قال
            vec![0.0, 0.0, 0.0, 1.0], // </s>
        ];
        let links = word_links(&attention, &src, &tgt, source, target);
        let shown: Vec<(&str, &str)> = links
            .iter()
            .map(|l| (&source[l.src.range()], &target[l.tgt.range()]))
            .collect();
        assert_eq!(shown, vec![("قال", "said"), ("الوزير", "minister")]);
    }

    #[test]
    fn argmax_ignores_nan_and_empty() {
        assert_eq!(argmax(&[]), None);
        assert_eq!(argmax(&[f32::NAN, 0.2, 0.5, 0.5]), Some(2));
    }
}
