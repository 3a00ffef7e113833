//! (stage model: being written)

pub(crate) mod linear;
pub mod quant;
pub(crate) mod safetensors_read;

pub use quant::Quantize;
