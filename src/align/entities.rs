//! Named-entity pairs between the two sides of an alignment.
//!
//! Takes an [`Alignment`] whose beads are set (and, optionally, a bilingual [`Lexicon`]); gives
//! its `entities`: one [`EntityPair`] per English mention found again on the Arabic side of its
//! bead, with both spans, a kind where known and a score. The English side is read first,
//! because English marks names with capitals and Arabic does not: capitalised multiword spans
//! (joined through "of", "al-", "bin" …, sentence-initial function words left out), acronyms,
//! numbers and dates. Each mention is then looked for in the bead's Arabic sentence(s), by
//! four kinds of evidence, best first:
//! - the gazetteer of countries and cities (الصين ↔ China: place names are translated);
//! - the romanization lattice (بلومبيرغ ↔ Bloomberg: foreign and Arabic personal names are
//!   transliterated);
//! - the dictionary, word by word, for translated names (وزارة الخارجية ↔ Foreign Ministry);
//! - the model's cross-attention word links, when the English side is our own translation;
//! - equal numbers, in any digit script.
//!
//! Mentions are then grouped into entities across the document, so that a surname alone
//! (كانتر ↔ Kanter) shares the id of the full name met before (اليزابيث كانتر ↔ Elizabeth
//! Kanter).

use super::gazetteer::{normalize_key, Gazetteer};
use super::lexicon::Lexicon;
use super::name_match::{arabic_words, find_name, ArWord};
use super::stem::{fold, is_english_stopword};
use crate::alignment::{Alignment, EnglishOrigin, EntityKind, EntityPair, WordLink};
use crate::document::{Document, EntityId, SentenceId, Span};
use std::collections::HashMap;

/// An English mention: a name, acronym, number or date in an English text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Bytes in the text given to [`english_mentions`], shifted by its offset.
    pub span: Span,
    pub text: String,
    /// What the English side alone says it is; `None` when only the Arabic side can tell.
    pub kind: Option<EntityKind>,
    /// Starts a sentence (or a quote): capitalised whatever it is, so a weaker sign of a name.
    pub initial: bool,
}

/// Capitalised words that start sentences without being names.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "after",
    "all",
    "also",
    "an",
    "and",
    "as",
    "at",
    "before",
    "both",
    "but",
    "by",
    "during",
    "each",
    "for",
    "from",
    "he",
    "her",
    "here",
    "his",
    "however",
    "i",
    "if",
    "in",
    "it",
    "its",
    "last",
    "many",
    "meanwhile",
    "most",
    "mr",
    "mrs",
    "ms",
    "dr",
    "my",
    "no",
    "not",
    "now",
    "of",
    "on",
    "one",
    "our",
    "said",
    "says",
    "she",
    "since",
    "so",
    "some",
    "such",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "two",
    "under",
    "until",
    "we",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "with",
    "yet",
    "you",
    "your",
];

/// Lowercase words that join capitalised words into one name.
const CONNECTORS: &[&str] = &[
    "of", "al", "el", "bin", "ibn", "bint", "abu", "abd", "de", "del", "la", "van", "von", "der",
    "du",
];

/// Words that make a name an organisation.
const ORGANISATION_WORDS: &[&str] = &[
    "agency",
    "army",
    "association",
    "authority",
    "bank",
    "bureau",
    "commission",
    "committee",
    "company",
    "corp",
    "corporation",
    "council",
    "court",
    "department",
    "embassy",
    "forces",
    "foundation",
    "government",
    "group",
    "inc",
    "institute",
    "league",
    "ltd",
    "ministry",
    "news",
    "office",
    "organisation",
    "organization",
    "parliament",
    "party",
    "police",
    "times",
    "union",
    "university",
];

/// Titles before a name that make it a person.
const PERSON_TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "president",
    "minister",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "prince",
    "king",
    "queen",
    "sheikh",
    "chancellor",
    "premier",
    "senator",
];

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Arabic names of the months (Egyptian/Gulf loan names and Levantine names) and weekdays, on
/// the normalized view, in the order of [`MONTHS`] and [`WEEKDAYS`].
const AR_MONTHS: [&[&str]; 12] = [
    &["يناير", "كانون الثاني"],
    &["فبراير", "شباط"],
    &["مارس", "اذار"],
    &["ابريل", "نيسان"],
    &["مايو", "ايار"],
    &["يونيو", "حزيران"],
    &["يوليو", "تموز"],
    &["اغسطس", "اب"],
    &["سبتمبر", "ايلول"],
    &["اكتوبر", "تشرين الاول"],
    &["نوفمبر", "تشرين الثاني"],
    &["ديسمبر", "كانون الاول"],
];
const AR_WEEKDAYS: [&str; 7] = ["اثنين", "ثلاثاء", "اربعاء", "خميس", "جمعه", "سبت", "احد"];

/// Arabic words before a name that say what it is (on the normalized view).
const AR_ORGANISATION_HEADS: &[&str] = &[
    "وكاله",
    "شركه",
    "وزاره",
    "منظمه",
    "حزب",
    "صحيفه",
    "جامعه",
    "مجلس",
    "هيئه",
    "بنك",
];
const AR_PERSON_HEADS: &[&str] = &[
    "الرئيس",
    "السيد",
    "السيده",
    "الوزير",
    "وزير",
    "وزيره",
    "رئيس",
    "رئيسه",
    "المتحدث",
];

