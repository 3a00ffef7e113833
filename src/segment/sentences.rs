//! Sentence boundaries inside one block of a paragraph (Arabic and English).
//!
//! Takes the text, a block span, the block's matched marks ([`super::pairs`]) and the
//! language; gives the sentence spans, trimmed, in order, covering every non-blank byte of the
//! block. One left-to-right pass, so a megabyte article is cut in milliseconds.
//!
//! Rules, each tested below:
//! - a sentence ends after a run of `.` `!` `?` `؟` `…` `۔` (with any closing marks that
//!   follow) before a space or the block's end; `،` and `؛` never end one;
//! - never inside matched quotes or brackets: the quote «…؛ … .» stays whole, and `».` ends
//!   after the period; a quote that ends in `!`/`?`/`.` ends the sentence when a new sentence
//!   clearly follows (English: not a lowercase word; both: not a reporting verb);
//! - abbreviations (Arabic single letters and إلخ; English titles, `No.`, `U.S.`, `Inc.`),
//!   numbers (3.5, 25.04.2024, 2024/11/20: no space after the period), list numbers (`1. `);
//! - English: no boundary before a lowercase word (`e.g. the`, `“Why?” he asked`);
//! - Arabic: `.` or `؟` glued to the next word (scraped `الماضي.وقال`) is a boundary when both
//!   words are real words;
//! - a line break inside a paragraph ends a sentence (headline over dateline), except after a
//!   comma, colon or dash, before a lowercase English word, or in hard-wrapped text.

use super::pairs::{self, Pair, PairKind};
use super::{arabic, english};
use crate::document::{Lang, Span};

pub(crate) fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '…' | '۔' | '‼' | '⁇' | '⁈' | '⁉')
}

/// Closing marks that may trail a sentence end without being matched (`.)`, `."`).
fn is_trailing_closer(c: char) -> bool {
    matches!(c, ')' | ']' | '»' | '”' | '"' | '’' | '\'' | '›')
}

fn is_opening_mark(c: char) -> bool {
    matches!(c, '«' | '“' | '"' | '‘' | '\'' | '(' | '[' | '‹' | '„')
}

/// The longest word before a period that the rules look at, in bytes.
const MAX_TOKEN: usize = 64;

/// Sentence spans of `text[block]`.
pub(crate) fn split(text: &str, block: Span, pairs: &[Pair], lang: Lang) -> Vec<Span> {
    let protected = pairs::protected(pairs);
    let quotes: Vec<Span> = pairs
        .iter()
        .filter(|p| p.kind == PairKind::Quote)
        .map(Pair::outer)
        .collect();
    let wrapped = is_wrapped(&text[block.range()]);
    let mut cuts = Vec::new();
    let mut sent_start = block.start;
    let mut next_protected = 0;
    let mut i = block.start;
    while i < block.end {
        if let Some(p) = protected.get(next_protected).filter(|p| p.start == i) {
            next_protected += 1;
            i = p.end;
            // A quote ending in a terminator («…!» / “…?”) may end the sentence.
            let ends_in_terminator = quotes.binary_search_by_key(&p.start, |q| q.start).is_ok()
                && last_inner_char(text, *p).is_some_and(is_terminator);
            let next = text[i..block.end].chars().next();
            if ends_in_terminator
                && !next.is_some_and(is_terminator)
                && quote_ends_sentence(text, i, block.end, lang)
            {
                cuts.push(i);
                sent_start = i;
            }
            continue;
        }
        let c = text[i..].chars().next().expect("inside the block");
        if is_terminator(c) {
            let run_end = i + text[i..block.end]
                .find(|c: char| !is_terminator(c))
                .unwrap_or(block.end - i);
            // Unmatched closers trailing the run (`.)`, `."`) belong to this sentence, up to
            // the next matched pair.
            let limit = protected
                .get(next_protected)
                .map_or(block.end, |p| p.start.max(run_end));
            let end = run_end
                + text[run_end..limit]
                    .find(|c: char| !is_trailing_closer(c))
                    .unwrap_or(limit - run_end);
            if ends_sentence(
                text,
                sent_start,
                Span::new(i, run_end),
                end,
                block.end,
                lang,
            ) {
                cuts.push(end);
                sent_start = end;
            }
            i = end;
            continue;
        }
        if (c == '\n' || c == '\r')
            && !wrapped
            && line_break_ends_sentence(text, sent_start, i, block.end, lang)
        {
            cuts.push(i);
            sent_start = i;
        }
        i += c.len_utf8();
    }
    cuts.push(block.end);
    spans_from_cuts(text, block.start, &cuts)
}

