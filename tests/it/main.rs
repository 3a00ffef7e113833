//! Integration tests: one binary, one module per topic. Shared test data is read from
//! `../shared` beside the checkout; tests that need it skip with a message when it is absent.

mod align;
mod batch;
mod common;
mod engine;
mod entities;
mod models;
mod quant;
mod render;
mod segment;
mod tokenizer;
mod translate;
