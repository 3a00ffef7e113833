//! The render stage: takes an [`Alignment`] (from `translate`, `align` or `batch`) or a
//! [`QuoteReport`] (from `quotes`) and gives the bytes of one output [`Format`]: a
//! self-contained HTML page for people, JSON/TSV/TMX/Moses for other tools, Markdown for a
//! terminal or an issue tracker, plain English text for `translate`'s default output.
//!
//! Every format is a pure function of the result and a [`RenderMeta`] (tool version, creation
//! time, injectable so that snapshots are stable), so the same alignment always renders to the
//! same bytes. [`write_atomic`] is the one place that writes output files (temporary file in the
//! same folder, fsync, rename), so a crash or a full disk never leaves a half-written result
//! where the user expects a whole one.

mod html;
mod json;
mod md;
mod moses;
mod text;
mod tmx;
mod tsv;

use crate::alignment::{
    Alignment, Bead, EnglishOrigin, Flag, ModelInfo, QuoteMatch, QuoteReport, Side,
};
use crate::document::{Document, Quote, SentenceId, Span};
use crate::error::{Error, Result};
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Beads scoring below this are "low confidence": the HTML page makes them stand out and the
/// counts report them. Aligner scores are calibrated to 0..=1; half is where a reader should
/// check the pair by eye.
pub const LOW_SCORE: f32 = 0.5;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// English text only, paragraphs kept: what `translate` prints by default.
    Text,
    /// One self-contained side-by-side page.
    Html,
    /// The full result, documented schema with `schema_version`.
    Json,
    /// One row per bead, header row, escaped text.
    Tsv,
    /// TMX 1.4b translation memory for CAT tools.
    Tmx,
    /// Two line-parallel files, `PREFIX.ar` and `PREFIX.en`.
    Moses,
    /// A two-column Markdown table.
    Md,
}

impl Format {
    /// Every format, in the order the help text lists them.
    pub const ALL: [Format; 7] = [
        Format::Text,
        Format::Html,
        Format::Json,
        Format::Tsv,
        Format::Tmx,
        Format::Moses,
        Format::Md,
    ];

    /// The name used on the command line and in file extensions.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Json => "json",
            Format::Tsv => "tsv",
            Format::Tmx => "tmx",
            Format::Moses => "moses",
            Format::Md => "md",
        }
    }

    /// The usual file extension of the format (`txt` for text; Moses writes `.ar`/`.en`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            other => other.name(),
        }
    }

    /// The format a file name asks for by its extension (`out.html`, `tm.tmx`, `a.txt`,
    /// `README.markdown`), so that `-o article.tmx` needs no `--format`. Moses output is named
    /// by prefix and has no extension of its own.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        match ext.parse::<Format>() {
            Ok(Format::Moses) | Err(_) => None,
            Ok(f) => Some(f),
        }
    }

    /// Whether the format is one stream (printable to stdout) rather than several files.
    pub fn is_stream(self) -> bool {
        self != Format::Moses
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let lower = s.trim().to_ascii_lowercase();
        let alias = match lower.as_str() {
            "txt" => "text",
            "markdown" => "md",
            "htm" => "html",
            other => other,
        };
        Format::ALL
            .into_iter()
            .find(|f| f.name() == alias)
            .ok_or_else(|| Error::Setting {
                name: "format".into(),
                reason: format!(
                    "unknown format {s:?} (expected one of: {})",
                    Format::ALL.map(Format::name).join(", ")
                ),
            })
    }
}

/// A moment in UTC, as whole seconds since the Unix epoch. Rendered headers carry it; tests
/// inject a fixed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        };
        Timestamp(secs)
    }

    /// Year, month, day, hour, minute, second (proleptic Gregorian, UTC).
    fn civil(self) -> (i64, u32, u32, u32, u32, u32) {
        // Howard Hinnant's days-to-civil algorithm (public domain, chrono uses the same idea).
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400) as u32;
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        (year, month, day, secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// ISO 8601 / RFC 3339, `2026-11-28T21:05:09Z` (JSON and HTML).
    pub fn iso8601(self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// TMX's basic form, `20261128T210509Z`.
    pub fn tmx(self) -> String {
        let (y, mo, d, h, mi, s) = self.civil();
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }
}

/// What a rendered file says about itself besides the result: which tool made it and when.
/// Source names come from each [`Document::origin`]; the model from the alignment's origin or
/// the report's model, else from [`RenderMeta::model`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderMeta {
    /// `tarjuman`'s version (`CARGO_PKG_VERSION` by default).
    pub tool_version: String,
    /// When the output was made.
    pub created: Timestamp,
    /// A model that helped but is not recorded in the result itself (e.g. `align` with
    /// machine translations as anchors).
    pub model: Option<ModelInfo>,
}

