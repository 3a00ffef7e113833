//! Stage translate: source token ids in, generated token ids (and attention) out.
//!
//! - [`generate`]: greedy and beam-search decoding over the Marian model, as transformers.

pub mod generate;

pub use generate::{generate, generate_capped, GenerateOptions, Generated};
