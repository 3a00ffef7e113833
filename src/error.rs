//! The library's one error type. Variants are grouped by the stage that raises them; every
//! message is lowercase and names the file or value at fault, so the binary can print the chain
//! as is. Foreign errors are converted once, where they enter.

use std::path::PathBuf;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- read ----
    #[error("cannot read {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid UTF-8 (first bad byte at offset {offset})")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path} looks binary (NUL byte at offset {offset}), not text")]
    Binary { path: PathBuf, offset: usize },
    #[error("{path} is UTF-16 text; tarjuman reads UTF-8 (convert it: iconv -f UTF-16 -t UTF-8)")]
    Utf16 { path: PathBuf },
    #[error("{path} is empty (no text to work on)")]
    Empty { path: PathBuf },
    #[error("{path} is {size} bytes, over the limit of {max} bytes")]
    TooLarge { path: PathBuf, size: u64, max: u64 },

    // ---- model ----
    #[error("model directory {dir} has no {file}")]
    ModelFileMissing { dir: PathBuf, file: String },
    #[error("model file {path}: {reason}")]
    ModelFile { path: PathBuf, reason: String },
    #[error("model {model} could not be fetched from the Hugging Face Hub: {reason}")]
    Hub { model: String, reason: String },
    #[error("unknown model id {id} (see `tarjuman models list`)")]
    UnknownModel { id: String },
    #[error("model computation failed")]
    Compute(#[from] candle_core::Error),

    // ---- settings ----
    #[error("invalid setting {name}: {reason}")]
    Setting { name: String, reason: String },

    // ---- align ----
    #[error("lexicon {path}: {reason}")]
    Lexicon { path: PathBuf, reason: String },
    #[error("gazetteer file {path}: {reason}")]
    Gazetteer { path: PathBuf, reason: String },

    // ---- render / output ----
    #[error("cannot write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("format {format} cannot show {what}")]
    Unsupported { format: String, what: String },
    #[error("cannot render {format}: {reason}")]
    Render { format: String, reason: String },

    // ---- batch ----
    #[error("{path}: {reason}")]
    Batch { path: PathBuf, reason: String },
}
