//! `tarjuman quotes`: where the quotes of an Arabic article were said in English sources.
//!
//! Reads and segments the Arabic article and each `--source`, loads the bilingual dictionary
//! (Debian's FreeDict pair, or `--lexicon`), matches every quote both ways and renders the
//! report (JSON by default) to standard output or `-o`.

use super::model_args::{parse_format, LexiconArgs, ModelArgs};
use super::output::emit;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tarjuman::align;
use tarjuman::document::{Document, Lang};
use tarjuman::render::{self, Format};
use tarjuman::{pipeline, read, segment, QuoteReport};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Arabic article (UTF-8 text; `-` reads standard input).
    #[arg(value_name = "AR_FILE")]
    ar: PathBuf,
    /// An English text to search for the quotes' wording; repeat for several.
    #[arg(long = "source", value_name = "EN_FILE", required = true)]
    sources: Vec<PathBuf>,
    #[command(flatten)]
    lexicon: LexiconArgs,
    /// Output format: json, html, md, tsv or text.
    #[arg(long, value_name = "FORMAT", default_value = "json", value_parser = parse_format)]
    format: Format,
    /// Write here (atomically) instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Refuse inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
    /// Translate the article with a model (`--model` or `--model-dir`) and use its
    /// translations as further evidence; without either, no model is loaded.
    #[command(flatten)]
    model: ModelArgs,
    /// No messages about the model download on stderr.
    #[arg(long, short = 'q')]
    quiet: bool,
}

/// Reads and segments one input, warning when its script is not the one expected.
fn load(path: &Path, expected: Lang, max_bytes: Option<u64>) -> anyhow::Result<Document> {
    let input = read::read_path(path, max_bytes)?;
    let found = segment::detect_lang(&input.text);
    if found != expected {
        eprintln!(
            "warning: {} looks like {} text, not {}; matching it as {} anyway",
            path.display(),
            found.tag(),
            expected.tag(),
            expected.tag()
        );
    }
    Ok(segment::segment(input, Some(expected)))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let stdin_uses = args.sources.iter().filter(|p| p.as_os_str() == "-").count()
        + usize::from(args.ar.as_os_str() == "-");
    if stdin_uses > 1 {
        anyhow::bail!("standard input (`-`) can be read only once");
    }
    let ar = load(&args.ar, Lang::Ar, args.max_bytes)?;
    let sources = args
        .sources
        .iter()
        .map(|p| load(p, Lang::En, args.max_bytes))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let lexicon = args.lexicon.load()?;
    if lexicon.is_none() && !args.lexicon.no_lexicon {
        eprintln!(
            "warning: no Arabic–English dictionary found (install dict-freedict-ara-eng \
             or give --lexicon); matching quotes on names and numbers only"
        );
    }
    if ar.quotes.is_empty() {
        eprintln!(
            "note: {} has no quoted statements («…» or \"…\")",
            args.ar.display()
        );
    }
    // A model only when asked for: the matching works without one.
    let (translations, model) = match args.model.translate_if_given(&ar, args.quiet)? {
        Some((texts, info)) => (Some(texts), Some(info)),
        None => (None, None),
    };
    let quotes = align::match_quotes(&ar, &sources, lexicon.as_ref(), translations.as_deref());
    let report = QuoteReport {
        ar,
        sources,
        quotes,
        model,
    };
    let rendered = render::render_quotes(&report, args.format, &pipeline::render_meta())?;
    emit(&rendered, args.output.as_ref())?;
    Ok(ExitCode::SUCCESS)
}