impl RenderMeta {
    /// Meta data for output made now by this build.
    pub fn now() -> Self {
        RenderMeta::at(Timestamp::now())
    }

    /// Meta data with a fixed creation time (snapshot tests, reproducible batch output).
    pub fn at(created: Timestamp) -> Self {
        RenderMeta {
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            created,
            model: None,
        }
    }
}

/// One output file of a multi-file format: its suffix (`ar`, `en`) is appended to the
/// prefix the user gave (`out` → `out.ar`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedOutput {
    pub suffix: String,
    pub bytes: Vec<u8>,
}

/// The bytes of a rendering: one stream, or several files named by suffix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    Stream(Vec<u8>),
    Files(Vec<NamedOutput>),
}

impl Rendered {
    /// The paths [`Rendered::write`] would write for `path` (the file, or the prefix).
    pub fn paths(&self, path: &Path) -> Vec<PathBuf> {
        match self {
            Rendered::Stream(_) => vec![path.to_path_buf()],
            Rendered::Files(files) => files
                .iter()
                .map(|f| {
                    let mut name = path.as_os_str().to_owned();
                    name.push(".");
                    name.push(&f.suffix);
                    PathBuf::from(name)
                })
                .collect(),
        }
    }

    /// Writes the rendering atomically: a stream to `path`, files to `path.SUFFIX`. Returns the
    /// paths written.
    pub fn write(&self, path: &Path) -> Result<Vec<PathBuf>> {
        let paths = self.paths(path);
        match self {
            Rendered::Stream(bytes) => write_atomic(&paths[0], bytes)?,
            Rendered::Files(files) => {
                for (file, p) in files.iter().zip(&paths) {
                    write_atomic(p, &file.bytes)?;
                }
            }
        }
        Ok(paths)
    }

    /// The bytes of a one-stream rendering, or `None` for several files.
    pub fn as_stream(&self) -> Option<&[u8]> {
        match self {
            Rendered::Stream(bytes) => Some(bytes),
            Rendered::Files(_) => None,
        }
    }
}

/// Renders an alignment (translate, align, batch) in `format`.
pub fn render_alignment(al: &Alignment, format: Format, meta: &RenderMeta) -> Result<Rendered> {
    let view = View::new(al, meta);
    Ok(match format {
        Format::Text => Rendered::Stream(text::alignment(&view).into_bytes()),
        Format::Html => Rendered::Stream(html::alignment(&view).into_bytes()),
        Format::Json => Rendered::Stream(json::alignment(&view)?),
        Format::Tsv => Rendered::Stream(tsv::alignment(&view).into_bytes()),
        Format::Tmx => Rendered::Stream(tmx::alignment(&view).into_bytes()),
        Format::Moses => moses::alignment(&view),
        Format::Md => Rendered::Stream(md::alignment(&view).into_bytes()),
    })
}

/// Renders a quote report (`quotes`) in `format`. Moses has no place for a quote's speaker
/// or score but is still useful as parallel text: it pairs each quote with its best match.
pub fn render_quotes(report: &QuoteReport, format: Format, meta: &RenderMeta) -> Result<Rendered> {
    let view = QuoteView::new(report, meta);
    Ok(match format {
        Format::Text => Rendered::Stream(text::quotes(&view).into_bytes()),
        Format::Html => Rendered::Stream(html::quotes(&view).into_bytes()),
        Format::Json => Rendered::Stream(json::quotes(&view)?),
        Format::Tsv => Rendered::Stream(tsv::quotes(&view).into_bytes()),
        Format::Tmx => Rendered::Stream(tmx::quotes(&view).into_bytes()),
        Format::Moses => moses::quotes(&view),
        Format::Md => Rendered::Stream(md::quotes(&view).into_bytes()),
    })
}

