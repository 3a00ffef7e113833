//! How far int8 logits are from fp32 on a model folder: the first decoder step and five more
//! forced steps of one source sentence.
//!
//! `cargo run --release --example int8_accuracy -- MODEL_DIR [SOURCE_TOKENS]` prints, per step,
//! the fp32 logits' standard deviation, the largest |int8 − fp32| and whether the argmax agrees
//! (the source is a fixed pseudo-random id list ending in `</s>`, 11 tokens by default).

use std::path::PathBuf;

use tarjuman::model::{LoadOptions, Marian, Quantize};

fn logits(model: &Marian, source: &[u32], forced: &[u32]) -> Vec<Vec<f32>> {
    let enc = model.encode(&[source]).expect("encode");
    let mut state = model
        .start_decoder(&enc, forced.len() + 1)
        .expect("decoder");
    let mut token = model.config().decoder_start_token_id;
    let mut rows = Vec::new();
    for &next in forced {
        let step = model.decode_step(&mut state, &[token], None).expect("step");
        rows.push(step.logits);
        token = next;
    }
    rows
}

fn argmax(v: &[f32]) -> usize {
    (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(
        args.first()
            .ok_or("usage: int8_accuracy MODEL_DIR [SOURCE_TOKENS]")?,
    );
    let len: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(11);
    let load = |quantize| {
        let opts = LoadOptions {
            quantize,
            ..LoadOptions::default()
        };
        Marian::load(&dir, &opts)
    };
    let (fp32, int8) = (load(Quantize::None)?, load(Quantize::Int8)?);
    let config = fp32.config();
    let vocab = config.vocab_size as u32;
    let mut seed = 12345u32;
    let mut next = || {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        10 + (seed >> 8) % (vocab - 20)
    };
    let mut source: Vec<u32> = (1..len).map(|_| next()).collect();
    source.push(config.eos_token_id);
    // The forced continuation: fp32's own greedy choices.
    let mut forced = Vec::new();
    for _ in 0..6 {
        let mut probe = forced.clone();
        probe.push(0);
        let rows = logits(&fp32, &source, &probe);
        forced.push(argmax(rows.last().unwrap()) as u32);
    }
    let (a, b) = (
        logits(&fp32, &source, &forced),
        logits(&int8, &source, &forced),
    );
    for (step, (x, y)) in a.iter().zip(&b).enumerate() {
        let n = x.len() as f64;
        let mean = x.iter().map(|&v| v as f64).sum::<f64>() / n;
        let std = (x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
        let diff = x.iter().zip(y).fold(0f32, |m, (p, q)| m.max((p - q).abs()));
        let same = argmax(x) == argmax(y);
        println!(
            "step {step}: logit std {std:.3}, max |int8 - fp32| {diff:.4}, argmax same: {same}"
        );
    }
    Ok(())
}
