//! Quotes to their source: where a quote of an Arabic article was said in English, and back.
//!
//! Takes the Arabic [`Document`] (its quotes come from the segmenter), one or more English
//! documents, optionally the bilingual [`Lexicon`] and a model's English translation of each
//! Arabic sentence; gives a [`QuoteMatch`] per quote: the English spans that best render it, best
//! first, each with a score, or none when nothing scores high enough.
//!
//! Candidates are the English texts' own quotes (the wording inside the marks) and their
//! sentences. A candidate is scored by word evidence both ways, as an F-measure: the share of
//! the quote's words that have a counterpart in the candidate (dictionary translation, same
//! name read through the romanizer, same number) and the share of the candidate's content
//! words that are accounted for. With a model translation of the quote's sentence, the token
//! F1 between that translation and the candidate joins in. Text inside English quote marks, and a
//! candidate near the quote's speaker (a name or title of the speaker found in the candidate's
//! sentence), score a little higher: that is where a reporter's quote is.
//!
//! English quotes are matched back to the Arabic article the same way, so a fact checker can
//! start from either side.

use super::entities::{english_mentions, sentence_text};
use super::lexicon::{EnKey, Lexicon};
use super::name_match::{arabic_words, find_name, name_similarity};
use super::romanize::MATCH;
use super::stem::{arabic_key, english_key, fold, is_english_stopword};
use crate::alignment::{QuoteCandidate, QuoteMatch, Side};
use crate::document::{Document, QuoteId, Span};

/// Below this a candidate is not reported ("no match").
pub const MIN_SCORE: f32 = 0.2;
/// At most this many matches per quote.
pub const MAX_MATCHES: usize = 3;
/// Added for a candidate that is itself a quote on its side.
const QUOTED_BONUS: f32 = 0.1;
/// Added for a candidate whose sentence names the quote's speaker.
const SPEAKER_BONUS: f32 = 0.1;
/// Weight of the model translation's token F1 against the dictionary evidence, when given.
const TRANSLATION_WEIGHT: f32 = 0.6;

/// An Arabic word and what it may say in English.
struct ArTok<'a> {
    text: &'a str,
    /// English dictionary keys it translates to (content words only), sorted, with their text.
    glosses: Vec<(EnKey, &'a str)>,
    number: Option<String>,
}

/// Arabic function words (normalized): the dictionary glosses them with English function
/// words or with noise (أن → "Anne", من → "manna"), and every sentence has them, so they are
/// no evidence either way.
const AR_FUNCTION_WORDS: &[&str] = &[
    "ان",
    "من",
    "في",
    "على",
    "الى",
    "عن",
    "مع",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "لهذا",
    "لذلك",
    "التي",
    "الذي",
    "الذين",
    "حيث",
    "مثل",
    "قد",
    "لا",
    "ما",
    "لم",
    "لن",
    "كان",
    "كانت",
    "هو",
    "هي",
    "هم",
    "نحن",
    "انه",
    "انها",
    "او",
    "ثم",
    "بل",
    "لكن",
    "كما",
    "اذا",
    "عند",
    "بعد",
    "قبل",
    "بين",
    "كل",
    "بعض",
    "غير",
    "حتى",
    "منذ",
    "ضد",
    "عبر",
    "لدى",
    "وهو",
    "وهي",
];

/// An English content word.
struct EnTok<'a> {
    text: &'a str,
    key: String,
    lex: Option<EnKey>,
    capital: bool,
}

fn ar_tokens<'a>(text: &'a str, lex: Option<&'a Lexicon>) -> Vec<ArTok<'a>> {
    let mut toks: Vec<ArTok> = arabic_words(text, 0)
        .into_iter()
        .filter(|w| !AR_FUNCTION_WORDS.contains(&fold(w.text).as_str()))
        .map(|w| {
            let glosses = lex
                .and_then(|l| {
                    let k = l.ar_key(&arabic_key(w.text))?;
                    Some(
                        l.english_keys(k)
                            .iter()
                            .map(|&e| (e, l.en_key_text(e)))
                            .filter(|(_, t)| !is_english_stopword(t))
                            .collect(),
                    )
                })
                .unwrap_or_default();
            ArTok {
                text: w.text,
                glosses,
                number: None,
            }
        })
        .collect();
    for n in numbers(text) {
        toks.push(ArTok {
            text: "",
            glosses: Vec::new(),
            number: Some(n),
        });
    }
    toks
}

