//! The monotone dynamic programme over beads (parallel mode).
//!
//! Takes the sentence counts of both sides and a [`Scorer`] and gives the best path of beads
//! from (0, 0) to (n, m): 0-1, 1-0, 1-1, 1-2, 2-1, 2-2, 1-3 and 3-1, as Vecalign and
//! Bertalign allow (up to three sentences a side, four in all). A bead of `a + b` sentences
//! that score `s` is worth `(a + b)(s − τ)` less a prior for its type (Gale–Church's bead
//! priors, as a cost), so every sentence is paid for once whatever the grouping, and a pair
//! that scores under τ is better left unaligned (0 for a skip).
//!
//! Memory and time stay bounded: the programme only visits a band of columns around the
//! diagonal that the cumulative sentence lengths draw (where the English position should be
//! if both texts run at the same pace), `O(n · w)` cells. When the best path touches the
//! band's edge (a long insertion drifts the path off the diagonal), the band is doubled and
//! the programme run again, up to a cell budget; this plays the role of Vecalign's coarse
//! first pass.

use super::score::Scorer;
use std::ops::Range;

/// Bead shapes: (Arabic sentences, English sentences, cost).
const BEADS: [(usize, usize, f64); 8] = [
    (1, 1, 0.0),
    (1, 0, 0.0),
    (0, 1, 0.0),
    (2, 1, 0.3),
    (1, 2, 0.3),
    (2, 2, 1.0),
    (3, 1, 0.9),
    (1, 3, 0.9),
];
/// A pair scoring under this is worth less than leaving both sentences unaligned.
const THRESHOLD: f64 = 0.3;
/// The first band's half width, in sentences.
pub const FIRST_BAND: usize = 24;
/// At most this many cells (rows × band width): ~5,000 × 2 × 400. Past it the band stops
/// growing and the path is the best inside it.
const CELL_BUDGET: usize = 4_000_000;

/// One bead of the path: sentence ranges and the combined score.
#[derive(Debug, Clone, PartialEq)]
pub struct PathBead {
    pub ar: Range<usize>,
    pub en: Range<usize>,
    pub score: f64,
}

/// The columns each row may visit.
#[derive(Debug, Clone)]
pub struct Band {
    pub lo: Vec<usize>,
    pub hi: Vec<usize>,
}

impl Band {
    /// A band of half width `w` around the length diagonal: row i's centre is where the
    /// English text has run the same share of its characters as the Arabic text at i.
    pub fn around_diagonal(ar_len: &[f64], en_len: &[f64], w: usize) -> Band {
        let (n, m) = (ar_len.len(), en_len.len());
        let ar_total: f64 = ar_len.iter().sum();
        let en_total: f64 = en_len.iter().sum();
        // English cumulative shares, to find the column at a given share.
        let mut en_cum = Vec::with_capacity(m + 1);
        let mut acc = 0.0;
        en_cum.push(0.0);
        for l in en_len {
            acc += l;
            en_cum.push(if en_total > 0.0 { acc / en_total } else { 0.0 });
        }
        let mut centre = Vec::with_capacity(n + 1);
        let mut acc = 0.0;
        for i in 0..=n {
            let share = if ar_total > 0.0 {
                acc / ar_total
            } else {
                i as f64 / n.max(1) as f64
            };
            let c = if i == n {
                m
            } else if en_total > 0.0 {
                en_cum.partition_point(|&x| x < share).min(m)
            } else {
                ((share * m as f64).round() as usize).min(m)
            };
            centre.push(c);
            acc += ar_len.get(i).copied().unwrap_or(0.0);
        }
        let mut lo = Vec::with_capacity(n + 1);
        let mut hi = Vec::with_capacity(n + 1);
        for i in 0..=n {
            let before = centre[i.saturating_sub(1)].min(centre[i]);
            let after = centre[(i + 1).min(n)].max(centre[i]);
            lo.push(if i == 0 { 0 } else { before.saturating_sub(w) });
            hi.push(if i == n { m } else { (after + w).min(m) });
        }
        Band { lo, hi }
    }

    pub fn contains(&self, i: usize, j: usize) -> bool {
        i < self.lo.len() && self.lo[i] <= j && j <= self.hi[i]
    }

    fn cells(&self) -> usize {
        self.lo.iter().zip(&self.hi).map(|(l, h)| h - l + 1).sum()
    }
}

/// The best monotone path through the band. `scorer_for(band)` builds the scorer for a band
/// (its match masks are computed for that band only).
pub fn best_path<'a>(
    ar_len: &[f64],
    en_len: &[f64],
    mut scorer_for: impl FnMut(&Band) -> Scorer<'a>,
) -> Vec<PathBead> {
    let (n, m) = (ar_len.len(), en_len.len());
    let mut w = FIRST_BAND;
    loop {
        let band = Band::around_diagonal(ar_len, en_len, w);
        let scorer = scorer_for(&band);
        let (path, touched) = run(n, m, &band, &scorer);
        let wider = Band::around_diagonal(ar_len, en_len, w * 2);
        if !touched || wider.cells() > CELL_BUDGET || w >= n.max(m) {
            return score_skips(path, &scorer, &band);
        }
        w *= 2;
    }
}

