//! The files of a model folder in Hugging Face layout, checked before anything is loaded.
//!
//! Takes a folder (from `--model-dir` or the Hub cache); gives the paths of its config,
//! weights, SentencePiece models and vocabulary, or an error that names the folder and the
//! first missing file, so a user with a half-copied folder knows what to fetch.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// How the weights are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightsFormat {
    /// `model.safetensors` (preferred when both exist: no pickle, memory-mappable).
    Safetensors,
    /// `pytorch_model.bin` (torch pickle; opus-mt-ar-en's `main` has only this).
    PytorchBin,
}

impl WeightsFormat {
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Safetensors => "model.safetensors",
            Self::PytorchBin => "pytorch_model.bin",
        }
    }
}

/// The checked files of a model folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFiles {
    pub dir: PathBuf,
    pub config: PathBuf,
    /// `generation_config.json`, when present (beam size, length cap, banned tokens).
    pub generation_config: Option<PathBuf>,
    pub weights: PathBuf,
    pub weights_format: WeightsFormat,
    pub source_spm: PathBuf,
    pub target_spm: PathBuf,
    pub vocab: PathBuf,
}

impl ModelFiles {
    /// Checks that `dir` holds a complete Marian model.
    pub fn check(dir: &Path) -> Result<Self> {
        if !dir.is_dir() {
            return Err(Error::ModelFile {
                path: dir.to_path_buf(),
                reason: if dir.exists() {
                    "is not a folder (a model is a folder with config.json, weights, \
                     source.spm, target.spm and vocab.json)"
                        .to_string()
                } else {
                    "no such model folder".to_string()
                },
            });
        }
        let required = |name: &str| required_file(dir, name);
        let config = required("config.json")?;
        let weights_format = [WeightsFormat::Safetensors, WeightsFormat::PytorchBin]
            .into_iter()
            .find(|f| dir.join(f.file_name()).is_file())
            .ok_or_else(|| Error::ModelFileMissing {
                dir: dir.to_path_buf(),
                file: "model.safetensors or pytorch_model.bin".to_string(),
            })?;
        let generation_config = Some(dir.join("generation_config.json")).filter(|p| p.is_file());
        Ok(Self {
            dir: dir.to_path_buf(),
            config,
            generation_config,
            weights: dir.join(weights_format.file_name()),
            weights_format,
            source_spm: required("source.spm")?,
            target_spm: required("target.spm")?,
            vocab: required("vocab.json")?,
        })
    }
}

/// `dir/name` if it is a file, else an error naming the folder and the file.
pub fn required_file(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    if path.is_file() {
        Ok(path)
    } else {
        Err(Error::ModelFileMissing {
            dir: dir.to_path_buf(),
            file: name.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [&str; 6] = [
        "config.json",
        "model.safetensors",
        "source.spm",
        "target.spm",
        "vocab.json",
        "generation_config.json",
    ];

    fn folder(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for f in files {
            std::fs::write(dir.path().join(f), b"x").unwrap();
        }
        dir
    }

    #[test]
    fn each_missing_file_is_named() {
        let cases = [
            ("config.json", "config.json"),
            (
                "model.safetensors",
                "model.safetensors or pytorch_model.bin",
            ),
            ("source.spm", "source.spm"),
            ("target.spm", "target.spm"),
            ("vocab.json", "vocab.json"),
        ];
        for (left_out, named) in cases {
            let files: Vec<&str> = ALL.iter().copied().filter(|f| *f != left_out).collect();
            let dir = folder(&files);
            let err = ModelFiles::check(dir.path()).unwrap_err().to_string();
            assert!(err.contains(named), "{left_out}: {err}");
            assert!(err.contains(&dir.path().display().to_string()), "{err}");
        }
    }

    #[test]
    fn weights_format_and_optional_generation_config() {
        let cases: &[(&[&str], WeightsFormat, bool)] = &[
            (&ALL, WeightsFormat::Safetensors, true),
            (
                &[
                    "config.json",
                    "pytorch_model.bin",
                    "source.spm",
                    "target.spm",
                    "vocab.json",
                ],
                WeightsFormat::PytorchBin,
                false,
            ),
            (
                &[
                    "config.json",
                    "pytorch_model.bin",
                    "model.safetensors",
                    "source.spm",
                    "target.spm",
                    "vocab.json",
                ],
                WeightsFormat::Safetensors,
                false,
            ),
        ];
        for (files, format, has_gen) in cases {
            let dir = folder(files);
            let m = ModelFiles::check(dir.path()).unwrap();
            assert_eq!(m.weights_format, *format, "{files:?}");
            assert_eq!(m.weights, dir.path().join(format.file_name()));
            assert_eq!(m.generation_config.is_some(), *has_gen);
        }
    }

    #[test]
    fn not_a_folder() {
        let dir = folder(&["config.json"]);
        let file = dir.path().join("config.json");
        let err = ModelFiles::check(&file).unwrap_err().to_string();
        assert!(err.contains("is not a folder"), "{err}");
        let err = ModelFiles::check(&dir.path().join("nope"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no such model folder"), "{err}");
    }

    #[test]
    fn the_committed_test_models_are_complete() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        let cases = [
            ("tiny-marian", WeightsFormat::Safetensors),
            ("tiny-marian-bin", WeightsFormat::PytorchBin),
            ("tiny-marian-sep", WeightsFormat::Safetensors),
            ("tiny-marian-trained", WeightsFormat::Safetensors),
        ];
        for (name, format) in cases {
            let m = ModelFiles::check(&root.join(name)).unwrap();
            assert_eq!(m.weights_format, format, "{name}");
        }
    }
}
