//! The Marian (OPUS-MT) encoder-decoder on candle: weights in, logits and attention out.
//!
//! Takes a model folder (config.json, generation_config.json, weights) and gives a [`Marian`]
//! with three calls: [`Marian::encode`] runs the encoder over a padded batch of source ids
//! (with a padding mask, so a sentence's result never depends on its neighbours' lengths);
//! [`Marian::start_decoder`] computes every layer's cross-attention keys/values ONCE per batch;
//! [`Marian::decode_step`] feeds one token per row and returns next-token logits
//! ([`Marian::decode_hidden`] and [`Marian::logits`] split it, so that a caller can score the
//! rows a few at a time). [`DecoderState::select`] reorders rows (beam search) and drops
//! finished sentences, so the batch shrinks as sentences end.
//!
//! It follows transformers' `MarianMTModel` exactly (post-LayerNorm blocks, sinusoidal
//! positions laid out as `[sin | cos]` halves, embeddings scaled by sqrt(d_model) when
//! `scale_embedding`, `final_logits_bias`, `lm_head` tied to the (shared or decoder) embeddings),
//! and departs from candle-transformers' `marian.rs`, which caches keys in the encoder, has no
//! padding mask, recomputes cross keys/values every step and drops attention weights.
//!
//! Layout choices for speed: the linear layers are `Linear`s (the engine's packed fp32 or
//! int8 kernels on the CPU, the tied embedding table read from the packed output layer). On
//! the CPU in f32 the decoder's caches are host buffers (`host_cache`): keys and values stay
//! where a step wrote them and beams are reordered by index, cross keys/values are kept once
//! per sentence for its source tokens only. Elsewhere the caches are tensors: self-attention
//! buffers grown in place, rows reordered by index-select, and the beams of one sentence are
//! the query rows of one cross-attention matmul.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use candle_core::{DType, Device, IndexOp, Tensor};

use crate::error::{Error, Result};
use crate::model::config::{Activation, GenerationConfig, MarianConfig};
use crate::model::files::ModelFiles;
use crate::model::host_cache::{HostCaches, Report};
use crate::model::kernels::{dense::PackedMatrix, softmax::silu, with_f32};
use crate::model::linear::Linear;
use crate::model::quant::Quantize;
use crate::model::weights::{TensorSpec, Weights};

/// Where and in which float type the model computes.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub device: Device,
    /// fp32 by default; fp16/bf16 weight files are converted to it on load.
    pub dtype: DType,
    /// Int8 linear layers (CPU, f32 only); `Quantize::None` keeps the weights as loaded.
    pub quantize: Quantize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            device: Device::Cpu,
            dtype: DType::F32,
            quantize: Quantize::None,
        }
    }
}

impl LoadOptions {
    /// The device named by `name`: `cpu`, or `cuda` / `cuda:N` when built with the `cuda` feature.
    pub fn device_named(name: &str) -> Result<Device> {
        let setting = |reason: String| Error::Setting {
            name: "device".into(),
            reason,
        };
        match name {
            "cpu" => Ok(Device::Cpu),
            other => {
                let ordinal = match other.strip_prefix("cuda") {
                    Some("") => 0,
                    Some(rest) => rest
                        .strip_prefix(':')
                        .and_then(|n| n.parse().ok())
                        .ok_or_else(|| setting(format!("{other:?} is not cpu, cuda or cuda:N")))?,
                    None => return Err(setting(format!("{other:?} is not cpu, cuda or cuda:N"))),
                };
                if !candle_core::utils::cuda_is_available() {
                    return Err(setting(format!(
                        "{other} asked for, but this build has no CUDA support (build with --features cuda)"
                    )));
                }
                Device::new_cuda(ordinal).map_err(Error::from)
            }
        }
    }
}

#[derive(Debug, Clone)]
struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f32,
}

impl LayerNorm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        // Two-pass (mean, then the variance of x − mean) as PyTorch computes it; candle's
        // fused kernel uses E[x²] − E[x]², which loses digits on residual streams with large
        // means and flips near-ties in greedy search. On the CPU in f32, one fused pass over
        // each row; elsewhere the same formula from tensor ops.
        if x.device().is_cpu() && x.dtype() == DType::F32 {
            let op = TwoPassLayerNorm { eps: self.eps };
            return Ok(x
                .contiguous()?
                .apply_op3_no_bwd(&self.weight, &self.bias, &op)?);
        }
        Ok(candle_nn::ops::layer_norm_slow(
            x,
            &self.weight,
            &self.bias,
            self.eps,
        )?)
    }
}

/// The CPU kernel of [`LayerNorm`]: per row of the last dimension, mean, then variance of the
/// centred values, then scale and shift.
struct TwoPassLayerNorm {
    eps: f32,
}

impl candle_core::CustomOp3 for TwoPassLayerNorm {
    fn name(&self) -> &'static str {
        "two-pass-layer-norm"
    }

    fn cpu_fwd(
        &self,
        s1: &candle_core::CpuStorage,
        l1: &candle_core::Layout,
        s2: &candle_core::CpuStorage,
        l2: &candle_core::Layout,
        s3: &candle_core::CpuStorage,
        l3: &candle_core::Layout,
    ) -> candle_core::Result<(candle_core::CpuStorage, candle_core::Shape)> {
        use candle_core::CpuStorage;
        let slice = |s: &CpuStorage, l: &candle_core::Layout| -> candle_core::Result<Vec<f32>> {
            let (CpuStorage::F32(v), Some((start, end))) = (s, l.contiguous_offsets()) else {
                candle_core::bail!("two-pass-layer-norm needs contiguous f32 tensors")
            };
            Ok(v[start..end].to_vec())
        };
        let (CpuStorage::F32(xs), Some((start, end))) = (s1, l1.contiguous_offsets()) else {
            candle_core::bail!("two-pass-layer-norm needs a contiguous f32 input")
        };
        let xs = &xs[start..end];
        let dim = l1.dims().last().copied().unwrap_or(1);
        let (weight, bias) = (slice(s2, l2)?, slice(s3, l3)?);
        if weight.len() != dim || bias.len() != dim {
            candle_core::bail!("layer norm of width {dim} with {} weights", weight.len())
        }
        let mut out = vec![0f32; xs.len()];
        for (row, dst) in xs.chunks_exact(dim).zip(out.chunks_exact_mut(dim)) {
            let mean = row.iter().sum::<f32>() / dim as f32;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / dim as f32;
            let inv_std = (var + self.eps).sqrt().recip();
            for (((d, v), w), b) in dst.iter_mut().zip(row).zip(&weight).zip(&bias) {
                *d = (v - mean) * inv_std * w + b;
            }
        }
        Ok((CpuStorage::F32(out), l1.shape().clone()))
    }
}

