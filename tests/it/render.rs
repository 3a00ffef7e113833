//! The render stage on a small fixture article (`tests/data/render/`, written for these tests):
//! insta snapshots of every format, the JSON keys other commands document, the TMX checked
//! against the TMX 1.4b DTD with xmllint, read back with Perl's XML::TMX::Reader and applied by
//! OmegaT, and the HTML page opened in headless Chromium (computed direction, partner lighting,
//! a non-blank screenshot). Tests that need an outside program skip with a message when it is
//! absent; `.ci/run` installs them.
//!
//! The fixture's documents are built from one-sentence-per-line files by a small test double of
//! the segmenter ([`fixture_doc`]), so these tests do not depend on the segmenter's rules.

use crate::common::root;
use std::path::{Path, PathBuf};
use std::process::Command;
use tarjuman::alignment::{
    Alignment, Bead, EnglishOrigin, EntityKind, EntityPair, Flag, ModelInfo, QuoteCandidate,
    QuoteMatch, QuoteReport, Side, Translation, WordLink,
};
use tarjuman::document::{
    Document, EntityId, Lang, Origin, Paragraph, ParagraphId, Quote, QuoteId, QuoteKind, Sentence,
    SentenceId, Span,
};
use tarjuman::render::{self, Format, RenderMeta, Rendered, Timestamp};

// ---------------------------------------------------------------------------------------
// Fixture

fn data(name: &str) -> PathBuf {
    root().join("tests/data/render").join(name)
}

/// Test double of the segmenter: every non-empty line is a sentence, blank lines separate
/// paragraphs; quotes are «…» or "…" pairs inside a sentence.
fn fixture_doc(file: &str, lang: Lang) -> Document {
    let text = std::fs::read_to_string(data(file)).expect("fixture file");
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut sentences: Vec<Sentence> = Vec::new();
    let mut quotes: Vec<Quote> = Vec::new();
    let mut offset = 0;
    let mut para_open = false;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += line.len();
        if content.trim().is_empty() {
            para_open = false;
            continue;
        }
        let span = Span::new(start, start + content.len());
        if !para_open {
            paragraphs.push(Paragraph {
                id: ParagraphId::from_index(paragraphs.len()),
                span,
                sentences: sentences.len() as u32..sentences.len() as u32,
            });
            para_open = true;
        }
        let para = paragraphs.last_mut().unwrap();
        para.span.end = span.end;
        para.sentences.end += 1;
        let id = SentenceId::from_index(sentences.len());
        let mut quote_ids = Vec::new();
        let (open, close) = if lang == Lang::Ar {
            ('«', '»')
        } else {
            ('"', '"')
        };
        if let Some(a) = content.find(open) {
            let inner_start = a + open.len_utf8();
            if let Some(b) = content[inner_start..].find(close) {
                let b = inner_start + b;
                let qid = QuoteId::from_index(quotes.len());
                quote_ids.push(qid);
                quotes.push(Quote {
                    id: qid,
                    sentence: id,
                    span: Span::new(start + a, start + b + close.len_utf8()),
                    inner: Span::new(start + inner_start, start + b),
                    speaker: None,
                    kind: QuoteKind::Statement,
                });
            }
        }
        sentences.push(Sentence {
            id,
            paragraph: para.id,
            span,
            quotes: quote_ids,
        });
    }
    Document {
        origin: Origin(file.to_string()),
        text,
        lang,
        paragraphs,
        sentences,
        quotes,
        collapsed: Vec::new(),
    }
}

/// The span of the `nth` (0-based) occurrence of `needle` in the document.
fn find(doc: &Document, needle: &str, nth: usize) -> Span {
    let (at, _) = doc
        .text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} #{nth} not in {}", doc.origin));
    Span::new(at, at + needle.len())
}

fn sentence_at(doc: &Document, span: Span) -> SentenceId {
    doc.sentences
        .iter()
        .find(|s| s.span.contains(span))
        .expect("span inside a sentence")
        .id
}

fn set_speaker(doc: &mut Document, quote: usize, speaker: &str, nth: usize) {
    let span = find(doc, speaker, nth);
    doc.quotes[quote].speaker = Some(span);
}

/// Entity pairs: (arabic, nth, english, nth, kind, entity id).
fn entities(
    ar: &Document,
    en: &Document,
    spec: &[(&str, usize, &str, usize, EntityKind, u32)],
) -> Vec<EntityPair> {
    spec.iter()
        .map(|&(a, an, e, en_n, kind, id)| {
            let ar_span = find(ar, a, an);
            let en_span = find(en, e, en_n);
            EntityPair {
                entity: EntityId(id),
                ar_span,
                en_span,
                ar_sentence: sentence_at(ar, ar_span),
                en_sentence: sentence_at(en, en_span),
                kind,
                score: 0.9,
            }
        })
        .collect()
}

