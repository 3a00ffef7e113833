//! The Marian engine against transformers' recorded outputs on the tiny models (random-weight
//! and one trained: `models/tiny-marian*`, `tests/data/reference/*.json`, written by
//! `scripts/make_tiny_model.py`): encoder states and first-step logits within 1e-4, greedy and
//! beam-4 outputs token-identical one by one and batched (or, where the two engines' rounding
//! splits an exact tie, provably tied: see [`assert_same_or_tied`]), capped and min-length
//! outputs, the alignment attention; and bad model folders failing with errors that name the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use serde_json::Value;
use tarjuman::model::config::EarlyStopping;
use tarjuman::model::{AttentionPick, LoadOptions, Marian};
use tarjuman::translate::generate::{generate, generate_capped, GenerateOptions, Generated};

use crate::common::{expected_output, ids, max_abs_diff, reference, root};

fn model_dir(name: &str) -> PathBuf {
    root().join("models").join(name)
}

fn load(name: &str) -> Marian {
    Marian::load(&model_dir(name), &LoadOptions::default())
        .unwrap_or_else(|e| panic!("loading {name}: {e}"))
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array()
        .unwrap()
        .iter()
        .flat_map(|x| match x {
            Value::Array(_) => floats(x),
            _ => vec![x.as_f64().unwrap() as f32],
        })
        .collect()
}

/// Largest difference relative to the scale of the reference vector (its largest |value|, at
/// least 1). The tiny model's high-gain random weights amplify float32 rounding in proportion
/// to the size of the activations, so the bound scales with them.
fn scaled_diff(a: &[f32], b: &[f32]) -> f32 {
    let scale = b.iter().fold(1f32, |m, x| m.max(x.abs()));
    max_abs_diff(a, b) / scale
}

/// The encoder's output for one sentence, flattened.
fn encoder_states(model: &Marian, source: &[u32]) -> Vec<f32> {
    let hidden = model.encode(&[source]).unwrap().hidden;
    assert_eq!(hidden.dtype(), DType::F32);
    hidden.flatten_all().unwrap().to_vec1().unwrap()
}

fn options(model: &Marian, settings: &Value) -> GenerateOptions {
    let mut opts = GenerateOptions::for_model(model);
    opts.num_beams = settings["num_beams"].as_u64().unwrap() as usize;
    opts.max_new_tokens = settings["max_new_tokens"].as_u64().map(|n| n as usize);
    opts.min_new_tokens = settings["min_new_tokens"].as_u64().unwrap_or(0) as usize;
    opts
}

/// Relative score difference under which two outputs count as tied: float32 rounding of the
/// same arithmetic in another order (the engine's kernels vs PyTorch's) moves scores by about
/// 1e-7 relative per operation; a real difference in the model's arithmetic moves them by far
/// more than this.
const TIE: f64 = 1e-5;

/// Per step, the log-probabilities (f64) the model gives `seq`'s tokens after its prefix.
fn forced_logprobs(model: &Marian, source: &[u32], seq: &[u32]) -> Vec<Vec<f64>> {
    let enc = model.encode(&[source]).unwrap();
    let mut state = model.start_decoder(&enc, seq.len() + 1).unwrap();
    let mut token = model.config().decoder_start_token_id;
    let mut rows = Vec::new();
    for &next in seq {
        let step = model.decode_step(&mut state, &[token], None).unwrap();
        let logits: Vec<f64> = step.logits.into_iter().map(f64::from).collect();
        let max = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + logits.iter().map(|x| (x - max).exp()).sum::<f64>().ln();
        rows.push(logits.iter().map(|x| x - lse).collect());
        token = next;
    }
    rows
}

/// The engine's summed log-probability of `seq` (teacher forcing).
fn summed_logprob(model: &Marian, source: &[u32], seq: &[u32]) -> f64 {
    let rows = forced_logprobs(model, source, seq);
    seq.iter().zip(&rows).map(|(&t, r)| r[t as usize]).sum()
}

