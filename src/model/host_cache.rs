//! The decoder's attention caches in host memory, for decoding on the CPU with f32
//! activations (fp32 and int8 modes): keys and values stay as the projections wrote them, and
//! a beam reorder or a finished sentence moves indices, not data.
//!
//! - Self-attention: each step's keys and values are kept as that step's rows wrote them
//!   (`rows × d_model`, one buffer per layer and step); every decoder row keeps, per past step,
//!   the slot its ancestor had then (its *history*). Beam search reordering rows copies these
//!   short index lists (one `u32` per step), never the cache; memory grows by one step's rows
//!   per step, nothing is copied to grow it.
//! - Cross-attention: keys and values of the batch's source tokens (padding neither projected
//!   nor kept), computed once; a sentence leaving the batch only leaves the list of live
//!   sentences, and all beams of a sentence read the same keys.
//!
//! Attention itself (scores, softmax, weighted sum) runs per decoder row over these buffers,
//! each key and value row read once for all heads, rows split over the threads (one parallel
//! region per attention block). The tensor path in `marian` (candle ops on
//! `(rows, heads, steps, head_dim)` caches) serves the other devices and float types and is
//! tested against this one.

use rayon::prelude::*;

use crate::model::kernels::softmax::softmax;

/// Multiply-adds of one attention block below which it runs on the calling thread.
const PARALLEL_WORK: usize = 1 << 15;

/// Caches of one batch being decoded (see the module).
#[derive(Debug)]
pub(crate) struct HostCaches {
    d: usize,
    heads: usize,
    /// `[layer][step]`: keys of the rows decoded at that step, `rows × d`.
    keys: Vec<Vec<Vec<f32>>>,
    values: Vec<Vec<Vec<f32>>>,
    /// Per current row, its ancestor's slot at each past step.
    history: Vec<Vec<u32>>,
    /// `[layer]`: cross-attention keys and values of the encoded batch's source tokens,
    /// sentence after sentence (no padding), `tokens × d`.
    cross_keys: Vec<Vec<f32>>,
    cross_values: Vec<Vec<f32>>,
    /// Per sentence of the encoded batch, its first token's row in the cross buffers.
    starts: Vec<usize>,
    /// Per live sentence, its index in the encoded batch.
    slots: Vec<usize>,
}

/// One query row's attention, per head: writes the merged context to `out` (`d` wide) and,
/// when asked, the probabilities of one head or their mean over the heads to `probs` (one per
/// position).
struct Query<'a> {
    q: &'a [f32],
    heads: usize,
    scale: f32,
}

/// Which probabilities a row reports: one head's, or the mean over the heads.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Report {
    Head(usize),
    Mean,
}

impl Query<'_> {
    fn attend(
        &self,
        kv: &[(&[f32], &[f32])],
        out: &mut [f32],
        probs: Option<(&mut Vec<f32>, Report)>,
    ) {
        #[cfg(target_arch = "x86_64")]
        if crate::model::kernels::dense::available() {
            // SAFETY: AVX-512 checked.
            unsafe { self.attend_avx512(kv, out, probs) };
            return;
        }
        self.attend_any(kv, out, probs);
    }

    /// The same code compiled for AVX-512 (the 16-lane loops become single instructions).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn attend_avx512(
        &self,
        kv: &[(&[f32], &[f32])],
        out: &mut [f32],
        probs: Option<(&mut Vec<f32>, Report)>,
    ) {
        self.attend_any(kv, out, probs);
    }

    /// Attention over the positions whose `(key, value)` rows (`d` wide) `kv` lists. Each key
    /// and value row is read once, whole, for all heads (rows are `d` apart in memory: reading
    /// them head by head would fetch every row `heads` times).
    #[inline(always)]
    fn attend_any(
        &self,
        kv: &[(&[f32], &[f32])],
        out: &mut [f32],
        probs: Option<(&mut Vec<f32>, Report)>,
    ) {
        let (heads, n) = (self.heads, kv.len());
        let hd = self.q.len() / heads;
        // scores[h * n + p]
        let mut scores = vec![0f32; heads * n];
        for (p, (k, _)) in kv.iter().enumerate() {
            for (h, (q, k)) in self.q.chunks_exact(hd).zip(k.chunks_exact(hd)).enumerate() {
                scores[h * n + p] = dot(q, k) * self.scale;
            }
        }
        for row in scores.chunks_exact_mut(n.max(1)) {
            softmax(row);
        }
        out.fill(0.0);
        for (p, (_, v)) in kv.iter().enumerate() {
            for (h, (c, v)) in out.chunks_exact_mut(hd).zip(v.chunks_exact(hd)).enumerate() {
                let w = scores[h * n + p];
                for (c, &x) in c.iter_mut().zip(v) {
                    *c += w * x;
                }
            }
        }
        match probs {
            Some((p, Report::Head(h))) => {
                p.clear();
                p.extend_from_slice(&scores[h * n..(h + 1) * n]);
            }
            Some((p, Report::Mean)) => {
                p.clear();
                p.resize(n, 0.0);
                for row in scores.chunks_exact(n.max(1)) {
                    for (a, &s) in p.iter_mut().zip(row) {
                        *a += s;
                    }
                }
                for a in p.iter_mut() {
                    *a /= heads as f32;
                }
            }
            None => {}
        }
    }
}