/// Multi-head attention projections.
#[derive(Debug, Clone)]
struct Attention {
    q: Linear,
    k: Linear,
    v: Linear,
    out: Linear,
    heads: usize,
    head_dim: usize,
    /// head_dim^-½, applied to the scores as transformers does (folding it into the query
    /// weights changes the rounding enough to flip near-ties on high-gain test models).
    scale: f64,
}

impl Attention {
    /// `(b, t, d)` → `(b, heads, t, head_dim)`, contiguous for matmul.
    fn split_heads(&self, x: &Tensor) -> Result<Tensor> {
        let (b, t, _) = x.dims3()?;
        Ok(x.reshape((b, t, self.heads, self.head_dim))?
            .transpose(1, 2)?
            .contiguous()?)
    }

    /// Keys and values of `x`, split into heads.
    fn keys_values(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        Ok((
            self.split_heads(&self.k.forward(x)?)?,
            self.split_heads(&self.v.forward(x)?)?,
        ))
    }
}

/// softmax(q kᵀ + mask) v; returns the merged heads `(b, t, d)` and the probabilities.
fn attend(
    q: &Tensor,
    k: &Tensor,
    v: &Tensor,
    scale: f64,
    mask: Option<&Tensor>,
) -> Result<(Tensor, Tensor)> {
    let mut scores = (q.matmul(&k.t()?)? * scale)?;
    if let Some(mask) = mask {
        scores = scores.broadcast_add(mask)?;
    }
    let probs = candle_nn::ops::softmax_last_dim(&scores)?;
    let ctx = probs.matmul(v)?;
    let (b, h, t, hd) = ctx.dims4()?;
    let ctx = ctx.transpose(1, 2)?.reshape((b, t, h * hd))?;
    Ok((ctx, probs))
}

#[derive(Debug, Clone)]
struct FeedForward {
    fc1: Linear,
    fc2: Linear,
    activation: Activation,
}

impl FeedForward {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        if self.activation == Activation::Silu && x.device().is_cpu() && x.dtype() == DType::F32 {
            // On the CPU: the vector SiLU in place on the first layer's output.
            let width = x.dim(candle_core::D::Minus1)?;
            let rows = x.elem_count() / width.max(1);
            let mut h = self.fc1.forward_vec(&x.reshape((rows, width))?)?;
            silu(&mut h);
            let h = Tensor::from_vec(h, (rows, self.fc1.out_dim()?), x.device())?;
            return Ok(self.fc2.forward(&h)?.reshape(x.dims())?);
        }
        let h = self.fc1.forward(x)?;
        let h = match self.activation {
            Activation::Silu => h.silu()?,
            Activation::Relu => h.relu()?,
            Activation::Gelu => h.gelu_erf()?,
            Activation::GeluTanh => h.gelu()?,
            Activation::Tanh => h.tanh()?,
            Activation::Sigmoid => candle_nn::ops::sigmoid(&h)?,
        };
        self.fc2.forward(&h)
    }
}

#[derive(Debug, Clone)]
struct EncoderLayer {
    attn: Attention,
    attn_norm: LayerNorm,
    ffn: FeedForward,
    ffn_norm: LayerNorm,
}

#[derive(Debug, Clone)]
struct DecoderLayer {
    self_attn: Attention,
    self_norm: LayerNorm,
    cross_attn: Attention,
    cross_norm: LayerNorm,
    ffn: FeedForward,
    ffn_norm: LayerNorm,
}

/// An embedding table: a tensor, or the packed output layer it is tied to (one copy in memory).
#[derive(Debug, Clone)]
enum Table {
    Tensor(Tensor),
    Packed(Arc<PackedMatrix>),
}

impl Table {
    /// The rows of `ids` (flat), `(ids.len(), d)`.
    fn lookup(&self, ids: &Tensor) -> Result<Tensor> {
        match self {
            Self::Tensor(t) => Ok(t.index_select(ids, 0)?),
            Self::Packed(p) => {
                let ids = ids.to_vec1::<u32>()?;
                if let Some(bad) = ids.iter().find(|&&id| id as usize >= p.rows()) {
                    return Err(Error::Setting {
                        name: "token".into(),
                        reason: format!("id {bad} is outside the table of {}", p.rows()),
                    });
                }
                let d = p.cols();
                let mut rows = vec![0f32; ids.len() * d];
                for (&id, dst) in ids.iter().zip(rows.chunks_exact_mut(d.max(1))) {
                    p.row(id as usize, dst);
                }
                Ok(Tensor::from_vec(rows, (ids.len(), d), &Device::Cpu)?)
            }
        }
    }
}

/// A loaded Marian model.
#[derive(Debug, Clone)]
pub struct Marian {
    config: MarianConfig,
    generation: GenerationConfig,
    device: Device,
    dtype: DType,
    encoder_embed: Table,
    decoder_embed: Table,
    /// `(max_positions, d_model)` sinusoids, shared by encoder and decoder.
    positions: Tensor,
    encoder: Vec<EncoderLayer>,
    decoder: Vec<DecoderLayer>,
    /// `lm_head` `(target_vocab, d_model)` with `final_logits_bias` `(target_vocab,)` as its
    /// bias: the largest matmul of a step, so int8 applies to it too.
    output: Linear,
    embed_scale: f64,
}

/// The encoder's output for a padded batch.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// `(batch, src_len, d_model)`; rows past a sentence's length are padding.
    pub hidden: Tensor,
    /// Source length of each sentence (ids, `</s>` included).
    pub lengths: Vec<usize>,
    /// `(batch, 1, 1, src_len)` additive mask: 0 on tokens, −∞ on padding.
    mask: Tensor,
}

