//! Model download from the Hugging Face Hub into the standard HF cache (feature `hub`).
//!
//! Takes a registry entry; gives the path of a complete model folder (a cache snapshot). The
//! cache is the one Python's `huggingface_hub` uses (`HF_HUB_CACHE`, else `HF_HOME/hub`, else
//! `~/.cache/huggingface/hub`, laid out as `models--ORG--NAME/{refs,snapshots,blobs}`), so a
//! model fetched by either tool serves both. The cache is checked first and nothing is asked
//! of the network when the snapshot is complete; `HF_HUB_OFFLINE=1` forbids the network
//! altogether. Downloads report progress through a callback: the library never prints.
//!
//! hf-hub 0.4 (sync API over ureq) is used rather than 1.0: 1.0 always pulls reqwest, tokio,
//! hf-xet and aws-lc-sys (~290 crates), and has no `HF_HUB_OFFLINE`; 0.4 with `ureq` adds a
//! few dozen light crates.

use crate::error::{Error, Result};
use crate::model::registry::ModelEntry;
use hf_hub::api::sync::ApiBuilder;
use hf_hub::{Cache, Repo, RepoType};
use std::path::{Path, PathBuf};

/// The Hugging Face cache folder (the `hub` folder holding `models--ORG--NAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubCache {
    root: PathBuf,
}

impl HubCache {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The cache `huggingface_hub` would use: `HF_HUB_CACHE`, else `HF_HOME/hub`, else
    /// `~/.cache/huggingface/hub`.
    pub fn from_env() -> Self {
        Self::from_vars(|name| std::env::var_os(name).filter(|v| !v.is_empty()))
    }

    fn from_vars(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Self {
        if let Some(dir) = var("HF_HUB_CACHE") {
            return Self::new(dir);
        }
        if let Some(home) = var("HF_HOME") {
            return Self::new(PathBuf::from(home).join("hub"));
        }
        let home = var("HOME")
            .or_else(|| var("USERPROFILE"))
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        Self::new(home.join(".cache").join("huggingface").join("hub"))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `models--ORG--NAME` folder of a repo.
    fn repo_dir(&self, repo: &str) -> PathBuf {
        self.root
            .join(format!("models--{}", repo.replace('/', "--")))
    }

    /// The cached snapshot of `entry` if it holds every required file, without network.
    ///
    /// A pinned revision (commit sha) names its snapshot folder directly; a branch is
    /// resolved through `refs/BRANCH`, as `huggingface_hub` writes it.
    pub fn lookup(&self, entry: &ModelEntry) -> Option<PathBuf> {
        let repo = self.repo_dir(&entry.repo);
        let commit = if entry.is_pinned() {
            entry.revision.clone()
        } else {
            std::fs::read_to_string(repo.join("refs").join(&entry.revision))
                .ok()?
                .trim()
                .to_string()
        };
        if commit.is_empty() || commit.contains(['/', '\\']) || commit.starts_with('.') {
            return None;
        }
        let snapshot = repo.join("snapshots").join(commit);
        // is_file follows the snapshot's symlinks into blobs/: a dangling link is a miss.
        entry
            .files
            .iter()
            .all(|f| snapshot.join(f).is_file())
            .then_some(snapshot)
    }
}

/// Download progress, reported per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress<'a> {
    /// A file download starts; `bytes` is its size.
    Start { file: &'a str, bytes: usize },
    /// `bytes` more bytes of the current file arrived.
    Advance { bytes: usize },
    /// The current file is complete.
    Finish,
}

/// How to resolve a model.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub cache: HubCache,
    /// Never use the network (`HF_HUB_OFFLINE=1`).
    pub offline: bool,
}

impl FetchOptions {
    /// Cache from the environment; offline when `HF_HUB_OFFLINE` is set to 1/true/yes/on.
    pub fn from_env() -> Self {
        let offline = std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "yes" | "on"
            )
        });
        Self {
            cache: HubCache::from_env(),
            offline,
        }
    }
}

/// Adapts a progress callback to hf-hub's `Progress` trait.
struct Reporter<'a, 'f> {
    callback: &'a mut dyn FnMut(Progress<'_>),
    file: &'f str,
}

impl hf_hub::api::Progress for Reporter<'_, '_> {
    fn init(&mut self, size: usize, _filename: &str) {
        (self.callback)(Progress::Start {
            file: self.file,
            bytes: size,
        });
    }
    fn update(&mut self, size: usize) {
        (self.callback)(Progress::Advance { bytes: size });
    }
    fn finish(&mut self) {
        (self.callback)(Progress::Finish);
    }
}