/// Trimmed, non-empty spans between cuts; a piece with no letter or digit (a stray `»`)
/// joins the sentence before it.
fn spans_from_cuts(text: &str, start: usize, cuts: &[usize]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut from = start;
    for &cut in cuts {
        if cut <= from {
            continue;
        }
        let span = super::paragraphs::trim(text, Span::new(from, cut));
        from = cut;
        if span.is_empty() {
            continue;
        }
        let wordless = !text[span.range()].chars().any(char::is_alphanumeric);
        match out.last_mut() {
            Some(last) if wordless => last.end = span.end,
            _ => out.push(span),
        }
    }
    out
}

fn last_inner_char(text: &str, outer: Span) -> Option<char> {
    let inner = &text[outer.range()];
    let mut chars = inner.chars();
    chars.next_back(); // the closing mark
    chars.rev().find(|c| !c.is_whitespace())
}

/// The text after `at` up to `end`: the first character after spaces and opening marks, and
/// the first word.
fn next_word(text: &str, at: usize, end: usize) -> (Option<char>, &str) {
    let rest = text[at..end].trim_start_matches(|c: char| c.is_whitespace() || is_opening_mark(c));
    let word_end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || is_mark_in_word(c)))
        .unwrap_or(rest.len());
    (rest.chars().next(), &rest[..word_end])
}

/// Arabic harakat and tatweel are part of a word.
fn is_mark_in_word(c: char) -> bool {
    matches!(c, '\u{0640}' | '\u{064b}'..='\u{065f}' | '\u{0670}')
}

fn is_cue(word: &str, lang: Lang) -> bool {
    match lang {
        Lang::Ar => arabic::is_cue(word),
        Lang::En => english::is_cue(word),
    }
}

/// After a quote that ends in a terminator: a new sentence follows unless the next word is
/// lowercase (English), a reporting verb, or punctuation continues the sentence.
fn quote_ends_sentence(text: &str, at: usize, end: usize, lang: Lang) -> bool {
    let after = &text[at..end];
    if !after.starts_with(char::is_whitespace) && !after.is_empty() {
        return false;
    }
    let (first, word) = next_word(text, at, end);
    match first {
        None => true,
        Some(c) if c.is_lowercase() => false,
        Some(c) if !c.is_alphanumeric() => false,
        Some(_) => !is_cue(word, lang),
    }
}

/// Whether the terminator run `run` ends the sentence begun at `sent_start`; `end` is after the
/// run and its trailing closers, `block_end` the end of the block.
fn ends_sentence(
    text: &str,
    sent_start: usize,
    run: Span,
    end: usize,
    block_end: usize,
    lang: Lang,
) -> bool {
    let run_text = &text[run.range()];
    let after = &text[end..block_end];
    let Some(n) = after.chars().next() else {
        return true;
    };
    let token = || token_before(text, sent_start, run.start);
    if !n.is_whitespace() {
        // Glued to what follows: a number (3.5), a date (25.04.2024), a domain (x.com), an
        // abbreviation (U.S.A, أ.د) or, in scraped Arabic, a missing space after the end.
        return lang == Lang::Ar
            && arabic::is_arabic_letter(n)
            && (run_text != "." || {
                let token = token();
                is_arabic_word(token) && !arabic::is_abbreviation(token)
            })
            && is_arabic_word(next_word(text, end, block_end).1);
    }
    let (first, word) = next_word(text, end, block_end);
    let Some(first) = first else {
        return true;
    };
    let lowercase_next = first.is_lowercase();
    if run_text == "." {
        let token = token();
        if is_list_number(text, sent_start, token) {
            return false;
        }
        match lang {
            Lang::En => match english::abbreviation(token) {
                english::Abbrev::Never => false,
                english::Abbrev::Maybe => first.is_uppercase() && english::is_opener(word),
                english::Abbrev::No => !lowercase_next,
            },
            Lang::Ar => !arabic::is_abbreviation(token) && !lowercase_next,
        }
    } else {
        // `!`, `?`, `؟`, ellipses: not before a lowercase word ("Why?" he asked).
        !lowercase_next
    }
}

/// At least two letters of Arabic script.
fn is_arabic_word(word: &str) -> bool {
    word.chars()
        .filter(|&c| arabic::is_arabic_letter(c))
        .count()
        >= 2
}

/// The word before `at` (back to a space or the sentence start), without opening marks.
fn token_before(text: &str, sent_start: usize, at: usize) -> &str {
    // No abbreviation or number that matters here is longer than this: bounding the look-back
    // keeps a long run without spaces ("a.a.a.…") linear.
    let mut from = sent_start.max(at.saturating_sub(MAX_TOKEN));
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = &text[from..at];
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    before[start..].trim_start_matches(is_opening_mark)
}

