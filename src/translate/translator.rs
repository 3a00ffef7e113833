//! The sentence-level translator. Takes sentences (plain strings, or a segmented [`Document`])
//! and a loaded model; gives one [`TranslatedText`] per sentence, in input order, with fidelity
//! flags and word links. In between it does what a user should not have to think about:
//! sentences too long for the model's positions are split at clause boundaries and the parts'
//! translations joined (recorded as [`Flag::Split`], never truncated silently); sentences are
//! sorted by length and packed into batches under a token budget (padding counted), which is
//! where batched decoding gets its speed; and because the engine masks padding, a sentence's
//! translation never depends on which others share its batch, so the order and company of the
//! input (one file, or a thousand in `batch`) cannot change a result.
//!
//! The model is reached through the small [`Seq2Seq`] trait (tokenize with byte offsets,
//! generate, detokenize with byte offsets), implemented for the Marian engine; the batching,
//! splitting and flagging logic above it is model-agnostic and unit-tested with a test double.

use crate::alignment::{Flag, ModelInfo, Translation, WordLink};
use crate::document::{Document, Span};
use crate::error::{Error, Result};
use crate::translate::{flags, links, split};

/// How to decode. Defaults follow the OPUS-MT `generation_config.json`: beam search with 4
/// beams, length penalty 1.0, no early stopping, the cap left to the engine (relative to the
/// source length and the model's positions).
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeOptions {
    /// Beam size; 1 is greedy search.
    pub beam: usize,
    /// Cap on generated tokens; `None` = the engine's default.
    pub max_new_tokens: Option<usize>,
    /// `</s>` is suppressed until this many tokens are generated.
    pub min_new_tokens: usize,
    pub length_penalty: f32,
    pub early_stopping: bool,
    /// Most source tokens per batch, padding included (rows × longest row). Changes speed and
    /// memory, never results.
    pub batch_tokens: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            beam: 4,
            max_new_tokens: None,
            min_new_tokens: 0,
            length_penalty: 1.0,
            early_stopping: false,
            batch_tokens: 4096,
        }
    }
}

impl DecodeOptions {
    /// The settings that can change a translation, as a stable string (for cache keys).
    /// `batch_tokens` is left out on purpose: it cannot change a result.
    pub fn result_key(&self) -> String {
        format!(
            "beam={};max_new={:?};min_new={};lp={};early={}",
            self.beam,
            self.max_new_tokens,
            self.min_new_tokens,
            self.length_penalty,
            self.early_stopping
        )
    }

    /// Checks the values, naming the bad one.
    pub fn validate(&self) -> Result<()> {
        let bad = |name: &str, reason: &str| {
            Err(Error::Setting {
                name: name.into(),
                reason: reason.into(),
            })
        };
        if self.beam == 0 {
            return bad("beam", "must be at least 1");
        }
        if self.batch_tokens == 0 {
            return bad("batch-tokens", "must be at least 1");
        }
        if self.max_new_tokens == Some(0) {
            return bad("max-new-tokens", "must be at least 1");
        }
        if let Some(max) = self.max_new_tokens {
            if self.min_new_tokens > max {
                return bad("min-new-tokens", "must not exceed max-new-tokens");
            }
        }
        if !self.length_penalty.is_finite() {
            return bad("length-penalty", "must be a finite number");
        }
        Ok(())
    }
}

/// A source text as model tokens: ids (`</s>` included) and each token's byte span in the text
/// (`None` for special tokens).
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub ids: Vec<u32>,
    pub spans: Vec<Option<Span>>,
}

/// One generated output.
#[derive(Debug, Clone, PartialEq)]
pub struct Hypothesis {
    /// Generated ids, as the engine returns them (the decoder skips specials).
    pub ids: Vec<u32>,
    /// Generation stopped at the length cap.
    pub capped: bool,
    /// The alignment attention: one row per id in `ids`, over the source positions.
    pub attention: Option<Vec<Vec<f32>>>,
}

/// Generated ids as text, with each id's byte span in it (`None` for specials).
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub text: String,
    pub spans: Vec<Option<Span>>,
}

