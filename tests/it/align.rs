//! Sentence alignment end to end: the evaluation on UD Arabic-PUD (a floor under the
//! figures in docs/readme/align.md), and inputs that must behave: empty and one-sentence
//! sides, swapped languages, 5,000-sentence sides.

use crate::common::shared;
use tarjuman::align::eval::{
    document_from_sentences, index_beads, perturb, read_pud_tsv, BeadScores, SplitMix,
};
use tarjuman::align::{
    align_documents, check_inputs, AlignMode, AlignOptions, AlignWarning, Lexicon,
};
use tarjuman::alignment::Bead;
use tarjuman::Lang;

fn docs(ar: &[&str], en: &[&str]) -> (tarjuman::Document, tarjuman::Document) {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    (
        document_from_sentences("ar.txt", Lang::Ar, &own(ar)),
        document_from_sentences("en.txt", Lang::En, &own(en)),
    )
}

/// Every sentence of both sides appears in exactly one bead, in order.
fn assert_covers(beads: &[Bead], n: usize, m: usize) {
    let ar: Vec<usize> = beads
        .iter()
        .flat_map(|b| b.ar.iter().map(|s| s.index()))
        .collect();
    let en: Vec<usize> = beads
        .iter()
        .flat_map(|b| b.en.iter().map(|s| s.index()))
        .collect();
    assert_eq!(ar, (0..n).collect::<Vec<_>>());
    assert_eq!(en, (0..m).collect::<Vec<_>>());
    for b in beads {
        assert!((0.0..=1.0).contains(&b.score), "{b:?}");
    }
}

fn evaluate(rows: &[(String, String)], lexicon: Option<&Lexicon>) -> BeadScores {
    let mut rng = SplitMix::new(1);
    let mut scores = BeadScores::default();
    for chunk in rows.chunks(25) {
        let doc = perturb(chunk, &mut rng);
        let ar = document_from_sentences("ar", Lang::Ar, &doc.ar);
        let en = document_from_sentences("en", Lang::En, &doc.en);
        let (n, m) = (doc.ar.len(), doc.en.len());
        let alignment = align_documents(ar, en, &AlignOptions::default(), lexicon, None);
        assert_covers(&alignment.beads, n, m);
        scores.add(&doc.gold, &index_beads(&alignment.beads));
    }
    scores
}

#[test]
fn pud_evaluation_with_the_dictionary() {
    let Some(path) = shared("data/ud-pud-ar-en/wiki.tsv") else {
        return;
    };
    let Some(lexicon) = Lexicon::find_default() else {
        eprintln!("skipped: dict-freedict-ara-eng is not installed");
        return;
    };
    let rows = read_pud_tsv(&path).unwrap();
    let scores = evaluate(&rows[..200], Some(&lexicon));
    let (_, _, strict) = scores.strict();
    let (_, _, lax) = scores.lax();
    assert!(strict >= 0.90, "strict F1 {strict:.3}: {scores:?}");
    assert!(lax >= 0.95, "lax F1 {lax:.3}: {scores:?}");
}

#[test]
fn pud_evaluation_without_a_dictionary() {
    let Some(path) = shared("data/ud-pud-ar-en/wiki.tsv") else {
        return;
    };
    let rows = read_pud_tsv(&path).unwrap();
    let scores = evaluate(&rows[..200], None);
    let (_, _, strict) = scores.strict();
    assert!(strict >= 0.75, "strict F1 {strict:.3}: {scores:?}");
}

