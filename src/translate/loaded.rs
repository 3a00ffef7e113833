//! A model folder loaded for translation: the Marian engine, its tokenizer and who it is.
//! Takes a Hugging Face-layout folder; gives a [`LoadedModel`], the [`Seq2Seq`] the
//! [`Translator`](super::Translator) drives: source text → ids with byte offsets, batched
//! `generate` with the alignment head's attention, ids → text with each token's byte span.
//!
//! Output length: unless `max_new_tokens` is set, each sentence is capped at twice its source
//! length plus 10 tokens (within the model's own cap), so that a decoder caught in a repetition
//! loop stops after a sentence's worth of tokens instead of the model's 511. English renderings
//! of Arabic news run well under that (Arabic SentencePiece cuts words finer than English).

use super::generate::{default_cap, generate_capped, GenerateOptions};
use super::translator::{DecodeOptions, Decoded, Encoded, Hypothesis, Seq2Seq};
use crate::alignment::ModelInfo;
use crate::document::Span;
use crate::error::Result;
use crate::model::config::EarlyStopping;
use crate::model::tokenizer::MarianTokenizer;
use crate::model::{LoadOptions, Marian, Quantize};
use crate::translate::links;
use std::path::Path;

/// Tokens special to Marian, which have no surface in a translation.
const SPECIALS: &[&str] = &["</s>", "<unk>", "<pad>"];

/// A model ready to translate.
pub struct LoadedModel {
    model: Marian,
    tokenizer: MarianTokenizer,
    info: ModelInfo,
}

impl LoadedModel {
    /// Loads the model and tokenizer of `dir`; `info` names it in outputs (registry id and
    /// revision, or the folder and `local`).
    /// The quantization mode is added to `info` (outputs and caches tell int8 results apart).
    pub fn load(dir: &Path, opts: &LoadOptions, mut info: ModelInfo) -> Result<LoadedModel> {
        let tokenizer = MarianTokenizer::from_dir(dir)?;
        let model = Marian::load(dir, opts)?;
        info.quantize = (opts.quantize != Quantize::None).then(|| opts.quantize.to_string());
        Ok(LoadedModel {
            model,
            tokenizer,
            info,
        })
    }

    /// The cap of one sentence with `source_len` tokens.
    fn cap(&self, source_len: usize, opts: &GenerateOptions) -> Result<usize> {
        let model_cap = default_cap(&self.model, opts)?;
        Ok(match opts.max_new_tokens {
            Some(_) => model_cap,
            None => model_cap.min(2 * source_len + 10),
        })
    }
}

impl Seq2Seq for LoadedModel {
    fn info(&self) -> &ModelInfo {
        &self.info
    }

    fn max_source_tokens(&self) -> usize {
        self.model.max_source_tokens()
    }

    fn encode(&self, text: &str) -> Result<Encoded> {
        let enc = self.tokenizer.encode(text);
        let spans = enc
            .offsets
            .iter()
            .map(|r| (!r.is_empty()).then(|| Span::new(r.start, r.end)))
            .collect();
        Ok(Encoded {
            ids: enc.ids,
            spans,
        })
    }

    fn generate(&self, batch: &[&[u32]], opts: &DecodeOptions) -> Result<Vec<Hypothesis>> {
        let gen = GenerateOptions {
            num_beams: opts.beam,
            max_new_tokens: opts.max_new_tokens,
            min_new_tokens: opts.min_new_tokens,
            length_penalty: opts.length_penalty,
            early_stopping: if opts.early_stopping {
                EarlyStopping::Always
            } else {
                EarlyStopping::Heuristic
            },
            alignment_head: Some(self.model.alignment_head()),
        };
        let caps = batch
            .iter()
            .map(|s| self.cap(s.len(), &gen))
            .collect::<Result<Vec<_>>>()?;
        Ok(generate_capped(&self.model, batch, &caps, &gen)?
            .into_iter()
            .map(|g| Hypothesis {
                ids: g.ids,
                capped: g.capped,
                attention: g.attention,
            })
            .collect())
    }

    fn decode(&self, ids: &[u32]) -> Result<Decoded> {
        let text = self.tokenizer.decode(ids, true);
        let pieces: Vec<Option<&str>> = ids
            .iter()
            .map(|&id| {
                self.tokenizer
                    .id_to_token(id)
                    .filter(|t| !SPECIALS.contains(t))
            })
            .collect();
        let spans = links::piece_spans(&pieces, &text);
        Ok(Decoded { text, spans })
    }
}
