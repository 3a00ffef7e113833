//! (stage model: being written)
