//! Reads a Marian model folder's `config.json` and `generation_config.json` into typed settings.
//!
//! Takes the two JSON files as Hugging Face writes them; gives a [`MarianConfig`] (architecture)
//! and a [`GenerationConfig`] (decoding defaults). Reading is lenient the way transformers'
//! `MarianConfig` is: a missing or `null` optional field takes the transformers default, unknown
//! fields are ignored, so configs written by older or newer converters load. Values that would
//! make the model impossible to build (zero sizes, heads that do not divide `d_model`, an
//! unknown activation) are refused here with an error naming the file, before any weight is read.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use crate::error::{Error, Result};

/// Feed-forward activation, as named by transformers' `ACT2FN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// `swish` / `silu`: x·σ(x) (opus-mt-ar-en).
    Silu,
    /// `relu` (opus-mt-tc-big).
    Relu,
    /// `gelu`: the exact, erf-based GELU.
    Gelu,
    /// `gelu_new` / `gelu_pytorch_tanh` / `gelu_fast`: the tanh approximation.
    GeluTanh,
    /// `tanh`.
    Tanh,
    /// `sigmoid`.
    Sigmoid,
}

impl Activation {
    /// Parses an `activation_function` name; `None` when transformers would not know it either
    /// (or it is one this engine does not implement).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "swish" | "silu" => Self::Silu,
            "relu" => Self::Relu,
            "gelu" => Self::Gelu,
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Self::GeluTanh,
            "tanh" => Self::Tanh,
            "sigmoid" => Self::Sigmoid,
            _ => return None,
        })
    }
}

/// `early_stopping` of beam search: `false`, `true` or `"never"`, as in transformers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EarlyStopping {
    /// `false`: stop a sentence when its best running beam (scored at the current length) cannot
    /// beat its worst finished one (transformers' default heuristic).
    #[default]
    Heuristic,
    /// `true`: stop a sentence as soon as `num_beams` hypotheses are finished.
    Always,
    /// `"never"`: the canonical beam search; with a positive length penalty the bound uses the
    /// maximal length.
    Never,
}

impl From<bool> for EarlyStopping {
    /// transformers' boolean forms: `false` → heuristic, `true` → stop when full.
    fn from(flag: bool) -> Self {
        if flag {
            Self::Always
        } else {
            Self::Heuristic
        }
    }
}

/// The architecture of a Marian encoder-decoder (transformers' `MarianConfig`).
#[derive(Debug, Clone, PartialEq)]
pub struct MarianConfig {
    pub vocab_size: usize,
    /// Vocabulary of the decoder side; equal to `vocab_size` unless the config says otherwise.
    pub decoder_vocab_size: usize,
    pub d_model: usize,
    pub encoder_layers: usize,
    pub encoder_attention_heads: usize,
    pub encoder_ffn_dim: usize,
    pub decoder_layers: usize,
    pub decoder_attention_heads: usize,
    pub decoder_ffn_dim: usize,
    pub activation: Activation,
    pub max_position_embeddings: usize,
    /// Multiply token embeddings by sqrt(d_model).
    pub scale_embedding: bool,
    /// Present in Marian configs but unused by transformers' `MarianModel` (no embedding layer
    /// norm exists in its modules), so it is read and ignored here too.
    pub normalize_embedding: bool,
    /// One embedding matrix for encoder input, decoder input (and output, when tied).
    pub share_encoder_decoder_embeddings: bool,
    /// The output projection is the decoder input embedding matrix.
    pub tie_word_embeddings: bool,
    pub pad_token_id: u32,
    pub eos_token_id: u32,
    pub decoder_start_token_id: u32,
    /// Epsilon of every LayerNorm (PyTorch's default; Marian configs do not set it).
    pub layer_norm_eps: f64,
}

impl MarianConfig {
    /// The vocabulary the decoder embeds and predicts: `vocab_size` when the embeddings are
    /// shared (as transformers sizes `final_logits_bias` and `lm_head`), else
    /// `decoder_vocab_size`.
    pub fn target_vocab_size(&self) -> usize {
        if self.share_encoder_decoder_embeddings {
            self.vocab_size
        } else {
            self.decoder_vocab_size
        }
    }
}