#[test]
fn empty_and_one_sentence_sides() {
    let ar = ["قالت الحكومة إن الاقتصاد نما بنسبة 3 في المئة عام 2019."];
    let en = ["The government said the economy grew by 3 percent in 2019."];
    let lexicon = Lexicon::find_default();
    let opts = AlignOptions::default();

    let (a, e) = docs(&ar, &en);
    let one = align_documents(a, e, &opts, lexicon.as_ref(), None);
    assert_eq!(one.beads.len(), 1);
    assert_eq!((one.beads[0].ar.len(), one.beads[0].en.len()), (1, 1));

    let (a, e) = docs(&ar, &[]);
    let warnings = check_inputs(&a, &e, lexicon.as_ref(), None);
    assert!(
        warnings
            .iter()
            .any(|w| matches!(w, AlignWarning::EmptySide { .. })),
        "{warnings:?}"
    );
    let empty_en = align_documents(a, e, &opts, lexicon.as_ref(), None);
    assert_covers(&empty_en.beads, 1, 0);

    let (a, e) = docs(&[], &en);
    let empty_ar = align_documents(a, e, &opts, lexicon.as_ref(), None);
    assert_covers(&empty_ar.beads, 0, 1);

    let (a, e) = docs(&[], &[]);
    assert!(align_documents(a, e, &opts, None, None).beads.is_empty());

    for mode in [AlignMode::Parallel, AlignMode::Comparable] {
        let (a, e) = docs(&ar, &[]);
        let opts = AlignOptions {
            mode,
            ..AlignOptions::default()
        };
        let beads = align_documents(a, e, &opts, None, None).beads;
        assert_eq!(beads.len(), 1, "{mode}");
    }
}

#[test]
fn swapped_sides_are_reported() {
    let (a, e) = docs(&["The government said so."], &["قالت الحكومة ذلك."]);
    let warnings = check_inputs(&a, &e, None, None);
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.contains(&AlignWarning::NoLexicon), "{text:?}");
    assert!(
        warnings
            .iter()
            .any(|w| matches!(w, AlignWarning::ArabicSideNotArabic { .. })),
        "{text:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| matches!(w, AlignWarning::EnglishSideArabic { .. })),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("ar.txt") && t.contains("swapped")),
        "{text:?}"
    );
}

/// 5,000 sentences a side with an insertion of 30 English sentences in the middle: the band
/// must widen to follow the path, and memory stays bounded (the band, not n × m).
#[test]
fn five_thousand_sentence_sides() {
    let n = 5000;
    let ar: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "قال التقرير إن العدد بلغ {} في السنة {}.",
                1000 + i,
                1900 + i % 97
            )
        })
        .collect();
    let mut en: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "The report said the number reached {} in the year {}.",
                1000 + i,
                1900 + i % 97
            )
        })
        .collect();
    let extra: Vec<String> = (0..30)
        .map(|k| {
            format!(
                "An unrelated note number {} without a partner.",
                900_000 + k
            )
        })
        .collect();
    en.splice(2500..2500, extra);
    let a = document_from_sentences("ar", Lang::Ar, &ar);
    let e = document_from_sentences("en", Lang::En, &en);
    let alignment = align_documents(a, e, &AlignOptions::default(), None, None);
    assert_covers(&alignment.beads, n, n + 30);
    let right = alignment
        .beads
        .iter()
        .filter(|b| b.ar.len() == 1 && b.en.len() == 1)
        .filter(|b| {
            let (i, j) = (b.ar[0].index(), b.en[0].index());
            j == if i < 2500 { i } else { i + 30 }
        })
        .count();
    assert!(right >= n - 20, "{right} of {n} pairs right");
}

#[test]
fn comparable_mode_finds_sentences_out_of_order() {
    let Some(lexicon) = Lexicon::find_default() else {
        eprintln!("skipped: dict-freedict-ara-eng is not installed");
        return;
    };
    let ar = [
        "باعت الشركة 300 طن من الذهب في لندن.",
        "وقالت الحكومة إن الاقتصاد نما عام 2019.",
    ];
    let en = [
        "The government said the economy grew in 2019, officials added.",
        "Weather was mild across the region.",
        "The company sold 300 tons of gold in London last week.",
    ];
    let (a, e) = docs(&ar, &en);
    let opts = AlignOptions {
        mode: AlignMode::Comparable,
        ..AlignOptions::default()
    };
    let alignment = align_documents(a, e, &opts, Some(&lexicon), None);
    let best_for = |i: usize| {
        alignment
            .beads
            .iter()
            .find(|b| b.ar.first().map(|s| s.index()) == Some(i))
            .and_then(|b| b.en.first().map(|s| s.index()))
    };
    assert_eq!(best_for(0), Some(2), "{:?}", alignment.beads);
    assert_eq!(best_for(1), Some(0), "{:?}", alignment.beads);
    // The weather sentence matches nothing: an unaligned English sentence.
    assert!(alignment
        .beads
        .iter()
        .any(|b| b.ar.is_empty() && b.en.first().map(|s| s.index()) == Some(1)));
}