/// What the translator needs from a model. Implemented by the Marian engine; tests use doubles.
pub trait Seq2Seq: Send + Sync {
    fn info(&self) -> &ModelInfo;
    /// Most source tokens (`</s>` included) the model takes.
    fn max_source_tokens(&self) -> usize;
    fn encode(&self, text: &str) -> Result<Encoded>;
    /// Decodes a batch of encoded sources; one hypothesis per source, in order. Results must not
    /// depend on the batch's other rows.
    fn generate(&self, batch: &[&[u32]], opts: &DecodeOptions) -> Result<Vec<Hypothesis>>;
    fn decode(&self, ids: &[u32]) -> Result<Decoded>;
}

/// The translation of one text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TranslatedText {
    pub text: String,
    pub flags: Vec<Flag>,
    /// Word links: `src` into the source text given, `tgt` into `text`.
    pub links: Vec<WordLink>,
}

/// Translates sentences with one loaded model and fixed decoding settings.
pub struct Translator {
    model: Box<dyn Seq2Seq>,
    opts: DecodeOptions,
}

/// One piece of model work: a whole text or one part of a split one.
struct Unit {
    text: usize,
    /// Byte span of the part in its text.
    span: Span,
    encoded: Encoded,
}

impl Translator {
    /// A translator over a loaded Marian model.
    pub fn new(model: super::LoadedModel, opts: DecodeOptions) -> Result<Self> {
        Self::with_model(Box::new(model), opts)
    }

    /// A translator over any [`Seq2Seq`] model (the Marian engine, or a test double).
    pub fn with_model(model: Box<dyn Seq2Seq>, opts: DecodeOptions) -> Result<Self> {
        opts.validate()?;
        Ok(Translator { model, opts })
    }

    pub fn model_info(&self) -> &ModelInfo {
        self.model.info()
    }

    pub fn options(&self) -> &DecodeOptions {
        &self.opts
    }

    /// Translates `texts`; results in input order.
    pub fn translate_texts(&self, texts: &[&str]) -> Result<Vec<TranslatedText>> {
        self.translate_texts_with_progress(texts, &mut |_, _| {})
    }

