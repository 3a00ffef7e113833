//! The batch runner: a pipeline of three stages joined by bounded queues, so reading and
//! segmenting, translating, and rendering overlap and memory stays flat however many inputs
//! there are.
//!
//! 1. prepare (`--jobs` threads): read, checksum, check `--resume`, segment;
//! 2. translate (one thread; the model itself runs on the CPU pool): gathers sentences from
//!    many documents, looks them up in the [`Cache`], translates the rest in one call (which
//!    sorts them by length and batches them by token budget) and builds each [`Alignment`];
//! 3. write (the caller's thread): renders every format, writes each file atomically, appends
//!    the journal record, reports progress.
//!
//! Every input ends as exactly one journal record per attempt: done, failed (with the reason) or
//! skipped (resume).

use super::cache::Cache;
use super::inputs::{self, Item, Selection, Source};
use super::journal::{self, Journal, Record, Status};
use super::shard::Shard;
use crate::align::Lexicon;
use crate::alignment::{Alignment, Translation};
use crate::document::{Document, Origin};
use crate::error::{Error, Result};
use crate::pipeline::{self, InputFormat};
use crate::render::{self, Format, Rendered};
use crate::translate::Translator;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::Instant;

/// Settings of a batch job.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    pub selection: Selection,
    pub out_dir: PathBuf,
    pub formats: Vec<Format>,
    pub input_format: InputFormat,
    pub resume: bool,
    pub shard: Option<Shard>,
    /// Reading and segmenting threads.
    pub jobs: usize,
    pub max_bytes: Option<u64>,
    /// Keep a translation cache under `out_dir`.
    pub cache: bool,
    /// Sentences gathered from several documents before the translator is called (when more
    /// are waiting): more gives the length sort more to work with, at some latency.
    pub group_sentences: usize,
    /// The dictionary for linking entity pairs, loaded once for the whole run (`None`: names
    /// by transliteration, numbers, dates and gazetteer places only).
    pub lexicon: Option<Lexicon>,
}

impl BatchOptions {
    /// Defaults for everything but what to read and where to write.
    pub fn new(selection: Selection, out_dir: PathBuf) -> Self {
        BatchOptions {
            selection,
            out_dir,
            formats: vec![Format::Json],
            input_format: InputFormat::Article,
            resume: false,
            shard: None,
            jobs: 2,
            max_bytes: None,
            cache: true,
            group_sentences: 256,
            lexicon: None,
        }
    }

    /// `journal.jsonl`, or one journal per shard (`journal.shard-K-of-N.jsonl`) so that shards
    /// sharing an output folder never interleave writes.
    pub fn journal_path(&self) -> PathBuf {
        self.out_dir.join(self.per_shard("journal", "jsonl"))
    }

    /// `cache.redb`, or one per shard (the database locks its file).
    pub fn cache_path(&self) -> PathBuf {
        self.out_dir.join(self.per_shard("cache", "redb"))
    }

    fn per_shard(&self, stem: &str, ext: &str) -> String {
        match self.shard {
            Some(s) if s.count > 1 => format!("{stem}.shard-{}-of-{}.{ext}", s.index, s.count),
            _ => format!("{stem}.{ext}"),
        }
    }
}

/// What happened, for a progress display.
#[derive(Debug)]
pub enum Event<'a> {
    /// Inputs found (after sharding).
    Started { total: usize },
    /// One input finished.
    Finished {
        record: &'a Record,
        totals: &'a BatchSummary,
    },
}

/// Counts at the end (and along the way).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchSummary {
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Sentences of the inputs done in this run.
    pub sentences: usize,
    /// Of those, served from the cache.
    pub cached_sentences: usize,
    pub seconds: f64,
    pub journal: PathBuf,
}

impl BatchSummary {
    pub fn sentences_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.sentences as f64 / self.seconds
        } else {
            0.0
        }
    }
}

/// Stage 1 → 2.
enum Prepared {
    Ready {
        item: usize,
        doc: Document,
        sha: String,
        started: Instant,
    },
    Over(Record),
}

/// A prepared document waiting for its group to be translated: item index, document,
/// checksum, start time.
type Pending = (usize, Document, String, Instant);

