//! The persistent translation cache of a batch job: `cache.redb` under the output folder. Takes
//! sentences and their translations; gives back a stored translation when the same sentence was
//! translated before with the same model (id, revision, quantization) and the same decoding
//! settings. Repeated
//! sentences (bylines, boilerplate, wire copy reposted by many outlets) are translated once, and
//! a rerun or `--resume` skips work already done.
//!
//! The key is the sentence exactly as segmented, not a normalized form: the word links store byte
//! offsets into the sentence, and the model's own tokenizer already normalizes what it ignores,
//! so two sentences that differ in, say, harakat may tokenize (and translate) differently; serving
//! one's translation for the other would make a result depend on which came first.
//!
//! redb over SQLite: pure Rust with only `libc` beneath it, so no C compiler, no bundled SQLite
//! build on a 2-core machine; a single-file, crash-safe (copy-on-write, checksummed) key-value
//! store is all a cache needs. It locks its file, so concurrent shards in one output folder each
//! keep their own cache file.

use crate::alignment::ModelInfo;
use crate::error::{Error, Result};
use crate::translate::{DecodeOptions, TranslatedText};
use redb::{Database, ReadableDatabase, TableDefinition};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const TABLE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("translations");

/// An open cache for one model and one set of decoding settings.
pub struct Cache {
    db: Database,
    path: PathBuf,
    /// Hash of model id, revision, quantization and decoding settings: the part of the key all
    /// entries share.
    scope: [u8; 32],
}

impl Cache {
    pub fn open(path: &Path, model: &ModelInfo, opts: &DecodeOptions) -> Result<Cache> {
        let err = |e: &dyn std::fmt::Display| Error::Batch {
            path: path.to_path_buf(),
            reason: format!("translation cache: {e}"),
        };
        let db = Database::create(path).map_err(|e| err(&e))?;
        // Create the table up front so reads never meet a missing table.
        let txn = db.begin_write().map_err(|e| err(&e))?;
        txn.open_table(TABLE).map_err(|e| err(&e))?;
        txn.commit().map_err(|e| err(&e))?;
        let mut h = Sha256::new();
        for part in [&model.id, &model.revision, &opts.result_key()] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        // Only when quantized: caches of the weights as stored keep their keys.
        if let Some(mode) = &model.quantize {
            h.update(b"quantize=");
            h.update(mode.as_bytes());
        }
        Ok(Cache {
            db,
            path: path.to_path_buf(),
            scope: h.finalize().into(),
        })
    }

    fn key(&self, sentence: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.scope);
        h.update(sentence.as_bytes());
        h.finalize().into()
    }

    fn err(&self, e: &dyn std::fmt::Display) -> Error {
        Error::Batch {
            path: self.path.clone(),
            reason: format!("translation cache: {e}"),
        }
    }

    /// The stored translation of each sentence, or `None`. An entry that no longer parses (from
    /// another tarjuman version) counts as missing.
    pub fn get_many(&self, sentences: &[&str]) -> Result<Vec<Option<TranslatedText>>> {
        let txn = self.db.begin_read().map_err(|e| self.err(&e))?;
        let table = txn.open_table(TABLE).map_err(|e| self.err(&e))?;
        sentences
            .iter()
            .map(|s| {
                let got = table.get(&self.key(s)[..]).map_err(|e| self.err(&e))?;
                Ok(got.and_then(|v| serde_json::from_slice(v.value()).ok()))
            })
            .collect()
    }

    /// Stores translations in one durable transaction.
    pub fn put_many(&self, entries: &[(&str, &TranslatedText)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let txn = self.db.begin_write().map_err(|e| self.err(&e))?;
        {
            let mut table = txn.open_table(TABLE).map_err(|e| self.err(&e))?;
            for (sentence, translation) in entries {
                let value = serde_json::to_vec(translation).expect("a translation serializes");
                table
                    .insert(&self.key(sentence)[..], &value[..])
                    .map_err(|e| self.err(&e))?;
            }
        }
        txn.commit().map_err(|e| self.err(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alignment::Flag;

    fn model(rev: &str) -> ModelInfo {
        ModelInfo {
            id: "m".into(),
            revision: rev.into(),
            ..ModelInfo::default()
        }
    }

    fn translation(text: &str) -> TranslatedText {
        TranslatedText {
            text: text.into(),
            flags: vec![Flag::Split { parts: 2 }],
            links: vec![],
        }
    }

    #[test]
    fn stores_and_scopes_by_model_and_settings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.redb");
        let opts = DecodeOptions::default();
        {
            let cache = Cache::open(&path, &model("r1"), &opts).unwrap();
            assert_eq!(cache.get_many(&["قال"]).unwrap(), vec![None]);
            cache.put_many(&[("قال", &translation("said"))]).unwrap();
        }
        // Reopened (a later run): still there.
        let cache = Cache::open(&path, &model("r1"), &opts).unwrap();
        assert_eq!(
            cache.get_many(&["قال", "لا"]).unwrap(),
            vec![Some(translation("said")), None]
        );
        drop(cache);
        // Another revision, the weights quantized or other settings do not see it; batch size
        // does not matter.
        let int8 = ModelInfo {
            quantize: Some("int8".into()),
            ..model("r1")
        };
        let greedy = DecodeOptions {
            beam: 1,
            ..opts.clone()
        };
        let bigger = DecodeOptions {
            batch_tokens: 99,
            ..opts.clone()
        };
        for (m, o, hit) in [
            (model("r2"), &opts, false),
            (int8, &opts, false),
            (model("r1"), &greedy, false),
            (model("r1"), &bigger, true),
        ] {
            let cache = Cache::open(&path, &m, o).unwrap();
            assert_eq!(cache.get_many(&["قال"]).unwrap()[0].is_some(), hit);
        }
    }

    #[test]
    fn garbage_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.redb");
        std::fs::write(&path, b"not a database at all, just text").unwrap();
        let err = Cache::open(&path, &model("r"), &DecodeOptions::default())
            .err()
            .unwrap();
        assert!(err.to_string().contains("cache.redb"), "{err}");
    }
}
