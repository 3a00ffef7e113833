//! In-place functions of `exp` over rows: the log-softmax over a row of logits, the beam
//! search's largest cost after the matrix products (a 62k-entry row per beam and step); the
//! attention softmax; SiLU. AVX-512 with a polynomial `exp` where the CPU has it, the plain loop
//! elsewhere.
//!
//! The vector `exp` is SLEEF's `expf_u10` (range reduction by ln 2 in two parts, a degree-5
//! polynomial, the power of two applied last), the one PyTorch's vectorised CPU kernels use,
//! and the sums run in 16 lanes as PyTorch's log-softmax does: the engine then rounds as the
//! reference implementation does, which keeps beam search's near-ties on the same side.

/// The AVX-512 version where the CPU has it, the portable one elsewhere.
macro_rules! dispatch {
    ($fast:expr, $portable:expr) => {{
        #[cfg(target_arch = "x86_64")]
        if super::dense::available() {
            // SAFETY: AVX-512 checked.
            return unsafe { $fast };
        }
        $portable
    }};
}

/// `xs[i] ← xs[i] − max − ln Σ exp(xs[j] − max)`; rows whose maximum is not finite are left.
pub(crate) fn log_softmax(xs: &mut [f32]) {
    dispatch!(avx512::log_softmax(xs), portable_log_softmax(xs))
}

/// `xs[i] ← exp(xs[i] − max) / Σ exp(xs[j] − max)` (attention probabilities); rows whose
/// maximum is not finite are left.
pub(crate) fn softmax(xs: &mut [f32]) {
    dispatch!(avx512::softmax(xs), portable_softmax(xs))
}

/// `xs[i] ← xs[i] / (1 + exp(−xs[i]))` (SiLU, the swish of OPUS-MT's feed-forward layers),
/// with the vector `exp` as PyTorch's CPU kernel.
pub(crate) fn silu(xs: &mut [f32]) {
    dispatch!(
        avx512::silu(xs),
        xs.iter_mut().for_each(|x| *x /= 1.0 + (-*x).exp())
    )
}

/// The first index `i ≥ from` with `base + row[i] > threshold` (`row.len()` if none): lets a
/// top-k scan skip, 16 values per comparison, what cannot enter its list.
pub(crate) fn next_above(row: &[f32], base: f32, threshold: f32, from: usize) -> usize {
    dispatch!(
        avx512::next_above(row, base, threshold, from),
        next_above_portable(row, base, threshold, from)
    )
}

fn next_above_portable(row: &[f32], base: f32, threshold: f32, from: usize) -> usize {
    (from..row.len())
        .find(|&i| base + row[i] > threshold)
        .unwrap_or(row.len())
}

fn portable_softmax(xs: &mut [f32]) {
    let max = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return;
    }
    let mut sum = 0f32;
    for x in xs.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    for x in xs.iter_mut() {
        *x /= sum;
    }
}