/// Dot product in 16 lanes, lanes summed at the end.
#[inline(always)]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 16];
    let mut ca = a.chunks_exact(16);
    let mut cb = b.chunks_exact(16);
    for (x, y) in (&mut ca).zip(&mut cb) {
        for i in 0..16 {
            acc[i] += x[i] * y[i];
        }
    }
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    acc.iter().sum::<f32>() + tail
}

/// Runs `f(row, out_row, probs_row)` for every row (`probs` has one entry per row, left empty
/// when nothing is reported), in parallel when `work` justifies it.
fn for_rows(
    out: &mut [f32],
    probs: &mut [Vec<f32>],
    d: usize,
    work: usize,
    f: impl Fn(usize, &mut [f32], &mut Vec<f32>) + Sync + Send,
) {
    if work >= PARALLEL_WORK && rayon::current_num_threads() > 1 {
        out.par_chunks_mut(d)
            .zip(probs.par_iter_mut())
            .enumerate()
            .for_each(|(r, (o, p))| f(r, o, p));
    } else {
        out.chunks_mut(d)
            .zip(probs.iter_mut())
            .enumerate()
            .for_each(|(r, (o, p))| f(r, o, p));
    }
}

impl HostCaches {
    /// Caches for the decoder layers over an encoded batch of sentences of source lengths
    /// `lengths`, whose cross-attention keys and values (per layer, `tokens × d`, sentence
    /// after sentence) are given; one decoder row per sentence.
    pub(crate) fn new(
        d: usize,
        heads: usize,
        cross: Vec<(Vec<f32>, Vec<f32>)>,
        lengths: &[usize],
    ) -> Self {
        let layers = cross.len();
        let batch = lengths.len();
        let starts = lengths
            .iter()
            .scan(0, |next, &len| {
                let start = *next;
                *next += len;
                Some(start)
            })
            .collect();
        let (cross_keys, cross_values) = cross.into_iter().unzip();
        Self {
            d,
            heads,
            keys: vec![Vec::new(); layers],
            values: vec![Vec::new(); layers],
            history: vec![Vec::new(); batch],
            cross_keys,
            cross_values,
            starts,
            slots: (0..batch).collect(),
        }
    }

    /// Self-attention of layer `layer` at the current step: stores this step's `keys` and
    /// `values` (`rows × d`) and returns each row's context over its history and itself.
    pub(crate) fn self_attention(
        &mut self,
        layer: usize,
        q: &[f32],
        keys: Vec<f32>,
        values: Vec<f32>,
        scale: f32,
    ) -> Vec<f32> {
        let (d, heads) = (self.d, self.heads);
        let rows = self.history.len();
        let step = self.keys[layer].len();
        self.keys[layer].push(keys);
        self.values[layer].push(values);
        let (ks, vs, history) = (&self.keys[layer], &self.values[layer], &self.history);
        let mut out = vec![0f32; rows * d];
        let mut unreported = vec![Vec::new(); rows];
        for_rows(
            &mut out,
            &mut unreported,
            d,
            rows * (step + 1) * d * 2,
            |r, o, _| {
                let query = Query {
                    q: &q[r * d..(r + 1) * d],
                    heads,
                    scale,
                };
                let kv: Vec<(&[f32], &[f32])> = (0..=step)
                    .map(|p| {
                        let slot = if p == step { r } else { history[r][p] as usize };
                        let span = slot * d..(slot + 1) * d;
                        (&ks[p][span.clone()], &vs[p][span])
                    })
                    .collect();
                query.attend(&kv, o, None);
            },
        );
        out
    }

    /// Cross-attention of layer `layer`: each row (`rows_per_sentence` per live sentence, whose
    /// source lengths are `lengths`) over its sentence's source tokens; with `report`, each
    /// row's probabilities too (cut to its source length).
    pub(crate) fn cross_attention(
        &self,
        layer: usize,
        q: &[f32],
        lengths: &[usize],
        scale: f32,
        report: Option<Report>,
    ) -> (Vec<f32>, Option<Vec<Vec<f32>>>) {
        let (d, heads) = (self.d, self.heads);
        let rows = self.history.len();
        let per = rows / self.slots.len().max(1);
        let (ks, vs) = (&self.cross_keys[layer], &self.cross_values[layer]);
        let mut out = vec![0f32; rows * d];
        let mut probs = vec![Vec::new(); rows];
        let work = rows * ks.len() / self.starts.len().max(1) * 2;
        let (slots, starts) = (&self.slots, &self.starts);
        for_rows(&mut out, &mut probs, d, work, |r, o, p| {
            let sentence = r / per;
            let base = starts[slots[sentence]];
            let query = Query {
                q: &q[r * d..(r + 1) * d],
                heads,
                scale,
            };
            let kv: Vec<(&[f32], &[f32])> = (base..base + lengths[sentence])
                .map(|j| (&ks[j * d..(j + 1) * d], &vs[j * d..(j + 1) * d]))
                .collect();
            query.attend(&kv, o, report.map(|r| (p, r)));
        });
        (out, report.map(|_| probs))
    }

