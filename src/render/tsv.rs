//! TSV: one row per bead (or per quote match), a header row, and text escaped so that a row
//! is always one line of tab-separated fields: backslash, tab, line feed and carriage return
//! become `\\`, `\t`, `\n`, `\r` (the convention of PostgreSQL's COPY and of `cut`-friendly
//! corpora). Spreadsheet users get the text, tools get stable columns.

use super::{flag_kind, ids_label, join_sentences, score2, QuoteView, View};

/// Escapes one field.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

fn row(out: &mut String, fields: &[&str]) {
    let escaped: Vec<String> = fields.iter().map(|f| escape(f)).collect();
    out.push_str(&escaped.join("\t"));
    out.push('\n');
}

/// `bead ar_ids en_ids score flags ar en`; ids are sentence ids (`-` for none), flags their
/// kinds joined by `,`.
pub(super) fn alignment(view: &View) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &["bead", "ar_ids", "en_ids", "score", "flags", "ar", "en"],
    );
    for r in &view.rows {
        let flags: Vec<&str> = r.flags.iter().map(|f| flag_kind(f)).collect();
        row(
            &mut out,
            &[
                &r.index.to_string(),
                &ids_label(&r.bead.ar),
                &ids_label(&r.bead.en),
                &score2(r.bead.score),
                &flags.join(","),
                &join_sentences(&view.al.ar, &r.bead.ar),
                &join_sentences(&view.al.en, &r.bead.en),
            ],
        );
    }
    out
}

/// `quote speaker ar source en start end score`: one row per match, best first; a quote
/// without a match has one row with empty match fields.
pub(super) fn quotes(view: &QuoteView) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "quote", "speaker", "ar", "source", "en", "start", "end", "score",
        ],
    );
    for q in &view.quotes {
        let id = q.quote.id.to_string();
        let speaker = q.speaker.unwrap_or("");
        if q.matches.is_empty() {
            row(&mut out, &[&id, speaker, q.text, "", "", "", "", ""]);
        }
        for m in &q.matches {
            row(
                &mut out,
                &[
                    &id,
                    speaker,
                    q.text,
                    &m.doc.origin.0,
                    m.text,
                    &m.span.start.to_string(),
                    &m.span.end.to_string(),
                    &score2(m.score),
                ],
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn fields_escape_to_one_line() {
        let table = [
            ("a\tb", "a\\tb"),
            ("line1\nline2", "line1\\nline2"),
            ("crlf\r\n", "crlf\\r\\n"),
            ("back\\slash", "back\\\\slash"),
            ("قال «نعم»", "قال «نعم»"),
        ];
        for (input, want) in table {
            assert_eq!(escape(input), want, "{input:?}");
        }
    }
}