/// A word of an English text.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    /// First word of the text, or first after `.`, `:`, an opening quote mark…: capitalised
    /// whatever it is.
    initial: bool,
}

fn english_tokens(text: &str) -> Vec<Tok<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut initial = true;
    while i < chars.len() {
        let (at, c) = chars[i];
        if !c.is_alphanumeric() {
            if !c.is_whitespace() {
                initial = matches!(
                    c,
                    '.' | '!' | '?' | ':' | ';' | '"' | '“' | '‘' | '«' | '(' | '—' | '–'
                ) || (initial && matches!(c, '\'' | '’'));
            }
            i += 1;
            continue;
        }
        let mut j = i + 1;
        // Inner joiners: al-Assad, O'Brien, U.S., 2,000, 3.5.
        while j < chars.len() {
            let c = chars[j].1;
            let next_alnum = chars.get(j + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
            // A comma joins digits only (2,500), not words.
            let joiner = matches!(c, '-' | '\'' | '’' | '.')
                || (c == ',' && chars[j - 1].1.is_ascii_digit());
            if c.is_alphanumeric() || (joiner && next_alnum) {
                j += 1;
            } else {
                break;
            }
        }
        let end = chars.get(j).map_or(text.len(), |&(e, _)| e);
        let mut word = &text[at..end];
        // The possessive is not part of the name (Kanter's → Kanter).
        for s in ["'s", "’s"] {
            if let Some(w) = word.strip_suffix(s) {
                word = w;
            }
        }
        toks.push(Tok {
            start: at,
            end: at + word.len(),
            text: word,
            initial,
        });
        initial = false;
        i = j;
    }
    toks
}

fn is_capitalised(word: &str) -> bool {
    let mut rest = word;
    // al-Assad, el-Sisi, ash-Sharaa: the article is lowercase, the name is not.
    for article in [
        "al-", "el-", "as-", "ash-", "ad-", "an-", "ar-", "at-", "az-",
    ] {
        if let Some(r) = word.strip_prefix(article) {
            rest = r;
        }
    }
    rest.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2
        && word
            .chars()
            .all(|c| c.is_uppercase() || c == '.' || c == '-')
}

fn is_number(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

fn lower(word: &str) -> String {
    word.to_lowercase()
}

/// Names, acronyms, numbers and dates of an English text; spans shifted by `offset`.
pub fn english_mentions(text: &str, offset: usize) -> Vec<Mention> {
    let toks = english_tokens(text);
    let mut mentions = Vec::new();
    let mut i = 0;
    let push = |mentions: &mut Vec<Mention>, a: usize, b: usize, kind| {
        let span = Span::new(toks[a].start, toks[b].end);
        mentions.push(Mention {
            span: span.shift(offset),
            text: text[span.range()].to_owned(),
            kind,
            initial: toks[a].initial,
        });
    };
    while i < toks.len() {
        let t = toks[i];
        let l = lower(t.text);
        // Dates: [day] Month [day][,] [year], or a weekday.
        if MONTHS.contains(&l.as_str()) && (l != "may" || !t.initial) && is_capitalised(t.text) {
            let mut a = i;
            if i > 0 && is_number(toks[i - 1].text) && toks[i - 1].text.len() <= 2 {
                a = i - 1;
            }
            let mut b = i;
            while b + 1 < toks.len() && b < i + 2 && is_number(toks[b + 1].text) {
                b += 1;
            }
            push(&mut mentions, a, b, Some(EntityKind::Date));
            i = b + 1;
            continue;
        }
        if WEEKDAYS.contains(&l.as_str()) {
            push(&mut mentions, i, i, Some(EntityKind::Date));
            i += 1;
            continue;
        }
        if is_number(t.text) {
            // "25 April": the month takes its day along.
            let day_of = toks
                .get(i + 1)
                .is_some_and(|n| MONTHS.contains(&lower(n.text).as_str()));
            if day_of && t.text.len() <= 2 {
                i += 1;
                continue;
            }
            let year = t.text.len() == 4 && (t.text.starts_with("19") || t.text.starts_with("20"));
            let kind = if year {
                EntityKind::Date
            } else {
                EntityKind::Number
            };
            push(&mut mentions, i, i, Some(kind));
            i += 1;
            continue;
        }
        let starts_name = (is_capitalised(t.text) || is_acronym(t.text))
            && !(t.initial && FUNCTION_WORDS.contains(&l.as_str()))
            && !PERSON_TITLES.contains(&l.as_str())
            && !WEEKDAYS.contains(&l.as_str());
        if !starts_name {
            i += 1;
            continue;
        }
        let mut b = i;
        loop {
            let next = b + 1;
            let Some(n) = toks.get(next) else { break };
            // A run stops at punctuation between words ("Kanter, Andersen").
            let gap = &text[toks[b].end..n.start];
            if !gap.chars().all(|c| c.is_whitespace()) {
                break;
            }
            let nl = lower(n.text);
            if (is_capitalised(n.text) || is_acronym(n.text))
                && !MONTHS.contains(&nl.as_str())
                && !WEEKDAYS.contains(&nl.as_str())
            {
                b = next;
            } else if CONNECTORS.contains(&nl.as_str())
                && toks.get(next + 1).is_some_and(|m| is_capitalised(m.text))
            {
                b = next + 1;
            } else {
                break;
            }
        }
        let words: Vec<String> = toks[i..=b].iter().map(|t| lower(t.text)).collect();
        let kind = if words
            .iter()
            .any(|w| ORGANISATION_WORDS.contains(&w.as_str()))
            || (i == b && is_acronym(t.text))
        {
            Some(EntityKind::Organisation)
        } else if i > 0 && PERSON_TITLES.contains(&lower(toks[i - 1].text).as_str()) {
            Some(EntityKind::Person)
        } else {
            None
        };
        push(&mut mentions, i, b, kind);
        i = b + 1;
    }
    mentions
}

/// Where a mention was found on the Arabic side.
#[derive(Debug, Clone)]
struct Found {
    span: Span,
    /// Number of Arabic words in the span.
    words: usize,
    sentence: SentenceId,
    score: f32,
    kind: Option<EntityKind>,
}

/// Arabic words of one sentence, with the sentence they are in.
struct ArSentence<'a> {
    id: SentenceId,
    text: &'a str,
    offset: usize,
    words: Vec<ArWord<'a>>,
    /// The words normalized ([`normalize_key`]), for gazetteer and date lookups.
    keys: Vec<String>,
}