/// Decoding defaults of a model (`generation_config.json`, or the same keys in `config.json`
/// for models converted before generation configs existed).
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationConfig {
    pub num_beams: usize,
    /// Maximal decoder length including the start token (transformers' `max_length`).
    pub max_length: usize,
    pub min_new_tokens: usize,
    pub length_penalty: f32,
    pub early_stopping: EarlyStopping,
    /// Single tokens never generated (multi-token sequences are not supported and refused).
    pub bad_token_ids: Vec<u32>,
    /// Token forced at the last allowed position, so that capped outputs still end cleanly.
    pub forced_eos_token_id: Option<u32>,
    pub renormalize_logits: bool,
}

impl Default for GenerationConfig {
    /// transformers' `GenerationConfig()` defaults.
    fn default() -> Self {
        Self {
            num_beams: 1,
            max_length: 20,
            min_new_tokens: 0,
            length_penalty: 1.0,
            early_stopping: EarlyStopping::Heuristic,
            bad_token_ids: Vec::new(),
            forced_eos_token_id: None,
            renormalize_logits: false,
        }
    }
}

/// `null` → default, like a missing field.
fn null_default<'de, D, T>(de: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// A token id field that may be a number, a list of numbers (first one counts) or null.
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(untagged)]
enum TokenIds {
    One(i64),
    Many(Vec<i64>),
    #[default]
    #[serde(skip)]
    Absent,
}

impl TokenIds {
    fn first(&self) -> Option<i64> {
        match self {
            TokenIds::One(id) => Some(*id),
            TokenIds::Many(ids) => ids.first().copied(),
            TokenIds::Absent => None,
        }
    }
}

#[derive(Deserialize, Debug, Clone, Default)]
#[serde(untagged)]
enum EarlyStoppingRaw {
    Flag(bool),
    Word(String),
    #[default]
    #[serde(skip)]
    Absent,
}

/// config.json as written, every field optional.
#[derive(Deserialize, Debug, Default)]
struct RawConfig {
    #[serde(default, deserialize_with = "null_default")]
    vocab_size: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    decoder_vocab_size: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    d_model: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    encoder_layers: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    encoder_attention_heads: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    encoder_ffn_dim: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    decoder_layers: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    decoder_attention_heads: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    decoder_ffn_dim: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    activation_function: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    max_position_embeddings: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    scale_embedding: Option<bool>,
    #[serde(default, deserialize_with = "null_default")]
    normalize_embedding: Option<bool>,
    #[serde(default, deserialize_with = "null_default")]
    share_encoder_decoder_embeddings: Option<bool>,
    #[serde(default, deserialize_with = "null_default")]
    tie_word_embeddings: Option<bool>,
    #[serde(default, deserialize_with = "null_default")]
    pad_token_id: TokenIds,
    #[serde(default, deserialize_with = "null_default")]
    eos_token_id: TokenIds,
    #[serde(default, deserialize_with = "null_default")]
    decoder_start_token_id: TokenIds,
    #[serde(flatten)]
    generation: RawGeneration,
}

/// Generation keys, in generation_config.json or (older models) config.json.
#[derive(Deserialize, Debug, Default, Clone)]
struct RawGeneration {
    #[serde(default, deserialize_with = "null_default")]
    num_beams: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    max_length: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    min_new_tokens: Option<usize>,
    #[serde(default, deserialize_with = "null_default")]
    length_penalty: Option<f32>,
    #[serde(default, deserialize_with = "null_default")]
    early_stopping: EarlyStoppingRaw,
    #[serde(default, deserialize_with = "null_default")]
    bad_words_ids: Option<Vec<Vec<i64>>>,
    #[serde(default, deserialize_with = "null_default")]
    forced_eos_token_id: TokenIds,
    #[serde(default, deserialize_with = "null_default")]
    renormalize_logits: Option<bool>,
    #[serde(default, deserialize_with = "null_default")]
    eos_token_id: TokenIds,
}

