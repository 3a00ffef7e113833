//! The linear layer `y = x Wᵀ + b` of every projection in the model, dense or int8.
//!
//! Takes a `(out, in)` weight and `(out,)` bias as stored in the checkpoint plus the load's
//! [`Quantize`] mode; gives a layer whose [`Linear::forward`] maps `(.., in)` to `(.., out)`.
//! - f32 on a CPU with AVX-512: the weight is repacked at load for the engine's own kernel
//!   ([`PackedMatrix`]: streams the weights once per call, the same sequential sums as gemm).
//! - Other devices, types and CPUs: candle's matmul, `y = (W xᵀ)ᵀ` on the stored weight (the
//!   large weight is gemm's contiguous left-hand side, neither copied nor repacked per call).
//! - [`Quantize::Int8`] on the CPU: an [`Int8Matrix`] built at load.
//!
//! In the first and last case the float weight is dropped once converted, so the layer holds
//! one copy (the tied embedding table reads its rows from the packed output layer).

use std::sync::Arc;

use candle_core::{DType, Tensor};

use crate::error::Result;
use crate::model::kernels::{dense, dense::PackedMatrix, int8::Int8Matrix, with_f32};
use crate::model::quant::Quantize;

/// One projection. Public to the model module only: the layers' users call `forward`.
#[derive(Debug, Clone)]
pub(crate) enum Linear {
    Dense {
        weight: Tensor,
        bias: Tensor,
    },
    Packed {
        weight: Arc<PackedMatrix>,
        bias: Vec<f32>,
    },
    Int8 {
        weight: Arc<Int8Matrix>,
        bias: Vec<f32>,
    },
}

impl Linear {
    /// Builds the layer in the form the device, type and mode call for (see the module).
    pub(crate) fn new(weight: Tensor, bias: Tensor, quantize: Quantize) -> Result<Self> {
        let (out, inp) = weight.dims2()?;
        let cpu_f32 = weight.device().is_cpu() && weight.dtype() == DType::F32;
        if cpu_f32 && quantize == Quantize::Int8 {
            let q = with_f32(&weight, |w| Int8Matrix::quantize(w, out, inp))?;
            return Ok(Self::Int8 {
                weight: Arc::new(q),
                bias: with_f32(&bias, <[f32]>::to_vec)?,
            });
        }
        if cpu_f32 && dense::available() {
            let p = with_f32(&weight, |w| PackedMatrix::pack(w, out, inp))?;
            return Ok(Self::Packed {
                weight: Arc::new(p),
                bias: with_f32(&bias, <[f32]>::to_vec)?,
            });
        }
        Ok(Self::Dense { weight, bias })
    }

    /// The packed weight, when the layer has one (for the tied embedding table).
    pub(crate) fn packed(&self) -> Option<&Arc<PackedMatrix>> {
        match self {
            Self::Packed { weight, .. } => Some(weight),
            _ => None,
        }
    }

    /// Output width.
    pub(crate) fn out_dim(&self) -> Result<usize> {
        Ok(match self {
            Self::Dense { weight, .. } => weight.dim(0)?,
            Self::Packed { weight, .. } => weight.rows(),
            Self::Int8 { weight, .. } => weight.rows(),
        })
    }