/// The decoder's self-attention cache of one layer on the tensor path:
/// `(rows, heads, capacity, head_dim)` buffers filled up to the step count, doubled when full,
/// so a step appends in place instead of copying the whole history.
#[derive(Debug)]
struct SelfCache {
    k: Tensor,
    v: Tensor,
}

/// Caches of the tensor path (candle ops; devices other than the CPU and float types other
/// than f32): self-attention caches, cross-attention keys/values per sentence, source mask.
#[derive(Debug)]
struct TensorCaches {
    caches: Vec<SelfCache>,
    cross: Vec<(Tensor, Tensor)>,
    mask: Tensor,
    capacity: usize,
}

/// Where a batch's decoder caches live.
#[derive(Debug)]
enum Caches {
    /// CPU, f32: host buffers, reordered by index (`host_cache`).
    Host(HostCaches),
    Tensors(TensorCaches),
}

/// Decoding state of a batch: the attention caches (cross-attention keys/values computed
/// once), the source lengths, and how many decoder rows each sentence has (1, or the beams).
#[derive(Debug)]
pub struct DecoderState {
    caches: Caches,
    lengths: Vec<usize>,
    rows_per_sentence: usize,
    len: usize,
}

/// Cross-attention to report: a layer's head, or the mean over the layer's heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttentionPick {
    pub layer: usize,
    /// `None`: the average over all heads of the layer.
    pub head: Option<usize>,
}

/// What one decoder step gives.
#[derive(Debug)]
pub struct StepOutput {
    /// Next-token logits, row after row: `rows × vocab` f32.
    pub logits: Vec<f32>,
    /// The target vocabulary size (the length of a row of `logits`).
    pub vocab: usize,
    /// Per row, the picked cross-attention over that row's source tokens (padding cut off).
    pub attention: Option<Vec<Vec<f32>>>,
}

/// Hands the heap's free pages back to the system. Loading reads each tensor into a buffer
/// that is freed once the layer is built; glibc keeps such pages in its arenas otherwise
/// (≈15 MiB after loading the opus-mt-ar-en shape, part of the decoding peak).
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only returns memory the allocator holds free; no pointer is passed.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A decoder step up to the output layer ([`Marian::decode_hidden`]).
#[derive(Debug)]
pub struct StepHidden {
    /// `(rows, d_model)`: each row's last hidden state.
    hidden: Tensor,
    /// Per row, the picked cross-attention over that row's source tokens (padding cut off).
    pub attention: Option<Vec<Vec<f32>>>,
}

impl StepHidden {
    /// Decoder rows of the step.
    pub fn rows(&self) -> usize {
        self.hidden.dims().first().copied().unwrap_or(0)
    }
}

/// transformers' `MarianSinusoidalPositionalEmbedding.create_weight`: position / 10000^(2⌊j/2⌋/d),
/// sines of the even columns in the first half, cosines of the odd columns in the second,
/// computed in f64 and rounded once.
fn sinusoids(n_pos: usize, dim: usize) -> Vec<f32> {
    let sentinel = dim.div_ceil(2);
    let mut out = vec![0f32; n_pos * dim];
    for pos in 0..n_pos {
        let row = &mut out[pos * dim..(pos + 1) * dim];
        for j in 0..dim {
            let angle = pos as f64 / 10000f64.powf((2 * (j / 2)) as f64 / dim as f64);
            if j % 2 == 0 {
                row[j / 2] = angle.sin() as f32;
            } else {
                row[sentinel + j / 2] = angle.cos() as f32;
            }
        }
    }
    out
}

/// Names of the tensors of a model, for the shape check and for building.
struct Names;

impl Names {
    fn linear(prefix: &str, out: usize, inp: usize) -> [TensorSpec; 2] {
        [
            TensorSpec::new(format!("{prefix}.weight"), &[out, inp]),
            TensorSpec::new(format!("{prefix}.bias"), &[out]),
        ]
    }

    fn norm(prefix: &str, d: usize) -> [TensorSpec; 2] {
        [
            TensorSpec::new(format!("{prefix}.weight"), &[d]),
            TensorSpec::new(format!("{prefix}.bias"), &[d]),
        ]
    }

    fn attention(prefix: &str, d: usize) -> Vec<TensorSpec> {
        ["q_proj", "k_proj", "v_proj", "out_proj"]
            .iter()
            .flat_map(|p| Self::linear(&format!("{prefix}.{p}"), d, d))
            .collect()
    }

    fn specs(c: &MarianConfig) -> Vec<TensorSpec> {
        let d = c.d_model;
        let s = |n: &str| n.to_string();
        let mut specs = Vec::new();
        // Tied weights are saved under any one of their names (transformers keeps one).
        let shared = [
            s("model.shared.weight"),
            s("model.encoder.embed_tokens.weight"),
            s("model.decoder.embed_tokens.weight"),
        ];
        if c.share_encoder_decoder_embeddings {
            let mut names = shared.to_vec();
            if c.tie_word_embeddings {
                names.push(s("lm_head.weight"));
            }
            specs.push(TensorSpec::any_of(&names, &[c.vocab_size, d]));
        } else {
            specs.push(TensorSpec::new(
                "model.encoder.embed_tokens.weight",
                &[c.vocab_size, d],
            ));
            let mut names = vec![s("model.decoder.embed_tokens.weight")];
            if c.tie_word_embeddings {
                names.push(s("lm_head.weight"));
            }
            specs.push(TensorSpec::any_of(&names, &[c.decoder_vocab_size, d]));
        }
        if !c.tie_word_embeddings {
            specs.push(TensorSpec::new(
                "lm_head.weight",
                &[c.target_vocab_size(), d],
            ));
        }
        specs.push(TensorSpec::new("final_logits_bias", &[1, c.target_vocab_size()]).optional());
        for i in 0..c.encoder_layers {
            let p = format!("model.encoder.layers.{i}");
            specs.extend(Self::attention(&format!("{p}.self_attn"), d));
            specs.extend(Self::norm(&format!("{p}.self_attn_layer_norm"), d));
            specs.extend(Self::linear(&format!("{p}.fc1"), c.encoder_ffn_dim, d));
            specs.extend(Self::linear(&format!("{p}.fc2"), d, c.encoder_ffn_dim));
            specs.extend(Self::norm(&format!("{p}.final_layer_norm"), d));
        }
        for i in 0..c.decoder_layers {
            let p = format!("model.decoder.layers.{i}");
            specs.extend(Self::attention(&format!("{p}.self_attn"), d));
            specs.extend(Self::norm(&format!("{p}.self_attn_layer_norm"), d));
            specs.extend(Self::attention(&format!("{p}.encoder_attn"), d));
            specs.extend(Self::norm(&format!("{p}.encoder_attn_layer_norm"), d));
            specs.extend(Self::linear(&format!("{p}.fc1"), c.decoder_ffn_dim, d));
            specs.extend(Self::linear(&format!("{p}.fc2"), d, c.decoder_ffn_dim));
            specs.extend(Self::norm(&format!("{p}.final_layer_norm"), d));
        }
        specs
    }
}

