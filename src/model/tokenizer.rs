//! The Marian (OPUS-MT) tokenizer, in Rust, identical to HF transformers' `MarianTokenizer`.
//!
//! Takes a model folder's `source.spm`, `target.spm` and `vocab.json`; gives token ids for the
//! encoder (with `</s>` appended), the byte range of every token in the ORIGINAL sentence (word
//! alignment needs them), and text back from generated ids.
//!
//! What HF does, and so what this does: text is split on the special tokens (`</s>`, `<unk>`,
//! `<pad>` written literally), a leading `>>lang<<` code is split off, the rest is segmented by
//! SentencePiece (normalization with the model's precompiled charsmap, whitespace handling,
//! unigram Viterbi, runs of unknown characters merged into one piece), and each piece STRING is
//! looked up in `vocab.json` (misses → `<unk>`). Marian's ids are not SentencePiece's ids.
//!
//! SentencePiece is reimplemented here (`Normalizer`, `SentencePiece`) rather than bound through C++:
//! the rules that decide the segmentation are short, and owning them lets offsets survive
//! normalization. The references are `normalizer.cc` (`Normalize`, `NormalizePrefix`),
//! `unigram_model.cc` (`Model::Encode`, the "optimized" Viterbi that SentencePiece ≥ 0.1.9x runs)
//! and `sentencepiece_processor.cc` (unknown-run merging, byte fallback, `DecodePieces`).

use crate::error::{Error, Result};
use crate::model::files::required_file;
use crate::model::spm::{ModelType, PieceType, SpmModel};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The text unit SentencePiece writes for a space (U+2581 LOWER ONE EIGHTH BLOCK).
const SPACE_SYMBOL: &str = "\u{2581}";

/// A tokenized sentence: one entry per token in each of the three vectors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Encoding {
    /// Marian ids (from vocab.json), `</s>` last.
    pub ids: Vec<u32>,
    /// The token strings the ids were looked up with (SentencePiece pieces, special tokens).
    pub tokens: Vec<String>,
    /// Byte range of each token in the original text. Tokens that have no surface (the
    /// dummy-prefix `▁`, the appended `</s>`) get an empty range where they stand.
    pub offsets: Vec<Range<usize>>,
}

impl Encoding {
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Source and target SentencePiece models plus the shared Marian vocabulary.
#[derive(Debug, Clone)]
pub struct MarianTokenizer {
    source: SentencePiece,
    target: SentencePiece,
    vocab: HashMap<String, u32>,
    /// id → token; `None` for ids vocab.json does not use.
    id_to_token: Vec<Option<String>>,
    eos_id: u32,
    unk_id: u32,
    pad_id: u32,
}

/// The tokens HF treats as special (`all_special_tokens`): split out of the input text,
/// skipped by `decode(.., skip_special_tokens = true)`.
const SPECIAL_TOKENS: [&str; 3] = ["</s>", "<unk>", "<pad>"];

impl MarianTokenizer {
    /// Loads `source.spm`, `target.spm` and `vocab.json` from a model folder.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let file = |name: &str| required_file(dir, name);
        Self::from_files(
            &file("source.spm")?,
            &file("target.spm")?,
            &file("vocab.json")?,
        )
    }

    /// Loads the tokenizer from explicit file paths.
    pub fn from_files(source_spm: &Path, target_spm: &Path, vocab_json: &Path) -> Result<Self> {
        let source = SentencePiece::new(SpmModel::load(source_spm)?)?;
        let target = SentencePiece::new(SpmModel::load(target_spm)?)?;
        let text = std::fs::read_to_string(vocab_json).map_err(|source| Error::Io {
            path: vocab_json.to_path_buf(),
            source,
        })?;
        let vocab = parse_vocab(&text, vocab_json)?;
        Self::new(source, target, vocab, vocab_json)
    }