/// The numbers of a text (any digit script), digits only.
fn numbers(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_ascii_digit())
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect()
}

fn en_tokens<'a>(text: &'a str, lex: Option<&Lexicon>) -> Vec<EnTok<'a>> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches(|c| matches!(c, '\'' | '’' | '-')))
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let key = english_key(w);
            if is_english_stopword(&key) {
                return None;
            }
            Some(EnTok {
                text: w,
                lex: lex.and_then(|l| l.en_key(&key)),
                key,
                capital: w.chars().next().is_some_and(char::is_uppercase),
            })
        })
        .collect()
}

/// Whether an Arabic and an English word say the same thing.
fn same(a: &ArTok<'_>, e: &EnTok<'_>) -> bool {
    if let Some(n) = &a.number {
        return e
            .text
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            == *n;
    }
    if let Some(k) = e.lex {
        if a.glosses.binary_search_by_key(&k, |g| g.0).is_ok() {
            return true;
        }
    }
    // The light stemmer leaves some inflections apart ("declined" → declin, the gloss
    // "decline"): a long common stem counts too.
    if a.glosses.iter().any(|(_, g)| same_stem(g, &e.key)) {
        return true;
    }
    e.capital && a.text.chars().count() >= 3 && name_similarity(a.text, e.text) >= MATCH
}

/// Two English keys that differ only in a short ending on a stem of five letters or more.
fn same_stem(a: &str, b: &str) -> bool {
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    common >= 5 && a.len() - common <= 2 && b.len() - common <= 2
}

/// Dictionary/name/number evidence between an Arabic and an English stretch, in 0..=1.
fn evidence_score(ar: &[ArTok<'_>], en: &[EnTok<'_>]) -> f32 {
    if ar.is_empty() || en.is_empty() {
        return 0.0;
    }
    let mut en_hit = vec![false; en.len()];
    let (mut covered, mut countable) = (0usize, 0usize);
    for a in ar {
        let mut hit = false;
        for (j, e) in en.iter().enumerate() {
            if same(a, e) {
                en_hit[j] = true;
                hit = true;
            }
        }
        // Words the dictionary does not know and that match nothing say nothing either way.
        if hit || !a.glosses.is_empty() || a.number.is_some() {
            countable += 1;
        }
        covered += usize::from(hit);
    }
    if covered == 0 {
        return 0.0;
    }
    let recall = covered as f32 / countable as f32;
    let precision = en_hit.iter().filter(|&&h| h).count() as f32 / en.len() as f32;
    let f = 2.0 * precision * recall / (precision + recall);
    // One shared word is weak evidence; three or more is as good as it gets.
    let confidence = 1.0 - 0.5f32.powi(covered.min(3) as i32);
    f * confidence
}

/// The quoted words of a translated sentence when the model kept the quote marks (it
/// usually does), else the whole translation.
fn quoted_part(text: &str) -> &str {
    for (open, close) in [('“', '”'), ('«', '»'), ('"', '"')] {
        if let Some(a) = text.find(open) {
            let inner = &text[a + open.len_utf8()..];
            if let Some(b) = inner.find(close) {
                if !inner[..b].trim().is_empty() {
                    return &inner[..b];
                }
            }
        }
    }
    text
}

