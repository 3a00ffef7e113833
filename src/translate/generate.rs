//! Greedy and beam-search decoding over [`Marian`], token for token as transformers' `generate`.
//!
//! Takes a batch of source id lists (each ending in `</s>`) and [`GenerateOptions`]; gives one
//! [`Generated`] per source, in order. Decoding starts at `decoder_start_token_id`; the
//! model's `bad_words_ids` (OPUS-MT: `<pad>`) are never produced; `</s>` is suppressed until
//! `min_new_tokens` tokens are out (transformers' `MinNewTokensLengthLogitsProcessor`) and forced
//! at the last allowed position (`forced_eos_token_id`), so outputs cut at the cap still end
//! cleanly; scores are log-softmaxed again after these processors when the model's
//! `renormalize_logits` says so. Beam search replays transformers' vectorised beam search
//! (`_beam_search` in transformers 5): `2 × num_beams` candidates per step, the running beams
//! are the best unfinished ones, finished hypotheses enter a pool of `num_beams` scored
//! `sum logprob / length^length_penalty`, and a sentence stops by the same early-stopping rule
//! (`false`: heuristic, `true`, `"never"`). Ties between equal scores go to the lower index.
//!
//! Every sentence's search is independent: padding masks in the model and per-sentence search
//! state mean a result never depends on its batch neighbours; a sentence that is finished
//! leaves the batch (its decoder rows are dropped), which is also where the speed of batching
//! comes from.
//!
//! API (the translator codes against it): [`generate`] (one cap for all) and
//! [`generate_capped`] (a cap per sentence). [`Generated::ids`] holds the generated tokens
//! without the start token, ending with `</s>` whenever the model produced or was forced to
//! produce it; `capped` says the output reached its cap (its last token forced, or cut there
//! when the model has no `forced_eos_token_id`); `attention` (when asked) has one row per id:
//! the picked cross-attention over the source tokens at the step that produced the id.

use std::rc::Rc;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::config::EarlyStopping;
use crate::model::kernels::softmax::log_softmax;
use crate::model::marian::{AttentionPick, DecoderState, Marian};

/// How to decode.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateOptions {
    /// 1 is greedy search.
    pub num_beams: usize,
    /// Most generated tokens, `</s>` included. `None`: the model's `max_length` − 1. Always
    /// bounded by the model's positions.
    pub max_new_tokens: Option<usize>,
    /// `</s>` is suppressed until this many tokens are out.
    pub min_new_tokens: usize,
    /// Exponent of the length normalisation of finished beam hypotheses.
    pub length_penalty: f32,
    pub early_stopping: EarlyStopping,
    /// Cross-attention to return per generated token (see [`Marian::alignment_head`]).
    pub alignment_head: Option<AttentionPick>,
}

impl Default for GenerateOptions {
    /// Greedy, model cap, no attention.
    fn default() -> Self {
        Self {
            num_beams: 1,
            max_new_tokens: None,
            min_new_tokens: 0,
            length_penalty: 1.0,
            early_stopping: EarlyStopping::Heuristic,
            alignment_head: None,
        }
    }
}

impl GenerateOptions {
    /// The model's own defaults (generation_config.json): for OPUS-MT, beam 4.
    pub fn for_model(model: &Marian) -> Self {
        let g = model.generation();
        Self {
            num_beams: g.num_beams,
            max_new_tokens: None,
            min_new_tokens: g.min_new_tokens,
            length_penalty: g.length_penalty,
            early_stopping: g.early_stopping,
            alignment_head: None,
        }
    }
}

/// The output for one source sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// Generated ids, without the start token; ends with `</s>` when produced or forced.
    pub ids: Vec<u32>,
    /// The output reached its cap of new tokens.
    pub capped: bool,
    /// One row per id: attention over the sentence's source tokens.
    pub attention: Option<Vec<Vec<f32>>>,
}

/// Decodes `batch` with one cap for all sentences (`opts.max_new_tokens`, else the model's).
pub fn generate<S: AsRef<[u32]>>(
    model: &Marian,
    batch: &[S],
    opts: &GenerateOptions,
) -> Result<Vec<Generated>> {
    let cap = default_cap(model, opts)?;
    let caps = vec![cap; batch.len()];
    generate_capped(model, batch, &caps, opts)
}