    fn new(
        source: SentencePiece,
        target: SentencePiece,
        vocab: HashMap<String, u32>,
        vocab_path: &Path,
    ) -> Result<Self> {
        let bad = |reason: String| Error::ModelFile {
            path: vocab_path.to_path_buf(),
            reason,
        };
        let special = |name: &str| {
            vocab.get(name).copied().ok_or_else(|| {
                bad(format!(
                    "it has no {name} token (is it the vocab.json of a Marian model?)"
                ))
            })
        };
        let (eos_id, unk_id, pad_id) = (special("</s>")?, special("<unk>")?, special("<pad>")?);
        for side in [&source, &target] {
            let (found, total) = side.coverage(&vocab);
            // A few pieces may be missing (they then map to <unk>, as in HF); most missing
            // means the vocab belongs to another model.
            if found * 2 < total {
                return Err(bad(format!(
                    "it does not match {}: only {found} of its {total} pieces are in vocab.json",
                    side.path.display()
                )));
            }
        }
        let max_id = vocab.values().copied().max().unwrap_or(0) as usize;
        let mut id_to_token = vec![None; max_id + 1];
        // HF builds its decoder as {id: token}; with duplicate ids the later entry wins, and
        // iteration order is the file's. HashMap order is arbitrary, so prefer the
        // lexicographically larger token for determinism (duplicates don't occur in
        // OPUS-MT vocabularies).
        for (token, &id) in &vocab {
            let slot = &mut id_to_token[id as usize];
            if slot.as_ref().is_none_or(|old: &String| token > old) {
                *slot = Some(token.clone());
            }
        }
        Ok(Self {
            source,
            target,
            vocab,
            id_to_token,
            eos_id,
            unk_id,
            pad_id,
        })
    }

    /// Encodes a source (Arabic) sentence for the encoder: ids, tokens, offsets; `</s>` last.
    pub fn encode(&self, text: &str) -> Encoding {
        self.encode_with(&self.source, text)
    }

    /// Encodes a target (English) sentence as HF's `tokenizer(text_target=..)` does.
    pub fn encode_target(&self, text: &str) -> Encoding {
        self.encode_with(&self.target, text)
    }

    fn encode_with(&self, side: &SentencePiece, text: &str) -> Encoding {
        let mut out = Encoding::default();
        for (segment, start) in split_special(text) {
            if SPECIAL_TOKENS.contains(&segment) {
                self.push(&mut out, segment, start..start + segment.len());
                continue;
            }
            // MarianTokenizer.remove_language_code: a leading `>>xx<<` is one token.
            let mut rest = segment;
            let mut at = start;
            if segment.starts_with(">>") {
                if let Some(end) = segment.find("<<") {
                    let code = &segment[..end + 2];
                    self.push(&mut out, code, at..at + code.len());
                    rest = &segment[end + 2..];
                    at += end + 2;
                }
            }
            for piece in side.encode(rest) {
                self.push(
                    &mut out,
                    &piece.text,
                    at + piece.span.start..at + piece.span.end,
                );
            }
        }
        out.ids.push(self.eos_id);
        out.tokens.push("</s>".to_string());
        out.offsets.push(text.len()..text.len());
        out
    }

    fn push(&self, out: &mut Encoding, token: &str, span: Range<usize>) {
        out.ids.push(self.token_to_id(token));
        out.tokens.push(token.to_string());
        out.offsets.push(span);
    }

    /// The id of a token string; `<unk>` when vocab.json lacks it (as HF does).
    pub fn token_to_id(&self, token: &str) -> u32 {
        self.vocab.get(token).copied().unwrap_or(self.unk_id)
    }

    /// The token string of an id, if vocab.json has one.
    pub fn id_to_token(&self, id: u32) -> Option<&str> {
        self.id_to_token.get(id as usize)?.as_deref()
    }

    /// Text from ids, as HF's `tokenizer.decode(ids, skip_special_tokens=..)` gives it:
    /// pieces joined, `▁` → space, trimmed. Ids outside the vocabulary read as `<unk>`.
    pub fn decode(&self, ids: &[u32], skip_special_tokens: bool) -> String {
        // HF decodes with the SOURCE spm when the vocabulary is shared (its
        // `_decode_use_source_tokenizer` default); pieces that spm doesn't know are copied.
        let side = &self.source;
        let mut out = String::new();
        let mut run: Vec<&str> = Vec::new();
        for &id in ids {
            let token = self.id_to_token(id).unwrap_or("<unk>");
            if SPECIAL_TOKENS.contains(&token) {
                if skip_special_tokens {
                    continue;
                }
                out.push_str(&side.decode_pieces(&run));
                run.clear();
                out.push_str(token);
                out.push(' ');
            } else {
                run.push(token);
            }
        }
        out.push_str(&side.decode_pieces(&run));
        let out = out.replace(SPACE_SYMBOL, " ");
        // Python's str.strip(): Unicode whitespace plus the separators \x1c-\x1f.
        out.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
            .to_string()
    }