/// Stage 2 → 3.
enum Translated {
    Ready {
        item: usize,
        alignment: Box<Alignment>,
        sha: String,
        started: Instant,
        cached: usize,
    },
    Over(Record),
}

/// Runs the batch; `on_event` sees progress. Fails only when the job cannot start or the journal
/// cannot be written; a bad input is recorded and the job goes on.
pub fn run(
    opts: &BatchOptions,
    translator: &Translator,
    on_event: &mut dyn FnMut(&Event),
) -> Result<BatchSummary> {
    let started = Instant::now();
    if opts.formats.is_empty() {
        return Err(Error::Setting {
            name: "format".into(),
            reason: "at least one output format is needed".into(),
        });
    }
    std::fs::create_dir_all(&opts.out_dir).map_err(|source| Error::Write {
        path: opts.out_dir.clone(),
        source,
    })?;
    let mut selection = opts.selection.clone();
    selection.skip_dir = Some(opts.out_dir.clone());
    let (mut items, mut unusable) = inputs::discover(&selection)?;
    if let Some(shard) = opts.shard {
        items.retain(|i| shard.owns(&i.key));
        unusable.retain(|u| shard.owns(&u.key));
    }
    let journal_path = opts.journal_path();
    let previous = if opts.resume {
        journal::last_records(&journal_path)?
    } else {
        HashMap::new()
    };
    let mut journal = Journal::open(&journal_path)?;
    let cache = if opts.cache {
        Some(Cache::open(
            &opts.cache_path(),
            translator.model_info(),
            translator.options(),
        )?)
    } else {
        None
    };
    let mut totals = BatchSummary {
        total: items.len() + unusable.len(),
        journal: journal_path.clone(),
        ..BatchSummary::default()
    };
    on_event(&Event::Started {
        total: totals.total,
    });

    let mut finish = |record: Record, totals: &mut BatchSummary| -> Result<()> {
        journal.append(&record)?;
        match record.status {
            Status::Done => {
                totals.done += 1;
                totals.sentences += record.sentences;
            }
            Status::Failed => totals.failed += 1,
            Status::Skipped => totals.skipped += 1,
        }
        totals.seconds = started.elapsed().as_secs_f64();
        on_event(&Event::Finished {
            record: &record,
            totals,
        });
        Ok(())
    };
    for bad in unusable {
        let record = failed(bad.key, &bad.error, None, 0.0);
        finish(record, &mut totals)?;
    }

    let settings = &settings_fingerprint(translator, opts);
    let jobs = opts.jobs.max(1);
    let queue = 4 * jobs + 8;
    let next = AtomicUsize::new(0);
    let items = &items;
    let previous = &previous;
    std::thread::scope(|scope| -> Result<()> {
        let (prep_tx, prep_rx) = sync_channel::<Prepared>(queue);
        let (done_tx, done_rx) = sync_channel::<Translated>(queue);
        for _ in 0..jobs {
            let tx = prep_tx.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len()
                    || tx
                        .send(prepare(i, &items[i], opts, previous, settings))
                        .is_err()
                {
                    break;
                }
            });
        }
        drop(prep_tx);
        let cache = cache.as_ref();
        scope.spawn(move || translate_stage(prep_rx, done_tx, items, translator, cache, opts));
        for msg in done_rx {
            let record = match msg {
                Translated::Over(record) => record,
                Translated::Ready {
                    item,
                    alignment,
                    sha,
                    started,
                    cached,
                } => {
                    totals.cached_sentences += cached;
                    write_outputs(&items[item], &alignment, sha, started, opts, settings)
                }
            };
            // A journal that cannot be written ends the job: nothing could be resumed safely.
            finish(record, &mut totals)?;
        }
        Ok(())
    })?;
    totals.seconds = started.elapsed().as_secs_f64();
    Ok(totals)
}

fn failed(key: String, error: &Error, sha: Option<String>, seconds: f64) -> Record {
    Record {
        input: key,
        status: Status::Failed,
        error: Some(error_chain(error)),
        sentences: 0,
        seconds,
        sha256: sha,
        outputs: Vec::new(),
        formats: Vec::new(),
        settings: None,
    }
}

/// The error and its sources, as one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut s = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s
}

