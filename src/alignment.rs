//! The result vocabulary: what the translate and align stages produce and the render stage
//! shows. An [`Alignment`] holds both sides as [`Document`]s (our own translation is turned into
//! an English document whose sentences are the translations, so that one renderer serves
//! `translate`, `align` and `batch`), the beads that pair their sentences, entity pairs and
//! quote matches. A [`QuoteReport`] is the result of `quotes`: Arabic quotes matched against
//! one or more English sources.

use crate::document::{Document, EntityId, QuoteId, SentenceId, Span};
use serde::{Deserialize, Serialize};

/// The model that produced a translation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Registry id or hub repo (`Helsinki-NLP/opus-mt-ar-en`), or the folder it was loaded from.
    pub id: String,
    /// Pinned hub revision, or `local` for a folder.
    pub revision: String,
    /// How the weights were quantized at load (`int8`), when they were: the same model gives
    /// slightly different translations quantized. Absent for the weights as stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantize: Option<String>,
}

impl ModelInfo {
    /// The revision as headers show it, with the quantization when there is one (`main, int8`).
    pub fn revision_label(&self) -> String {
        match &self.quantize {
            Some(mode) => format!("{}, {mode}", self.revision),
            None => self.revision.clone(),
        }
    }
}

/// Something about a translation or a bead the reader should check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// Numbers of the source (any digit script) missing from or changed in the translation.
    NumberMismatch { missing: Vec<String> },
    /// The output repeats an n-gram in a loop.
    Repetition { ngram: String },
    /// Generation stopped at the length cap.
    Truncated { max_new_tokens: usize },
    /// The source was too long for the model and was translated in `parts` pieces.
    Split { parts: usize },
}

/// A word link from the model's cross-attention: byte ranges into the source sentence text and
/// into the translation text (both relative to the sentence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordLink {
    pub src: Span,
    pub tgt: Span,
}

/// The translation of one source sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    pub sentence: SentenceId,
    pub text: String,
    pub flags: Vec<Flag>,
    pub links: Vec<WordLink>,
}

/// Sentences paired by the aligner: `ar` and `en` are contiguous id runs; either may be empty
/// (an unaligned sentence).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bead {
    pub ar: Vec<SentenceId>,
    pub en: Vec<SentenceId>,
    /// Confidence in 0..=1.
    pub score: f32,
    pub flags: Vec<Flag>,
}

/// What kind of thing a name is, where known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organisation,
    Place,
    Date,
    Number,
    Other,
}

/// One mention of a name on each side, linked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityPair {
    /// The entity this mention belongs to: a surname alone shares the full name's id.
    pub entity: EntityId,
    pub ar_span: Span,
    pub en_span: Span,
    pub ar_sentence: SentenceId,
    pub en_sentence: SentenceId,
    pub kind: EntityKind,
    pub score: f32,
}

/// Which side of an alignment a quote comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Ar,
    En,
}

/// A place in an English (or Arabic) text that may be the original wording of a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteCandidate {
    /// Index of the source document (into [`QuoteReport::sources`]; 0 in an [`Alignment`]).
    pub source: usize,
    pub span: Span,
    pub score: f32,
}

/// A quote and where it was found on the other side, best first; empty when nothing scored
/// high enough.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteMatch {
    pub side: Side,
    pub quote: QuoteId,
    pub matches: Vec<QuoteCandidate>,
}

/// How the English side of an alignment came about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EnglishOrigin {
    /// Our own translation: beads are 1-1, one per Arabic sentence.
    Translated {
        model: ModelInfo,
        /// Per English sentence (same index as `en.sentences`).
        translations: Vec<Translation>,
    },
    /// A text the user gave, aligned as a translation (monotone).
    Parallel,
    /// A text the user gave that covers the same story (not monotone).
    Comparable,
}

/// Both sides of an article, paired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alignment {
    pub ar: Document,
    pub en: Document,
    pub origin: EnglishOrigin,
    pub beads: Vec<Bead>,
    pub entities: Vec<EntityPair>,
    pub quotes: Vec<QuoteMatch>,
}

/// Arabic quotes matched against English sources (`tarjuman quotes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteReport {
    pub ar: Document,
    pub sources: Vec<Document>,
    pub quotes: Vec<QuoteMatch>,
    /// The model whose translations helped matching, if one was given.
    pub model: Option<ModelInfo>,
}