/// Score of a gazetteer hit: a curated list, so near-certain.
const GAZETTEER_SCORE: f32 = 0.95;
/// Score of a number or date written with the same digits.
const NUMBER_SCORE: f32 = 0.9;
/// Base score of a name found through the dictionary (plus up to 0.2 for full coverage).
const LEXICON_SCORE: f32 = 0.7;
/// Ranking bonus per Arabic word when two mentions claim the same words.
const LONGER_NAME_BONUS: f32 = 0.05;
/// Score factor of a name found through one word of a longer English name.
const PART_DISCOUNT: f32 = 0.95;
/// Score of a name found only through the model's word links.
const LINK_SCORE: f32 = 0.6;

/// Fills `alignment.entities` from its beads (see the module documentation).
pub fn link_entities(alignment: &mut Alignment, lexicon: Option<&Lexicon>) {
    let gazetteer = Gazetteer::system();
    let links: Option<&[crate::alignment::Translation]> = match &alignment.origin {
        EnglishOrigin::Translated { translations, .. } => Some(translations),
        _ => None,
    };
    let (ar, en) = (&alignment.ar, &alignment.en);
    let mut pairs: Vec<(EntityPair, String, String)> = Vec::new();
    for bead in &alignment.beads {
        if bead.ar.is_empty() || bead.en.is_empty() {
            continue;
        }
        let ar_sents: Vec<ArSentence> = bead
            .ar
            .iter()
            .filter_map(|&id| {
                let (span, text) = sentence_text(ar, id)?;
                let words = arabic_words(text, span.start);
                Some(ArSentence {
                    id,
                    text,
                    offset: span.start,
                    keys: words.iter().map(|w| normalize_key(w.text)).collect(),
                    words,
                })
            })
            .collect();
        let mut found: Vec<(Mention, SentenceId, Found)> = Vec::new();
        for &en_id in &bead.en {
            let Some((en_span, en_text)) = sentence_text(en, en_id) else {
                continue;
            };
            let sentence_links = links
                .and_then(|t| t.get(en_id.index()))
                .map(|t| (t.sentence, t.links.as_slice(), en_span.start));
            let best = |m: &Mention| {
                ar_sents
                    .iter()
                    .flat_map(|a| {
                        let link = sentence_links.filter(|(sid, _, _)| *sid == a.id);
                        locate(m, a, gazetteer, lexicon, link)
                    })
                    .max_by(|x, y| x.score.total_cmp(&y.score))
            };
            for m in english_mentions(en_text, en_span.start) {
                if let Some(f) = best(&m) {
                    found.push((m, en_id, f));
                    continue;
                }
                // Not found whole ("Northern Ireland" is أيرلندا الشمالية, "Foreign Secretary
                // Liz Truss" is وزيرة الخارجية ليز تروس): its parts, longest first, with a
                // little less confidence.
                let mut parts: Vec<_> = mention_parts(&m)
                    .into_iter()
                    .filter_map(|(words, part)| best(&part).map(|f| (words, part, f)))
                    .collect();
                // Longer first (Boris Johnson before Boris), then best; parts share no words.
                parts.sort_by(|x, y| {
                    y.0.len()
                        .cmp(&x.0.len())
                        .then(y.2.score.total_cmp(&x.2.score))
                });
                let mut covered: Vec<std::ops::Range<usize>> = Vec::new();
                for (words, part, mut f) in parts {
                    if covered
                        .iter()
                        .any(|c| c.start < words.end && words.start < c.end)
                    {
                        continue;
                    }
                    f.score *= PART_DISCOUNT;
                    found.push((part, en_id, f));
                    covered.push(words);
                }
            }
        }
        // Each Arabic span names one thing: the best-scored mention keeps it, a longer name
        // winning near-ties (ليز تروس ↔ Liz Truss over تروس ↔ Truss from another sentence).
        let rank = |f: &Found| f.score + LONGER_NAME_BONUS * f.words as f32;
        found.sort_by(|a, b| rank(&b.2).total_cmp(&rank(&a.2)));
        let mut taken: Vec<Span> = Vec::new();
        for (m, en_id, f) in found {
            if taken
                .iter()
                .any(|t| t.start < f.span.end && f.span.start < t.end)
            {
                continue;
            }
            taken.push(f.span);
            let kind = m.kind.or(f.kind).unwrap_or(EntityKind::Other);
            let ar_text = normalize_key(ar.slice(f.span));
            pairs.push((
                EntityPair {
                    entity: EntityId(0),
                    ar_span: f.span,
                    en_span: m.span,
                    ar_sentence: f.sentence,
                    en_sentence: en_id,
                    kind,
                    score: f.score,
                },
                m.text.to_lowercase(),
                ar_text,
            ));
        }
    }
    pairs.sort_by_key(|(p, _, _)| (p.ar_span.start, p.en_span.start));
    assign_entities(&mut pairs);
    alignment.entities = pairs.into_iter().map(|(p, _, _)| p).collect();
}

