//! Sentence-alignment evaluation on UD Arabic-PUD (no model).
//!
//! Reads `../shared/data/ud-pud-ar-en/wiki.tsv` (or the path given with `--data`), cuts its
//! rows into documents of `--doc-size` consecutive sentences (25 by default), perturbs each
//! English side with known gold (two sentences merged, one dropped, one split), aligns with
//! the Debian dictionary (unless `--no-lexicon`) and prints strict and lax bead precision,
//! recall and F1.
//!
//! ```text
//! cargo run --release --example eval_align [-- --no-lexicon --doc-size 25 --seed 1]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use tarjuman::align::eval::{
    document_from_sentences, index_beads, perturb, read_pud_tsv, BeadScores, SplitMix,
};
use tarjuman::align::{align_documents, AlignOptions, Lexicon};
use tarjuman::Lang;

fn main() -> ExitCode {
    let mut data =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ud-pud-ar-en/wiki.tsv");
    let mut use_lexicon = true;
    let mut doc_size = 25usize;
    let mut seed = 1u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| usage(&format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--data" => data = PathBuf::from(value("--data")),
            "--no-lexicon" => use_lexicon = false,
            "--doc-size" => {
                doc_size = value("--doc-size")
                    .parse()
                    .unwrap_or_else(|_| usage("--doc-size takes a number"))
            }
            "--seed" => {
                seed = value("--seed")
                    .parse()
                    .unwrap_or_else(|_| usage("--seed takes a number"))
            }
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let rows = match read_pud_tsv(&data) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("eval_align: {e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let lexicon = if use_lexicon {
        Lexicon::find_default()
    } else {
        None
    };
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    match &lexicon {
        Some(lex) => println!(
            "lexicon: {} pairs from {} files, loaded in {load_ms:.0} ms",
            lex.pair_count(),
            lex.sources().len()
        ),
        None => println!("lexicon: none"),
    }
    let mut rng = SplitMix::new(seed);
    let mut scores = BeadScores::default();
    let mut docs = 0;
    let started = Instant::now();
    for chunk in rows.chunks(doc_size.max(1)) {
        let doc = perturb(chunk, &mut rng);
        let ar = document_from_sentences("ar", Lang::Ar, &doc.ar);
        let en = document_from_sentences("en", Lang::En, &doc.en);
        let alignment = align_documents(ar, en, &AlignOptions::default(), lexicon.as_ref(), None);
        scores.add(&doc.gold, &index_beads(&alignment.beads));
        docs += 1;
    }
    let align_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (sp, sr, sf) = scores.strict();
    let (lp, lr, lf) = scores.lax();
    println!(
        "{docs} documents, {} rows, {} gold beads, {} test beads, aligned in {align_ms:.0} ms",
        rows.len(),
        scores.gold_beads,
        scores.test_beads
    );
    println!("strict: precision {sp:.3} recall {sr:.3} F1 {sf:.3}");
    println!("lax:    precision {lp:.3} recall {lr:.3} F1 {lf:.3}");
    ExitCode::SUCCESS
}

fn usage(msg: &str) -> ! {
    eprintln!("eval_align: {msg}\nusage: eval_align [--data wiki.tsv] [--no-lexicon] [--doc-size N] [--seed N]");
    std::process::exit(2)
}
