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

pub mod dp;
pub mod eval;
pub mod evidence;
pub mod lexicon;
pub mod names;
pub mod score;
pub mod sentences;
pub mod stem;

pub use lexicon::Lexicon;
pub use sentences::{align_documents, check_inputs, AlignMode, AlignOptions, AlignWarning};
