//! The supported translation models, from `models/registry.json` (embedded at build time).
//!
//! Takes a short id (`tc-big`, `base`) or a Hub repo name; gives the entry that says where the
//! model lives on the Hub, at which revision, which files to fetch, and what it is good for.
//! Kept as data rather than code so the README table, `tarjuman models list` and the
//! downloader read the same facts.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::sync::OnceLock;

/// One supported model.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ModelEntry {
    /// Short id used on the command line (`--model tc-big`).
    pub id: String,
    /// Hugging Face Hub repository, `ORG/NAME`.
    pub repo: String,
    /// Hub revision fetched: a commit sha, or a branch name while not pinned.
    pub revision: String,
    /// Whether this is the model used when none is named.
    #[serde(default)]
    pub default: bool,
    /// Files that must be fetched.
    pub files: Vec<String>,
    /// Files fetched when the repository has them.
    #[serde(default)]
    pub optional_files: Vec<String>,
    pub d_model: usize,
    /// Encoder and decoder layers.
    pub layers: [usize; 2],
    /// Approximate download size in MB.
    pub download_mb: u32,
    /// BLEU on flores101-devtest (OPUS-MT leaderboard).
    pub bleu_flores101: f32,
    /// Whether head 0 of the last decoder layer's cross-attention was trained as a word
    /// aligner (Marian guided alignment).
    pub alignment_head: bool,
    pub good_for: String,
}

impl ModelEntry {
    /// Whether the revision is pinned to a commit (40 hex digits) rather than a branch.
    pub fn is_pinned(&self) -> bool {
        self.revision.len() == 40 && self.revision.bytes().all(|b| b.is_ascii_hexdigit())
    }
}

#[derive(Deserialize)]
struct Registry {
    models: Vec<ModelEntry>,
}

const REGISTRY_JSON: &str = include_str!("../../models/registry.json");

/// All supported models, default first as listed in the registry.
pub fn all() -> &'static [ModelEntry] {
    static MODELS: OnceLock<Vec<ModelEntry>> = OnceLock::new();
    MODELS.get_or_init(|| {
        // The file is part of the source tree and checked by the tests below: a parse
        // failure is a build defect, not a user error.
        serde_json::from_str::<Registry>(REGISTRY_JSON)
            .expect("models/registry.json is valid (checked by tests)")
            .models
    })
}

/// The model used when none is named.
pub fn default_model() -> &'static ModelEntry {
    all()
        .iter()
        .find(|m| m.default)
        .unwrap_or_else(|| &all()[0])
}

/// Finds a model by short id or Hub repo (case-insensitive for the repo, as the Hub is).
pub fn find(id: &str) -> Result<&'static ModelEntry> {
    all()
        .iter()
        .find(|m| m.id == id || m.repo.eq_ignore_ascii_case(id))
        .ok_or_else(|| Error::UnknownModel { id: id.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_parses_and_is_consistent() {
        let models = all();
        assert_eq!(models.len(), 2);
        assert_eq!(models.iter().filter(|m| m.default).count(), 1);
        for m in models {
            assert!(m.repo.contains('/'), "{}", m.repo);
            assert!(m.files.iter().any(|f| f == "config.json"), "{}", m.id);
            assert!(
                m.files
                    .iter()
                    .any(|f| f == "model.safetensors" || f == "pytorch_model.bin"),
                "{}",
                m.id
            );
            for f in ["source.spm", "target.spm", "vocab.json"] {
                assert!(m.files.iter().any(|x| x == f), "{} lacks {f}", m.id);
            }
            assert!(m.is_pinned() || m.revision == "main", "{}", m.revision);
        }
    }

    #[test]
    fn find_by_id_or_repo() {
        let cases = [
            ("tc-big", Some("Helsinki-NLP/opus-mt-tc-big-ar-en")),
            ("base", Some("Helsinki-NLP/opus-mt-ar-en")),
            (
                "Helsinki-NLP/opus-mt-ar-en",
                Some("Helsinki-NLP/opus-mt-ar-en"),
            ),
            (
                "helsinki-nlp/OPUS-MT-AR-EN",
                Some("Helsinki-NLP/opus-mt-ar-en"),
            ),
            ("nllb", None),
            ("", None),
        ];
        for (id, repo) in cases {
            assert_eq!(find(id).ok().map(|m| m.repo.as_str()), repo, "{id}");
        }
        let err = find("nllb").unwrap_err().to_string();
        assert!(err.contains("nllb") && err.contains("models list"), "{err}");
        assert_eq!(default_model().id, "tc-big");
    }

    #[test]
    fn pinned_means_forty_hex_digits() {
        let mut m = all()[0].clone();
        let cases = [
            ("main", false),
            ("0123456789abcdef0123456789abcdef01234567", true),
            ("0123456789abcdef0123456789abcdef0123456z", false),
            ("0123", false),
        ];
        for (rev, pinned) in cases {
            m.revision = rev.to_string();
            assert_eq!(m.is_pinned(), pinned, "{rev}");
        }
    }
}