/// The cap of new tokens `generate` uses: `opts.max_new_tokens`, else the model's
/// `max_length − 1`, never more than the model's positions.
pub fn default_cap(model: &Marian, opts: &GenerateOptions) -> Result<usize> {
    let cap = opts
        .max_new_tokens
        .unwrap_or(model.generation().max_length.saturating_sub(1))
        .min(model.config().max_position_embeddings);
    if cap == 0 {
        return Err(Error::Setting {
            name: "max_new_tokens".into(),
            reason: "is 0: nothing could be generated".into(),
        });
    }
    Ok(cap)
}

/// Decodes `batch` with a cap of new tokens per sentence (each bounded by the model's
/// positions), e.g. relative to the source length.
pub fn generate_capped<S: AsRef<[u32]>>(
    model: &Marian,
    batch: &[S],
    caps: &[usize],
    opts: &GenerateOptions,
) -> Result<Vec<Generated>> {
    if caps.len() != batch.len() {
        return Err(Error::Setting {
            name: "caps".into(),
            reason: format!("{} caps for {} sentences", caps.len(), batch.len()),
        });
    }
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    if opts.num_beams == 0 {
        return Err(Error::Setting {
            name: "num_beams".into(),
            reason: "is 0".into(),
        });
    }
    let positions = model.config().max_position_embeddings;
    let caps: Vec<usize> = caps.iter().map(|&c| c.clamp(1, positions)).collect();
    let enc = model.encode(batch)?;
    let max_cap = caps.iter().copied().max().unwrap_or(1);
    let mut state = model.start_decoder(&enc, max_cap)?;
    let processors = Processors::new(model, opts);
    if opts.num_beams == 1 {
        greedy(model, &mut state, &caps, &processors, opts)
    } else {
        beam_search(model, &mut state, &caps, &processors, opts)
    }
}

/// transformers' logits processors for Marian, in its order: bad words, min new tokens,
/// forced eos, renormalisation.
struct Processors {
    bad: Vec<u32>,
    eos: u32,
    forced_eos: Option<u32>,
    min_new: usize,
    renormalize: bool,
    start: u32,
}

impl Processors {
    fn new(model: &Marian, opts: &GenerateOptions) -> Self {
        let g = model.generation();
        let c = model.config();
        Self {
            bad: g.bad_token_ids.clone(),
            eos: c.eos_token_id,
            forced_eos: g.forced_eos_token_id,
            min_new: opts.min_new_tokens,
            renormalize: g.renormalize_logits,
            start: c.decoder_start_token_id,
        }
    }

    /// Processes the scores for the token at 0-based output position `generated`.
    fn apply(&self, scores: &mut [f32], generated: usize, cap: usize) {
        self.mask(scores, generated, cap);
        if self.renormalize {
            log_softmax(scores);
        }
    }

    /// The processors that exclude or force tokens, without the renormalisation: enough for
    /// greedy search, whose argmax a log-softmax cannot change (it subtracts one constant from
    /// the row), and a pass of 62k `exp` per row and step saved.
    fn mask(&self, scores: &mut [f32], generated: usize, cap: usize) {
        for &b in &self.bad {
            if let Some(s) = scores.get_mut(b as usize) {
                *s = f32::NEG_INFINITY;
            }
        }
        if generated < self.min_new {
            if let Some(s) = scores.get_mut(self.eos as usize) {
                *s = f32::NEG_INFINITY;
            }
        }
        if let Some(forced) = self.forced_eos {
            if generated + 1 == cap && (forced as usize) < scores.len() {
                scores.fill(f32::NEG_INFINITY);
                scores[forced as usize] = 0.0;
            }
        }
    }
}

/// Index of the first maximum (as `torch.argmax`).
fn argmax(xs: &[f32]) -> usize {
    let mut best = 0;
    for (i, &x) in xs.iter().enumerate() {
        if x > xs[best] {
            best = i;
        }
    }
    best
}

