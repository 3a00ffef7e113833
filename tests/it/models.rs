//! `tarjuman models list` as a process: the registry table, JSON, and the cache column read
//! from a fake Hugging Face cache (HF_HUB_CACHE) laid out as huggingface_hub writes it.

use crate::common::bin;
use std::process::Command;

/// A fake cache holding opus-mt-ar-en at refs/main → SHA, files as plain files.
fn fake_cache_with_base() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("models--Helsinki-NLP--opus-mt-ar-en");
    let sha = "89b9ba4c5f9d3b8c4e2a1f0e9d8c7b6a5f4e3d2c";
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), sha).unwrap();
    let snap = repo.join("snapshots").join(sha);
    std::fs::create_dir_all(&snap).unwrap();
    for f in [
        "config.json",
        "pytorch_model.bin",
        "source.spm",
        "target.spm",
        "vocab.json",
    ] {
        std::fs::write(snap.join(f), b"x").unwrap();
    }
    tmp
}

fn models_list(cache: &std::path::Path, extra: &[&str]) -> String {
    let out = Command::new(bin())
        .args(["models", "list"])
        .args(extra)
        .env("HF_HUB_CACHE", cache)
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn list_shows_both_models_and_which_is_cached() {
    let cache = fake_cache_with_base();
    let table = models_list(cache.path(), &[]);
    for needle in [
        "tc-big (default)",
        "Helsinki-NLP/opus-mt-tc-big-ar-en",
        "Helsinki-NLP/opus-mt-ar-en",
        "not downloaded (fetched on first use of --model tc-big",
        "cached: ",
        "snapshots/89b9ba4c5f9d3b8c4e2a1f0e9d8c7b6a5f4e3d2c",
    ] {
        assert!(table.contains(needle), "{needle}:\n{table}");
    }
}

#[test]
fn list_json_has_the_registry_fields_and_cache_folder() {
    let cache = fake_cache_with_base();
    let json: serde_json::Value =
        serde_json::from_str(&models_list(cache.path(), &["--json"])).unwrap();
    let models = json.as_array().unwrap();
    assert_eq!(models.len(), 2);
    let base = models.iter().find(|m| m["id"] == "base").unwrap();
    assert_eq!(base["repo"], "Helsinki-NLP/opus-mt-ar-en");
    assert!(base["cached"].as_str().unwrap().contains("snapshots"));
    let big = models.iter().find(|m| m["id"] == "tc-big").unwrap();
    assert!(big["cached"].is_null());
    assert_eq!(big["default"], true);
}
