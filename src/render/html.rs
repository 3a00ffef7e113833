//! HTML: one self-contained page (CSS and JS inlined from `assets/`, no fonts or scripts from
//! the network, so it works from a USB stick or an air-gapped laptop) showing both sides in two
//! columns, one row per bead. Arabic cells carry `lang="ar" dir="rtl"`; runs of the other
//! script inside a cell (a Latin name in Arabic text) are isolated with `<bdi>` and names with
//! `dir="auto"`, so punctuation and numbers next to them do not reorder. Entity pairs share a
//! colour and a `data-link` group that the page script lights up on hover or keyboard focus;
//! quotes are marked with their speaker and matched wording; scores and flags sit in a quiet
//! third column while low-confidence beads are tinted. The markup is built in one pass over the
//! beads with per-sentence indexes made once, so a 1,000-sentence article renders in linear
//! time and the page script does no per-hover search.

use super::{
    escape_markup, flag_kind, flag_label, score2, MatchRow, QuoteRow, QuoteView, RenderMeta, Row,
    View, LOW_SCORE,
};
use crate::alignment::{ModelInfo, Side};
use crate::document::{Document, Lang, Sentence, SentenceId, Span};
use std::collections::HashMap;
use std::fmt::Write as _;

const CSS: &str = include_str!("assets/tarjuman.css");
const JS: &str = include_str!("assets/tarjuman.js");

/// Number of entity colours in the stylesheet (`.c0` … `.c7`).
const COLOURS: u32 = 8;

/// Escapes text for element content and attribute values.
pub(super) fn esc(s: &str) -> String {
    escape_markup(s, |_| true)
}

