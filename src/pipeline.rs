//! The one place that knows the order of the stages: read → segment → translate → [`Alignment`].
//! Takes a path (or an already segmented [`Document`]) and a [`Translator`]; gives the
//! [`Alignment`] that every renderer shows, with [`EnglishOrigin::Translated`]: a synthetic
//! English document whose sentences are the translations (paragraphs mirroring the Arabic ones)
//! and one 1-1 bead per sentence, with the entity pairs of each bead (names, numbers, dates the
//! Arabic sentence and its translation share). `translate` and `batch` both go through here, so
//! a file translated alone and the same file in a batch of thousands give the same output.

use crate::align::{self, Lexicon};
use crate::alignment::{Alignment, Bead, EnglishOrigin, ModelInfo, Translation};
use crate::document::{Document, Lang, Paragraph, ParagraphId, Sentence, SentenceId, Span};
use crate::error::Result;
use crate::read::{self, Input};
use crate::render::{RenderMeta, Timestamp};
use crate::segment;
use crate::translate::Translator;
use std::path::Path;

/// How an input file is cut into units of translation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// An article: paragraphs and sentences found by the segmenter.
    #[default]
    Article,
    /// Pre-segmented text: every non-empty line is one unit, translated as is.
    Lines,
}

/// Segments a read input as an Arabic article or as pre-segmented lines.
pub fn segment_input(input: Input, format: InputFormat) -> Document {
    match format {
        InputFormat::Article => segment::segment(input, Some(Lang::Ar)),
        InputFormat::Lines => segment::segment_lines(input, Some(Lang::Ar)),
    }
}

