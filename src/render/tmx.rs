//! TMX 1.4b: a translation memory that CAT tools (OmegaT, Trados, memoQ) import. One `<tu>`
//! per bead with both sides, an Arabic and an English `<tuv>` holding one `<seg>` each, the
//! score as `<prop type="x-score">`. Segments are plain text: line breaks folded, only the five
//! predefined XML entities, characters XML 1.0 cannot carry dropped, and no bidi control
//! characters (CAT tools compare segments as text; an invisible RLM turns an exact match
//! fuzzy). Header attributes follow the spec's required set plus `creationdate`.

use super::{escape_markup, flag_kind, is_bidi_control, one_line, score2, QuoteView, View};

/// XML text or attribute content with the five predefined entities, without the characters
/// XML 1.0 forbids and without bidi controls.
pub(super) fn escape(s: &str) -> String {
    escape_markup(s, |c| is_xml_char(c) && !is_bidi_control(c))
}

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn seg_text(s: &str) -> String {
    escape(one_line(s).trim())
}

/// The document head up to `<body>`.
fn head(created: &str, tool_version: &str, props: &[(&str, String)]) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\">\n");
    out.push_str(&format!(
        "  <header creationtool=\"tarjuman\" creationtoolversion=\"{}\" segtype=\"sentence\" \
         o-tmf=\"tarjuman\" adminlang=\"en\" srclang=\"ar\" datatype=\"plaintext\" \
         creationdate=\"{}\">\n",
        escape(tool_version),
        created
    ));
    for (kind, value) in props {
        out.push_str(&format!(
            "    <prop type=\"{}\">{}</prop>\n",
            kind,
            escape(value)
        ));
    }
    out.push_str("  </header>\n  <body>\n");
    out
}

const TAIL: &str = "  </body>\n</tmx>\n";

/// One translation unit.
fn tu(out: &mut String, tuid: &str, props: &[(&str, String)], ar: &str, en: &str) {
    out.push_str(&format!("    <tu tuid=\"{}\">\n", escape(tuid)));
    for (kind, value) in props {
        out.push_str(&format!(
            "      <prop type=\"{}\">{}</prop>\n",
            kind,
            escape(value)
        ));
    }
    for (lang, text) in [("ar", ar), ("en", en)] {
        out.push_str(&format!(
            "      <tuv xml:lang=\"{lang}\"><seg>{}</seg></tuv>\n",
            seg_text(text)
        ));
    }
    out.push_str("    </tu>\n");
}

fn model_props(model: Option<&crate::alignment::ModelInfo>) -> Option<(&'static str, String)> {
    model.map(|m| ("x-model", format!("{}@{}", m.id, m.revision_label())))
}

/// One `<tu>` per bead that has sentences on both sides (a one-sided bead is no translation).
pub(super) fn alignment(view: &View) -> String {
    let al = view.al;
    let mut props = vec![
        ("x-source-ar", al.ar.origin.0.clone()),
        ("x-source-en", al.en.origin.0.clone()),
        ("x-english", view.origin_label().to_string()),
    ];
    props.extend(model_props(view.model));
    let mut out = head(&view.meta.created.tmx(), &view.meta.tool_version, &props);
    for r in &view.rows {
        let ar = view.side_line(&al.ar, &r.bead.ar);
        let en = view.side_line(&al.en, &r.bead.en);
        if ar.trim().is_empty() || en.trim().is_empty() {
            continue;
        }
        let mut props = vec![("x-score", score2(r.bead.score))];
        props.extend(r.flags.iter().map(|f| ("x-flag", flag_kind(f).to_string())));
        tu(&mut out, &format!("b{}", r.index), &props, &ar, &en);
    }
    out.push_str(TAIL);
    out
}

/// One `<tu>` per quote and match: the Arabic words and the English wording found.
pub(super) fn quotes(view: &QuoteView) -> String {
    let mut props = vec![("x-source-ar", view.report.ar.origin.0.clone())];
    props.extend(
        view.report
            .sources
            .iter()
            .map(|d| ("x-source-en", d.origin.0.clone())),
    );
    props.extend(model_props(view.model));
    let mut out = head(&view.meta.created.tmx(), &view.meta.tool_version, &props);
    for q in &view.quotes {
        for (rank, m) in q.matches.iter().enumerate() {
            let mut props = vec![
                ("x-score", score2(m.score)),
                ("x-source-en", m.doc.origin.0.clone()),
            ];
            if let Some(s) = q.speaker {
                props.push(("x-speaker", one_line(s)));
            }
            let tuid = format!("q{}m{}", q.quote.id, rank);
            tu(&mut out, &tuid, &props, q.text, m.text);
        }
    }
    out.push_str(TAIL);
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn only_the_five_entities_and_no_bidi_or_control_characters() {
        let table = [
            ("a & b", "a &amp; b"),
            ("<x> \"q\" 'a'", "&lt;x&gt; &quot;q&quot; &apos;a&apos;"),
            ("\u{200F}قال\u{202B}", "قال"),
            ("bell\u{7}\u{FFFE}", "bell"),
            ("\u{A0}nbsp stays", "\u{A0}nbsp stays"),
        ];
        for (input, want) in table {
            assert_eq!(escape(input), want, "{input:?}");
        }
    }
}
