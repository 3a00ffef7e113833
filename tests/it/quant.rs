//! Int8 mode (`LoadOptions::quantize = Quantize::Int8`) against fp32 and transformers' recorded
//! outputs on the tiny random-weight model (`models/tiny-marian`, `tests/data/reference`): the
//! first-step logits stay within the stated tolerance of the fp32 reference, the greedy outputs
//! of the recorded sentences are token-identical, and the layers really are quantized (the
//! logits are not bit-identical to fp32, which would mean nothing was quantized).

use serde_json::Value;
use tarjuman::model::{LoadOptions, Marian, Quantize};
use tarjuman::translate::generate::{generate, GenerateOptions};

use crate::common::root;

/// Largest |int8 − fp32| first-step logit allowed. Q8_0 keeps 8 bits per weight with one scale
/// per 32 (relative error ≈ 2⁻⁸ per product, errors of a row partly cancelling); measured on
/// this model: 0.0013 with logits of magnitude ≈ 0.3 (see docs/readme/perf.md). The bound leaves
/// room for other SIMD paths of candle's kernels.
const LOGIT_TOLERANCE: f32 = 0.01;

fn load(quantize: Quantize) -> Marian {
    let opts = LoadOptions {
        quantize,
        ..LoadOptions::default()
    };
    Marian::load(&root().join("models/tiny-marian"), &opts)
        .unwrap_or_else(|e| panic!("loading tiny-marian ({quantize}): {e}"))
}

fn reference() -> Value {
    let path = root().join("tests/data/reference/tiny-marian.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn first_step_logits(model: &Marian, source: &[u32]) -> Vec<f32> {
    let enc = model.encode(&[source]).unwrap();
    let mut state = model.start_decoder(&enc, 4).unwrap();
    let start = model.config().decoder_start_token_id;
    let step = model.decode_step(&mut state, &[start], None).unwrap();
    step.logits.flatten_all().unwrap().to_vec1().unwrap()
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn int8_first_step_logits_within_tolerance_of_fp32() {
    let fp32 = load(Quantize::None);
    let int8 = load(Quantize::Int8);
    let reference = reference();
    for case in reference["tensors"].as_array().unwrap() {
        let source = ids(&case["input_ids"]);
        let want: Vec<f32> = case["first_step_logits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect();
        let dense = first_step_logits(&fp32, &source);
        let quant = first_step_logits(&int8, &source);
        let vs_hf = max_abs_diff(&quant, &want);
        let vs_fp32 = max_abs_diff(&quant, &dense);
        eprintln!("{}: int8 vs fp32 {vs_fp32:.5}, vs transformers {vs_hf:.5}", case["text"]);
        assert!(vs_hf <= LOGIT_TOLERANCE, "int8 logits off transformers' by {vs_hf}");
        assert!(vs_fp32 <= LOGIT_TOLERANCE, "int8 logits off fp32 by {vs_fp32}");
        assert!(vs_fp32 > 0.0, "int8 logits equal fp32 exactly: nothing was quantized");
    }
}

#[test]
fn int8_greedy_output_equals_transformers_recorded_output() {
    let int8 = load(Quantize::Int8);
    let reference = reference();
    let runs = &reference["greedy"];
    let eos = int8.config().eos_token_id;
    let mut opts = GenerateOptions::for_model(&int8);
    opts.num_beams = runs["settings"]["num_beams"].as_u64().unwrap() as usize;
    opts.max_new_tokens = runs["settings"]["max_new_tokens"]
        .as_u64()
        .map(|n| n as usize);
    let mut sources = Vec::new();
    let mut expected = Vec::new();
    for row in runs["single"].as_array().unwrap() {
        let out = ids(&row["output_ids"]);
        // transformers' row: start token first, padded after `</s>`.
        let end = out[1..].iter().position(|&t| t == eos).map_or(out.len(), |p| p + 2);
        sources.push(ids(&row["input_ids"]));
        expected.push(out[1..end].to_vec());
    }
    for (i, (source, want)) in sources.iter().zip(&expected).enumerate() {
        let got = generate(&int8, &[&source[..]], &opts).unwrap().remove(0);
        assert_eq!(&got.ids, want, "sentence {i} alone");
    }
    let batched = generate(&int8, &sources, &opts).unwrap();
    for (i, (got, want)) in batched.iter().zip(&expected).enumerate() {
        assert_eq!(&got.ids, want, "sentence {i} in a batch");
    }
}
