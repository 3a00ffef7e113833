//! Progress on stderr, shared by `translate` and `batch`: a bar (indicatif) on a terminal with
//! counts, rate and ETA; a plain line every few seconds in a pipe or CI log; nothing with
//! `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often a plain progress line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

pub struct Progress {
    mode: Mode,
    what: &'static str,
}

enum Mode {
    Quiet,
    Bar(ProgressBar),
    Plain { last: Instant, started: Instant },
}

impl Progress {
    /// Progress over `total` units named `what` (e.g. "sentences", "documents").
    pub fn new(total: u64, what: &'static str, quiet: bool) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg} ({per_sec}, ETA {eta})",
            )
            .expect("a valid progress template");
            bar.set_style(style);
            bar.set_message(what);
            bar.enable_steady_tick(Duration::from_millis(200));
            Mode::Bar(bar)
        } else {
            let now = Instant::now();
            Mode::Plain {
                last: now,
                started: now,
            }
        };
        Progress { mode, what }
    }

    /// Sets the position (`done` of `total`) and an extra note (e.g. sentences per second).
    pub fn update(&mut self, done: u64, total: u64, note: &str) {
        match &mut self.mode {
            Mode::Quiet => {}
            Mode::Bar(bar) => {
                bar.set_length(total);
                bar.set_position(done);
                if note.is_empty() {
                    bar.set_message(self.what);
                } else {
                    bar.set_message(format!("{} · {note}", self.what));
                }
            }
            Mode::Plain { last, started } => {
                if last.elapsed() >= PLAIN_EVERY || done == total {
                    *last = Instant::now();
                    let secs = started.elapsed().as_secs_f64();
                    eprintln!(
                        "tarjuman: {done}/{total} {}{}{note} ({secs:.0} s)",
                        self.what,
                        if note.is_empty() { "" } else { ", " },
                    );
                }
            }
        }
    }

    /// Prints a line without tearing the bar.
    pub fn println(&self, line: &str) {
        match &self.mode {
            Mode::Quiet => {}
            Mode::Bar(bar) => bar.println(line),
            Mode::Plain { .. } => eprintln!("{line}"),
        }
    }

    pub fn finish(self) {
        if let Mode::Bar(bar) = self.mode {
            bar.finish_and_clear();
        }
    }
}
