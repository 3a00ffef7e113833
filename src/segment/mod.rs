//! Segmentation: an [`Input`] cut into paragraphs, sentences and quotes, every piece a byte
//! span into the original text, gathered in a [`Document`].
//!
//! Steps, one module each: `paragraphs` (blank lines, repeated lines and paragraphs
//! collapsed), `pairs` (matching quotation marks and brackets), `sentences` (boundary rules
//! for Arabic and English), `quotes` and `speaker` (quoted statements and who said them).
//! The language comes from the caller or from the script ([`detect_lang`]). Nothing here can
//! fail: any valid input gives a document, at worst with one sentence per paragraph.

mod arabic;
mod english;
mod pairs;
mod paragraphs;
mod quotes;
mod sentences;
mod speaker;

use crate::document::{Document, Lang, Paragraph, ParagraphId, Sentence, SentenceId, Span};
pub use crate::read::Input;

/// The language of `text` by its letters: Arabic when Arabic-script letters outnumber Latin
/// ones, English otherwise (also for a text without letters).
pub fn detect_lang(text: &str) -> Lang {
    let (mut arabic_letters, mut latin) = (0usize, 0usize);
    for c in text.chars() {
        if arabic::is_arabic_letter(c) {
            arabic_letters += 1;
        } else if c.is_alphabetic() && (c.is_ascii() || ('\u{00c0}'..='\u{024f}').contains(&c)) {
            latin += 1;
        }
    }
    if arabic_letters > latin {
        Lang::Ar
    } else {
        Lang::En
    }
}

/// Cuts `input` into paragraphs (at blank lines, exact consecutive repeats collapsed),
/// sentences and quotes; `lang` `None` detects it from the script.
pub fn segment(input: Input, lang: Option<Lang>) -> Document {
    let (paras, collapsed) = paragraphs::paragraphs(&input.text, true);
    let blocks = paras.into_iter().map(|p| (p.span, p.blocks)).collect();
    build(input, lang, blocks, collapsed, false)
}

/// For pre-segmented input: one sentence per non-empty line, each line its own paragraph, no
/// line dropped (line `n` of the output is line `n` of the input, blank lines skipped).
pub fn segment_lines(input: Input, lang: Option<Lang>) -> Document {
    let blocks = paragraphs::lines(&input.text)
        .into_iter()
        .filter(|l| !l.is_empty())
        .map(|l| (l, vec![l]))
        .collect();
    build(input, lang, blocks, Vec::new(), true)
}

/// Assembles the document from paragraph spans with their blocks; `whole_blocks` makes each
/// block one sentence.
fn build(
    input: Input,
    lang: Option<Lang>,
    paras: Vec<(Span, Vec<Span>)>,
    collapsed: Vec<crate::document::Collapsed>,
    whole_blocks: bool,
) -> Document {
    let Input { origin, text } = input;
    let lang = lang.unwrap_or_else(|| detect_lang(&text));
    let mut doc = Document {
        origin,
        lang,
        paragraphs: Vec::with_capacity(paras.len()),
        sentences: Vec::new(),
        quotes: Vec::new(),
        collapsed,
        text: String::new(),
    };
    let mut at = quotes::Cursor {
        sentence: 0,
        quote: 0,
        paragraph: 0,
        last_speaker: None,
    };
    for (span, blocks) in paras {
        let id = ParagraphId::from_index(doc.paragraphs.len());
        let first = doc.sentences.len();
        for block in blocks {
            let pairs = pairs::find(&text, block);
            let spans = if whole_blocks {
                vec![block]
            } else {
                sentences::split(&text, block, &pairs, lang)
            };
            let block_first = doc.sentences.len();
            at.paragraph = id.index();
            let quotes = quotes::build(&text, &pairs, &spans, &mut at, lang);
            doc.sentences
                .extend(spans.iter().enumerate().map(|(i, &span)| Sentence {
                    id: SentenceId::from_index(block_first + i),
                    paragraph: id,
                    span,
                    quotes: Vec::new(),
                }));
            for q in &quotes {
                doc.sentences[q.sentence.index()].quotes.push(q.id);
            }
            doc.quotes.extend(quotes);
        }
        doc.paragraphs.push(Paragraph {
            id,
            span,
            sentences: first as u32..doc.sentences.len() as u32,
        });
    }
    doc.text = text;
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Origin, QuoteKind};

    fn input(text: &str) -> Input {
        Input {
            origin: Origin("test".into()),
            text: text.into(),
        }
    }

    #[test]
    fn detects_language_from_script() {
        let cases = [
            ("قالت وكالة بلومبيرغ", Lang::Ar),
            ("The agency said", Lang::En),
            ("قالت Bloomberg إن الصين طلبت", Lang::Ar),
            ("Bloomberg said «الصين» asked for it", Lang::En),
            ("2024 - 11", Lang::En),
        ];
        for (text, want) in cases {
            assert_eq!(detect_lang(text), want, "{text}");
        }
    }

    #[test]
    fn document_offsets_count_from_the_first_byte() {
        let text = "\u{feff}العنوان\r\nالعنوان\r\n\r\nقال الوزير: «نعم». وذهب.\r\n";
        let doc = segment(input(text), None);
        assert_eq!(doc.lang, Lang::Ar);
        let sentences: Vec<&str> = doc.sentences.iter().map(|s| doc.slice(s.span)).collect();
        assert_eq!(sentences, ["العنوان", "قال الوزير: «نعم».", "وذهب."]);
        assert_eq!(doc.sentences[0].span.start, 3, "after the BOM");
        assert_eq!(doc.collapsed.len(), 1);
        assert_eq!(doc.paragraphs.len(), 2);
        assert_eq!(doc.paragraphs[1].sentences, 1..3);
        assert_eq!(doc.sentences[2].paragraph, ParagraphId(1));
        assert_eq!(doc.quotes.len(), 1);
        let q = &doc.quotes[0];
        assert_eq!(doc.slice(q.inner), "نعم");
        assert_eq!(doc.slice(q.speaker.unwrap()), "الوزير");
        assert_eq!(q.kind, QuoteKind::Statement);
        assert_eq!(doc.sentences[1].quotes, vec![q.id]);
        assert_eq!(doc.text, text);
    }

    #[test]
    fn lines_mode_keeps_every_line() {
        let text = "One. Two.\n\nOne. Two.\n«x» y\n";
        let doc = segment_lines(input(text), Some(Lang::En));
        let sentences: Vec<&str> = doc.sentences.iter().map(|s| doc.slice(s.span)).collect();
        assert_eq!(sentences, ["One. Two.", "One. Two.", "«x» y"]);
        assert_eq!(doc.paragraphs.len(), 3);
        assert_eq!(doc.quotes.len(), 1);
        assert!(doc.collapsed.is_empty());
    }
}
