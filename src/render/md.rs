//! Markdown: a heading with the sources and a two-column table (Arabic, English) plus the
//! score, for a quick look in a terminal or a paste into an issue tracker. Cells are one line;
//! `|`, `\` and `<` are escaped so that no text can break the table or turn into HTML.

use super::{flag_label, join_sentences, one_line, score2, QuoteView, View};

/// One table cell's text.
pub(super) fn cell(s: &str) -> String {
    let mut out = String::new();
    for c in one_line(s).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) fn alignment(view: &View) -> String {
    let al = view.al;
    let mut out = format!("# {}\n\n", cell(&view.title()));
    if let Some(m) = view.model {
        out.push_str(&format!(
            "Model: `{}` ({}). ",
            cell(&m.id),
            cell(&m.revision_label())
        ));
    }
    out.push_str(&format!(
        "{} beads, {} below {}. Made by tarjuman {} on {}.\n\n",
        view.rows.len(),
        view.low_count(),
        score2(super::LOW_SCORE),
        view.meta.tool_version,
        view.meta.created.iso8601()
    ));
    out.push_str("| # | العربية | English | score |\n|---:|---|---|---|\n");
    for r in &view.rows {
        let mut score = score2(r.bead.score);
        if r.low {
            score.push_str(" **low**");
        }
        for f in &r.flags {
            score.push_str(&format!(" \u{26a0} {}", cell(&flag_label(f))));
        }
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.index,
            cell(&join_sentences(&al.ar, &r.bead.ar)),
            cell(&join_sentences(&al.en, &r.bead.en)),
            score
        ));
    }
    out
}

pub(super) fn quotes(view: &QuoteView) -> String {
    let mut out = format!(
        "# Quotes of {} in {}\n\n",
        cell(&view.report.ar.origin.0),
        cell(&view.source_names())
    );
    out.push_str(
        "| # | الاقتباس | speaker | English | source | score |\n|---:|---|---|---|---|---|\n",
    );
    for q in &view.quotes {
        let speaker = q.speaker.map(cell).unwrap_or_default();
        match q.matches.first() {
            None => out.push_str(&format!(
                "| {} | {} | {} | *no match* | | |\n",
                q.quote.id,
                cell(q.text),
                speaker
            )),
            Some(m) => out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                q.quote.id,
                cell(q.text),
                speaker,
                cell(m.text),
                cell(&m.doc.origin.0),
                score2(m.score)
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_the_table() {
        let table = [
            ("a|b", "a\\|b"),
            ("two\nlines", "two lines"),
            ("<script>", "&lt;script>"),
            ("c:\\dir", "c:\\\\dir"),
        ];
        for (input, want) in table {
            assert_eq!(cell(input), want, "{input:?}");
        }
    }
}
