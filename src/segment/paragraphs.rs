//! Paragraphs: a text cut at blank lines (LF, CRLF and CR line ends alike), with exact
//! consecutive repeats dropped. Scraped news pages repeat their dateline and headline; a
//! translator or aligner fed both copies would show the headline twice, so the repeat is
//! dropped here and recorded as a [`Collapsed`] pair (dropped span, kept span).
//!
//! Takes the whole input text; gives, per kept paragraph, the byte spans of its text split into
//! blocks: runs of consecutive kept lines (a dropped repeated line inside a paragraph splits it
//! into two blocks, so no sentence ever spans a dropped line).

use crate::document::{Collapsed, Span};

/// A kept paragraph: its span (first kept line start to last kept line end) and its blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Para {
    pub span: Span,
    pub blocks: Vec<Span>,
}

/// Lines of `text` as spans of their content with surrounding whitespace trimmed (a leading
/// BOM counts as whitespace); blank lines come out as empty spans.
pub(crate) fn lines(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i <= bytes.len() {
        let end_here = i == bytes.len() || bytes[i] == b'\n' || bytes[i] == b'\r';
        if end_here {
            out.push(trim(text, Span::new(start, i)));
            if i == bytes.len() {
                break;
            }
            // CRLF is one line end.
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    out
}

/// `span` without leading and trailing whitespace and BOMs; an all-blank span becomes empty
/// at its start.
pub(crate) fn trim(text: &str, span: Span) -> Span {
    let s = &text[span.range()];
    let blank = |c: char| c.is_whitespace() || c == '\u{feff}';
    let left = s.len() - s.trim_start_matches(blank).len();
    let right = s.trim_end_matches(blank).len();
    if right <= left {
        Span::new(span.start, span.start)
    } else {
        Span::new(span.start + left, span.start + right)
    }
}

/// Cuts `text` into paragraphs at blank lines; with `collapse`, exact consecutive duplicate
/// lines (within a paragraph) and paragraphs (the same lines as the kept paragraph before) are
/// dropped and recorded.
pub(crate) fn paragraphs(text: &str, collapse: bool) -> (Vec<Para>, Vec<Collapsed>) {
    let mut paras = Vec::new();
    let mut collapsed = Vec::new();
    // Kept lines of the paragraph being read, each with whether a dropped line precedes it.
    let mut current: Vec<(Span, bool)> = Vec::new();
    let mut previous_kept: Option<Vec<Span>> = None;

    let mut finish =
        |current: &mut Vec<(Span, bool)>, paras: &mut Vec<Para>, collapsed: &mut Vec<Collapsed>| {
            if current.is_empty() {
                return;
            }
            let kept_lines: Vec<Span> = current.iter().map(|(s, _)| *s).collect();
            let span = Span::new(kept_lines[0].start, kept_lines[kept_lines.len() - 1].end);
            if collapse {
                if let Some(prev) = &previous_kept {
                    let same = prev.len() == kept_lines.len()
                        && prev
                            .iter()
                            .zip(&kept_lines)
                            .all(|(a, b)| text[a.range()] == text[b.range()]);
                    if same {
                        let kept = Span::new(prev[0].start, prev[prev.len() - 1].end);
                        collapsed.push(Collapsed { span, kept });
                        current.clear();
                        return;
                    }
                }
            }
            let mut blocks: Vec<Span> = Vec::new();
            for &(line, after_drop) in current.iter() {
                match blocks.last_mut() {
                    Some(block) if !after_drop => block.end = line.end,
                    _ => blocks.push(line),
                }
            }
            paras.push(Para { span, blocks });
            previous_kept = Some(kept_lines);
            current.clear();
        };

    let mut dropped_since_kept = false;
    for line in lines(text) {
        if line.is_empty() {
            finish(&mut current, &mut paras, &mut collapsed);
            dropped_since_kept = false;
            continue;
        }
        if collapse {
            if let Some(&(last, _)) = current.last() {
                if text[last.range()] == text[line.range()] {
                    collapsed.push(Collapsed {
                        span: line,
                        kept: last,
                    });
                    dropped_since_kept = true;
                    continue;
                }
            }
        }
        current.push((line, dropped_since_kept));
        dropped_since_kept = false;
    }
    finish(&mut current, &mut paras, &mut collapsed);
    (paras, collapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.range()]).collect()
    }

    #[test]
    fn line_ends() {
        let cases: &[(&str, &[&str])] = &[
            ("a\nb", &["a", "b"]),
            ("a\r\nb\r\n", &["a", "b", ""]),
            ("a\rb", &["a", "b"]),
            ("\u{feff}  a  \n\n b", &["a", "", "b"]),
            ("a\r\n\r\nb", &["a", "", "b"]),
        ];
        for &(text, want) in cases {
            assert_eq!(texts(text, &lines(text)), want, "{text:?}");
        }
    }

    #[test]
    fn paragraphs_and_collapsing() {
        // (text, paragraph blocks as text, number of collapsed repeats)
        let cases: &[(&str, &[&[&str]], usize)] = &[
            ("a\nb\n\nc", &[&["a\nb"], &["c"]], 0),
            ("a\r\n\r\n\r\nb\r\n", &[&["a"], &["b"]], 0),
            // A repeated dateline (two lines) and a repeated headline paragraph.
            (
                "date\ndate\n\nhead\n\nhead\n\nbody",
                &[&["date"], &["head"], &["body"]],
                2,
            ),
            // A repeat in the middle splits the paragraph into two blocks.
            ("x\ny\ny\nz", &[&["x\ny", "z"]], 1),
            // Not consecutive: kept.
            ("a\n\nb\n\na", &[&["a"], &["b"], &["a"]], 0),
            // Whitespace around a line does not make it different.
            ("a \n a", &[&["a"]], 1),
        ];
        for &(text, want, n) in cases {
            let (paras, collapsed) = paragraphs(text, true);
            let got: Vec<Vec<&str>> = paras.iter().map(|p| texts(text, &p.blocks)).collect();
            let want: Vec<Vec<&str>> = want.iter().map(|p| p.to_vec()).collect();
            assert_eq!(got, want, "{text:?}");
            assert_eq!(collapsed.len(), n, "{text:?}");
            for c in &collapsed {
                assert_eq!(text[c.span.range()], text[c.kept.range()]);
                assert!(c.kept.end <= c.span.start);
            }
        }
    }

    #[test]
    fn no_collapsing_when_asked() {
        let (paras, collapsed) = paragraphs("a\na\n\na", false);
        assert_eq!(paras.len(), 2);
        assert_eq!(paras[0].blocks, vec![Span::new(0, 3)]);
        assert!(collapsed.is_empty());
    }
}
