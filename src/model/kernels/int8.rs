//! Int8 linear layers: `y = x Wᵀ + b` with `W` quantized per output row and `x` per input row.
//!
//! - Weights: `q = round(w / s)`, `s = max|w_row| / 127`, symmetric, one f32 scale per output.
//! - Activations, per row at each call: the same with their own scale, shifted by +128 to
//!   unsigned bytes (the form `vpdpbusd` multiplies); the shift is taken back out with each
//!   output's precomputed `128 · Σ q`.
//! - The products are summed exactly in i32, so the AVX-512 VNNI kernel and the portable loop
//!   give identical integers and, through one shared epilogue, identical floats: a row's result
//!   does not depend on the CPU's extensions nor on the other rows of the batch.
//!
//! Layout: outputs in blocks of 16; per block, per group of 4 inputs, 64 bytes (16 outputs × 4
//! inputs), so that one broadcast of 4 activation bytes feeds 16 outputs in one instruction
//! without any sum across lanes. The block count is padded to pairs (a tile is 32 outputs ×
//! up to 6 rows: 12 accumulators) and the input width to a multiple of 4, with zeros.

use std::fmt;

use super::{for_column_chunks, written, Out};

/// Outputs per block (one AVX-512 register of i32).
const LANES: usize = 16;
/// Blocks per tile.
const TILE_BLOCKS: usize = 2;
/// Rows per tile.
const TILE_ROWS: usize = 6;
/// Tiles ahead whose weights a tile prefetches (see `dense`: the hardware prefetcher alone
/// leaves the loads waiting on memory).
const PREFETCH_TILES: usize = 2;

/// A weight matrix `(n, k)` in int8, packed for the kernel.
pub(crate) struct Int8Matrix {
    n: usize,
    k: usize,
    /// `k` rounded up to a multiple of 4.
    kp: usize,
    packed: Vec<i8>,
    /// Per output (padded): the weight scale.
    scale: Vec<f32>,
    /// Per output (padded): 128 · Σ q, the +128 shift's contribution.
    shift: Vec<i32>,
}

impl fmt::Debug for Int8Matrix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Int8Matrix({}×{})", self.n, self.k)
    }
}

/// Rounds to the nearest integer, ties to even, for |v| < 2²² (the default rounding mode does
/// the work; vectorises where `f32::round` would call libm).
#[inline(always)]
fn round_even(v: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0; // 1.5 · 2²³
    (v + MAGIC) - MAGIC
}

