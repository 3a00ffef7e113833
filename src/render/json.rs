//! JSON: the whole result in one documented schema (`schema_version` 1, described in the
//! README's render section), with the same content as the HTML page: both sides' sentences with
//! byte offsets into the original files, beads with scores and flags, entity pairs, quotes and
//! their matches, and for our own translations the per-sentence view (`sentences`) with the
//! model's word links and the sentence's entity pairs. Offsets are byte offsets into the input exactly as read (BOM and CRLF
//! included), so a tool can cut the user's file with them.

use super::{checked_slice, QuoteRow, QuoteView, View, LOW_SCORE};
use crate::alignment::{Alignment, EnglishOrigin, EntityKind, EntityPair, Flag, ModelInfo, Side};
use crate::document::{Document, QuoteKind, Span};
use crate::error::{Error, Result};
use serde::Serialize;

/// Bumped when a key changes meaning or disappears; new keys do not bump it.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

/// The keys every tarjuman JSON document opens with.
#[derive(Serialize)]
struct Head<'a> {
    schema_version: u32,
    kind: &'static str,
    tool: Tool<'a>,
    created: String,
}

impl<'a> Head<'a> {
    fn new(kind: &'static str, meta: &'a super::RenderMeta) -> Self {
        Head {
            schema_version: SCHEMA_VERSION,
            kind,
            tool: Tool {
                name: "tarjuman",
                version: &meta.tool_version,
            },
            created: meta.created.iso8601(),
        }
    }
}

#[derive(Serialize)]
struct Sources<'a, E> {
    ar: &'a str,
    en: E,
}

#[derive(Serialize)]
struct SentenceJson<'a> {
    id: u32,
    paragraph: u32,
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct TranslatedJson<'a> {
    /// The Arabic sentence's id.
    id: u32,
    paragraph: u32,
    start: usize,
    end: usize,
    source: &'a str,
    translation: &'a str,
    flags: &'a [Flag],
    /// Word links `[src_start, src_end, tgt_start, tgt_end]`, byte offsets relative to the
    /// source sentence and to the translation.
    alignment: Vec<[usize; 4]>,
    /// The entity pairs of this sentence (the same objects as in the top-level `entities`).
    entities: Vec<EntityJson<'a>>,
}

#[derive(Serialize)]
struct BeadJson<'a> {
    id: usize,
    ar: Vec<u32>,
    en: Vec<u32>,
    score: f32,
    low: bool,
    flags: Vec<&'a Flag>,
}

#[derive(Serialize)]
struct EntityJson<'a> {
    entity: u32,
    ar: &'a str,
    en: &'a str,
    ar_span: [usize; 2],
    en_span: [usize; 2],
    ar_sentence: u32,
    en_sentence: u32,
    #[serde(rename = "type")]
    kind: EntityKind,
    score: f32,
}

#[derive(Serialize)]
struct MatchJson<'a> {
    source: &'a str,
    source_index: usize,
    text: &'a str,
    start: usize,
    end: usize,
    score: f32,
}

#[derive(Serialize)]
struct QuoteJson<'a> {
    id: u32,
    side: Side,
    kind: QuoteKind,
    sentence: u32,
    text: &'a str,
    start: usize,
    end: usize,
    speaker: Option<&'a str>,
    speaker_span: Option<[usize; 2]>,
    matches: Vec<MatchJson<'a>>,
}

#[derive(Serialize)]
struct AlignmentCounts {
    ar_paragraphs: usize,
    ar_sentences: usize,
    en_paragraphs: usize,
    en_sentences: usize,
    beads: usize,
    low_confidence: usize,
    entities: usize,
    quotes: usize,
}

#[derive(Serialize)]
struct AlignmentJson<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    sources: Sources<'a, &'a str>,
    english: &'static str,
    model: Option<&'a ModelInfo>,
    low_score: f32,
    counts: AlignmentCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentences: Option<Vec<TranslatedJson<'a>>>,
    ar_sentences: Vec<SentenceJson<'a>>,
    en_sentences: Vec<SentenceJson<'a>>,
    beads: Vec<BeadJson<'a>>,
    entities: Vec<EntityJson<'a>>,
    quotes: Vec<QuoteJson<'a>>,
}

#[derive(Serialize)]
struct QuoteCounts {
    quotes: usize,
    matched: usize,
}

#[derive(Serialize)]
struct QuotesJson<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    sources: Sources<'a, Vec<&'a str>>,
    model: Option<&'a ModelInfo>,
    counts: QuoteCounts,
    quotes: Vec<QuoteJson<'a>>,
}

fn sentences(doc: &Document) -> Vec<SentenceJson<'_>> {
    doc.sentences
        .iter()
        .map(|s| SentenceJson {
            id: s.id.0,
            paragraph: s.paragraph.0,
            start: s.span.start,
            end: s.span.end,
            text: checked_slice(doc, s.span).unwrap_or(""),
        })
        .collect()
}