/// Strong right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation
/// forms); enough for the bidi isolation of Arabic news text.
fn is_rtl(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// Strong left-to-right letters: alphabetic and not right-to-left.
fn is_ltr(c: char) -> bool {
    c.is_alphabetic() && !is_rtl(c)
}

/// Escaped text in which each run of the other direction's letters (with what lies between
/// them, but not the neutrals around them) is wrapped in `<bdi>`, so it is laid out as one
/// unit: `البنك الدولي (World Bank)` keeps its parentheses where the writer put them.
pub(super) fn esc_isolated(s: &str, rtl_cell: bool) -> String {
    let foreign = |c: char| if rtl_cell { is_ltr(c) } else { is_rtl(c) };
    let native = |c: char| if rtl_cell { is_rtl(c) } else { is_ltr(c) };
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(start) = rest.find(foreign) {
        out.push_str(&esc(&rest[..start]));
        let tail = &rest[start..];
        // The run ends at the last foreign letter before the next native letter.
        let limit = tail.find(native).unwrap_or(tail.len());
        let end = tail[..limit]
            .char_indices()
            .rfind(|&(_, c)| foreign(c))
            .map(|(i, c)| i + c.len_utf8())
            .unwrap_or(limit);
        let _ = write!(out, "<bdi>{}</bdi>", esc(&tail[..end]));
        rest = &tail[end..];
    }
    out.push_str(&esc(rest));
    out
}

/// What a marked range is, in the order of precedence when two ranges cross.
#[derive(Debug, Clone, PartialEq)]
enum MarkKind {
    /// A quote (marks included), linked to its matches.
    Quote {
        link: usize,
    },
    /// Where a quote was found, linked to the quote.
    Match {
        link: usize,
    },
    Speaker,
    /// An entity mention: colour, pair index, kind/score tooltip.
    Entity {
        colour: u32,
        pair: usize,
        title: String,
    },
}

impl MarkKind {
    fn rank(&self) -> u8 {
        match self {
            MarkKind::Quote { .. } | MarkKind::Match { .. } => 0,
            MarkKind::Speaker => 1,
            MarkKind::Entity { .. } => 2,
        }
    }

    fn open(&self, out: &mut String) {
        match self {
            MarkKind::Quote { link } => {
                let _ = write!(
                    out,
                    "<span class=\"q\" data-link=\"q{link}\" tabindex=\"0\">"
                );
            }
            MarkKind::Match { link } => {
                let _ = write!(
                    out,
                    "<span class=\"qm\" data-link=\"q{link}\" tabindex=\"0\">"
                );
            }
            MarkKind::Speaker => out.push_str("<span class=\"spk\">"),
            MarkKind::Entity {
                colour,
                pair,
                title,
            } => {
                let _ = write!(
                    out,
                    "<mark class=\"ent c{colour}\" data-link=\"e{pair}\" tabindex=\"0\" dir=\"auto\" title=\"{}\">",
                    esc(title)
                );
            }
        }
    }

    fn close(&self, out: &mut String) {
        out.push_str(match self {
            MarkKind::Entity { .. } => "</mark>",
            _ => "</span>",
        });
    }
}

/// A range of a document to mark, in document byte offsets.
#[derive(Debug, Clone)]
struct Mark {
    span: Span,
    kind: MarkKind,
}

/// Keeps the marks that nest: by precedence, a mark that crosses one already kept is dropped
/// (a name cut by a quote boundary is shown plain rather than as broken markup). Returned in
/// document order, outer before inner.
fn nest(mut marks: Vec<Mark>) -> Vec<Mark> {
    marks.retain(|m| !m.span.is_empty());
    marks.sort_by(|a, b| {
        (a.kind.rank(), a.span.start, std::cmp::Reverse(a.span.end)).cmp(&(
            b.kind.rank(),
            b.span.start,
            std::cmp::Reverse(b.span.end),
        ))
    });
    let mut kept: Vec<Mark> = Vec::with_capacity(marks.len());
    for m in marks {
        let crosses = kept.iter().any(|k| {
            let overlap = m.span.start < k.span.end && k.span.start < m.span.end;
            overlap && !k.span.contains(m.span) && !m.span.contains(k.span)
        });
        let same = kept
            .iter()
            .any(|k| k.span == m.span && k.kind.rank() == m.kind.rank());
        if !crosses && !same {
            kept.push(m);
        }
    }
    kept.sort_by(|a, b| {
        (a.span.start, std::cmp::Reverse(a.span.end), a.kind.rank()).cmp(&(
            b.span.start,
            std::cmp::Reverse(b.span.end),
            b.kind.rank(),
        ))
    });
    kept
}

/// Letters and combining marks of a right-to-left script: what an Arabic word is made of, and
/// what joins to its neighbours (tatweel is a letter here, so a stretched word stays whole).
fn is_rtl_word_char(c: char) -> bool {
    is_rtl(c)
        && (c.is_alphabetic()
            || matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{08D3}'..='\u{08FF}'))
}

/// `span` grown to the boundaries of the right-to-left words it starts or ends inside, kept
/// within `within`. A mark element cut inside an Arabic word breaks the joining of the letters
/// on either side of the cut (the browser shapes each element's text apart), so a name matched
/// as "خميس" inside "الخميس" is shown marked as the whole word instead.
fn widen_to_words(text: &str, span: Span, within: Span) -> Span {
    let (Some(before), Some(after)) = (
        text.get(within.start..span.start),
        text.get(span.end..within.end),
    ) else {
        return span;
    };
    let start = span.start
        - before
            .chars()
            .rev()
            .take_while(|&c| is_rtl_word_char(c))
            .map(char::len_utf8)
            .sum::<usize>();
    let end = span.end
        + after
            .chars()
            .take_while(|&c| is_rtl_word_char(c))
            .map(char::len_utf8)
            .sum::<usize>();
    // Grow only where the cut is really inside a word: the edge character of the mark must be
    // a word character too (a mark starting at "(" does not swallow the word before it).
    let inner = text.get(span.range()).unwrap_or("");
    let first_in = inner.chars().next().is_some_and(is_rtl_word_char);
    let last_in = inner.chars().next_back().is_some_and(is_rtl_word_char);
    Span::new(
        if first_in { start } else { span.start },
        if last_in { end } else { span.end },
    )
}

/// The markup of `text[span]` with `marks` (already clipped into `span`) nested in it. Marks
/// are first widened to whole right-to-left words, so that no mark cuts an Arabic word.
fn marked(text: &str, span: Span, marks: Vec<Mark>, rtl: bool) -> String {
    let marks: Vec<Mark> = marks
        .into_iter()
        .map(|m| Mark {
            span: widen_to_words(text, m.span, span),
            kind: m.kind,
        })
        .collect();
    let piece = |out: &mut String, a: usize, b: usize| {
        if a < b {
            if let Some(t) = text.get(a..b) {
                out.push_str(&esc_isolated(t, rtl));
            }
        }
    };
    let mut out = String::new();
    let mut open: Vec<Mark> = Vec::new();
    let mut pos = span.start;
    for m in nest(marks) {
        while let Some(top) = open.last() {
            if top.span.end > m.span.start {
                break;
            }
            piece(&mut out, pos, top.span.end);
            pos = top.span.end;
            top.kind.close(&mut out);
            open.pop();
        }
        piece(&mut out, pos, m.span.start);
        pos = m.span.start;
        m.kind.open(&mut out);
        open.push(m);
    }
    while let Some(top) = open.pop() {
        piece(&mut out, pos, top.span.end);
        pos = top.span.end;
        top.kind.close(&mut out);
    }
    piece(&mut out, pos, span.end);
    out
}

/// The part of `span` inside `within`, if any.
fn clip(span: Span, within: Span) -> Option<Span> {
    let start = span.start.max(within.start);
    let end = span.end.min(within.end);
    (start < end).then(|| Span::new(start, end))
}

/// Whether a span lies inside the text on character boundaries (spans from other stages are
/// trusted for layout only after this check).
fn valid(doc: &Document, span: Span) -> bool {
    span.start <= span.end && doc.text.get(span.range()).is_some()
}

/// The sentences of `doc` that overlap `span`, by binary search (sentences are in text order).
fn sentences_over(doc: &Document, span: Span) -> impl Iterator<Item = &Sentence> {
    let first = doc.sentences.partition_point(|s| s.span.end <= span.start);
    doc.sentences[first..]
        .iter()
        .take_while(move |s| s.span.start < span.end.max(span.start + 1))
}

/// Marks of one document, bucketed by sentence id so that each sentence looks up only its own.
#[derive(Default)]
struct MarkIndex {
    by_sentence: HashMap<SentenceId, Vec<Mark>>,
}

impl MarkIndex {
    /// Adds a mark to every sentence it overlaps, clipped to each.
    fn add(&mut self, doc: &Document, span: Span, kind: MarkKind) {
        if !valid(doc, span) {
            return;
        }
        for s in sentences_over(doc, span) {
            if let Some(part) = clip(span, s.span) {
                self.by_sentence.entry(s.id).or_default().push(Mark {
                    span: part,
                    kind: kind.clone(),
                });
            }
        }
    }

    /// Adds a mark only where it lies whole inside the given sentence (names are not split).
    fn add_within(&mut self, doc: &Document, sentence: SentenceId, span: Span, kind: MarkKind) {
        let Some(s) = doc.sentences.get(sentence.index()) else {
            return;
        };
        if valid(doc, span) && s.span.contains(span) {
            self.by_sentence
                .entry(sentence)
                .or_default()
                .push(Mark { span, kind });
        }
    }

    fn sentence_html(&self, doc: &Document, id: SentenceId) -> String {
        let Some(s) = doc.sentences.get(id.index()) else {
            return String::new();
        };
        let marks = self.by_sentence.get(&id).cloned().unwrap_or_default();
        let side = doc.lang.tag();
        format!(
            "<span class=\"s\" id=\"{side}-s{id}\">{}</span>",
            marked(&doc.text, s.span, marks, doc.lang == Lang::Ar)
        )
    }
}

/// Marks of quotes, speakers and quote matches: each quote row `n` links its own span with
/// its matches as group `q{n}`.
fn quote_marks(
    quotes: &[QuoteRow],
    index_of: impl Fn(&Document) -> Option<usize>,
    idx: &mut [MarkIndex],
) {
    for (n, q) in quotes.iter().enumerate() {
        if let Some(i) = index_of(q.doc) {
            idx[i].add(q.doc, q.quote.span, MarkKind::Quote { link: n });
            if let Some(sp) = q.quote.speaker {
                idx[i].add(q.doc, sp, MarkKind::Speaker);
            }
        }
        for m in &q.matches {
            if let Some(i) = index_of(m.doc) {
                idx[i].add(m.doc, m.span, MarkKind::Match { link: n });
            }
        }
    }
}

/// Page head, opening `<body>` and the header block's title.
fn page_start(out: &mut String, title: &str, tool_version: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"tarjuman {}\">\n<title>{}</title>\n\
         <style>\n{CSS}</style>\n</head>\n<body>\n",
        esc(tool_version),
        esc(title)
    );
}

fn page_end(out: &mut String, tool_version: &str, created: &str) {
    let _ = write!(
        out,
        "<footer>Made by tarjuman {} on <time datetime=\"{created}\">{created}</time>. \
         Machine output: check names, numbers and quotes against the source before you publish.\
         </footer>\n<script>\n{JS}</script>\n</body>\n</html>\n",
        esc(tool_version)
    );
}

/// One `<div>` fact of the header.
fn fact(out: &mut String, label: &str, html: &str) {
    let _ = writeln!(out, "<div><dt>{label}</dt><dd>{html}</dd></div>");
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The header facts every page has: the model, if any, and who made the page when.
fn model_and_made(out: &mut String, model: Option<&ModelInfo>, meta: &RenderMeta) {
    if let Some(m) = model {
        fact(
            out,
            "Model",
            &format!(
                "<code>{}</code> <span class=\"muted\">@ {}</span>",
                esc(&m.id),
                esc(&m.revision_label())
            ),
        );
    }
    let created = meta.created.iso8601();
    fact(
        out,
        "Made",
        &format!(
            "<time datetime=\"{created}\">{created}</time> by tarjuman {}",
            esc(&meta.tool_version)
        ),
    );
}

/// A paragraph of either side: (is Arabic, paragraph index); `None` for a bead without
/// sentences.
type ParaKey = Option<(bool, u32)>;

/// The paragraph a bead belongs to: its first Arabic sentence's, else its first English one's.
fn bead_paragraph(view: &View, row: &Row) -> ParaKey {
    let pick = |doc: &Document, ids: &[SentenceId]| {
        ids.first()
            .and_then(|id| doc.sentences.get(id.index()))
            .map(|s| s.paragraph.0)
    };
    pick(&view.al.ar, &row.bead.ar)
        .map(|p| (true, p))
        .or_else(|| pick(&view.al.en, &row.bead.en).map(|p| (false, p)))
}

/// One cell of a bead: its sentences' markup, or a quiet note when the side is empty.
fn cell(out: &mut String, doc: &Document, ids: &[SentenceId], idx: &MarkIndex) {
    let lang = doc.lang.tag();
    let dir = if doc.lang == Lang::Ar { "rtl" } else { "ltr" };
    let _ = write!(
        out,
        "<div class=\"{lang}\" lang=\"{lang}\" dir=\"{dir}\" data-side=\"{lang}\">"
    );
    if ids.is_empty() {
        out.push_str("<span class=\"gap\" lang=\"en\" dir=\"ltr\">no counterpart</span>");
    }
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&idx.sentence_html(doc, *id));
    }
    out.push_str("</div>");
}