impl Int8Matrix {
    /// Quantizes a row-major `(n, k)` matrix.
    pub(crate) fn quantize(w: &[f32], n: usize, k: usize) -> Self {
        assert_eq!(w.len(), n * k, "weight is not {n}×{k}");
        let kp = k.div_ceil(4) * 4;
        let blocks = n.div_ceil(LANES).div_ceil(TILE_BLOCKS) * TILE_BLOCKS;
        let padded = blocks * LANES;
        let quads = kp / 4;
        let mut packed = vec![0i8; padded * kp];
        let mut scale = vec![0f32; padded];
        let mut shift = vec![0i32; padded];
        // Blocks of 16 rows in parallel (load time).
        use rayon::prelude::*;
        packed
            .par_chunks_mut((quads * LANES * 4).max(1))
            .zip(scale.par_chunks_mut(LANES))
            .zip(shift.par_chunks_mut(LANES))
            .enumerate()
            .for_each(|(block, ((dst, scale), shift))| {
                for lane in 0..LANES.min(n.saturating_sub(block * LANES)) {
                    let o = block * LANES + lane;
                    let row = &w[o * k..(o + 1) * k];
                    let amax = row.iter().fold(0f32, |m, &v| m.max(v.abs()));
                    let s = if amax > 0.0 { amax / 127.0 } else { 1.0 };
                    let inv = 1.0 / s;
                    let mut sum = 0i32;
                    for (i, &v) in row.iter().enumerate() {
                        let q = round_even(v * inv).clamp(-127.0, 127.0) as i8;
                        sum += q as i32;
                        dst[((i / 4) * LANES + lane) * 4 + i % 4] = q;
                    }
                    scale[lane] = s;
                    shift[lane] = 128 * sum;
                }
            });
        Self {
            n,
            k,
            kp,
            packed,
            scale,
            shift,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.n
    }

    /// `y (m × n) = x (m × k) · Wᵀ + bias`.
    pub(crate) fn matmul(&self, x: &[f32], m: usize, bias: &[f32]) -> Vec<f32> {
        assert_eq!(x.len(), m * self.k, "x is not {m}×{}", self.k);
        assert_eq!(bias.len(), self.n, "bias is not {} long", self.n);
        let vnni = vnni_available();
        let (xq, xs) = if vnni {
            // SAFETY: AVX-512 checked (the same code, vectorised wider).
            #[cfg(target_arch = "x86_64")]
            unsafe {
                avx512::quantize_rows(x, m, self.k, self.kp)
            }
            #[cfg(not(target_arch = "x86_64"))]
            quantize_rows(x, m, self.k, self.kp)
        } else {
            quantize_rows(x, m, self.k, self.kp)
        };
        // SAFETY: `columns` writes every element: all rows of every column piece.
        unsafe {
            written(m * self.n, |out| {
                let work = m * self.n * self.k;
                for_column_chunks(self.n, TILE_BLOCKS * LANES, work, |lo, hi| {
                    self.columns(&xq, &xs, m, bias, lo, hi, vnni, out)
                })
            })
        }
    }

    /// Output columns `lo..hi` (`lo` a multiple of 32) for every row.
    #[allow(clippy::too_many_arguments)]
    fn columns(
        &self,
        xq: &[u8],
        xs: &[f32],
        m: usize,
        bias: &[f32],
        lo: usize,
        hi: usize,
        vnni: bool,
        out: Out,
    ) {
        let mut acc = [0i32; TILE_ROWS * TILE_BLOCKS * LANES];
        let mut o = lo;
        while o < hi {
            let mut r = 0;
            while r < m {
                let rows = (m - r).min(TILE_ROWS);
                self.tile(&xq[r * self.kp..], rows, o / LANES, &mut acc, vnni);
                // SAFETY: rows r..r+rows and columns o..min(o+32, hi) are this piece's; the
                // AVX-512 build runs only where VNNI (hence AVX-512) was detected.
                let done = Done {
                    acc: &acc,
                    rows,
                    r0: r,
                    o0: o,
                    hi,
                    xs,
                    bias,
                    out,
                };
                unsafe {
                    #[cfg(target_arch = "x86_64")]
                    if vnni {
                        avx512::epilogue(self, &done);
                        r += rows;
                        continue;
                    }
                    self.epilogue(&done);
                }
                r += rows;
            }
            o += TILE_BLOCKS * LANES;
        }
    }

    /// i32 sums of `rows` activation rows (stride `kp`) against blocks `block..block + 2`:
    /// `acc[r * 32 + j]`.
    fn tile(&self, xq: &[u8], rows: usize, block: usize, acc: &mut [i32], vnni: bool) {
        let quads = self.kp / 4;
        let tile_bytes = TILE_BLOCKS * quads * LANES * 4;
        let w = &self.packed[block * quads * LANES * 4..][..tile_bytes];
        // The tile two ahead (or this one, at the end), fetched into L2 while this one computes.
        let ahead = (block * quads * LANES * 4 + PREFETCH_TILES * tile_bytes)
            .min(self.packed.len() - tile_bytes);
        let pf = &self.packed[ahead..ahead + tile_bytes];
        #[cfg(target_arch = "x86_64")]
        if vnni {
            // SAFETY: VNNI checked; `w` holds the two blocks, `xq` `rows` rows of `kp` bytes.
            unsafe {
                match rows {
                    6 => avx512::tile::<6>(xq, self.kp, w, pf, quads, acc),
                    5 => avx512::tile::<5>(xq, self.kp, w, pf, quads, acc),
                    4 => avx512::tile::<4>(xq, self.kp, w, pf, quads, acc),
                    3 => avx512::tile::<3>(xq, self.kp, w, pf, quads, acc),
                    2 => avx512::tile::<2>(xq, self.kp, w, pf, quads, acc),
                    _ => avx512::tile::<1>(xq, self.kp, w, pf, quads, acc),
                }
            }
            return;
        }
        let _ = vnni;
        portable_tile(xq, self.kp, rows, w, quads, acc);
    }

    /// Writes `y[t.r0 + r][t.o0 + j]` for the tile's rows and the columns below `t.hi`.
    ///
    /// # Safety
    /// `out` must point at an `m × n` buffer with `r0 + rows <= m`, and no other thread may
    /// write those elements.
    #[inline(always)]
    unsafe fn epilogue(&self, t: &Done<'_>) {
        let Done {
            acc,
            rows,
            r0,
            o0,
            hi,
            xs,
            bias,
            out,
        } = *t;
        let cols = (hi - o0).min(TILE_BLOCKS * LANES);
        for r in 0..rows {
            let sx = xs[r0 + r];
            let dst = std::slice::from_raw_parts_mut(out.0.add((r0 + r) * self.n + o0), cols);
            let acc = &acc[r * TILE_BLOCKS * LANES..r * TILE_BLOCKS * LANES + cols];
            let shift = &self.shift[o0..o0 + cols];
            let scale = &self.scale[o0..o0 + cols];
            let bias = &bias[o0..o0 + cols];
            for j in 0..cols {
                dst[j] = (acc[j] - shift[j]) as f32 * (sx * scale[j]) + bias[j];
            }
        }
    }
}

/// A computed tile for the epilogue: its i32 sums, where it sits (rows `r0..r0 + rows`,
/// columns from `o0` below `hi`), the activation scales, the bias and the output.
#[derive(Clone, Copy)]
struct Done<'a> {
    acc: &'a [i32],
    rows: usize,
    r0: usize,
    o0: usize,
    hi: usize,
    xs: &'a [f32],
    bias: &'a [f32],
    out: Out,
}