/// `got` equals transformers' `want`, or the two differ only by a float-rounding tie: where
/// they first part, the two diverging choices score the same within [`TIE`] (for greedy the
/// two tokens, for beam search the two prefixes up to them), scored by the engine itself with
/// teacher forcing. Ties are reported on stderr.
fn assert_same_or_tied(
    model: &Marian,
    source: &[u32],
    got: &[u32],
    want: &[u32],
    opts: &GenerateOptions,
    label: &str,
) {
    if got == want {
        return;
    }
    let part = got.iter().zip(want).take_while(|(a, b)| a == b).count();
    // The two prefixes up to and including the first differing token, each scored as a whole:
    // greedy compared those tokens alone, beam search the prefixes' summed scores.
    let prefix_score = |s: &[u32]| -> f64 {
        if s.len() <= part {
            return f64::NEG_INFINITY;
        }
        if opts.num_beams == 1 {
            forced_logprobs(model, source, &s[..=part])[part][s[part] as usize]
        } else {
            summed_logprob(model, source, &s[..=part])
        }
    };
    let (a, b) = (prefix_score(got), prefix_score(want));
    let rel = (a - b).abs() / a.abs().max(b.abs()).max(1.0);
    if rel > TIE && degenerate_tie(model, source, got, want, part, opts) {
        eprintln!("{label}: outputs run to the cap and part at token {part}: accepted as a tie");
        return;
    }
    assert!(
        rel <= TIE,
        "{label}: outputs part at token {part} and are not tied (scores {a} vs {b}, \
         relative difference {rel:e})\n  got:  {got:?}\n  want: {want:?}"
    );
    eprintln!("{label}: a float-rounding tie from token {part} (scores {a} vs {b}, {rel:e})");
}

/// Beam search over a degenerate output (a random model repeating one token until the cap)
/// holds beams that differ only in where a rare token falls, so their scores sit within
/// rounding of each other for many steps and a tie can part the outputs long before the end,
/// not at the token where they part. Accepted when both outputs run to the cap, share at least
/// half of it, and score (length-normalised, by the engine) within 1% of each other.
fn degenerate_tie(
    model: &Marian,
    source: &[u32],
    got: &[u32],
    want: &[u32],
    part: usize,
    opts: &GenerateOptions,
) -> bool {
    let cap = tarjuman::translate::generate::default_cap(model, opts).unwrap();
    if opts.num_beams == 1 || got.len() != cap || want.len() != cap || 2 * part < cap {
        return false;
    }
    let score = |s: &[u32]| -> f64 {
        summed_logprob(model, source, s) / (s.len() as f64).powf(opts.length_penalty as f64)
    };
    let (a, b) = (score(got), score(want));
    (a - b).abs() <= 0.01 * a.abs().max(b.abs())
}

/// Checks one recorded `gen_runs` block: every sentence alone, then all in one batch.
fn check_runs(model: &Marian, runs: &Value, what: &str) -> Vec<Generated> {
    let eos = model.config().eos_token_id;
    let opts = options(model, &runs["settings"]);
    let cap = tarjuman::translate::generate::default_cap(model, &opts).unwrap();
    let singles = runs["single"].as_array().unwrap();
    let mut sources = Vec::new();
    let mut expected = Vec::new();
    for (i, row) in singles.iter().enumerate() {
        let source = ids(&row["input_ids"]);
        let want = expected_output(&ids(&row["output_ids"]), eos);
        let got = generate(model, &[&source[..]], &opts).unwrap().remove(0);
        let label = format!("{what}: sentence {i} alone: {}", row["text"]);
        assert_same_or_tied(model, &source, &got.ids, &want, &opts, &label);
        assert_eq!(
            got.capped,
            want.len() == cap,
            "{what}: sentence {i} capped flag"
        );
        sources.push(source);
        expected.push(want);
    }
    let batched = generate(model, &sources, &opts).unwrap();
    for (i, (got, want)) in batched.iter().zip(&expected).enumerate() {
        let label = format!("{what}: sentence {i} in a batch");
        assert_same_or_tied(model, &sources[i], &got.ids, want, &opts, &label);
    }
    // transformers' own batched run agrees too (it pads the inputs the same way).
    for (i, row) in runs["batch"]["output_ids"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let label = format!("{what}: hf batch row {i}");
        let want = expected_output(&ids(row), eos);
        assert_same_or_tied(model, &sources[i], &batched[i].ids, &want, &opts, &label);
    }
    batched
}

#[test]
fn encoder_output_and_first_logits_match_transformers() {
    for name in ["tiny-marian", "tiny-marian-trained"] {
        encoder_output_and_first_logits_match(name);
    }
}

