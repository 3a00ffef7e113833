//! Bead scoring: how likely a group of Arabic sentences and a group of English sentences are
//! translations of each other, in 0..1.
//!
//! Takes the [`Evidence`] of both documents (units and match masks), optionally a model's
//! translations of the Arabic sentences, and gives [`Scorer::score`] for any bead of up to
//! three sentences a side. Three signals:
//! - *lexical*: the share of the bead's units (dictionary words, numbers, names, both sides)
//!   that the other side matches, a Dice coefficient over evidence (hunalign's idea, with the
//!   Debian dictionary);
//! - *length*: the Gale–Church probability of the two character lengths, with the ratio
//!   estimated on the document pair instead of assumed (Arabic writes few vowels: English is
//!   about 1.2× longer in characters);
//! - *chrF* between the model's translation of the Arabic group and the English group, when
//!   translations are given (Bleualign's idea, with chrF instead of BLEU: robust on single
//!   sentences).

use super::evidence::{Evidence, MaskTable};

/// Gale–Church's variance of the length difference per character (Gale & Church 1993, s²).
const GC_VARIANCE: f64 = 6.8;
/// chrF's character n-gram orders and recall weight (Popović 2015; sacrebleu defaults).
const CHRF_ORDER: usize = 6;
const CHRF_BETA: f64 = 2.0;

/// Scores beads of one document pair.
pub struct Scorer<'a> {
    pub evidence: &'a Evidence,
    pub masks: MaskTable,
    /// English characters per Arabic character, on this document pair.
    ratio: f64,
    /// Per Arabic sentence: the model's translation, as character n-gram counts.
    translations: Option<Vec<NGrams>>,
    en_ngrams: Option<Vec<NGrams>>,
}

/// The parts of a bead's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeadScore {
    /// Lexical coverage in 0..1, `None` when neither side has any unit.
    pub lexical: Option<f64>,
    /// Number of units on both sides (how much the lexical figure rests on).
    pub units: usize,
    /// Gale–Church probability of the lengths, 0..1.
    pub length: f64,
    /// chrF of the model's translation against the English group, 0..1.
    pub chrf: Option<f64>,
}

impl BeadScore {
    /// The combined confidence in 0..1. Lexical evidence weighs in by how much of it there
    /// is (a bead with two units says less than one with twenty); the length probability
    /// fills the rest; chrF, when there, is the strongest signal.
    pub fn combined(&self) -> f64 {
        let weight = (self.units as f64 / 8.0).min(1.0) * 0.75;
        let base = match self.lexical {
            Some(lex) => weight * lexical_scale(lex) + (1.0 - weight) * self.length,
            None => self.length,
        };
        match self.chrf {
            Some(c) => 0.35 * base + 0.65 * chrf_scale(c),
            None => base,
        }
    }
}

impl BeadScore {
    /// The confidence for comparable texts, where lengths say nothing (a summary is shorter
    /// than its source): lexical evidence, discounted when there is little of it, and chrF.
    pub fn comparable(&self) -> f64 {
        let base = self.lexical.map_or(0.0, |lex| {
            lexical_scale(lex) * (self.units as f64 / 6.0).min(1.0)
        });
        match self.chrf {
            Some(c) => 0.4 * base + 0.6 * chrf_scale(c),
            None => base,
        }
    }
}

/// Lexical coverage of true translation pairs sits around 0.3–0.6 with a general dictionary
/// and near 0 for unrelated sentences: stretch it onto 0..1.
fn lexical_scale(lex: f64) -> f64 {
    (lex / 0.5).min(1.0)
}

/// chrF of a sentence-level MT output against a human reference is ~0.4–0.7 when they
/// translate each other and ~0.1–0.2 when not.
fn chrf_scale(c: f64) -> f64 {
    ((c - 0.15) / 0.4).clamp(0.0, 1.0)
}

