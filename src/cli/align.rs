//! `tarjuman align AR_FILE EN_FILE`: pair the sentences of an Arabic article with those of an
//! English text (its translation, its original, or with `--mode comparable` a separate story
//! on the same events), and render the alignment as JSON, HTML, TSV, TMX, Moses, Markdown or
//! text. Reads and segments both files, loads the dictionary once, reports odd inputs as
//! warnings on stderr, then calls the library's aligner and renderer.

use super::model_args::{parse_format, LexiconArgs, ModelArgs};
use super::output::emit;
use anyhow::bail;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tarjuman::align::{align_documents, check_inputs, AlignMode, AlignOptions};
use tarjuman::document::{Document, Lang};
use tarjuman::render::{self, Format};
use tarjuman::{read, segment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// The English text translates the Arabic one (or is its original): monotone beads.
    Parallel,
    /// The English text tells the same story its own way: best candidates per sentence.
    Comparable,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Arabic article (UTF-8; `-` reads standard input).
    #[arg(value_name = "AR_FILE")]
    ar_file: PathBuf,
    /// The English text.
    #[arg(value_name = "EN_FILE")]
    en_file: PathBuf,
    /// How the English text relates to the Arabic one.
    #[arg(long, value_enum, default_value_t = ModeArg::Parallel)]
    mode: ModeArg,
    #[command(flatten)]
    lexicon: LexiconArgs,
    /// Both files hold one sentence per line: keep their lines as they are.
    #[arg(long)]
    lines: bool,
    /// Output format: json, html, tsv, tmx, moses, md, text.
    #[arg(long, short = 'f', value_name = "FORMAT", default_value = "json", value_parser = parse_format)]
    format: Format,
    /// Write here instead of standard output (for moses: the prefix of PREFIX.ar and PREFIX.en).
    #[arg(long, short = 'o', value_name = "OUT")]
    output: Option<PathBuf>,
    /// Comparable mode: report candidates scoring at least this (0..1).
    #[arg(long, value_name = "SCORE", default_value_t = AlignOptions::default().min_score)]
    min_score: f32,
    /// Comparable mode: at most this many candidates per Arabic sentence.
    #[arg(long, value_name = "N", default_value_t = AlignOptions::default().max_candidates)]
    max_candidates: usize,
    /// Refuse inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
    /// No warnings on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Translate the Arabic with a model (`--model` or `--model-dir`) and add the chrF between
    /// its translation and the English to the score; without either, no model is loaded.
    #[command(flatten)]
    model: ModelArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.format == Format::Moses && args.output.is_none() {
        bail!("--format moses writes two files: give their prefix with -o PREFIX");
    }
    if !(0.0..=1.0).contains(&args.min_score) {
        bail!("--min-score must lie in 0..1, not {}", args.min_score);
    }
    let ar = read_side(&args.ar_file, Lang::Ar, &args)?;
    let en = read_side(&args.en_file, Lang::En, &args)?;
    let lexicon = args.lexicon.load()?;
    let translated = args.model.translate_if_given(&ar, args.quiet)?;
    let translations = translated.as_ref().map(|(texts, _)| texts.as_slice());
    if !args.quiet {
        for warning in check_inputs(&ar, &en, lexicon.as_ref(), translations) {
            // --no-lexicon asked for it: no need to say so.
            if args.lexicon.no_lexicon && warning == tarjuman::align::AlignWarning::NoLexicon {
                continue;
            }
            eprintln!("tarjuman: warning: {warning}");
        }
    }
    let opts = AlignOptions {
        mode: match args.mode {
            ModeArg::Parallel => AlignMode::Parallel,
            ModeArg::Comparable => AlignMode::Comparable,
        },
        min_score: args.min_score,
        max_candidates: args.max_candidates,
    };
    let alignment = align_documents(ar, en, &opts, lexicon.as_ref(), translations);
    let rendered =
        render::render_alignment(&alignment, args.format, &tarjuman::pipeline::render_meta())?;
    emit(&rendered, args.output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

/// Reads and segments one side (as an article, or line by line with `--lines`).
fn read_side(path: &Path, lang: Lang, args: &Args) -> anyhow::Result<Document> {
    let input = read::read_path(path, args.max_bytes)?;
    Ok(if args.lines {
        segment::segment_lines(input, Some(lang))
    } else {
        segment::segment(input, Some(lang))
    })
}
