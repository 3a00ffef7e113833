//! Stage model: the Marian (OPUS-MT) encoder-decoder and what it is read from.
//!
//! - [`config`]: config.json and generation_config.json, read leniently.
//! - [`weights`]: safetensors (read tensor by tensor, see `safetensors_read`) or PyTorch
//!   checkpoints, shape-checked.
//! - [`marian`]: the encoder-decoder on candle: padding masks, KV cache, attention output.
//! - [`quant`]: the `--quantize` mode; `linear` applies it to every projection (Q8_0 int8).

pub mod config;
pub mod marian;
pub mod weights;

pub use config::{GenerationConfig, MarianConfig};
pub use marian::{AttentionPick, LoadOptions, Marian};

pub(crate) mod linear;
pub mod quant;
pub(crate) mod safetensors_read;

pub use quant::Quantize;
