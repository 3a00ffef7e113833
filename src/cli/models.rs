//! `tarjuman models`: the supported translation models, and where each is cached.

use std::io::Write;
use std::process::ExitCode;
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
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let json = match args.command {
        Some(Command::List { json }) => json,
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