/// Token F1 between the model's translation of the sentence(s) a quote is in and a candidate
/// (content-word keys). The translation covers the whole sentence, so recall is counted
/// against the quote's length (`expected` content words), not the translation's.
fn translation_f1(translation: &[EnTok<'_>], cand: &[EnTok<'_>], expected: usize) -> f32 {
    if translation.is_empty() || cand.is_empty() {
        return 0.0;
    }
    let mut used = vec![false; translation.len()];
    let mut common = 0;
    for x in cand {
        if let Some(j) = (0..translation.len()).find(|&j| !used[j] && translation[j].key == x.key) {
            used[j] = true;
            common += 1;
        }
    }
    if common == 0 {
        return 0.0;
    }
    let precision = common as f32 / cand.len() as f32;
    let recall = (common as f32 / expected.clamp(1, translation.len()) as f32).min(1.0);
    2.0 * precision * recall / (precision + recall)
}

/// A place on the other side that may render a quote.
struct Candidate {
    source: usize,
    span: Span,
    /// The sentence(s) around it, for the speaker bonus.
    context: Span,
    quoted: bool,
}

/// Candidates of one document: its quotes (inner text) and its sentences.
fn candidates(doc: &Document, source: usize) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = doc
        .quotes
        .iter()
        .map(|q| Candidate {
            source,
            span: q.inner,
            context: sentence_text(doc, q.sentence).map_or(q.inner, |(span, _)| span),
            quoted: true,
        })
        .collect();
    for s in &doc.sentences {
        if !out.iter().any(|c| c.span == s.span) {
            out.push(Candidate {
                source,
                span: s.span,
                context: s.span,
                quoted: false,
            });
        }
    }
    out
}

/// Matches every quote of `ar` against the English `sources`, and every quote of each source
/// back against `ar` (see the module documentation).
///
/// `translations`, when given, holds a model's English translation of each Arabic sentence,
/// in the order of `ar.sentences` (what the translate stage gives); a quote uses those of the
/// sentences it spans. Arabic quotes come first in the result, in
/// document order; then the English quotes of each source. For an English quote (side
/// [`Side::En`]) the candidates' spans are in `ar`, and their `source` is the index of the
/// English document the quote is in.
pub fn match_quotes(
    ar: &Document,
    sources: &[Document],
    lexicon: Option<&Lexicon>,
    translations: Option<&[String]>,
) -> Vec<QuoteMatch> {
    let en_cands: Vec<Candidate> = sources
        .iter()
        .enumerate()
        .flat_map(|(i, d)| candidates(d, i))
        .collect();
    let en_toks: Vec<Vec<EnTok>> = en_cands
        .iter()
        .map(|c| en_tokens(text_of(&sources[c.source], c.span), lexicon))
        .collect();
    let mut out = Vec::new();
    for (qi, q) in ar.quotes.iter().enumerate() {
        let query = ar_tokens(text_of(ar, q.inner), lexicon);
        let speaker = q.speaker.map(|s| text_of(ar, s));
        let translated: Option<String> = translations.map(|t| {
            let last = ar
                .sentences
                .iter()
                .position(|s| s.span.contains(Span::new(q.span.end, q.span.end)))
                .unwrap_or(q.sentence.index());
            let joined: Vec<&str> = (q.sentence.index()..=last.max(q.sentence.index()))
                .filter_map(|i| t.get(i).map(String::as_str))
                .collect();
            joined.join(" ")
        });
        let translation = translated
            .as_deref()
            .map(|t| en_tokens(quoted_part(t), lexicon));
        let expected = query.iter().filter(|a| a.number.is_none()).count();
        let scored = en_cands.iter().zip(&en_toks).map(|(c, toks)| {
            let mut score = evidence_score(&query, toks);
            if let Some(t) = &translation {
                score = (1.0 - TRANSLATION_WEIGHT) * score
                    + TRANSLATION_WEIGHT * translation_f1(t, toks, expected);
            }
            if score > 0.0 {
                score += bonus(c, || {
                    let context = text_of(&sources[c.source], c.context);
                    speaker.is_some_and(|s| speaker_named(s, context, lexicon))
                });
            }
            (c, score)
        });
        out.push(QuoteMatch {
            side: Side::Ar,
            quote: QuoteId::from_index(qi),
            matches: best(scored, |c| c.source),
        });
    }
    let ar_cands = candidates(ar, 0);
    let ar_toks: Vec<Vec<ArTok>> = ar_cands
        .iter()
        .map(|c| ar_tokens(text_of(ar, c.span), lexicon))
        .collect();
    for (si, doc) in sources.iter().enumerate() {
        for (qi, q) in doc.quotes.iter().enumerate() {
            let query = en_tokens(text_of(doc, q.inner), lexicon);
            let speaker = q.speaker.map(|s| text_of(doc, s));
            let scored = ar_cands.iter().zip(&ar_toks).map(|(c, toks)| {
                let mut score = evidence_score(toks, &query);
                if score > 0.0 {
                    score += bonus(c, || {
                        speaker.is_some_and(|s| speaker_named(text_of(ar, c.context), s, lexicon))
                    });
                }
                (c, score)
            });
            out.push(QuoteMatch {
                side: Side::En,
                quote: QuoteId::from_index(qi),
                matches: best(scored, |_| si),
            });
        }
    }
    out
}

