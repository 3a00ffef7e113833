//! `tarjuman quotes`: where the quotes of an Arabic article were said in English sources.
//!
//! Reads and segments the Arabic article and each `--source`, loads the bilingual dictionary
//! (Debian's FreeDict pair, or `--lexicon`), matches every quote both ways and renders the
//! report (JSON by default) to standard output or `-o`.

use super::model_args::ModelArgs;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tarjuman::align::{self, Lexicon};
use tarjuman::document::{Document, Lang};
use tarjuman::render::{self, Format, RenderMeta, Rendered};
use tarjuman::{read, segment, QuoteReport};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Arabic article (UTF-8 text; `-` reads standard input).
    #[arg(value_name = "AR_FILE")]
    ar: PathBuf,
    /// An English text to search for the quotes' wording; repeat for several.
    #[arg(long = "source", value_name = "EN_FILE", required = true)]
    sources: Vec<PathBuf>,
    /// Bilingual dictionary: a dictd `.index` (beside its `.dict`/`.dict.dz`) or an
    /// `arabic<TAB>english` TSV file. Default: Debian's FreeDict Arabic–English pair.
    #[arg(long, value_name = "PATH")]
    lexicon: Option<PathBuf>,
    /// Match without a dictionary (names and numbers only).
    #[arg(long, conflicts_with = "lexicon")]
    no_lexicon: bool,
    /// Output format: json, html, md, tsv or text.
    #[arg(long, value_name = "FORMAT", default_value = "json")]
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
    let lexicon = match (&args.lexicon, args.no_lexicon) {
        (Some(path), _) => Some(
            Lexicon::load(path)
                .with_context(|| format!("cannot use --lexicon {}", path.display()))?,
        ),
        (None, true) => None,
        (None, false) => {
            let found = Lexicon::find_default();
            if found.is_none() {
                eprintln!(
                    "warning: no Arabic–English dictionary found (install dict-freedict-ara-eng \
                     or give --lexicon); matching quotes on names and numbers only"
                );
            }
            found
        }
    };
    if ar.quotes.is_empty() {
        eprintln!(
            "note: {} has no quoted statements («…» or \"…\")",
            args.ar.display()
        );
    }
    // A model only when asked for: the matching works without one.
    let (translations, model) = if args.model.model.is_some() || args.model.model_dir.is_some() {
        args.model.setup_threads()?;
        let translator = args.model.load_translator(args.quiet)?;
        let translated = translator
            .translate_document(&ar)
            .with_context(|| format!("translating {}", args.ar.display()))?;
        // One text per Arabic sentence, in order (the translator returns them so).
        let mut texts = vec![String::new(); ar.sentences.len()];
        for t in translated {
            if let Some(slot) = texts.get_mut(t.sentence.index()) {
                slot.clone_from(&t.text);
            }
        }
        (Some(texts), Some(translator.model_info().clone()))
    } else {
        (None, None)
    };
    let quotes = align::match_quotes(&ar, &sources, lexicon.as_ref(), translations.as_deref());
    let report = QuoteReport {
        ar,
        sources,
        quotes,
        model,
    };
    let rendered = render::render_quotes(&report, args.format, &RenderMeta::now())?;
    match (&args.output, &rendered) {
        (Some(path), _) => {
            rendered.write(path)?;
        }
        (None, Rendered::Stream(bytes)) => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .context("cannot write to standard output")?;
        }
        (None, Rendered::Files(_)) => {
            anyhow::bail!(
                "format {} writes several files: give -o PREFIX",
                args.format
            )
        }
    }
    Ok(ExitCode::SUCCESS)
}
