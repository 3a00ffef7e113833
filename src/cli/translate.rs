//! `tarjuman translate`: one Arabic article (or pre-segmented lines) in, its English translation
//! out, as text keeping the paragraphs, or as JSON/HTML/TSV/TMX/Moses/Markdown with the
//! alignment, flags and word links. Arguments are checked and turned into library settings here;
//! the work is `pipeline` + `Translator` + `render`.

use super::model_args::{parse_format, InputFormatArg, LexiconArgs, ModelArgs};
use super::output::emit;
use super::progress::Progress;
use anyhow::{bail, Context};
use std::path::PathBuf;
use std::process::ExitCode;
use tarjuman::pipeline;
use tarjuman::render::{self, Format};

/// Inputs with at least this many sentences show progress.
const PROGRESS_FROM: usize = 16;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Arabic text file (UTF-8); `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArgs,
    // The dictionary that links the entity pairs (names, numbers, dates) of each sentence.
    #[command(flatten)]
    lexicon: LexiconArgs,
    /// `article`: find paragraphs and sentences; `lines`: every non-empty line is one segment.
    #[arg(long, value_enum, default_value_t = InputFormatArg::Article)]
    input_format: InputFormatArg,
    /// Output format: text, json, html, tsv, tmx, moses, md.
    #[arg(long, short = 'f', value_name = "FORMAT", default_value = "text", value_parser = parse_format)]
    format: Format,
    /// Write here instead of standard output (for moses: the prefix of PREFIX.ar and PREFIX.en).
    #[arg(long, short = 'o', value_name = "OUT")]
    output: Option<PathBuf>,
    /// Refuse inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
    /// No progress on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.input.unwrap_or_else(|| PathBuf::from("-"));
    if args.format == Format::Moses && args.output.is_none() {
        bail!("--format moses writes two files: give their prefix with -o PREFIX");
    }
    args.model.setup_threads()?;
    // Read and segment first: a bad input fails before the model loads.
    let input = tarjuman::read::read_path(&path, args.max_bytes)?;
    let doc = pipeline::segment_input(input, args.input_format.into());
    let lexicon = args.lexicon.load()?;
    let translator = args.model.load_translator(args.quiet)?;
    let n = doc.sentences.len();
    let mut progress =
        (n >= PROGRESS_FROM).then(|| Progress::new(n as u64, "segments", args.quiet));
    let translations = translator
        .translate_document_with_progress(&doc, &mut |done, total| {
            if let Some(p) = progress.as_mut() {
                p.update(done as u64, total as u64, "");
            }
        })
        .with_context(|| format!("translating {}", path.display()))?;
    if let Some(p) = progress {
        p.finish();
    }
    let alignment = pipeline::translated_alignment(
        doc,
        translations,
        translator.model_info().clone(),
        lexicon.as_ref(),
    );
    let meta = pipeline::render_meta();
    let rendered = render::render_alignment(&alignment, args.format, &meta)?;
    emit(&rendered, args.output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}