fn bad(path: &Path, reason: impl Into<String>) -> Error {
    Error::ModelFile {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn token_id(path: &Path, name: &str, value: Option<i64>, default: i64) -> Result<u32> {
    let id = value.unwrap_or(default);
    u32::try_from(id).map_err(|_| bad(path, format!("{name} {id} is not a valid token id")))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| bad(path, format!("invalid JSON: {e}")))
}

impl MarianConfig {
    /// Reads `config.json` at `path`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let raw: RawConfig = read_json(path)?;
        Self::from_raw(path, &raw)
    }

    /// Parses config.json text; `path` only names the source in errors.
    pub fn from_json(path: &Path, text: &str) -> Result<Self> {
        let raw: RawConfig =
            serde_json::from_str(text).map_err(|e| bad(path, format!("invalid JSON: {e}")))?;
        Self::from_raw(path, &raw)
    }

    fn from_raw(path: &Path, raw: &RawConfig) -> Result<Self> {
        // Defaults are transformers' MarianConfig defaults.
        let vocab_size = raw.vocab_size.unwrap_or(58101);
        let activation_name = raw.activation_function.as_deref().unwrap_or("gelu");
        let activation = Activation::from_name(activation_name).ok_or_else(|| {
            bad(
                path,
                format!("activation_function {activation_name:?} is not supported (swish, silu, relu, gelu, gelu_new)"),
            )
        })?;
        let config = Self {
            vocab_size,
            decoder_vocab_size: raw.decoder_vocab_size.unwrap_or(vocab_size),
            d_model: raw.d_model.unwrap_or(1024),
            encoder_layers: raw.encoder_layers.unwrap_or(12),
            encoder_attention_heads: raw.encoder_attention_heads.unwrap_or(16),
            encoder_ffn_dim: raw.encoder_ffn_dim.unwrap_or(4096),
            decoder_layers: raw.decoder_layers.unwrap_or(12),
            decoder_attention_heads: raw.decoder_attention_heads.unwrap_or(16),
            decoder_ffn_dim: raw.decoder_ffn_dim.unwrap_or(4096),
            activation,
            max_position_embeddings: raw.max_position_embeddings.unwrap_or(1024),
            scale_embedding: raw.scale_embedding.unwrap_or(false),
            normalize_embedding: raw.normalize_embedding.unwrap_or(false),
            share_encoder_decoder_embeddings: raw.share_encoder_decoder_embeddings.unwrap_or(true),
            tie_word_embeddings: raw.tie_word_embeddings.unwrap_or(true),
            pad_token_id: token_id(path, "pad_token_id", raw.pad_token_id.first(), 58100)?,
            eos_token_id: token_id(path, "eos_token_id", raw.eos_token_id.first(), 0)?,
            decoder_start_token_id: token_id(
                path,
                "decoder_start_token_id",
                raw.decoder_start_token_id.first(),
                58100,
            )?,
            layer_norm_eps: 1e-5,
        };
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let sizes = [
            ("vocab_size", self.vocab_size),
            ("decoder_vocab_size", self.decoder_vocab_size),
            ("d_model", self.d_model),
            ("encoder_attention_heads", self.encoder_attention_heads),
            ("encoder_ffn_dim", self.encoder_ffn_dim),
            ("decoder_attention_heads", self.decoder_attention_heads),
            ("decoder_ffn_dim", self.decoder_ffn_dim),
            ("max_position_embeddings", self.max_position_embeddings),
        ];
        for (name, value) in sizes {
            if value == 0 {
                return Err(bad(path, format!("{name} is 0")));
            }
        }
        for (name, heads) in [
            ("encoder_attention_heads", self.encoder_attention_heads),
            ("decoder_attention_heads", self.decoder_attention_heads),
        ] {
            if !self.d_model.is_multiple_of(heads) {
                return Err(bad(
                    path,
                    format!(
                        "d_model {} is not divisible by {name} {heads}",
                        self.d_model
                    ),
                ));
            }
        }
        let target = self.target_vocab_size() as u32;
        for (name, id, limit) in [
            ("pad_token_id", self.pad_token_id, self.vocab_size as u32),
            ("eos_token_id", self.eos_token_id, target),
            (
                "decoder_start_token_id",
                self.decoder_start_token_id,
                target,
            ),
        ] {
            if id >= limit {
                return Err(bad(
                    path,
                    format!("{name} {id} is outside the vocabulary of {limit} tokens"),
                ));
            }
        }
        Ok(())
    }
}

