//! The Rust Marian tokenizer against HF transformers' MarianTokenizer: the ids, pieces, byte
//! offsets and decoded strings recorded by `scripts/make_tiny_model.py` in
//! `tests/data/reference/`.

use crate::common::root;
use serde_json::Value;
use tarjuman::model::tokenizer::MarianTokenizer;

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
