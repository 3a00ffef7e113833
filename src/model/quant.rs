//! Weight quantization modes for loading a model: the `--quantize` setting.
//!
//! Takes the user's word (`none`/`fp32`, `int8`) and gives a [`Quantize`] that
//! [`super::linear::Linear::new`] applies to every linear layer at load time. Int8 stores each
//! weight row as 8-bit integers with one scale, quantizes each activation row the same way at
//! every product and sums the products exactly in 32-bit integers (the engine's kernel,
//! `kernels::int8`: AVX-512 VNNI where the CPU has it). It cuts the memory of the matmul weights
//! by 4× with logits close to fp32 (the tolerance is checked by `tests/it/quant.rs`).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// How the weights of the linear layers are stored and multiplied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quantize {
    /// Weights as loaded (fp32 by default): the reference arithmetic.
    #[default]
    None,
    /// Linear layers (attention, feed-forward and the output projection) in int8; embeddings,
    /// layer norms and biases stay in float.
    Int8,
}

impl FromStr for Quantize {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "none" | "fp32" | "f32" | "float32" => Ok(Self::None),
            "int8" | "q8" | "q8_0" => Ok(Self::Int8),
            other => Err(Error::Setting {
                name: "quantize".into(),
                reason: format!("{other:?} is not none or int8"),
            }),
        }
    }
}

impl fmt::Display for Quantize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::None => "none",
            Self::Int8 => "int8",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_names_users_type() {
        for (text, want) in [
            ("none", Some(Quantize::None)),
            ("fp32", Some(Quantize::None)),
            ("F32", Some(Quantize::None)),
            ("int8", Some(Quantize::Int8)),
            ("INT8", Some(Quantize::Int8)),
            ("q8_0", Some(Quantize::Int8)),
            ("int4", None),
            ("", None),
        ] {
            assert_eq!(text.parse::<Quantize>().ok(), want, "{text:?}");
        }
    }

    #[test]
    fn display_round_trips() {
        for q in [Quantize::None, Quantize::Int8] {
            assert_eq!(q.to_string().parse::<Quantize>().unwrap(), q);
        }
    }

    #[test]
    fn unknown_mode_error_names_the_setting() {
        let err = "int3".parse::<Quantize>().unwrap_err().to_string();
        assert!(err.contains("quantize") && err.contains("int3"), "{err}");
    }
}