    /// As [`Translator::translate_texts`], calling `progress(done, total)` (in units of model
    /// work: sentences or their parts) after every batch.
    pub fn translate_texts_with_progress(
        &self,
        texts: &[&str],
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<TranslatedText>> {
        let units = self.units(texts)?;
        let lengths: Vec<usize> = units.iter().map(|u| u.encoded.ids.len()).collect();
        let mut outputs: Vec<Option<(Decoded, Hypothesis)>> = vec![None; units.len()];
        let mut done = 0;
        for batch in plan_batches(&lengths, self.opts.batch_tokens) {
            let sources: Vec<&[u32]> = batch.iter().map(|&i| &units[i].encoded.ids[..]).collect();
            let hyps = self.model.generate(&sources, &self.opts)?;
            if hyps.len() != batch.len() {
                return Err(Error::Setting {
                    name: "model".into(),
                    reason: format!("returned {} outputs for {} inputs", hyps.len(), batch.len()),
                });
            }
            for (&i, hyp) in batch.iter().zip(hyps) {
                let decoded = self.model.decode(&hyp.ids)?;
                outputs[i] = Some((decoded, hyp));
            }
            done += batch.len();
            progress(done, units.len());
        }
        let mut results: Vec<Vec<(Span, &Encoded, Decoded, Hypothesis)>> =
            (0..texts.len()).map(|_| Vec::new()).collect();
        for (unit, out) in units.iter().zip(outputs) {
            let (decoded, hyp) = out.expect("every unit is in one batch");
            results[unit.text].push((unit.span, &unit.encoded, decoded, hyp));
        }
        Ok(texts
            .iter()
            .zip(results)
            .map(|(text, parts)| assemble(text, parts))
            .collect())
    }

    /// Translates every sentence of `doc`, in order.
    pub fn translate_document(&self, doc: &Document) -> Result<Vec<Translation>> {
        self.translate_document_with_progress(doc, &mut |_, _| {})
    }

    /// As [`Translator::translate_document`], with progress as in
    /// [`Translator::translate_texts_with_progress`].
    pub fn translate_document_with_progress(
        &self,
        doc: &Document,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Translation>> {
        let texts: Vec<&str> = doc.sentences.iter().map(|s| doc.slice(s.span)).collect();
        let translated = self.translate_texts_with_progress(&texts, progress)?;
        Ok(doc
            .sentences
            .iter()
            .zip(translated)
            .map(|(s, t)| Translation {
                sentence: s.id,
                text: t.text,
                flags: t.flags,
                links: t.links,
            })
            .collect())
    }

    /// Encodes every text, splitting those over the model's positions; empty texts get no unit.
    fn units(&self, texts: &[&str]) -> Result<Vec<Unit>> {
        let max = self.model.max_source_tokens();
        let mut units = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            let whole = self.model.encode(text)?;
            if whole.ids.len() <= max {
                units.push(Unit {
                    text: i,
                    span: Span::new(0, text.len()),
                    encoded: whole,
                });
                continue;
            }
            // Encoding errors inside the predicate count as "does not fit": the split then goes
            // finer, and the final encode below reports the error.
            let mut fits = |piece: &str| self.model.encode(piece).is_ok_and(|e| e.ids.len() <= max);
            for span in split::split_to_fit(text, &mut fits) {
                units.push(Unit {
                    text: i,
                    span,
                    encoded: self.model.encode(&text[span.range()])?,
                });
            }
        }
        Ok(units)
    }
}

/// Joins the translated parts of one text and computes its flags and word links.
fn assemble(source: &str, parts: Vec<(Span, &Encoded, Decoded, Hypothesis)>) -> TranslatedText {
    let mut text = String::new();
    let mut word_links = Vec::new();
    let mut flag_list = Vec::new();
    let mut cap: Option<usize> = None;
    let n_parts = parts.len();
    for (span, encoded, decoded, hyp) in parts {
        let piece = decoded.text.trim();
        if piece.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        // `decoded.spans` index `decoded.text`; re-base them on the trimmed piece at its place.
        let lead = decoded.text.len() - decoded.text.trim_start().len();
        let tgt_base = text.len();
        text.push_str(piece);
        if hyp.capped {
            cap = Some(cap.unwrap_or(0).max(hyp.ids.len()));
        }
        if let Some(att) = &hyp.attention {
            let tgt_spans: Vec<Option<Span>> = decoded
                .spans
                .iter()
                .map(|s| s.filter(|s| s.start >= lead && s.end <= lead + piece.len()))
                .map(|s| s.map(|s| Span::new(s.start - lead, s.end - lead)))
                .collect();
            let part_src = &source[span.range()];
            for link in links::word_links(att, &encoded.spans, &tgt_spans, part_src, piece) {
                word_links.push(WordLink {
                    src: link.src.shift(span.start),
                    tgt: link.tgt.shift(tgt_base),
                });
            }
        }
    }
    if let Some(max_new_tokens) = cap {
        flag_list.push(Flag::Truncated { max_new_tokens });
    }
    if n_parts > 1 {
        flag_list.push(Flag::Split { parts: n_parts });
    }
    flag_list.extend(flags::check(source, &text));
    TranslatedText {
        text,
        flags: flag_list,
        links: word_links,
    }
}

/// Groups unit indices into batches: sorted by length (ties by index, so plans are
/// deterministic), each batch as many as fit `budget` tokens counted as rows × longest row.
/// A unit longer than the budget gets a batch of its own.
pub fn plan_batches(lengths: &[usize], budget: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| (lengths[i], i));
    let mut batches: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for i in order {
        // Sorted ascending: the newcomer is the longest row.
        if !current.is_empty() && (current.len() + 1) * lengths[i] > budget {
            batches.push(std::mem::take(&mut current));
        }
        current.push(i);
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Test double: a "model" that translates word by word through a small glossary (unknown
    /// words are upper-cased), one source word per token, with one-hot attention on the word it
    /// translates. It records the batches it was given.
    pub(crate) struct GlossaryDouble {
        info: ModelInfo,
        max_tokens: usize,
        max_new: usize,
        words: Mutex<Vec<String>>,
        pub batches: Arc<Mutex<Vec<usize>>>,
    }

    const GLOSSARY: &[(&str, &str)] = &[("قال", "said"), ("الوزير", "minister"), ("إن", "that")];

    impl GlossaryDouble {
        pub(crate) fn new(max_tokens: usize, max_new: usize) -> Self {
            GlossaryDouble {
                info: ModelInfo {
                    id: "glossary-double".into(),
                    revision: "test".into(),
                    ..ModelInfo::default()
                },
                max_tokens,
                max_new,
                words: Mutex::new(vec!["</s>".into()]),
                batches: Arc::default(),
            }
        }
        fn id(&self, word: &str) -> u32 {
            let mut words = self.words.lock().unwrap();
            let i = words.iter().position(|w| w == word).unwrap_or_else(|| {
                words.push(word.to_string());
                words.len() - 1
            });
            i as u32
        }
    }

    impl Seq2Seq for GlossaryDouble {
        fn info(&self) -> &ModelInfo {
            &self.info
        }
        fn max_source_tokens(&self) -> usize {
            self.max_tokens
        }
        fn encode(&self, text: &str) -> Result<Encoded> {
            let mut ids = Vec::new();
            let mut spans = Vec::new();
            for w in links::word_spans(text) {
                ids.push(self.id(&text[w.range()]));
                spans.push(Some(w));
            }
            ids.push(0);
            spans.push(None);
            Ok(Encoded { ids, spans })
        }
        fn generate(&self, batch: &[&[u32]], _: &DecodeOptions) -> Result<Vec<Hypothesis>> {
            self.batches.lock().unwrap().push(batch.len());
            Ok(batch
                .iter()
                .map(|src| {
                    let n = src.len() - 1;
                    let take = n.min(self.max_new);
                    let mut ids: Vec<u32> = src[..take].to_vec();
                    let mut attention: Vec<Vec<f32>> = (0..take)
                        .map(|t| {
                            (0..src.len())
                                .map(|s| if s == t { 1.0 } else { 0.0 })
                                .collect()
                        })
                        .collect();
                    ids.push(0);
                    attention.push(
                        (0..src.len())
                            .map(|s| if s == n { 1.0 } else { 0.0 })
                            .collect(),
                    );
                    Hypothesis {
                        ids,
                        capped: take < n,
                        attention: Some(attention),
                    }
                })
                .collect())
        }
        fn decode(&self, ids: &[u32]) -> Result<Decoded> {
            let words = self.words.lock().unwrap();
            let mut text = String::new();
            let mut spans = Vec::new();
            for &id in ids {
                if id == 0 {
                    spans.push(None);
                    continue;
                }
                let w = &words[id as usize];
                let out = GLOSSARY
                    .iter()
                    .find(|(a, _)| a == w)
                    .map(|(_, e)| e.to_string())
                    .unwrap_or_else(|| w.to_uppercase());
                if !text.is_empty() {
                    text.push(' ');
                }
                spans.push(Some(Span::new(text.len(), text.len() + out.len())));
                text.push_str(&out);
            }
            Ok(Decoded { text, spans })
        }
    }

    fn translator(max_tokens: usize, max_new: usize, batch_tokens: usize) -> Translator {
        let opts = DecodeOptions {
            batch_tokens,
            ..DecodeOptions::default()
        };
        Translator::with_model(Box::new(GlossaryDouble::new(max_tokens, max_new)), opts).unwrap()
    }

    #[test]
    fn plan_batches_table() {
        type Case<'a> = (&'a [usize], usize, &'a [&'a [usize]]);
        let cases: &[Case] = &[
            (&[], 10, &[]),
            (&[3, 1, 2], 100, &[&[1, 2, 0]]),
            // 2 rows of 3 = 6 ≤ 6; a third row of 4 would be 12.
            (&[3, 4, 3], 6, &[&[0, 2], &[1]]),
            // Longer than the budget: alone.
            (&[50, 2], 10, &[&[1], &[0]]),
            (&[2, 2, 2, 2], 4, &[&[0, 1], &[2, 3]]),
        ];
        for (lengths, budget, want) in cases {
            let got = plan_batches(lengths, *budget);
            let want: Vec<Vec<usize>> = want.iter().map(|b| b.to_vec()).collect();
            assert_eq!(got, want, "{lengths:?} budget {budget}");
        }
    }

