//! Times tarjuman's decoder on the benchmark inputs of `scripts/bench` and prints one JSON object
//! in the schema of `scripts/bench/bench_py.py`, so that `scripts/bench/report.py` puts it in the
//! same table as transformers and CTranslate2.
//!
//! It takes a model folder (the random-weight models `scripts/bench/prepare.py` writes) and
//! `inputs.json` (source ids prepared in Python: tokenization is excluded, as for the other
//! engines); it runs `translate::generate` over the segments in batches of the given size, in
//! input order, with the output length pinned (`--min-new-tokens` = `--max-new-tokens`), best of
//! `--repeats`. Model load time and the process's peak RSS (VmHWM) are reported too.
//!
//! ```text
//! cargo run --release --example bench_engine -- --model-dir scripts/bench/work/models/opus-mt-ar-en/hf \
//!     --inputs scripts/bench/work/inputs.json --shape opus-mt-ar-en --threads 2 \
//!     --beam 4 --batch 16 --min-new-tokens 32 --max-new-tokens 32
//! ```
//! Without `--beam`/`--batch`, the four settings of the benchmark (greedy and beam 4, batch 1
//! and 16) are run in one process; `--settings greedy-1,beam4-16` picks some.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use tarjuman::model::{LoadOptions, Marian};
use tarjuman::translate::{generate, GenerateOptions};

struct Args {
    model_dir: PathBuf,
    inputs: PathBuf,
    shape: String,
    label: String,
    threads: Option<usize>,
    settings: Vec<(String, usize, usize)>,
    min_new: usize,
    max_new: usize,
    repeats: usize,
    segments: usize,
    quantize: Option<String>,
    device: String,
}

fn parse_args() -> Result<Args> {
    let mut a = Args {
        model_dir: PathBuf::new(),
        inputs: PathBuf::from("scripts/bench/work/inputs.json"),
        shape: "opus-mt-ar-en".into(),
        label: "tarjuman".into(),
        threads: None,
        settings: Vec::new(),
        min_new: 32,
        max_new: 32,
        repeats: 3,
        segments: 0,
        quantize: None,
        device: "cpu".into(),
    };
    let mut beam = None;
    let mut batch = None;
    let mut settings = "greedy-1,greedy-16,beam4-1,beam4-16".to_string();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--model-dir" => a.model_dir = value()?.into(),
            "--inputs" => a.inputs = value()?.into(),
            "--shape" => a.shape = value()?,
            "--label" => a.label = value()?,
            "--threads" => a.threads = Some(value()?.parse()?),
            "--beam" => beam = Some(value()?.parse::<usize>()?),
            "--batch" => batch = Some(value()?.parse::<usize>()?),
            "--settings" => settings = value()?,
            "--min-new-tokens" => a.min_new = value()?.parse()?,
            "--max-new-tokens" | "--new-tokens" => {
                let n = value()?.parse()?;
                if flag == "--new-tokens" {
                    a.min_new = n;
                }
                a.max_new = n;
            }
            "--repeats" => a.repeats = value()?.parse()?,
            "--segments" => a.segments = value()?.parse()?,
            "--quantize" => a.quantize = Some(value()?),
            "--device" => a.device = value()?,
            other => bail!("unknown argument {other}"),
        }
    }
    if a.model_dir.as_os_str().is_empty() {
        bail!("--model-dir is required");
    }
    a.settings = if beam.is_some() || batch.is_some() {
        let beam = beam.unwrap_or(1);
        let name = if beam == 1 {
            "greedy".to_string()
        } else {
            format!("beam{beam}")
        };
        vec![(name, beam, batch.unwrap_or(1))]
    } else {
        settings
            .split(',')
            .map(|s| {
                let (name, batch) = s.split_once('-').context("settings look like beam4-16")?;
                let beam = match name {
                    "greedy" => 1,
                    b => b
                        .strip_prefix("beam")
                        .context("greedy-N or beamK-N")?
                        .parse()?,
                };
                Ok((name.to_string(), beam, batch.parse()?))
            })
            .collect::<Result<_>>()?
    };
    Ok(a)
}