/// Writes `bytes` to `path` so that readers see the old file or the whole new one, never a
/// part: a temporary file in the same folder (same file system, so the rename is atomic),
/// flushed to disk, then renamed over `path`. The temporary file is removed on failure.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .ok_or_else(|| {
            err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the output path names no file",
            ))
        })?
        .to_string_lossy()
        .into_owned();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every platform can open a folder, so only try.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(err)
}

// ---------------------------------------------------------------------------------------
// The shared view: what every format needs, computed once.

/// One bead, resolved: its sentences' texts and all flags that concern it.
pub(crate) struct Row<'a> {
    /// Index into `Alignment::beads`.
    pub index: usize,
    pub bead: &'a Bead,
    /// Bead flags, then the translation flags of its English sentences, without repeats.
    pub flags: Vec<&'a Flag>,
    pub low: bool,
}

/// A quote resolved to its text, speaker and matched wordings. Quotes and matches whose ids or
/// spans do not fit their document are left out rather than panicking.
pub(crate) struct QuoteRow<'a> {
    pub side: Side,
    /// The document the quote is in.
    pub doc: &'a Document,
    pub quote: &'a Quote,
    /// The quoted words without the marks.
    pub text: &'a str,
    pub speaker: Option<&'a str>,
    pub matches: Vec<MatchRow<'a>>,
}

/// One place a quote was found on the other side.
pub(crate) struct MatchRow<'a> {
    /// Index of the source document (always 0 in an alignment).
    pub source: usize,
    pub doc: &'a Document,
    pub span: Span,
    pub text: &'a str,
    pub score: f32,
}

/// The text under `span` when it lies inside `doc` on character boundaries.
pub(crate) fn checked_slice(doc: &Document, span: Span) -> Option<&str> {
    if span.start > span.end {
        return None;
    }
    doc.text.get(span.range())
}

/// Resolves quote matches: `quote_doc` says where the quote of a side is, `source_doc` where
/// a candidate's `source` index points.
fn quote_rows<'a>(
    quotes: &'a [QuoteMatch],
    quote_doc: impl Fn(Side) -> Option<&'a Document>,
    source_doc: impl Fn(Side, usize) -> Option<&'a Document>,
) -> Vec<QuoteRow<'a>> {
    let mut rows = Vec::new();
    for m in quotes {
        let Some(doc) = quote_doc(m.side) else {
            continue;
        };
        let Some(quote) = doc.quotes.get(m.quote.index()) else {
            continue;
        };
        let Some(text) = checked_slice(doc, quote.inner) else {
            continue;
        };
        let speaker = quote.speaker.and_then(|s| checked_slice(doc, s));
        let matches = m
            .matches
            .iter()
            .filter_map(|c| {
                let src = source_doc(m.side, c.source)?;
                Some(MatchRow {
                    source: c.source,
                    doc: src,
                    span: c.span,
                    text: checked_slice(src, c.span)?,
                    score: c.score,
                })
            })
            .collect();
        rows.push(QuoteRow {
            side: m.side,
            doc,
            quote,
            text,
            speaker,
            matches,
        });
    }
    rows
}

/// An alignment with what the formats look up: rows, quotes and the model.
pub(crate) struct View<'a> {
    pub al: &'a Alignment,
    pub meta: &'a RenderMeta,
    pub rows: Vec<Row<'a>>,
    pub quotes: Vec<QuoteRow<'a>>,
    pub model: Option<&'a ModelInfo>,
}

impl<'a> View<'a> {
    fn new(al: &'a Alignment, meta: &'a RenderMeta) -> Self {
        let translations = match &al.origin {
            EnglishOrigin::Translated { translations, .. } => Some(translations),
            _ => None,
        };
        let rows = al
            .beads
            .iter()
            .enumerate()
            .map(|(index, bead)| {
                let mut flags: Vec<&Flag> = Vec::new();
                let from_translations = bead.en.iter().flat_map(|id| {
                    translations
                        .and_then(|t| t.get(id.index()))
                        .into_iter()
                        .flat_map(|t| t.flags.iter())
                });
                for flag in bead.flags.iter().chain(from_translations) {
                    if !flags.contains(&flag) {
                        flags.push(flag);
                    }
                }
                Row {
                    index,
                    bead,
                    flags,
                    low: bead.score < LOW_SCORE,
                }
            })
            .collect();
        let model = match &al.origin {
            EnglishOrigin::Translated { model, .. } => Some(model),
            _ => meta.model.as_ref(),
        };
        // In an alignment a quote of one side is looked for on the other side.
        let quotes = quote_rows(
            &al.quotes,
            |side| Some(if side == Side::Ar { &al.ar } else { &al.en }),
            |side, _| Some(if side == Side::Ar { &al.en } else { &al.ar }),
        );
        View {
            al,
            meta,
            rows,
            quotes,
            model,
        }
    }