/// The folder of `entry`'s files: the cached snapshot, downloading what is missing unless
/// offline. Errors name the model, the cache and the `--model-dir` way out.
pub fn fetch(
    entry: &ModelEntry,
    options: &FetchOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<PathBuf> {
    if let Some(dir) = options.cache.lookup(entry) {
        return Ok(dir);
    }
    let fail = |what: String| Error::Hub {
        model: format!("{} ({})", entry.id, entry.repo),
        reason: format!(
            "{what}. It is not in the cache at {}. On a machine without internet, copy the \
             model folder (config.json, weights, source.spm, target.spm, vocab.json) over and \
             use --model-dir DIR",
            options.cache.root().display()
        ),
    };
    if options.offline {
        return Err(fail(
            "HF_HUB_OFFLINE is set, so nothing is downloaded".to_string(),
        ));
    }
    let api = ApiBuilder::from_env()
        .with_cache_dir(options.cache.root().to_path_buf())
        .with_progress(false)
        .build()
        .map_err(|e| fail(format!("the Hub client could not start: {e}")))?;
    let repo = api.repo(Repo::with_revision(
        entry.repo.clone(),
        RepoType::Model,
        entry.revision.clone(),
    ));
    let cached = Cache::new(options.cache.root().to_path_buf()).repo(Repo::with_revision(
        entry.repo.clone(),
        RepoType::Model,
        entry.revision.clone(),
    ));
    let mut snapshot: Option<PathBuf> = None;
    let get = |file: &str, progress: &mut dyn FnMut(Progress<'_>)| match cached.get(file) {
        Some(path) => Ok(path),
        None => repo.download_with_progress(
            file,
            Reporter {
                callback: progress,
                file,
            },
        ),
    };
    for file in &entry.files {
        let path = get(file, progress).map_err(|e| {
            fail(format!(
                "the Hub could not be reached or refused {file}: {e}"
            ))
        })?;
        snapshot.get_or_insert_with(|| path.parent().map(Path::to_path_buf).unwrap_or_default());
    }
    for file in &entry.optional_files {
        // The repo may not have it (older OPUS-MT repos lack generation_config.json); the
        // required files above already proved the Hub is reachable.
        let _ = get(file, progress);
    }
    options
        .cache
        .lookup(entry)
        .or(snapshot)
        .ok_or_else(|| fail("the download finished but the snapshot is incomplete".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::registry;
    use std::ffi::OsString;

    /// Lays out a fake HF cache: refs/main → sha, snapshots/sha/FILE → ../../blobs/HASH.
    fn fake_cache(entry: &ModelEntry, files: &[&str], sha: &str) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp
            .path()
            .join(format!("models--{}", entry.repo.replace('/', "--")));
        std::fs::create_dir_all(repo.join("refs")).unwrap();
        std::fs::create_dir_all(repo.join("blobs")).unwrap();
        std::fs::write(repo.join("refs/main"), sha).unwrap();
        let snap = repo.join("snapshots").join(sha);
        std::fs::create_dir_all(&snap).unwrap();
        for (i, f) in files.iter().enumerate() {
            let blob = repo.join("blobs").join(format!("blob{i}"));
            std::fs::write(&blob, b"x").unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(format!("../../blobs/blob{i}"), snap.join(f)).unwrap();
            #[cfg(not(unix))]
            std::fs::copy(&blob, snap.join(f)).unwrap();
        }
        tmp
    }

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn cache_lookup_finds_complete_snapshots_only() {
        let entry = registry::find("base").unwrap();
        let all: Vec<&str> = entry.files.iter().map(String::as_str).collect();
        let cases: Vec<(&str, Vec<&str>, bool)> = vec![
            ("complete", all.clone(), true),
            (
                "no vocab",
                all.iter().copied().filter(|f| *f != "vocab.json").collect(),
                false,
            ),
            ("empty snapshot", vec![], false),
        ];
        for (name, files, found) in cases {
            let tmp = fake_cache(entry, &files, SHA);
            let cache = HubCache::new(tmp.path());
            let got = cache.lookup(entry);
            assert_eq!(got.is_some(), found, "{name}");
            if let Some(dir) = got {
                assert!(
                    dir.ends_with(format!("snapshots/{SHA}")),
                    "{}",
                    dir.display()
                );
            }
        }
    }

    #[test]
    fn pinned_revision_names_the_snapshot_without_refs() {
        let mut entry = registry::find("base").unwrap().clone();
        let files: Vec<&str> = entry.files.iter().map(String::as_str).collect();
        let tmp = fake_cache(&entry, &files, SHA);
        entry.revision = SHA.to_string();
        let repo = tmp.path().join("models--Helsinki-NLP--opus-mt-ar-en");
        std::fs::remove_file(repo.join("refs/main")).unwrap();
        assert!(HubCache::new(tmp.path()).lookup(&entry).is_some());
        entry.revision = "f".repeat(40);
        assert!(HubCache::new(tmp.path()).lookup(&entry).is_none());
    }

    #[test]
    fn fetch_uses_the_cache_without_network() {
        let entry = registry::find("base").unwrap();
        let files: Vec<&str> = entry.files.iter().map(String::as_str).collect();
        let tmp = fake_cache(entry, &files, SHA);
        // Offline AND an unroutable endpoint: only the cache can answer.
        let options = FetchOptions {
            cache: HubCache::new(tmp.path()),
            offline: true,
        };
        let mut events = 0;
        let dir = fetch(entry, &options, &mut |_| events += 1).unwrap();
        assert!(dir.join("vocab.json").is_file());
        assert_eq!(events, 0);
    }

    #[test]
    fn offline_miss_names_the_model_the_cache_and_model_dir() {
        let entry = registry::find("tc-big").unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let options = FetchOptions {
            cache: HubCache::new(tmp.path()),
            offline: true,
        };
        let err = fetch(entry, &options, &mut |_| {}).unwrap_err().to_string();
        for needle in [
            "tc-big",
            "Helsinki-NLP/opus-mt-tc-big-ar-en",
            "HF_HUB_OFFLINE",
            "--model-dir",
            &tmp.path().display().to_string(),
        ] {
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }

    #[test]
    fn cache_location_follows_the_environment() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("HF_HUB_CACHE", "/c"), ("HF_HOME", "/h")], "/c"),
            (&[("HF_HOME", "/h"), ("HOME", "/home/u")], "/h/hub"),
            (&[("HOME", "/home/u")], "/home/u/.cache/huggingface/hub"),
        ];
        for (vars, want) in cases {
            let cache = HubCache::from_vars(|name| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            });
            assert_eq!(cache.root(), Path::new(want), "{vars:?}");
        }
    }
}