fn arabic() -> Document {
    let mut ar = fixture_doc("article.ar.txt", Lang::Ar);
    set_speaker(&mut ar, 0, "مديرة المشروع ليلى حداد", 0);
    set_speaker(&mut ar, 1, "حداد", 1);
    ar
}

fn ids(v: &[u32]) -> Vec<SentenceId> {
    v.iter().map(|&i| SentenceId(i)).collect()
}

/// The Arabic article aligned with the English article a person wrote: a 2-1 bead, a
/// low-scoring bead, an English sentence without counterpart, names and a matched quote.
fn parallel() -> Alignment {
    let ar = arabic();
    let mut en = fixture_doc("article.en.txt", Lang::En);
    set_speaker(&mut en, 0, "Haddad", 1);
    let bead = |a: &[u32], e: &[u32], score: f32| Bead {
        ar: ids(a),
        en: ids(e),
        score,
        flags: Vec::new(),
    };
    let mut beads = vec![
        bead(&[0], &[0], 0.96),
        bead(&[1, 2], &[1], 0.81),
        bead(&[3], &[2], 0.93),
        bead(&[4], &[3], 0.44),
        bead(&[], &[4], 0.0),
    ];
    beads[3].flags.push(Flag::NumberMismatch {
        missing: vec!["3".into()],
    });
    let entities = entities(
        &ar,
        &en,
        &[
            ("عمّان", 0, "Amman", 0, EntityKind::Place, 0),
            (
                "البنك الدولي",
                0,
                "World Bank",
                0,
                EntityKind::Organisation,
                1,
            ),
            ("عمّان", 1, "Amman", 1, EntityKind::Place, 0),
            ("40 ألف", 0, "40,000", 0, EntityKind::Number, 2),
            ("ليلى حداد", 0, "Layla Haddad", 0, EntityKind::Person, 3),
            ("حداد", 1, "Haddad", 1, EntityKind::Person, 3),
            (
                "البنك الدولي",
                1,
                "World Bank",
                1,
                EntityKind::Organisation,
                1,
            ),
            ("رويترز", 0, "Reuters", 0, EntityKind::Organisation, 4),
            // Only part of the word «الثلاثاء» is marked: the page must mark the whole word.
            ("ثلاثاء", 0, "Tuesday", 0, EntityKind::Date, 5),
        ],
    );
    let en_quote = en.quotes[0].inner;
    Alignment {
        ar,
        en,
        origin: EnglishOrigin::Parallel,
        beads,
        entities,
        quotes: vec![
            QuoteMatch {
                side: Side::Ar,
                quote: QuoteId(0),
                matches: Vec::new(),
            },
            QuoteMatch {
                side: Side::Ar,
                quote: QuoteId(1),
                matches: vec![QuoteCandidate {
                    source: 0,
                    span: en_quote,
                    score: 0.83,
                }],
            },
        ],
    }
}

fn model() -> ModelInfo {
    ModelInfo {
        id: "Helsinki-NLP/opus-mt-ar-en".into(),
        revision: "cf109095479db38d6df799875e34039d4938aaa6".into(),
        ..ModelInfo::default()
    }
}

/// The Arabic article with a machine-style translation: 1-1 beads, translation flags and a
/// few word links.
fn translated() -> Alignment {
    let ar = arabic();
    let mut en = fixture_doc("article.mt.txt", Lang::En);
    en.origin = Origin("article.ar.txt".into());
    let translations: Vec<Translation> = en
        .sentences
        .iter()
        .map(|s| Translation {
            sentence: s.id,
            text: en.sentence_text(s.id).to_string(),
            flags: Vec::new(),
            links: Vec::new(),
        })
        .collect();
    let mut translations = translations;
    translations[4].flags.push(Flag::Repetition {
        ngram: "World Bank".into(),
    });
    // Word links of the headline: sentence-relative byte ranges.
    let rel = |doc: &Document, id: u32, word: &str| {
        let s = doc.sentences[id as usize].span;
        let w = find(doc, word, 0);
        Span::new(w.start - s.start, w.end - s.start)
    };
    translations[0].links = vec![
        WordLink {
            src: rel(&ar, 0, "عمّان"),
            tgt: rel(&en, 0, "Amman"),
        },
        WordLink {
            src: rel(&ar, 0, "مكتبة"),
            tgt: rel(&en, 0, "library"),
        },
    ];
    let beads = (0..ar.sentences.len() as u32)
        .map(|i| Bead {
            ar: vec![SentenceId(i)],
            en: vec![SentenceId(i)],
            score: 1.0,
            flags: Vec::new(),
        })
        .collect();
    let entities = entities(
        &ar,
        &en,
        &[
            ("عمّان", 0, "Amman", 0, EntityKind::Place, 0),
            (
                "البنك الدولي",
                0,
                "World Bank",
                0,
                EntityKind::Organisation,
                1,
            ),
            ("ليلى حداد", 0, "Leila Haddad", 0, EntityKind::Person, 3),
            ("رويترز", 0, "Reuters", 0, EntityKind::Organisation, 4),
        ],
    );
    let en_quote = en.quotes[0].inner;
    Alignment {
        ar,
        en,
        origin: EnglishOrigin::Translated {
            model: model(),
            translations,
        },
        beads,
        entities,
        quotes: vec![QuoteMatch {
            side: Side::Ar,
            quote: QuoteId(1),
            matches: vec![QuoteCandidate {
                source: 0,
                span: en_quote,
                score: 0.97,
            }],
        }],
    }
}

