//! tarjuman (ترجمان, "interpreter") translates Arabic news articles into English with a local
//! transformer model and aligns both sides: sentences, named entities and quoted statements.
//!
//! Data flows one way, each stage taking the previous stage's type:
//!
//! ```text
//! read ──► Document ──► segment ──► Sentences ──► translate ──► Translations
//!                                        │                          │
//!                                        └──────────► align ◄───────┘  (or a given English text)
//!                                                       │
//!                                                       ▼
//!                                                   Alignment ──► render (html | tsv | json | tmx | moses | md)
//! ```
//!
//! - [`read`]: bytes from a file or stdin, checked (UTF-8, not binary, not empty).
//! - [`normalize`]: a normalized view of Arabic text for matching, with offsets back.
//! - [`segment`]: paragraphs, sentences and quotes, as byte spans into the original input.
//! - [`model`]: the Marian (OPUS-MT) encoder-decoder on candle, its tokenizers, model folders
//!   and the hub.
//! - [`translate`]: batched greedy/beam decoding of sentences, fidelity flags, word links.
//! - [`align`]: sentence beads, entity pairs and quote matches between Arabic and English.
//! - [`render`]: HTML, JSON, TSV, TMX, Moses and Markdown output.
//! - [`batch`]: many inputs, one model load, resumable and sharded.
//! - [`pipeline`]: the one place that knows the order of the stages.

pub mod align;
pub mod alignment;
pub mod batch;
pub mod document;
pub mod error;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod read;
pub mod render;
pub mod segment;
pub mod translate;

pub use alignment::{Alignment, QuoteReport};
pub use document::{Document, Lang, Span};
pub use error::{Error, Result};
