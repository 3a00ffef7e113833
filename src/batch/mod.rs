//! (stage batch: being written)
