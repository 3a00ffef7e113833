//! The batch journal, `journal.jsonl` under the output folder: one JSON record per input and
//! attempt, appended and flushed (and synced) as each input finishes, so that a crash loses at
//! most the input in flight. Takes finished inputs; gives, on `--resume`, the last record of each
//! input, which says whether it can be skipped. A line cut short by a crash is ignored on reading
//! and the next record starts on a fresh line.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Done,
    Failed,
    Skipped,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The input's key: its path as found, or its manifest id.
    pub input: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default)]
    pub sentences: usize,
    #[serde(default)]
    pub seconds: f64,
    /// SHA-256 of the input's bytes (hex), when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Output files written, relative to the output folder.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<String>,
    /// Output formats asked for, as named on the command line (a resume with other formats
    /// redoes the input).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formats: Vec<String>,
    /// Fingerprint of the settings the outputs were made with (model, quantization, decoding,
    /// input format, dictionary): a resume under other settings redoes the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<String>,
}

/// An open journal, appending.
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens (creating) the journal at `path` for appending; when its last line was cut short,
    /// ends it so the next record is a line of its own.
    pub fn open(path: &Path) -> Result<Journal> {
        let write_err = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(write_err)?;
        let len = file.metadata().map_err(write_err)?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(SeekFrom::Start(len - 1)).map_err(write_err)?;
            file.read_exact(&mut last).map_err(write_err)?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(write_err)?;
            }
        }
        Ok(Journal {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Appends one record as one line, flushed and synced to disk.
    pub fn append(&mut self, record: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(record).expect("a record serializes");
        line.push(b'\n');
        let write_err = |source| Error::Write {
            path: self.path.clone(),
            source,
        };
        // One write call per line: with O_APPEND the line lands whole.
        self.file.write_all(&line).map_err(write_err)?;
        self.file.flush().map_err(write_err)?;
        self.file.sync_data().map_err(write_err)
    }
}

/// The last record of each input in the journal at `path` (none when it does not exist).
/// Lines that do not parse (cut short by a crash) are skipped.
pub fn last_records(path: &Path) -> Result<HashMap<String, Record>> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(source) => {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let mut last = HashMap::new();
    for line in text.split(|&b| b == b'\n') {
        if let Ok(record) = serde_json::from_slice::<Record>(line) {
            // A "skipped" record says nothing new about the outputs: keep the "done" before it.
            if record.status == Status::Skipped && last.contains_key(&record.input) {
                continue;
            }
            last.insert(record.input.clone(), record);
        }
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(input: &str, status: Status) -> Record {
        Record {
            input: input.into(),
            status,
            error: None,
            sentences: 3,
            seconds: 0.5,
            sha256: Some("ab".into()),
            outputs: vec![format!("{input}.json")],
            formats: vec!["json".into()],
            settings: Some("0123abcd".into()),
        }
    }

    #[test]
    fn append_then_read_last_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        assert!(last_records(&path).unwrap().is_empty());
        let mut j = Journal::open(&path).unwrap();
        j.append(&record("a", Status::Failed)).unwrap();
        j.append(&record("a", Status::Done)).unwrap();
        j.append(&record("b", Status::Done)).unwrap();
        j.append(&record("a", Status::Skipped)).unwrap();
        drop(j);
        let last = last_records(&path).unwrap();
        assert_eq!(last["a"].status, Status::Done);
        assert_eq!(last["b"], record("b", Status::Done));
    }

    #[test]
    fn torn_last_line_is_ignored_and_ended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut j = Journal::open(&path).unwrap();
        j.append(&record("a", Status::Done)).unwrap();
        drop(j);
        // A crash in the middle of writing b's line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"input":"b","sta"#).unwrap();
        drop(f);
        assert_eq!(last_records(&path).unwrap().len(), 1);
        let mut j = Journal::open(&path).unwrap();
        j.append(&record("c", Status::Done)).unwrap();
        let last = last_records(&path).unwrap();
        assert!(last.contains_key("a") && last.contains_key("c") && !last.contains_key("b"));
    }
}
