//! Evaluation of sentence alignment against known gold beads.
//!
//! Takes sentence-parallel text (one Arabic and one English sentence per row, such as UD
//! Arabic-PUD's) and gives test documents with known gold: the English side is perturbed the
//! way real translations differ from their source (two sentences merged into one, a sentence
//! dropped, one split in two), so the gold has 2-1, 1-0 and 1-2 beads besides the 1-1 ones.
//! [`BeadScores`] then counts strict (exact bead) and lax (overlapping bead) precision and
//! recall, as Vecalign's `score.py` does. Used by `examples/eval_align.rs` and the integration
//! tests; useful to anyone who holds gold alignments.

use crate::alignment::Bead;
use crate::document::{Document, Lang, Origin, SentenceId};
use crate::read::Input;
use crate::segment::segment_lines;
use std::ops::Range;

/// A gold or test bead as sentence index ranges.
pub type IndexBead = (Range<usize>, Range<usize>);

/// One test document: both sides' sentences and the gold beads between them.
#[derive(Debug, Clone)]
pub struct TestDoc {
    pub ar: Vec<String>,
    pub en: Vec<String>,
    pub gold: Vec<IndexBead>,
}

/// A small deterministic generator (SplitMix64), so the perturbations, and the figures, are
/// the same on every run without a dependency.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Builds a test document from parallel rows: merges two consecutive English sentences,
/// drops one and splits one (at a comma near the middle, else at the middle word gap), at
/// places apart from each other. Documents under 8 rows are returned 1-1.
pub fn perturb(rows: &[(String, String)], rng: &mut SplitMix) -> TestDoc {
    let n = rows.len();
    let ar: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    // Pick three places, each at least two rows from the others: merge k..k+2, drop d, split s.
    let mut places: Vec<usize> = Vec::new();
    if n >= 8 {
        while places.len() < 3 {
            let p = rng.below(n - 1);
            if places.iter().all(|&q| p.abs_diff(q) >= 3) {
                places.push(p);
            }
        }
    }
    let (merge, drop, split) = match places[..] {
        [a, b, c] => (Some(a), Some(b), Some(c)),
        _ => (None, None, None),
    };
    let mut en = Vec::new();
    let mut gold = Vec::new();
    let mut i = 0;
    while i < n {
        let start = en.len();
        if Some(i) == merge {
            en.push(format!("{} {}", rows[i].1, rows[i + 1].1));
            gold.push((i..i + 2, start..start + 1));
            i += 2;
            continue;
        }
        if Some(i) == drop {
            gold.push((i..i + 1, start..start));
        } else if Some(i) == split {
            match split_sentence(&rows[i].1) {
                Some((a, b)) => {
                    en.push(a);
                    en.push(b);
                    gold.push((i..i + 1, start..start + 2));
                }
                None => {
                    en.push(rows[i].1.clone());
                    gold.push((i..i + 1, start..start + 1));
                }
            }
        } else {
            en.push(rows[i].1.clone());
            gold.push((i..i + 1, start..start + 1));
        }
        i += 1;
    }
    TestDoc { ar, en, gold }
}

/// Splits a sentence in two at the comma closest to its middle (else at the middle space);
/// `None` for sentences of fewer than four words.
fn split_sentence(s: &str) -> Option<(String, String)> {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() < 4 {
        return None;
    }
    let mid = s.len() / 2;
    let comma = s
        .match_indices(", ")
        .map(|(i, _)| i + 1)
        .filter(|&i| i > s.len() / 5 && i < s.len() * 4 / 5)
        .min_by_key(|&i| i.abs_diff(mid));
    let at = comma.unwrap_or_else(|| {
        s.match_indices(' ')
            .map(|(i, _)| i)
            .min_by_key(|&i| i.abs_diff(mid))
            .unwrap_or(mid)
    });
    let (a, b) = s.split_at(at);
    let (a, b) = (a.trim(), b.trim());
    (!a.is_empty() && !b.is_empty()).then(|| (a.to_string(), b.to_string()))
}

/// A document whose sentences are the given strings, one per line (the segmenter's line
/// mode), for evaluation input that is already sentence-split.
pub fn document_from_sentences(origin: &str, lang: Lang, sentences: &[String]) -> Document {
    let input = Input {
        origin: Origin(origin.to_string()),
        text: sentences.join("\n"),
    };
    segment_lines(input, Some(lang))
}

/// Beads of an alignment as index ranges.
pub fn index_beads(beads: &[Bead]) -> Vec<IndexBead> {
    let range = |ids: &[SentenceId]| match (ids.first(), ids.last()) {
        (Some(a), Some(b)) => a.index()..b.index() + 1,
        _ => 0..0,
    };
    beads.iter().map(|b| (range(&b.ar), range(&b.en))).collect()
}

/// Strict and lax bead counts, summed over documents.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BeadScores {
    pub test_beads: usize,
    pub gold_beads: usize,
    pub strict_tp_test: usize,
    pub strict_tp_gold: usize,
    pub lax_tp_test: usize,
    pub lax_tp_gold: usize,
}