/// A bare number opening the sentence ("1. ", "٢. "): a list item's number, not an end.
fn is_list_number(text: &str, sent_start: usize, token: &str) -> bool {
    !token.is_empty()
        && token.chars().all(|c| c.is_numeric())
        && text[sent_start..]
            .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .starts_with(token)
}

/// A line break inside a paragraph ends the sentence unless the line ends in a comma, colon or
/// dash, or (English) the next line starts with a lowercase word.
fn line_break_ends_sentence(
    text: &str,
    sent_start: usize,
    at: usize,
    block_end: usize,
    lang: Lang,
) -> bool {
    let before = text[sent_start..at].trim_end();
    let Some(last) = before.chars().next_back() else {
        return false;
    };
    if matches!(
        last,
        ',' | '،' | ';' | '؛' | ':' | '-' | '–' | '—' | '/' | '&'
    ) {
        return false;
    }
    let (first, _) = next_word(text, at, block_end);
    !(lang == Lang::En && first.is_some_and(char::is_lowercase))
}

/// Hard-wrapped text (lines broken at a fixed width, as in e-mail or plain-text archives):
/// three or more lines whose widths, except the last, lie between 30 and 100 characters within
/// 35 of each other, most of which end mid-sentence and are full (the next line's first word
/// would not have fitted).
fn is_wrapped(block: &str) -> bool {
    let lines: Vec<&str> = block.lines().collect();
    if lines.len() < 3 {
        return false;
    }
    let body = &lines[..lines.len() - 1];
    let widths: Vec<usize> = body.iter().map(|l| l.trim().chars().count()).collect();
    let (min, max) = (
        widths.iter().min().copied().unwrap_or(0),
        widths.iter().max().copied().unwrap_or(0),
    );
    let open_ended = body
        .iter()
        .filter(|l| {
            !l.trim_end()
                .ends_with(|c: char| is_terminator(c) || is_trailing_closer(c))
        })
        .count();
    // A wrapped line is full: its next line's first word would not have fitted on it. A list
    // of headlines has lines of similar width too, but with room left on them.
    let full = body
        .iter()
        .zip(&lines[1..])
        .zip(&widths)
        .filter(|((_, next), &w)| {
            let first_word = next
                .split_whitespace()
                .next()
                .map_or(0, |w| w.chars().count());
            w + 1 + first_word > max
        })
        .count();
    min >= 30
        && max <= 100
        && max - min <= 35
        && open_ended * 2 > body.len()
        && full * 3 >= body.len() * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str, lang: Lang) -> Vec<&str> {
        let block = Span::new(0, text.len());
        let pairs = pairs::find(text, block);
        split(text, block, &pairs, lang)
            .iter()
            .map(|s| &text[s.range()])
            .collect()
    }

    #[test]
    fn arabic_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("ذهب الولد. وعاد البنت.", &["ذهب الولد.", "وعاد البنت."]),
            ("هل ذهب؟ نعم ذهب!", &["هل ذهب؟", "نعم ذهب!"]),
            // ، and ؛ are not boundaries.
            ("قال كذا، ثم ذهب؛ لأنه تعب.", &["قال كذا، ثم ذهب؛ لأنه تعب."]),
            // A quote with ؛ and . inside stays whole, and «». ends after the period.
            (
                "قالت: «الجهة مهتمة؛ لأن الغرض الترويج. (وهو نوع من الدعاية)». وتشير الرسالة.",
                &[
                    "قالت: «الجهة مهتمة؛ لأن الغرض الترويج. (وهو نوع من الدعاية)».",
                    "وتشير الرسالة.",
                ],
            ),
            // Brackets.
            (
                "ذكر (كما قال. وأكد) ذلك. ثم",
                &["ذكر (كما قال. وأكد) ذلك.", "ثم"],
            ),
            // Abbreviations: د. أ.د. م. ق.م. ص.ب. إلخ.
            ("قال د. أحمد ذلك.", &["قال د. أحمد ذلك."]),
            ("حاضر أ.د. محمد علي.", &["حاضر أ.د. محمد علي."]),
            ("وصل م. خالد.", &["وصل م. خالد."]),
            ("في عام 300 ق.م. حدث ذلك.", &["في عام 300 ق.م. حدث ذلك."]),
            (
                "العنوان ص.ب. 1234 القاهرة.",
                &["العنوان ص.ب. 1234 القاهرة."],
            ),
            ("كتب وقرأ إلخ. من الأعمال.", &["كتب وقرأ إلخ. من الأعمال."]),
            // Decimals and dates.
            (
                "نما بنسبة 3.5 في المئة. ثم",
                &["نما بنسبة 3.5 في المئة.", "ثم"],
            ),
            ("نما بنسبة ٣٫٥ في المئة.", &["نما بنسبة ٣٫٥ في المئة."]),
            (
                "في 25.04.2024 وفي 2024/11/20 حدث.",
                &["في 25.04.2024 وفي 2024/11/20 حدث."],
            ),
            // Ellipsis and mixed terminators.
            ("انتظر… ثم ذهب؟! وعاد.", &["انتظر…", "ثم ذهب؟!", "وعاد."]),
            // A missing space after the period in scraped text.
            (
                "يوم الاثنين الماضي.وقال الوزير",
                &["يوم الاثنين الماضي.", "وقال الوزير"],
            ),
            // List numbers.
            ("1. البند الأول", &["1. البند الأول"]),
            // A quote ending in ! followed by a reporting verb stays in the sentence.
            ("«اخرجوا!» قال الضابط.", &["«اخرجوا!» قال الضابط."]),
            ("«اخرجوا!» وخرج الجميع.", &["«اخرجوا!»", "وخرج الجميع."]),
        ];
        for &(text, want) in cases {
            assert_eq!(sentences(text, Lang::Ar), want, "{text}");
        }
    }

    #[test]
    fn english_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("He left. She stayed.", &["He left.", "She stayed."]),
            ("Really? Yes! Fine.", &["Really?", "Yes!", "Fine."]),
            ("Mr. Smith met Dr. Jones.", &["Mr. Smith met Dr. Jones."]),
            (
                "It grew 3.5 percent. Then",
                &["It grew 3.5 percent.", "Then"],
            ),
            ("The U.S. economy grew.", &["The U.S. economy grew."]),
            (
                "He lives in the U.S. The rest",
                &["He lives in the U.S.", "The rest"],
            ),
            ("Acme Inc. said so.", &["Acme Inc. said so."]),
            (
                "See No. 5 on 25.04.2024 and 2024/11/20.",
                &["See No. 5 on 25.04.2024 and 2024/11/20."],
            ),
            (
                "apples, pears, etc. and more.",
                &["apples, pears, etc. and more."],
            ),
            ("John F. Kennedy spoke.", &["John F. Kennedy spoke."]),
            ("Wait... what? Go.", &["Wait... what?", "Go."]),
            ("Wait... Then go.", &["Wait...", "Then go."]),
            ("“Why?” he asked.", &["“Why?” he asked."]),
            ("“Go home.” She left.", &["“Go home.”", "She left."]),
            (
                "He said “no. never.” and left.",
                &["He said “no. never.” and left."],
            ),
            (
                "It ended (see above.) Then",
                &["It ended (see above.) Then"],
            ),
            ("e.g. the case. Next", &["e.g. the case.", "Next"]),
            (
                "Visit example.com today. Done",
                &["Visit example.com today.", "Done"],
            ),
            ("It was big.) Next", &["It was big.)", "Next"]),
        ];
        for &(text, want) in cases {
            assert_eq!(sentences(text, Lang::En), want, "{text}");
        }
    }

    #[test]
    fn line_breaks() {
        let cases: &[(&str, Lang, &[&str])] = &[
            ("الخميس - 25 أبريل 2024\nبلومبيرغ: الصين", Lang::Ar, &["الخميس - 25 أبريل 2024", "بلومبيرغ: الصين"]),
            ("Headline here\nBody text.", Lang::En, &["Headline here", "Body text."]),
            ("He said that\nthe end is near.", Lang::En, &["He said that\nthe end is near."]),
            ("قال:\n«نعم»", Lang::Ar, &["قال:\n«نعم»"]),
            ("a\r\nb", Lang::Ar, &["a", "b"]),
            (
                "الصين تطلب من تيك توك حساباً سرياً يستهدف الغرب\nبايدن يوقع قانون حظر تيك توك في أمريكا\nتروس تتعهد بمواجهة الشركات الصينية المملوكة للدولة",
                Lang::Ar,
                &[
                    "الصين تطلب من تيك توك حساباً سرياً يستهدف الغرب",
                    "بايدن يوقع قانون حظر تيك توك في أمريكا",
                    "تروس تتعهد بمواجهة الشركات الصينية المملوكة للدولة",
                ],
            ),
            (
                "This is a long line of hard wrapped text that\nGoes on for a while in the same width and\nEnds somewhere around here at last.",
                Lang::En,
                &["This is a long line of hard wrapped text that\nGoes on for a while in the same width and\nEnds somewhere around here at last."],
            ),
        ];
        for &(text, lang, want) in cases {
            assert_eq!(sentences(text, lang), want, "{text}");
        }
    }
}
