//! The linear layer `y = x Wᵀ + b` of every projection in the model, dense or int8.
//!
//! Takes a `(out, in)` weight and `(out,)` bias as stored in the checkpoint plus the load's
//! [`Quantize`] mode; gives a layer whose [`Linear::forward`] maps `(.., in)` to `(.., out)`.
//! Dense layers compute `y = (W xᵀ)ᵀ` on the stored weight (the engine's measured layout: the
//! large weight is gemm's contiguous left-hand side, so it is neither copied at load nor
//! repacked per call). Int8 layers hold candle's `QMatMul` over a
//! Q8_0 copy of the weight (the float copy is dropped, so memory shrinks too). Layers whose
//! input width is not a multiple of Q8_0's block of 32 stay dense: only tiny test models have
//! those, and refusing them would make `--quantize int8` fail for no user benefit.

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{DType, Module, Tensor};

use crate::error::Result;
use crate::model::quant::Quantize;

/// One projection. Public to the model module only: the layers' users call `forward`.
#[derive(Debug, Clone)]
pub(crate) enum Linear {
    Dense { weight: Tensor, bias: Tensor },
    Int8 { weight: QMatMul, bias: Tensor },
}

impl Linear {
    /// Builds the layer; with [`Quantize::Int8`], weights whose input width is a multiple of 32
    /// on the CPU in f32 are quantized to Q8_0.
    pub(crate) fn new(weight: Tensor, bias: Tensor, quantize: Quantize) -> Result<Self> {
        let (_, inp) = weight.dims2()?;
        let quantizable = quantize == Quantize::Int8
            && inp % GgmlDType::Q8_0.block_size() == 0
            && weight.device().is_cpu()
            && weight.dtype() == DType::F32;
        if !quantizable {
            return Ok(Self::Dense { weight, bias });
        }
        let q = QTensor::quantize(&weight, GgmlDType::Q8_0)?;
        Ok(Self::Int8 {
            weight: QMatMul::from_qtensor(q)?,
            bias,
        })
    }

    /// Output width.
    pub(crate) fn out_dim(&self) -> Result<usize> {
        Ok(match self {
            Self::Dense { weight, .. } => weight.dim(0)?,
            Self::Int8 { weight, .. } => match weight {
                QMatMul::QTensor(q) => q.shape().dims()[0],
                QMatMul::Tensor(w) | QMatMul::TensorF16(w) => w.dim(0)?,
            },
        })
    }

    pub(crate) fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let dims = x.dims();
        let Some((&inner, lead)) = dims.split_last() else {
            return Err(candle_core::Error::Msg("linear layer input is a scalar".into()).into());
        };
        let rows: usize = lead.iter().product();
        let x2 = x.reshape((rows, inner))?;
        let y = match self {
            Self::Dense { weight, bias } => weight.matmul(&x2.t()?)?.t()?.broadcast_add(bias)?,
            // candle's quantized CPU matmul wants contiguous f32 rows.
            Self::Int8 { weight, bias } => {
                weight.forward(&x2.contiguous()?)?.broadcast_add(bias)?
            }
        };
        let mut out = lead.to_vec();
        out.push(self.out_dim()?);
        Ok(y.reshape(out)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn ramp(rows: usize, cols: usize, seed: f32) -> Tensor {
        let v: Vec<f32> = (0..rows * cols)
            .map(|i| ((i as f32 * 0.37 + seed).sin()) * 0.5)
            .collect();
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

    /// Dense forward equals x Wᵀ + b computed by hand, for 2-D and 3-D inputs.
    #[test]
    fn dense_matches_reference_and_keeps_leading_dims() {
        let w = ramp(3, 4, 0.1);
        let b = Tensor::new(&[0.5f32, -1.0, 2.0], &Device::Cpu).unwrap();
        let lin = Linear::new(w.clone(), b.clone(), Quantize::None).unwrap();
        let x = ramp(2 * 5, 4, 0.7).reshape((2, 5, 4)).unwrap();
        let y = lin.forward(&x).unwrap();
        assert_eq!(y.dims(), &[2, 5, 3]);
        let wv = w.to_vec2::<f32>().unwrap();
        let bv = b.to_vec1::<f32>().unwrap();
        let xv = x.reshape((10, 4)).unwrap().to_vec2::<f32>().unwrap();
        let yv = y.reshape((10, 3)).unwrap().to_vec2::<f32>().unwrap();
        for r in 0..10 {
            for o in 0..3 {
                let want: f32 = (0..4).map(|i| xv[r][i] * wv[o][i]).sum::<f32>() + bv[o];
                assert!((yv[r][o] - want).abs() < 1e-5, "row {r} out {o}");
            }
        }
    }

    /// Int8 layers stay within Q8_0's error of the dense result (|Δ| ≤ 1% of the output range
    /// on these inputs) and quantize only when the input width allows it.
    #[test]
    fn int8_close_to_dense_and_falls_back_on_odd_widths() {
        for (out, inp, quantized) in [(64, 128, true), (256, 512, true), (8, 20, false)] {
            let w = ramp(out, inp, 0.3);
            let b = ramp(1, out, 1.1).reshape(out).unwrap();
            let dense = Linear::new(w.clone(), b.clone(), Quantize::None).unwrap();
            let int8 = Linear::new(w, b, Quantize::Int8).unwrap();
            assert_eq!(
                matches!(int8, Linear::Int8 { .. }),
                quantized,
                "{out}x{inp}"
            );
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
            if quantized {
                assert!(
                    diff > 0.0,
                    "an int8 layer that equals fp32 exactly was not quantized"
                );
            }
        }
    }
}
