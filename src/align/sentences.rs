//! Sentence alignment of an Arabic document with an English one we did not produce.
//!
//! Takes two segmented [`Document`]s, the options, the lexicon if there is one, and a model's
//! translations of the Arabic sentences if there are any; gives an [`Alignment`] whose beads
//! pair the sentences, each with a score in 0..1, unaligned sentences as beads with an empty
//! side. Two modes:
//! - [`AlignMode::Parallel`]: the English text is a translation of the Arabic one (or its
//!   original): a monotone path of beads (see [`super::dp`]).
//! - [`AlignMode::Comparable`]: the English text covers the same story in its own order (a wire
//!   story the Arabic article summarises): each Arabic sentence gets its best English
//!   candidates above a threshold, with scores, as separate 1-1 beads, best first.
//!
//! Inputs that look wrong are reported by [`check_inputs`] as [`AlignWarning`]s for the caller
//! to show; the aligner itself always returns an alignment.

use super::dp::{best_path, PathBead};
use super::evidence::Evidence;
use super::lexicon::Lexicon;
use super::score::Scorer;
use super::stem::is_arabic_letter;
use crate::alignment::{Alignment, Bead, EnglishOrigin};
use crate::document::{Document, Origin, SentenceId};
use std::fmt;

/// How the English text relates to the Arabic one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlignMode {
    /// A translation (either way): monotone beads.
    #[default]
    Parallel,
    /// The same story told separately: best candidates per Arabic sentence, any order.
    Comparable,
}

impl std::str::FromStr for AlignMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "parallel" => Ok(AlignMode::Parallel),
            "comparable" => Ok(AlignMode::Comparable),
            other => Err(format!(
                "unknown alignment mode {other:?} (expected parallel or comparable)"
            )),
        }
    }
}

impl fmt::Display for AlignMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AlignMode::Parallel => "parallel",
            AlignMode::Comparable => "comparable",
        })
    }
}

/// Alignment settings.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignOptions {
    pub mode: AlignMode,
    /// Comparable mode: candidates scoring under this are not reported.
    pub min_score: f32,
    /// Comparable mode: at most this many candidates per Arabic sentence.
    pub max_candidates: usize,
}

impl Default for AlignOptions {
    fn default() -> Self {
        AlignOptions {
            mode: AlignMode::Parallel,
            min_score: 0.3,
            max_candidates: 3,
        }
    }
}

/// Something about the inputs the user should know; the alignment is made regardless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlignWarning {
    /// No bilingual dictionary: aligning with lengths, numbers and names only.
    NoLexicon,
    /// The Arabic side has (almost) no Arabic letters.
    ArabicSideNotArabic { origin: Origin },
    /// The English side is mostly Arabic script.
    EnglishSideArabic { origin: Origin },
    /// A side has no sentences: every sentence of the other side is unaligned.
    EmptySide { origin: Origin },
    /// Translations were given for a different number of sentences: not used.
    TranslationsIgnored { given: usize, sentences: usize },
}

impl fmt::Display for AlignWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AlignWarning::NoLexicon => write!(
                f,
                "no Arabic-English dictionary found (install dict-freedict-ara-eng or pass \
                 --lexicon); aligning with sentence lengths, numbers and names only"
            ),
            AlignWarning::ArabicSideNotArabic { origin } => write!(
                f,
                "{origin} is given as the Arabic side but has almost no Arabic letters \
                 (were the two files swapped?)"
            ),
            AlignWarning::EnglishSideArabic { origin } => write!(
                f,
                "{origin} is given as the English side but is mostly Arabic script \
                 (were the two files swapped?)"
            ),
            AlignWarning::EmptySide { origin } => {
                write!(f, "{origin} has no sentences: nothing to pair with")
            }
            AlignWarning::TranslationsIgnored { given, sentences } => write!(
                f,
                "{given} translations for {sentences} Arabic sentences: translations not used"
            ),
        }
    }
}

/// Share of Arabic letters among all letters of a text (1 for a text with no letters).
fn arabic_share(text: &str) -> f64 {
    let (mut arabic, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if is_arabic_letter(c) {
            arabic += 1;
        }
    }
    if letters == 0 {
        1.0
    } else {
        arabic as f64 / letters as f64
    }
}

/// Warnings about the inputs of [`align_documents`]: swapped or wrong-language sides, an
/// empty side, a missing lexicon, translations that do not fit.
pub fn check_inputs(
    ar: &Document,
    en: &Document,
    lexicon: Option<&Lexicon>,
    ar_translations: Option<&[String]>,
) -> Vec<AlignWarning> {
    let mut out = Vec::new();
    if lexicon.is_none() {
        out.push(AlignWarning::NoLexicon);
    }
    // Arabic news carries Latin names and acronyms; a third of the letters is already odd.
    if !ar.sentences.is_empty() && arabic_share(&ar.text) < 0.3 {
        out.push(AlignWarning::ArabicSideNotArabic {
            origin: ar.origin.clone(),
        });
    }
    if !en.sentences.is_empty() && arabic_share(&en.text) > 0.5 {
        out.push(AlignWarning::EnglishSideArabic {
            origin: en.origin.clone(),
        });
    }
    for doc in [ar, en] {
        if doc.sentences.is_empty() {
            out.push(AlignWarning::EmptySide {
                origin: doc.origin.clone(),
            });
        }
    }
    if let Some(t) = ar_translations {
        if t.len() != ar.sentences.len() {
            out.push(AlignWarning::TranslationsIgnored {
                given: t.len(),
                sentences: ar.sentences.len(),
            });
        }
    }
    out
}