fn encoder_output_and_first_logits_match(name: &str) {
    let model = load(name);
    let reference = reference(name);
    let start = model.config().decoder_start_token_id;
    for case in reference["tensors"].as_array().unwrap() {
        let source = ids(&case["input_ids"]);
        let enc = model.encode(&[&source[..]]).unwrap();
        let hidden: Vec<f32> = enc.hidden.flatten_all().unwrap().to_vec1().unwrap();
        let diff = scaled_diff(&hidden, &floats(&case["encoder_last_hidden_state"]));
        assert!(
            diff < 1e-4,
            "{name}: encoder output differs by {diff} (relative to the largest) for {}",
            case["text"]
        );
        let mut state = model.start_decoder(&enc, 4).unwrap();
        let step = model.decode_step(&mut state, &[start], None).unwrap();
        let logits: Vec<f32> = step.logits;
        let diff = scaled_diff(&logits, &floats(&case["first_step_logits"]));
        assert!(
            diff < 1e-4,
            "{name}: first-step logits differ by {diff} (relative to the largest) for {}",
            case["text"]
        );
    }
}

#[test]
fn greedy_matches_transformers_alone_and_batched() {
    let model = load("tiny-marian");
    check_runs(&model, &reference("tiny-marian")["greedy"], "greedy");
}

#[test]
fn beam4_matches_transformers_alone_and_batched() {
    let model = load("tiny-marian");
    check_runs(&model, &reference("tiny-marian")["beam4"], "beam4");
}

#[test]
fn capped_outputs_match_and_are_flagged() {
    let model = load("tiny-marian");
    let reference = reference("tiny-marian");
    for key in ["greedy_max_new_tokens_5", "beam4_max_new_tokens_5"] {
        let out = check_runs(&model, &reference[key], key);
        assert!(
            out.iter().any(|g| g.capped),
            "{key}: no output reached the cap of 5"
        );
        for g in &out {
            assert!(
                g.ids.len() <= 5,
                "{key}: {} tokens over a cap of 5",
                g.ids.len()
            );
            assert_eq!(
                g.ids.last(),
                Some(&model.config().eos_token_id),
                "{key}: no </s> at the end"
            );
        }
    }
}

#[test]
fn min_new_tokens_matches_transformers() {
    let model = load("tiny-marian");
    let reference = reference("tiny-marian");
    for key in ["greedy_min_new_tokens_12", "beam4_min_new_tokens_12"] {
        for g in check_runs(&model, &reference[key], key) {
            assert!(
                g.ids.len() >= 12,
                "{key}: {} tokens, under the minimum",
                g.ids.len()
            );
        }
    }
}

#[test]
fn alignment_attention_matches_transformers_cross_attention() {
    let model = load("tiny-marian");
    let reference = reference("tiny-marian");
    let case = &reference["cross_attention"];
    let source = ids(&case["input_ids"]);
    let layer = case["layer"].as_u64().unwrap() as usize;
    let steps = case["weights"].as_array().unwrap();
    let heads = model.config().decoder_attention_heads;
    for head in [Some(0), Some(heads - 1), None] {
        let opts = GenerateOptions {
            alignment_head: Some(AttentionPick { layer, head }),
            ..GenerateOptions::default()
        };
        let got = generate(&model, &[&source[..]], &opts).unwrap().remove(0);
        assert_eq!(got.ids, expected_output(&ids(&case["output_ids"]), 0));
        let rows = got.attention.expect("attention asked for");
        assert_eq!(rows.len(), got.ids.len());
        assert_eq!(rows.len(), steps.len());
        for (t, (row, step)) in rows.iter().zip(steps).enumerate() {
            let per_head: Vec<Vec<f32>> = step.as_array().unwrap().iter().map(floats).collect();
            let want: Vec<f32> = match head {
                Some(h) => per_head[h].clone(),
                None => (0..source.len())
                    .map(|j| per_head.iter().map(|r| r[j]).sum::<f32>() / heads as f32)
                    .collect(),
            };
            let diff = max_abs_diff(row, &want);
            assert!(
                diff < 1e-4,
                "head {head:?} step {t}: attention differs by {diff}"
            );
        }
    }
    // Beam search reports the attention of the hypothesis it returns: one row per token.
    let opts = GenerateOptions {
        num_beams: 4,
        alignment_head: Some(model.alignment_head()),
        ..GenerateOptions::for_model(&model)
    };
    let got = generate(&model, &[&source[..]], &opts).unwrap().remove(0);
    let rows = got.attention.unwrap();
    assert_eq!(rows.len(), got.ids.len());
    for row in rows {
        assert_eq!(row.len(), source.len());
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4);
    }
}

