//! (normalization: being written)
