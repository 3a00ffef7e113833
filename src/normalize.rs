//! A normalized view of a text for matching, with an offset map back to the original.
//!
//! Arabic is written with optional marks and several spellings of the same letter, so two
//! mentions of one name rarely match byte for byte. [`arabic`] takes a text and gives a
//! [`Normalized`] copy in the spirit of Lucene's `ArabicNormalizer` (NFKC; أ إ آ ٱ → ا; ى → ي;
//! ة → ه; Persian ی ک → ي ك; tatweel, harakat and invisible format marks removed; Arabic-Indic
//! and Persian digits → ASCII, ٫ → `.`, ٬ → `,`) plus a map from every normalized byte back to
//! the original bytes it came from, so a match found in the normalized text is highlighted on
//! the user's own characters (as `NormalizedString` does in the tokenizers crate).
//!
//! The text is normalized one cluster at a time: a character that starts a cluster (canonical
//! combining class 0) with the marks that follow it. NFKC never composes across such a
//! boundary in Arabic or Latin text, and mapping whole clusters means a span never ends in the
//! middle of a letter and its diacritics.

use crate::document::Span;
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// A normalized copy of a text and the way back to the original's byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalized text.
    pub text: String,
    /// One entry per run of normalized bytes that came from one original cluster, in order.
    pieces: Vec<Piece>,
    /// End of the original text (in the caller's offsets).
    original_len: usize,
    /// Where the original text starts in the caller's offsets (see [`arabic_span`]).
    base: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// Where this piece starts in the normalized text.
    norm: usize,
    /// The original cluster it came from.
    orig: usize,
    orig_end: usize,
}

