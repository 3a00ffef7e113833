//! Matching quotation marks and brackets: «…», “…”, "…", ‘…’, ‹…›, (…), […].
//!
//! Takes one block of text; gives the matched pairs, properly nested, in order of their
//! opening marks. Sentences are never split inside a pair, and the quote pairs become
//! [`crate::document::Quote`]s. A mark that finds no partner (a stray `"`, an apostrophe, a
//! quote left open by a scraper) is ignored, so one bad mark cannot swallow a paragraph.
//!
//! Arabic texts also use the marks mirrored (»…«, ”…“), and the straight `"` and the
//! apostrophe-like `’` are both opener and closer: context decides (a closer is not followed by
//! a letter, an opener is not followed by a space).

use crate::document::Span;

/// What a pair encloses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PairKind {
    Quote,
    Bracket,
}

/// A matched pair of marks: `open` is the opening mark's span, `close` the closing mark's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pair {
    pub open: Span,
    pub close: Span,
    pub kind: PairKind,
}

impl Pair {
    /// From the opening to the closing mark, both included.
    pub fn outer(&self) -> Span {
        Span::new(self.open.start, self.close.end)
    }
    /// Between the marks.
    pub fn inner(&self) -> Span {
        Span::new(self.open.end, self.close.start)
    }
}

/// The closers an opening mark accepts, and the pair's kind; `None` if `c` never opens.
fn closers(c: char) -> Option<(&'static [char], PairKind)> {
    use PairKind::*;
    Some(match c {
        '«' => (&['»'], Quote),
        '»' => (&['«'], Quote),
        '“' => (&['”'], Quote),
        '”' => (&['“', '”'], Quote),
        '„' => (&['“', '”'], Quote),
        '"' => (&['"'], Quote),
        '‘' => (&['’'], Quote),
        '‹' => (&['›'], Quote),
        '›' => (&['‹'], Quote),
        '(' => (&[')'], Bracket),
        '[' => (&[']'], Bracket),
        _ => return None,
    })
}

/// Marks that are mirrored or shared between opening and closing: they open only where the
/// context looks like an opening (no partner to close, next character not a space).
fn ambiguous(c: char) -> bool {
    matches!(c, '"' | '”' | '»' | '›' | '’')
}

fn is_mark(c: char) -> bool {
    matches!(
        c,
        '«' | '»' | '“' | '”' | '„' | '"' | '‘' | '’' | '‹' | '›' | '(' | ')' | '[' | ']'
    )
}

/// How many open marks a closer looks back over for its partner: real text nests a few
/// deep; the bound keeps a run of stray openers from making the pass quadratic.
const MAX_REACH: usize = 16;

/// Matched pairs in `text[block]`, sorted by opening mark.
pub(crate) fn find(text: &str, block: Span) -> Vec<Pair> {
    struct Open {
        at: Span,
        accepts: &'static [char],
        kind: PairKind,
    }
    let s = &text[block.range()];
    let mut stack: Vec<Open> = Vec::new();
    let mut pairs = Vec::new();
    let mut prev: Option<char> = None;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if is_mark(c) {
            let at = Span::new(block.start + i, block.start + i + c.len_utf8());
            // A symmetric or apostrophe-like mark that runs into a letter ("don’t", `"x`) is
            // not closing anything; `“` closes only mirrored `”…“` and German `„…“`.
            let may_close =
                !matches!(c, '"' | '’' | '“') || !next.is_some_and(char::is_alphanumeric);
            let depth = if may_close {
                let floor = stack.len().saturating_sub(MAX_REACH);
                stack[floor..]
                    .iter()
                    .rposition(|o| o.accepts.contains(&c))
                    .map(|d| floor + d)
            } else {
                None
            };
            if let Some(depth) = depth {
                let open = stack[depth].at;
                let kind = stack[depth].kind;
                stack.truncate(depth);
                pairs.push(Pair {
                    open,
                    close: at,
                    kind,
                });
            } else if let Some((accepts, kind)) = closers(c) {
                // After a tatweel an Arabic prefix is joined to a quoted name: لـ"الشرق".
                let opens = if ambiguous(c) {
                    next.is_some_and(|n| !n.is_whitespace())
                        && !prev.is_some_and(|p| p.is_alphanumeric() && p != '\u{0640}')
                } else {
                    true
                };
                if opens {
                    stack.push(Open { at, accepts, kind });
                }
            }
        }
        prev = Some(c);
    }
    pairs.sort_by_key(|p| p.open.start);
    pairs
}

/// The outermost pairs' spans (a pair inside another is covered by it), in order.
pub(crate) fn protected(pairs: &[Pair]) -> Vec<Span> {
    outermost(&pairs.iter().map(Pair::outer).collect::<Vec<_>>())
}

/// The spans not inside another, in order; `spans` are sorted by start and nested or disjoint.
pub(crate) fn outermost(spans: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for &span in spans {
        match out.last() {
            Some(last) if last.contains(span) => {}
            _ => out.push(span),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inners(text: &str) -> Vec<&str> {
        find(text, Span::new(0, text.len()))
            .iter()
            .map(|p| &text[p.inner().range()])
            .collect()
    }

    #[test]
    fn pairs_table() {
        let cases: &[(&str, &[&str])] = &[
            ("قال: «نص؛ آخر.» ثم", &["نص؛ آخر."]),
            ("«a (b) c»", &["a (b) c", "b"]),
            ("“He said ‘no’ twice.”", &["He said ‘no’ twice.", "no"]),
            ("‘Don’t go,’ she said", &["Don’t go,"]),
            ("\"one\" and \"two\"", &["one", "two"]),
            ("a 5\" b", &[]),
            ("«open only", &[]),
            ("stray » here «x»", &["x"]),
            // Mirrored Arabic usage.
            ("قال ”نعم“ ثم", &["نعم"]),
            ("قال »نعم« ثم", &["نعم"]),
            // Crossed marks: the inner opener is dropped.
            ("«a (b» c)", &["a (b"]),
            ("[x] (y)", &["x", "y"]),
            ("it’s John’s", &[]),
            ("«كلمة»وقال", &["كلمة"]),
            ("قال لـ\"الشرق الأوسط\": نعم", &["الشرق الأوسط"]),
        ];
        for &(text, want) in cases {
            assert_eq!(inners(text), want, "{text}");
        }
    }

    #[test]
    fn protected_spans_are_outermost() {
        let text = "«a (b) c» d (e)";
        let pairs = find(text, Span::new(0, text.len()));
        let spans: Vec<&str> = protected(&pairs).iter().map(|s| &text[s.range()]).collect();
        assert_eq!(spans, ["«a (b) c»", "(e)"]);
    }
}
