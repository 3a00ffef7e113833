//! Reader for SentencePiece model files (`source.spm`, `target.spm`: a protobuf `ModelProto`).
//!
//! Takes the bytes of a `.spm` file and gives the fields the tokenizer needs: the pieces with
//! their scores and types, the trainer's model type, unknown id and byte fallback, and the
//! normalizer spec (rule name, precompiled charsmap, dummy prefix and whitespace handling). The
//! wire format is read by hand (varints and length-delimited fields, ~40 lines) rather than with
//! a protobuf code generator, so the build stays light; every read is bounds-checked, and a
//! truncated or corrupt file gives an error naming the file instead of a panic.
//!
//! Field numbers follow `sentencepiece_model.proto`.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The kind of a piece (`ModelProto.SentencePiece.Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceType {
    Normal,
    Unknown,
    Control,
    UserDefined,
    Unused,
    Byte,
}

impl PieceType {
    fn from_proto(value: u64) -> Option<Self> {
        Some(match value {
            1 => Self::Normal,
            2 => Self::Unknown,
            3 => Self::Control,
            4 => Self::UserDefined,
            5 => Self::Unused,
            6 => Self::Byte,
            _ => return None,
        })
    }
}

/// One vocabulary entry of the SentencePiece model.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub piece: String,
    pub score: f32,
    pub kind: PieceType,
}

/// The segmentation algorithm the model was trained with (`TrainerSpec.ModelType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelType {
    Unigram,
    Bpe,
    Word,
    Char,
}

/// The part of `TrainerSpec` that matters when encoding and decoding.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainerSpec {
    pub model_type: ModelType,
    /// `unk_id` as the trainer recorded it; the piece of type [`PieceType::Unknown`] is what
    /// SentencePiece actually uses, this is kept to check the two agree.
    pub unk_id: i64,
    pub byte_fallback: bool,
    /// What decoding shows for `<unk>` (default " ⁇ ").
    pub unk_surface: String,
}

impl Default for TrainerSpec {
    fn default() -> Self {
        // proto2 defaults from sentencepiece_model.proto.
        Self {
            model_type: ModelType::Unigram,
            unk_id: 0,
            byte_fallback: false,
            unk_surface: " \u{2047} ".to_string(),
        }
    }
}

/// `NormalizerSpec`: how raw text becomes the string the pieces are matched against.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalizerSpec {
    /// Rule name, e.g. `nmt_nfkc` (informational: the rules are in the charsmap).
    pub name: String,
    /// Compiled rewrite rules: a Darts double-array trie plus the replacement strings.
    pub precompiled_charsmap: Vec<u8>,
    pub add_dummy_prefix: bool,
    pub remove_extra_whitespaces: bool,
    pub escape_whitespaces: bool,
}

impl Default for NormalizerSpec {
    fn default() -> Self {
        Self {
            name: String::new(),
            precompiled_charsmap: Vec::new(),
            add_dummy_prefix: true,
            remove_extra_whitespaces: true,
            escape_whitespaces: true,
        }
    }
}

/// A parsed SentencePiece model.
#[derive(Debug, Clone, PartialEq)]
pub struct SpmModel {
    /// The file it was read from (for error messages further on).
    pub path: PathBuf,
    pub pieces: Vec<Piece>,
    pub trainer: TrainerSpec,
    pub normalizer: NormalizerSpec,
}

impl SpmModel {
    /// Reads and parses a `.spm` file.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(&bytes, path)
    }

    /// Parses the bytes of a `.spm` file; `path` only names the file in errors.
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<Self> {
        let bad = |reason: String| Error::ModelFile {
            path: path.to_path_buf(),
            reason: format!("not a valid SentencePiece model: {reason}"),
        };
        let mut model = SpmModel {
            path: path.to_path_buf(),
            pieces: Vec::new(),
            trainer: TrainerSpec::default(),
            normalizer: NormalizerSpec::default(),
        };
        let mut saw_trainer = false;
        for field in Fields::new(bytes) {
            let (number, value) = field.map_err(bad)?;
            match (number, value) {
                (1, Value::Bytes(b)) => model.pieces.push(parse_piece(b).map_err(bad)?),
                (2, Value::Bytes(b)) => {
                    model.trainer = parse_trainer(b).map_err(bad)?;
                    saw_trainer = true;
                }
                (3, Value::Bytes(b)) => model.normalizer = parse_normalizer(b).map_err(bad)?,
                (1..=3, _) => return Err(bad(format!("field {number} has the wrong wire type"))),
                _ => {} // self_test_data, denormalizer_spec, extensions: not needed.
            }
        }
        if model.pieces.is_empty() {
            return Err(bad(if saw_trainer {
                "it has no pieces".to_string()
            } else {
                "no pieces and no trainer spec found (truncated or another kind of file?)"
                    .to_string()
            }));
        }
        let unknowns = model
            .pieces
            .iter()
            .filter(|p| p.kind == PieceType::Unknown)
            .count();
        if unknowns != 1 {
            return Err(bad(format!(
                "it must have exactly one unknown piece, it has {unknowns}"
            )));
        }
        if let Some(p) = model.pieces.iter().find(|p| p.piece.is_empty()) {
            return Err(bad(format!("an empty piece (score {})", p.score)));
        }
        Ok(model)
    }

    /// Id (position) of the piece SentencePiece treats as unknown.
    pub fn unk_id(&self) -> usize {
        // `from_bytes` guarantees exactly one.
        self.pieces
            .iter()
            .position(|p| p.kind == PieceType::Unknown)
            .unwrap_or(0)
    }
}