/// `translate`'s work: read `path` (`-` = stdin), segment, translate.
pub fn translate_file(
    path: &Path,
    format: InputFormat,
    max_bytes: Option<u64>,
    translator: &Translator,
    lexicon: Option<&Lexicon>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Alignment> {
    let doc = segment_input(read::read_path(path, max_bytes)?, format);
    let translations = translator.translate_document_with_progress(&doc, progress)?;
    Ok(translated_alignment(
        doc,
        translations,
        translator.model_info().clone(),
        lexicon,
    ))
}

/// Header data for rendered output, made now, or at `SOURCE_DATE_EPOCH` when set (the
/// reproducible-builds convention: a resumed batch then gives byte-identical files).
pub fn render_meta() -> RenderMeta {
    let created = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .map_or_else(Timestamp::now, Timestamp);
    RenderMeta::at(created)
}

/// The alignment of an Arabic document with its own translation.
///
/// `translations` holds one translation per sentence of `ar`, in order. The English text is the
/// translations joined: sentences of a paragraph by a space, paragraphs by a blank line.
/// Entity pairs are linked per bead with `lexicon` (the caller loads it once per run: `None`
/// still links numbers, dates, transliterated names, gazetteer places and the model's links).
pub fn translated_alignment(
    ar: Document,
    translations: Vec<Translation>,
    model: ModelInfo,
    lexicon: Option<&Lexicon>,
) -> Alignment {
    debug_assert_eq!(ar.sentences.len(), translations.len());
    let mut text = String::new();
    let mut sentences = Vec::with_capacity(ar.sentences.len());
    let mut paragraphs = Vec::with_capacity(ar.paragraphs.len());
    for para in &ar.paragraphs {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let para_start = text.len();
        for id in para.sentence_ids() {
            let t = &translations[id.index()].text;
            if text.len() > para_start && !t.is_empty() {
                text.push(' ');
            }
            let start = text.len();
            text.push_str(t);
            sentences.push(Sentence {
                id,
                paragraph: para.id,
                span: Span::new(start, text.len()),
                quotes: Vec::new(),
            });
        }
        paragraphs.push(Paragraph {
            id: para.id,
            span: Span::new(para_start, text.len()),
            sentences: para.sentences.clone(),
        });
    }
    // Sentences outside any paragraph (not produced by the segmenter, but cheap to keep whole).
    for s in ar.sentences.iter().skip(sentences.len()) {
        let start = text.len();
        text.push_str(&translations[s.id.index()].text);
        sentences.push(Sentence {
            id: s.id,
            paragraph: ParagraphId::from_index(paragraphs.len().saturating_sub(1)),
            span: Span::new(start, text.len()),
            quotes: Vec::new(),
        });
    }
    let beads = ar
        .sentences
        .iter()
        .map(|s| Bead {
            ar: vec![s.id],
            en: vec![SentenceId::from_index(s.id.index())],
            score: 1.0,
            flags: Vec::new(),
        })
        .collect();
    let en = Document {
        origin: ar.origin.clone(),
        text,
        lang: Lang::En,
        paragraphs,
        sentences,
        quotes: Vec::new(),
        collapsed: Vec::new(),
    };
    let mut alignment = Alignment {
        ar,
        en,
        origin: EnglishOrigin::Translated {
            model,
            translations,
        },
        beads,
        entities: Vec::new(),
        quotes: Vec::new(),
    };
    align::link_entities(&mut alignment, lexicon);
    alignment
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Origin;

    /// A hand-built two-paragraph document (the segmenter's shape).
    fn doc() -> Document {
        let text = "أ ب. ج د.\n\nهـ و.".to_string();
        let s = |i: usize, p: usize, a: usize, b: usize| Sentence {
            id: SentenceId::from_index(i),
            paragraph: ParagraphId::from_index(p),
            span: Span::new(a, b),
            quotes: vec![],
        };
        let a2 = "أ ب.".len();
        let b2 = "أ ب. ج د.".len();
        let c0 = b2 + 2;
        Document {
            origin: Origin("t.txt".into()),
            lang: Lang::Ar,
            paragraphs: vec![
                Paragraph {
                    id: ParagraphId(0),
                    span: Span::new(0, b2),
                    sentences: 0..2,
                },
                Paragraph {
                    id: ParagraphId(1),
                    span: Span::new(c0, text.len()),
                    sentences: 2..3,
                },
            ],
            sentences: vec![s(0, 0, 0, a2), s(1, 0, a2 + 1, b2), s(2, 1, c0, text.len())],
            quotes: vec![],
            collapsed: vec![],
            text,
        }
    }

    fn tr(i: u32, text: &str) -> Translation {
        Translation {
            sentence: SentenceId(i),
            text: text.into(),
            flags: vec![],
            links: vec![],
        }
    }

    #[test]
    fn english_side_mirrors_paragraphs_with_one_to_one_beads() {
        let model = ModelInfo {
            id: "m".into(),
            revision: "r".into(),
            ..ModelInfo::default()
        };
        let a = translated_alignment(
            doc(),
            vec![tr(0, "A B."), tr(1, "C D."), tr(2, "E F.")],
            model,
            None,
        );
        assert_eq!(a.en.text, "A B. C D.\n\nE F.");
        let sents: Vec<&str> = a.en.sentences.iter().map(|s| a.en.slice(s.span)).collect();
        assert_eq!(sents, vec!["A B.", "C D.", "E F."]);
        let paras: Vec<&str> = a.en.paragraphs.iter().map(|p| a.en.slice(p.span)).collect();
        assert_eq!(paras, vec!["A B. C D.", "E F."]);
        assert_eq!(a.en.sentences[2].paragraph, ParagraphId(1));
        assert_eq!(a.beads.len(), 3);
        assert!(a
            .beads
            .iter()
            .enumerate()
            .all(|(i, b)| b.ar == vec![SentenceId::from_index(i)] && b.en == b.ar));
        assert!(
            matches!(a.origin, EnglishOrigin::Translated { ref translations, .. } if translations.len() == 3)
        );
    }

    #[test]
    fn empty_translation_keeps_its_place() {
        let model = ModelInfo {
            id: "m".into(),
            revision: "r".into(),
            ..ModelInfo::default()
        };
        let a = translated_alignment(
            doc(),
            vec![tr(0, ""), tr(1, "C D."), tr(2, "E F.")],
            model,
            None,
        );
        assert_eq!(a.en.text, "C D.\n\nE F.");
        assert!(a.en.sentences[0].span.is_empty());
        assert_eq!(a.en.slice(a.en.sentences[1].span), "C D.");
    }

    /// A number the Arabic sentence and its translation share, and a name the translation
    /// transliterates, come out as entity pairs of that sentence; a translation without them
    /// gives none.
    #[test]
    fn shared_numbers_and_names_become_entity_pairs() {
        let model = || ModelInfo {
            id: "m".into(),
            revision: "r".into(),
            ..ModelInfo::default()
        };
        let ar = "قال مدير بلومبيرغ إن ١٥ شخصا قتلوا.";
        let doc = || {
            let input = read::from_bytes(Origin("a.txt".into()), ar.as_bytes().to_vec()).unwrap();
            segment_input(input, InputFormat::Lines)
        };
        let cases: [(&str, &[(&str, &str)]); 2] = [
            (
                "The director of Bloomberg said 15 people were killed.",
                &[("بلومبيرغ", "Bloomberg"), ("١٥", "15")],
            ),
            ("The weather was fine.", &[]),
        ];
        for (english, want) in cases {
            let a = translated_alignment(doc(), vec![tr(0, english)], model(), None);
            let got: Vec<(&str, &str)> = a
                .entities
                .iter()
                .map(|e| (a.ar.slice(e.ar_span), a.en.slice(e.en_span)))
                .collect();
            for pair in want {
                assert!(got.contains(pair), "{english}: {pair:?} not in {got:?}");
            }
            if want.is_empty() {
                assert!(got.is_empty(), "{english}: {got:?}");
            }
            assert!(a.entities.iter().all(|e| e.ar_sentence == SentenceId(0)));
        }
    }
}
