//! `tarjuman models`: the supported translation models, where each is cached, and fetching
//! one ahead of time. Also the one place the command line turns `--model ID` / `--model-dir
//! DIR` into a model folder ([`resolve`]), with download progress on stderr.

use anyhow::Context;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tarjuman::model::files::ModelFiles;
use tarjuman::model::registry::{self, ModelEntry};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List the supported models (the default), with the Hub repo, revision, size, what each
    /// is good for and, when downloaded, its folder in the Hugging Face cache.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Download a model into the Hugging Face cache now (for later offline use) and print
    /// its folder.
    Fetch {
        /// Model id (`tc-big`, `base`) or Hub repo.
        id: String,
        /// No progress on stderr.
        #[arg(long, short)]
        quiet: bool,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let json = match args.command {
        Some(Command::List { json }) => json,
        Some(Command::Fetch { id, quiet }) => {
            let dir = resolve(Some(&id), None, quiet)?;
            writeln!(std::io::stdout().lock(), "{}", dir.display())?;
            return Ok(ExitCode::SUCCESS);
        }
        None => false,
    };
    let rows: Vec<(&ModelEntry, Option<String>)> =
        registry::all().iter().map(|m| (m, cached(m))).collect();
    let mut out = std::io::stdout().lock();
    if json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(m, dir)| {
                serde_json::json!({
                    "id": m.id, "repo": m.repo, "revision": m.revision, "default": m.default,
                    "d_model": m.d_model, "layers": m.layers, "download_mb": m.download_mb,
                    "bleu_flores101": m.bleu_flores101, "alignment_head": m.alignment_head,
                    "good_for": m.good_for, "files": m.files, "cached": dir,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    write!(out, "{}", table(&rows))?;
    Ok(ExitCode::SUCCESS)
}

/// The model folder for `--model ID` / `--model-dir DIR` (the default model when neither is
/// given): a checked local folder, or the Hub cache snapshot, downloaded with progress on
/// stderr unless `quiet`.
pub fn resolve(
    model: Option<&str>,
    model_dir: Option<&Path>,
    quiet: bool,
) -> anyhow::Result<PathBuf> {
    if let Some(dir) = model_dir {
        return Ok(ModelFiles::check(dir)?.dir);
    }
    let entry = match model {
        Some(id) => registry::find(id)?,
        None => registry::default_model(),
    };
    fetch(entry, quiet)
}

#[cfg(feature = "hub")]
fn fetch(entry: &ModelEntry, quiet: bool) -> anyhow::Result<PathBuf> {
    use tarjuman::model::hub::{self, FetchOptions, Progress};
    let tty = std::io::stderr().is_terminal();
    let (mut file, mut total, mut done) = (String::new(), 0usize, 0usize);
    let mut report = |event: Progress<'_>| {
        if quiet {
            return;
        }
        let mb = |b: usize| b as f64 / 1e6;
        match event {
            Progress::Start { file: f, bytes } => {
                (file, total, done) = (f.to_string(), bytes, 0);
                if !tty {
                    eprintln!("downloading {} {file} ({:.1} MB)", entry.id, mb(total));
                }
            }
            Progress::Advance { bytes } => {
                done += bytes;
                if tty {
                    let pct = (done * 100).checked_div(total).unwrap_or(100);
                    eprint!(
                        "\rdownloading {} {file}: {:.1}/{:.1} MB ({pct}%)  ",
                        entry.id,
                        mb(done),
                        mb(total)
                    );
                }
            }
            Progress::Finish => {
                if tty {
                    eprintln!();
                }
            }
        }
    };
    let dir = hub::fetch(entry, &FetchOptions::from_env(), &mut report)?;
    Ok(ModelFiles::check(&dir)
        .with_context(|| format!("the cached copy of {} is incomplete", entry.repo))?
        .dir)
}

#[cfg(not(feature = "hub"))]
fn fetch(entry: &ModelEntry, _quiet: bool) -> anyhow::Result<PathBuf> {
    anyhow::bail!(
        "this build has no Hub download (cargo feature `hub`), so model {} cannot be fetched: \
         use --model-dir DIR with a folder holding config.json, weights, source.spm, \
         target.spm and vocab.json",
        entry.id
    )
}

/// The cache folder holding `m`, if it is downloaded.
#[cfg(feature = "hub")]
fn cached(m: &ModelEntry) -> Option<String> {
    let cache = tarjuman::model::hub::HubCache::from_env();
    cache.lookup(m).map(|dir| dir.display().to_string())
}

#[cfg(not(feature = "hub"))]
fn cached(_m: &ModelEntry) -> Option<String> {
    None
}

fn table(rows: &[(&ModelEntry, Option<String>)]) -> String {
    let head = ["id", "hub repo", "revision", "size", "BLEU*", "good for"];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|(m, _)| {
            [
                if m.default {
                    format!("{} (default)", m.id)
                } else {
                    m.id.clone()
                },
                m.repo.clone(),
                m.revision.clone(),
                format!(
                    "d{} {}+{}, {} MB",
                    m.d_model, m.layers[0], m.layers[1], m.download_mb
                ),
                format!("{:.1}", m.bleu_flores101),
                m.good_for.clone(),
            ]
        })
        .collect();
    let width = |i: usize| {
        cells
            .iter()
            .map(|c| c[i].chars().count())
            .chain([head[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..5).map(width).collect();
    let line = |c: [&str; 6]| {
        let mut s = String::new();
        for (i, w) in widths.iter().enumerate() {
            s.push_str(&format!("{:<w$}  ", c[i], w = *w));
        }
        s.push_str(c[5]);
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(head);
    for (row, (m, dir)) in cells.iter().zip(rows) {
        out.push_str(&line([
            &row[0], &row[1], &row[2], &row[3], &row[4], &row[5],
        ]));
        let place = match dir {
            Some(dir) => format!("cached: {dir}"),
            None if cfg!(feature = "hub") => format!(
                "not downloaded (fetched on first use of --model {}, or use --model-dir)",
                m.id
            ),
            None => "hub download not built in: use --model-dir".to_string(),
        };
        out.push_str(&format!("{:w$}  {place}\n", "", w = widths[0]));
    }
    out.push_str("* BLEU on flores101-devtest, from the OPUS-MT leaderboard.\n");
    out
}