    #[test]
    fn results_in_input_order_whatever_the_batching() {
        let texts = ["قال الوزير", "أ ب ج د هـ و ز", "", "إن"];
        let one = translator(100, 100, 1).translate_texts(&texts).unwrap();
        let many = translator(100, 100, 1000).translate_texts(&texts).unwrap();
        assert_eq!(one, many);
        let shown: Vec<&str> = one.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(shown, vec!["said minister", "أ ب ج د هـ و ز", "", "that"]);
    }

    #[test]
    fn batches_respect_the_budget() {
        let double = GlossaryDouble::new(100, 100);
        let seen = double.batches.clone();
        let t = Translator::with_model(
            Box::new(double),
            DecodeOptions {
                batch_tokens: 6,
                ..DecodeOptions::default()
            },
        )
        .unwrap();
        // Five texts of 2 tokens (word + </s>): three rows per batch.
        let out = t.translate_texts(&["a", "b", "c", "d", "e"]).unwrap();
        assert_eq!(out.len(), 5);
        assert_eq!(*seen.lock().unwrap(), vec![3, 2]);
    }

    #[test]
    fn word_links_point_at_words() {
        let t = translator(100, 100, 100);
        let out = t.translate_texts(&["قال الوزير،"]).unwrap();
        let src = "قال الوزير،";
        let shown: Vec<(&str, &str)> = out[0]
            .links
            .iter()
            .map(|l| (&src[l.src.range()], &out[0].text[l.tgt.range()]))
            .collect();
        assert_eq!(shown, vec![("قال", "said"), ("الوزير", "minister")]);
    }