/// What an input's outputs depend on besides the input itself: the model (id, revision,
/// quantization), the decoding settings, how inputs are segmented, and the dictionary the entity
/// pairs come from. Recorded with each done input; `--resume` redoes inputs recorded under other
/// settings (or by a version that recorded none).
fn settings_fingerprint(translator: &Translator, opts: &BatchOptions) -> String {
    let model = translator.model_info();
    let parts = [
        model.id.clone(),
        model.revision.clone(),
        model.quantize.clone().unwrap_or_default(),
        translator.options().result_key(),
        format!("{:?}", opts.input_format),
        opts.lexicon
            .as_ref()
            .map_or_else(|| "no dictionary".into(), Lexicon::fingerprint),
    ];
    hex_sha256(parts.join("\0").as_bytes())
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stage 1: read, checksum, resume check, segment.
fn prepare(
    index: usize,
    item: &Item,
    opts: &BatchOptions,
    previous: &HashMap<String, Record>,
    settings: &str,
) -> Prepared {
    let started = Instant::now();
    let input = match &item.source {
        Source::Path(path) => crate::read::read_path(path, opts.max_bytes),
        Source::Text(text) => match opts.max_bytes {
            Some(max) if text.len() as u64 > max => Err(Error::TooLarge {
                path: item.key.clone().into(),
                size: text.len() as u64,
                max,
            }),
            _ => crate::read::from_bytes(Origin(item.key.clone()), text.clone().into_bytes()),
        },
    };
    let input = match input {
        Ok(input) => input,
        Err(e) => {
            let record = failed(item.key.clone(), &e, None, started.elapsed().as_secs_f64());
            return Prepared::Over(record);
        }
    };
    let sha = hex_sha256(input.text.as_bytes());
    if let Some(prev) = previous.get(&item.key) {
        if resumable(prev, &sha, opts, settings) {
            return Prepared::Over(Record {
                status: Status::Skipped,
                seconds: 0.0,
                error: None,
                ..prev.clone()
            });
        }
    }
    let doc = pipeline::segment_input(input, opts.input_format);
    Prepared::Ready {
        item: index,
        doc,
        sha,
        started,
    }
}

/// Whether a previous record lets `--resume` skip the input: done, same checksum, same formats,
/// same settings, and every output still there.
fn resumable(prev: &Record, sha: &str, opts: &BatchOptions, settings: &str) -> bool {
    let formats: Vec<String> = opts.formats.iter().map(|f| f.to_string()).collect();
    prev.status == Status::Done
        && prev.sha256.as_deref() == Some(sha)
        && prev.formats == formats
        && prev.settings.as_deref() == Some(settings)
        && !prev.outputs.is_empty()
        && prev.outputs.iter().all(|o| opts.out_dir.join(o).is_file())
}

/// Stage 2: gather, translate (through the cache), build alignments.
fn translate_stage(
    rx: Receiver<Prepared>,
    tx: SyncSender<Translated>,
    items: &[Item],
    translator: &Translator,
    cache: Option<&Cache>,
    opts: &BatchOptions,
) {
    let mut pending: Vec<Pending> = Vec::new();
    let mut pending_sentences = 0;
    loop {
        // Block when nothing is pending; otherwise take what is queued and translate as soon as
        // the queue runs dry, so the model never waits for a full group.
        let msg = if pending.is_empty() {
            rx.recv().ok()
        } else {
            rx.try_recv().ok()
        };
        match msg {
            Some(Prepared::Over(record)) => {
                if tx.send(Translated::Over(record)).is_err() {
                    return;
                }
            }
            Some(Prepared::Ready {
                item,
                doc,
                sha,
                started,
            }) => {
                pending_sentences += doc.sentences.len();
                pending.push((item, doc, sha, started));
                if pending_sentences >= opts.group_sentences {
                    flush(&mut pending, &tx, items, translator, cache, opts);
                    pending_sentences = 0;
                }
            }
            None if pending.is_empty() => return,
            None => {
                flush(&mut pending, &tx, items, translator, cache, opts);
                pending_sentences = 0;
            }
        }
    }
}

/// Translates the sentences of the pending documents in one call (each distinct sentence once,
/// cached ones not at all) and sends each document on.
fn flush(
    pending: &mut Vec<Pending>,
    tx: &SyncSender<Translated>,
    items: &[Item],
    translator: &Translator,
    cache: Option<&Cache>,
    opts: &BatchOptions,
) {
    let docs = std::mem::take(pending);
    let result = translate_group(&docs, translator, cache);
    match result {
        Ok((per_doc, cached)) => {
            for ((item, doc, sha, started), (translations, hits)) in
                docs.into_iter().zip(per_doc.into_iter().zip(cached))
            {
                let alignment = pipeline::translated_alignment(
                    doc,
                    translations,
                    translator.model_info().clone(),
                    opts.lexicon.as_ref(),
                );
                let msg = Translated::Ready {
                    item,
                    alignment: Box::new(alignment),
                    sha,
                    started,
                    cached: hits,
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
        }
        Err(e) => {
            for (item, _, sha, started) in docs {
                let record = failed(
                    items[item].key.clone(),
                    &e,
                    Some(sha),
                    started.elapsed().as_secs_f64(),
                );
                if tx.send(Translated::Over(record)).is_err() {
                    return;
                }
            }
        }
    }
}

/// Per document: its translations, and how many of its sentences came from the cache.
fn translate_group(
    docs: &[Pending],
    translator: &Translator,
    cache: Option<&Cache>,
) -> Result<(Vec<Vec<Translation>>, Vec<usize>)> {
    // Distinct sentences in first-seen order.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    for (_, doc, _, _) in docs {
        for s in &doc.sentences {
            let text = doc.slice(s.span);
            index.entry(text).or_insert_with(|| {
                distinct.push(text);
                distinct.len() - 1
            });
        }
    }
    let mut found = match cache {
        Some(cache) => cache.get_many(&distinct)?,
        None => vec![None; distinct.len()],
    };
    let from_cache: Vec<bool> = found.iter().map(Option::is_some).collect();
    let missing: Vec<usize> = (0..distinct.len())
        .filter(|&i| found[i].is_none())
        .collect();
    let texts: Vec<&str> = missing.iter().map(|&i| distinct[i]).collect();
    let translated = translator.translate_texts(&texts)?;
    if let Some(cache) = cache {
        let entries: Vec<(&str, &crate::translate::TranslatedText)> =
            texts.iter().copied().zip(translated.iter()).collect();
        cache.put_many(&entries)?;
    }
    for (i, t) in missing.into_iter().zip(translated) {
        found[i] = Some(t);
    }
    let mut per_doc = Vec::with_capacity(docs.len());
    let mut hits = Vec::with_capacity(docs.len());
    for (_, doc, _, _) in docs {
        let mut n = 0;
        let translations = doc
            .sentences
            .iter()
            .map(|s| {
                let i = index[doc.slice(s.span)];
                n += usize::from(from_cache[i]);
                let t = found[i]
                    .clone()
                    .expect("every distinct sentence translated");
                Translation {
                    sentence: s.id,
                    text: t.text,
                    flags: t.flags,
                    links: t.links,
                }
            })
            .collect();
        per_doc.push(translations);
        hits.push(n);
    }
    Ok((per_doc, hits))
}

/// Stage 3: renders every format and writes each file atomically; the record says what came of it.
fn write_outputs(
    item: &Item,
    alignment: &Alignment,
    sha: String,
    started: Instant,
    opts: &BatchOptions,
    settings: &str,
) -> Record {
    let meta = pipeline::render_meta();
    let mut outputs = Vec::new();
    for &format in &opts.formats {
        let rendered = match render::render_alignment(alignment, format, &meta) {
            Ok(r) => r,
            Err(e) => {
                return failed(
                    item.key.clone(),
                    &e,
                    Some(sha),
                    started.elapsed().as_secs_f64(),
                )
            }
        };
        for (rel, bytes) in output_files(&item.rel, format, rendered) {
            if opts.resume {
                remove_stale_temps(&opts.out_dir.join(&rel));
            }
            if let Err(e) = write_file(&opts.out_dir, &rel, &bytes) {
                return failed(
                    item.key.clone(),
                    &e,
                    Some(sha),
                    started.elapsed().as_secs_f64(),
                );
            }
            outputs.push(rel.display().to_string());
        }
    }
    Record {
        input: item.key.clone(),
        status: Status::Done,
        error: None,
        sentences: alignment.ar.sentences.len(),
        seconds: started.elapsed().as_secs_f64(),
        sha256: Some(sha),
        outputs,
        formats: opts.formats.iter().map(|f| f.to_string()).collect(),
        settings: Some(settings.to_string()),
    }
}

/// Removes what a killed run left of writing `path`: `render::write_atomic`'s temporary files
/// (`.NAME.PID.N.tmp` beside it). Only on `--resume`, and only for this input's own outputs, so a
/// shard never touches another's files in flight.
fn remove_stale_temps(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str())) else {
        return;
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        if file.starts_with(&prefix) && file.ends_with(".tmp") {
            // Best effort: a leftover that cannot be removed harms nothing.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn write_file(out_dir: &Path, rel: &Path, bytes: &[u8]) -> Result<()> {
    let path = out_dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    render::write_atomic(&path, bytes)
}

/// The output files of one input in one format, relative to the output folder: the input's
/// relative path with the format's extension (`a/b.txt` → `a/b.json`; plain text becomes
/// `a/b.en.txt` so it never looks like an input; Moses gives `a/b.ar` and `a/b.en`).
pub fn output_files(rel: &Path, format: Format, rendered: Rendered) -> Vec<(PathBuf, Vec<u8>)> {
    let stem = rel.with_extension("");
    let with_ext = |ext: &str| {
        let mut s = stem.clone().into_os_string();
        s.push(".");
        s.push(ext);
        PathBuf::from(s)
    };
    match rendered {
        Rendered::Stream(bytes) => {
            let ext = match format {
                Format::Text => "en.txt",
                other => other.extension(),
            };
            vec![(with_ext(ext), bytes)]
        }
        Rendered::Files(files) => files
            .into_iter()
            .map(|f| (with_ext(&f.suffix), f.bytes))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::translator::tests::GlossaryDouble;
    use crate::translate::DecodeOptions;
    use std::fs;

    fn translator() -> Translator {
        Translator::with_model(
            Box::new(GlossaryDouble::new(64, 64)),
            DecodeOptions::default(),
        )
        .unwrap()
    }

    /// `n` articles in two folders, with repeated sentences, plus one that is not UTF-8.
    fn corpus(dir: &Path, n: usize) -> PathBuf {
        let root = dir.join("in");
        for i in 0..n {
            let p = root.join(format!("f{}", i % 2)).join(format!("d{i}.txt"));
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, format!("قال الوزير\nإن العدد {i}\n")).unwrap();
        }
        fs::write(root.join("bad.txt"), b"caf\xe9").unwrap();
        root
    }

    fn options(root: &Path, out: &Path) -> BatchOptions {
        let sel = Selection {
            inputs: vec![root.to_path_buf()],
            ..Selection::default()
        };
        let mut opts = BatchOptions::new(sel, out.to_path_buf());
        opts.formats = vec![Format::Json, Format::Text];
        opts.group_sentences = 3;
        opts
    }

    #[test]
    fn runs_records_resumes_and_caches() {
        let dir = tempfile::tempdir().unwrap();
        let root = corpus(dir.path(), 5);
        let out = dir.path().join("out");
        let t = translator();
        let mut events = 0;
        let opts = options(&root, &out);
        let s = run(&opts, &t, &mut |_| events += 1).unwrap();
        assert_eq!((s.total, s.done, s.failed, s.skipped), (6, 5, 1, 0));
        assert_eq!(events, 7);
        assert_eq!(s.sentences, 10);
        // "قال الوزير" repeats in every article: translated once, the rest from the group.
        let text = fs::read_to_string(out.join("f0/d0.en.txt")).unwrap();
        assert!(text.contains("said minister"), "{text}");
        assert!(out.join("f1/d3.json").is_file());
        let records = journal::last_records(&opts.journal_path()).unwrap();
        let bad = &records[&root.join("bad.txt").display().to_string()];
        assert_eq!(bad.status, Status::Failed);
        assert!(bad.error.as_deref().unwrap().contains("UTF-8"));

        // Resume: done ones skipped, the failed one tried again.
        let mut resumed = opts.clone();
        resumed.resume = true;
        let s = run(&resumed, &t, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.failed, s.skipped), (0, 1, 5));

        // Without resume, everything is redone, from the cache.
        let s = run(&opts, &t, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.cached_sentences), (5, 10));

        // A removed output or other formats make resume redo the input.
        fs::remove_file(out.join("f0/d0.json")).unwrap();
        let s = run(&resumed, &t, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.skipped), (1, 4));
        resumed.formats = vec![Format::Json];
        let s = run(&resumed, &t, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.skipped), (5, 0));

        // Other settings make resume redo every input: other decoding options, a dictionary
        // (the entity pairs come from it), another dictionary; the same ones skip them again.
        let mut decode = DecodeOptions::default();
        decode.beam += 1;
        let other = Translator::with_model(Box::new(GlossaryDouble::new(64, 64)), decode).unwrap();
        let s = run(&resumed, &other, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.skipped), (5, 0));
        let s = run(&resumed, &other, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.skipped), (0, 5));
        let dict = dir.path().join("dict.tsv");
        fs::write(&dict, "وزير\tminister\n").unwrap();
        resumed.lexicon = Some(Lexicon::load(&dict).unwrap());
        let s = run(&resumed, &other, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.skipped), (5, 0));
        let s = run(&resumed, &other, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.skipped), (0, 5));
        fs::write(&dict, "وزير\tminister\nقال\tsaid\n").unwrap();
        resumed.lexicon = Some(Lexicon::load(&dict).unwrap());
        let s = run(&resumed, &other, &mut |_| {}).unwrap();
        assert_eq!((s.done, s.skipped), (5, 0));
    }

    #[test]
    fn shards_cover_everything_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = corpus(dir.path(), 12);
        let out = dir.path().join("out");
        let t = translator();
        let mut total = 0;
        for index in 0..3 {
            let mut opts = options(&root, &out);
            opts.shard = Some(Shard { index, count: 3 });
            let s = run(&opts, &t, &mut |_| {}).unwrap();
            total += s.total;
            assert!(opts
                .journal_path()
                .ends_with(format!("journal.shard-{index}-of-3.jsonl")));
        }
        assert_eq!(total, 13);
        for i in 0..12 {
            assert!(out.join(format!("f{}/d{i}.json", i % 2)).is_file());
        }
    }

    #[test]
    fn stale_temps_of_one_output_removed() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            ".a.json.123.1.tmp",
            ".b.json.123.2.tmp",
            "a.json",
            ".a.json.notes",
        ];
        for n in names {
            fs::write(dir.path().join(n), "x").unwrap();
        }
        remove_stale_temps(&dir.path().join("a.json"));
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        left.sort();
        assert_eq!(left, vec![".a.json.notes", ".b.json.123.2.tmp", "a.json"]);
    }

    #[test]
    fn output_names_mirror_the_input() {
        let cases: &[(&str, Format, Rendered, &[&str])] = &[
            (
                "a/b.txt",
                Format::Json,
                Rendered::Stream(vec![]),
                &["a/b.json"],
            ),
            (
                "a/b.txt",
                Format::Text,
                Rendered::Stream(vec![]),
                &["a/b.en.txt"],
            ),
            (
                "wire/17",
                Format::Html,
                Rendered::Stream(vec![]),
                &["wire/17.html"],
            ),
            (
                "a/b.txt",
                Format::Moses,
                Rendered::Files(vec![
                    render::NamedOutput {
                        suffix: "ar".into(),
                        bytes: vec![],
                    },
                    render::NamedOutput {
                        suffix: "en".into(),
                        bytes: vec![],
                    },
                ]),
                &["a/b.ar", "a/b.en"],
            ),
        ];
        for (rel, format, rendered, want) in cases {
            let got: Vec<PathBuf> = output_files(Path::new(rel), *format, rendered.clone())
                .into_iter()
                .map(|(p, _)| p)
                .collect();
            let want: Vec<PathBuf> = want.iter().map(PathBuf::from).collect();
            assert_eq!(got, want, "{rel} {format}");
        }
    }
}