fn span2(s: Span) -> [usize; 2] {
    [s.start, s.end]
}

fn quote_json<'a>(q: &QuoteRow<'a>) -> QuoteJson<'a> {
    QuoteJson {
        id: q.quote.id.0,
        side: q.side,
        kind: q.quote.kind,
        sentence: q.quote.sentence.0,
        text: q.text,
        start: q.quote.inner.start,
        end: q.quote.inner.end,
        speaker: q.speaker,
        speaker_span: q.speaker.and(q.quote.speaker).map(span2),
        matches: q
            .matches
            .iter()
            .map(|m| MatchJson {
                source: &m.doc.origin.0,
                source_index: m.source,
                text: m.text,
                start: m.span.start,
                end: m.span.end,
                score: m.score,
            })
            .collect(),
    }
}

fn to_bytes(value: &impl Serialize) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| Error::Render {
        format: "json".into(),
        reason: e.to_string(),
    })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// One entity pair; `None` when a span does not cut its text (a hand-made alignment).
fn entity_json<'a>(al: &'a Alignment, e: &EntityPair) -> Option<EntityJson<'a>> {
    Some(EntityJson {
        entity: e.entity.0,
        ar: checked_slice(&al.ar, e.ar_span)?,
        en: checked_slice(&al.en, e.en_span)?,
        ar_span: span2(e.ar_span),
        en_span: span2(e.en_span),
        ar_sentence: e.ar_sentence.0,
        en_sentence: e.en_sentence.0,
        kind: e.kind,
        score: e.score,
    })
}

pub(super) fn alignment(view: &View) -> Result<Vec<u8>> {
    let al = view.al;
    let translated = match &al.origin {
        EnglishOrigin::Translated { translations, .. } => Some(
            translations
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let src = al.ar.sentences.get(t.sentence.index())?;
                    let translation = al
                        .en
                        .sentences
                        .get(i)
                        .and_then(|s| checked_slice(&al.en, s.span))
                        .unwrap_or(&t.text);
                    Some(TranslatedJson {
                        id: src.id.0,
                        paragraph: src.paragraph.0,
                        start: src.span.start,
                        end: src.span.end,
                        source: checked_slice(&al.ar, src.span)?,
                        translation,
                        flags: &t.flags,
                        alignment: t
                            .links
                            .iter()
                            .map(|l| [l.src.start, l.src.end, l.tgt.start, l.tgt.end])
                            .collect(),
                        entities: al
                            .entities
                            .iter()
                            .filter(|e| e.ar_sentence == src.id)
                            .filter_map(|e| entity_json(al, e))
                            .collect(),
                    })
                })
                .collect(),
        ),
        _ => None,
    };
    let doc = AlignmentJson {
        head: Head::new("alignment", view.meta),
        sources: Sources {
            ar: &al.ar.origin.0,
            en: &al.en.origin.0,
        },
        english: view.origin_label(),
        model: view.model,
        low_score: LOW_SCORE,
        counts: AlignmentCounts {
            ar_paragraphs: al.ar.paragraphs.len(),
            ar_sentences: al.ar.sentences.len(),
            en_paragraphs: al.en.paragraphs.len(),
            en_sentences: al.en.sentences.len(),
            beads: al.beads.len(),
            low_confidence: view.low_count(),
            entities: al.entities.len(),
            quotes: view.quotes.len(),
        },
        sentences: translated,
        ar_sentences: sentences(&al.ar),
        en_sentences: sentences(&al.en),
        beads: view
            .rows
            .iter()
            .map(|r| BeadJson {
                id: r.index,
                ar: r.bead.ar.iter().map(|i| i.0).collect(),
                en: r.bead.en.iter().map(|i| i.0).collect(),
                score: r.bead.score,
                low: r.low,
                flags: r.flags.clone(),
            })
            .collect(),
        entities: al
            .entities
            .iter()
            .filter_map(|e| entity_json(al, e))
            .collect(),
        quotes: view.quotes.iter().map(quote_json).collect(),
    };
    to_bytes(&doc)
}

pub(super) fn quotes(view: &QuoteView) -> Result<Vec<u8>> {
    let r = view.report;
    let doc = QuotesJson {
        head: Head::new("quotes", view.meta),
        sources: Sources {
            ar: &r.ar.origin.0,
            en: r.sources.iter().map(|d| d.origin.0.as_str()).collect(),
        },
        model: view.model,
        counts: QuoteCounts {
            quotes: view.quotes.len(),
            matched: view.quotes.iter().filter(|q| !q.matches.is_empty()).count(),
        },
        quotes: view.quotes.iter().map(quote_json).collect(),
    };
    to_bytes(&doc)
}