    pub(crate) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let dims = x.dims();
        let Some((&inner, lead)) = dims.split_last() else {
            return Err(candle_core::Error::Msg("linear layer input is a scalar".into()).into());
        };
        let rows: usize = lead.iter().product();
        let x2 = x.reshape((rows, inner))?;
        let out = self.out_dim()?;
        let y = match self {
            Self::Dense { weight, bias } => weight.matmul(&x2.t()?)?.t()?.broadcast_add(bias)?,
            _ => {
                let y = self.own_kernel(&x2, rows)?.unwrap_or_default();
                Tensor::from_vec(y, (rows, out), x.device())?
            }
        };
        let mut shape = lead.to_vec();
        shape.push(out);
        Ok(y.reshape(shape)?)
    }

    /// `forward` of a `(rows, in)` input as a flat f32 vector, `rows × out` (the step's logits:
    /// the engine's kernels hand their buffer over, no copy).
    pub(crate) fn forward_vec(&self, x: &Tensor) -> Result<Vec<f32>> {
        let rows = x.dim(0)?;
        match self.own_kernel(x, rows)? {
            Some(y) => Ok(y),
            None => Ok(self
                .forward(x)?
                .flatten_all()?
                .to_dtype(DType::F32)?
                .to_vec1()?),
        }
    }

    /// The product on the engine's kernels, for the layers that have them.
    fn own_kernel(&self, x2: &Tensor, rows: usize) -> Result<Option<Vec<f32>>> {
        Ok(match self {
            Self::Dense { .. } => None,
            Self::Packed { weight, bias } => Some(with_f32(x2, |x| weight.matmul(x, rows, bias))?),
            Self::Int8 { weight, bias } => Some(with_f32(x2, |x| weight.matmul(x, rows, bias))?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn ramp(rows: usize, cols: usize, seed: f32) -> Tensor {
        let v = crate::model::kernels::ramp(rows * cols, seed);
        Tensor::from_vec(v, (rows, cols), &Device::Cpu).unwrap()
    }

    fn max_abs_diff(a: &Tensor, b: &Tensor) -> f32 {
        (a - b)
            .unwrap()
            .abs()
            .unwrap()
            .flatten_all()
            .unwrap()
            .max(0)
            .unwrap()
            .to_scalar::<f32>()
            .unwrap()
    }

    /// Forward equals x Wᵀ + b computed by hand, for 2-D and 3-D inputs (packed where the CPU
    /// has AVX-512, candle's matmul elsewhere).
    #[test]
    fn dense_matches_reference_and_keeps_leading_dims() {
        let w = ramp(3, 4, 0.1);
        let b = Tensor::new(&[0.5f32, -1.0, 2.0], &Device::Cpu).unwrap();
        let lin = Linear::new(w.clone(), b.clone(), Quantize::None).unwrap();
        let wv = w.to_vec2::<f32>().unwrap();
        let bv = b.to_vec1::<f32>().unwrap();
        for (lead, rows) in [(2, 5), (1, 3), (3, 1)] {
            let x = ramp(lead * rows, 4, 0.7).reshape((lead, rows, 4)).unwrap();
            let y = lin.forward(&x).unwrap();
            assert_eq!(y.dims(), &[lead, rows, 3]);
            let n = lead * rows;
            let xv = x.reshape((n, 4)).unwrap().to_vec2::<f32>().unwrap();
            let yv = y.reshape((n, 3)).unwrap().to_vec2::<f32>().unwrap();
            for r in 0..n {
                for o in 0..3 {
                    let want: f32 = (0..4).map(|i| xv[r][i] * wv[o][i]).sum::<f32>() + bv[o];
                    assert!(
                        (yv[r][o] - want).abs() < 1e-5,
                        "{lead}×{rows}: row {r} out {o}"
                    );
                }
            }
        }
    }

    /// The packed kernel (where the CPU has AVX-512) and candle's matmul (everywhere else)
    /// agree, at one row and at many.
    #[test]
    fn packed_and_candle_paths_agree() {
        let (w, b) = (ramp(70, 48, 0.4), ramp(1, 70, 0.9).reshape(70).unwrap());
        let candle = Linear::Dense {
            weight: w.clone(),
            bias: b.clone(),
        };
        let chosen = Linear::new(w, b, Quantize::None).unwrap();
        assert_eq!(
            matches!(chosen, Linear::Packed { .. }),
            dense::available(),
            "f32 on the CPU is packed exactly where the kernel runs"
        );
        for rows in [1, 5, 40] {
            let x = ramp(rows, 48, 1.7);
            let d = max_abs_diff(&candle.forward(&x).unwrap(), &chosen.forward(&x).unwrap());
            assert!(d < 1e-5, "{rows} rows: {d}");
        }
    }

    /// Int8 layers stay within int8's error of the dense result (|Δ| ≤ 1% of the output range
    /// on these inputs), whatever the widths, and really are quantized.
    #[test]
    fn int8_close_to_dense_on_any_width() {
        for (out, inp) in [(64, 128), (256, 512), (8, 20)] {
            let w = ramp(out, inp, 0.3);
            let b = ramp(1, out, 1.1).reshape(out).unwrap();
            let dense = Linear::new(w.clone(), b.clone(), Quantize::None).unwrap();
            let int8 = Linear::new(w, b, Quantize::Int8).unwrap();
            assert!(matches!(int8, Linear::Int8 { .. }), "{out}x{inp}");
            assert_eq!(int8.out_dim().unwrap(), out);
            let x = ramp(7, inp, 2.5);
            let yd = dense.forward(&x).unwrap();
            let yq = int8.forward(&x).unwrap();
            assert_eq!(yq.dims(), yd.dims());
            let range = yd.abs().unwrap().flatten_all().unwrap().max(0).unwrap();
            let range = range.to_scalar::<f32>().unwrap();
            let diff = max_abs_diff(&yd, &yq);
            assert!(
                diff <= 0.01 * range,
                "{out}x{inp}: |Δ| {diff} vs range {range}"
            );
            assert!(
                diff > 0.0,
                "an int8 layer that equals fp32 exactly was not quantized"
            );
        }
    }
}