    #[test]
    fn long_sentence_split_and_joined() {
        // 4 tokens max (3 words + </s>).
        let t = translator(4, 100, 100);
        let src = "قال الوزير إن، الحكومة ستبدأ المفاوضات غدا";
        let out = &t.translate_texts(&[src]).unwrap()[0];
        assert_eq!(out.text, "said minister that الحكومة ستبدأ المفاوضات غدا");
        assert!(out.flags.contains(&Flag::Split { parts: 3 }));
        // Links of the second part are shifted onto the whole sentence and translation.
        for l in &out.links {
            assert_eq!(
                links::word_spans(&src[l.src.range()]).len(),
                1,
                "link source is one word"
            );
            assert!(l.tgt.end <= out.text.len());
        }
        let last = out.links.last().unwrap();
        assert_eq!(&src[last.src.range()], "غدا");
        assert_eq!(&out.text[last.tgt.range()], "غدا");
    }

    #[test]
    fn capped_output_flagged_truncated() {
        let t = translator(100, 2, 100);
        let out = &t.translate_texts(&["أ ب ج د"]).unwrap()[0];
        assert_eq!(out.text, "أ ب");
        assert!(out.flags.contains(&Flag::Truncated { max_new_tokens: 3 }));
    }

    #[test]
    fn number_flags_from_the_texts() {
        let t = translator(100, 100, 100);
        // The double copies unknown words; ٢٠٢٢ stays in Arabic-Indic digits → same number.
        let out = &t.translate_texts(&["عام ٢٠٢٢"]).unwrap()[0];
        assert!(!out
            .flags
            .iter()
            .any(|f| matches!(f, Flag::NumberMismatch { .. })));
        // Capped before the number: it is missing.
        let t = translator(100, 1, 100);
        let out = &t.translate_texts(&["عام ٢٠٢٢"]).unwrap()[0];
        assert!(out.flags.contains(&Flag::NumberMismatch {
            missing: vec!["2022".into()]
        }));
    }

    #[test]
    fn bad_options_rejected() {
        for opts in [
            DecodeOptions {
                beam: 0,
                ..DecodeOptions::default()
            },
            DecodeOptions {
                batch_tokens: 0,
                ..DecodeOptions::default()
            },
            DecodeOptions {
                max_new_tokens: Some(2),
                min_new_tokens: 3,
                ..DecodeOptions::default()
            },
        ] {
            let err = Translator::with_model(Box::new(GlossaryDouble::new(10, 10)), opts);
            assert!(matches!(err, Err(Error::Setting { .. })));
        }
    }
}