/// Aligns the sentences of an Arabic document with those of an English one, then links the
/// entities inside the beads ([`super::link_entities`]) and matches the Arabic quotes
/// against the English text ([`super::match_quotes`]).
pub fn align_documents(
    ar: Document,
    en: Document,
    opts: &AlignOptions,
    lexicon: Option<&Lexicon>,
    ar_translations: Option<&[String]>,
) -> Alignment {
    let ar_texts: Vec<&str> = (0..ar.sentences.len())
        .map(|i| ar.sentence_text(SentenceId::from_index(i)))
        .collect();
    let en_texts: Vec<&str> = (0..en.sentences.len())
        .map(|j| en.sentence_text(SentenceId::from_index(j)))
        .collect();
    let translations = ar_translations.filter(|t| t.len() == ar_texts.len());
    let evidence = Evidence::new(&ar_texts, &en_texts, lexicon);
    let (beads, origin) = match opts.mode {
        AlignMode::Parallel => {
            let path = best_path(&evidence.ar_len, &evidence.en_len, |band| {
                let masks = evidence.masks(|i| {
                    let lo = band.lo[i].min(band.lo[i + 1]).saturating_sub(3);
                    let hi = band.hi[i].max(band.hi[i + 1]) + 3;
                    (lo, hi)
                });
                Scorer::new(&evidence, masks, translations, &en_texts)
            });
            (
                path.into_iter().map(to_bead).collect(),
                EnglishOrigin::Parallel,
            )
        }
        AlignMode::Comparable => {
            let masks = evidence.masks(|_| (0, en_texts.len()));
            let scorer = Scorer::new(&evidence, masks, translations, &en_texts);
            (
                comparable(&scorer, ar_texts.len(), en_texts.len(), opts),
                EnglishOrigin::Comparable,
            )
        }
    };
    let mut alignment = Alignment {
        ar,
        en,
        origin,
        beads,
        entities: Vec::new(),
        quotes: Vec::new(),
    };
    // Entities and quotes build on the beads.
    super::link_entities(&mut alignment, lexicon);
    alignment.quotes = super::match_quotes(
        &alignment.ar,
        std::slice::from_ref(&alignment.en),
        lexicon,
        translations,
    );
    alignment
}

fn to_bead(b: PathBead) -> Bead {
    Bead {
        ar: b.ar.map(SentenceId::from_index).collect(),
        en: b.en.map(SentenceId::from_index).collect(),
        score: b.score.clamp(0.0, 1.0) as f32,
        flags: Vec::new(),
    }
}

/// Comparable mode: per Arabic sentence, its best English sentences (score ≥ the threshold,
/// at most `max_candidates`, best first); an Arabic sentence without any is a 1-0 bead.
/// English sentences no Arabic sentence picked are listed last as 0-1 beads.
fn comparable(scorer: &Scorer, n: usize, m: usize, opts: &AlignOptions) -> Vec<Bead> {
    let mut beads = Vec::new();
    let mut picked = vec![false; m];
    // Best score of each English sentence against any Arabic one: an unpicked sentence's
    // confidence that it has no partner.
    let mut en_best = vec![0.0f64; m];
    for i in 0..n {
        let all: Vec<(usize, f64)> = (0..m)
            .map(|j| (j, scorer.score(i..i + 1, j..j + 1).comparable()))
            .collect();
        for &(j, s) in &all {
            en_best[j] = en_best[j].max(s);
        }
        let ar_best = all.iter().map(|c| c.1).fold(0.0, f64::max);
        let mut candidates: Vec<(usize, f64)> = all
            .into_iter()
            .filter(|&(_, s)| s >= f64::from(opts.min_score))
            .collect();
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(opts.max_candidates);
        if candidates.is_empty() {
            beads.push(to_bead(PathBead {
                ar: i..i + 1,
                en: 0..0,
                score: 1.0 - ar_best,
            }));
        }
        for (j, s) in candidates {
            picked[j] = true;
            beads.push(to_bead(PathBead {
                ar: i..i + 1,
                en: j..j + 1,
                score: s,
            }));
        }
    }
    for j in (0..m).filter(|&j| !picked[j]) {
        beads.push(to_bead(PathBead {
            ar: 0..0,
            en: j..j + 1,
            score: 1.0 - en_best[j],
        }));
    }
    beads
}
