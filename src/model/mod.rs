//! The translation model: the Marian (OPUS-MT) encoder-decoder, SentencePiece tokenizers, the
//! registry of supported OPUS-MT models, model folders and their files, and (feature `hub`)
//! download from the Hugging Face Hub.
//!
//! The library always loads a model from a folder in HF layout; where that folder comes from
//! (the Hub cache or `--model-dir`) is decided by the caller.
//!
//! - [`config`]: config.json and generation_config.json, read leniently.
//! - [`weights`]: safetensors (read tensor by tensor, see `safetensors_read`) or PyTorch
//!   checkpoints, shape-checked.
//! - [`marian`]: the encoder-decoder on candle: padding masks, KV cache, attention output.
//! - [`quant`]: the `--quantize` mode; `linear` applies it to every projection, on the
//!   engine's own CPU kernels (`kernels`: packed fp32 with AVX-512, int8 with VNNI).

pub mod config;
pub mod files;
#[cfg(feature = "hub")]
pub mod hub;
pub mod marian;
pub mod registry;
pub mod spm;
pub mod tokenizer;
pub mod weights;

pub use config::{GenerationConfig, MarianConfig};
pub use marian::{AttentionPick, LoadOptions, Marian};

pub(crate) mod host_cache;
pub(crate) mod kernels;
pub(crate) mod linear;
pub mod quant;
pub(crate) mod safetensors_read;

pub use quant::Quantize;