    pub fn eos_id(&self) -> u32 {
        self.eos_id
    }
    pub fn unk_id(&self) -> u32 {
        self.unk_id
    }
    /// `<pad>`: padding, and the decoder's start token in Marian models.
    pub fn pad_id(&self) -> u32 {
        self.pad_id
    }
    /// Number of ids (largest id + 1).
    pub fn vocab_size(&self) -> usize {
        self.id_to_token.len()
    }
    /// The source SentencePiece model's file.
    pub fn source_path(&self) -> &Path {
        &self.source.path
    }
}

/// Parses vocab.json (`{"piece": id, ...}`).
fn parse_vocab(text: &str, path: &Path) -> Result<HashMap<String, u32>> {
    let bad = |reason: String| Error::ModelFile {
        path: path.to_path_buf(),
        reason,
    };
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
        .map_err(|e| bad(format!("not a JSON object of token ids: {e}")))?;
    // Real vocabularies have ~60k entries; an id far beyond the entry count is corruption
    // (and would make the id table huge).
    let limit = map.len().max(1) * 4 + 1024;
    map.into_iter()
        .map(|(token, value)| match value.as_u64() {
            Some(id) if (id as usize) < limit => Ok((token, id as u32)),
            _ => Err(bad(format!("token {token:?} has a bad id {value}"))),
        })
        .collect()
}

/// Splits text around literal special tokens (leftmost match; HF's added-tokens trie).
/// Yields `(segment, byte offset)`; special tokens come out as their own segments.
fn split_special(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        if let Some(token) = SPECIAL_TOKENS.iter().find(|t| rest.starts_with(**t)) {
            if start < pos {
                out.push((&text[start..pos], start));
            }
            out.push((&text[pos..pos + token.len()], pos));
            pos += token.len();
            start = pos;
        } else {
            pos += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    if start < text.len() {
        out.push((&text[start..], start));
    }
    out
}

/// One SentencePiece piece of an encoded text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpmPiece {
    /// The piece as SentencePiece writes it (`▁` for spaces; an unknown run is its text).
    pub text: String,
    /// SentencePiece's own id (not Marian's).
    pub id: usize,
    /// Byte range in the original text.
    pub span: Range<usize>,
}

/// One SentencePiece (unigram) model ready to encode and decode: normalizer, piece table,
/// scores. `MarianTokenizer` holds two; it is public for tools that want plain SentencePiece.
#[derive(Debug, Clone)]
pub struct SentencePiece {
    path: PathBuf,
    normalizer: Normalizer,
    /// Normal, user-defined and unused pieces (what SentencePiece puts in its trie) → id.
    pieces: HashMap<String, usize>,
    /// Control, unknown and byte pieces → id (PieceToId finds these too).
    reserved: HashMap<String, usize>,
    kinds: Vec<PieceType>,
    scores: Vec<f32>,
    /// Longest piece in the trie, in bytes: bounds the prefix search.
    max_piece_len: usize,
    unk_id: usize,
    unk_piece: String,
    unk_surface: String,
    byte_fallback: bool,
    min_score: f32,
    max_score: f32,
}

impl SentencePiece {
    /// Loads a `.spm` file.
    pub fn load(path: &Path) -> Result<Self> {
        Self::new(SpmModel::load(path)?)
    }

