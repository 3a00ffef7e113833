//! Measures the Marian engine's decoding speed on a model folder with a forced output length,
//! so that random-weight models do the same work as real ones.
//!
//! `cargo run --release --example engine_speed -- MODEL_DIR [BEAMS] [BATCH] [SENTENCES] [TOKENS]`
//! prints load time, sentences/s and generated tokens/s (tokenization excluded: the sources
//! are fixed pseudo-random id lists of 8–40 tokens ending in `</s>`).

use std::path::PathBuf;
use std::time::Instant;

use tarjuman::model::{LoadOptions, Marian};
use tarjuman::translate::generate::{generate, GenerateOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(
        args.first()
            .ok_or("usage: engine_speed MODEL_DIR [BEAMS] [BATCH] [SENTENCES] [TOKENS]")?,
    );
    let num =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (beams, batch, sentences, tokens) = (num(1, 1), num(2, 1), num(3, 100), num(4, 32));

    let start = Instant::now();
    let model = Marian::load(&dir, &LoadOptions::default())?;
    let load_s = start.elapsed().as_secs_f64();

    let config = model.config();
    let eos = config.eos_token_id;
    // A small linear congruential generator: the same sources on every run.
    let mut seed = 12345u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let sources: Vec<Vec<u32>> = (0..sentences)
        .map(|_| {
            let len = 8 + next() % 33;
            let mut ids: Vec<u32> = (0..len - 1)
                .map(|_| (1 + next() % (config.vocab_size - 2)) as u32)
                .filter(|&id| id != config.pad_token_id && id != eos)
                .collect();
            ids.push(eos);
            ids
        })
        .collect();
    let opts = GenerateOptions {
        num_beams: beams,
        max_new_tokens: Some(tokens),
        min_new_tokens: tokens,
        ..GenerateOptions::for_model(&model)
    };
    let start = Instant::now();
    let mut generated = 0;
    for chunk in sources.chunks(batch) {
        for g in generate(&model, chunk, &opts)? {
            generated += g.ids.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "load {load_s:.2}s | beams {beams} batch {batch}: {sentences} sentences, {generated} tokens in {secs:.2}s = {:.1} sent/s, {:.1} tok/s",
        sentences as f64 / secs,
        generated as f64 / secs
    );
    Ok(())
}
