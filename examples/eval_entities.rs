//! Entity-pair evaluation on UD Arabic-PUD (`../shared/data/ud-pud-ar-en/wiki.tsv`).
//!
//! Each row is an Arabic sentence, its English original and the Arabic tokens the treebank
//! tags PROPN (proper noun). The rows of one document become one alignment, a 1-1 bead per
//! row (the sentence alignment is known, so this measures entity linking alone), and
//! `align::link_entities` runs on it. Arabic words covered by a name pair (kinds other than
//! number and date) are compared with the PROPN tokens: precision is the share of covered
//! words that are PROPN, recall the share of PROPN tokens covered. PROPN is silver, not gold:
//! UD tags some words of titles PROPN and leaves nationality adjectives out.
//!
//! Run: `cargo run --example eval_entities [-- PATH/wiki.tsv]` (add `--no-lexicon` to leave
//! the Debian dictionary out, `--show` to list every pair and every PROPN token missed).

use std::collections::HashSet;
use std::path::PathBuf;
use tarjuman::align::{self, Lexicon};
use tarjuman::alignment::{Alignment, Bead, EnglishOrigin, EntityKind};
use tarjuman::document::{Document, Lang, Origin, SentenceId, Span};
use tarjuman::{read, segment};

/// A document of the rows' sentences, one per line (the segmenter's `segment_lines`).
fn document(lang: Lang, origin: &str, sentences: &[&str]) -> Document {
    let input = read::Input {
        origin: Origin(origin.to_owned()),
        text: sentences.join("\n"),
    };
    segment::segment_lines(input, Some(lang))
}

struct Row {
    doc: String,
    ar: String,
    en: String,
    propn: Vec<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let use_lexicon = !args.iter().any(|a| a == "--no-lexicon");
    let show = args.iter().any(|a| a == "--show");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/ud-pud-ar-en/wiki.tsv")
        });
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let rows: Vec<Row> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(n, l)| {
            let f: Vec<&str> = l.split('\t').collect();
            if f.len() < 4 {
                return Err(format!(
                    "{}:{}: expected 5 tab-separated columns",
                    path.display(),
                    n + 1
                ));
            }
            Ok(Row {
                doc: f[0].to_owned(),
                ar: f[2].to_owned(),
                en: f[3].to_owned(),
                propn: f
                    .get(4)
                    .map(|p| p.split_whitespace().map(key).collect())
                    .unwrap_or_default(),
            })
        })
        .collect::<Result<_, _>>()?;
    let lexicon = if use_lexicon {
        Lexicon::find_default()
    } else {
        None
    };
    eprintln!(
        "{} rows; dictionary: {}",
        rows.len(),
        if lexicon.is_some() {
            "Debian FreeDict"
        } else {
            "none"
        }
    );

    let (mut tp, mut predicted, mut gold, mut pairs) = (0usize, 0usize, 0usize, 0usize);
    let started = std::time::Instant::now();
    for group in rows.chunk_by(|a, b| a.doc == b.doc) {
        let ar: Vec<&str> = group.iter().map(|r| r.ar.as_str()).collect();
        let en: Vec<&str> = group.iter().map(|r| r.en.as_str()).collect();
        let (ar, en) = (
            document(Lang::Ar, &group[0].doc, &ar),
            document(Lang::En, &group[0].doc, &en),
        );
        // One sentence per row, or the rows do not line up with the beads.
        if ar.sentences.len() != group.len() || en.sentences.len() != group.len() {
            eprintln!("skipped document {}: a row has an empty side", group[0].doc);
            continue;
        }
        let mut al = Alignment {
            ar,
            en,
            origin: EnglishOrigin::Parallel,
            beads: (0..group.len())
                .map(|i| Bead {
                    ar: vec![SentenceId::from_index(i)],
                    en: vec![SentenceId::from_index(i)],
                    score: 1.0,
                    flags: Vec::new(),
                })
                .collect(),
            entities: Vec::new(),
            quotes: Vec::new(),
        };
        align::link_entities(&mut al, lexicon.as_ref());
        for (i, row) in group.iter().enumerate() {
            let names: Vec<Span> = al
                .entities
                .iter()
                .filter(|p| p.ar_sentence.index() == i)
                .filter(|p| !matches!(p.kind, EntityKind::Number | EntityKind::Date))
                .map(|p| p.ar_span)
                .collect();
            pairs += names.len();
            let covered: HashSet<String> = names
                .iter()
                .flat_map(|s| al.ar.slice(*s).split_whitespace().map(key))
                .collect();
            let propn: HashSet<&String> = row.propn.iter().collect();
            gold += propn.len();
            predicted += covered.len();
            // A covered word may carry a proclitic UD splits off (وبكين ↔ بكين).
            let hit = |w: &String| {
                propn
                    .iter()
                    .any(|p| w == *p || (w.ends_with(p.as_str()) && w.len() <= p.len() + 4))
            };
            tp += covered.iter().filter(|w| hit(w)).count();
            if show {
                for p in al.entities.iter().filter(|p| p.ar_sentence.index() == i) {
                    let words = al.ar.slice(p.ar_span).split_whitespace().map(key);
                    let mark = if words.clone().all(|w| hit(&w)) {
                        "ok "
                    } else {
                        "NO "
                    };
                    println!(
                        "{mark} {:?} {} ↔ {} ({:.2})",
                        p.kind,
                        al.ar.slice(p.ar_span),
                        al.en.slice(p.en_span),
                        p.score
                    );
                }
                let missed: Vec<&&String> = propn
                    .iter()
                    .filter(|p| !covered.iter().any(|w| w.ends_with(p.as_str())))
                    .collect();
                if !missed.is_empty() {
                    println!("missed {missed:?} in: {}", row.en);
                }
            }
        }
    }
    let p = tp as f64 / predicted.max(1) as f64;
    let r = tp as f64 / gold.max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    println!("name pairs: {pairs}  Arabic words covered: {predicted}  PROPN tokens: {gold}");
    println!(
        "precision {p:.3}  recall {r:.3}  F1 {f:.3}  ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A word as compared: normalized, punctuation trimmed.
fn key(word: &str) -> String {
    tarjuman::normalize::arabic(word)
        .text
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_owned()
}