    pub fn new(model: SpmModel) -> Result<Self> {
        let path = model.path.clone();
        let bad = |reason: String| Error::ModelFile {
            path: path.clone(),
            reason,
        };
        if model.trainer.model_type != ModelType::Unigram {
            return Err(bad(format!(
                "it is a {:?} SentencePiece model; Marian models use unigram",
                model.trainer.model_type
            )));
        }
        let normalizer = Normalizer::new(&model).map_err(bad)?;
        let mut pieces = HashMap::new();
        let mut reserved = HashMap::new();
        let mut byte_pieces = 0;
        // FLT_MAX / FLT_MIN as in unigram_model.cc: FLT_MIN is the smallest POSITIVE float,
        // so with the usual negative log-prob scores max_score stays ~1e-38 and user-defined
        // pieces score -0.1 per the "length * max_score - 0.1" rule.
        let (mut min_score, mut max_score) = (f32::MAX, f32::MIN_POSITIVE);
        for (id, p) in model.pieces.iter().enumerate() {
            let in_trie = matches!(
                p.kind,
                PieceType::Normal | PieceType::UserDefined | PieceType::Unused
            );
            let table = if in_trie { &mut pieces } else { &mut reserved };
            if table.insert(p.piece.clone(), id).is_some() {
                return Err(bad(format!("piece {:?} is defined twice", p.piece)));
            }
            if p.kind == PieceType::Normal {
                min_score = min_score.min(p.score);
                max_score = max_score.max(p.score);
            }
            if p.kind == PieceType::Byte {
                byte_pieces += usize::from(parse_byte_piece(&p.piece).is_some());
            }
        }
        let unk_id = model.unk_id();
        let byte_fallback = model.trainer.byte_fallback;
        if byte_fallback && byte_pieces != 256 {
            return Err(bad(format!(
                "byte fallback is on but it has {byte_pieces} of the 256 byte pieces"
            )));
        }
        Ok(Self {
            path,
            normalizer,
            max_piece_len: pieces.keys().map(String::len).max().unwrap_or(0),
            pieces,
            reserved,
            kinds: model.pieces.iter().map(|p| p.kind).collect(),
            scores: model.pieces.iter().map(|p| p.score).collect(),
            unk_id,
            unk_piece: model.pieces[unk_id].piece.clone(),
            unk_surface: model.trainer.unk_surface.clone(),
            byte_fallback,
            min_score,
            max_score,
        })
    }

    /// How many of this model's ordinary pieces vocab.json has: `(found, total)`.
    fn coverage(&self, vocab: &HashMap<String, u32>) -> (usize, usize) {
        let ordinary = self
            .pieces
            .iter()
            .filter(|(_, &id)| self.kinds[id] != PieceType::Unused);
        let (mut found, mut total) = (0, 0);
        for (piece, _) in ordinary {
            total += 1;
            found += usize::from(vocab.contains_key(piece));
        }
        (found, total)
    }

    /// SentencePiece `Encode` to pieces, with byte ranges into `text`.
    pub fn encode(&self, text: &str) -> Vec<SpmPiece> {
        let (normalized, to_orig) = self.normalizer.normalize(text);
        let mut out: Vec<SpmPiece> = Vec::new();
        let mut prev_unk = false;
        for (range, id) in self.viterbi(&normalized) {
            let span = to_orig[range.start]..to_orig[range.end];
            let piece = &normalized[range];
            let is_unk = id == self.unk_id;
            if is_unk && self.byte_fallback {
                // Each byte of the unknown character becomes a <0xXX> piece; the last one
                // carries the surface.
                let bytes = piece.as_bytes();
                for (i, b) in bytes.iter().enumerate() {
                    let span = if i + 1 == bytes.len() {
                        span.clone()
                    } else {
                        span.start..span.start
                    };
                    let text = format!("<0x{b:02X}>");
                    let id = self.reserved.get(&text).copied().unwrap_or(self.unk_id);
                    out.push(SpmPiece { text, id, span });
                }
            } else if is_unk && prev_unk {
                // A run of unknown characters is one piece (so a decoder can copy it).
                let last = out.last_mut().expect("previous piece exists");
                last.text.push_str(piece);
                last.span.end = span.end;
            } else {
                out.push(SpmPiece {
                    text: piece.to_string(),
                    id,
                    span,
                });
            }
            prev_unk = is_unk;
        }
        out
    }

