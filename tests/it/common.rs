//! Helpers shared by the integration test modules.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the shared test data (`../shared/REL`), or `None` with a message saying the test
/// is skipped.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = root().join("../shared").join(rel);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: shared test data {} is absent", path.display());
        None
    }
}

/// The built `tarjuman` binary, for tests of the command line as a process.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tarjuman"))
}

/// Runs `cmd` with `input` on its standard input (stdout and stderr captured).
pub fn output_with_stdin(cmd: &mut std::process::Command, input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    // A command that exits without reading all its input is not an error here.
    let _ = child.stdin.take().expect("stdin is piped").write_all(input);
    child.wait_with_output().expect("the command runs")
}

/// The recorded transformers outputs `tests/data/reference/NAME.json`.
pub fn reference(name: &str) -> serde_json::Value {
    let path = root()
        .join("tests/data/reference")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A JSON array of token ids.
pub fn ids(v: &serde_json::Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

/// The largest elementwise difference of two equally long vectors.
pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

/// transformers' `sequences` row → generated ids: drop the start token, stop after `</s>`
/// (batched rows are padded after it).
pub fn expected_output(row: &[u32], eos: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for &id in &row[1..] {
        out.push(id);
        if id == eos {
            break;
        }
    }
    out
}