/// The Arabic quotes looked for in the English article.
fn report() -> QuoteReport {
    let al = parallel();
    QuoteReport {
        ar: al.ar,
        sources: vec![al.en],
        quotes: al.quotes,
        model: None,
    }
}

/// Fixed meta data so snapshots do not change with the clock or the crate version.
fn meta() -> RenderMeta {
    let mut m = RenderMeta::at(Timestamp(1_795_900_000));
    m.tool_version = "0.0.0-test".into();
    m
}

fn stream(r: Rendered) -> String {
    String::from_utf8(r.as_stream().expect("one stream").to_vec()).expect("utf-8")
}

fn render(al: &Alignment, f: Format) -> String {
    match render::render_alignment(al, f, &meta()).expect("render") {
        Rendered::Files(files) => files
            .iter()
            .map(|f| {
                format!(
                    "==> .{} <==\n{}",
                    f.suffix,
                    String::from_utf8_lossy(&f.bytes)
                )
            })
            .collect(),
        r => stream(r),
    }
}

fn render_report(f: Format) -> String {
    match render::render_quotes(&report(), f, &meta()).expect("render") {
        Rendered::Files(files) => files
            .iter()
            .map(|f| {
                format!(
                    "==> .{} <==\n{}",
                    f.suffix,
                    String::from_utf8_lossy(&f.bytes)
                )
            })
            .collect(),
        r => stream(r),
    }
}

// ---------------------------------------------------------------------------------------
// Snapshots

#[test]
fn snapshots_of_every_format() {
    for f in Format::ALL {
        insta::assert_snapshot!(format!("translated_{f}"), render(&translated(), f));
        insta::assert_snapshot!(format!("parallel_{f}"), render(&parallel(), f));
        insta::assert_snapshot!(format!("quotes_{f}"), render_report(f));
    }
}

// ---------------------------------------------------------------------------------------
// Content checks that do not rely on a reviewed snapshot

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("valid JSON")
}

fn has_keys(v: &serde_json::Value, keys: &[&str]) {
    for k in keys {
        assert!(v.get(k).is_some(), "missing key {k:?} in {v}");
    }
}