/// Builds layers, reading each tensor from the (checked) file when its layer is built, so that
/// a layer's float weight is gone once the layer holds its own form of it; a tensor that is
/// not there is a bug in [`Names::specs`], reported as an error rather than a panic.
struct Builder<'a> {
    weights: &'a Weights,
    specs: HashMap<String, TensorSpec>,
    device: Device,
    dtype: DType,
    quantize: Quantize,
}

impl Builder<'_> {
    fn take_optional(&mut self, name: &str) -> Result<Option<Tensor>> {
        let spec = self.specs.get(name).ok_or_else(|| Error::ModelFile {
            path: self.weights.path().to_path_buf(),
            reason: format!("tensor {name} is not part of the model"),
        })?;
        self.weights.load(spec, &self.device, self.dtype)
    }

    fn take(&mut self, name: &str) -> Result<Tensor> {
        self.take_optional(name)?.ok_or_else(|| Error::ModelFile {
            path: self.weights.path().to_path_buf(),
            reason: format!("tensor {name} was not loaded"),
        })
    }

    fn linear(&mut self, prefix: &str) -> Result<Linear> {
        Linear::new(
            self.take(&format!("{prefix}.weight"))?,
            self.take(&format!("{prefix}.bias"))?,
            self.quantize,
        )
    }

    fn norm(&mut self, prefix: &str, eps: f64) -> Result<LayerNorm> {
        Ok(LayerNorm {
            weight: self.take(&format!("{prefix}.weight"))?,
            bias: self.take(&format!("{prefix}.bias"))?,
            eps: eps as f32,
        })
    }

    fn attention(&mut self, prefix: &str, d: usize, heads: usize) -> Result<Attention> {
        let head_dim = d / heads;
        let scale = (head_dim as f64).powf(-0.5);
        Ok(Attention {
            q: self.linear(&format!("{prefix}.q_proj"))?,
            scale,
            k: self.linear(&format!("{prefix}.k_proj"))?,
            v: self.linear(&format!("{prefix}.v_proj"))?,
            out: self.linear(&format!("{prefix}.out_proj"))?,
            heads,
            head_dim,
        })
    }

    fn ffn(&mut self, prefix: &str, activation: Activation) -> Result<FeedForward> {
        Ok(FeedForward {
            fc1: self.linear(&format!("{prefix}.fc1"))?,
            fc2: self.linear(&format!("{prefix}.fc2"))?,
            activation,
        })
    }
}

impl Marian {
    /// Loads the model of a complete Hugging Face-layout folder (checked by [`ModelFiles`]):
    /// `config.json`, `generation_config.json` (optional) and `model.safetensors` or
    /// `pytorch_model.bin`. Every tensor's presence and
    /// shape is checked against the config before anything is built.
    pub fn load(dir: &Path, opts: &LoadOptions) -> Result<Self> {
        let files = ModelFiles::check(dir)?;
        let config = MarianConfig::from_file(&files.config)?;
        let generation = GenerationConfig::from_files(
            files.generation_config.as_deref(),
            &files.config,
            config.eos_token_id,
        )?;
        let weights = Weights::open(&files.weights)?;
        let model = Self::from_weights(config, generation, &weights, opts)?;
        release_free_memory();
        Ok(model)
    }