/// The shorter names inside a multiword mention, longest first, each with the range of the
/// mention's words it covers: "Foreign Secretary Liz Truss" gives "Secretary Liz Truss",
/// "Foreign Secretary Liz", then "Liz Truss" … and the single words. A part starts and ends
/// on a capitalised word that is not a connector; after a title (Secretary, President) it is
/// a person.
fn mention_parts(m: &Mention) -> Vec<(std::ops::Range<usize>, Mention)> {
    if m.kind
        .is_some_and(|k| matches!(k, EntityKind::Number | EntityKind::Date))
    {
        return Vec::new();
    }
    let toks = english_tokens(&m.text);
    let n = toks.len();
    let edge = |t: &Tok| {
        is_capitalised(t.text)
            && t.text.chars().count() > 1
            && !CONNECTORS.contains(&lower(t.text).as_str())
    };
    let mut parts = Vec::new();
    for len in (1..n).rev() {
        for first in 0..=n - len {
            let last = first + len - 1;
            if !edge(&toks[first]) || !edge(&toks[last]) {
                continue;
            }
            let after_title =
                first > 0 && PERSON_TITLES.contains(&lower(toks[first - 1].text).as_str());
            let (a, b) = (toks[first].start, toks[last].end);
            parts.push((
                first..last + 1,
                Mention {
                    span: Span::new(m.span.start + a, m.span.start + b),
                    text: m.text[a..b].to_owned(),
                    kind: after_title.then_some(EntityKind::Person),
                    // A word of a longer name is capitalised because the name is, whatever
                    // the word ("Treaty", "River"): as weak a sign as a sentence-initial one.
                    initial: true,
                },
            ));
        }
    }
    parts
}

/// A sentence's span and text; `None` for an id or span that does not fit the document (an
/// alignment read from elsewhere), which is skipped rather than trusted.
pub(crate) fn sentence_text(doc: &Document, id: SentenceId) -> Option<(Span, &str)> {
    let span = doc.sentences.get(id.index())?.span;
    Some((span, doc.text.get(span.range())?))
}

/// The best place for mention `m` in one Arabic sentence, by every kind of evidence.
fn locate(
    m: &Mention,
    a: &ArSentence<'_>,
    gazetteer: &Gazetteer,
    lexicon: Option<&Lexicon>,
    links: Option<(SentenceId, &[WordLink], usize)>,
) -> Option<Found> {
    let found = |span: Span, score: f32, kind: Option<EntityKind>| Found {
        span,
        words: a
            .words
            .iter()
            .filter(|w| span.start < w.span.end && w.span.start < span.end)
            .count(),
        sentence: a.id,
        score,
        kind,
    };
    let mut candidates: Vec<Found> = Vec::new();
    if matches!(m.kind, Some(EntityKind::Number | EntityKind::Date)) {
        if let Some(span) = find_date(m, a) {
            candidates.push(found(span, NUMBER_SCORE, None));
        }
    }
    let places = gazetteer.arabic(&m.text);
    for key in places {
        if let Some(span) = find_phrase(a, key) {
            candidates.push(found(span, GAZETTEER_SCORE, Some(EntityKind::Place)));
        }
    }
    // A place the gazetteer knows is written the way it says (الصين, not a word that happens
    // to sound like "China"); other names are transliterated.
    if places.is_empty() && !matches!(m.kind, Some(EntityKind::Number | EntityKind::Date)) {
        if let Some(n) = find_name(&a.words, &m.text) {
            let kind = arabic_head_kind(&a.words, n.words.start);
            candidates.push(found(n.span, n.score, kind));
        }
    }
    // A capitalised dictionary word at the start of a sentence is most often just a word
    // ("Examples are…"); elsewhere, or with several words, it is a translated name.
    let lexicon = lexicon.filter(|_| !m.initial || m.text.contains(' '));
    if let Some(lex) = lexicon {
        if let Some((span, coverage)) = find_translated(&a.words, &m.text, lex) {
            candidates.push(found(span, LEXICON_SCORE + 0.2 * coverage, None));
        }
    }
    if let Some((_, links, en_offset)) = links {
        let rel = Span::new(m.span.start - en_offset, m.span.end - en_offset);
        if let Some(span) = linked_span(&a.words, a.offset, links, rel) {
            // Agreement with the romanization makes a link-found name surer.
            let text = &a.text[span.start - a.offset..span.end - a.offset];
            let sim = super::name_match::name_similarity(text, &m.text);
            candidates.push(found(span, LINK_SCORE.max(sim), None));
        }
    }
    let best = candidates
        .into_iter()
        .max_by(|x, y| x.score.total_cmp(&y.score));
    // Arabic articles often keep a name in Latin letters ("البنك الدولي (World Bank)",
    // "وكالة Reuters"): when nothing better is found, the same characters are the name.
    best.or_else(|| {
        let span = (!matches!(m.kind, Some(EntityKind::Number | EntityKind::Date)))
            .then(|| find_verbatim(&m.text, a))
            .flatten()?;
        Some(found(span, VERBATIM_SCORE, None))
    })
}

