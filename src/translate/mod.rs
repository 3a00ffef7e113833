//! (stage translate: being written)