    /// The best segmentation of a normalized string: `(byte range, piece id)` in order.
    /// Mirrors unigram_model.cc `Model::Encode` including its tie-breaking (first best kept).
    fn viterbi(&self, normalized: &str) -> Vec<(Range<usize>, usize)> {
        const UNK_PENALTY: f32 = 10.0;
        let unk_score = self.min_score - UNK_PENALTY;
        let size = normalized.len();
        // best[end] = (score, start, id) of the best path ending at byte `end`.
        let mut best: Vec<Option<(f32, usize, usize)>> = vec![None; size + 1];
        best[0] = Some((0.0, 0, usize::MAX));
        // A candidate replaces the best path only when strictly better: the first one seen
        // wins ties, as in SentencePiece.
        fn offer(slot: &mut Option<(f32, usize, usize)>, score: f32, start: usize, id: usize) {
            if slot.is_none_or(|(old, _, _)| score > old) {
                *slot = Some((score, start, id));
            }
        }
        let mut start = 0;
        while start < size {
            let here = best[start].map_or(0.0, |(s, _, _)| s);
            let rest = &normalized[start..];
            let char_len = rest.chars().next().map_or(1, char::len_utf8);
            let mut has_single = false;
            // Prefix ends at character boundaries, shortest first, up to the longest piece.
            let ends = rest.char_indices().skip(1).map(|(i, _)| i);
            for end in ends
                .chain(std::iter::once(rest.len()))
                .take_while(|&end| end <= self.max_piece_len)
            {
                let Some(&id) = self.pieces.get(&rest[..end]) else {
                    continue;
                };
                let kind = self.kinds[id];
                if kind == PieceType::Unused {
                    continue;
                }
                let score = if kind == PieceType::UserDefined {
                    end as f32 * self.max_score - 0.1
                } else {
                    self.scores[id]
                };
                offer(&mut best[start + end], here + score, start, id);
                has_single |= end == char_len;
            }
            if !has_single {
                offer(
                    &mut best[start + char_len],
                    here + unk_score,
                    start,
                    self.unk_id,
                );
            }
            start += char_len;
        }
        let mut out = Vec::new();
        let mut end = size;
        while end > 0 {
            let (_, start, id) = best[end].expect("every char boundary is reachable");
            out.push((start..end, id));
            end = start;
        }
        out.reverse();
        out
    }

    /// SentencePiece `DecodePieces` (the part HF's output still shows after it replaces `▁`
    /// and strips): control pieces vanish, `<unk>` shows its surface, byte pieces become
    /// UTF-8, pieces the model doesn't know are copied as they are.
    pub fn decode_pieces(&self, pieces: &[&str]) -> String {
        let mut out = String::new();
        let mut bytes: Vec<u8> = Vec::new();
        let mut first = true;
        for piece in pieces {
            let id = self
                .pieces
                .get(*piece)
                .or_else(|| self.reserved.get(*piece))
                .copied()
                .unwrap_or(self.unk_id);
            if self.kinds[id] == PieceType::Byte {
                if let Some(b) = parse_byte_piece(piece) {
                    bytes.push(b);
                    continue;
                }
            }
            if !bytes.is_empty() {
                out.push_str(&String::from_utf8_lossy(&bytes));
                bytes.clear();
            }
            let surface: Cow<str> = match self.kinds[id] {
                PieceType::Control => Cow::Borrowed(""),
                _ if id == self.unk_id => {
                    if *piece == self.unk_piece {
                        Cow::Borrowed(self.unk_surface.as_str())
                    } else {
                        Cow::Borrowed(*piece)
                    }
                }
                _ => {
                    let piece = if first && self.normalizer.strips_leading_space() {
                        piece.strip_prefix(SPACE_SYMBOL).unwrap_or(piece)
                    } else {
                        piece
                    };
                    Cow::Owned(piece.replace(SPACE_SYMBOL, " "))
                }
            };
            first = false;
            out.push_str(&surface);
        }
        out.push_str(&String::from_utf8_lossy(&bytes));
        out
    }
}

fn parse_byte_piece(piece: &str) -> Option<u8> {
    let hex = piece.strip_prefix("<0x")?.strip_suffix('>')?;
    (hex.len() == 2).then(|| u8::from_str_radix(hex, 16).ok())?
}

/// SentencePiece's normalizer: charsmap rewrites, user-defined pieces kept verbatim,
/// whitespace trimmed/collapsed and written as `▁`, with a map back to original offsets.
#[derive(Debug, Clone)]
struct Normalizer {
    charsmap: Option<CharsMap>,
    /// User-defined pieces: matched before the charsmap and copied unnormalized.
    user_defined: Vec<String>,
    add_dummy_prefix: bool,
    remove_extra_whitespaces: bool,
    escape_whitespaces: bool,
}

