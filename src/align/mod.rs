//! The align stage: pairs an Arabic document with an English one.
//!
//! Takes two segmented [`Document`](crate::document::Document)s (and, optionally, a bilingual
//! [`Lexicon`] and a model's translations of the Arabic sentences) and gives an
//! [`Alignment`](crate::alignment::Alignment): sentence beads with scores, entity pairs and
//! quote matches. Sentence alignment works without a model, from a real dictionary (light
//! stemming on both sides), sentence lengths, numbers and names; a model's translations add a
//! chrF signal when given.
//!
//! - [`lexicon`]: the dictd/TSV dictionary, lookups both ways.
//! - [`stem`]: Arabic light stemming and English keys.
//! - [`names`]: consonant skeletons for names across scripts.
//! - [`evidence`]: per-sentence units and pairwise match masks.
//! - [`score`]: bead scores (dictionary, Gale–Church length, chrF).
//! - [`dp`]: the banded monotone dynamic programme.
//! - [`sentences`]: the entry point, both modes, input checks.
//! - [`eval`]: perturbed test documents with gold beads, strict/lax scores.
//! - [`romanize`]: Arabic → romanization lattice, weighted edit distance to English names.
//! - [`name_match`]: where an English name is written in a run of Arabic words.
//! - [`gazetteer`]: Arabic country, territory and city names (iso-codes, CLDR).
//! - [`entities`]: English mentions and their Arabic counterparts, grouped into entities.
//! - [`quotes`]: quotes matched to their wording on the other side.

pub mod dp;
pub mod entities;
pub mod eval;
pub mod evidence;
pub mod gazetteer;
pub mod lexicon;
pub mod name_match;
pub mod names;
pub mod quotes;
pub mod romanize;
pub mod score;
pub mod sentences;
pub mod stem;
#[cfg(test)]
mod testdoc;

pub use entities::link_entities;
pub use lexicon::Lexicon;
pub use quotes::match_quotes;
pub use sentences::{align_documents, check_inputs, AlignMode, AlignOptions, AlignWarning};
