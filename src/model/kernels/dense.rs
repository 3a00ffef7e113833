//! fp32 `y = x Wᵀ + b` on weights packed for the kernel, at every batch size.
//!
//! Layout: outputs in tiles of 32; per tile, per input `k`, the 32 weights `W[o][k]` side by
//! side (128 bytes), tiles one after the other: the matrix is one contiguous stream. The
//! kernel broadcasts `x[r][k]` and multiply-adds it into 2 AVX-512 accumulators per row (32
//! outputs), up to 8 rows at once, `k` in order: each output is the sequential fused
//! multiply-add sum over `k` that gemm's microkernels compute, so results do not move when a
//! model switches from candle's matmul to this kernel. It streams the weights once per call
//! whatever the row count (decoding is bound by memory bandwidth at few rows) and needs no
//! sum across lanes (it runs near the arithmetic peak at many).
//!
//! AVX-512 CPUs only ([`available`]); elsewhere layers keep candle's matmul.

use super::{for_column_chunks, written, Out};

/// Outputs per tile (two AVX-512 registers).
const TILE: usize = 32;
/// Rows per tile (16 accumulators).
const TILE_ROWS: usize = 8;
/// Bytes ahead of the current weights that the kernel prefetches into L2: the hardware
/// prefetcher alone left the loads waiting on memory (measured +50% at one row on a
/// 62k × 512 weight; into L1 instead, the prefetches evicted the weights in use).
const PREFETCH_BYTES: usize = 8192;

/// Whether this CPU runs the kernel (checked once).
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static AVX512: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *AVX512.get_or_init(|| std::arch::is_x86_feature_detected!("avx512f"))
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// A row-major `(n, k)` weight repacked for the kernel.
pub(crate) struct PackedMatrix {
    n: usize,
    k: usize,
    /// Tiles × k × 32 floats; outputs past `n` are zero.
    data: Vec<f32>,
}

impl std::fmt::Debug for PackedMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PackedMatrix({}×{})", self.n, self.k)
    }
}

impl PackedMatrix {
    pub(crate) fn pack(w: &[f32], n: usize, k: usize) -> Self {
        use rayon::prelude::*;
        assert_eq!(w.len(), n * k, "weight is not {n}×{k}");
        let tiles = n.div_ceil(TILE);
        let mut data = vec![0f32; tiles * k * TILE];
        // Tiles in parallel: packing the 62k-row output layer is most of a model's load time.
        data.par_chunks_mut((k * TILE).max(1))
            .enumerate()
            .for_each(|(t, tile)| {
                for lane in 0..TILE.min(n.saturating_sub(t * TILE)) {
                    let o = t * TILE + lane;
                    for (i, &v) in w[o * k..(o + 1) * k].iter().enumerate() {
                        tile[i * TILE + lane] = v;
                    }
                }
            });
        Self { n, k, data }
    }

    pub(crate) fn rows(&self) -> usize {
        self.n
    }

    pub(crate) fn cols(&self) -> usize {
        self.k
    }

    /// Row `o` of the original matrix (an embedding lookup when the matrix is a tied table).
    pub(crate) fn row(&self, o: usize, dst: &mut [f32]) {
        let (t, lane) = (o / TILE, o % TILE);
        let base = t * self.k * TILE + lane;
        for (i, d) in dst.iter_mut().enumerate().take(self.k) {
            *d = self.data[base + i * TILE];
        }
    }

    /// `y (m × n) = x (m × k) · Wᵀ + bias`. Panics unless [`available`].
    pub(crate) fn matmul(&self, x: &[f32], m: usize, bias: &[f32]) -> Vec<f32> {
        assert!(available(), "dense kernel needs AVX-512");
        let (n, k) = (self.n, self.k);
        assert_eq!(x.len(), m * k, "x is not {m}×{k}");
        assert_eq!(bias.len(), n, "bias is not {n} long");
        // SAFETY: every element is written: all rows of every column piece.
        unsafe {
            written(m * n, |out| {
                for_column_chunks(n, TILE, m * n * k, |lo, hi| {
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: AVX-512 checked; sizes checked above; columns lo..hi are this
                    // piece's.
                    self.columns(x, m, bias, lo, hi, out);
                    #[cfg(not(target_arch = "x86_64"))]
                    let _ = (lo, hi, out);
                })
            })
        }
    }

