//! `tarjuman align AR_FILE EN_FILE`: pair the sentences of an Arabic article with those of an
//! English text (its translation, its original, or with `--mode comparable` a separate story
//! on the same events), and render the alignment as JSON, HTML, TSV, TMX, Moses, Markdown or
//! text. Reads and segments both files, loads the dictionary once, reports odd inputs as
//! warnings on stderr, then calls the library's aligner and renderer.

use anyhow::{bail, Context};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tarjuman::align::{align_documents, check_inputs, AlignMode, AlignOptions, Lexicon};
use tarjuman::document::{Document, Lang};
use tarjuman::render::{self, Format, RenderMeta};
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
    /// A bilingual dictionary: a dictd `.index` (with its `.dict.dz` beside it) or a TSV file
    /// of `arabic TAB english` lines [default: Debian's freedict-ara-eng and freedict-eng-ara
    /// under /usr/share/dictd].
    #[arg(long, value_name = "PATH", conflicts_with = "no_lexicon")]
    lexicon: Option<PathBuf>,
    /// Align without a dictionary (lengths, numbers and names only).
    #[arg(long)]
    no_lexicon: bool,
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
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse::<Format>().map_err(|e| e.to_string())
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
    let lexicon = match (&args.lexicon, args.no_lexicon) {
        (Some(path), _) => Some(
            Lexicon::load(path).with_context(|| format!("loading --lexicon {}", path.display()))?,
        ),
        (None, false) => Lexicon::find_default(),
        (None, true) => None,
    };
    if !args.quiet {
        for warning in check_inputs(&ar, &en, lexicon.as_ref(), None) {
            // --no-lexicon asked for it: no need to say so.
            if args.no_lexicon && warning == tarjuman::align::AlignWarning::NoLexicon {
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
    let alignment = align_documents(ar, en, &opts, lexicon.as_ref(), None);
    let rendered = render::render_alignment(&alignment, args.format, &RenderMeta::now())?;
    match (&args.output, rendered.as_stream()) {
        (Some(out), _) => {
            rendered.write(out)?;
        }
        (None, Some(bytes)) => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
        }
        (None, None) => bail!("this format writes several files: give -o PREFIX"),
    }
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