/// Peak resident set size of this process in MiB (Linux VmHWM), 0 where unknown.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() -> Result<()> {
    let args = parse_args()?;
    if let Some(t) = args.threads {
        // candle's matmul (gemm) and rayon size their pools from this on first use.
        std::env::set_var("RAYON_NUM_THREADS", t.to_string());
    }
    // candle also runs elementwise ops and quantized matmuls on a second pool of its own
    // (CANDLE_NUM_THREADS, default = RAYON_NUM_THREADS) whose caller spins on a barrier. Beside
    // the gemm pool that oversubscribes the cores, and the spinning burned 10x the CPU time of
    // an int8 greedy run on this shared 2-core machine (docs/readme/perf.md). One thread (the
    // caller, no workers) unless the user says otherwise.
    if std::env::var_os("CANDLE_NUM_THREADS").is_none() {
        std::env::set_var("CANDLE_NUM_THREADS", "1");
    }
    let candle_threads = std::env::var("CANDLE_NUM_THREADS").unwrap_or_default();
    let threads = candle_core::utils::get_num_threads();

    let inputs: Value = serde_json::from_str(
        &std::fs::read_to_string(&args.inputs)
            .with_context(|| format!("reading {}", args.inputs.display()))?,
    )
    .with_context(|| format!("parsing {}", args.inputs.display()))?;
    let mut segments: Vec<Vec<u32>> = inputs["segments"]
        .as_array()
        .with_context(|| format!("{} has no segments", args.inputs.display()))?
        .iter()
        .map(|s| {
            s["ids"][&args.shape]
                .as_array()
                .with_context(|| format!("a segment has no ids for shape {}", args.shape))?
                .iter()
                .map(|v| v.as_u64().map(|x| x as u32).context("ids are integers"))
                .collect()
        })
        .collect::<Result<_>>()?;
    if args.segments > 0 {
        segments.truncate(args.segments);
    }

    let mut opts = LoadOptions {
        device: LoadOptions::device_named(&args.device)?,
        ..LoadOptions::default()
    };
    if let Some(q) = &args.quantize {
        opts.quantize = q.parse()?;
    }
    let t0 = Instant::now();
    let model = Marian::load(&args.model_dir, &opts)?;
    let load_s = t0.elapsed().as_secs_f64();

    let mut results = Vec::new();
    for (name, beam, batch) in &args.settings {
        let gen = GenerateOptions {
            num_beams: *beam,
            min_new_tokens: args.min_new,
            max_new_tokens: Some(args.max_new),
            ..GenerateOptions::for_model(&model)
        };
        let run = |n: usize| -> Result<usize> {
            let mut produced = 0;
            for chunk in segments[..n].chunks(*batch) {
                produced += generate(&model, chunk, &gen)?
                    .iter()
                    .map(|g| g.ids.len())
                    .sum::<usize>();
            }
            Ok(produced)
        };
        // Warm-up: one batch, untimed, as for the Python engines.
        run((*batch).min(segments.len()))?;
        let mut times = Vec::new();
        let mut produced = 0;
        for _ in 0..args.repeats.max(1) {
            let t = Instant::now();
            produced = run(segments.len())?;
            times.push(t.elapsed().as_secs_f64());
        }
        let best = times.iter().copied().fold(f64::INFINITY, f64::min);
        eprintln!(
            "{} {name} b{batch}: {:.1} tok/s",
            args.label,
            produced as f64 / best
        );
        results.push(json!({
            "setting": name, "beam": beam, "batch": batch, "sentences": segments.len(),
            "new_tokens": produced, "best_s": best, "runs_s": times,
            "sent_per_s": segments.len() as f64 / best, "tok_per_s": produced as f64 / best,
        }));
    }
    println!(
        "{}",
        json!({
            "engine": args.label, "model": args.model_dir, "threads": threads,
            "candle_threads": candle_threads, "load_s": load_s,
            "peak_rss_mb": peak_rss_mb(), "results": results,
        })
    );
    Ok(())
}
