//! The translation model: SentencePiece tokenizers, the registry of supported OPUS-MT models,
//! model folders and their files, and (feature `hub`) download from the Hugging Face Hub.
//!
//! The library always loads a model from a folder in HF layout; where that folder comes from
//! (the Hub cache or `--model-dir`) is decided by the caller.

pub mod files;
#[cfg(feature = "hub")]
pub mod hub;
pub mod registry;
pub mod spm;
pub mod tokenizer;
