//! Batch jobs: `tarjuman batch` over thousands of articles with one model load. Takes a
//! [`Selection`] of inputs (files, folders, manifests, JSONL on stdin) and [`BatchOptions`];
//! gives one output file per input and format under the output folder, a journal of what
//! happened to each input, and a [`BatchSummary`]. Built to lose nothing ([`journal`], atomic
//! writes, `--resume` with checksums), to go fast (sentences of many documents batched together,
//! stages overlapping, a persistent [`cache`]) and to spread over machines ([`shard`]).

pub mod cache;
pub mod inputs;
pub mod journal;
pub mod run;
pub mod shard;

pub use inputs::{Item, Selection, Source};
pub use journal::{Record, Status};
pub use run::{run, BatchOptions, BatchSummary, Event};
pub use shard::Shard;