impl<'a> Scorer<'a> {
    pub fn new(
        evidence: &'a Evidence,
        masks: MaskTable,
        translations: Option<&[String]>,
        en_texts: &[&str],
    ) -> Scorer<'a> {
        let ar_total: f64 = evidence.ar_len.iter().sum();
        let en_total: f64 = evidence.en_len.iter().sum();
        let ratio = if ar_total > 0.0 && en_total > 0.0 {
            en_total / ar_total
        } else {
            1.0
        };
        let translations: Option<Vec<NGrams>> =
            translations.map(|t| t.iter().map(|s| NGrams::new(s)).collect());
        let en_ngrams: Option<Vec<NGrams>> = translations
            .as_ref()
            .map(|_| en_texts.iter().map(|s| NGrams::new(s)).collect());
        // chrF is evidence only when the model's translation resembles the English at all:
        // over the whole document a real translation scores ~0.4–0.6, an unrelated text or a
        // broken model's output under 0.15 (chrf_scale's floor). Below that, every bead would
        // get chrF ≈ 0 and its weight would only drag the scores down, so it is left out.
        let informative = match (&translations, &en_ngrams) {
            (Some(tr), Some(en)) => chrf(&NGrams::sum(tr.iter()), &NGrams::sum(en.iter())) >= 0.15,
            _ => false,
        };
        Scorer {
            evidence,
            masks,
            ratio,
            translations: translations.filter(|_| informative),
            en_ngrams: en_ngrams.filter(|_| informative),
        }
    }

    /// The score of the bead pairing Arabic sentences `ar` with English sentences `en`
    /// (both non-empty ranges).
    pub fn score(&self, ar: std::ops::Range<usize>, en: std::ops::Range<usize>) -> BeadScore {
        let ev = self.evidence;
        let mut matched = 0u32;
        let mut en_bits = [0u128; 3];
        for i in ar.clone() {
            let mut ar_bits = 0u128;
            for (k, j) in en.clone().enumerate() {
                let m = self.masks.get(i, j);
                ar_bits |= m.ar;
                en_bits[k.min(2)] |= m.en;
            }
            matched += ar_bits.count_ones();
        }
        matched += en_bits.iter().map(|b| b.count_ones()).sum::<u32>();
        let units: usize = ar.clone().map(|i| ev.ar_units(i)).sum::<usize>()
            + en.clone().map(|j| ev.en_units(j)).sum::<usize>();
        let lexical = (units > 0).then(|| f64::from(matched) / units as f64);
        let la: f64 = ar.clone().map(|i| ev.ar_len[i]).sum();
        let le: f64 = en.clone().map(|j| ev.en_len[j]).sum();
        let chrf = match (&self.translations, &self.en_ngrams) {
            (Some(tr), Some(en_ng)) => {
                let hyp = NGrams::sum(ar.clone().map(|i| &tr[i]));
                let reference = NGrams::sum(en.clone().map(|j| &en_ng[j]));
                Some(chrf(&hyp, &reference))
            }
            _ => None,
        };
        BeadScore {
            lexical,
            units,
            length: gale_church(la, le, self.ratio),
            chrf,
        }
    }
}

/// Gale–Church: the two-sided probability of a length difference at least this large, for
/// Arabic length `la` and English length `le` with `ratio` English characters per Arabic one.
pub fn gale_church(la: f64, le: f64, ratio: f64) -> f64 {
    let mean = (la * ratio + le) / 2.0;
    if mean <= 0.0 {
        return 1.0;
    }
    let delta = (le - la * ratio) / (GC_VARIANCE * mean).sqrt();
    2.0 * (1.0 - normal_cdf(delta.abs()))
}

/// The standard normal CDF (Abramowitz & Stegun 26.2.17, error < 7.5e-8).
fn normal_cdf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.231_641_9 * x.abs());
    let poly = t
        * (0.319_381_530
            + t * (-0.356_563_782
                + t * (1.781_477_937 + t * (-1.821_255_978 + t * 1.330_274_429))));
    let tail = (-x * x / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() * poly;
    if x >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// Character n-gram counts of a text (whitespace removed, as sacrebleu's chrF), per order,
/// as sorted (hash, count) lists: groups merge and compare by walking two sorted lists, which
/// keeps chrF cheap enough to score every bead of the band. (A 64-bit hash collision between
/// two different n-grams of one bead is vanishingly rare and would only nudge a score.)
#[derive(Debug, Clone, Default)]
pub struct NGrams {
    counts: [Vec<(u64, u32)>; CHRF_ORDER],
}

impl NGrams {
    pub fn new(text: &str) -> NGrams {
        let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        let mut out = NGrams::default();
        for n in 1..=CHRF_ORDER {
            let mut grams: Vec<u64> = chars.windows(n).map(hash_gram).collect();
            grams.sort_unstable();
            let list = &mut out.counts[n - 1];
            for g in grams {
                match list.last_mut() {
                    Some((last, c)) if *last == g => *c += 1,
                    _ => list.push((g, 1)),
                }
            }
        }
        out
    }

    /// The counts of several texts together (a group of sentences; n-grams across the
    /// sentence boundary are not counted, which matters little at n ≤ 6).
    pub fn sum<'b>(parts: impl Iterator<Item = &'b NGrams>) -> NGrams {
        let mut out = NGrams::default();
        for part in parts {
            for (total, counts) in out.counts.iter_mut().zip(&part.counts) {
                *total = merge_counts(total, counts);
            }
        }
        out
    }
}