    /// Builds the model from an opened weight file.
    pub fn from_weights(
        config: MarianConfig,
        generation: GenerationConfig,
        weights: &Weights,
        opts: &LoadOptions,
    ) -> Result<Self> {
        let specs = Names::specs(&config);
        weights.check(&specs)?;
        let d = config.d_model;
        let mut b = Builder {
            weights,
            specs: specs
                .iter()
                .map(|s| (s.key().to_string(), s.clone()))
                .collect(),
            device: opts.device.clone(),
            dtype: opts.dtype,
            quantize: opts.quantize,
        };
        let encoder_embed = b.take(specs[0].key())?;
        let decoder_embed = if config.share_encoder_decoder_embeddings {
            encoder_embed.clone()
        } else {
            b.take(specs[1].key())?
        };
        let lm_head = if config.tie_word_embeddings {
            decoder_embed.clone()
        } else {
            b.take("lm_head.weight")?
        };
        let target = config.target_vocab_size();
        let final_logits_bias = match b.take_optional("final_logits_bias")? {
            Some(t) => t.reshape(target)?,
            None => Tensor::zeros(target, opts.dtype, &opts.device)?,
        };
        // The output layer first: once it is built, a table tied to a packed output layer reads
        // its rows there and the float table goes, before the layers are read (peak memory).
        let output = Linear::new(lm_head, final_logits_bias, opts.quantize)?;
        let table = |t: Tensor, tied: bool| match output.packed() {
            Some(p) if tied => Table::Packed(p.clone()),
            _ => Table::Tensor(t),
        };
        let decoder_embed = table(decoder_embed, config.tie_word_embeddings);
        let encoder_embed = table(
            encoder_embed,
            config.tie_word_embeddings && config.share_encoder_decoder_embeddings,
        );
        let eps = config.layer_norm_eps;
        let mut encoder = Vec::with_capacity(config.encoder_layers);
        for i in 0..config.encoder_layers {
            let p = format!("model.encoder.layers.{i}");
            encoder.push(EncoderLayer {
                attn: b.attention(&format!("{p}.self_attn"), d, config.encoder_attention_heads)?,
                attn_norm: b.norm(&format!("{p}.self_attn_layer_norm"), eps)?,
                ffn: b.ffn(&p, config.activation)?,
                ffn_norm: b.norm(&format!("{p}.final_layer_norm"), eps)?,
            });
        }
        let mut decoder = Vec::with_capacity(config.decoder_layers);
        for i in 0..config.decoder_layers {
            let p = format!("model.decoder.layers.{i}");
            let heads = config.decoder_attention_heads;
            decoder.push(DecoderLayer {
                self_attn: b.attention(&format!("{p}.self_attn"), d, heads)?,
                self_norm: b.norm(&format!("{p}.self_attn_layer_norm"), eps)?,
                cross_attn: b.attention(&format!("{p}.encoder_attn"), d, heads)?,
                cross_norm: b.norm(&format!("{p}.encoder_attn_layer_norm"), eps)?,
                ffn: b.ffn(&p, config.activation)?,
                ffn_norm: b.norm(&format!("{p}.final_layer_norm"), eps)?,
            });
        }
        let n_pos = config.max_position_embeddings;
        let positions = Tensor::from_vec(sinusoids(n_pos, d), (n_pos, d), &opts.device)?
            .to_dtype(opts.dtype)?;
        Ok(Self {
            embed_scale: if config.scale_embedding {
                (d as f64).sqrt()
            } else {
                1.0
            },
            config,
            generation,
            device: opts.device.clone(),
            dtype: opts.dtype,
            encoder_embed,
            decoder_embed,
            positions,
            encoder,
            decoder,
            output,
        })
    }

    pub fn config(&self) -> &MarianConfig {
        &self.config
    }