impl Normalizer {
    fn new(model: &SpmModel) -> Result<Self, String> {
        let spec = &model.normalizer;
        let charsmap = if spec.precompiled_charsmap.is_empty() {
            None
        } else {
            Some(CharsMap::parse(&spec.precompiled_charsmap)?)
        };
        let mut user_defined: Vec<String> = model
            .pieces
            .iter()
            .filter(|p| p.kind == PieceType::UserDefined)
            .map(|p| p.piece.clone())
            .collect();
        // Longest first, so the first prefix hit is the longest (PrefixMatcher semantics).
        user_defined.sort_by_key(|p| std::cmp::Reverse(p.len()));
        Ok(Self {
            charsmap,
            user_defined,
            add_dummy_prefix: spec.add_dummy_prefix,
            remove_extra_whitespaces: spec.remove_extra_whitespaces,
            escape_whitespaces: spec.escape_whitespaces,
        })
    }

    /// Decoding strips the first piece's `▁` when encoding would have added one.
    fn strips_leading_space(&self) -> bool {
        self.add_dummy_prefix || self.remove_extra_whitespaces
    }

    /// The normalized replacement of the longest rule at the start of `input`, and how many
    /// input bytes it consumes (`NormalizePrefix`).
    fn normalize_prefix<'a>(&'a self, input: &'a str) -> (&'a str, usize) {
        if let Some(p) = self
            .user_defined
            .iter()
            .find(|p| input.starts_with(p.as_str()))
        {
            return (&input[..p.len()], p.len());
        }
        if let Some(hit) = self.charsmap.as_ref().and_then(|m| m.longest(input)) {
            return hit;
        }
        let len = input.chars().next().map_or(0, char::len_utf8);
        (&input[..len], len)
    }

    /// `Normalize`: the normalized string and, for each of its bytes plus one past the end,
    /// the byte offset in `input` it comes from.
    fn normalize(&self, input: &str) -> (String, Vec<usize>) {
        let mut normalized = String::with_capacity(input.len() * 3);
        let mut to_orig: Vec<usize> = Vec::with_capacity(input.len() * 3);
        let mut consumed = 0;
        let mut rest = input;
        if self.remove_extra_whitespaces {
            while !rest.is_empty() {
                let (out, len) = self.normalize_prefix(rest);
                if out != " " {
                    break;
                }
                rest = &rest[len..];
                consumed += len;
            }
        }
        if rest.is_empty() {
            return (normalized, vec![consumed]);
        }
        let space = if self.escape_whitespaces {
            SPACE_SYMBOL
        } else {
            " "
        };
        if self.add_dummy_prefix {
            normalized.push_str(space);
            to_orig.extend(std::iter::repeat_n(consumed, space.len()));
        }
        let mut prev_space = self.remove_extra_whitespaces;
        while !rest.is_empty() {
            let (out, len) = self.normalize_prefix(rest);
            let mut out = out;
            if prev_space {
                out = out.trim_start_matches(' ');
            }
            if !out.is_empty() {
                for c in out.chars() {
                    if c == ' ' && self.escape_whitespaces {
                        normalized.push_str(SPACE_SYMBOL);
                        to_orig.extend(std::iter::repeat_n(consumed, SPACE_SYMBOL.len()));
                    } else {
                        normalized.push(c);
                        to_orig.extend(std::iter::repeat_n(consumed, c.len_utf8()));
                    }
                }
                prev_space = out.ends_with(' ');
            }
            consumed += len;
            rest = &rest[len..];
            if !self.remove_extra_whitespaces {
                prev_space = false;
            }
        }
        if self.remove_extra_whitespaces {
            while normalized.ends_with(space) {
                let len = normalized.len() - space.len();
                consumed = to_orig[len];
                normalized.truncate(len);
                to_orig.truncate(len);
            }
        }
        to_orig.push(consumed);
        (normalized, to_orig)
    }
}

