//! The `tarjuman` command: parse arguments, run, print the error chain, exit with a code
//! (0 success, 1 a batch finished with failed inputs, 2 usage or fatal error).

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::main() {
        Ok(code) => code,
        Err(err) => {
            if cli::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("tarjuman: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