/// Whether this CPU has AVX-512 VNNI (checked once).
pub(crate) fn vnni_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static VNNI: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *VNNI.get_or_init(|| {
            std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512vnni")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Rows quantized to `q + 128` bytes (padded to `kp` with the zero point, 128) and their scales.
#[inline(always)]
fn quantize_rows(x: &[f32], m: usize, k: usize, kp: usize) -> (Vec<u8>, Vec<f32>) {
    let mut q = vec![128u8; m * kp];
    let mut scales = vec![0f32; m];
    for r in 0..m {
        let row = &x[r * k..(r + 1) * k];
        let amax = row.iter().fold(0f32, |a, &v| a.max(v.abs()));
        if amax == 0.0 || !amax.is_finite() {
            // Zeros (or a row already broken by non-finite values, which then yields zeros
            // rather than undefined bytes).
            continue;
        }
        let inv = 127.0 / amax;
        scales[r] = amax / 127.0;
        for (d, &v) in q[r * kp..r * kp + k].iter_mut().zip(row) {
            *d = (round_even(v * inv).clamp(-127.0, 127.0) as i32 + 128) as u8;
        }
    }
    (q, scales)
}

/// The kernel's sums with plain integer arithmetic (CPUs without VNNI, and the tests' check).
fn portable_tile(xq: &[u8], kp: usize, rows: usize, w: &[i8], quads: usize, acc: &mut [i32]) {
    for r in 0..rows {
        let x = &xq[r * kp..(r + 1) * kp];
        for b in 0..TILE_BLOCKS {
            let block = &w[b * quads * LANES * 4..(b + 1) * quads * LANES * 4];
            let dst = &mut acc[r * TILE_BLOCKS * LANES + b * LANES..][..LANES];
            let mut sums = [0i32; LANES];
            for (q, group) in block.chunks_exact(LANES * 4).enumerate() {
                let xs = &x[q * 4..q * 4 + 4];
                for (lane, wv) in group.chunks_exact(4).enumerate() {
                    sums[lane] += xs
                        .iter()
                        .zip(wv)
                        .map(|(&a, &b)| a as i32 * b as i32)
                        .sum::<i32>();
                }
            }
            dst.copy_from_slice(&sums);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    use super::{Done, Int8Matrix, LANES, TILE_BLOCKS};

    /// [`super::quantize_rows`] with AVX-512: the same scale, the same product `v · inv`, the
    /// conversion rounding to nearest even as `round_even` does, the same clamp: identical
    /// bytes for finite inputs.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn quantize_rows(
        x: &[f32],
        m: usize,
        k: usize,
        kp: usize,
    ) -> (Vec<u8>, Vec<f32>) {
        let mut q = vec![128u8; m * kp];
        let mut scales = vec![0f32; m];
        let full = k / 16 * 16;
        let tail: __mmask16 = ((1u32 << (k - full)) - 1) as u16;
        for (r, scale) in scales.iter_mut().enumerate() {
            let row = x.as_ptr().add(r * k);
            let mut mv = _mm512_setzero_ps();
            let mut i = 0;
            while i < full {
                mv = _mm512_max_ps(mv, _mm512_abs_ps(_mm512_loadu_ps(row.add(i))));
                i += 16;
            }
            mv = _mm512_max_ps(
                mv,
                _mm512_abs_ps(_mm512_maskz_loadu_ps(tail, row.add(full))),
            );
            let amax = _mm512_reduce_max_ps(mv);
            if amax == 0.0 || !amax.is_finite() {
                continue;
            }
            let inv = _mm512_set1_ps(127.0 / amax);
            *scale = amax / 127.0;
            let dst = q.as_mut_ptr().add(r * kp);
            let (lo, hi, off) = (
                _mm512_set1_epi32(-127),
                _mm512_set1_epi32(127),
                _mm512_set1_epi32(128),
            );
            let quant = |v: __m512| {
                let n = _mm512_cvtps_epi32(_mm512_mul_ps(v, inv));
                _mm512_cvtepi32_epi8(_mm512_add_epi32(
                    _mm512_min_epi32(_mm512_max_epi32(n, lo), hi),
                    off,
                ))
            };
            i = 0;
            while i < full {
                let b = quant(_mm512_loadu_ps(row.add(i)));
                _mm_storeu_si128(dst.add(i) as *mut __m128i, b);
                i += 16;
            }
            if tail != 0 {
                let b = quant(_mm512_maskz_loadu_ps(tail, row.add(full)));
                _mm_mask_storeu_epi8(dst.add(full) as *mut i8, tail, b);
            }
        }
        (q, scales)
    }

    /// [`Int8Matrix::epilogue`] compiled for AVX-512 (separate multiply and add, as there:
    /// identical results).
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn epilogue(m: &Int8Matrix, t: &Done<'_>) {
        m.epilogue(t)
    }

    /// `R` rows against two blocks: 2·R accumulators of 16 outputs, one `vpdpbusd` per
    /// block, row and group of 4 inputs.
    #[target_feature(enable = "avx512f,avx512bw,avx512vnni")]
    pub(super) unsafe fn tile<const R: usize>(
        xq: &[u8],
        kp: usize,
        w: &[i8],
        pf: &[i8],
        quads: usize,
        acc: &mut [i32],
    ) {
        debug_assert!(xq.len() >= (R - 1) * kp + quads * 4);
        debug_assert!(w.len() >= TILE_BLOCKS * quads * LANES * 4);
        debug_assert!(acc.len() >= R * TILE_BLOCKS * LANES);
        let mut sums = [[_mm512_setzero_si512(); TILE_BLOCKS]; R];
        let wp = w.as_ptr();
        let xp = xq.as_ptr();
        let stride = quads * LANES * 4;
        debug_assert!(pf.len() >= TILE_BLOCKS * quads * LANES * 4);
        let pp = pf.as_ptr();
        for q in 0..quads {
            _mm_prefetch::<_MM_HINT_T1>(pp.add(q * 64));
            _mm_prefetch::<_MM_HINT_T1>(pp.add(stride + q * 64));
            let w0 = _mm512_loadu_si512(wp.add(q * 64) as *const __m512i);
            let w1 = _mm512_loadu_si512(wp.add(stride + q * 64) as *const __m512i);
            for (r, s) in sums.iter_mut().enumerate() {
                let x = _mm512_set1_epi32((xp.add(r * kp + q * 4) as *const i32).read_unaligned());
                s[0] = _mm512_dpbusd_epi32(s[0], x, w0);
                s[1] = _mm512_dpbusd_epi32(s[1], x, w1);
            }
        }
        for (r, s) in sums.iter().enumerate() {
            for (b, &v) in s.iter().enumerate() {
                _mm512_storeu_si512(
                    acc.as_mut_ptr().add(r * TILE_BLOCKS * LANES + b * LANES) as *mut __m512i,
                    v,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ramp;
    use super::*;

    fn plain(x: &[f32], m: usize, k: usize, w: &[f32], n: usize, b: &[f32]) -> Vec<f32> {
        let mut y = vec![0f32; m * n];
        for r in 0..m {
            for o in 0..n {
                y[r * n + o] = (0..k).map(|i| x[r * k + i] * w[o * k + i]).sum::<f32>() + b[o];
            }
        }
        y
    }

    const SHAPES: [(usize, usize, usize); 6] = [
        (1, 1, 1),
        (1, 17, 33),
        (3, 40, 16),
        (7, 33, 42),
        (13, 100, 64),
        (16, 512, 512),
    ];

    /// Within int8's rounding of the f32 product: per output, |Δ| ≤ 2% of Σ|x||w| (the bound
    /// of two 1/254-relative roundings), on odd sizes that exercise every padding.
    #[test]
    fn close_to_the_f32_product() {
        for (m, n, k) in SHAPES {
            let x = ramp(m * k, 0.2);
            let w = ramp(n * k, 1.3);
            let b = ramp(n, 2.1);
            let q = Int8Matrix::quantize(&w, n, k);
            assert_eq!(q.rows(), n);
            let got = q.matmul(&x, m, &b);
            let want = plain(&x, m, k, &w, n, &b);
            for r in 0..m {
                for o in 0..n {
                    let mag: f32 = (0..k).map(|i| (x[r * k + i] * w[o * k + i]).abs()).sum();
                    let d = (got[r * n + o] - want[r * n + o]).abs();
                    assert!(
                        d <= 0.02 * mag + 1e-6,
                        "{m}×{n}×{k} ({r},{o}): {d} vs {mag}"
                    );
                }
            }
        }
    }

    /// The VNNI kernel's integers equal the portable loop's, tile for tile.
    #[test]
    fn vnni_kernel_equals_the_portable_loop() {
        if !vnni_available() {
            eprintln!("skipped: this CPU has no AVX-512 VNNI");
            return;
        }
        for (m, n, k) in SHAPES {
            let x = ramp(m * k, 0.9);
            let q = Int8Matrix::quantize(&ramp(n * k, 0.4), n, k);
            let (xq, _) = quantize_rows(&x, m, k, q.kp);
            let blocks = q.packed.len() / (q.kp * LANES);
            for block in (0..blocks).step_by(TILE_BLOCKS) {
                let mut r = 0;
                while r < m {
                    let rows = (m - r).min(TILE_ROWS);
                    let mut fast = [0i32; TILE_ROWS * TILE_BLOCKS * LANES];
                    let mut slow = fast;
                    q.tile(&xq[r * q.kp..], rows, block, &mut fast, true);
                    q.tile(&xq[r * q.kp..], rows, block, &mut slow, false);
                    assert_eq!(fast, slow, "{m}×{n}×{k} block {block} rows {r}");
                    r += rows;
                }
            }
        }
    }

    /// The AVX-512 activation quantizer gives the portable one's bytes and scales.
    #[test]
    fn vector_quantizer_equals_the_portable_one() {
        if !vnni_available() {
            eprintln!("skipped: this CPU has no AVX-512 VNNI");
            return;
        }
        for (m, k) in [(1, 1), (3, 17), (5, 64), (2, 100)] {
            let mut x = ramp(m * k, 0.6);
            x[0] = 0.0;
            x.iter_mut().step_by(7).for_each(|v| *v *= 3.0);
            let kp = k.div_ceil(4) * 4;
            // SAFETY: AVX-512 checked above.
            let fast = unsafe { avx512::quantize_rows(&x, m, k, kp) };
            assert_eq!(fast, quantize_rows(&x, m, k, kp), "{m}×{k}");
        }
        let zeros = vec![0f32; 40];
        // SAFETY: as above.
        assert_eq!(
            unsafe { avx512::quantize_rows(&zeros, 2, 20, 20) },
            quantize_rows(&zeros, 2, 20, 20)
        );
    }

    /// A row's result is the same alone and in a batch (per-row activation scales).
    #[test]
    fn rows_do_not_depend_on_their_neighbours() {
        let (n, k) = (50, 24);
        let q = Int8Matrix::quantize(&ramp(n * k, 0.5), n, k);
        let b = ramp(n, 0.1);
        let mut x = ramp(5 * k, 3.0);
        x[k..2 * k].iter_mut().for_each(|v| *v *= 40.0);
        let all = q.matmul(&x, 5, &b);
        for r in 0..5 {
            let one = q.matmul(&x[r * k..(r + 1) * k], 1, &b);
            assert_eq!(one, all[r * n..(r + 1) * n], "row {r}");
        }
    }

    #[test]
    fn zero_rows_and_zero_weights_give_the_bias() {
        let q = Int8Matrix::quantize(&[0.0; 12], 3, 4);
        assert_eq!(
            q.matmul(&[1.0, 2.0, 3.0, 4.0], 1, &[0.5, -1.0, 2.0]),
            [0.5, -1.0, 2.0]
        );
        let q = Int8Matrix::quantize(&ramp(12, 0.0), 3, 4);
        assert_eq!(q.matmul(&[0.0; 4], 1, &[0.5, -1.0, 2.0]), [0.5, -1.0, 2.0]);
    }
}