    /// The model's decoding defaults (generation_config.json).
    pub fn generation(&self) -> &GenerationConfig {
        &self.generation
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Most source tokens (`</s>` included) one sentence may have: the model's positions.
    pub fn max_source_tokens(&self) -> usize {
        self.config.max_position_embeddings
    }

    /// The cross-attention head trained as an alignment head in OPUS-MT models built with
    /// guided alignment: head 0 of the last decoder layer (Marian's default
    /// `--transformer-guided-alignment-layer last`).
    pub fn alignment_head(&self) -> AttentionPick {
        AttentionPick {
            layer: self.config.decoder_layers.saturating_sub(1),
            head: Some(0),
        }
    }

    /// Runs the encoder over `batch` (each a list of source ids, `</s>` included), padded to the
    /// longest with `pad_token_id` and masked.
    pub fn encode<S: AsRef<[u32]>>(&self, batch: &[S]) -> Result<Encoded> {
        let lengths: Vec<usize> = batch.iter().map(|s| s.as_ref().len()).collect();
        let max_len = lengths.iter().copied().max().unwrap_or(0);
        if batch.is_empty() || lengths.contains(&0) {
            return Err(Error::Setting {
                name: "source".into(),
                reason: "a sentence to encode has no tokens".into(),
            });
        }
        if max_len > self.config.max_position_embeddings {
            return Err(Error::Setting {
                name: "source".into(),
                reason: format!(
                    "a sentence has {max_len} tokens, over the model's {} positions (split it first)",
                    self.config.max_position_embeddings
                ),
            });
        }
        let vocab = self.config.vocab_size as u32;
        let mut ids = Vec::with_capacity(batch.len() * max_len);
        let mut mask = Vec::with_capacity(batch.len() * max_len);
        for s in batch {
            let s = s.as_ref();
            if let Some(bad) = s.iter().find(|&&id| id >= vocab) {
                return Err(Error::Setting {
                    name: "source".into(),
                    reason: format!("token id {bad} is outside the vocabulary of {vocab}"),
                });
            }
            ids.extend_from_slice(s);
            ids.extend(std::iter::repeat_n(
                self.config.pad_token_id,
                max_len - s.len(),
            ));
            mask.extend(std::iter::repeat_n(0f32, s.len()));
            mask.extend(std::iter::repeat_n(f32::NEG_INFINITY, max_len - s.len()));
        }
        let n = batch.len();
        let ids = Tensor::from_vec(ids, (n, max_len), &self.device)?;
        let mask =
            Tensor::from_vec(mask, (n, 1, 1, max_len), &self.device)?.to_dtype(self.dtype)?;
        let mut x = self.embed(&self.encoder_embed, &ids, 0)?;
        for layer in &self.encoder {
            let a = &layer.attn;
            let q = a.split_heads(&a.q.forward(&x)?)?;
            let (k, v) = a.keys_values(&x)?;
            let (ctx, _) = attend(&q, &k, &v, a.scale, Some(&mask))?;
            x = layer.attn_norm.forward(&(x + a.out.forward(&ctx)?)?)?;
            x = layer.ffn_norm.forward(&(&x + layer.ffn.forward(&x)?)?)?;
        }
        Ok(Encoded {
            hidden: x,
            lengths,
            mask,
        })
    }

    /// Token embeddings × scale + positions `start..start+len`, `(b, len, d)`.
    fn embed(&self, table: &Table, ids: &Tensor, start: usize) -> Result<Tensor> {
        let (b, len) = ids.dims2()?;
        let x = table.lookup(&ids.flatten_all()?)?;
        let x = (x * self.embed_scale)?.reshape((b, len, self.config.d_model))?;
        let pos = self.positions.narrow(0, start, len)?;
        Ok(x.broadcast_add(&pos)?)
    }

    /// Prepares decoding of an encoded batch with one decoder row per sentence: computes every
    /// layer's cross-attention keys and values once. `capacity` is a hint for the number of
    /// steps (the cache grows past it if needed). On the CPU in f32 the caches are host
    /// buffers (`host_cache`), elsewhere tensors.
    pub fn start_decoder(&self, enc: &Encoded, capacity: usize) -> Result<DecoderState> {
        let host = self.device.is_cpu() && self.dtype == DType::F32;
        self.start_decoder_on(enc, capacity, host)
    }

    /// [`Marian::start_decoder`] with the cache kind chosen (tests compare the two paths).
    pub(crate) fn start_decoder_on(
        &self,
        enc: &Encoded,
        capacity: usize,
        host: bool,
    ) -> Result<DecoderState> {
        let n = enc.lengths.len();
        let heads = self.config.decoder_attention_heads;
        let d = self.config.d_model;
        let caches = if host {
            // Keys and values of the source tokens only: padding is neither projected nor kept.
            let (_, src_max, _) = enc.hidden.dims3()?;
            let tokens = with_f32(&enc.hidden, |h| {
                let mut rows = Vec::with_capacity(enc.lengths.iter().sum::<usize>() * d);
                for (s, &len) in enc.lengths.iter().enumerate() {
                    rows.extend_from_slice(&h[s * src_max * d..(s * src_max + len) * d]);
                }
                rows
            })?;
            let count = tokens.len() / d;
            let tokens = Tensor::from_vec(tokens, (count, d), &self.device)?;
            let cross = self
                .decoder
                .iter()
                .map(|l| {
                    let a = &l.cross_attn;
                    Ok((a.k.forward_vec(&tokens)?, a.v.forward_vec(&tokens)?))
                })
                .collect::<Result<Vec<_>>>()?;
            Caches::Host(HostCaches::new(d, heads, cross, &enc.lengths))
        } else {
            let cross = self
                .decoder
                .iter()
                .map(|l| l.cross_attn.keys_values(&enc.hidden))
                .collect::<Result<Vec<_>>>()?;
            let capacity = capacity.clamp(1, 64);
            let caches = (0..self.decoder.len())
                .map(|_| {
                    let zeros =
                        || Tensor::zeros((n, heads, capacity, d / heads), self.dtype, &self.device);
                    Ok(SelfCache {
                        k: zeros()?,
                        v: zeros()?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Caches::Tensors(TensorCaches {
                caches,
                cross,
                mask: enc.mask.clone(),
                capacity,
            })
        };
        Ok(DecoderState {
            caches,
            lengths: enc.lengths.clone(),
            rows_per_sentence: 1,
            len: 0,
        })
    }

    /// Feeds one token per decoder row (at position `state.steps()`) and returns the logits of
    /// the next token; optionally the picked cross-attention of each row.
    pub fn decode_step(
        &self,
        state: &mut DecoderState,
        tokens: &[u32],
        pick: Option<AttentionPick>,
    ) -> Result<StepOutput> {
        let step = self.decode_hidden(state, tokens, pick)?;
        let logits = self.logits(&step, 0..step.rows())?;
        Ok(StepOutput {
            logits,
            vocab: self.config.target_vocab_size(),
            attention: step.attention,
        })
    }

    /// Next-token logits of the decoder rows `rows` of a step, row after row
    /// (`rows.len() × config().target_vocab_size()`). Beam search asks for a few sentences'
    /// rows at a time, so that a step's logits never take `rows × vocab` floats at once (16 MB
    /// at 64 rows of a 62k vocabulary).
    pub fn logits(&self, step: &StepHidden, rows: Range<usize>) -> Result<Vec<f32>> {
        if rows.end > step.rows() || rows.start > rows.end {
            return Err(Error::Setting {
                name: "decoder rows".into(),
                reason: format!("rows {rows:?} of a step of {}", step.rows()),
            });
        }
        let hidden = step.hidden.narrow(0, rows.start, rows.len())?;
        // The output layer is a `Linear` over the embedding table (shared, not copied): dense,
        // it computes logitsᵀ = E hᵀ with the table as gemm's contiguous left-hand side.
        self.output.forward_vec(&hidden)
    }

    /// [`Marian::decode_step`] up to the output layer: the decoder's last hidden state of each
    /// row, for [`Marian::logits`].
    pub fn decode_hidden(
        &self,
        state: &mut DecoderState,
        tokens: &[u32],
        pick: Option<AttentionPick>,
    ) -> Result<StepHidden> {
        let rows = state.rows();
        if tokens.len() != rows {
            return Err(Error::Setting {
                name: "decoder tokens".into(),
                reason: format!("{} tokens for {rows} decoder rows", tokens.len()),
            });
        }
        if state.len >= self.config.max_position_embeddings {
            return Err(Error::Setting {
                name: "max_new_tokens".into(),
                reason: format!(
                    "decoding past the model's {} positions",
                    self.config.max_position_embeddings
                ),
            });
        }
        if let Some(p) = pick {
            if p.layer >= self.decoder.len()
                || p.head
                    .is_some_and(|h| h >= self.config.decoder_attention_heads)
            {
                return Err(Error::Setting {
                    name: "alignment head".into(),
                    reason: format!(
                        "layer {} head {:?} does not exist ({} layers of {} heads)",
                        p.layer,
                        p.head,
                        self.decoder.len(),
                        self.config.decoder_attention_heads
                    ),
                });
            }
        }
        let ids = Tensor::from_slice(tokens, (rows, 1), &self.device)?;
        let mut x = self.embed(&self.decoder_embed, &ids, state.len)?;
        state.reserve(1)?;
        let mut attention = None;
        for (i, layer) in self.decoder.iter().enumerate() {
            let ctx = state.self_context(layer, i, &x)?;
            x = layer
                .self_norm
                .forward(&(x + layer.self_attn.out.forward(&ctx)?)?)?;
            let report = pick.filter(|p| p.layer == i).map(|p| match p.head {
                Some(h) => Report::Head(h),
                None => Report::Mean,
            });
            let (ctx, probs) = state.cross_context(layer, i, &x, report)?;
            if probs.is_some() {
                attention = probs;
            }
            x = layer
                .cross_norm
                .forward(&(x + layer.cross_attn.out.forward(&ctx)?)?)?;
            x = layer.ffn_norm.forward(&(&x + layer.ffn.forward(&x)?)?)?;
        }
        state.len += 1;
        if let Caches::Host(h) = &mut state.caches {
            h.finish_step();
        }
        Ok(StepHidden {
            hidden: x.reshape((rows, self.config.d_model))?,
            attention,
        })
    }
}

impl DecoderState {
    /// Decoder rows: sentences × rows per sentence.
    pub fn rows(&self) -> usize {
        self.lengths.len() * self.rows_per_sentence
    }

    /// Sentences still in the batch.
    pub fn sentences(&self) -> usize {
        self.lengths.len()
    }

    /// Tokens fed so far (the next token's position).
    pub fn steps(&self) -> usize {
        self.len
    }

    /// Makes room for `extra` more steps on the tensor path, doubling the cache buffers when
    /// full (amortised O(1) per step instead of concatenating the whole history every step).
    fn reserve(&mut self, extra: usize) -> Result<()> {
        let Caches::Tensors(t) = &mut self.caches else {
            return Ok(());
        };
        if self.len + extra <= t.capacity {
            return Ok(());
        }
        let new_cap = (t.capacity * 2).max(self.len + extra);
        for cache in &mut t.caches {
            for buf in [&mut cache.k, &mut cache.v] {
                let (r, h, _, hd) = buf.dims4()?;
                let grown = Tensor::zeros((r, h, new_cap, hd), buf.dtype(), buf.device())?;
                grown.slice_set(&buf.narrow(2, 0, self.len)?.contiguous()?, 2, 0)?;
                *buf = grown;
            }
        }
        t.capacity = new_cap;
        Ok(())
    }

    /// Self-attention context of decoder layer `i` for the step's input `x` `(rows, 1, d)`
    /// (its keys and values join the cache), before the output projection.
    fn self_context(&mut self, layer: &DecoderLayer, i: usize, x: &Tensor) -> Result<Tensor> {
        let a = &layer.self_attn;
        let rows = self.rows();
        match &mut self.caches {
            Caches::Host(h) => {
                let d = a.heads * a.head_dim;
                let x2 = x.reshape((rows, d))?;
                let (q, k, v) = (
                    a.q.forward_vec(&x2)?,
                    a.k.forward_vec(&x2)?,
                    a.v.forward_vec(&x2)?,
                );
                let ctx = h.self_attention(i, &q, k, v, a.scale as f32);
                Ok(Tensor::from_vec(ctx, (rows, 1, d), x.device())?)
            }
            Caches::Tensors(t) => {
                let q = a.split_heads(&a.q.forward(x)?)?;
                let (k, v) = a.keys_values(x)?;
                let cache = &mut t.caches[i];
                cache.k.slice_set(&k, 2, self.len)?;
                cache.v.slice_set(&v, 2, self.len)?;
                let keys = cache.k.narrow(2, 0, self.len + 1)?;
                let values = cache.v.narrow(2, 0, self.len + 1)?;
                Ok(attend(&q, &keys, &values, a.scale, None)?.0)
            }
        }
    }

    /// Cross-attention context of decoder layer `i` for `x` `(rows, 1, d)`, before the output
    /// projection; with `report`, each row's probabilities over its source tokens.
    fn cross_context(
        &self,
        layer: &DecoderLayer,
        i: usize,
        x: &Tensor,
        report: Option<Report>,
    ) -> Result<(Tensor, Option<Vec<Vec<f32>>>)> {
        let c = &layer.cross_attn;
        let rows = self.rows();
        let d = c.heads * c.head_dim;
        match &self.caches {
            Caches::Host(h) => {
                let q = c.q.forward_vec(&x.reshape((rows, d))?)?;
                let (ctx, probs) = h.cross_attention(i, &q, &self.lengths, c.scale as f32, report);
                Ok((Tensor::from_vec(ctx, (rows, 1, d), x.device())?, probs))
            }
            Caches::Tensors(t) => {
                // The beams of a sentence are the query rows of one matmul against that
                // sentence's keys.
                let q =
                    c.q.forward(x)?
                        .reshape((
                            self.sentences(),
                            self.rows_per_sentence,
                            c.heads,
                            c.head_dim,
                        ))?
                        .transpose(1, 2)?
                        .contiguous()?;
                let (ck, cv) = &t.cross[i];
                let (ctx, probs) = attend(&q, ck, cv, c.scale, Some(&t.mask))?;
                let probs = match report {
                    Some(r) => Some(self.attention_rows(&probs, r)?),
                    None => None,
                };
                Ok((ctx.reshape((rows, 1, d))?, probs))
            }
        }
    }

    /// Keeps the sentences `sentences` (indices into the current ones, in the new order) and
    /// makes the decoder rows `rows` (indices into the current rows), `rows_per_sentence` of
    /// them per kept sentence. Beam search uses it to reorder beams and to go from one row
    /// per sentence to `num_beams`; both searches use it to drop finished sentences.
    pub fn select(
        &mut self,
        sentences: &[usize],
        rows: &[usize],
        rows_per_sentence: usize,
    ) -> Result<()> {
        let current_rows = self.rows();
        if rows.len() != sentences.len() * rows_per_sentence
            || rows.iter().any(|&r| r >= current_rows)
            || sentences.iter().any(|&s| s >= self.lengths.len())
        {
            return Err(Error::Setting {
                name: "decoder rows".into(),
                reason: format!(
                    "cannot select rows {rows:?} of {current_rows} for sentences {sentences:?}"
                ),
            });
        }
        let identity = |idx: &[usize], n: usize| {
            idx.len() == n && idx.iter().enumerate().all(|(i, &j)| i == j)
        };
        let same_rows = identity(rows, current_rows);
        let same_sentences = identity(sentences, self.lengths.len());
        match &mut self.caches {
            Caches::Host(h) => h.select(sentences, rows),
            Caches::Tensors(t) => {
                let device = t.mask.device().clone();
                let index = |idx: &[usize]| {
                    let idx: Vec<u32> = idx.iter().map(|&r| r as u32).collect();
                    let n = idx.len();
                    Tensor::from_vec(idx, n, &device)
                };
                if !same_rows {
                    let idx = index(rows)?;
                    for cache in &mut t.caches {
                        cache.k = cache.k.index_select(&idx, 0)?;
                        cache.v = cache.v.index_select(&idx, 0)?;
                    }
                }
                if !same_sentences {
                    let idx = index(sentences)?;
                    for (k, v) in &mut t.cross {
                        *k = k.index_select(&idx, 0)?;
                        *v = v.index_select(&idx, 0)?;
                    }
                    t.mask = t.mask.index_select(&idx, 0)?;
                }
            }
        }
        if !same_sentences {
            self.lengths = sentences.iter().map(|&s| self.lengths[s]).collect();
        }
        self.rows_per_sentence = rows_per_sentence;
        Ok(())
    }

    /// `(n, heads, beams, src)` probabilities → one vector per row, cut to its source length.
    fn attention_rows(&self, probs: &Tensor, report: Report) -> Result<Vec<Vec<f32>>> {
        let probs = match report {
            Report::Head(h) => probs.i((.., h, .., ..))?,
            Report::Mean => probs.mean(1)?,
        };
        let all = probs.to_dtype(DType::F32)?.to_vec3::<f32>()?;
        let mut out = Vec::with_capacity(self.rows());
        for (sentence, beams) in all.into_iter().enumerate() {
            let len = self.lengths[sentence];
            out.extend(beams.into_iter().map(|mut row| {
                row.truncate(len);
                row
            }));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinusoids_are_sin_then_cos_halves() {
        let d = 6;
        let s = sinusoids(3, d);
        // position 0: sin 0 = 0 in the first half, cos 0 = 1 in the second.
        assert_eq!(&s[..d], &[0., 0., 0., 1., 1., 1.]);
        // position 2, column pair j=2,3 uses 2 / 10000^(2/6).
        let angle = 2f64 / 10000f64.powf(2.0 / 6.0);
        assert!((s[2 * d + 1] - angle.sin() as f32).abs() < 1e-7);
        assert!((s[2 * d + 4] - angle.cos() as f32).abs() < 1e-7);
    }

    #[test]
    fn fused_layer_norm_matches_the_two_pass_formula() {
        let dev = Device::Cpu;
        // Rows with a large common offset are where E[x²] − E[x]² loses digits.
        let rows: [[f32; 4]; 3] = [
            [1.0, 2.0, 3.0, 4.0],
            [1000.0, 1000.5, 999.5, 1000.25],
            [-3.0, 0.0, 0.0, 3.0],
        ];
        let x = Tensor::new(&rows, &dev).unwrap();
        let norm = LayerNorm {
            weight: Tensor::new(&[1.0f32, 0.5, 2.0, -1.0], &dev).unwrap(),
            bias: Tensor::new(&[0.0f32, 0.1, -0.2, 0.3], &dev).unwrap(),
            eps: 1e-5,
        };
        let got = norm.forward(&x).unwrap().to_vec2::<f32>().unwrap();
        for (row, out) in rows.iter().zip(&got) {
            let mean = row.iter().map(|&v| v as f64).sum::<f64>() / 4.0;
            let var = row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / 4.0;
            let w = [1.0, 0.5, 2.0, -1.0];
            let b = [0.0, 0.1, -0.2, 0.3];
            for j in 0..4 {
                let want = (row[j] as f64 - mean) / (var + 1e-5).sqrt() * w[j] + b[j];
                assert!((out[j] as f64 - want).abs() < 1e-4, "{row:?}: {out:?}");
            }
        }
    }

    #[test]
    fn device_names() {
        assert!(matches!(LoadOptions::device_named("cpu"), Ok(Device::Cpu)));
        for bad in ["gpu", "cuda:x", "metal"] {
            assert!(LoadOptions::device_named(bad).is_err(), "{bad}");
        }
    }

    /// The host caches (CPU, f32) and the tensor caches (other devices and types) give the same
    /// logits and cross-attention through steps that expand rows into beams, reorder them and
    /// drop a sentence.
    #[test]
    fn host_and_tensor_caches_agree() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/tiny-marian");
        let model = Marian::load(&dir, &LoadOptions::default()).unwrap();
        let enc = model.encode(&[vec![5u32, 9, 14, 0], vec![7, 0]]).unwrap();
        let start = model.config().decoder_start_token_id;
        let mut states = [true, false].map(|host| model.start_decoder_on(&enc, 2, host).unwrap());
        assert!(matches!(states[0].caches, Caches::Host(_)));
        assert!(matches!(states[1].caches, Caches::Tensors(_)));
        let last = model.config().decoder_layers - 1;
        // (tokens, rows to keep after the step, sentences kept, rows per sentence, head)
        let plan = [
            (vec![start; 2], vec![0, 0, 0, 1, 1, 1], vec![0, 1], 3, None),
            (
                vec![4, 8, 9, 4, 5, 6],
                vec![2, 0, 0, 4, 5, 3],
                vec![0, 1],
                3,
                Some(1),
            ),
            (
                vec![10, 11, 12, 13, 14, 15],
                vec![4, 3, 5],
                vec![1],
                3,
                None,
            ),
            (vec![6, 7, 8], vec![0, 1, 2], vec![0], 3, Some(0)),
        ];
        for (step, (tokens, rows, sentences, per, head)) in plan.iter().enumerate() {
            let pick = Some(AttentionPick {
                layer: last,
                head: *head,
            });
            let [a, b] = states
                .each_mut()
                .map(|s| model.decode_step(s, tokens, pick).unwrap());
            let diff = a
                .logits
                .iter()
                .zip(&b.logits)
                .map(|(x, y)| (x - y).abs())
                .fold(0f32, f32::max);
            assert!(diff < 1e-3, "step {step}: logits differ by {diff}");
            let (pa, pb) = (a.attention.unwrap(), b.attention.unwrap());
            assert_eq!(pa.len(), tokens.len());
            for (ra, rb) in pa.iter().zip(&pb) {
                assert_eq!(
                    ra.len(),
                    rb.len(),
                    "step {step}: attention cut to the source"
                );
                for (x, y) in ra.iter().zip(rb) {
                    assert!((x - y).abs() < 1e-5, "step {step}: attention {x} vs {y}");
                }
            }
            for s in &mut states {
                s.select(sentences, rows, *per).unwrap();
            }
        }
    }
}