/// Score of a name written in the same Latin letters on both sides.
const VERBATIM_SCORE: f32 = 0.95;

/// Where `name` stands, letter for letter (ASCII case ignored), as whole words in the Arabic
/// sentence.
fn find_verbatim(name: &str, a: &ArSentence<'_>) -> Option<Span> {
    if name.is_empty() || !name.is_ascii() {
        return None;
    }
    let hay = a.text.as_bytes();
    let needle = name.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric();
    (0..=hay.len().checked_sub(needle.len())?)
        .find(|&i| {
            hay[i..i + needle.len()].eq_ignore_ascii_case(needle)
                && (i == 0 || !is_word(hay[i - 1]))
                && hay.get(i + needle.len()).is_none_or(|&b| !is_word(b))
        })
        .map(|i| Span::new(a.offset + i, a.offset + i + needle.len()))
}

/// What may stand before a name in the same word: a proclitic, the article, or both
/// (normalized; longest first within each family so the name keeps the most letters).
const PREFIXES: [&str; 15] = [
    "", "و", "ب", "ل", "ف", "ك", "وب", "ول", "لل", "ال", "وال", "بال", "فال", "كال", "ولل",
];

/// A run of words whose normalized text is `key` (a gazetteer name), allowing a one-letter
/// proclitic on the first word (لدول المملكة المتحدة, وبكين).
fn find_phrase(a: &ArSentence<'_>, key: &str) -> Option<Span> {
    let (words, keys) = (&a.words, &a.keys);
    let n = key.split(' ').count();
    for first in 0..words.len().saturating_sub(n - 1) {
        let joined = keys[first..first + n].join(" ");
        for cut in PREFIXES {
            let Some(rest) = joined.strip_prefix(cut) else {
                continue;
            };
            // «للصين» is ل + الصين: the article's alef is dropped after ل.
            let matches = rest == key || (cut == "لل" && format!("ا{}", &joined[2..]) == key);
            if matches {
                let w = &words[first];
                let skip = original_prefix_len(w.text, cut);
                return Some(Span::new(
                    w.span.start + skip,
                    words[first + n - 1].span.end,
                ));
            }
        }
    }
    None
}

/// Bytes of `word` (as written, harakat included) that spell the normalized prefix `cut`.
fn original_prefix_len(word: &str, cut: &str) -> usize {
    let letters = if cut == "لل" {
        1
    } else {
        cut.chars().count()
    };
    let mut seen = 0;
    for (i, c) in word.char_indices() {
        if seen == letters && !super::romanize::is_mark(c) {
            return i;
        }
        if !super::romanize::is_mark(c) {
            seen += 1;
        }
    }
    0
}

/// A number or date: its digits ([`find_number`]) together with a month or weekday name
/// written next to them (25 أبريل 2024), or the month or weekday alone.
fn find_date(m: &Mention, a: &ArSentence<'_>) -> Option<Span> {
    let lower = m.text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphabetic()).collect();
    let names: Vec<&str> = MONTHS
        .iter()
        .zip(AR_MONTHS)
        .filter(|(en, _)| words.contains(en))
        .flat_map(|(_, ar)| ar.iter().copied())
        .chain(
            WEEKDAYS
                .iter()
                .zip(AR_WEEKDAYS)
                .filter(|(en, _)| words.contains(en))
                .map(|(_, ar)| ar),
        )
        .collect();
    let named = names.iter().find_map(|n| find_phrase(a, n));
    let digits = find_number(m, a);
    match (named, digits) {
        // Next to each other: one span (a word and a space or two between them).
        (Some(n), Some(d)) if n.start.max(d.start).saturating_sub(n.end.min(d.end)) <= 4 => {
            Some(Span::new(n.start.min(d.start), n.end.max(d.end)))
        }
        (_, Some(d)) => Some(d),
        (n, None) if !m.text.chars().any(|c| c.is_ascii_digit()) => n,
        _ => None,
    }
}