/// SentencePiece's `precompiled_charsmap`: a Darts-clone double-array trie over UTF-8 bytes
/// whose values index NUL-terminated replacement strings.
///
/// Read here rather than with `spm_precompiled::Precompiled`: SentencePiece applies the
/// LONGEST rule at each position of the remaining input, while that crate's `transform`
/// takes the shortest hit within a grapheme (tokenizers' approximation), and it indexes the
/// trie without bounds checks, so a corrupt file would panic.
#[derive(Debug, Clone)]
struct CharsMap {
    units: Vec<u32>,
    normalized: Vec<u8>,
}

impl CharsMap {
    fn parse(blob: &[u8]) -> Result<Self, String> {
        let bad = || "its precompiled_charsmap is corrupt".to_string();
        let size: [u8; 4] = blob
            .get(..4)
            .ok_or_else(bad)?
            .try_into()
            .map_err(|_| bad())?;
        let trie_len = u32::from_le_bytes(size) as usize;
        if !trie_len.is_multiple_of(4) || trie_len == 0 || 4 + trie_len > blob.len() {
            return Err(bad());
        }
        let units = blob[4..4 + trie_len]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Ok(Self {
            units,
            normalized: blob[4 + trie_len..].to_vec(),
        })
    }

    /// Longest rule matching a prefix of `input`: (replacement, input bytes consumed).
    /// Like `NormalizePrefix`, only the first 32 hits are considered.
    fn longest<'a>(&'a self, input: &str) -> Option<(&'a str, usize)> {
        const MAX_RESULTS: usize = 32;
        let unit = |pos: usize| self.units.get(pos).copied();
        let offset = |u: u32| ((u >> 10) << ((u & (1 << 9)) >> 6)) as usize;
        let mut best: Option<(usize, usize)> = None; // (length, value)
        let mut hits = 0;
        let mut pos = offset(unit(0)?);
        for (i, &byte) in input.as_bytes().iter().enumerate() {
            pos ^= usize::from(byte);
            let Some(u) = unit(pos) else { break };
            // label: the byte this unit was reached with (bit 31 set marks a leaf value).
            if (u & ((1 << 31) | 0xff)) != u32::from(byte) {
                break;
            }
            pos ^= offset(u);
            if (u >> 8) & 1 == 1 {
                let value = (unit(pos)? & ((1 << 31) - 1)) as usize;
                if hits < MAX_RESULTS {
                    best = Some((i + 1, value));
                }
                hits += 1;
            }
        }
        let (len, value) = best?;
        let tail = self.normalized.get(value..)?;
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        let replacement = std::str::from_utf8(&tail[..end]).ok()?;
        // A rule must end on a character boundary of the input to be usable.
        input.is_char_boundary(len).then_some((replacement, len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> MarianTokenizer {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tiny-marian");
        MarianTokenizer::from_dir(&dir).unwrap()
    }

    #[test]
    fn special_tokens_split_out_of_text() {
        let cases: &[(&str, &[(&str, usize)])] = &[
            ("", &[]),
            ("abc", &[("abc", 0)]),
            ("a</s>b", &[("a", 0), ("</s>", 1), ("b", 5)]),
            ("<unk><pad>", &[("<unk>", 0), ("<pad>", 5)]),
            ("ب</s", &[("ب</s", 0)]),
        ];
        for (text, want) in cases {
            assert_eq!(split_special(text), want.to_vec(), "{text:?}");
        }
    }

    #[test]
    fn byte_pieces_parse() {
        let cases = [
            ("<0x00>", Some(0)),
            ("<0xFF>", Some(255)),
            ("<0x1>", None),
            ("<0xZZ>", None),
            ("a", None),
        ];
        for (piece, want) in cases {
            assert_eq!(parse_byte_piece(piece), want, "{piece}");
        }
    }

    #[test]
    fn normalization_keeps_offsets_into_the_original() {
        let tok = tiny();
        let n = &tok.source.normalizer;
        let cases = [
            // (input, normalized, offsets of each normalized char's first byte)
            ("  ab  ", "▁ab", vec![2, 2, 2, 2, 3]),
            ("a  b", "▁a▁b", vec![0, 0, 0, 0, 1, 1, 1, 3]),
            ("ﻻ", "▁لا", vec![0, 0, 0, 0, 0, 0, 0]),
            ("   ", "", vec![]),
        ];
        for (input, want, offsets) in cases {
            let (norm, map) = n.normalize(input);
            assert_eq!(norm, want, "{input:?}");
            assert_eq!(map.len(), norm.len() + 1);
            assert_eq!(&map[..offsets.len()], &offsets[..], "{input:?}");
            assert!(map.iter().all(|&o| o <= input.len()));
        }
    }

    #[test]
    fn encoding_appends_eos_and_offsets_point_into_the_text() {
        let tok = tiny();
        let text = "قال الرئيس 😀😀 x";
        let enc = tok.encode(text);
        assert_eq!(*enc.ids.last().unwrap(), tok.eos_id());
        assert_eq!(enc.offsets.last().unwrap(), &(text.len()..text.len()));
        // The two emojis are one unknown piece covering both of them.
        let emoji = enc.tokens.iter().position(|t| t == "😀😀").unwrap();
        assert_eq!(&text[enc.offsets[emoji].clone()], "😀😀");
        assert_eq!(enc.ids[emoji], tok.unk_id());
    }

    proptest::proptest! {
        /// Any text: no panic, `</s>` last, every range on character boundaries, in order.
        #[test]
        fn any_text_encodes_with_valid_offsets(text in "\\PC{0,40}|[ \u{600}-\u{6ff}a-z0-9<>/s\t]{0,40}") {
            let tok = tiny_cached();
            let enc = tok.encode(&text);
            proptest::prop_assert_eq!(*enc.ids.last().unwrap(), tok.eos_id());
            let mut last = 0;
            for r in &enc.offsets {
                proptest::prop_assert!(r.start <= r.end && r.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                proptest::prop_assert!(r.start >= last);
                last = r.start;
            }
            let _ = tok.decode(&enc.ids, true);
        }

        /// A model file with flipped bytes either loads or errors; encoding never panics.
        #[test]
        fn corrupted_spm_never_panics(flips in proptest::collection::vec((0usize..1_000_000, 0u8..=255), 1..8), text in "\\PC{0,20}") {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reference/byte-fallback.spm");
            let mut bytes = std::fs::read(&path).unwrap();
            for (at, b) in flips {
                let n = bytes.len();
                bytes[at % n] = b;
            }
            if let Ok(model) = SpmModel::from_bytes(&bytes, &path) {
                if let Ok(spm) = SentencePiece::new(model) {
                    let pieces = spm.encode(&text);
                    let texts: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
                    let _ = spm.decode_pieces(&texts);
                }
            }
        }

        /// Random bytes as a precompiled charsmap: lookups never index out of bounds.
        #[test]
        fn corrupt_charsmap_lookups_never_panic(blob in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200), text in "\\PC{0,20}") {
            if let Ok(map) = CharsMap::parse(&blob) {
                for (i, _) in text.char_indices() {
                    let _ = map.longest(&text[i..]);
                }
            }
        }
    }

    fn tiny_cached() -> &'static MarianTokenizer {
        static TOK: std::sync::OnceLock<MarianTokenizer> = std::sync::OnceLock::new();
        TOK.get_or_init(tiny)
    }

    #[test]
    fn bad_vocab_files_are_named() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tiny-marian");
        let tmp = tempfile::tempdir().unwrap();
        let cases = [
            (
                "no-eos.json",
                r#"{"<unk>": 1, "<pad>": 2}"#,
                "no </s> token",
            ),
            (
                "other.json",
                r#"{"</s>": 0, "<unk>": 1, "<pad>": 2, "x": 3}"#,
                "does not match",
            ),
            ("list.json", "[1, 2]", "not a JSON object"),
            ("neg.json", r#"{"</s>": -1}"#, "bad id"),
        ];
        for (name, body, needle) in cases {
            let path = tmp.path().join(name);
            std::fs::write(&path, body).unwrap();
            let err = MarianTokenizer::from_files(
                &dir.join("source.spm"),
                &dir.join("target.spm"),
                &path,
            )
            .unwrap_err()
            .to_string();
            assert!(err.contains(name) && err.contains(needle), "{name}: {err}");
        }
    }

    #[test]
    fn missing_files_name_the_folder_and_file() {
        let tmp = tempfile::tempdir().unwrap();
        let err = MarianTokenizer::from_dir(tmp.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("source.spm"), "{err}");
        assert!(err.contains(&tmp.path().display().to_string()), "{err}");
    }
}