fn parse_piece(bytes: &[u8]) -> Result<Piece, String> {
    let mut piece = Piece {
        piece: String::new(),
        score: 0.0,
        kind: PieceType::Normal,
    };
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Bytes(b)) => {
                piece.piece = String::from_utf8(b.to_vec())
                    .map_err(|_| "a piece is not valid UTF-8".to_string())?
            }
            (2, Value::Fixed32(v)) => piece.score = f32::from_bits(v),
            (3, Value::Varint(v)) => {
                piece.kind =
                    PieceType::from_proto(v).ok_or_else(|| format!("unknown piece type {v}"))?
            }
            (n @ 1..=3, _) => return Err(format!("piece field {n} has the wrong wire type")),
            _ => {}
        }
    }
    Ok(piece)
}

fn parse_trainer(bytes: &[u8]) -> Result<TrainerSpec, String> {
    let mut spec = TrainerSpec::default();
    for field in Fields::new(bytes) {
        match field? {
            (3, Value::Varint(v)) => {
                spec.model_type = match v {
                    1 => ModelType::Unigram,
                    2 => ModelType::Bpe,
                    3 => ModelType::Word,
                    4 => ModelType::Char,
                    _ => return Err(format!("unknown model type {v}")),
                }
            }
            // int32 fields are sign-extended to 64-bit varints on the wire.
            (40, Value::Varint(v)) => spec.unk_id = v as i64,
            (35, Value::Varint(v)) => spec.byte_fallback = v != 0,
            (44, Value::Bytes(b)) => {
                spec.unk_surface = String::from_utf8(b.to_vec())
                    .map_err(|_| "unk_surface is not valid UTF-8".to_string())?
            }
            (n @ (3 | 35 | 40 | 44), _) => {
                return Err(format!("trainer field {n} has the wrong wire type"))
            }
            _ => {}
        }
    }
    Ok(spec)
}

fn parse_normalizer(bytes: &[u8]) -> Result<NormalizerSpec, String> {
    let mut spec = NormalizerSpec::default();
    for field in Fields::new(bytes) {
        match field? {
            (1, Value::Bytes(b)) => spec.name = String::from_utf8_lossy(b).into_owned(),
            (2, Value::Bytes(b)) => spec.precompiled_charsmap = b.to_vec(),
            (3, Value::Varint(v)) => spec.add_dummy_prefix = v != 0,
            (4, Value::Varint(v)) => spec.remove_extra_whitespaces = v != 0,
            (5, Value::Varint(v)) => spec.escape_whitespaces = v != 0,
            (n @ 1..=5, _) => return Err(format!("normalizer field {n} has the wrong wire type")),
            _ => {}
        }
    }
    Ok(spec)
}