/// One run of the programme inside `band`: the path, and whether it touched the band's edge.
fn run(n: usize, m: usize, band: &Band, scorer: &Scorer) -> (Vec<PathBead>, bool) {
    // Per row: best value and the bead that reached each cell of the band.
    let mut value: Vec<Vec<f64>> = Vec::with_capacity(n + 1);
    let mut back: Vec<Vec<u8>> = Vec::with_capacity(n + 1);
    for i in 0..=n {
        let width = band.hi[i] - band.lo[i] + 1;
        let mut vrow = vec![f64::NEG_INFINITY; width];
        let mut brow = vec![u8::MAX; width];
        for (c, j) in (band.lo[i]..=band.hi[i]).enumerate() {
            if i == 0 && j == 0 {
                vrow[c] = 0.0;
                continue;
            }
            for (t, &(a, b, cost)) in BEADS.iter().enumerate() {
                if a > i || b > j || !band.contains(i - a, j - b) {
                    continue;
                }
                let prev = if a == 0 {
                    vrow[c - b]
                } else {
                    value[i - a][j - b - band.lo[i - a]]
                };
                if prev == f64::NEG_INFINITY {
                    continue;
                }
                let gain = if a == 0 || b == 0 {
                    0.0
                } else {
                    let s = scorer.score(i - a..i, j - b..j).combined();
                    (a + b) as f64 * (s - THRESHOLD) - cost
                };
                if prev + gain > vrow[c] {
                    vrow[c] = prev + gain;
                    brow[c] = t as u8;
                }
            }
        }
        value.push(vrow);
        back.push(brow);
    }
    let mut path = Vec::new();
    let mut touched = false;
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if (j == band.lo[i] && j > 0) || (j == band.hi[i] && j < m) {
            touched = true;
        }
        let t = back[i][j - band.lo[i]];
        let (a, b, _) = BEADS[usize::from(t)];
        let score = if a > 0 && b > 0 {
            scorer.score(i - a..i, j - b..j).combined()
        } else {
            0.0
        };
        path.push(PathBead {
            ar: i - a..i,
            en: j - b..j,
            score,
        });
        i -= a;
        j -= b;
    }
    path.reverse();
    (path, touched)
}

/// Scores the unaligned sentences of a path: one minus the best lexical score (see
/// [`BeadScore::comparable`](super::score::BeadScore::comparable)) the sentence has against
/// the other side's sentences near its place: how sure we are it has no partner. Lengths
/// are left out here, as any two short sentences have likely lengths.
fn score_skips(mut path: Vec<PathBead>, scorer: &Scorer, band: &Band) -> Vec<PathBead> {
    let (n, m) = (band.lo.len() - 1, band.hi[band.hi.len() - 1]);
    for bead in &mut path {
        if bead.ar.is_empty() == bead.en.is_empty() {
            continue;
        }
        let best = if bead.en.is_empty() {
            let i = bead.ar.start;
            let j0 = bead.en.start;
            (j0.saturating_sub(2)..(j0 + 2).min(m))
                .map(|j| scorer.score(i..i + 1, j..j + 1).comparable())
                .fold(0.0, f64::max)
        } else {
            let j = bead.en.start;
            let i0 = bead.ar.start;
            (i0.saturating_sub(2)..(i0 + 2).min(n))
                .map(|i| scorer.score(i..i + 1, j..j + 1).comparable())
                .fold(0.0, f64::max)
        };
        bead.score = 1.0 - best;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_follows_lengths_and_connects() {
        // A long first Arabic sentence: the centre jumps, the rows still overlap.
        let band = Band::around_diagonal(&[100.0, 10.0, 10.0], &[50.0, 50.0, 12.0, 12.0], 1);
        assert_eq!(band.lo[0], 0);
        assert_eq!(band.hi[3], 4);
        for i in 1..=3 {
            assert!(
                band.lo[i] <= band.hi[i - 1],
                "rows {} and {i} overlap: {band:?}",
                i - 1
            );
        }
        assert!(band.contains(1, 2) && !band.contains(3, 0));
    }

    #[test]
    fn band_of_empty_sides() {
        let band = Band::around_diagonal(&[], &[5.0, 5.0], 3);
        assert_eq!((band.lo.clone(), band.hi.clone()), (vec![0], vec![2]));
        let band = Band::around_diagonal(&[5.0, 5.0], &[], 3);
        assert_eq!(
            (band.lo.clone(), band.hi.clone()),
            (vec![0, 0, 0], vec![0, 0, 0])
        );
    }
}
