//! The Rust Marian tokenizer against HF transformers' MarianTokenizer: the ids, pieces, byte
//! offsets and decoded strings recorded by `scripts/make_tiny_model.py` in
//! `tests/data/reference/`.

use crate::common::root;
use serde_json::Value;
use tarjuman::model::tokenizer::{MarianTokenizer, SentencePiece};

fn reference(name: &str) -> Value {
    let path = root().join("tests/data/reference").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn tiny() -> MarianTokenizer {
    MarianTokenizer::from_dir(&root().join("models/tiny-marian")).unwrap()
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn ranges(v: &Value) -> Vec<std::ops::Range<usize>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_u64().unwrap() as usize..p[1].as_u64().unwrap() as usize)
        .collect()
}

/// Whether HF handled the row beyond plain SentencePiece (special tokens split out, or a
/// language code): then the recorded spm pieces/offsets are of the unsplit text.
fn plain(text: &str) -> bool {
    !text.starts_with(">>") && !["</s>", "<unk>", "<pad>"].iter().any(|t| text.contains(t))
}

fn check_side(rows: &Value, encode: impl Fn(&str) -> tarjuman::model::tokenizer::Encoding) {
    let tok = tiny();
    let rows = rows.as_array().unwrap();
    let mut failures = Vec::new();
    for row in rows {
        let text = row["text"].as_str().unwrap();
        let enc = encode(text);
        let want = u32s(&row["ids"]);
        if enc.ids != want {
            failures.push(format!(
                "ids of {text:?}:\n  rust {:?}\n  hf   {want:?}",
                enc.ids
            ));
            continue;
        }
        if plain(text) {
            let n = enc.len() - 1;
            let pieces = strings(&row["pieces"]);
            if enc.tokens[..n] != pieces[..] {
                failures.push(format!(
                    "pieces of {text:?}: {:?} vs {pieces:?}",
                    &enc.tokens[..n]
                ));
            }
            let offsets = ranges(&row["offsets"]);
            if enc.offsets[..n] != offsets[..] {
                failures.push(format!(
                    "offsets of {text:?}: {:?} vs {offsets:?}",
                    &enc.offsets[..n]
                ));
            }
        }
        let decoded = tok.decode(&enc.ids, true);
        if decoded != row["decoded"].as_str().unwrap() {
            failures.push(format!(
                "decode of {text:?}: {decoded:?} vs {}",
                row["decoded"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn source_ids_pieces_offsets_and_decoding_match_marian_tokenizer() {
    let reference = reference("tokenizer.json");
    assert!(reference["source"].as_array().unwrap().len() >= 200);
    let tok = tiny();
    check_side(&reference["source"], |t| tok.encode(t));
}

#[test]
fn target_ids_match_marian_tokenizer_text_target() {
    let reference = reference("tokenizer.json");
    let tok = tiny();
    check_side(&reference["target"], |t| tok.encode_target(t));
}

#[test]
fn decoding_generated_ids_matches_hf_decode() {
    let reference = reference("tiny-marian.json");
    let tok = tiny();
    let mut checked = 0;
    for run in ["greedy", "beam4"] {
        for row in reference[run]["single"].as_array().unwrap() {
            let ids = u32s(&row["output_ids"]);
            assert_eq!(
                tok.decode(&ids, true),
                row["decoded"].as_str().unwrap(),
                "{run} {}",
                row["text"]
            );
            checked += 1;
        }
        let batch = &reference[run]["batch"];
        for (ids, want) in batch["output_ids"]
            .as_array()
            .unwrap()
            .iter()
            .zip(strings(&batch["decoded"]))
        {
            assert_eq!(tok.decode(&u32s(ids), true), want, "{run} batch");
            checked += 1;
        }
    }
    assert!(checked >= 120, "{checked}");
}

#[test]
fn offsets_survive_normalization() {
    // Every token's range is a slice of the original text on character boundaries, in order.
    let reference = reference("tokenizer.json");
    let tok = tiny();
    for row in reference["source"].as_array().unwrap() {
        let text = row["text"].as_str().unwrap();
        let enc = tok.encode(text);
        let mut last = 0;
        for r in &enc.offsets {
            assert!(r.start <= r.end && r.end <= text.len(), "{text:?}: {r:?}");
            assert!(
                text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
                "{text:?}: {r:?}"
            );
            assert!(r.start >= last, "{text:?}: ranges out of order");
            last = r.start;
        }
    }
}

#[test]
fn byte_fallback_identity_normalizer_and_kept_spaces_match_sentencepiece() {
    // A second spm (byte_fallback, no charsmap, remove_extra_whitespaces off) recorded with
    // the sentencepiece library itself: pieces, SentencePiece ids, offsets, decode_pieces.
    let reference = reference("byte-fallback.json");
    let spm = SentencePiece::load(&root().join("tests/data/reference/byte-fallback.spm")).unwrap();
    let mut failures = Vec::new();
    let rows = reference["sentences"].as_array().unwrap();
    for row in rows {
        let text = row["text"].as_str().unwrap();
        let got = spm.encode(text);
        let pieces: Vec<String> = got.iter().map(|p| p.text.clone()).collect();
        let ids: Vec<u32> = got.iter().map(|p| p.id as u32).collect();
        let offsets: Vec<_> = got.iter().map(|p| p.span.clone()).collect();
        if pieces != strings(&row["pieces"]) {
            failures.push(format!(
                "pieces of {text:?}: {pieces:?} vs {}",
                row["pieces"]
            ));
        }
        if ids != u32s(&row["ids"]) {
            failures.push(format!("ids of {text:?}: {ids:?} vs {}", row["ids"]));
        }
        if offsets != ranges(&row["offsets"]) {
            failures.push(format!(
                "offsets of {text:?}: {offsets:?} vs {}",
                row["offsets"]
            ));
        }
        let refs: Vec<&str> = pieces.iter().map(String::as_str).collect();
        let decoded = spm.decode_pieces(&refs);
        if decoded != row["decoded"].as_str().unwrap() {
            failures.push(format!(
                "decode of {text:?}: {decoded:?} vs {}",
                row["decoded"]
            ));
        }
    }
    assert!(rows.len() >= 9);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Parity on any text against a recording by `scripts/tokenizer_parity.py` (e.g. a real
/// OPUS-MT model and real articles): `TARJUMAN_PARITY=OUT.json cargo test --test it
/// tokenizer_parity -- --ignored --nocapture`.
#[test]
#[ignore = "needs a recording made by scripts/tokenizer_parity.py (TARJUMAN_PARITY)"]
fn tokenizer_parity_on_a_recorded_file() {
    let path = std::env::var("TARJUMAN_PARITY").expect("set TARJUMAN_PARITY=OUT.json");
    let recording: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let dir = std::path::PathBuf::from(recording["model_dir"].as_str().unwrap());
    let tok = MarianTokenizer::from_dir(&dir).unwrap();
    let rows = recording["rows"].as_array().unwrap();
    let (mut ids_ok, mut decode_ok) = (0, 0);
    let mut failures = Vec::new();
    for row in rows {
        let text = row["text"].as_str().unwrap();
        let enc = tok.encode(text);
        if enc.ids == u32s(&row["ids"]) {
            ids_ok += 1;
        } else if failures.len() < 10 {
            failures.push(format!(
                "{text:?}\n  rust {:?}\n  hf   {}",
                enc.ids, row["ids"]
            ));
        }
        decode_ok += usize::from(tok.decode(&enc.ids, true) == row["decoded"].as_str().unwrap());
    }
    eprintln!(
        "{}: ids identical {ids_ok}/{n}, decode identical {decode_ok}/{n}",
        dir.display(),
        n = rows.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(decode_ok, rows.len());
}