    /// The joined text of a bead side, on one line (for line-based formats).
    pub fn side_line(&self, doc: &Document, ids: &[SentenceId]) -> String {
        one_line(&join_sentences(doc, ids))
    }

    /// Name of the English side's origin, for headers: our translation or the user's file.
    pub fn origin_label(&self) -> &'static str {
        match self.al.origin {
            EnglishOrigin::Translated { .. } => "translated",
            EnglishOrigin::Parallel => "parallel",
            EnglishOrigin::Comparable => "comparable",
        }
    }

    /// What the output shows, for titles: `a.txt ↔ b.txt`, or `a.txt → English` for our own
    /// translation (which has no file of its own).
    pub fn title(&self) -> String {
        match self.al.origin {
            EnglishOrigin::Translated { .. } => format!("{} \u{2192} English", self.al.ar.origin),
            _ => format!("{} \u{2194} {}", self.al.ar.origin, self.al.en.origin),
        }
    }

    pub fn low_count(&self) -> usize {
        self.rows.iter().filter(|r| r.low).count()
    }
}

/// A quote report with its resolved quotes.
pub(crate) struct QuoteView<'a> {
    pub report: &'a QuoteReport,
    pub meta: &'a RenderMeta,
    pub quotes: Vec<QuoteRow<'a>>,
    pub model: Option<&'a ModelInfo>,
}

impl<'a> QuoteView<'a> {
    fn new(report: &'a QuoteReport, meta: &'a RenderMeta) -> Self {
        // A report's quotes are the Arabic article's; candidates index `sources`.
        let quotes = quote_rows(
            &report.quotes,
            |side| (side == Side::Ar).then_some(&report.ar),
            |_, i| report.sources.get(i),
        );
        QuoteView {
            report,
            meta,
            quotes,
            model: report.model.as_ref().or(meta.model.as_ref()),
        }
    }

    /// The origins of the English sources, comma-separated, for headers.
    pub fn source_names(&self) -> String {
        let names: Vec<&str> = self
            .report
            .sources
            .iter()
            .map(|d| d.origin.0.as_str())
            .collect();
        names.join(", ")
    }
}

/// Sentence texts joined by one space (a bead of several sentences reads as one segment). Ids
/// or spans that do not fit the document are skipped: a renderer shows what it can.
pub(crate) fn join_sentences(doc: &Document, ids: &[SentenceId]) -> String {
    let mut out = String::new();
    for id in ids {
        let Some(text) = doc
            .sentences
            .get(id.index())
            .and_then(|s| checked_slice(doc, s.span))
        else {
            continue;
        };
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(text.trim());
    }
    out
}

/// Line breaks (CR, LF, CRLF, U+2028/9, NEL) and tabs become single spaces: line-based formats
/// need one segment per line.
pub(crate) fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut after_break = false;
    for c in s.chars() {
        if matches!(c, '\r' | '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\t') {
            if !out.ends_with(' ') {
                out.push(' ');
            }
            after_break = true;
        } else if c == ' ' && after_break {
            continue;
        } else {
            after_break = false;
            out.push(c);
        }
    }
    out
}

