//! How long `Marian::load` takes on a model folder, in this process (page cache warm after the
//! first load): `cargo run --release --example load_time -- MODEL_DIR [none|int8] [LOADS]`
//! prints each load's seconds and their median (5 loads by default; the model of one load is
//! dropped before the next).

use std::path::PathBuf;
use std::time::Instant;

use tarjuman::model::{LoadOptions, Marian, Quantize};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: load_time MODEL_DIR [none|int8] [LOADS]")?,
    );
    let quantize: Quantize = args.next().as_deref().unwrap_or("none").parse()?;
    let loads: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(5);
    let opts = LoadOptions {
        quantize,
        ..LoadOptions::default()
    };
    let mut seconds = Vec::with_capacity(loads);
    for _ in 0..loads.max(1) {
        let started = Instant::now();
        let model = Marian::load(&dir, &opts)?;
        seconds.push(started.elapsed().as_secs_f64());
        drop(model);
    }
    let shown: Vec<String> = seconds.iter().map(|s| format!("{s:.3}")).collect();
    seconds.sort_by(f64::total_cmp);
    println!(
        "{} ({quantize}): loads {} s, median {:.3} s",
        dir.display(),
        shown.join(" "),
        seconds[seconds.len() / 2]
    );
    Ok(())
}
