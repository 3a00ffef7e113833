//! Model and decoding options shared by `translate`, `align`, `quotes` and `batch`
//! (`#[command(flatten)]`): which model (`--model ID` from the registry or hub, or
//! `--model-dir DIR`), where it runs (`--device`, `--threads`), and how it decodes (`--beam`,
//! `--max-new-tokens`, `--min-new-tokens`, `--batch-tokens`). Turns them into a loaded
//! [`Translator`]. Also the dictionary options (`--lexicon`, `--no-lexicon`) shared by `align`,
//! `translate` and `batch`, turned into a [`Lexicon`] loaded once per process.

use anyhow::Context;
use std::path::PathBuf;
use tarjuman::align::Lexicon;
use tarjuman::alignment::ModelInfo;
use tarjuman::model::registry::{self, ModelEntry};
use tarjuman::model::LoadOptions;
use tarjuman::pipeline::InputFormat;
use tarjuman::render::Format;
use tarjuman::translate::{DecodeOptions, LoadedModel, Translator};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DeviceArg {
    Cpu,
    /// An NVIDIA GPU (needs a build with the `cuda` feature).
    Cuda,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ModelArgs {
    /// Model id from `tarjuman models list` or a Hugging Face repo; downloaded once into the
    /// Hugging Face cache [default: the registry's default model].
    #[arg(long, value_name = "ID", conflicts_with = "model_dir")]
    pub model: Option<String>,
    /// A local model folder (config.json, weights, source.spm, target.spm, vocab.json).
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Where the model runs.
    #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
    pub device: DeviceArg,
    /// CPU threads for the model [default: physical cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Beam size (1 = greedy).
    #[arg(long, value_name = "N", default_value_t = DecodeOptions::default().beam)]
    pub beam: usize,
    /// Cap on generated tokens per sentence [default: relative to the source and the model].
    #[arg(long, value_name = "N")]
    pub max_new_tokens: Option<usize>,
    /// No end of sentence before this many tokens.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub min_new_tokens: usize,
    /// Weights of the linear layers: none (fp32) or int8 (per-row scales; CPU only, faster and
    /// 4× less memory for the matmuls, logits close to but not equal to fp32).
    #[arg(long, value_name = "MODE", default_value = "none")]
    pub quantize: tarjuman::model::Quantize,
    /// Source tokens per batch, padding included: speed and memory, never results.
    #[arg(long, value_name = "N", default_value_t = DecodeOptions::default().batch_tokens)]
    pub batch_tokens: usize,
}

impl ModelArgs {
    pub fn decode_options(&self) -> DecodeOptions {
        DecodeOptions {
            beam: self.beam,
            max_new_tokens: self.max_new_tokens,
            min_new_tokens: self.min_new_tokens,
            batch_tokens: self.batch_tokens,
            ..DecodeOptions::default()
        }
    }

    /// Whether the user asked for a model (`--model` or `--model-dir`): commands that work
    /// without one (align, quotes) load it only then.
    pub fn is_given(&self) -> bool {
        self.model.is_some() || self.model_dir.is_some()
    }

    /// When a model is asked for: the translation of every sentence of `doc` (in sentence
    /// order) and the model that made them; `None` without `--model`/`--model-dir`.
    pub fn translate_if_given(
        &self,
        doc: &tarjuman::Document,
        quiet: bool,
    ) -> anyhow::Result<Option<(Vec<String>, ModelInfo)>> {
        if !self.is_given() {
            return Ok(None);
        }
        self.setup_threads()?;
        let translator = self.load_translator(quiet)?;
        let translated = translator
            .translate_document(doc)
            .with_context(|| format!("translating {}", doc.origin))?;
        let mut texts = vec![String::new(); doc.sentences.len()];
        for t in translated {
            if let Some(slot) = texts.get_mut(t.sentence.index()) {
                slot.clone_from(&t.text);
            }
        }
        Ok(Some((texts, translator.model_info().clone())))
    }

    /// Loads the model (from `--model-dir`, or `--model` through the registry and hub) and
    /// builds the translator with the decoding options.
    pub fn load_translator(&self, quiet: bool) -> anyhow::Result<Translator> {
        let device = match self.device {
            DeviceArg::Cpu => "cpu",
            DeviceArg::Cuda => "cuda",
        };
        let load = LoadOptions {
            device: LoadOptions::device_named(device)?,
            quantize: self.quantize,
            ..LoadOptions::default()
        };
        let (dir, info) = self.resolve(quiet)?;
        let model = LoadedModel::load(&dir, &load, info)
            .with_context(|| format!("loading the model in {}", dir.display()))?;
        Ok(Translator::new(model, self.decode_options())?)
    }

    /// The model folder and how outputs name the model.
    fn resolve(&self, quiet: bool) -> anyhow::Result<(PathBuf, ModelInfo)> {
        if let Some(dir) = &self.model_dir {
            if !dir.is_dir() {
                anyhow::bail!("model directory {} does not exist", dir.display());
            }
            let info = ModelInfo {
                id: dir.display().to_string(),
                revision: "local".into(),
                ..ModelInfo::default()
            };
            return Ok((dir.clone(), info));
        }
        let entry = match &self.model {
            Some(id) => registry::find(id)?,
            None => registry::default_model(),
        };
        let info = ModelInfo {
            id: entry.repo.clone(),
            revision: entry.revision.clone(),
            ..ModelInfo::default()
        };
        Ok((fetch_model(entry, quiet)?, info))
    }

    /// Sizes the CPU pool once, before any model work: candle's matrix products run on rayon
    /// and read `RAYON_NUM_THREADS` for their split, so both are set.
    pub fn setup_threads(&self) -> anyhow::Result<()> {
        let n = match self.threads {
            Some(0) => anyhow::bail!("--threads must be at least 1"),
            Some(n) => n,
            None => num_cpus::get_physical().max(1),
        };
        // Safe: called at start-up, before any other thread exists.
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
        // candle keeps a second pool for elementwise ops whose caller spins on a barrier; with
        // both pools busy, 2 cores ran 4 spinning threads and an int8 run took 11x the CPU time
        // (docs/readme/perf.md, "Threads"). One thread there unless the user says otherwise.
        if std::env::var_os("CANDLE_NUM_THREADS").is_none() {
            std::env::set_var("CANDLE_NUM_THREADS", "1");
        }
        // Already built (a second call in one process) is fine.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
        Ok(())
    }
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormatArg {
    Article,
    Lines,
}

impl From<InputFormatArg> for InputFormat {
    fn from(a: InputFormatArg) -> Self {
        match a {
            InputFormatArg::Article => InputFormat::Article,
            InputFormatArg::Lines => InputFormat::Lines,
        }
    }
}

/// `--format` values, through the renderer's own names.
pub fn parse_format(s: &str) -> Result<Format, String> {
    s.parse::<Format>().map_err(|e| e.to_string())
}

/// The folder of a registry model: from the Hugging Face cache, downloaded when missing.
#[cfg(feature = "hub")]
fn fetch_model(entry: &ModelEntry, quiet: bool) -> anyhow::Result<PathBuf> {
    use super::progress::Progress;
    use tarjuman::model::hub::{self, FetchOptions, Progress as Download};
    let mut bar: Option<(Progress, u64, u64)> = None;
    let dir = hub::fetch(entry, &FetchOptions::from_env(), &mut |event| match event {
        Download::Start { file, bytes } => {
            let p = Progress::new(bytes as u64, "bytes", quiet);
            p.println(&format!("tarjuman: downloading {} {file}", entry.repo));
            bar = Some((p, 0, bytes as u64));
        }
        Download::Advance { bytes } => {
            if let Some((p, done, total)) = bar.as_mut() {
                *done += bytes as u64;
                p.update(*done, *total, "");
            }
        }
        Download::Finish => {
            if let Some((p, _, _)) = bar.take() {
                p.finish();
            }
        }
    })?;
    Ok(dir)
}

/// Without the `hub` feature only local folders load.
#[cfg(not(feature = "hub"))]
fn fetch_model(entry: &ModelEntry, _quiet: bool) -> anyhow::Result<PathBuf> {
    anyhow::bail!(
        "this build has no Hub download (feature `hub`): fetch {} yourself and pass --model-dir",
        entry.repo
    )
}

#[derive(Debug, Clone, clap::Args)]
pub struct LexiconArgs {
    /// A bilingual dictionary: a dictd `.index` (with its `.dict.dz` beside it) or a TSV file
    /// of `arabic TAB english` lines [default: Debian's freedict-ara-eng and freedict-eng-ara
    /// under /usr/share/dictd].
    #[arg(long, value_name = "PATH", conflicts_with = "no_lexicon")]
    pub lexicon: Option<PathBuf>,
    /// Work without a dictionary (lengths, numbers and names only).
    #[arg(long)]
    pub no_lexicon: bool,
}

impl LexiconArgs {
    /// The dictionary asked for: `--lexicon PATH` (an error names the file), none with
    /// `--no-lexicon`, else Debian's when installed. Loaded once per process and path.
    pub fn load(&self) -> anyhow::Result<Option<Lexicon>> {
        Ok(match (&self.lexicon, self.no_lexicon) {
            (Some(path), _) => Some(
                Lexicon::load(path)
                    .with_context(|| format!("loading --lexicon {}", path.display()))?,
            ),
            (None, false) => Lexicon::find_default(),
            (None, true) => None,
        })
    }
}