/// `s` with the five predefined XML entities (`&amp; &lt; &gt; &quot; &apos;`, which HTML5
/// knows too), keeping only the characters `keep` accepts: one escaper for HTML and TMX.
pub(crate) fn escape_markup(s: &str, keep: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if keep(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `c` is a bidirectional formatting character: LRM/RLM/ALM, the embeddings and
/// overrides U+202A–E and the isolates U+2066–9. TMX segments must not carry them (CAT tools
/// match segments as text; a stray RLM makes a 100% match a fuzzy one).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A short human label for a flag, used by HTML, TSV and Markdown alike.
pub(crate) fn flag_label(flag: &Flag) -> String {
    match flag {
        Flag::NumberMismatch { missing } => format!("numbers differ: {}", missing.join(", ")),
        Flag::Repetition { ngram } => format!("repeats \u{201c}{ngram}\u{201d}"),
        Flag::Truncated { max_new_tokens } => format!("cut at {max_new_tokens} tokens"),
        Flag::Split { parts } => format!("split in {parts} parts"),
    }
}

/// The machine name of a flag (as in JSON's `kind`).
pub(crate) fn flag_kind(flag: &Flag) -> &'static str {
    match flag {
        Flag::NumberMismatch { .. } => "number_mismatch",
        Flag::Repetition { .. } => "repetition",
        Flag::Truncated { .. } => "truncated",
        Flag::Split { .. } => "split",
    }
}

/// A score with two decimals, as people read it.
pub(crate) fn score2(score: f32) -> String {
    format!("{score:.2}")
}

/// Comma-separated sentence ids (`3,4`), `-` for none.
pub(crate) fn ids_label(ids: &[SentenceId]) -> String {
    if ids.is_empty() {
        "-".into()
    } else {
        ids.iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip_and_aliases_parse() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>().unwrap(), f);
        }
        let table = [
            ("TXT", Format::Text),
            ("markdown", Format::Md),
            (" Html ", Format::Html),
            ("htm", Format::Html),
            ("moses", Format::Moses),
        ];
        for (s, want) in table {
            assert_eq!(s.parse::<Format>().unwrap(), want, "{s}");
        }
        let err = "xlsx".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("xlsx") && err.contains("tmx"), "{err}");
    }

    #[test]
    fn formats_follow_file_extensions() {
        let table = [
            ("out/article.html", Some(Format::Html)),
            ("tm.TMX", Some(Format::Tmx)),
            ("a.txt", Some(Format::Text)),
            ("notes.markdown", Some(Format::Md)),
            ("rows.tsv", Some(Format::Tsv)),
            ("corpus.moses", None),
            ("corpus", None),
            ("archive.tar.gz", None),
        ];
        for (path, want) in table {
            assert_eq!(Format::from_path(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn timestamps_format_in_utc() {
        let table = [
            (0, "1970-01-01T00:00:00Z", "19700101T000000Z"),
            (951_782_400, "2000-02-29T00:00:00Z", "20000229T000000Z"),
            (1_795_900_000, "2026-11-28T21:06:40Z", "20261128T210640Z"),
            (-1, "1969-12-31T23:59:59Z", "19691231T235959Z"),
        ];
        for (secs, iso, tmx) in table {
            assert_eq!(Timestamp(secs).iso8601(), iso);
            assert_eq!(Timestamp(secs).tmx(), tmx);
        }
    }

    #[test]
    fn one_line_folds_breaks_and_tabs() {
        let table = [
            ("a\nb", "a b"),
            ("a\r\nb", "a b"),
            ("a\tb\u{2028}c", "a b c"),
            ("plain", "plain"),
            ("a \n b", "a b"),
        ];
        for (input, want) in table {
            assert_eq!(one_line(input), want, "{input:?}");
        }
    }

    #[test]
    fn bidi_controls_are_recognised() {
        let strip_bidi = |s: &str| {
            s.chars()
                .filter(|&c| !is_bidi_control(c))
                .collect::<String>()
        };
        let table = [
            ("\u{200F}قال\u{200E} CNN", "قال CNN"),
            ("\u{202B}x\u{202C}", "x"),
            ("\u{2067}y\u{2069}\u{061C}", "y"),
            ("no controls", "no controls"),
        ];
        for (input, want) in table {
            assert_eq!(strip_bidi(input), want, "{input:?}");
        }
    }

    #[test]
    fn write_atomic_replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.html");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "temporary files left: {names:?}");
    }

    #[test]
    fn write_atomic_names_the_path_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("out.tsv");
        let err = write_atomic(&path, b"x").unwrap_err();
        assert!(err.to_string().contains("missing-folder"), "{err}");
    }

    #[test]
    fn rendered_files_append_suffixes() {
        let r = Rendered::Files(vec![
            NamedOutput {
                suffix: "ar".into(),
                bytes: b"a\n".to_vec(),
            },
            NamedOutput {
                suffix: "en".into(),
                bytes: b"b\n".to_vec(),
            },
        ]);
        let dir = tempfile::tempdir().unwrap();
        let written = r.write(&dir.path().join("corpus.v1")).unwrap();
        let names: Vec<_> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["corpus.v1.ar", "corpus.v1.en"]);
        assert_eq!(fs::read(&written[1]).unwrap(), b"b\n");
    }
}
