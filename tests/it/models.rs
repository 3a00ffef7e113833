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
    let args: Vec<&str> = ["list"].into_iter().chain(extra.iter().copied()).collect();
    let out = models(cache, &args);
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

#[test]
fn fetch_prints_the_cached_folder_without_network() {
    let cache = fake_cache_with_base();
    let out = models(cache.path(), &["fetch", "Helsinki-NLP/opus-mt-ar-en"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = String::from_utf8(out.stdout).unwrap();
    assert!(
        std::path::Path::new(dir.trim())
            .join("vocab.json")
            .is_file(),
        "{dir}"
    );
}

#[test]
fn fetch_offline_without_cache_says_so_and_points_to_model_dir() {
    let empty = tempfile::tempdir().unwrap();
    let out = models(empty.path(), &["fetch", "tc-big"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "tc-big",
        "HF_HUB_OFFLINE",
        "--model-dir",
        "not in the cache",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    let out = models(empty.path(), &["fetch", "nllb"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown model id nllb"));
}

/// `tarjuman models ARGS` against the cache folder, offline.
fn models(cache: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .arg("models")
        .args(args)
        .env("HF_HUB_CACHE", cache)
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .unwrap()
}
