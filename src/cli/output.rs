//! Where a rendered result goes: `-o PATH` (written atomically by the renderer), or standard
//! output for the formats that are one stream. Shared by every command that renders.

use anyhow::{bail, Context};
use std::io::Write;
use std::path::PathBuf;
use tarjuman::render::Rendered;

/// Writes `rendered` to `output`, or to standard output when none is given.
pub fn emit(rendered: &Rendered, output: Option<&PathBuf>) -> anyhow::Result<()> {
    match (output, rendered.as_stream()) {
        (Some(path), _) => {
            rendered.write(path)?;
        }
        (None, Some(bytes)) => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .context("cannot write to standard output")?;
        }
        (None, None) => bail!("this format writes several files: give their prefix with -o PREFIX"),
    }
    Ok(())
}