fn greedy(
    model: &Marian,
    state: &mut DecoderState,
    caps: &[usize],
    proc: &Processors,
    opts: &GenerateOptions,
) -> Result<Vec<Generated>> {
    let n = caps.len();
    let want_attention = opts.alignment_head.is_some();
    let mut out: Vec<Generated> = (0..n)
        .map(|_| Generated {
            ids: Vec::new(),
            capped: false,
            attention: want_attention.then(Vec::new),
        })
        .collect();
    let mut active: Vec<usize> = (0..n).collect();
    let mut tokens = vec![proc.start; n];
    loop {
        let step = state.steps();
        let so = model.decode_step(state, &tokens, opts.alignment_head)?;
        let (mut logits, vocab) = (so.logits, so.vocab);
        let mut attention = so.attention.map(Vec::into_iter);
        let mut keep = Vec::with_capacity(active.len());
        let mut next = Vec::with_capacity(active.len());
        for (row, &s) in active.iter().enumerate() {
            let scores = &mut logits[row * vocab..(row + 1) * vocab];
            proc.mask(scores, step, caps[s]);
            let token = argmax(scores) as u32;
            let g = &mut out[s];
            g.ids.push(token);
            if let (Some(rows), Some(att)) = (g.attention.as_mut(), attention.as_mut()) {
                rows.push(att.next().unwrap_or_default());
            }
            if step + 1 >= caps[s] {
                g.capped = true;
            } else if token != proc.eos {
                keep.push(row);
                next.push(token);
            }
        }
        if keep.is_empty() {
            return Ok(out);
        }
        if keep.len() < active.len() {
            state.select(&keep, &keep, 1)?;
            active = keep.iter().map(|&r| active[r]).collect();
        }
        tokens = next;
    }
}

/// transformers' "impossible" score: added to exclude a candidate, kept finite so sums stay
/// comparable exactly as in its float32 arithmetic.
const EXCLUDED: f32 = -1.0e9;

/// Attention rows of a hypothesis as a shared linked list: extending a beam is O(1) and beams
/// that share a prefix share its rows.
struct AttentionNode {
    row: Vec<f32>,
    prev: Option<Rc<AttentionNode>>,
}

fn unroll(mut node: Option<&Rc<AttentionNode>>) -> Vec<Vec<f32>> {
    let mut rows = Vec::new();
    while let Some(n) = node {
        rows.push(n.row.clone());
        node = n.prev.as_ref();
    }
    rows.reverse();
    rows
}

#[derive(Clone, Default)]
struct Hypothesis {
    ids: Vec<u32>,
    attention: Option<Rc<AttentionNode>>,
}

/// A pool candidate: score, finished flag, and the (beam, token) it extends (`None` for an entry
/// already in the pool).
type PoolEntry = (f32, bool, Option<(usize, u32)>);

/// One sentence's beam search (transformers' per-batch-item tensors, as plain vectors).
struct BeamSentence {
    index: usize,
    cap: usize,
    running: Vec<Hypothesis>,
    running_scores: Vec<f32>,
    /// Decoder row (within this sentence's block) holding each running beam's state.
    rows: Vec<usize>,
    /// The best finished hypotheses so far: score, finished flag, hypothesis (sorted).
    pool: Vec<(f32, bool, Hypothesis)>,
    improvable: bool,
    done: bool,
}

/// Top `k` of `scores` by value, descending; equal values keep index order (a stable pick).
fn top_k(scores: impl Iterator<Item = f32>, k: usize) -> Vec<(usize, f32)> {
    let mut top: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
    for (i, s) in scores.enumerate() {
        offer(&mut top, i, s, k);
    }
    top
}

/// One candidate for [`top_k`]'s list.
#[inline]
fn offer(top: &mut Vec<(usize, f32)>, i: usize, s: f32, k: usize) {
    let beats_last = top.len() < k || (k > 0 && s > top[k - 1].1);
    if !beats_last {
        return;
    }
    // Insert after every entry that is >= s (earlier indices win ties).
    let pos = top.partition_point(|&(_, t)| t >= s);
    top.insert(pos, (i, s));
    top.truncate(k);
}