impl GenerationConfig {
    /// Reads the decoding defaults of a model: `generation_config` when the folder has one,
    /// else the generation keys of `config` (as transformers' `from_model_config`). `eos` is
    /// the model's end-of-sentence id, used when a file names none.
    pub fn from_files(generation_config: Option<&Path>, config: &Path, eos: u32) -> Result<Self> {
        let (path, raw): (PathBuf, RawGeneration) = match generation_config {
            Some(path) => (path.to_path_buf(), read_json(path)?),
            None => {
                let raw: RawConfig = read_json(config)?;
                (config.to_path_buf(), raw.generation)
            }
        };
        Self::from_raw(&path, &raw, eos)
    }

    /// Parses generation settings from JSON text; `path` only names the source in errors.
    pub fn from_json(path: &Path, text: &str, eos: u32) -> Result<Self> {
        let raw: RawGeneration =
            serde_json::from_str(text).map_err(|e| bad(path, format!("invalid JSON: {e}")))?;
        Self::from_raw(path, &raw, eos)
    }

    fn from_raw(path: &Path, raw: &RawGeneration, eos: u32) -> Result<Self> {
        let defaults = Self::default();
        let early_stopping = match &raw.early_stopping {
            EarlyStoppingRaw::Absent => EarlyStopping::Heuristic,
            EarlyStoppingRaw::Flag(flag) => EarlyStopping::from(*flag),
            EarlyStoppingRaw::Word(w) if w == "never" => EarlyStopping::Never,
            EarlyStoppingRaw::Word(w) => {
                return Err(bad(
                    path,
                    format!("early_stopping {w:?} is not true, false or \"never\""),
                ))
            }
        };
        let eos = token_id(path, "eos_token_id", raw.eos_token_id.first(), eos as i64)?;
        let mut bad_token_ids = Vec::new();
        for seq in raw.bad_words_ids.iter().flatten() {
            match seq.as_slice() {
                // transformers drops bad "words" that are exactly the eos token.
                [id] if *id == eos as i64 => {}
                [id] => bad_token_ids.push(token_id(path, "bad_words_ids entry", Some(*id), 0)?),
                _ => {
                    return Err(bad(
                        path,
                        format!(
                            "bad_words_ids entry {seq:?} has several tokens; only single tokens are supported"
                        ),
                    ))
                }
            }
        }
        let num_beams = raw.num_beams.unwrap_or(defaults.num_beams);
        if num_beams == 0 {
            return Err(bad(path, "num_beams is 0"));
        }
        Ok(Self {
            num_beams,
            max_length: raw.max_length.unwrap_or(defaults.max_length),
            min_new_tokens: raw.min_new_tokens.unwrap_or(0),
            length_penalty: raw.length_penalty.unwrap_or(defaults.length_penalty),
            early_stopping,
            bad_token_ids,
            forced_eos_token_id: match raw.forced_eos_token_id.first() {
                Some(id) => Some(token_id(path, "forced_eos_token_id", Some(id), 0)?),
                None => None,
            },
            renormalize_logits: raw.renormalize_logits.unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("model/config.json")
    }

    #[test]
    fn opus_mt_ar_en_config_reads() {
        let text = r#"{"activation_function":"swish","d_model":512,"decoder_attention_heads":8,
            "decoder_ffn_dim":2048,"decoder_layers":6,"decoder_start_token_id":62833,
            "decoder_vocab_size":62834,"encoder_attention_heads":8,"encoder_ffn_dim":2048,
            "encoder_layers":6,"eos_token_id":0,"forced_eos_token_id":0,"max_length":512,
            "max_position_embeddings":512,"normalize_embedding":false,"num_beams":4,
            "pad_token_id":62833,"scale_embedding":true,"vocab_size":62834,
            "bad_words_ids":[[62833]],"share_encoder_decoder_embeddings":true}"#;
        let c = MarianConfig::from_json(p(), text).unwrap();
        assert_eq!(c.activation, Activation::Silu);
        assert_eq!(
            (c.d_model, c.encoder_layers, c.decoder_attention_heads),
            (512, 6, 8)
        );
        assert_eq!(
            (c.pad_token_id, c.eos_token_id, c.decoder_start_token_id),
            (62833, 0, 62833)
        );
        assert!(c.scale_embedding && c.share_encoder_decoder_embeddings && c.tie_word_embeddings);
        let g = GenerationConfig::from_json(p(), text, c.eos_token_id).unwrap();
        assert_eq!(g.num_beams, 4);
        assert_eq!(g.max_length, 512);
        assert_eq!(g.bad_token_ids, vec![62833]);
        assert_eq!(g.forced_eos_token_id, Some(0));
    }

    #[test]
    fn missing_and_null_fields_take_transformers_defaults() {
        let c = MarianConfig::from_json(
            p(),
            r#"{"d_model":64,"encoder_attention_heads":4,"decoder_attention_heads":4,
                "vocab_size":100,"pad_token_id":99,"decoder_start_token_id":99,
                "forced_eos_token_id":null,"decoder_vocab_size":null,"scale_embedding":null}"#,
        )
        .unwrap();
        assert_eq!(c.decoder_vocab_size, 100);
        assert_eq!(c.activation, Activation::Gelu);
        assert_eq!(c.encoder_layers, 12);
        assert_eq!(c.max_position_embeddings, 1024);
        assert!(!c.scale_embedding);
        let g = GenerationConfig::from_json(p(), r#"{"forced_eos_token_id":null}"#, 0).unwrap();
        assert_eq!(g, GenerationConfig::default());
    }

    #[test]
    fn bad_configs_are_refused_naming_the_file() {
        let cases = [
            (r#"{"d_model":"big"}"#, "invalid JSON"),
            (
                r#"{"activation_function":"mish"}"#,
                "activation_function \"mish\"",
            ),
            (
                r#"{"d_model":100,"encoder_attention_heads":16}"#,
                "not divisible",
            ),
            (
                r#"{"vocab_size":10,"pad_token_id":10}"#,
                "pad_token_id 10 is outside",
            ),
            (r#"{"eos_token_id":-1}"#, "eos_token_id -1"),
            (r#"{"encoder_ffn_dim":0}"#, "encoder_ffn_dim is 0"),
        ];
        for (text, want) in cases {
            let err = MarianConfig::from_json(p(), text).unwrap_err().to_string();
            assert!(err.contains("model/config.json"), "{err}");
            assert!(err.contains(want), "{text}: {err}");
        }
    }

    #[test]
    fn generation_settings_table() {
        type Check = Box<dyn Fn(&GenerationConfig) -> bool>;
        let cases: [(&str, Check); 5] = [
            (
                r#"{"early_stopping":true}"#,
                Box::new(|g| g.early_stopping == EarlyStopping::Always),
            ),
            (
                r#"{"early_stopping":"never"}"#,
                Box::new(|g| g.early_stopping == EarlyStopping::Never),
            ),
            (
                r#"{"bad_words_ids":[[0],[5]]}"#,
                Box::new(|g| g.bad_token_ids == vec![5]),
            ),
            (
                r#"{"forced_eos_token_id":[3,4]}"#,
                Box::new(|g| g.forced_eos_token_id == Some(3)),
            ),
            (
                r#"{"renormalize_logits":true,"length_penalty":0.6}"#,
                Box::new(|g| g.renormalize_logits && g.length_penalty == 0.6),
            ),
        ];
        for (text, check) in cases {
            let g = GenerationConfig::from_json(p(), text, 0).unwrap();
            assert!(check(&g), "{text}: {g:?}");
        }
        for text in [
            r#"{"early_stopping":"soon"}"#,
            r#"{"bad_words_ids":[[1,2]]}"#,
            r#"{"num_beams":0}"#,
        ] {
            let err = GenerationConfig::from_json(p(), text, 0)
                .unwrap_err()
                .to_string();
            assert!(err.contains("model/config.json"), "{err}");
        }
    }
}
