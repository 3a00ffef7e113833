//! The engine's own CPU matrix kernels for the linear layers, where candle's general ones leave
//! speed on the table (measured with `scripts/bench/`, see docs/readme/perf.md):
//!
//! - [`dense`]: fp32 `y = x Wᵀ + b` for few rows (decoding one row per sentence or beam). The
//!   product is then a stream over the weight matrix, bounded by memory bandwidth; gemm's
//!   general path read it at about two thirds of the machine's rate. AVX-512 only; other CPUs
//!   and larger row counts stay on candle's gemm.
//! - [`int8`]: `--quantize int8`: weights quantized per output row, activations per input row,
//!   products summed exactly in i32 (AVX-512 VNNI `vpdpbusd` where the CPU has it, a portable
//!   loop with the same integer results elsewhere).
//! - [`softmax`]: the beam search's log-softmax over the vocabulary, with a vector `exp`, and
//!   the vector scan its top-k uses to skip what cannot enter.
//!
//! The products split the output columns over rayon's pool (sized by `--threads`).

pub(crate) mod dense;
pub(crate) mod int8;
pub(crate) mod softmax;

use candle_core::{DType, Storage, Tensor};

use crate::error::{Error, Result};

/// Work (multiply-adds) below which a product runs on the calling thread: splitting costs a
/// few microseconds, which a product this small does not repay.
const PARALLEL_WORK: usize = 1 << 17;

/// A raw output pointer shared by the threads of one product; each writes disjoint columns.
#[derive(Clone, Copy)]
pub(crate) struct Out(pub *mut f32);
// SAFETY: the threads write disjoint elements (distinct output columns) and the buffer outlives
// the parallel call, which joins before returning.
unsafe impl Send for Out {}
unsafe impl Sync for Out {}

/// A vector of `len` floats filled by `fill` through the pointer it is given (no zeroing first:
/// a step's logits are 16 MB at 64 rows).
///
/// # Safety
/// `fill` must write all `len` elements before it returns.
pub(crate) unsafe fn written(len: usize, fill: impl FnOnce(Out)) -> Vec<f32> {
    let mut y = Vec::with_capacity(len);
    fill(Out(y.as_mut_ptr()));
    // SAFETY: the caller guarantees that all `len` elements are initialised.
    unsafe { y.set_len(len) };
    y
}

/// Calls `f(lo, hi)` over `[0, n)` cut into pieces whose bounds are multiples of `align`
/// (the last ends at `n`), in parallel when `work` multiply-adds justify it.
pub(crate) fn for_column_chunks(
    n: usize,
    align: usize,
    work: usize,
    f: impl Fn(usize, usize) + Sync + Send,
) {
    let threads = rayon::current_num_threads();
    if threads <= 1 || work < PARALLEL_WORK || n <= align {
        f(0, n);
        return;
    }
    // A few pieces per thread so that a slow core does not hold up the product.
    let pieces = threads * 4;
    let size = n.div_ceil(pieces).div_ceil(align).max(1) * align;
    rayon::scope(|s| {
        let f = &f;
        let mut lo = 0;
        while lo < n {
            let hi = (lo + size).min(n);
            s.spawn(move |_| f(lo, hi));
            lo = hi;
        }
    });
}

/// Runs `f` on the contiguous f32 data of a CPU tensor.
pub(crate) fn with_f32<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> R) -> Result<R> {
    if t.dtype() != DType::F32 {
        return Err(Error::Setting {
            name: "kernel input".into(),
            reason: format!("{:?} tensor where f32 is needed", t.dtype()),
        });
    }
    let t = t.contiguous()?;
    let (storage, layout) = t.storage_and_layout();
    let Storage::Cpu(cpu) = &*storage else {
        return Err(Error::Setting {
            name: "kernel input".into(),
            reason: "tensor is not on the CPU".into(),
        });
    };
    let data = cpu.as_slice::<f32>()?;
    let start = layout.start_offset();
    Ok(f(&data[start..start + t.elem_count()]))
}

/// Test inputs: `len` smooth pseudo-random values in [−0.5, 0.5].
#[cfg(test)]
pub(crate) fn ramp(len: usize, seed: f32) -> Vec<f32> {
    (0..len)
        .map(|i| ((i as f32 * 0.37 + seed).sin()) * 0.5)
        .collect()
}