/// Equal numbers: the mention's digits (thousands separators dropped) written in any digit
/// script in the Arabic sentence.
fn find_number(m: &Mention, a: &ArSentence<'_>) -> Option<Span> {
    let digits: String = m
        .text
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if digits.is_empty() {
        return None;
    }
    let is_digit =
        |c: char| c.is_ascii_digit() || ('٠'..='٩').contains(&c) || ('۰'..='۹').contains(&c);
    let mut runs: Vec<(usize, usize, String)> = Vec::new();
    let mut chars = a.text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_digit(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, d)) = chars.peek() {
            let sep = matches!(d, ',' | '٬' | '.' | '٫')
                && a.text[j + d.len_utf8()..]
                    .chars()
                    .next()
                    .is_some_and(is_digit);
            if is_digit(d) || sep {
                end = j + d.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let folded: String = fold(&a.text[i..end])
            .chars()
            .filter(|&c| c != ',')
            .collect();
        runs.push((i, end, folded));
    }
    // A date mention ("25 April 2024") has several numbers: all must appear; the span runs
    // from the first to the last.
    let parts: Vec<&str> = digits.split(' ').collect();
    let hits: Vec<&(usize, usize, String)> = parts
        .iter()
        .filter_map(|p| runs.iter().find(|r| r.2 == *p))
        .collect();
    if hits.len() != parts.len() {
        return None;
    }
    let start = hits.iter().map(|h| h.0).min()?;
    let end = hits.iter().map(|h| h.1).max()?;
    Some(Span::new(start + a.offset, end + a.offset))
}

/// A run of Arabic words that translates the mention word by word (وزارة الخارجية ↔ Foreign
/// Ministry): every Arabic word translates some content word of the mention. Returns the span
/// and the share of the mention's content words covered.
fn find_translated(words: &[ArWord<'_>], english: &str, lex: &Lexicon) -> Option<(Span, f32)> {
    let en_words: Vec<&str> = english
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !is_english_stopword(&w.to_lowercase()))
        .collect();
    if en_words.is_empty() || en_words.len() > 4 {
        return None;
    }
    let mut best: Option<(Span, f32)> = None;
    for first in 0..words.len() {
        let mut covered = vec![false; en_words.len()];
        for last in first..words.len().min(first + en_words.len() + 1) {
            let hits: Vec<usize> = (0..en_words.len())
                .filter(|&k| lex.translates(words[last].text, en_words[k]))
                .collect();
            if hits.is_empty() {
                break;
            }
            for k in hits {
                covered[k] = true;
            }
            let coverage = covered.iter().filter(|&&c| c).count() as f32 / en_words.len() as f32;
            // Every content word: a name half translated is half another name ("Foreign
            // Secretary Liz Truss" is found as its parts instead).
            if coverage >= 0.99 && best.is_none() {
                best = Some((
                    Span::new(words[first].span.start, words[last].span.end),
                    coverage,
                ));
            }
        }
    }
    best
}

