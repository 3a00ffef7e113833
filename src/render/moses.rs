//! Moses: two line-parallel plain-text files, `PREFIX.ar` and `PREFIX.en`, one segment per
//! line, the input format of Moses, fast_align, OpenNMT and most corpus tools. Line breaks
//! inside a segment become spaces. A bead with an empty side (a sentence the other text does
//! not have) is left out: a line paired with an empty line would teach a model to drop text.

use super::{one_line, NamedOutput, QuoteView, Rendered, View};

fn files(pairs: impl Iterator<Item = (String, String)>) -> Rendered {
    let (mut ar, mut en) = (String::new(), String::new());
    for (a, e) in pairs {
        if a.trim().is_empty() || e.trim().is_empty() {
            continue;
        }
        ar.push_str(&a);
        ar.push('\n');
        en.push_str(&e);
        en.push('\n');
    }
    Rendered::Files(vec![
        NamedOutput {
            suffix: "ar".into(),
            bytes: ar.into_bytes(),
        },
        NamedOutput {
            suffix: "en".into(),
            bytes: en.into_bytes(),
        },
    ])
}

/// One line per bead with sentences on both sides.
pub(super) fn alignment(view: &View) -> Rendered {
    files(view.rows.iter().map(|r| {
        (
            view.side_line(&view.al.ar, &r.bead.ar),
            view.side_line(&view.al.en, &r.bead.en),
        )
    }))
}

/// One line per matched quote: its words and its best match.
pub(super) fn quotes(view: &QuoteView) -> Rendered {
    files(view.quotes.iter().filter_map(|q| {
        let best = q.matches.first()?;
        Some((one_line(q.text), one_line(best.text)))
    }))
}