fn portable_log_softmax(xs: &mut [f32]) {
    let max = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return;
    }
    let sum: f32 = xs.iter().map(|&x| (x - max).exp()).sum();
    let log_sum = sum.ln();
    for x in xs.iter_mut() {
        *x = *x - max - log_sum;
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;

    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    const P: [f32; 6] = [
        1.985_276_2e-4,
        1.393_043_6e-3,
        8.333_361e-3,
        4.166_648_5e-2,
        0.166_666_67,
        0.5,
    ];

    /// SLEEF's `expf_u10` step for step (the vector `exp` PyTorch's CPU kernels use): the
    /// same rounding as the reference implementation's log-softmax.
    #[target_feature(enable = "avx512f")]
    #[inline]
    pub(super) unsafe fn exp(d: __m512) -> __m512 {
        let q = _mm512_roundscale_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm512_mul_ps(d, _mm512_set1_ps(LOG2E)),
        );
        let s = _mm512_fmadd_ps(q, _mm512_set1_ps(-LN2_HI), d);
        let s = _mm512_fmadd_ps(q, _mm512_set1_ps(-LN2_LO), s);
        let mut u = _mm512_set1_ps(P[0]);
        for &c in &P[1..] {
            u = _mm512_fmadd_ps(u, s, _mm512_set1_ps(c));
        }
        let u = _mm512_add_ps(
            _mm512_set1_ps(1.0),
            _mm512_fmadd_ps(_mm512_mul_ps(s, s), u, s),
        );
        let u = _mm512_scalef_ps(u, q);
        // Below −104 the result is 0; above 100, +∞ (as SLEEF).
        let u = _mm512_maskz_mov_ps(
            _mm512_cmp_ps_mask::<_CMP_GE_OQ>(d, _mm512_set1_ps(-104.0)),
            u,
        );
        _mm512_mask_mov_ps(
            u,
            _mm512_cmp_ps_mask::<_CMP_GT_OQ>(d, _mm512_set1_ps(100.0)),
            _mm512_set1_ps(f32::INFINITY),
        )
    }

    /// [`super::next_above`]: the same sum `base + x` and strict comparison (false for NaN).
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn next_above(row: &[f32], base: f32, threshold: f32, from: usize) -> usize {
        let (b, t) = (_mm512_set1_ps(base), _mm512_set1_ps(threshold));
        let p = row.as_ptr();
        let mut i = from;
        while i + 16 <= row.len() {
            let s = _mm512_add_ps(b, _mm512_loadu_ps(p.add(i)));
            let hit = _mm512_cmp_ps_mask::<_CMP_GT_OQ>(s, t);
            if hit != 0 {
                return i + hit.trailing_zeros() as usize;
            }
            i += 16;
        }
        super::next_above_portable(row, base, threshold, i)
    }

    /// The maximum of `xs` (−∞ when empty), 16 lanes at a time.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn max(xs: &[f32]) -> f32 {
        let (full, tail) = tail(xs.len());
        let p = xs.as_ptr();
        let mut mv = _mm512_set1_ps(f32::NEG_INFINITY);
        let mut i = 0;
        while i < full {
            mv = _mm512_max_ps(mv, _mm512_loadu_ps(p.add(i)));
            i += 16;
        }
        mv = _mm512_mask_max_ps(mv, tail, mv, _mm512_maskz_loadu_ps(tail, p.add(full)));
        _mm512_reduce_max_ps(mv)
    }

    /// The mask of the `len % 16` elements past the last full vector.
    fn tail(len: usize) -> (usize, __mmask16) {
        let full = len / 16 * 16;
        (full, ((1u32 << (len - full)) - 1) as u16)
    }

    /// `xs[i] ← f(xs[i])`, 16 at a time (the tail masked).
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn map(xs: &mut [f32], f: impl Fn(__m512) -> __m512) {
        let (full, tail) = tail(xs.len());
        let p = xs.as_mut_ptr();
        let mut i = 0;
        while i < full {
            _mm512_storeu_ps(p.add(i), f(_mm512_loadu_ps(p.add(i))));
            i += 16;
        }
        let t = f(_mm512_maskz_loadu_ps(tail, p.add(full)));
        _mm512_mask_storeu_ps(p.add(full), tail, t);
    }

    /// `Σ exp(xs[i] − max)` in 16 lanes; with `store`, each `exp` replaces its input.
    #[target_feature(enable = "avx512f")]
    #[inline]
    unsafe fn sum_exp(xs: &mut [f32], max: f32, store: bool) -> f32 {
        let (full, tail) = tail(xs.len());
        let p = xs.as_mut_ptr();
        let m = _mm512_set1_ps(max);
        let mut sv = _mm512_setzero_ps();
        let mut i = 0;
        while i < full {
            let e = exp(_mm512_sub_ps(_mm512_loadu_ps(p.add(i)), m));
            if store {
                _mm512_storeu_ps(p.add(i), e);
            }
            sv = _mm512_add_ps(sv, e);
            i += 16;
        }
        let e = exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, p.add(full)), m));
        if store {
            _mm512_mask_storeu_ps(p.add(full), tail, e);
        }
        _mm512_reduce_add_ps(_mm512_mask_add_ps(sv, tail, sv, e))
    }

    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn silu(xs: &mut [f32]) {
        let one = _mm512_set1_ps(1.0);
        map(xs, |x| {
            let e = exp(_mm512_sub_ps(_mm512_setzero_ps(), x));
            _mm512_div_ps(x, _mm512_add_ps(one, e))
        });
    }

    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn softmax(xs: &mut [f32]) {
        let max = max(xs);
        if !max.is_finite() {
            return;
        }
        let sum = _mm512_set1_ps(sum_exp(xs, max, true));
        map(xs, |e| _mm512_div_ps(e, sum));
    }

    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn log_softmax(xs: &mut [f32]) {
        let max = max(xs);
        if !max.is_finite() {
            return;
        }
        let log_sum = sum_exp(xs, max, false).ln();
        for x in xs.iter_mut() {
            *x = *x - max - log_sum;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the plain loop (libm `expf`, f64 check of the sum) on rows with tails, large and
    /// −∞ entries, and an all-−∞ row left as it is.
    #[test]
    fn matches_the_plain_loop() {
        for len in [1usize, 5, 16, 17, 100, 1787] {
            let row: Vec<f32> = (0..len)
                .map(|i| ((i as f32 * 0.73).sin() * 12.0) + if i == 3 { 30.0 } else { 0.0 })
                .collect();
            let mut fast = row.clone();
            log_softmax(&mut fast);
            let mut slow = row.clone();
            portable_log_softmax(&mut slow);
            for (i, (a, b)) in fast.iter().zip(&slow).enumerate() {
                assert!(
                    (a - b).abs() <= 2e-6 * b.abs().max(1.0),
                    "len {len} at {i}: {a} vs {b}"
                );
            }
            let total: f64 = fast.iter().map(|&x| (x as f64).exp()).sum();
            assert!((total - 1.0).abs() < 1e-5, "len {len}: Σ p = {total}");
        }
        let mut row = vec![0.5f32, f32::NEG_INFINITY, -1.0];
        log_softmax(&mut row);
        assert_eq!(row[1], f32::NEG_INFINITY);
        let mut dead = vec![f32::NEG_INFINITY; 20];
        log_softmax(&mut dead);
        assert!(dead.iter().all(|&x| x == f32::NEG_INFINITY));
    }

    #[test]
    fn softmax_matches_the_plain_loop() {
        for len in [1usize, 7, 16, 33, 81] {
            let row: Vec<f32> = (0..len).map(|i| (i as f32 * 0.91).cos() * 9.0).collect();
            let mut fast = row.clone();
            softmax(&mut fast);
            let mut slow = row.clone();
            portable_softmax(&mut slow);
            for (i, (a, b)) in fast.iter().zip(&slow).enumerate() {
                assert!(
                    (a - b).abs() <= 1e-6 * b.max(1e-3),
                    "len {len} at {i}: {a} vs {b}"
                );
            }
            assert!((fast.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        let mut dead = vec![f32::NEG_INFINITY; 3];
        softmax(&mut dead);
        assert!(dead.iter().all(|&x| x == f32::NEG_INFINITY));
    }

    #[test]
    fn silu_matches_the_formula() {
        let xs: Vec<f32> = (0..37).map(|i| (i as f32 - 18.0) * 0.7).collect();
        let mut got = xs.clone();
        silu(&mut got);
        for (g, &x) in got.iter().zip(&xs) {
            let want = x / (1.0 + (-x).exp());
            assert!(
                (g - want).abs() <= 1e-6 * want.abs().max(1.0),
                "silu({x}) = {g}, not {want}"
            );
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn vector_exp_is_within_two_ulp_of_libm() {
        if !crate::model::kernels::dense::available() {
            eprintln!("skipped: this CPU has no AVX-512");
            return;
        }
        use std::arch::x86_64::*;
        let mut x = -87.0f32;
        while x < 88.0 {
            let xs: Vec<f32> = (0..16).map(|i| x + i as f32 * 0.0137).collect();
            let mut got = [0f32; 16];
            // SAFETY: AVX-512 checked above.
            unsafe {
                _mm512_storeu_ps(got.as_mut_ptr(), avx512::exp(_mm512_loadu_ps(xs.as_ptr())))
            };
            for (g, &v) in got.iter().zip(&xs) {
                let want = v.exp();
                let ulp = (want.to_bits() as i64 - g.to_bits() as i64).abs();
                assert!(ulp <= 2, "exp({v}) = {g}, libm {want}");
            }
            x += 0.219;
        }
    }
}
