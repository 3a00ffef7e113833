//! `tarjuman segment`: read an article, cut it into sentences and quotes, print one sentence
//! per line (text) or one JSON object per sentence (jsonl) with byte offsets into the input.

use anyhow::Context;
use serde::Serialize;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tarjuman::document::{Document, Lang, QuoteKind};
use tarjuman::{read, segment};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    Ar,
    En,
    /// From the script of the text.
    Auto,
}

impl LangArg {
    pub fn lang(self) -> Option<Lang> {
        match self {
            LangArg::Ar => Some(Lang::Ar),
            LangArg::En => Some(Lang::En),
            LangArg::Auto => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SegmentFormat {
    /// One sentence per line.
    Text,
    /// One JSON object per sentence: id, paragraph, start, end, text, quotes.
    Jsonl,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The article (UTF-8 text; `-` or nothing reads standard input).
    #[arg(value_name = "FILE", default_value = "-")]
    file: PathBuf,
    /// Language of the text.
    #[arg(long, value_enum, default_value_t = LangArg::Auto)]
    lang: LangArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SegmentFormat::Text)]
    format: SegmentFormat,
    /// The input is already one sentence per line: keep its lines as they are.
    #[arg(long)]
    lines: bool,
    /// Refuse inputs larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    max_bytes: Option<u64>,
}

/// One sentence of the jsonl output. Offsets are bytes into the input file.
#[derive(Serialize)]
struct SentenceRecord<'a> {
    id: u32,
    paragraph: u32,
    start: usize,
    end: usize,
    text: &'a str,
    quotes: Vec<QuoteRecord<'a>>,
}

#[derive(Serialize)]
struct QuoteRecord<'a> {
    /// From the opening to the closing mark.
    start: usize,
    end: usize,
    /// The quoted words without the marks.
    text: &'a str,
    speaker: Option<&'a str>,
    speaker_start: Option<usize>,
    speaker_end: Option<usize>,
    kind: QuoteKind,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let input = read::read_path(&args.file, args.max_bytes)?;
    let doc = if args.lines {
        segment::segment_lines(input, args.lang.lang())
    } else {
        segment::segment(input, args.lang.lang())
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        SegmentFormat::Text => write_text(&doc, &mut out),
        SegmentFormat::Jsonl => write_jsonl(&doc, &mut out),
    }
    .and_then(|()| out.flush())
    .context("cannot write to standard output")?;
    Ok(ExitCode::SUCCESS)
}

/// One sentence per line; a line break inside a sentence (a quote over two lines) becomes a
/// space so that line n is sentence n.
fn write_text(doc: &Document, out: &mut impl Write) -> std::io::Result<()> {
    for s in &doc.sentences {
        let text = doc.slice(s.span);
        if text.contains(['\n', '\r']) {
            let one_line: String = text
                .split(['\r', '\n'])
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            writeln!(out, "{one_line}")?;
        } else {
            writeln!(out, "{text}")?;
        }
    }
    Ok(())
}

fn write_jsonl(doc: &Document, out: &mut impl Write) -> std::io::Result<()> {
    for s in &doc.sentences {
        let quotes = s
            .quotes
            .iter()
            .map(|&q| {
                let q = doc.quote(q);
                QuoteRecord {
                    start: q.span.start,
                    end: q.span.end,
                    text: doc.slice(q.inner),
                    speaker: q.speaker.map(|sp| doc.slice(sp)),
                    speaker_start: q.speaker.map(|sp| sp.start),
                    speaker_end: q.speaker.map(|sp| sp.end),
                    kind: q.kind,
                }
            })
            .collect();
        let record = SentenceRecord {
            id: s.id.0,
            paragraph: s.paragraph.0,
            start: s.span.start,
            end: s.span.end,
            text: doc.slice(s.span),
            quotes,
        };
        serde_json::to_writer(&mut *out, &record)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
