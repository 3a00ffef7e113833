//! Stage model: the Marian (OPUS-MT) encoder-decoder and what it is read from.
//!
//! - [`config`]: config.json and generation_config.json, read leniently.
//! - [`weights`]: safetensors (memory-mapped) or PyTorch checkpoints, shape-checked.
//! - [`marian`]: the encoder-decoder on candle: padding masks, KV cache, attention output.

pub mod config;
pub mod marian;
pub mod weights;

pub use config::{GenerationConfig, MarianConfig};
pub use marian::{AttentionPick, LoadOptions, Marian};

pub(crate) mod linear;
pub mod quant;
pub(crate) mod safetensors_read;

pub use quant::Quantize;
