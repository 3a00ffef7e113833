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
    eprintln!("first 200 rows, dictionary: strict F1 {strict:.3}, lax F1 {lax:.3}");
    assert!(strict >= 0.95, "strict F1 {strict:.3}: {scores:?}");
    assert!(lax >= 0.97, "lax F1 {lax:.3}: {scores:?}");
}

#[test]
fn pud_evaluation_without_a_dictionary() {
    let Some(path) = shared("data/ud-pud-ar-en/wiki.tsv") else {
        return;
    };
    let rows = read_pud_tsv(&path).unwrap();
    let scores = evaluate(&rows[..200], None);
    let (_, _, strict) = scores.strict();
    eprintln!("first 200 rows, no dictionary: strict F1 {strict:.3}");
    assert!(strict >= 0.70, "strict F1 {strict:.3}: {scores:?}");
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

/// A model's translations (here a test double: an oracle that "translates" each Arabic row
/// into its own English row) add chrF evidence; with them and no dictionary the aligner must
/// do far better than lengths alone.
#[test]
fn translations_add_chrf_evidence() {
    let Some(path) = shared("data/ud-pud-ar-en/wiki.tsv") else {
        return;
    };
    let rows = read_pud_tsv(&path).unwrap();
    let mut rng = SplitMix::new(1);
    let mut scores = BeadScores::default();
    for chunk in rows[..200].chunks(25) {
        let doc = perturb(chunk, &mut rng);
        let oracle: Vec<String> = chunk.iter().map(|r| r.1.clone()).collect();
        let ar = document_from_sentences("ar", Lang::Ar, &doc.ar);
        let en = document_from_sentences("en", Lang::En, &doc.en);
        let alignment = align_documents(ar, en, &AlignOptions::default(), None, Some(&oracle));
        scores.add(&doc.gold, &index_beads(&alignment.beads));
    }
    let (_, _, strict) = scores.strict();
    eprintln!("first 200 rows, oracle translations, no dictionary: strict F1 {strict:.3}");
    assert!(strict >= 0.95, "strict F1 {strict:.3}: {scores:?}");
}

const AR_SAMPLE: &str = "أعلنت وزارة المالية يوم الثلاثاء أن الاقتصاد نما بنسبة 3.5 في المئة عام 2023.\n\n\
وقال الوزير إن الصادرات ارتفعت إلى 120 مليار دولار. وأضاف أن الحكومة ستخفض الضرائب على الشركات الصغيرة.\n\n\
ولم تعلق بلومبيرغ على التقرير.\n";
const EN_SAMPLE: &str = "The Ministry of Finance announced on Tuesday that the economy grew by 3.5 percent in 2023.\n\n\
The minister said exports rose to 120 billion dollars, adding that the government would cut taxes on small companies.\n\n\
Bloomberg did not comment on the report. Analysts expect slower growth next year.\n";

fn run_align(dir: &std::path::Path, ar: &str, en: &str, extra: &[&str]) -> std::process::Output {
    let (a, e) = (dir.join("ar.txt"), dir.join("en.txt"));
    std::fs::write(&a, ar).unwrap();
    std::fs::write(&e, en).unwrap();
    std::process::Command::new(crate::common::bin())
        .arg("align")
        .args([&a, &e])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn cli_align_json_has_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_align(dir.path(), AR_SAMPLE, EN_SAMPLE, &["--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ar_sentences"].as_array().unwrap().len(), 4);
    assert_eq!(json["en_sentences"].as_array().unwrap().len(), 4);
    for key in ["id", "paragraph", "start", "end", "text"] {
        assert!(json["ar_sentences"][0].get(key).is_some(), "{key}");
    }
    let beads = json["beads"].as_array().unwrap();
    let pairs: Vec<(serde_json::Value, serde_json::Value)> = beads
        .iter()
        .map(|b| (b["ar"].clone(), b["en"].clone()))
        .collect();
    // The two Arabic sentences of the second paragraph are one English sentence; the last
    // English sentence has no Arabic partner.
    assert_eq!(
        pairs,
        [
            (serde_json::json!([0]), serde_json::json!([0])),
            (serde_json::json!([1, 2]), serde_json::json!([1])),
            (serde_json::json!([3]), serde_json::json!([2])),
            (serde_json::json!([]), serde_json::json!([3])),
        ],
        "{beads:?}"
    );
    for b in beads {
        let s = b["score"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&s), "{b}");
    }
    assert!(json["entities"].is_array() && json["quotes"].is_array());
}

#[test]
fn cli_align_warns_about_swapped_files_and_a_missing_lexicon_once() {
    let dir = tempfile::tempdir().unwrap();
    let terms = dir.path().join("terms.tsv");
    std::fs::write(&terms, "وزارة\tministry\n").unwrap();
    let out = run_align(
        dir.path(),
        EN_SAMPLE,
        AR_SAMPLE,
        &["-f", "tsv", "--lexicon", terms.to_str().unwrap()],
    );
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ar.txt is given as the Arabic side"), "{err}");
    assert!(err.contains("en.txt is given as the English side"), "{err}");
    assert!(!err.contains("dictionary"), "{err}");

    let out = std::process::Command::new(crate::common::bin())
        .args(["align", "--lexicon"])
        .arg(dir.path().join("missing.tsv"))
        .arg(dir.path().join("ar.txt"))
        .arg(dir.path().join("en.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing.tsv"), "{err}");
}

#[test]
fn cli_align_bad_inputs_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_align(dir.path(), AR_SAMPLE, "", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("en.txt"), "{err}");

    let out = run_align(dir.path(), AR_SAMPLE, EN_SAMPLE, &["-f", "moses"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o PREFIX"));

    let prefix = dir.path().join("pair");
    let out = run_align(
        dir.path(),
        AR_SAMPLE,
        EN_SAMPLE,
        &["-f", "moses", "-o", prefix.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ar = std::fs::read_to_string(dir.path().join("pair.ar")).unwrap();
    let en = std::fs::read_to_string(dir.path().join("pair.en")).unwrap();
    assert_eq!(ar.lines().count(), en.lines().count());
}

#[test]
fn cli_align_with_a_model_translates_first_and_keeps_the_beads() {
    // Regression: the tiny random-weight model's English is noise; its chrF (≈ 0 for every
    // bead) once dragged all scores down and broke the 2-1 bead into 1-0/0-1 beads. A model
    // whose output does not resemble the English must leave the beads as without a model.
    let dir = tempfile::tempdir().unwrap();
    let model = crate::common::root().join("models/tiny-marian");
    let model = model.to_str().unwrap();
    let with = run_align(
        dir.path(),
        AR_SAMPLE,
        EN_SAMPLE,
        &[
            "--format",
            "json",
            "--model-dir",
            model,
            "--beam",
            "1",
            "-q",
        ],
    );
    assert!(
        with.status.success(),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
    let without = run_align(dir.path(), AR_SAMPLE, EN_SAMPLE, &["--format", "json"]);
    let beads = |out: &std::process::Output| {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["beads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| (b["ar"].clone(), b["en"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(beads(&with), beads(&without));
    // A model folder that does not exist is an error naming it, not a silent model-less run.
    let bad = run_align(
        dir.path(),
        AR_SAMPLE,
        EN_SAMPLE,
        &["--model-dir", "/nonexistent/model"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("/nonexistent/model"));
}
