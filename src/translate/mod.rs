//! Stage translate: sentences in, English translations out.
//!
//! - [`generate`]: greedy and beam-search decoding over the Marian model, as transformers.
//! - [`translator`]: batches sentences by a token budget, splits sentences too long for the
//!   model ([`split`]), flags what a reader should check ([`flags`]) and turns the alignment
//!   attention into word links ([`links`]).

pub mod flags;
pub mod generate;
pub mod links;
pub mod loaded;
pub mod split;
pub mod translator;

pub use generate::{generate, generate_capped, GenerateOptions, Generated};
pub use loaded::LoadedModel;
pub use translator::{DecodeOptions, Seq2Seq, TranslatedText, Translator};