#[test]
fn json_carries_the_keys_the_commands_document() {
    let t = json(&render(&translated(), Format::Json));
    has_keys(
        &t,
        &[
            "schema_version",
            "model",
            "sentences",
            "ar_sentences",
            "en_sentences",
            "beads",
            "entities",
            "quotes",
        ],
    );
    has_keys(&t["model"], &["id", "revision"]);
    let s0 = &t["sentences"][0];
    has_keys(
        s0,
        &[
            "id",
            "paragraph",
            "start",
            "end",
            "source",
            "translation",
            "flags",
            "alignment",
        ],
    );
    // Offsets cut the user's file: the source text is exactly the file's bytes there.
    let text = std::fs::read_to_string(data("article.ar.txt")).unwrap();
    let (a, b) = (
        s0["start"].as_u64().unwrap() as usize,
        s0["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[a..b], s0["source"].as_str().unwrap());
    let link = &s0["alignment"][0];
    assert_eq!(link.as_array().unwrap().len(), 4);
    assert_eq!(t["sentences"][4]["flags"][0]["kind"], "repetition");

    let p = json(&render(&parallel(), Format::Json));
    assert_eq!(p["schema_version"], 1);
    assert!(
        p.get("sentences").is_none(),
        "parallel text has no translation view"
    );
    has_keys(
        &p["ar_sentences"][0],
        &["id", "paragraph", "start", "end", "text"],
    );
    has_keys(&p["beads"][1], &["ar", "en", "score"]);
    assert_eq!(p["beads"][1]["ar"], serde_json::json!([1, 2]));
    has_keys(
        &p["entities"][0],
        &[
            "ar",
            "en",
            "ar_span",
            "en_span",
            "ar_sentence",
            "en_sentence",
            "type",
            "score",
        ],
    );
    assert_eq!(p["entities"][4]["en"], "Layla Haddad");
    assert_eq!(p["entities"][4]["type"], "person");
    assert_eq!(p["counts"]["low_confidence"], 2);

    let q = json(&render_report(Format::Json));
    let q1 = &q["quotes"][1];
    has_keys(q1, &["text", "start", "end", "speaker", "matches"]);
    assert_eq!(q1["speaker"], "حداد");
    has_keys(
        &q1["matches"][0],
        &["source", "text", "start", "end", "score"],
    );
    assert_eq!(q1["matches"][0]["source"], "article.en.txt");
    assert!(q1["matches"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("We want every child"));
    assert_eq!(q["quotes"][0]["matches"], serde_json::json!([]));
}

#[test]
fn html_is_self_contained_and_marks_sides_names_and_quotes() {
    let html = render(&parallel(), Format::Html);
    for banned in ["http://", "https://", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(banned), "page reaches out: {banned}");
    }
    assert!(html.contains("lang=\"ar\" dir=\"rtl\""));
    assert!(
        html.contains("(<bdi>World Bank</bdi>)"),
        "Latin run inside Arabic isolated"
    );
    // Every entity pair appears as one link group on both sides.
    for pair in 0..9 {
        let key = format!("data-link=\"e{pair}\"");
        assert_eq!(html.matches(&key).count(), 2, "{key}");
    }
    assert_eq!(html.matches("class=\"bead low\"").count(), 2);
    assert!(html.contains("data-link=\"q1\""));
    assert!(html.contains("Matched wording"));
    assert!(html.contains("<section class=\"para\" id=\"p3\">"));
    assert!(html.contains("href=\"#p2\""));
    // A mark that starts inside an Arabic word is widened to the whole word, so the letters
    // keep joining.
    assert!(html.contains("title=\"date \u{2194} Tuesday (0.90)\">الثلاثاء</mark>"));
    assert!(!html.contains(">ثلاثاء</mark>"));
    assert!(html.contains("title=\"date \u{2194} الثلاثاء (0.90)\">Tuesday</mark>"));
    // Quote notes are English prose: the other side's text in them is isolated with its own
    // language and direction, and the note's quote marks stay outside the isolate.
    let notes: Vec<&str> = html
        .split("<div class=\"qnote\"")
        .skip(1)
        .map(|n| &n[..n.find("</div>").expect("note closes")])
        .collect();
    assert_eq!(notes.len(), 2);
    for note in &notes {
        assert!(note.starts_with(" lang=\"en\" dir=\"ltr\">"), "{note}");
        for bdi in note.split("<bdi").skip(1) {
            assert!(
                bdi.starts_with(" lang=\"ar\" dir=\"rtl\">")
                    || bdi.starts_with(" lang=\"en\" dir=\"ltr\">"),
                "{bdi}"
            );
        }
    }
    assert!(html.contains("said by <bdi lang=\"ar\" dir=\"rtl\">حداد</bdi>."));
    assert!(html.contains("Matched wording: \u{201c}<bdi lang=\"en\" dir=\"ltr\">We want"));
    assert!(html.contains("at home,</bdi>\u{201d}"));
}

/// The ids the page defines and the `#` links it makes, in page order.
fn ids_and_links(html: &str) -> (Vec<String>, Vec<String>) {
    let grab = |key: &str| -> Vec<String> {
        html.split(key)
            .skip(1)
            .map(|rest| rest[..rest.find('"').expect("attribute closes")].to_string())
            .collect()
    };
    (grab(" id=\""), grab(" href=\"#"))
}

#[test]
fn paragraph_buttons_carry_the_numbers_the_headings_show() {
    // The first bead takes paragraph 1's only sentence and paragraph 2's first one: paragraph
    // 2 has no row of its own but keeps its number, its button and its anchor.
    let mut al = parallel();
    let bead = |a: &[u32], e: &[u32]| Bead {
        ar: ids(a),
        en: ids(e),
        score: 0.9,
        flags: Vec::new(),
    };
    al.beads = vec![
        bead(&[0, 1], &[0, 1]),
        bead(&[2], &[]),
        bead(&[3], &[2]),
        bead(&[4], &[3]),
        bead(&[], &[4]),
    ];
    let html = render(&al, Format::Html);
    let nav = &html[html.find("<nav").expect("jump bar")..];
    let nav = &nav[..nav.find("</nav>").expect("nav closes")];
    let buttons: Vec<(String, String)> = nav
        .split("<a href=\"#")
        .skip(1)
        .map(|a| {
            let target = a[..a.find('"').unwrap()].to_string();
            let label = a[a.find('>').unwrap() + 1..a.find("</a>").unwrap()].to_string();
            (target, label)
        })
        .collect();
    assert_eq!(
        buttons,
        [("p1", "1"), ("p2", "2"), ("p3", "3")].map(|(t, l)| (t.to_string(), l.to_string()))
    );
    // The header counts what the buttons show.
    assert!(html.contains("3 Arabic paragraphs \u{b7}"), "count");
    assert!(
        html.contains(">\u{b6} 1\u{2013}2</a>"),
        "heading of the merged bead"
    );
    assert!(html.contains(">\u{b6} 3</a>"));
    // Every in-page link lands on exactly one element.
    let (ids, links) = ids_and_links(&html);
    for link in &links {
        assert_eq!(ids.iter().filter(|i| *i == link).count(), 1, "#{link}");
    }
}

#[test]
fn moses_lines_are_parallel_and_skip_one_sided_beads() {
    let Rendered::Files(files) =
        render::render_alignment(&parallel(), Format::Moses, &meta()).unwrap()
    else {
        panic!("moses is two files");
    };
    let lines = |i: usize| {
        String::from_utf8(files[i].bytes.clone())
            .unwrap()
            .lines()
            .count()
    };
    assert_eq!(
        (files[0].suffix.as_str(), files[1].suffix.as_str()),
        ("ar", "en")
    );
    assert_eq!(lines(0), 4, "the English-only bead is left out");
    assert_eq!(lines(0), lines(1));
}

#[test]
fn tsv_rows_have_the_header_columns() {
    let tsv = render(&parallel(), Format::Tsv);
    let rows: Vec<Vec<&str>> = tsv.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        rows[0],
        ["bead", "ar_ids", "en_ids", "score", "flags", "ar", "en"]
    );
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r.len() == 7));
    assert_eq!(rows[2][1], "1,2");
    assert_eq!(rows[5][1], "-");
}