/// FNV-1a over the characters of an n-gram.
fn hash_gram(gram: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in gram {
        h ^= u64::from(c);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Two sorted count lists added.
fn merge_counts(a: &[(u64, u32)], b: &[(u64, u32)]) -> Vec<(u64, u32)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 + b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// The clipped matches of two sorted count lists.
fn common_count(a: &[(u64, u32)], b: &[(u64, u32)]) -> u32 {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += a[i].1.min(b[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// chrF (β = 2) of a hypothesis against a reference, in 0..1: character n-gram precision and
/// recall averaged over orders 1–6, recall weighted twice.
pub fn chrf(hyp: &NGrams, reference: &NGrams) -> f64 {
    let (mut precision, mut recall, mut orders) = (0.0, 0.0, 0);
    for (h, r) in hyp.counts.iter().zip(&reference.counts) {
        let h_total: u32 = h.iter().map(|g| g.1).sum();
        let r_total: u32 = r.iter().map(|g| g.1).sum();
        if h_total == 0 || r_total == 0 {
            continue;
        }
        let common = common_count(h, r);
        precision += f64::from(common) / f64::from(h_total);
        recall += f64::from(common) / f64::from(r_total);
        orders += 1;
    }
    if orders == 0 {
        return 0.0;
    }
    let (p, r) = (precision / orders as f64, recall / orders as f64);
    let b2 = CHRF_BETA * CHRF_BETA;
    if p + r == 0.0 {
        0.0
    } else {
        (1.0 + b2) * p * r / (b2 * p + r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gale_church_table() {
        // (ar length, en length, ratio, lower bound, upper bound)
        let cases = [
            (100.0, 120.0, 1.2, 0.99, 1.0),
            (100.0, 130.0, 1.2, 0.4, 0.9),
            (100.0, 240.0, 1.2, 0.0, 0.001),
            (0.0, 0.0, 1.2, 1.0, 1.0),
            (10.0, 300.0, 1.0, 0.0, 1e-6),
        ];
        for (la, le, ratio, lo, hi) in cases {
            let p = gale_church(la, le, ratio);
            assert!(
                (lo..=hi).contains(&p),
                "gale_church({la}, {le}, {ratio}) = {p}"
            );
        }
    }

    #[test]
    fn normal_cdf_values() {
        for (x, want) in [
            (0.0, 0.5),
            (1.0, 0.841_344_7),
            (-1.96, 0.024_997_9),
            (3.0, 0.998_650_1),
        ] {
            assert!((normal_cdf(x) - want).abs() < 1e-6, "Φ({x})");
        }
    }

    #[test]
    fn chrf_values() {
        let same = NGrams::new("the cat sat on the mat");
        assert!((chrf(&same, &same) - 1.0).abs() < 1e-9);
        let other = NGrams::new("quarterly exports grew");
        assert!(chrf(&same, &other) < 0.2);
        let close = NGrams::new("the cat sat on a mat");
        let c = chrf(&close, &same);
        assert!(c > 0.6 && c < 1.0, "{c}");
        assert_eq!(chrf(&NGrams::new(""), &same), 0.0);
        // A group's counts are its sentences' counts added.
        let group = NGrams::sum([NGrams::new("the cat"), NGrams::new("sat")].iter());
        let c = chrf(&group, &NGrams::new("thecatsat"));
        // ... so only the n-grams across the boundary are missing.
        assert!(c > 0.6 && c < 1.0, "{c}");
        assert_eq!(chrf(&group, &NGrams::new("the cat sat")), c);
    }

    #[test]
    fn combined_score_ranks() {
        let strong = BeadScore {
            lexical: Some(0.5),
            units: 12,
            length: 0.9,
            chrf: None,
        };
        let weak = BeadScore {
            lexical: Some(0.05),
            units: 12,
            length: 0.9,
            chrf: None,
        };
        let lengths_only = BeadScore {
            lexical: None,
            units: 0,
            length: 0.7,
            chrf: None,
        };
        assert!(strong.combined() > 0.9);
        assert!(weak.combined() < 0.4);
        assert!((lengths_only.combined() - 0.7).abs() < 1e-9);
        for s in [strong, weak, lengths_only] {
            assert!((0.0..=1.0).contains(&s.combined()));
        }
    }
}