impl Normalized {
    /// The piece that covers normalized byte `offset` (the last piece at or past the end).
    fn piece_at(&self, offset: usize) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.norm <= offset);
        self.pieces.get(i.checked_sub(1)?)
    }

    /// The original byte offset where the character at normalized byte `offset` came from; the
    /// end of the original text's last kept character for `offset == text.len()`.
    pub fn original_offset(&self, offset: usize) -> usize {
        if offset >= self.text.len() {
            return self.pieces.last().map_or(self.base, |p| p.orig_end);
        }
        self.piece_at(offset).map_or(self.base, |p| p.orig)
    }

    /// The original bytes a normalized span came from: from the start of the cluster of its
    /// first byte to the end of the cluster of its last byte (so marks stay with their letter).
    pub fn original_span(&self, span: Span) -> Span {
        if span.is_empty() {
            let at = self.original_offset(span.start);
            return Span::new(at, at);
        }
        let start = self.original_offset(span.start);
        let end = self
            .piece_at(span.end - 1)
            .map_or(self.original_len, |p| p.orig_end);
        Span::new(start, end.max(start))
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Normalizes `text` for matching (see the module documentation); also fine for English, which
/// NFKC only touches lightly (ligatures, full-width forms, non-breaking spaces).
pub fn arabic(text: &str) -> Normalized {
    let mut out = String::with_capacity(text.len());
    let mut pieces = Vec::new();
    let mut emit = |cluster: &str, start: usize, out: &mut String| {
        let before = out.len();
        if cluster.len() == 1 {
            // ASCII: NFKC leaves it alone.
            out.push_str(cluster);
        } else {
            for c in cluster.nfkc() {
                if let Some(m) = map_char(c) {
                    out.push(m);
                }
            }
        }
        if out.len() > before {
            pieces.push(Piece {
                norm: before,
                orig: start,
                orig_end: start + cluster.len(),
            });
        }
    };
    let mut cluster_start = 0;
    for (i, c) in text.char_indices() {
        if i > cluster_start && starts_cluster(c) {
            emit(&text[cluster_start..i], cluster_start, &mut out);
            cluster_start = i;
        }
    }
    if cluster_start < text.len() {
        emit(&text[cluster_start..], cluster_start, &mut out);
    }
    Normalized {
        text: out,
        pieces,
        original_len: text.len(),
        base: 0,
    }
}

/// Normalizes the part `span` of `text` (a sentence of a document, say); the offsets it maps
/// back to are offsets into the whole `text`, ready to use as document spans.
pub fn arabic_span(text: &str, span: Span) -> Normalized {
    let mut n = arabic(&text[span.range()]);
    for p in &mut n.pieces {
        p.orig += span.start;
        p.orig_end += span.start;
    }
    n.original_len += span.start;
    n.base = span.start;
    n
}

/// Whether `c` begins a new cluster: a starter, except the Hangul vowel and final jamo that
/// NFKC composes with the syllable before them.
fn starts_cluster(c: char) -> bool {
    c.is_ascii() || (canonical_combining_class(c) == 0 && !('\u{1161}'..='\u{11c2}').contains(&c))
}

/// The Arabic matching map for one NFKC-normalized character; `None` drops it.
fn map_char(c: char) -> Option<char> {
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        '٫' => '.',
        '٬' => ',',
        // Tatweel, harakat (fathatan..sukun), maddah/hamza marks and the rest of the
        // Arabic mark block, superscript alef.
        '\u{0640}' | '\u{064b}'..='\u{065f}' | '\u{0670}' => return None,
        // Invisible format characters: zero-width (non-)joiners and spaces, direction marks
        // and isolates, the BOM.
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061c}'
        | '\u{feff}' => return None,
        _ => c,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_lucene() {
        let cases = [
            ("أحمد", "احمد"),
            ("إسرائيل", "اسرائيل"),
            ("آمال", "امال"),
            ("ٱلله", "الله"),
            ("مستشفى", "مستشفي"),
            ("الصحيفة", "الصحيفه"),
            ("كتــــاب", "كتاب"),
            ("مُحَمَّدٌ", "محمد"),
            ("الرَّحْمٰن", "الرحمن"),
            ("٢٠٢٤", "2024"),
            ("۱۳۹۹", "1399"),
            ("٣٫٥", "3.5"),
            ("١٬٠٠٠", "1,000"),
            // Presentation forms and the lam-alef ligature (NFKC).
            ("\u{fefb}", "لا"),
            ("\u{fef7}", "لا"),
            // Decomposed alef + hamza above composes, then maps.
            ("\u{0627}\u{0654}", "ا"),
            ("فارسی کتاب", "فارسي كتاب"),
            ("a\u{200f}b\u{feff}", "ab"),
            ("ﬁne café", "fine café"),
            ("Mr. Smith", "Mr. Smith"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(arabic(input).text, want, "{input}");
        }
    }

    #[test]
    fn spans_map_back_to_original_bytes() {
        // (original, a substring of the normalized text, the original text it must map to)
        let cases = [
            ("قالَ أحمدُ كلمتَه", "احمد", "أحمدُ"),
            ("قالَ أحمدُ كلمتَه", "كلمته", "كلمتَه"),
            ("\u{feff}بلومبيـــرغ: الصين", "بلومبيرغ", "بلومبيـــرغ"),
            ("في عام ٢٠٢٠ قالت", "2020", "٢٠٢٠"),
            ("x ﷲ y", "الله", "ﷲ"),
            ("مستشفى الشفاء", "مستشفي الشفاء", "مستشفى الشفاء"),
            ("Mr. Smith said", "Smith", "Smith"),
        ];
        for (orig, needle, want) in cases {
            let n = arabic(orig);
            let at = n
                .text
                .find(needle)
                .unwrap_or_else(|| panic!("{needle} in {}", n.text));
            let span = n.original_span(Span::new(at, at + needle.len()));
            assert_eq!(&orig[span.range()], want, "{orig}");
        }
    }

    #[test]
    fn a_span_of_a_document_maps_to_document_offsets() {
        let doc = "العنوان\n\nقالَ أحمدُ كلمتَه";
        let start = doc.find('ق').unwrap();
        let n = arabic_span(doc, Span::new(start, doc.len()));
        assert_eq!(n.text, "قال احمد كلمته");
        let at = n.text.find("احمد").unwrap();
        let span = n.original_span(Span::new(at, at + "احمد".len()));
        assert_eq!(&doc[span.range()], "أحمدُ");
        assert_eq!(n.original_offset(n.len()), doc.len());
        let empty = arabic_span(doc, Span::new(start, start));
        assert_eq!(empty.original_offset(0), start);
    }

    proptest::proptest! {
        #[test]
        fn spans_map_inside_on_char_boundaries_and_in_order(
            text in "[ a.أإآٱىةـَُِّ٠-٩۰-۹\u{fefb}\u{200f}é\u{0301}한\u{1161}]{0,40}",
            a in 0usize..200,
            b in 0usize..200,
        ) {
            let n = arabic(&text);
            let (a, b) = (a.min(n.len()), b.min(n.len()));
            let span = Span::new(a.min(b), a.max(b));
            let orig = n.original_span(span);
            proptest::prop_assert!(orig.start <= orig.end && orig.end <= text.len());
            proptest::prop_assert!(text.is_char_boundary(orig.start) && text.is_char_boundary(orig.end));
            // Later normalized offsets never map before earlier ones.
            proptest::prop_assert!(n.original_offset(span.start) <= n.original_offset(span.end));
        }
    }

    #[test]
    fn offsets_at_the_edges() {
        let orig = "َأب";
        let n = arabic(orig);
        assert_eq!(n.text, "اب");
        // The leading stray mark is dropped: normalized byte 0 is the alef at byte 2.
        assert_eq!(n.original_offset(0), 2);
        assert_eq!(n.original_offset(n.len()), orig.len());
        assert_eq!(n.original_span(Span::new(2, 2)), Span::new(4, 4));
        let empty = arabic("\u{064e}");
        assert!(empty.is_empty());
        assert_eq!(empty.original_offset(0), 0);
        assert_eq!(empty.original_span(Span::new(0, 0)), Span::new(0, 0));
    }
}