#[test]
fn large_article_renders_every_row() {
    // 1,000 sentences: the page keeps one row per bead and one link group per pair.
    let base = parallel();
    let mut al = base.clone();
    let mut text = String::new();
    let mut sentences = Vec::new();
    let mut paragraphs = Vec::new();
    for i in 0..1000u32 {
        let line = format!("وقالت ليلى حداد إن الجملة رقم {i} جاهزة.\n");
        let span = Span::new(text.len(), text.len() + line.len() - 1);
        text.push_str(&line);
        if i % 5 == 0 {
            paragraphs.push(Paragraph {
                id: ParagraphId(i / 5),
                span,
                sentences: i..i,
            });
        }
        paragraphs.last_mut().unwrap().sentences.end += 1;
        sentences.push(Sentence {
            id: SentenceId(i),
            paragraph: ParagraphId(i / 5),
            span,
            quotes: Vec::new(),
        });
    }
    al.ar = Document {
        origin: Origin("long.ar.txt".into()),
        text,
        lang: Lang::Ar,
        paragraphs,
        sentences,
        quotes: Vec::new(),
        collapsed: Vec::new(),
    };
    al.en = al.ar.clone();
    al.en.lang = Lang::En;
    al.quotes.clear();
    al.beads = (0..1000)
        .map(|i| Bead {
            ar: vec![SentenceId(i)],
            en: vec![SentenceId(i)],
            score: 0.9,
            flags: Vec::new(),
        })
        .collect();
    al.entities = (0..1000usize)
        .map(|i| {
            let s = al.ar.sentences[i].span;
            let at = al.ar.text[s.range()].find("ليلى حداد").unwrap() + s.start;
            let span = Span::new(at, at + "ليلى حداد".len());
            EntityPair {
                entity: EntityId(0),
                ar_span: span,
                en_span: span,
                ar_sentence: SentenceId(i as u32),
                en_sentence: SentenceId(i as u32),
                kind: EntityKind::Person,
                score: 0.9,
            }
        })
        .collect();
    // Printed, not asserted (timings on a shared machine are noise): the README quotes it.
    let started = std::time::Instant::now();
    let html = render(&al, Format::Html);
    eprintln!(
        "1,000-sentence page: {} bytes, rendered in {:.1} ms",
        html.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    assert_eq!(html.matches("<div class=\"bead\"").count(), 1000);
    assert_eq!(html.matches("data-link=\"e999\"").count(), 2);
    assert_eq!(html.matches("<section class=\"para\" id=").count(), 200);

    // In the browser: hovering each Arabic name lights its partner (pair i on both sides), and
    // the time for all 1,000 hovers is printed for the README.
    let Some(bin) = chromium() else {
        eprintln!("skipped the browser half of large_article_renders_every_row: no chromium");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let result = probe_page(
        bin,
        dir.path(),
        &html,
        1280,
        r#"
  var marks = document.querySelectorAll('.ar mark[data-link]');
  var partners = document.querySelectorAll('.en mark[data-link]');
  var t0 = performance.now(), lit = 0;
  for (var i = 0; i < marks.length; i++) {
    marks[i].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
    if (partners[i].classList.contains('partner')) lit++;
    marks[i].dispatchEvent(new MouseEvent('mouseout', {bubbles: true, relatedTarget: document.body}));
  }
  r.leftLit = document.querySelectorAll('.partner, .active').length;
  r.marks = marks.length;
  r.lit = lit;
  r.ms = performance.now() - t0;"#,
    );
    eprintln!("1,000-sentence page in chromium: {result}");
    assert_eq!(result["marks"], 1000, "{result}");
    assert_eq!(result["lit"], 1000, "{result}");
    assert_eq!(result["leftLit"], 0, "{result}");
}

#[test]
fn inconsistent_alignment_renders_without_panicking() {
    // Ids past the end, spans past the text or inside a UTF-8 character, reversed spans: a
    // renderer shows what fits and never panics on another stage's mistake.
    let mut al = parallel();
    al.beads.push(Bead {
        ar: vec![SentenceId(99)],
        en: vec![SentenceId(98)],
        score: 0.7,
        flags: Vec::new(),
    });
    al.entities[0].ar_span = Span { start: 1, end: 3 }; // inside the two-byte «ع»
    al.entities[1].en_span = Span {
        start: 10_000,
        end: 10_010,
    };
    al.entities[2].ar_sentence = SentenceId(77);
    al.quotes[1].matches[0].span = Span { start: 50, end: 40 };
    al.quotes.push(QuoteMatch {
        side: Side::En,
        quote: QuoteId(9),
        matches: Vec::new(),
    });
    al.ar.sentences[4].span.end = al.ar.text.len() + 5;
    for f in Format::ALL {
        let out = render::render_alignment(&al, f, &meta()).unwrap();
        let bytes: usize = match &out {
            Rendered::Stream(b) => b.len(),
            Rendered::Files(files) => files.iter().map(|f| f.bytes.len()).sum(),
        };
        assert!(bytes > 0, "{f} rendered nothing");
    }
    let html = render(&al, Format::Html);
    assert_eq!(
        html.matches("data-link=\"e0\"").count(),
        1,
        "only the valid side is marked"
    );
}

#[test]
fn written_outputs_land_whole_at_the_given_paths() {
    let dir = tempfile::tempdir().unwrap();
    let al = parallel();
    for f in Format::ALL {
        let out = dir.path().join(format!("article.{}", f.extension()));
        let r = render::render_alignment(&al, f, &meta()).unwrap();
        for p in r.write(&out).unwrap() {
            assert!(std::fs::metadata(&p).unwrap().len() > 0, "{}", p.display());
        }
    }
    assert!(dir.path().join("article.moses.ar").exists());
    assert!(dir.path().join("article.moses.en").exists());
}

// ---------------------------------------------------------------------------------------
// Outside programs

/// Whether `program` can be run; prints why a test is skipped when not.
fn have(program: &str, test: &str) -> bool {
    let found = Command::new(program).arg("--version").output().is_ok();
    if !found {
        eprintln!("skipped {test}: {program} is not installed (CI installs it, see .ci/run)");
    }
    found
}

fn write_tmp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn tmx_validates_against_the_tmx14_dtd() {
    if !have("xmllint", "tmx_validates_against_the_tmx14_dtd") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, tmx) in [
        ("parallel.tmx", render(&parallel(), Format::Tmx)),
        ("translated.tmx", render(&translated(), Format::Tmx)),
        ("quotes.tmx", render_report(Format::Tmx)),
    ] {
        let path = write_tmp(dir.path(), name, &tmx);
        let out = Command::new("xmllint")
            .arg("--noout")
            .arg("--dtdvalid")
            .arg(data("tmx14.dtd"))
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name} is not valid TMX 1.4b:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The check can fail: a TMX without the required srclang is rejected.
    let bad = render(&parallel(), Format::Tmx).replace(" srclang=\"ar\"", "");
    let path = write_tmp(dir.path(), "bad.tmx", &bad);
    let out = Command::new("xmllint")
        .args(["--noout", "--dtdvalid"])
        .arg(data("tmx14.dtd"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the DTD check accepted a header without srclang"
    );
}

#[test]
fn tmx_reads_back_with_perl_xml_tmx() {
    if !have("perl", "tmx_reads_back_with_perl_xml_tmx") {
        return;
    }
    let probe = Command::new("perl")
        .args(["-MXML::TMX::Reader", "-e", "1"])
        .output()
        .unwrap();
    if !probe.status.success() {
        eprintln!(
            "skipped tmx_reads_back_with_perl_xml_tmx: XML::TMX (libxml-tmx-perl) is not installed"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = write_tmp(
        dir.path(),
        "parallel.tmx",
        &render(&parallel(), Format::Tmx),
    );
    // One line per unit: its x-score prop, then each language and segment.
    let script = r#"
        use strict; use utf8; binmode(STDOUT, ':utf8');
        my $tm = XML::TMX::Reader->new($ARGV[0]);
        print join(",", sort $tm->languages), "\n";
        $tm->for_tu({-prop => 1}, sub {
            my $tu = shift;
            my $p = $tu->{-prop}{'x-score'};
            print join("\t", (ref $p ? $p->[0] : $p), map { "$_=$tu->{$_}{-seg}" } sort grep { !/^-/ } keys %$tu), "\n";
        });
    "#;
    let out = Command::new("perl")
        .args(["-MXML::TMX::Reader", "-e", script])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "perl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "ar,en");
    assert_eq!(lines.len(), 1 + 4, "four two-sided beads: {text}");
    assert!(lines[1].starts_with("0.96\tar=عمّان تفتتح"), "{}", lines[1]);
    assert!(
        lines[2].contains("en=The Amman municipality"),
        "{}",
        lines[2]
    );
    assert!(!text.contains('\u{200F}'));
}

/// An OmegaT 3.6 project that translates `source/` with `tm/auto/` applied: the layout found by
/// experiment. OmegaT refuses a project whose `glossary/` (or any folder `omegat.project`
/// names) is missing; it writes `omegat/project_save.tmx` and the translated files in
/// `target/`. Sentence segmentation is off so that each paragraph of the source file is one
/// segment, as each bead is one TMX unit (OmegaT's SRX rules would cut a 2-1 bead in two and
/// only fuzzy-match it).
pub fn omegat_project(dir: &Path, tmx: &str, source_name: &str, source_text: &str) -> PathBuf {
    let project = dir.join("omegat-project");
    for sub in [
        "omegat",
        "source",
        "target",
        "tm/auto",
        "glossary",
        "dictionary",
    ] {
        std::fs::create_dir_all(project.join(sub)).unwrap();
    }
    std::fs::write(
        project.join("omegat.project"),
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>ar</source_lang>
        <target_lang>en</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneArabicTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
        <sentence_seg>false</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"#,
    )
    .unwrap();
    std::fs::write(project.join("tm/auto/tarjuman.tmx"), tmx).unwrap();
    std::fs::write(project.join("source").join(source_name), source_text).unwrap();
    project
}

#[test]
fn omegat_applies_the_tmx_to_arabic_source() {
    let jar = Path::new("/usr/share/omegat/OmegaT.jar");
    if !jar.exists() || !have("java", "omegat_applies_the_tmx_to_arabic_source") {
        eprintln!(
            "skipped omegat_applies_the_tmx_to_arabic_source: needs java and Debian's omegat"
        );
        return;
    }
    let al = parallel();
    let tmx = render(&al, Format::Tmx);
    // The Arabic segments of the two-sided beads, one paragraph each.
    let Rendered::Files(files) = render::render_alignment(&al, Format::Moses, &meta()).unwrap()
    else {
        panic!("moses is two files");
    };
    let ar_lines = String::from_utf8(files[0].bytes.clone()).unwrap();
    let source: String = ar_lines.lines().map(|l| format!("{l}\n\n")).collect();
    let dir = tempfile::tempdir().unwrap();
    let project = omegat_project(dir.path(), &tmx, "article.txt", &source);
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new("java")
        .arg(format!("-Duser.home={}", home.display()))
        .arg("-Djava.awt.headless=true")
        .arg("-jar")
        .arg(jar)
        .arg(&project)
        .args(["--mode=console-translate", "--no-team"])
        .env("HOME", &home)
        .output()
        .unwrap();
    let log = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let target = project.join("target/article.txt");
    let translated = std::fs::read_to_string(&target)
        .unwrap_or_else(|e| panic!("OmegaT wrote no {}: {e}\n{log}", target.display()));
    let want = String::from_utf8(files[1].bytes.clone()).unwrap();
    for line in want.lines() {
        assert!(
            translated.contains(line),
            "missing {line:?} in OmegaT's target:\n{translated}\n{log}"
        );
    }
    assert!(
        !translated.contains("عمّان"),
        "Arabic left untranslated:\n{translated}"
    );
}

// ---------------------------------------------------------------------------------------
// Browser

/// Chromium's binary, if installed.
fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

/// Runs headless Chromium on `page` with the issue's flags and a fresh profile.
fn run_chromium(bin: &str, profile: &Path, extra: &[String], page: &Path) -> std::process::Output {
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs")
}

/// The test's probe, appended to a copy of the page: it records in the DOM what the page's
/// script and stylesheet did, for `--dump-dom` to print.
const PROBE: &str = r#"
  var arCell = document.querySelector('.bead .ar');
  r.arDirection = getComputedStyle(arCell).direction;
  r.enDirection = getComputedStyle(document.querySelector('.bead .en')).direction;
  var ar = document.querySelector('.ar mark[data-link="e4"]');
  var en = document.querySelector('.en mark[data-link="e4"]');
  ar.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
  r.hoverLights = en.classList.contains('partner');
  r.hoverOutline = getComputedStyle(en).outlineStyle;
  ar.dispatchEvent(new MouseEvent('mouseout', {bubbles: true, relatedTarget: document.body}));
  r.hoverClears = !en.classList.contains('partner');
  var other = document.querySelector('.en mark[data-link="e0"]');
  // A headless window may not hold the system focus, and then focus() fires no focusin:
  // send one as keyboard focus would (a second one after a real one changes nothing).
  other.focus();
  other.dispatchEvent(new FocusEvent('focusin', {bubbles: true}));
  var partner = document.querySelector('.ar mark[data-link="e0"]');
  r.focusLights = partner.classList.contains('partner');
  other.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
  r.enterJumps = document.activeElement === partner;
  r.sameColour = getComputedStyle(ar).backgroundColor === getComputedStyle(en).backgroundColor;
"#;

/// Opens `html` in headless Chromium, in a window `width` pixels wide, with `probe` (a script
/// body that fills an object `r`) run after the page's own script; returns `r` as Chromium
/// left it in the DOM.
fn probe_page(bin: &str, dir: &Path, html: &str, width: u32, probe: &str) -> serde_json::Value {
    let script = format!(
        "<script>\n(function () {{\n  var r = {{}};\n{probe}\n  var pre = document.createElement('pre');\n  \
         pre.id = 'probe';\n  pre.textContent = JSON.stringify(r);\n  document.body.appendChild(pre);\n}})();\n</script>\n</body>"
    );
    let page = write_tmp(dir, "probe.html", &html.replacen("</body>", &script, 1));
    let out = run_chromium(
        bin,
        &dir.join(format!("profile-dom-{width}")),
        &[
            "--dump-dom".into(),
            "--virtual-time-budget=3000".into(),
            format!("--window-size={width},900"),
        ],
        &page,
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"probe\">").unwrap_or_else(|| {
        panic!(
            "no probe result; chromium said:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    }) + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    serde_json::from_str(&dom[start..end].replace("&quot;", "\"")).expect("probe JSON")
}

#[test]
fn browser_shows_rtl_cells_lights_partners_and_paints() {
    let Some(bin) = chromium() else {
        eprintln!(
            "skipped browser_shows_rtl_cells_lights_partners_and_paints: chromium is not installed"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = render(&parallel(), Format::Html);
    let result = probe_page(bin, dir.path(), &html, 1280, PROBE);
    assert_eq!(result["arDirection"], "rtl", "{result}");
    assert_eq!(result["enDirection"], "ltr", "{result}");
    assert_eq!(result["hoverLights"], true, "{result}");
    assert_eq!(result["hoverOutline"], "solid", "{result}");
    assert_eq!(result["hoverClears"], true, "{result}");
    assert_eq!(result["focusLights"], true, "{result}");
    assert_eq!(result["enterJumps"], true, "{result}");
    assert_eq!(result["sameColour"], true, "{result}");

    // Responsive: three columns on a wide screen, one on a phone.
    let columns = r#"r.columns = getComputedStyle(document.querySelector('.bead'))
    .gridTemplateColumns.split(' ').length;"#;
    let wide = probe_page(bin, dir.path(), &html, 1280, columns);
    let phone = probe_page(bin, dir.path(), &html, 390, columns);
    assert_eq!(
        (wide["columns"].as_u64(), phone["columns"].as_u64()),
        (Some(3), Some(1))
    );

    let page = write_tmp(dir.path(), "page.html", &html);
    let png = screenshot(bin, dir.path(), &page, "1280,900");
    let colours = distinct_colours(&png);
    assert!(colours > 50, "screenshot looks blank: {colours} colours");
    // `TARJUMAN_SCREENSHOT=docs/screenshot.png cargo test --test it browser` keeps the image
    // for the README.
    if let Ok(keep) = std::env::var("TARJUMAN_SCREENSHOT") {
        std::fs::copy(&png, root().join(keep)).unwrap();
    }
}

/// Takes a screenshot of `page`; returns the PNG's path.
fn screenshot(bin: &str, dir: &Path, page: &Path, size: &str) -> PathBuf {
    let png = dir.join(format!("shot-{}.png", size.replace(',', "x")));
    let out = run_chromium(
        bin,
        &dir.join(format!("profile-{size}")),
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={size}"),
        ],
        page,
    );
    assert!(
        png.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    png
}

/// Number of distinct RGB colours in a PNG.
fn distinct_colours(path: &Path) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let mut seen = std::collections::HashSet::new();
    for px in buf[..info.buffer_size()].chunks(step) {
        seen.insert((px[0], px.get(1).copied(), px.get(2).copied()));
    }
    seen.len()
}
