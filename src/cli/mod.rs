//! Command-line front end: clap arguments, turned into validated library settings, then one
//! call into the library per subcommand. Printing and exit codes live here, not in the library.

mod align;
mod batch;
mod model_args;
mod models;
mod output;
mod progress;
mod quotes;
mod segment;
mod translate;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Translate Arabic news articles into English with a local transformer model, and align both
/// sides: sentences, named entities and quoted statements.
#[derive(Debug, Parser)]
#[command(name = "tarjuman", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Cut an article into paragraphs, sentences and quotes, with byte offsets.
    Segment(segment::Args),
    /// Translate an Arabic article (or pre-segmented lines) into English.
    Translate(translate::Args),
    /// Align an Arabic article with an English text: sentences, names, quotes.
    Align(align::Args),
    /// Find where the quotes of an Arabic article were said in English sources.
    Quotes(quotes::Args),
    /// Translate (and align) many articles: resumable, parallel, sharded.
    Batch(batch::Args),
    /// The supported translation models.
    Models(models::Args),
}

/// Parses the command line and runs the subcommand; returns the process exit code.
pub fn main() -> anyhow::Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are not errors; usage errors exit with 2.
            let code = if err.use_stderr() { 2 } else { 0 };
            let _ = err.print();
            return Ok(ExitCode::from(code));
        }
    };
    match cli.command {
        Command::Segment(args) => segment::run(args),
        Command::Translate(args) => translate::run(args),
        Command::Align(args) => align::run(args),
        Command::Quotes(args) => quotes::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Models(args) => models::run(args),
    }
}

/// Whether an error comes from writing to a closed pipe (`tarjuman segment x | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
