//! Entities and quotes on the real sample article (`../shared/samples/news-tiktok-ar.txt`)
//! against an English text on the same events written for these tests
//! (`tests/data/tiktok-en.txt`): each Arabic quote must find its English wording first, and the
//! names must pair up, surnames with their full names.

use crate::common::{root, shared};
use std::path::Path;
use tarjuman::align::{self, Lexicon};
use tarjuman::alignment::{Alignment, Bead, EnglishOrigin, EntityKind, Side};
use tarjuman::document::{Document, SentenceId};
use tarjuman::{read, segment};

fn load(path: &Path) -> Document {
    segment::segment(read::read_path(path, None).unwrap(), None)
}

fn english() -> Document {
    load(&root().join("tests/data/tiktok-en.txt"))
}

/// The Debian dictionary when installed (CI installs it); the tests hold without it too.
fn lexicon() -> Option<Lexicon> {
    let lex = Lexicon::find_default();
    if lex.is_none() {
        eprintln!("no Debian dictionary: matching quotes on names and numbers only");
    }
    lex
}

#[test]
fn sample_quotes_find_their_english_wording_first() {
    let Some(path) = shared("samples/news-tiktok-ar.txt") else {
        return;
    };
    let (ar, en) = (load(&path), english());
    let lex = lexicon();
    let matches = align::match_quotes(&ar, std::slice::from_ref(&en), lex.as_ref(), None);
    // (the Arabic quote, by its place in the article: the April 2020 message, the scare
    // quote, the spokesperson's statement; words of the English wording it must find first)
    let mut table = vec![(
        0,
        "The Chinese government entity is interested in joining TikTok",
    )];
    if lex.is_some() {
        table.push((2, "We declined to support this request"));
        table.push((1, "sensitive"));
    }
    assert_eq!(
        ar.quotes.len(),
        3,
        "the segmenter finds the article's three quotes"
    );
    for (index, en_words) in table {
        let q = &ar.quotes[index];
        let ar_words = ar.slice(q.inner);
        let m = matches
            .iter()
            .find(|m| m.side == Side::Ar && m.quote == q.id)
            .expect("every Arabic quote gets a result");
        let best = m
            .matches
            .first()
            .unwrap_or_else(|| panic!("no match for {ar_words}"));
        let text = en.slice(best.span);
        assert!(text.contains(en_words), "{ar_words}: best match {text:?}");
        assert!(best.score > 0.2 && best.score <= 1.0, "{}", best.score);
    }
}

#[test]
fn sample_english_quotes_are_traced_back_to_the_arabic() {
    let Some(path) = shared("samples/news-tiktok-ar.txt") else {
        return;
    };
    let (ar, en) = (load(&path), english());
    let Some(lex) = lexicon() else { return };
    let matches = align::match_quotes(&ar, std::slice::from_ref(&en), Some(&lex), None);
    let q = en
        .quotes
        .iter()
        .find(|q| en.slice(q.inner).starts_with("We declined"))
        .expect("the English quote");
    let m = matches
        .iter()
        .find(|m| m.side == Side::En && m.quote == q.id)
        .expect("English quotes get results");
    let best = m.matches.first().expect("a match in the Arabic article");
    assert!(
        ar.slice(best.span).contains("رفضنا تقديم الدعم"),
        "{}",
        ar.slice(best.span)
    );
}

/// The names of the sample and the English text, pairing each Arabic paragraph's sentences with
/// every English sentence (a test double for the comparable aligner: every pairing is a bead).
#[test]
fn sample_names_pair_up_and_surnames_join_their_entity() {
    let Some(path) = shared("samples/news-tiktok-ar.txt") else {
        return;
    };
    let (ar, en) = (load(&path), english());
    let all_en: Vec<SentenceId> = en.sentences.iter().map(|s| s.id).collect();
    let beads = ar
        .sentences
        .iter()
        .map(|s| Bead {
            ar: vec![s.id],
            en: all_en.clone(),
            score: 1.0,
            flags: Vec::new(),
        })
        .collect();
    let mut al = Alignment {
        ar,
        en,
        origin: EnglishOrigin::Comparable,
        beads,
        entities: Vec::new(),
        quotes: Vec::new(),
    };
    align::link_entities(&mut al, lexicon().as_ref());
    let pairs: Vec<(&str, &str, EntityKind, u32)> = al
        .entities
        .iter()
        .map(|p| {
            (
                al.ar.slice(p.ar_span),
                al.en.slice(p.en_span),
                p.kind,
                p.entity.0,
            )
        })
        .collect();
    let has = |ar: &str, en: &str| pairs.iter().find(|p| p.0 == ar && p.1 == en);
    for (ar_name, en_name) in [
        ("بلومبيرغ", "Bloomberg"),
        ("تيك توك", "TikTok"),
        ("بايت دانس", "ByteDance"),
        ("اليزابيث كانتر", "Elizabeth Kanter"),
        ("كانتر", "Kanter"),
        ("زهاو ليجيان", "Zhao Lijian"),
        ("ليز تروس", "Liz Truss"),
        ("بوريس جونسون", "Boris Johnson"),
        ("المملكة المتحدة", "United Kingdom"),
    ] {
        assert!(
            has(ar_name, en_name).is_some(),
            "{ar_name} ↔ {en_name} missing: {pairs:?}"
        );
    }
    let full = has("اليزابيث كانتر", "Elizabeth Kanter").unwrap().3;
    assert_eq!(
        has("كانتر", "Kanter").unwrap().3,
        full,
        "the surname joins the full name"
    );
    assert_eq!(
        has("بلومبيرغ", "Bloomberg").unwrap().2,
        EntityKind::Organisation,
        "وكالة بلومبيرغ is an agency"
    );
    assert_eq!(
        has("المملكة المتحدة", "United Kingdom").unwrap().2,
        EntityKind::Place
    );
    // Different people keep different ids.
    assert_ne!(has("ليز تروس", "Liz Truss").unwrap().3, full);
}

#[test]
fn quotes_command_writes_the_report_as_json() {
    let Some(path) = shared("samples/news-tiktok-ar.txt") else {
        return;
    };
    let out = std::process::Command::new(crate::common::bin())
        .arg("quotes")
        .arg(&path)
        .arg("--source")
        .arg(root().join("tests/data/tiktok-en.txt"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let quotes = json["quotes"].as_array().expect("a quotes array");
    let first = quotes
        .iter()
        .find(|q| {
            q["text"]
                .as_str()
                .unwrap()
                .contains("الجهة الحكومية الصينية")
        })
        .expect("the first statement");
    for field in ["start", "end", "speaker", "matches"] {
        assert!(first.get(field).is_some(), "no {field} in {first}");
    }
    let best = &first["matches"][0];
    assert!(best["text"]
        .as_str()
        .unwrap()
        .starts_with("The Chinese government entity"));
    assert!(best["source"].as_str().unwrap().ends_with("tiktok-en.txt"));
    // Matches are best first.
    let scores: Vec<f64> = first["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn quotes_command_names_a_missing_source() {
    let Some(path) = shared("samples/news-tiktok-ar.txt") else {
        return;
    };
    let out = std::process::Command::new(crate::common::bin())
        .arg("quotes")
        .arg(&path)
        .args(["--source", "no-such-file.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-file.txt"), "{err}");
}