/// Whether an Arabic and an English stretch name the same speaker: a name of the English
/// side written in the Arabic (متحدث باسم تيك توك ↔ a TikTok spokesperson), or a
/// dictionary word in common (متحدث ↔ spokesman).
fn speaker_named(ar: &str, en: &str, lexicon: Option<&Lexicon>) -> bool {
    let words = arabic_words(ar, 0);
    if english_mentions(en, 0)
        .iter()
        .any(|m| find_name(&words, &m.text).is_some())
    {
        return true;
    }
    let (a, e) = (ar_tokens(ar, lexicon), en_tokens(en, lexicon));
    a.iter()
        .any(|a| a.number.is_none() && e.iter().any(|e| same(a, e)))
}

/// The text under `span`, or nothing for a span that does not fit the document.
fn text_of(doc: &Document, span: Span) -> &str {
    doc.text.get(span.range()).unwrap_or("")
}

/// The bonuses of a candidate: quoted on its side, and near the speaker.
fn bonus(c: &Candidate, near_speaker: impl FnOnce() -> bool) -> f32 {
    let mut b = 0.0;
    if c.quoted {
        b += QUOTED_BONUS;
    }
    if near_speaker() {
        b += SPEAKER_BONUS;
    }
    b
}

/// The best candidates above [`MIN_SCORE`], best first; a candidate inside or around a better
/// one in the same document (a sentence holding the matched quote) is left out.
fn best<'a>(
    scored: impl Iterator<Item = (&'a Candidate, f32)>,
    source: impl Fn(&Candidate) -> usize,
) -> Vec<QuoteCandidate> {
    let mut all: Vec<(&Candidate, f32)> = scored.filter(|(_, s)| *s >= MIN_SCORE).collect();
    all.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(a.0.span.start.cmp(&b.0.span.start))
    });
    let mut kept: Vec<(&Candidate, f32)> = Vec::new();
    for (c, s) in all {
        let overlaps = kept.iter().any(|(k, _)| {
            k.source == c.source && k.span.start < c.span.end && c.span.start < k.span.end
        });
        if !overlaps {
            kept.push((c, s));
        }
        if kept.len() == MAX_MATCHES {
            break;
        }
    }
    kept.into_iter()
        .map(|(c, s)| QuoteCandidate {
            source: source(c),
            span: c.span,
            score: s.min(1.0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::testdoc::doc;
    use crate::document::Lang;

    fn arabic() -> Document {
        doc(
            Lang::Ar,
            &[
                "وقال متحدث باسم تيك توك: «رفضنا هذا الطلب لأنه يخالف قواعدنا».",
                "وأضاف: «سنواصل العمل مع الجميع».",
            ],
        )
    }

    fn english() -> Document {
        doc(
            Lang::En,
            &[
                "TikTok rejected a request from a Chinese agency, officials said.",
                "“We rejected this request because it breaks our rules,” a TikTok spokesperson said.",
                "The company has rules against hidden accounts.",
            ],
        )
    }

    fn lexicon() -> Lexicon {
        Lexicon::from_pairs([
            ("رفض", "reject"),
            ("طلب", "request"),
            ("يخالف", "break"),
            ("قواعد", "rules"),
        ])
    }

    /// The English text of each match of quote `i`, best first.
    fn found<'a>(m: &[QuoteMatch], i: usize, docs: &'a [Document]) -> Vec<&'a str> {
        m[i].matches
            .iter()
            .map(|c| docs[c.source].slice(c.span))
            .collect()
    }

    #[test]
    fn an_arabic_quote_finds_its_english_wording_first() {
        let (ar, en) = (arabic(), [english()]);
        let m = match_quotes(&ar, &en, Some(&lexicon()), None);
        assert_eq!((m[0].side, m[0].quote), (Side::Ar, QuoteId(0)));
        let got = found(&m, 0, &en);
        assert_eq!(
            got[0],
            "We rejected this request because it breaks our rules,"
        );
        // The looser sentence sharing two words ranks below.
        assert!(
            got.len() >= 2 && got[1].starts_with("TikTok rejected"),
            "{got:?}"
        );
        assert!(m[0].matches[0].score > m[0].matches[1].score);
    }

    #[test]
    fn a_quote_without_evidence_has_no_match() {
        let (ar, en) = (arabic(), [english()]);
        let m = match_quotes(&ar, &en, Some(&lexicon()), None);
        assert_eq!((m[1].side, m[1].quote), (Side::Ar, QuoteId(1)));
        assert!(m[1].matches.is_empty(), "{:?}", m[1].matches);
    }

    #[test]
    fn english_quotes_are_matched_back_to_arabic() {
        let (ar, en) = (arabic(), [english()]);
        let m = match_quotes(&ar, &en, Some(&lexicon()), None);
        let back: Vec<&QuoteMatch> = m.iter().filter(|q| q.side == Side::En).collect();
        assert_eq!(back.len(), 1);
        let best = &back[0].matches[0];
        assert_eq!(ar.slice(best.span), "رفضنا هذا الطلب لأنه يخالف قواعدنا");
        assert_eq!(best.source, 0);
    }

    #[test]
    fn a_model_translation_finds_the_wording_without_a_dictionary() {
        let (ar, en) = (arabic(), [english()]);
        // Per Arabic sentence, as the translate stage gives them.
        let tr = [
            "A TikTok spokesman said: “We refused this request because it breaks our rules”."
                .to_string(),
            "He added: “We will continue working with everyone”.".to_string(),
        ];
        let without = match_quotes(&ar, &en, None, None);
        assert!(without[0].matches.is_empty());
        let with = match_quotes(&ar, &en, None, Some(&tr));
        assert_eq!(
            found(&with, 0, &en)[0],
            "We rejected this request because it breaks our rules,"
        );
        assert!(with[1].matches.is_empty());
    }

    #[test]
    fn the_quoted_part_of_a_translation_is_compared() {
        let table = [
            ("He said: “We refused.” Then he left.", "We refused."),
            ("She said «no comment».", "no comment"),
            ("He said \"yes\" twice.", "yes"),
            ("No quote marks here.", "No quote marks here."),
            ("Empty “ ” marks.", "Empty “ ” marks."),
        ];
        for (text, want) in table {
            assert_eq!(quoted_part(text), want, "{text}");
        }
    }

    #[test]
    fn matches_are_searched_in_every_source() {
        let other = doc(
            Lang::En,
            &["A spokesperson said: “We rejected this request.”"],
        );
        let sources = [english(), other];
        let m = match_quotes(&arabic(), &sources, Some(&lexicon()), None);
        let in_sources: Vec<usize> = m[0].matches.iter().map(|c| c.source).collect();
        assert!(
            in_sources.contains(&0) && in_sources.contains(&1),
            "{in_sources:?}"
        );
    }
}