/// A field value on the protobuf wire.
#[derive(Debug, PartialEq)]
enum Value<'a> {
    Varint(u64),
    /// 64-bit values are skipped: no field this reader needs has one.
    Fixed64,
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// Iterator over the `(field number, value)` pairs of one protobuf message.
struct Fields<'a> {
    bytes: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Fields<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            pos: 0,
            failed: false,
        }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .bytes
                .get(self.pos)
                .ok_or_else(|| format!("truncated at byte {} (inside a number)", self.pos))?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(format!("over-long number ending at byte {}", self.pos))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len())
            .ok_or_else(|| {
                format!(
                    "truncated: a field of {len} bytes at byte {} runs past the end ({} bytes)",
                    self.pos,
                    self.bytes.len()
                )
            })?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn next_field(&mut self) -> Result<(u32, Value<'a>), String> {
        let at = self.pos;
        let key = self.varint()?;
        let number = u32::try_from(key >> 3).map_err(|_| format!("bad field key at byte {at}"))?;
        if number == 0 {
            return Err(format!("bad field number 0 at byte {at}"));
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed64
            }
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len).map_err(|_| format!("bad length at byte {at}"))?;
                Value::Bytes(self.take(len)?)
            }
            5 => Value::Fixed32(u32::from_le_bytes(
                self.take(4)?.try_into().expect("took 4 bytes"),
            )),
            other => return Err(format!("unsupported wire type {other} at byte {at}")),
        };
        Ok((number, value))
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u32, Value<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.bytes.len() {
            return None;
        }
        let field = self.next_field();
        self.failed = field.is_err();
        Some(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    fn bytes_field(number: u64, payload: &[u8], out: &mut Vec<u8>) {
        varint(number << 3 | 2, out);
        varint(payload.len() as u64, out);
        out.extend_from_slice(payload);
    }

    fn piece(text: &str, score: f32, kind: u64) -> Vec<u8> {
        let mut out = Vec::new();
        bytes_field(1, text.as_bytes(), &mut out);
        out.push(2 << 3 | 5);
        out.extend_from_slice(&score.to_le_bytes());
        varint(3 << 3, &mut out);
        varint(kind, &mut out);
        out
    }

    /// A hand-built ModelProto: three pieces, trainer and normalizer specs.
    fn model_bytes() -> Vec<u8> {
        let mut out = Vec::new();
        bytes_field(1, &piece("<unk>", 0.0, 2), &mut out);
        bytes_field(1, &piece("▁a", -1.5, 1), &mut out);
        bytes_field(1, &piece("<s>", 0.0, 3), &mut out);
        let mut trainer = Vec::new();
        varint(3 << 3, &mut trainer);
        varint(1, &mut trainer);
        varint(35 << 3, &mut trainer);
        varint(1, &mut trainer);
        bytes_field(2, &trainer, &mut out);
        let mut norm = Vec::new();
        bytes_field(1, b"nmt_nfkc", &mut norm);
        bytes_field(2, &[1, 2, 3], &mut norm);
        varint(4 << 3, &mut norm);
        varint(0, &mut norm);
        bytes_field(3, &norm, &mut out);
        out
    }

    #[test]
    fn reads_pieces_trainer_and_normalizer() {
        let m = SpmModel::from_bytes(&model_bytes(), Path::new("x.spm")).unwrap();
        assert_eq!(m.pieces.len(), 3);
        assert_eq!(m.pieces[1].piece, "▁a");
        assert_eq!(m.pieces[1].score, -1.5);
        assert_eq!(m.pieces[2].kind, PieceType::Control);
        assert_eq!(m.unk_id(), 0);
        assert_eq!(m.trainer.model_type, ModelType::Unigram);
        assert!(m.trainer.byte_fallback);
        assert_eq!(m.normalizer.name, "nmt_nfkc");
        assert_eq!(m.normalizer.precompiled_charsmap, vec![1, 2, 3]);
        // Explicit false overrides the default; unset fields keep proto2 defaults.
        assert!(!m.normalizer.remove_extra_whitespaces);
        assert!(m.normalizer.add_dummy_prefix);
        assert!(m.normalizer.escape_whitespaces);
    }

    #[test]
    fn corrupt_files_give_errors_naming_the_file() {
        let good = model_bytes();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("truncated", good[..good.len() - 5].to_vec(), "truncated"),
            ("empty", Vec::new(), "no pieces"),
            (
                "text file",
                b"hello world, not a model\n".to_vec(),
                "not a valid",
            ),
            ("bad wire type", vec![0x0f, 0x00], "wire type"),
            (
                "over-long varint",
                vec![0x08; 1].into_iter().chain([0xff; 11]).collect(),
                "number",
            ),
            (
                "no unknown piece",
                {
                    let mut out = Vec::new();
                    bytes_field(1, &piece("▁a", -1.0, 1), &mut out);
                    out
                },
                "unknown piece",
            ),
        ];
        for (name, bytes, needle) in cases {
            let err = SpmModel::from_bytes(&bytes, Path::new("/m/source.spm")).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains("/m/source.spm"), "{name}: {msg}");
            assert!(msg.contains(needle), "{name}: {msg}");
        }
    }

    #[test]
    fn every_truncation_of_a_real_model_is_an_error_not_a_panic() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tiny-marian/source.spm");
        let bytes = std::fs::read(&path).unwrap();
        let full = SpmModel::from_bytes(&bytes, &path).unwrap();
        assert_eq!(full.normalizer.name, "nmt_nfkc");
        assert!(full.pieces.len() > 500);
        // Cuts inside the pieces, the trainer spec and the charsmap.
        for cut in (1..bytes.len()).step_by(bytes.len() / 97 + 1) {
            if let Ok(m) = SpmModel::from_bytes(&bytes[..cut], &path) {
                // A cut exactly between two fields is a shorter valid message.
                assert!(m.pieces.len() <= full.pieces.len());
            }
        }
    }

    #[test]
    fn missing_file_names_the_path() {
        let err = SpmModel::load(Path::new("/nonexistent/target.spm")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/target.spm"));
    }
}