    /// Ends a step: every row's own slot joins its history.
    pub(crate) fn finish_step(&mut self) {
        for (r, h) in self.history.iter_mut().enumerate() {
            h.push(r as u32);
        }
    }

    /// Keeps the sentences `sentences` and makes the rows `rows` (indices into the current
    /// ones; see `DecoderState::select`).
    pub(crate) fn select(&mut self, sentences: &[usize], rows: &[usize]) {
        self.history = rows.iter().map(|&r| self.history[r].clone()).collect();
        self.slots = sentences.iter().map(|&s| self.slots[s]).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// softmax(q·k × scale) v for one head, written out.
    fn reference(q: &[f32], ks: &[&[f32]], vs: &[&[f32]], scale: f32) -> Vec<f32> {
        let s: Vec<f32> = ks
            .iter()
            .map(|k| q.iter().zip(*k).map(|(a, b)| a * b).sum::<f32>() * scale)
            .collect();
        let m = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let e: Vec<f32> = s.iter().map(|x| (x - m).exp()).collect();
        let z: f32 = e.iter().sum();
        let mut out = vec![0f32; q.len()];
        for (w, v) in e.iter().zip(vs) {
            for (o, x) in out.iter_mut().zip(*v) {
                *o += w / z * x;
            }
        }
        out
    }

    #[test]
    fn a_query_attends_per_head_and_reports_probabilities() {
        let (heads, hd, n) = (2, 20, 5);
        let d = heads * hd;
        let q = crate::model::kernels::ramp(d, 0.3);
        let keys: Vec<Vec<f32>> = (0..n)
            .map(|p| crate::model::kernels::ramp(d, p as f32))
            .collect();
        let values: Vec<Vec<f32>> = (0..n)
            .map(|p| crate::model::kernels::ramp(d, 7.0 + p as f32))
            .collect();
        let query = Query {
            q: &q,
            heads,
            scale: 0.5,
        };
        let mut out = vec![0f32; d];
        let mut mean = Vec::new();
        let kv: Vec<(&[f32], &[f32])> = (0..n)
            .map(|p| (keys[p].as_slice(), values[p].as_slice()))
            .collect();
        query.attend(&kv, &mut out, Some((&mut mean, Report::Mean)));
        let mut head1 = Vec::new();
        query.attend(&kv, &mut vec![0f32; d], Some((&mut head1, Report::Head(1))));
        for h in 0..heads {
            let span = h * hd..(h + 1) * hd;
            let ks: Vec<&[f32]> = keys.iter().map(|k| &k[span.clone()]).collect();
            let vs: Vec<&[f32]> = values.iter().map(|v| &v[span.clone()]).collect();
            let want = reference(&q[span.clone()], &ks, &vs, 0.5);
            for (a, b) in out[span].iter().zip(&want) {
                assert!((a - b).abs() < 1e-6, "head {h}: {a} vs {b}");
            }
        }
        assert_eq!(mean.len(), n);
        assert!((mean.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((head1.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert_ne!(mean, head1);
    }

    #[test]
    fn reordering_rows_moves_histories_not_data() {
        let (d, heads) = (4, 1);
        let cross = vec![(vec![0f32; 5 * d], vec![0f32; 5 * d])];
        let mut c = HostCaches::new(d, heads, cross, &[3, 2]);
        let q = vec![0f32; 2 * d];
        // Step 0: two rows; values 1 and 2, equal keys, so each row's context is its value.
        c.self_attention(
            0,
            &q,
            vec![0.0; 2 * d],
            [vec![1.0; d], vec![2.0; d]].concat(),
            1.0,
        );
        c.finish_step();
        // Row 1 is dropped with its sentence; sentence 0 gets two beams from row 0.
        c.select(&[0], &[0, 0]);
        let out = c.self_attention(0, &q, vec![0.0; 2 * d], vec![3.0; 2 * d], 1.0);
        // Each beam averages its ancestor's value (1) and its own (3).
        assert!(out.iter().all(|&x| (x - 2.0).abs() < 1e-6), "{out:?}");
        assert_eq!(c.slots, vec![0]);
        assert_eq!(c.starts, vec![0, 3]);
        assert_eq!(c.keys[0].len(), 2);
    }
}