#[test]
fn pytorch_bin_weights_load_and_match_safetensors() {
    let bin = load("tiny-marian-bin");
    check_runs(&bin, &reference("tiny-marian-bin")["greedy"], "bin greedy");
    check_runs(&bin, &reference("tiny-marian-bin")["beam4"], "bin beam4");
    // The same weights in both formats give the same encoder states bit for bit.
    let st = load("tiny-marian");
    let source = ids(&reference("tiny-marian-bin")["tensors"][0]["input_ids"]);
    let a = encoder_states(&st, &source);
    let b = encoder_states(&bin, &source);
    assert_eq!(a, b);
}

#[test]
fn separate_embeddings_variant_matches_transformers() {
    let model = load("tiny-marian-sep");
    assert!(!model.config().share_encoder_decoder_embeddings);
    let reference = reference("tiny-marian-sep");
    check_runs(&model, &reference["greedy"], "sep greedy");
    check_runs(&model, &reference["beam4"], "sep beam4");
}

/// The trained variant (confident predictions, outputs that end on their own) gives
/// transformers' greedy and beam-4 outputs, one by one and batched.
#[test]
fn trained_variant_matches_transformers() {
    let model = load("tiny-marian-trained");
    let reference = reference("tiny-marian-trained");
    check_runs(&model, &reference["greedy"], "trained greedy");
    check_runs(&model, &reference["beam4"], "trained beam4");
}

#[test]
fn early_stopping_modes_all_end_with_eos() {
    // Not recorded by the reference script: checks that every mode terminates with a
    // finished hypothesis and that "never" explores at least as far as the heuristic.
    let model = load("tiny-marian");
    let reference = reference("tiny-marian");
    let source = ids(&reference["beam4"]["single"][1]["input_ids"]);
    for mode in [
        EarlyStopping::Heuristic,
        EarlyStopping::Always,
        EarlyStopping::Never,
    ] {
        let opts = GenerateOptions {
            num_beams: 4,
            early_stopping: mode,
            max_new_tokens: Some(20),
            ..GenerateOptions::for_model(&model)
        };
        let got = generate(&model, &[&source[..]], &opts).unwrap().remove(0);
        assert_eq!(got.ids.last(), Some(&0), "{mode:?}");
        assert!(got.ids.len() <= 20);
    }
}