/// [`top_k`] over the rows one after the other, each value shifted by its row's base score
/// (`base + x`, as the beam scores): the same picks in the same order, with the runs of values
/// that cannot enter the full list skipped by a vector scan (most of a 62k-word row).
fn top_k_rows(rows: &[(&[f32], f32)], k: usize) -> Vec<(usize, f32)> {
    let mut top: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
    let mut offset = 0;
    for &(row, base) in rows {
        let mut j = 0;
        while j < row.len() {
            if k > 0 && top.len() == k {
                j = crate::model::kernels::softmax::next_above(row, base, top[k - 1].1, j);
                if j == row.len() {
                    break;
                }
            }
            offer(&mut top, offset + j, base + row[j], k);
            j += 1;
        }
        offset += row.len();
    }
    top
}

/// Most decoder rows whose logits beam search holds at once: a step's rows are scored a group
/// of sentences at a time, so that the logits of batch 16 × 4 beams take 8 MB, not 16 MB
/// (the output layer then streams its weights twice a step, measured < 2% of a step).
const LOGIT_ROWS: usize = 32;

fn beam_search(
    model: &Marian,
    state: &mut DecoderState,
    caps: &[usize],
    proc: &Processors,
    opts: &GenerateOptions,
) -> Result<Vec<Generated>> {
    let beams = opts.num_beams;
    let keep_k = 2 * beams;
    let lp = opts.length_penalty as f64;
    let mut sentences: Vec<BeamSentence> = caps
        .iter()
        .enumerate()
        .map(|(index, &cap)| BeamSentence {
            index,
            cap,
            running: vec![Hypothesis::default(); beams],
            // Only the first beam is live at the start, so the first step does not pick the
            // same token in every beam.
            running_scores: (0..beams)
                .map(|b| if b == 0 { 0.0 } else { EXCLUDED })
                .collect(),
            // The beams are identical at the start: one decoder row serves them all.
            rows: vec![0; beams],
            pool: vec![(EXCLUDED, false, Hypothesis::default()); beams],
            improvable: true,
            done: false,
        })
        .collect();
    let mut results: Vec<Option<Generated>> = vec![None; caps.len()];
    let mut tokens = vec![proc.start; caps.len()];
    loop {
        let step = state.steps();
        let rows_per = state.rows() / state.sentences();
        let mut hidden = model.decode_hidden(state, &tokens, opts.alignment_head)?;
        let attention = hidden.attention.take();
        let vocab = model.config().target_vocab_size();
        let mut keep_sentences = Vec::new();
        let mut keep_rows = Vec::new();
        let mut next_tokens = Vec::new();
        // Logits for a group of sentences at a time (see `LOGIT_ROWS`).
        let group = (LOGIT_ROWS / rows_per).max(1);
        let mut logits = Vec::new();
        // (Caps copied out: the hypotheses hold `Rc`s, which cannot cross threads.)
        let live_caps: Vec<usize> = sentences.iter().map(|s| s.cap).collect();
        for (pos, sentence) in sentences.iter_mut().enumerate() {
            if pos % group == 0 {
                let end = (pos + group).min(hidden.rows() / rows_per);
                drop(std::mem::take(&mut logits)); // the previous group's, before the next
                logits = model.logits(&hidden, pos * rows_per..end * rows_per)?;
                // Log-softmax and processors row by row, rows spread over the threads: two
                // passes of `exp` over the vocabulary per row are the search's largest cost
                // after the matmuls.
                let caps = &live_caps[pos..end];
                logits
                    .par_chunks_mut(vocab)
                    .enumerate()
                    .for_each(|(row, scores)| {
                        log_softmax(scores);
                        proc.apply(scores, step, caps[row / rows_per]);
                    });
            }
            let at = pos % group;
            let block = &logits[at * rows_per * vocab..(at + 1) * rows_per * vocab];
            let s = &*sentence;
            let rows: Vec<(&[f32], f32)> = (0..beams)
                .map(|b| {
                    let row = &block[s.rows[b] * vocab..(s.rows[b] + 1) * vocab];
                    (row, s.running_scores[b])
                })
                .collect();
            let candidates = top_k_rows(&rows, keep_k);
            let last_step = step + 1 >= sentence.cap;
            let picked: Vec<(usize, u32, f32, bool)> = candidates
                .iter()
                .map(|&(flat, score)| {
                    let beam = flat / vocab;
                    let token = (flat % vocab) as u32;
                    (beam, token, score, token == proc.eos || last_step)
                })
                .collect();
            let current = &*sentence;
            let extend = |beam: usize, token: u32| -> Hypothesis {
                let src = &current.running[beam];
                let mut ids = Vec::with_capacity(src.ids.len() + 1);
                ids.extend_from_slice(&src.ids);
                ids.push(token);
                let attention = attention.as_ref().map(|att| {
                    Rc::new(AttentionNode {
                        row: att[pos * rows_per + current.rows[beam]].clone(),
                        prev: src.attention.clone(),
                    })
                });
                Hypothesis { ids, attention }
            };

            // Finished candidates among the first `num_beams` may enter the pool, scored
            // with the length penalty, unless the sentence can no longer take any.
            let full =
                opts.early_stopping == EarlyStopping::Always && current.pool.iter().all(|p| p.1);
            let denom = ((step + 1) as f64).powf(lp) as f32;
            let mut merged: Vec<PoolEntry> =
                current.pool.iter().map(|p| (p.0, p.1, None)).collect();
            for (j, &(beam, token, score, hit)) in picked.iter().enumerate() {
                let mut scored = score / denom;
                if full {
                    scored += EXCLUDED;
                }
                if !current.improvable {
                    scored += EXCLUDED;
                }
                let finished = hit && j < beams;
                if !finished {
                    scored += EXCLUDED;
                }
                merged.push((scored, finished, Some((beam, token))));
            }
            let pool: Vec<(f32, bool, Hypothesis)> = top_k(merged.iter().map(|m| m.0), beams)
                .iter()
                .map(|&(i, score)| {
                    let (_, finished, origin) = merged[i];
                    let hyp = match origin {
                        None => current.pool[i].2.clone(),
                        Some((beam, token)) if finished => extend(beam, token),
                        // Unfinished filler: never output, so its content does not matter.
                        Some(_) => Hypothesis::default(),
                    };
                    (score, finished, hyp)
                })
                .collect();

            // The next running beams: the best candidates that did not just finish.
            let running = top_k(
                picked
                    .iter()
                    .map(|&(_, _, score, hit)| if hit { score + EXCLUDED } else { score }),
                beams,
            );
            let mut next_running = Vec::with_capacity(beams);
            let mut next_rows = Vec::with_capacity(beams);
            for &(j, _) in &running {
                let (beam, token, _, _) = picked[j];
                next_running.push(extend(beam, token));
                next_rows.push(pos * rows_per + current.rows[beam]);
            }
            sentence.pool = pool;
            sentence.running_scores = running.iter().map(|&(_, s)| s).collect();
            sentence.running = next_running;

            // Can a running beam still beat the worst finished one?
            let best_len = if opts.early_stopping == EarlyStopping::Never && lp > 0.0 {
                sentence.cap
            } else {
                step + 1
            };
            let best = sentence.running_scores[0] / (best_len as f64).powf(lp) as f32;
            let all_finished = sentence.pool.iter().all(|p| p.1);
            let worst = if all_finished {
                sentence
                    .pool
                    .iter()
                    .map(|p| p.0)
                    .fold(f32::INFINITY, f32::min)
            } else {
                EXCLUDED
            };
            sentence.improvable = sentence.improvable && best > worst;
            sentence.done = !sentence.improvable
                || (opts.early_stopping == EarlyStopping::Always && all_finished)
                || last_step;
            if sentence.done {
                let (_, finished, best) = &sentence.pool[0];
                let hyp = if *finished {
                    best
                } else {
                    &sentence.running[0]
                };
                results[sentence.index] = Some(Generated {
                    capped: hyp.ids.len() >= sentence.cap,
                    ids: hyp.ids.clone(),
                    attention: opts.alignment_head.map(|_| unroll(hyp.attention.as_ref())),
                });
            } else {
                keep_sentences.push(pos);
                keep_rows.extend(next_rows);
                next_tokens.extend(sentence.running.iter().map(|h| *h.ids.last().unwrap_or(&0)));
            }
        }
        if keep_sentences.is_empty() {
            break;
        }
        state.select(&keep_sentences, &keep_rows, beams)?;
        let mut kept = keep_sentences.iter().copied().peekable();
        let mut pos = 0;
        sentences.retain_mut(|s| {
            let keep = kept.peek() == Some(&pos);
            if keep {
                kept.next();
                s.rows = (0..beams).collect();
            }
            pos += 1;
            keep
        });
        tokens = next_tokens;
    }
    results
        .into_iter()
        .map(|r| {
            r.ok_or_else(|| Error::Setting {
                name: "beam search".into(),
                reason: "a sentence ended without a hypothesis".into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_is_descending_and_stable_on_ties() {
        let cases: [(&[f32], usize, &[usize]); 4] = [
            (&[1., 3., 2.], 2, &[1, 2]),
            (&[5., 5., 5., 1.], 2, &[0, 1]),
            (&[f32::NEG_INFINITY, 0., f32::NEG_INFINITY], 3, &[1, 0, 2]),
            (&[0.5], 3, &[0]),
        ];
        for (xs, k, want) in cases {
            let got: Vec<usize> = top_k(xs.iter().copied(), k).iter().map(|t| t.0).collect();
            assert_eq!(got, want, "{xs:?}");
        }
    }

    /// The row-wise pick with its vector skip equals the plain one over the shifted values,
    /// ties, −∞, bases and row lengths around the vector width included.
    #[test]
    fn top_k_rows_equals_top_k_over_the_shifted_rows() {
        let row = |len: usize, seed: f32| -> Vec<f32> {
            (0..len)
                .map(|i| ((i as f32 * 0.61 + seed).sin() * 4.0).round() / 2.0)
                .collect()
        };
        let mut a = row(70, 0.3);
        a[5] = f32::NEG_INFINITY;
        let (b, c) = (row(16, 1.1), row(33, 2.2));
        for k in [0, 1, 3, 8, 200] {
            let rows: Vec<(&[f32], f32)> = vec![(&a, -0.5), (&b, 0.0), (&c, -1.0e9)];
            let flat = rows
                .iter()
                .flat_map(|&(r, base)| r.iter().map(move |&x| base + x));
            assert_eq!(top_k_rows(&rows, k), top_k(flat, k), "k {k}");
        }
    }

    #[test]
    fn log_softmax_and_argmax() {
        let mut xs = [1.0f32, 2.0, 3.0, f32::NEG_INFINITY];
        log_softmax(&mut xs);
        let total: f32 = xs.iter().map(|x| x.exp()).sum();
        assert!((total - 1.0).abs() < 1e-6);
        assert_eq!(xs[3], f32::NEG_INFINITY);
        assert_eq!(argmax(&xs), 2);
        assert_eq!(argmax(&[2.0, 2.0, 1.0]), 0);
    }

    #[test]
    fn processors_follow_transformers_order() {
        let p = Processors {
            bad: vec![3],
            eos: 0,
            forced_eos: Some(0),
            min_new: 2,
            renormalize: false,
            start: 3,
        };
        // (generated, cap) → which of the 4 tokens stay possible.
        let cases = [
            ((0, 10), [false, true, true, false]),
            ((2, 10), [true, true, true, false]),
            // Forced eos wins over min_new_tokens at the last position, as in transformers.
            ((1, 2), [true, false, false, false]),
        ];
        for ((generated, cap), want) in cases {
            let mut s = [0.5f32, 0.1, 0.2, 0.9];
            p.apply(&mut s, generated, cap);
            let got: Vec<bool> = s.iter().map(|x| x.is_finite()).collect();
            assert_eq!(got, want, "generated {generated} cap {cap}");
        }
    }
}
