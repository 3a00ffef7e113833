//! (pipeline: being written)