/// A copy of the tiny model in a temporary folder, with `edit` applied.
fn broken_copy(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(model_dir("tiny-marian")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    edit(dir.path());
    dir
}

fn load_error(dir: &Path) -> String {
    match Marian::load(dir, &LoadOptions::default()) {
        Ok(_) => panic!("{} loaded", dir.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_model_folders_fail_with_errors_naming_the_file() {
    const ST: &str = "model.safetensors";
    // (what, how to break the folder, file named in the error, reason in the error)
    type Case = (
        &'static str,
        Box<dyn FnOnce(&Path)>,
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "truncated safetensors",
            Box::new(|d: &Path| {
                let bytes = std::fs::read(d.join(ST)).unwrap();
                std::fs::write(d.join(ST), &bytes[..bytes.len() / 2]).unwrap();
            }),
            ST,
            "not a readable safetensors file",
        ),
        (
            "garbage pytorch_model.bin",
            Box::new(|d: &Path| {
                std::fs::remove_file(d.join(ST)).unwrap();
                std::fs::write(d.join("pytorch_model.bin"), vec![0x42u8; 4096]).unwrap();
            }),
            "pytorch_model.bin",
            "not a readable PyTorch checkpoint",
        ),
        (
            "truncated pytorch_model.bin",
            Box::new(|d: &Path| {
                std::fs::remove_file(d.join(ST)).unwrap();
                let bytes =
                    std::fs::read(model_dir("tiny-marian-bin").join("pytorch_model.bin")).unwrap();
                std::fs::write(d.join("pytorch_model.bin"), &bytes[..bytes.len() / 3]).unwrap();
            }),
            "pytorch_model.bin",
            "not a readable PyTorch checkpoint",
        ),
        (
            "wrong tensor shape",
            Box::new(|d: &Path| {
                let path = d.join(ST);
                let mut tensors: HashMap<String, Tensor> =
                    candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
                let name = "model.decoder.layers.1.fc1.weight";
                let t = tensors[name].t().unwrap().contiguous().unwrap();
                tensors.insert(name.into(), t);
                candle_core::safetensors::save(&tensors, &path).unwrap();
            }),
            ST,
            "tensor model.decoder.layers.1.fc1.weight has shape [32, 64], expected [64, 32]",
        ),
        (
            "missing tensor",
            Box::new(|d: &Path| {
                let path = d.join(ST);
                let mut tensors: HashMap<String, Tensor> =
                    candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
                tensors.remove("model.encoder.layers.0.self_attn.k_proj.bias");
                candle_core::safetensors::save(&tensors, &path).unwrap();
            }),
            ST,
            "tensor model.encoder.layers.0.self_attn.k_proj.bias (shape [32]) is missing",
        ),
        (
            "config that does not match the weights",
            Box::new(|d: &Path| {
                let path = d.join("config.json");
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(
                    &path,
                    text.replace("\"encoder_ffn_dim\": 64", "\"encoder_ffn_dim\": 128"),
                )
                .unwrap();
            }),
            ST,
            "expected [128, 32] from config.json",
        ),
        (
            "config that is not JSON",
            Box::new(|d: &Path| std::fs::write(d.join("config.json"), "{ d_model: 32 ").unwrap()),
            "config.json",
            "invalid JSON",
        ),
        (
            "no config",
            Box::new(|d: &Path| std::fs::remove_file(d.join("config.json")).unwrap()),
            "has no config.json",
            "",
        ),
        (
            "no weights",
            Box::new(|d: &Path| std::fs::remove_file(d.join(ST)).unwrap()),
            "has no model.safetensors or pytorch_model.bin",
            "",
        ),
    ];
    for (what, edit, file, reason) in cases {
        let dir = broken_copy(edit);
        let err = load_error(dir.path());
        assert!(err.contains(file), "{what}: {err}");
        assert!(err.contains(reason), "{what}: {err}");
        if file.ends_with(".bin") || file.ends_with(".json") || file.ends_with(".safetensors") {
            assert!(
                err.contains(&dir.path().display().to_string()),
                "{what}: {err}"
            );
        }
    }
}

#[test]
fn fp16_weights_are_widened_on_load() {
    let dir = broken_copy(|d| {
        let path = d.join("model.safetensors");
        let tensors: HashMap<String, Tensor> =
            candle_core::safetensors::load(&path, &Device::Cpu).unwrap();
        let half: HashMap<String, Tensor> = tensors
            .into_iter()
            .map(|(k, v)| (k, v.to_dtype(DType::F16).unwrap()))
            .collect();
        candle_core::safetensors::save(&half, &path).unwrap();
    });
    let half = Marian::load(dir.path(), &LoadOptions::default()).unwrap();
    let full = load("tiny-marian");
    let source = ids(&reference("tiny-marian")["tensors"][0]["input_ids"]);
    // encoder_states checks that the computation runs in f32.
    let a = encoder_states(&half, &source);
    let b = encoder_states(&full, &source);
    // fp16 rounding of the weights moves the states (|x| up to ~3) a little, not a lot.
    let diff = max_abs_diff(&a, &b);
    assert!(diff > 0.0 && diff < 0.2, "fp16 encoder differs by {diff}");
}

#[test]
fn per_sentence_caps_match_decoding_each_sentence_alone() {
    // The translator caps each sentence relative to its length: a batch with mixed caps must
    // give each sentence what it gets alone with its own cap.
    let model = load("tiny-marian");
    let reference = reference("tiny-marian");
    let sources: Vec<Vec<u32>> = reference["greedy"]["single"].as_array().unwrap()[..6]
        .iter()
        .map(|r| ids(&r["input_ids"]))
        .collect();
    let caps = [3, 40, 7, 1, 25, 12];
    for num_beams in [1, 4] {
        let opts = GenerateOptions {
            num_beams,
            ..GenerateOptions::for_model(&model)
        };
        let batched = generate_capped(&model, &sources, &caps, &opts).unwrap();
        for (i, (source, cap)) in sources.iter().zip(caps).enumerate() {
            let alone = GenerateOptions {
                max_new_tokens: Some(cap),
                ..opts.clone()
            };
            let want = generate(&model, &[source], &alone).unwrap().remove(0);
            assert_eq!(
                batched[i], want,
                "beams {num_beams}: sentence {i} with cap {cap}"
            );
            assert!(batched[i].ids.len() <= cap);
        }
    }
    let err = generate_capped(&model, &sources, &caps[..2], &GenerateOptions::default());
    assert!(err.is_err(), "caps must match the sentences");
}