/// The Arabic words the model's cross-attention links to the mention (`rel`: bytes in the
/// English sentence), as one span from the first to the last linked word.
fn linked_span(
    words: &[ArWord<'_>],
    ar_offset: usize,
    links: &[WordLink],
    rel: Span,
) -> Option<Span> {
    let src: Vec<Span> = links
        .iter()
        .filter(|l| l.tgt.start < rel.end && rel.start < l.tgt.end)
        .map(|l| l.src.shift(ar_offset))
        .collect();
    let hit: Vec<&ArWord> = words
        .iter()
        .filter(|w| {
            src.iter()
                .any(|s| s.start < w.span.end && w.span.start < s.end)
        })
        .collect();
    let (first, last) = (hit.first()?, hit.last()?);
    // A name is a few words; links scattered over the sentence are not one.
    let spread = words
        .iter()
        .filter(|w| first.span.start <= w.span.start && w.span.end <= last.span.end)
        .count();
    let names_words = rel.len().div_ceil(8).max(1);
    (spread <= names_words + 2).then(|| Span::new(first.span.start, last.span.end))
}

/// The kind the Arabic word before a name gives it (وكالة بلومبيرغ: an organisation).
fn arabic_head_kind(words: &[ArWord<'_>], at: usize) -> Option<EntityKind> {
    let head = normalize_key(words.get(at.checked_sub(1)?)?.text);
    // With or without a conjunction (ووكالة، وكالة: the و of وكالة is its own).
    let heads = [Some(head.as_str()), head.strip_prefix('و')];
    let is = |list: &[&str]| heads.iter().flatten().any(|h| list.contains(h));
    if is(AR_ORGANISATION_HEADS) {
        Some(EntityKind::Organisation)
    } else if is(AR_PERSON_HEADS) {
        Some(EntityKind::Person)
    } else {
        None
    }
}

/// Gives every pair its entity id: mentions with the same English or the same Arabic text are
/// one entity, and a one-word mention that is the last word (a surname) or the first word of
/// an earlier longer name joins that name's entity. Ids count from 0 in document order.
fn assign_entities(pairs: &mut [(EntityPair, String, String)]) {
    let n = pairs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut by_en: HashMap<String, usize> = HashMap::new();
    let mut by_ar: HashMap<String, usize> = HashMap::new();
    for (i, (_, en, ar)) in pairs.iter().enumerate() {
        for key in [by_en.get(en).copied(), by_ar.get(ar).copied()]
            .into_iter()
            .flatten()
        {
            let (a, b) = (root(&mut parent, i), root(&mut parent, key));
            parent[a] = b;
        }
        by_en.entry(en.clone()).or_insert(i);
        by_ar.entry(ar.clone()).or_insert(i);
    }
    // Surnames: a one-word person-like mention that ends (or starts) a longer name.
    for i in 0..n {
        let en = &pairs[i].1;
        if en.contains(' ') || matches!(pairs[i].0.kind, EntityKind::Number | EntityKind::Date) {
            continue;
        }
        let full = (0..n).find(|&j| {
            let other = &pairs[j].1;
            other.contains(' ')
                && (other.rsplit(' ').next() == Some(en.as_str())
                    || other.split(' ').next() == Some(en.as_str()))
                && matches!(pairs[j].0.kind, EntityKind::Person | EntityKind::Other)
        });
        if let Some(j) = full {
            let (a, b) = (root(&mut parent, i), root(&mut parent, j));
            parent[a] = b;
        }
    }
    let mut ids: HashMap<usize, EntityId> = HashMap::new();
    let mut kinds: HashMap<EntityId, EntityKind> = HashMap::new();
    for (i, (p, _, _)) in pairs.iter_mut().enumerate() {
        let r = root(&mut parent, i);
        let next = EntityId::from_index(ids.len());
        let id = *ids.entry(r).or_insert(next);
        p.entity = id;
        if p.kind != EntityKind::Other {
            kinds.entry(id).or_insert(p.kind);
        }
    }
    // What one mention tells of the entity holds for all (وكالة بلومبيرغ once: an agency).
    for (p, _, _) in pairs.iter_mut() {
        if p.kind == EntityKind::Other {
            if let Some(&k) = kinds.get(&p.entity) {
                p.kind = k;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(String, Option<EntityKind>)> {
        english_mentions(text, 0)
            .into_iter()
            .map(|m| (m.text, m.kind))
            .collect()
    }

    #[test]
    fn english_names_acronyms_numbers_and_dates() {
        use EntityKind::*;
        type Row<'a> = (&'a str, &'a [(&'a str, Option<EntityKind>)]);
        let table: &[Row] = &[
            (
                "The Chinese government asked TikTok for an account, Bloomberg reported.",
                &[("Chinese", None), ("TikTok", None), ("Bloomberg", None)],
            ),
            (
                "In April 2020, Elizabeth Kanter's team declined.",
                &[("April 2020", Some(Date)), ("Elizabeth Kanter", None)],
            ),
            (
                "He met the Ministry of Foreign Affairs and the BBC on Monday.",
                &[
                    ("Ministry of Foreign Affairs", Some(Organisation)),
                    ("BBC", Some(Organisation)),
                    ("Monday", Some(Date)),
                ],
            ),
            (
                "“We declined,” said Bashar al-Assad, adding that 2,500 people left.",
                &[("Bashar al-Assad", None), ("2,500", Some(Number))],
            ),
            (
                "Kanter, Andersen and Mr Truss met on 25 April 2024.",
                &[
                    ("Kanter", None),
                    ("Andersen", None),
                    ("Truss", Some(Person)),
                    ("25 April 2024", Some(Date)),
                ],
            ),
        ];
        for (text, want) in table {
            let got = texts(text);
            let want: Vec<(String, Option<EntityKind>)> =
                want.iter().map(|(t, k)| (t.to_string(), *k)).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    /// An alignment of two hand-built documents, beads one to one.
    fn aligned(ar: &[&str], en: &[&str]) -> Alignment {
        use crate::alignment::Bead;
        use crate::document::Lang;
        let (ar, en) = (
            super::super::testdoc::doc(Lang::Ar, ar),
            super::super::testdoc::doc(Lang::En, en),
        );
        let beads = (0..ar.sentences.len())
            .map(|i| Bead {
                ar: vec![SentenceId::from_index(i)],
                en: vec![SentenceId::from_index(i)],
                score: 1.0,
                flags: Vec::new(),
            })
            .collect();
        Alignment {
            ar,
            en,
            origin: EnglishOrigin::Parallel,
            beads,
            entities: Vec::new(),
            quotes: Vec::new(),
        }
    }

    /// (Arabic text, English text, kind, entity id) of each pair, in Arabic order.
    fn pairs(al: &Alignment) -> Vec<(&str, &str, EntityKind, u32)> {
        al.entities
            .iter()
            .map(|p| {
                (
                    al.ar.slice(p.ar_span),
                    al.en.slice(p.en_span),
                    p.kind,
                    p.entity.0,
                )
            })
            .collect()
    }

    #[test]
    fn names_places_and_dates_pair_up_and_surnames_share_the_entity() {
        use EntityKind::*;
        let mut al = aligned(
            &[
                "ذكرت وكالة بلومبيرغ أن اليزابيث كانتر رفضت طلب الصين في أبريل 2020.",
                "وقالت كانتر إن تيك توك لن يقبل مثل هذه الطلبات من بكين.",
            ],
            &[
                "Bloomberg reported that Elizabeth Kanter turned down China's request in April 2020.",
                "Kanter said TikTok would not accept such requests from Beijing.",
            ],
        );
        link_entities(&mut al, None);
        let got = pairs(&al);
        let want = [
            ("بلومبيرغ", "Bloomberg", Organisation, 0),
            ("اليزابيث كانتر", "Elizabeth Kanter", Other, 1),
            ("الصين", "China", Place, 2),
            ("أبريل 2020", "April 2020", Date, 3),
            ("كانتر", "Kanter", Other, 1),
            ("تيك توك", "TikTok", Other, 4),
        ];
        if Gazetteer::system().is_empty() {
            eprintln!("no gazetteer data: checking names only");
            assert!(got.contains(&want[0]) && got.contains(&want[4]), "{got:?}");
            return;
        }
        assert_eq!(got, want);
        assert!(al.entities.iter().all(|p| p.score > 0.8 && p.score <= 1.0));
    }

    #[test]
    fn unrelated_names_do_not_pair() {
        let mut al = aligned(
            &["وقال محمود عباس إن كارتر زار غزة."],
            &["Mohammed Abbas said Kanter visited Gaza."],
        );
        link_entities(&mut al, None);
        let got = pairs(&al);
        assert!(
            got.iter()
                .all(|(_, en, _, _)| !en.contains("Kanter") && !en.contains("Mohammed")),
            "{got:?}"
        );
    }

    #[test]
    fn latin_names_inside_the_arabic_pair_letter_for_letter() {
        let mut al = aligned(
            &["وقالت وكالة Reuters إن شركة OpenAI تعمل في Bloomberg Tower."],
            &["Reuters said OpenAI works in Bloomberg Tower."],
        );
        link_entities(&mut al, None);
        let got = pairs(&al);
        for name in ["Reuters", "OpenAI", "Bloomberg Tower"] {
            assert!(
                got.iter().any(|(ar, en, _, _)| *ar == name && *en == name),
                "{name}: {got:?}"
            );
        }
        // Only whole words: "Reuter" inside "Reuters" is not a place for a name "Reuter".
        let mut al = aligned(&["وقالت وكالة Reuters ذلك."], &["Reuter spoke."]);
        link_entities(&mut al, None);
        assert!(
            pairs(&al).iter().all(|(ar, _, _, _)| *ar != "Reuter"),
            "{:?}",
            pairs(&al)
        );
    }

    #[test]
    fn the_dictionary_pairs_translated_names() {
        let lex = Lexicon::from_pairs([
            ("وزارة", "ministry"),
            ("الخارجية", "foreign"),
            ("خارجية", "foreign affairs"),
        ]);
        let mut al = aligned(
            &["وانتقدت وزارة الخارجية القرار."],
            &["The Foreign Ministry criticised the decision."],
        );
        link_entities(&mut al, Some(&lex));
        assert_eq!(
            pairs(&al),
            [(
                "وزارة الخارجية",
                "Foreign Ministry",
                EntityKind::Organisation,
                0
            )]
        );
    }

    #[test]
    fn model_links_find_names_the_other_signals_miss() {
        use crate::alignment::{ModelInfo, Translation};
        let mut al = aligned(
            &["زار الرئيس شي جينبينغ موسكو."],
            &["President Xi visited Moscow."],
        );
        // Word links as the model's alignment head would give them (sentence-relative bytes).
        let ar = al.ar.sentence_text(SentenceId(0)).to_owned();
        let en = al.en.sentence_text(SentenceId(0)).to_owned();
        let at = |s: &str, w: &str| {
            let i = s.find(w).unwrap();
            Span::new(i, i + w.len())
        };
        let links = vec![
            WordLink {
                src: at(&ar, "شي"),
                tgt: at(&en, "Xi"),
            },
            WordLink {
                src: at(&ar, "زار"),
                tgt: at(&en, "visited"),
            },
        ];
        al.origin = EnglishOrigin::Translated {
            model: ModelInfo {
                id: "test double".into(),
                revision: "local".into(),
                ..ModelInfo::default()
            },
            translations: vec![Translation {
                sentence: SentenceId(0),
                text: en.clone(),
                flags: Vec::new(),
                links,
            }],
        };
        link_entities(&mut al, None);
        let got = pairs(&al);
        assert!(
            got.iter()
                .any(|&(a, e, k, _)| a == "شي" && e == "Xi" && k == EntityKind::Person),
            "{got:?}"
        );
    }

    #[test]
    fn beads_with_ids_beyond_the_documents_are_skipped() {
        use crate::alignment::Bead;
        let mut al = aligned(&["قال كانتر."], &["Kanter said."]);
        al.beads.push(Bead {
            ar: vec![SentenceId(7)],
            en: vec![SentenceId(0), SentenceId(9)],
            score: 0.5,
            flags: Vec::new(),
        });
        link_entities(&mut al, None);
        assert_eq!(pairs(&al), [("كانتر", "Kanter", EntityKind::Other, 0)]);
    }

    #[test]
    fn mention_spans_point_into_the_text() {
        let text = "Said Zhao Lijian’s office.";
        for m in english_mentions(text, 100) {
            assert_eq!(&text[m.span.start - 100..m.span.end - 100], m.text);
        }
        assert_eq!(texts(text), [("Zhao Lijian".to_string(), None)]);
    }
}