    /// Output columns `lo..hi` (`lo` a multiple of 32) for every row.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn columns(&self, x: &[f32], m: usize, bias: &[f32], lo: usize, hi: usize, out: Out) {
        let (n, k) = (self.n, self.k);
        let mut o = lo;
        while o < hi {
            let cols = (hi - o).min(TILE);
            let w = self.data.as_ptr().add(o / TILE * k * TILE);
            let mut r = 0;
            while r < m {
                let rows = (m - r).min(TILE_ROWS);
                let xp = x.as_ptr().add(r * k);
                let dst = out.0.add(r * n + o);
                let b = bias.as_ptr().add(o);
                match rows {
                    8 => avx512::tile::<8>(xp, w, k, dst, n, b, cols),
                    7 => avx512::tile::<7>(xp, w, k, dst, n, b, cols),
                    6 => avx512::tile::<6>(xp, w, k, dst, n, b, cols),
                    5 => avx512::tile::<5>(xp, w, k, dst, n, b, cols),
                    4 => avx512::tile::<4>(xp, w, k, dst, n, b, cols),
                    3 => avx512::tile::<3>(xp, w, k, dst, n, b, cols),
                    2 => avx512::tile::<2>(xp, w, k, dst, n, b, cols),
                    _ => avx512::tile::<1>(xp, w, k, dst, n, b, cols),
                }
                r += rows;
            }
            o += cols;
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{PREFETCH_BYTES, TILE};

    /// `R` rows of `x` (stride `k`) against one tile (`k × 32` floats at `w`); writes
    /// `dst[r * ldd + j] = Σₖ x[r][k]·w[k][j] + bias[j]` for `j < cols`.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn tile<const R: usize>(
        x: *const f32,
        w: *const f32,
        k: usize,
        dst: *mut f32,
        ldd: usize,
        bias: *const f32,
        cols: usize,
    ) {
        let mut acc = [[_mm512_setzero_ps(); 2]; R];
        let ahead = PREFETCH_BYTES / 4;
        for i in 0..k {
            let wi = w.add(i * TILE);
            // A hint (never faults): `wrapping_add`, as the address may be past the matrix.
            _mm_prefetch::<_MM_HINT_T1>(wi.wrapping_add(ahead) as *const i8);
            _mm_prefetch::<_MM_HINT_T1>(wi.wrapping_add(ahead + 16) as *const i8);
            let w0 = _mm512_loadu_ps(wi);
            let w1 = _mm512_loadu_ps(wi.add(16));
            for (r, a) in acc.iter_mut().enumerate() {
                let xv = _mm512_set1_ps(*x.add(r * k + i));
                a[0] = _mm512_fmadd_ps(xv, w0, a[0]);
                a[1] = _mm512_fmadd_ps(xv, w1, a[1]);
            }
        }
        let lo: __mmask16 = if cols >= 16 {
            0xffff
        } else {
            ((1u32 << cols) - 1) as u16
        };
        let hi: __mmask16 = if cols >= 32 {
            0xffff
        } else if cols > 16 {
            ((1u32 << (cols - 16)) - 1) as u16
        } else {
            0
        };
        let b0 = _mm512_maskz_loadu_ps(lo, bias);
        let b1 = _mm512_maskz_loadu_ps(hi, bias.wrapping_add(16));
        for (r, a) in acc.iter().enumerate() {
            let d = dst.add(r * ldd);
            _mm512_mask_storeu_ps(d, lo, _mm512_add_ps(a[0], b0));
            _mm512_mask_storeu_ps(d.wrapping_add(16), hi, _mm512_add_ps(a[1], b1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ramp;
    use super::*;

    /// Every row/column remainder, against the sequential fused multiply-add sum (exactly: the
    /// kernel's order) and an f64 dot product (closely); rows come back from the packing.
    #[test]
    fn matches_sequential_fma_sums_exactly() {
        if !available() {
            eprintln!("skipped: this CPU has no AVX-512");
            return;
        }
        for (m, n, k) in [
            (1, 1, 1),
            (1, 7, 33),
            (3, 40, 16),
            (9, 33, 40),
            (17, 64, 512),
        ] {
            let x = ramp(m * k, 0.2);
            let w = ramp(n * k, 1.3);
            let b = ramp(n, 2.1);
            let p = PackedMatrix::pack(&w, n, k);
            assert_eq!((p.rows(), p.cols()), (n, k));
            let y = p.matmul(&x, m, &b);
            for r in 0..m {
                for o in 0..n {
                    let seq = (0..k).fold(0f32, |a, i| x[r * k + i].mul_add(w[o * k + i], a));
                    assert_eq!(y[r * n + o], seq + b[o], "{m}×{n}×{k} at ({r},{o})");
                    let want: f64 = (0..k)
                        .map(|i| x[r * k + i] as f64 * w[o * k + i] as f64)
                        .sum::<f64>()
                        + b[o] as f64;
                    assert!((y[r * n + o] as f64 - want).abs() < 1e-4);
                }
            }
            let mut row = vec![0f32; k];
            p.row(n - 1, &mut row);
            assert_eq!(row, w[(n - 1) * k..]);
        }
    }
}
