//! The shared vocabulary of every stage: a [`Document`] read from the user's file, cut into
//! [`Paragraph`]s, [`Sentence`]s and [`Quote`]s, each located by a [`Span`] of byte offsets into
//! the ORIGINAL input (BOM and CRLF included), so that any later stage can point back at the
//! user's own characters.
//!
//! Ids are newtypes: an index into the owning document's vector of that kind.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// A half-open byte range `start..end` into a document's original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span {start}..{end} runs backwards");
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
    /// Whether `other` lies entirely inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// This span moved right by `offset` bytes (a sentence-relative span made document-relative).
    pub fn shift(&self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Self {
        Span::new(r.start, r.end)
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
            pub fn from_index(i: usize) -> Self {
                $name(u32::try_from(i).expect("id overflow"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// Index of a paragraph in [`Document::paragraphs`].
    ParagraphId
);
id_type!(
    /// Index of a sentence in [`Document::sentences`].
    SentenceId
);
id_type!(
    /// Index of a quote in [`Document::quotes`].
    QuoteId
);
id_type!(
    /// Index of an entity group in an alignment (all mentions of one name share it).
    EntityId
);

/// The language of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ar,
    En,
}

impl Lang {
    /// The BCP 47 tag (`ar`, `en`), as used in HTML `lang` and TMX `xml:lang`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// Where a document came from: a path as the user gave it, `-` for standard input, or a
/// record id from a batch manifest. Used in every error message and in rendered headers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Origin(pub String);

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A blank-line-separated block of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub id: ParagraphId,
    /// The paragraph's text, without surrounding line breaks.
    pub span: Span,
    /// The sentences of this paragraph, as a contiguous id range.
    pub sentences: Range<u32>,
}

impl Paragraph {
    pub fn sentence_ids(&self) -> impl Iterator<Item = SentenceId> {
        self.sentences.clone().map(SentenceId)
    }
}

/// One sentence (or headline, dateline, byline: a unit that is translated and aligned whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    pub id: SentenceId,
    pub paragraph: ParagraphId,
    pub span: Span,
    /// Quotes that start in this sentence.
    pub quotes: Vec<QuoteId>,
}

/// What a quoted stretch of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// A quoted statement: words attributed to someone.
    Statement,
    /// One or two quoted words («حساس», "sensitive"): a term set off, not a statement.
    Scare,
}

/// A quoted stretch of text with its marks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub id: QuoteId,
    /// The sentence the opening mark is in.
    pub sentence: SentenceId,
    /// From the opening to the closing mark, both included.
    pub span: Span,
    /// The quoted words without the marks.
    pub inner: Span,
    /// Who said it, where the text says (e.g. «متحدث باسم تيك توك»): in the quote's sentence,
    /// or in an earlier one when the sentence goes on quoting a speaker named before it
    /// (`وأضاف: «…»`).
    pub speaker: Option<Span>,
    pub kind: QuoteKind,
}

/// A line or paragraph dropped because it repeated the one before it exactly (scraped pages
/// repeat datelines and headlines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collapsed {
    /// The dropped repeat.
    pub span: Span,
    /// The kept original it repeats.
    pub kept: Span,
}

/// A text read from the user, segmented.
///
/// `text` is the input exactly as given (a leading BOM and CR/CRLF line ends included), so
/// every [`Span`] indexes the user's file byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub origin: Origin,
    pub text: String,
    pub lang: Lang,
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
    pub quotes: Vec<Quote>,
    pub collapsed: Vec<Collapsed>,
}

impl Document {
    /// The original text under `span`.
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.range()]
    }
    pub fn sentence(&self, id: SentenceId) -> &Sentence {
        &self.sentences[id.index()]
    }
    pub fn sentence_text(&self, id: SentenceId) -> &str {
        self.slice(self.sentences[id.index()].span)
    }
    pub fn paragraph(&self, id: ParagraphId) -> &Paragraph {
        &self.paragraphs[id.index()]
    }
    pub fn quote(&self, id: QuoteId) -> &Quote {
        &self.quotes[id.index()]
    }
}