impl BeadScores {
    /// Adds one document: a test bead is strictly right when the gold has it exactly, laxly
    /// right when a gold bead shares a sentence with it on each non-empty side (a bead with
    /// an empty side is only ever right exactly). Recall counts the same from the gold side.
    pub fn add(&mut self, gold: &[IndexBead], test: &[IndexBead]) {
        let norm = |b: &IndexBead| -> IndexBead {
            let ar = if b.0.is_empty() { 0..0 } else { b.0.clone() };
            let en = if b.1.is_empty() { 0..0 } else { b.1.clone() };
            (ar, en)
        };
        let gold: Vec<IndexBead> = gold.iter().map(norm).collect();
        let test: Vec<IndexBead> = test.iter().map(norm).collect();
        let overlaps = |a: &IndexBead, b: &IndexBead| {
            let meet = |x: &Range<usize>, y: &Range<usize>| x.start < y.end && y.start < x.end;
            if a.0.is_empty() || a.1.is_empty() || b.0.is_empty() || b.1.is_empty() {
                a == b
            } else {
                meet(&a.0, &b.0) && meet(&a.1, &b.1)
            }
        };
        self.test_beads += test.len();
        self.gold_beads += gold.len();
        for t in &test {
            self.strict_tp_test += usize::from(gold.contains(t));
            self.lax_tp_test += usize::from(gold.iter().any(|g| overlaps(g, t)));
        }
        for g in &gold {
            self.strict_tp_gold += usize::from(test.contains(g));
            self.lax_tp_gold += usize::from(test.iter().any(|t| overlaps(g, t)));
        }
    }

    /// (precision, recall, F1), strict.
    pub fn strict(&self) -> (f64, f64, f64) {
        prf(
            self.strict_tp_test,
            self.test_beads,
            self.strict_tp_gold,
            self.gold_beads,
        )
    }

    /// (precision, recall, F1), lax.
    pub fn lax(&self) -> (f64, f64, f64) {
        prf(
            self.lax_tp_test,
            self.test_beads,
            self.lax_tp_gold,
            self.gold_beads,
        )
    }
}

fn prf(tp_test: usize, test: usize, tp_gold: usize, gold: usize) -> (f64, f64, f64) {
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let p = ratio(tp_test, test);
    let r = ratio(tp_gold, gold);
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// Reads `wiki.tsv` of UD Arabic-PUD (document id, sentence id, Arabic, English, proper
/// nouns): the (Arabic, English) rows in file order.
pub fn read_pud_tsv(path: &std::path::Path) -> crate::Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).map_err(|source| crate::Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 4 {
            return Err(crate::Error::Setting {
                name: path.display().to_string(),
                reason: format!("line {}: expected at least 4 tab-separated fields", n + 1),
            });
        }
        rows.push((fields[2].to_string(), fields[3].to_string()));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize) -> Vec<(String, String)> {
        (0..n)
            .map(|i| {
                (
                    format!("جملة {i}"),
                    format!("Sentence number {i}, with several words."),
                )
            })
            .collect()
    }

    #[test]
    fn perturbation_gold_is_consistent() {
        let mut rng = SplitMix::new(7);
        let doc = perturb(&rows(25), &mut rng);
        let ar_covered: usize = doc.gold.iter().map(|b| b.0.len()).sum();
        let en_covered: usize = doc.gold.iter().map(|b| b.1.len()).sum();
        assert_eq!(ar_covered, 25);
        assert_eq!(en_covered, doc.en.len());
        let shapes: Vec<(usize, usize)> = doc.gold.iter().map(|b| (b.0.len(), b.1.len())).collect();
        for shape in [(2, 1), (1, 0), (1, 2)] {
            assert_eq!(
                shapes.iter().filter(|&&s| s == shape).count(),
                1,
                "{shapes:?}"
            );
        }
        // Monotone and contiguous.
        for w in doc.gold.windows(2) {
            assert_eq!(w[0].0.end, w[1].0.start);
            assert_eq!(w[0].1.end, w[1].1.start);
        }
    }

    #[test]
    fn scores_strict_and_lax() {
        let gold: Vec<IndexBead> = vec![(0..1, 0..1), (1..3, 1..2), (3..4, 2..2)];
        // Right, split wrongly (lax only), unaligned kept.
        let test: Vec<IndexBead> = vec![(0..1, 0..1), (1..2, 1..2), (2..3, 2..2), (3..4, 2..2)];
        let mut s = BeadScores::default();
        s.add(&gold, &test);
        let (p, r, _) = s.strict();
        assert!(
            (p - 2.0 / 4.0).abs() < 1e-9 && (r - 2.0 / 3.0).abs() < 1e-9,
            "{s:?}"
        );
        let (p, r, _) = s.lax();
        assert!(
            (p - 3.0 / 4.0).abs() < 1e-9 && (r - 1.0).abs() < 1e-9,
            "{s:?}"
        );
    }

    #[test]
    fn split_at_comma_near_middle() {
        assert_eq!(
            split_sentence("It is rich in minerals, containing large deposits of gold."),
            Some((
                "It is rich in minerals,".into(),
                "containing large deposits of gold.".into()
            ))
        );
        assert_eq!(split_sentence("Too short here"), None);
    }
}