/// The quiet third column: score, a badge when low, flags.
fn meta_cell(out: &mut String, score: Option<f32>, low: bool, flags: &[(&'static str, String)]) {
    out.push_str("<div class=\"meta\">");
    if let Some(score) = score {
        let _ = write!(
            out,
            "<span class=\"score\" title=\"alignment score\">{}</span>",
            score2(score)
        );
    }
    if low {
        let _ = write!(
            out,
            " <span class=\"badge\" title=\"score below {}: check this pair\">check</span>",
            score2(LOW_SCORE)
        );
    }
    for (kind, label) in flags {
        let _ = write!(
            out,
            "<span class=\"flag {kind}\" title=\"{kind}\">{}</span>",
            esc(label)
        );
    }
    out.push_str("</div>");
}

/// `text` of `doc` as a direction isolate for a note in the English (left-to-right) box: a
/// `<bdi>` with the side's language and its own direction, so Arabic wording keeps its
/// punctuation on its own side and does not pull the note's quote marks around with it.
fn isolate(doc: &Document, text: &str) -> String {
    let lang = doc.lang.tag();
    let rtl = doc.lang == Lang::Ar;
    format!(
        "<bdi lang=\"{lang}\" dir=\"{}\">{}</bdi>",
        if rtl { "rtl" } else { "ltr" },
        esc_isolated(text.trim(), rtl)
    )
}

/// The note under a bead for one quote: its speaker and the wording it was matched to on the
/// other side. The note is English prose, so each piece of either side's
/// text in it is isolated ([`isolate`]) and the quote marks stay outside the isolates.
fn quote_note(out: &mut String, n: usize, q: &QuoteRow) {
    let _ = write!(
        out,
        "<div class=\"qnote\" lang=\"en\" dir=\"ltr\"><span class=\"tag\">quote {}</span>",
        n + 1
    );
    if let Some(sp) = q.speaker {
        let _ = write!(out, "said by {}. ", isolate(q.doc, sp));
    }
    match q.matches.first() {
        None => {
            out.push_str("<span class=\"none\">No matching wording found on the other side.</span>")
        }
        Some(m) => {
            let _ = write!(
                out,
                "Matched wording: \u{201c}{}\u{201d} <span class=\"score\">{}</span>",
                isolate(m.doc, m.text),
                score2(m.score)
            );
        }
    }
    out.push_str("</div>");
}

/// The heading of a section of rows: its anchor, its label and the Arabic paragraphs it
/// introduces.
struct Heading {
    id: String,
    label: String,
    /// Arabic paragraph indexes (0-based) whose first shown sentence is in this section.
    ar: Vec<u32>,
}

/// `¶ 2`, `¶ 2–3` or `¶ 2, 5` for the (1-based) numbers of 0-based paragraph indexes.
fn para_label(ar: &[u32]) -> String {
    match ar {
        [] => "\u{b6}".to_string(),
        [one] => format!("\u{b6} {}", one + 1),
        [first, .., last] if ar.windows(2).all(|w| w[1] == w[0] + 1) => {
            format!("\u{b6} {}\u{2013}{}", first + 1, last + 1)
        }
        _ => {
            let n: Vec<String> = ar.iter().map(|p| (p + 1).to_string()).collect();
            format!("\u{b6} {}", n.join(", "))
        }
    }
}

/// One heading per section that shows an Arabic paragraph for the first time (anchored as
/// `p{n}`, the paragraph number the heading shows, so links and labels agree), or that opens
/// the page with English-only or empty rows; `None` for a section that only continues a
/// paragraph already introduced.
fn headings(view: &View, sections: &[(ParaKey, Vec<&Row>)]) -> Vec<Option<Heading>> {
    let mut seen: std::collections::HashSet<u32> = std::collections::HashSet::new();
    let mut seen_other: std::collections::HashSet<ParaKey> = std::collections::HashSet::new();
    sections
        .iter()
        .map(|(key, rows)| {
            let mut ar: Vec<u32> = Vec::new();
            for id in rows.iter().flat_map(|r| r.bead.ar.iter()) {
                if let Some(s) = view.al.ar.sentences.get(id.index()) {
                    if seen.insert(s.paragraph.0) {
                        ar.push(s.paragraph.0);
                    }
                }
            }
            if let Some(&first) = ar.first() {
                return Some(Heading {
                    id: format!("p{}", first + 1),
                    label: para_label(&ar),
                    ar,
                });
            }
            match key {
                Some((true, _)) => None,
                _ if !seen_other.insert(*key) => None,
                Some((false, n)) => Some(Heading {
                    id: format!("en-p{}", n + 1),
                    label: format!("English \u{b6} {}", n + 1),
                    ar,
                }),
                None => Some(Heading {
                    id: "p0".to_string(),
                    label: "\u{b6}".to_string(),
                    ar,
                }),
            }
        })
        .collect()
}

/// The side-by-side page of an alignment.
pub(super) fn alignment(view: &View) -> String {
    let al = view.al;
    let created = view.meta.created.iso8601();
    let mut out = String::with_capacity(al.ar.text.len() * 3 + al.en.text.len() * 3 + 16_384);
    let title = format!("{} \u{2014} tarjuman", view.title());
    page_start(&mut out, &title, &view.meta.tool_version);

    // Marks, indexed once: [0] Arabic, [1] English.
    let mut idx = [MarkIndex::default(), MarkIndex::default()];
    for (pair, e) in al.entities.iter().enumerate() {
        let colour = e.entity.0 % COLOURS;
        let kind = format!("{:?}", e.kind).to_lowercase();
        let title_for = |doc: &Document, span: Span| {
            // The partner's whole words, as its own mark shows them.
            let whole = widen_to_words(&doc.text, span, Span::new(0, doc.text.len()));
            let partner = doc.text.get(whole.range()).unwrap_or("").trim().to_string();
            format!("{kind} \u{2194} {partner} ({})", score2(e.score))
        };
        idx[0].add_within(
            &al.ar,
            e.ar_sentence,
            e.ar_span,
            MarkKind::Entity {
                colour,
                pair,
                title: title_for(&al.en, e.en_span),
            },
        );
        idx[1].add_within(
            &al.en,
            e.en_sentence,
            e.en_span,
            MarkKind::Entity {
                colour,
                pair,
                title: title_for(&al.ar, e.ar_span),
            },
        );
    }
    let index_of = |doc: &Document| {
        if std::ptr::eq(doc, &al.ar) {
            Some(0)
        } else if std::ptr::eq(doc, &al.en) {
            Some(1)
        } else {
            None
        }
    };
    quote_marks(&view.quotes, index_of, &mut idx);
    // Quote notes go under the bead that shows the quote's first sentence.
    let mut notes: HashMap<(bool, SentenceId), Vec<usize>> = HashMap::new();
    for (n, q) in view.quotes.iter().enumerate() {
        notes
            .entry((q.side == Side::Ar, q.quote.sentence))
            .or_default()
            .push(n);
    }

    // Sections in order of first appearance of their paragraph.
    let mut sections: Vec<(ParaKey, Vec<&Row>)> = Vec::new();
    for row in &view.rows {
        let p = bead_paragraph(view, row);
        match sections.last_mut() {
            // A sentence only the English text has stays with the paragraph before it.
            Some((last, rows)) if *last == p || row.bead.ar.is_empty() => rows.push(row),
            _ => sections.push((p, vec![row])),
        }
    }
    let headings = headings(view, &sections);
    // The Arabic paragraphs, in the order the rows show them: the header counts these and the
    // jump bar has one button for each, labelled and linked by the number its heading shows.
    let shown: Vec<u32> = headings
        .iter()
        .flatten()
        .flat_map(|h| h.ar.iter().copied())
        .collect();
    let anchored: Vec<usize> = (0..sections.len())
        .filter(|&i| headings[i].is_some())
        .collect();

    // Header.
    out.push_str("<header class=\"top\">\n");
    // Our own translation has no file of its own to name: the model says where it came from.
    let (heading, english) = match view.origin_label() {
        "translated" => (
            format!("<bdi>{}</bdi> \u{2192} English", esc(&al.ar.origin.0)),
            "machine translation".to_string(),
        ),
        label => (
            format!(
                "<bdi>{}</bdi> \u{2194} <bdi>{}</bdi>",
                esc(&al.ar.origin.0),
                esc(&al.en.origin.0)
            ),
            format!("<bdi>{}</bdi> ({label} text)", esc(&al.en.origin.0)),
        ),
    };
    let _ = writeln!(out, "<h1>{heading}</h1>\n<dl class=\"facts\">");
    fact(
        &mut out,
        "Arabic",
        &format!("<bdi>{}</bdi>", esc(&al.ar.origin.0)),
    );
    fact(&mut out, "English", &english);
    model_and_made(&mut out, view.model, view.meta);
    let matched = view.quotes.iter().filter(|q| !q.matches.is_empty()).count();
    let mut counts = format!(
        "{} \u{b7} {} Arabic, {} English \u{b7} {} ({} low) \u{b7} {} \u{b7} {} ({matched} matched)",
        plural(shown.len(), "Arabic paragraph", "Arabic paragraphs"),
        plural(al.ar.sentences.len(), "sentence", "sentences"),
        al.en.sentences.len(),
        plural(view.rows.len(), "row", "rows"),
        view.low_count(),
        plural(al.entities.len(), "name pair", "name pairs"),
        plural(view.quotes.len(), "quote", "quotes"),
    );
    if !al.ar.collapsed.is_empty() {
        let _ = write!(
            counts,
            " \u{b7} {} dropped",
            plural(al.ar.collapsed.len(), "repeated line", "repeated lines")
        );
    }
    fact(&mut out, "Counts", &counts);
    out.push_str("</dl>\n");
    if shown.len() > 1 {
        out.push_str("<nav class=\"jump\" aria-label=\"Arabic paragraphs\">Arabic paragraphs: ");
        for p in &shown {
            let _ = write!(
                out,
                "<a href=\"#p{0}\" aria-label=\"paragraph {0}\">{0}</a>",
                p + 1
            );
        }
        out.push_str("</nav>\n");
    }
    out.push_str(
        "<p class=\"legend\">Names in the same colour are the same entity on both sides: hover \
         or Tab to one to light its partner, Enter to jump to it. Tinted rows scored low: \
         check them. Underlined passages are quotes and their matched wording.</p>\n</header>\n",
    );

    // Body.
    out.push_str("<main>\n<div class=\"colhead\" aria-hidden=\"true\"><div lang=\"ar\" dir=\"rtl\">العربية</div><div>English</div><div>score</div></div>\n");
    for (si, (_, rows)) in sections.iter().enumerate() {
        if let Some(h) = &headings[si] {
            let pos = anchored.partition_point(|&a| a < si);
            let _ = write!(
                out,
                "<section class=\"para\" id=\"{0}\">\n<h2 class=\"ph\">",
                h.id
            );
            // Further paragraphs that start inside this section's rows (their first sentence
            // shares a bead with the paragraph before) get their anchor here.
            for p in h.ar.iter().skip(1) {
                let _ = write!(out, "<span id=\"p{}\"></span>", p + 1);
            }
            let _ = write!(out, "<a href=\"#{}\">{}</a>", h.id, h.label);
            if pos > 0 {
                if let Some(prev) = headings[anchored[pos - 1]].as_ref() {
                    let _ = write!(
                        out,
                        "<a class=\"step\" href=\"#{}\" aria-label=\"previous paragraph\">\u{2191} previous</a>",
                        prev.id
                    );
                }
            }
            if let Some(next) = anchored.get(pos + 1).and_then(|&i| headings[i].as_ref()) {
                let _ = write!(
                    out,
                    "<a class=\"step\" href=\"#{}\" aria-label=\"next paragraph\">\u{2193} next</a>",
                    next.id
                );
            }
            out.push_str("</h2>\n");
        } else {
            out.push_str("<section class=\"para\">\n");
        }
        for row in rows {
            let mut class = String::from("bead");
            if row.low {
                class.push_str(" low");
            }
            let _ = write!(out, "<div class=\"{class}\" id=\"b{}\">", row.index);
            cell(&mut out, &al.ar, &row.bead.ar, &idx[0]);
            cell(&mut out, &al.en, &row.bead.en, &idx[1]);
            let flags: Vec<(&'static str, String)> = row
                .flags
                .iter()
                .map(|f| (flag_kind(f), flag_label(f)))
                .collect();
            meta_cell(&mut out, Some(row.bead.score), row.low, &flags);
            for (side, ids) in [(Side::Ar, &row.bead.ar), (Side::En, &row.bead.en)] {
                for id in ids.iter() {
                    for &n in notes.get(&(side == Side::Ar, *id)).into_iter().flatten() {
                        quote_note(&mut out, n, &view.quotes[n]);
                    }
                }
            }
            out.push_str("</div>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n");
    page_end(&mut out, &view.meta.tool_version, &created);
    out
}

/// The sentences of a match in its source, with the match marked.
fn match_html(out: &mut String, n: usize, m: &MatchRow) {
    let mut idx = MarkIndex::default();
    idx.add(m.doc, m.span, MarkKind::Match { link: n });
    let _ = write!(
        out,
        "<div class=\"match\"><span class=\"src\"><bdi>{}</bdi> \u{b7} {}</span>",
        esc(&m.doc.origin.0),
        score2(m.score)
    );
    let ids: Vec<SentenceId> = sentences_over(m.doc, m.span).map(|s| s.id).collect();
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&idx.sentence_html(m.doc, *id));
    }
    out.push_str("</div>");
}

/// The page of a quote report: one row per Arabic quote, its sentence with quote and speaker
/// marked on the right, the English wordings found for it on the left.
pub(super) fn quotes(view: &QuoteView) -> String {
    let r = view.report;
    let created = view.meta.created.iso8601();
    let mut out = String::with_capacity(r.ar.text.len() * 2 + 16_384);
    let title = format!("Quotes of {} \u{2014} tarjuman", r.ar.origin);
    page_start(&mut out, &title, &view.meta.tool_version);
    out.push_str("<header class=\"top\">\n");
    let _ = writeln!(
        out,
        "<h1>Quotes of <bdi>{}</bdi></h1>\n<dl class=\"facts\">",
        esc(&r.ar.origin.0)
    );
    fact(
        &mut out,
        "Arabic",
        &format!("<bdi>{}</bdi>", esc(&r.ar.origin.0)),
    );
    let sources: Vec<String> = r
        .sources
        .iter()
        .map(|d| format!("<bdi>{}</bdi>", esc(&d.origin.0)))
        .collect();
    fact(&mut out, "English sources", &sources.join(", "));
    model_and_made(&mut out, view.model, view.meta);
    let matched = view.quotes.iter().filter(|q| !q.matches.is_empty()).count();
    fact(
        &mut out,
        "Counts",
        &format!(
            "{} ({matched} matched)",
            plural(view.quotes.len(), "quote", "quotes")
        ),
    );
    out.push_str(
        "</dl>\n<p class=\"legend\">Each row: an Arabic quote with its speaker underlined, and \
         the English wordings found for it, best first. Hover or Tab to a quote to light its \
         matches. Tinted rows have no match scoring above the threshold.</p>\n</header>\n",
    );
    out.push_str("<main>\n<div class=\"colhead\" aria-hidden=\"true\"><div lang=\"ar\" dir=\"rtl\">الاقتباس</div><div>English</div><div>score</div></div>\n<section class=\"para\">\n");
    for (n, q) in view.quotes.iter().enumerate() {
        let best = q.matches.first().map(|m| m.score);
        let low = best.is_none_or(|s| s < LOW_SCORE);
        let _ = write!(
            out,
            "<div class=\"bead{}\" id=\"q{}\">",
            if low { " low" } else { "" },
            n + 1
        );
        let mut idx = MarkIndex::default();
        idx.add(q.doc, q.quote.span, MarkKind::Quote { link: n });
        if let Some(sp) = q.quote.speaker {
            idx.add(q.doc, sp, MarkKind::Speaker);
        }
        let ids: Vec<SentenceId> = sentences_over(q.doc, q.quote.span).map(|s| s.id).collect();
        cell(&mut out, q.doc, &ids, &idx);
        out.push_str("<div class=\"en\" lang=\"en\" dir=\"ltr\" data-side=\"en\">");
        if q.matches.is_empty() {
            out.push_str("<span class=\"gap\">no match found</span>");
        }
        for m in &q.matches {
            match_html(&mut out, n, m);
        }
        out.push_str("</div>");
        meta_cell(&mut out, best, low, &[]);
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n</main>\n");
    page_end(&mut out, &view.meta.tool_version, &created);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_runs_are_isolated_and_neutrals_around_them_are_not() {
        let table = [
            // (text, rtl cell, expected)
            (
                "البنك الدولي (World Bank) ساهم",
                true,
                "البنك الدولي (<bdi>World Bank</bdi>) ساهم",
            ),
            ("قال CNN: نعم", true, "قال <bdi>CNN</bdi>: نعم"),
            ("كلها عربية 40", true, "كلها عربية 40"),
            (
                "Bloomberg (بلومبيرغ) said",
                false,
                "Bloomberg (<bdi>بلومبيرغ</bdi>) said",
            ),
            ("a <b> & c", false, "a &lt;b&gt; &amp; c"),
            ("<x>", true, "&lt;<bdi>x</bdi>&gt;"),
        ];
        for (text, rtl, want) in table {
            assert_eq!(esc_isolated(text, rtl), want, "{text:?}");
        }
    }

    #[test]
    fn marks_are_widened_to_whole_arabic_words() {
        let ent = || MarkKind::Entity {
            colour: 0,
            pair: 0,
            title: String::new(),
        };
        let table = [
            // (text, marked part, expected markup)
            (
                "يوم الخميس - قالت",
                "خميس",
                "يوم <mark class=\"ent c0\" data-link=\"e0\" tabindex=\"0\" dir=\"auto\" title=\"\">الخميس</mark> - قالت",
            ),
            // ends inside the word (a clitic left out): grown to the word's end
            (
                "وعمّانيون هنا",
                "وعمّان",
                "<mark class=\"ent c0\" data-link=\"e0\" tabindex=\"0\" dir=\"auto\" title=\"\">وعمّانيون</mark> هنا",
            ),
            // combining marks (shadda, fatha) are part of the word
            (
                "مُحَمَّدٌ جاء",
                "حَ",
                "<mark class=\"ent c0\" data-link=\"e0\" tabindex=\"0\" dir=\"auto\" title=\"\">مُحَمَّدٌ</mark> جاء",
            ),
            // already on word boundaries, and neutrals at the edge do not grow it
            (
                "قال (بلومبيرغ) أمس",
                "(بلومبيرغ)",
                "قال <mark class=\"ent c0\" data-link=\"e0\" tabindex=\"0\" dir=\"auto\" title=\"\">(بلومبيرغ)</mark> أمس",
            ),
            // Latin words are not widened: a cut there does not break any joining
            (
                "on Thursdays",
                "Thursday",
                "on <mark class=\"ent c0\" data-link=\"e0\" tabindex=\"0\" dir=\"auto\" title=\"\">Thursday</mark>s",
            ),
        ];
        for (text, part, want) in table {
            let at = text.find(part).expect("part in text");
            let marks = vec![Mark {
                span: Span::new(at, at + part.len()),
                kind: ent(),
            }];
            let rtl = text.chars().any(is_rtl);
            assert_eq!(
                marked(text, Span::new(0, text.len()), marks, rtl),
                want,
                "{text:?}"
            );
        }
    }

    #[test]
    fn paragraph_labels_name_the_paragraphs_they_introduce() {
        let table: [(&[u32], &str); 4] = [
            (&[], "\u{b6}"),
            (&[0], "\u{b6} 1"),
            (&[1, 2], "\u{b6} 2\u{2013}3"),
            (&[1, 4], "\u{b6} 2, 5"),
        ];
        for (paras, want) in table {
            assert_eq!(para_label(paras), want, "{paras:?}");
        }
    }

    #[test]
    fn crossing_marks_are_dropped_and_nested_ones_kept() {
        let ent = |pair| MarkKind::Entity {
            colour: 0,
            pair,
            title: String::new(),
        };
        let marks = vec![
            Mark {
                span: Span::new(0, 10),
                kind: MarkKind::Quote { link: 0 },
            },
            // inside the quote: kept
            Mark {
                span: Span::new(2, 4),
                kind: ent(1),
            },
            // crosses the quote's end: dropped
            Mark {
                span: Span::new(8, 12),
                kind: ent(2),
            },
            // empty: dropped
            Mark {
                span: Span::new(5, 5),
                kind: ent(3),
            },
        ];
        let kept: Vec<Span> = nest(marks).into_iter().map(|m| m.span).collect();
        assert_eq!(kept, [Span::new(0, 10), Span::new(2, 4)]);
    }
}
