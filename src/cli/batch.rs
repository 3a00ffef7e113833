//! `tarjuman batch`: many inputs (files, folders, a manifest, JSONL on stdin), one model load,
//! outputs mirroring the inputs under `--out-dir`, a journal, `--resume` and `--shard K/N`. The
//! work is `tarjuman::batch::run`; this file parses, shows progress and sets the exit code
//! (1 when any input failed).

use super::model_args::{parse_format, InputFormatArg, ModelArgs};
use super::progress::Progress;
use std::path::PathBuf;
use std::process::ExitCode;
use tarjuman::batch::{self, BatchOptions, Event, Selection, Shard, Status};
use tarjuman::render::Format;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files, folders (searched recursively for --include), or `-` for JSONL records on stdin.
    #[arg(value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// A list of inputs: JSONL (a path string, {"path"}, or {"id", "text"} per line) or TSV
    /// (a path, or id<TAB>text, per line). Paths are relative to the manifest.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Where outputs go, mirroring the input tree; also holds journal.jsonl and the cache.
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    #[command(flatten)]
    model: ModelArgs,
    /// Output formats, comma-separated: json, html, text, tsv, tmx, moses, md.
    #[arg(long, short = 'f', value_name = "FORMATS", default_value = "json", value_delimiter = ',', value_parser = parse_format)]
    format: Vec<Format>,
    /// `article`: find paragraphs and sentences; `lines`: every non-empty line is one segment.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Article)]
    input_format: InputFormatArg,
    /// Files in folders to take (glob on the path below the folder) [default: *.txt].
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Files in folders to leave out (glob).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Skip inputs already done (journal record, unchanged checksum, outputs present).
    #[arg(long)]
    resume: bool,
    /// Do only shard K of N (K from 0), by a stable hash of each input's path or id.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Threads reading and segmenting inputs alongside the model.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 2)]
    jobs: usize,
    /// Inputs larger than this many bytes fail (recorded) instead of being read.
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
    /// Do not keep a translation cache under --out-dir.
    #[arg(long)]
    no_cache: bool,
    /// Sentences gathered from several documents per call to the model.
    #[arg(long, value_name = "N", default_value_t = 256, hide = true)]
    group_sentences: usize,
    /// No progress on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.inputs.is_empty() && args.manifest.is_none() {
        anyhow::bail!(
            "no inputs: name files or folders, `-` for JSONL on stdin, or --manifest FILE"
        );
    }
    args.model.setup_threads()?;
    let translator = args.model.load_translator(args.quiet)?;
    let selection = Selection {
        inputs: args.inputs,
        manifest: args.manifest,
        include: args.include,
        exclude: args.exclude,
        skip_dir: None,
    };
    let mut opts = BatchOptions::new(selection, args.out_dir);
    opts.formats = args.format;
    opts.input_format = args.input_format.into();
    opts.resume = args.resume;
    opts.shard = args.shard;
    opts.jobs = args.jobs;
    opts.max_bytes = args.max_bytes;
    opts.cache = !args.no_cache;
    opts.group_sentences = args.group_sentences.max(1);

    let quiet = args.quiet;
    let mut progress: Option<Progress> = None;
    let summary = batch::run(&opts, &translator, &mut |event| match event {
        Event::Started { total } => {
            progress = Some(Progress::new(*total as u64, "documents", quiet))
        }
        Event::Finished { record, totals } => {
            if let Some(p) = progress.as_mut() {
                if record.status == Status::Failed {
                    p.println(&format!(
                        "tarjuman: failed: {}: {}",
                        record.input,
                        record.error.as_deref().unwrap_or("")
                    ));
                }
                let done = totals.done + totals.failed + totals.skipped;
                let note = format!("{:.1} sentences/s", totals.sentences_per_second());
                p.update(done as u64, totals.total as u64, &note);
            }
        }
    })?;
    if let Some(p) = progress {
        p.finish();
    }
    if !quiet {
        eprintln!(
            "tarjuman: {} done, {} failed, {} skipped of {}; {} sentences ({} from the cache) in {:.1} s, {:.1} sentences/s; journal {}",
            summary.done,
            summary.failed,
            summary.skipped,
            summary.total,
            summary.sentences,
            summary.cached_sentences,
            summary.seconds,
            summary.sentences_per_second(),
            summary.journal.display()
        );
    }
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
