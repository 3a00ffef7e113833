//! (stage segment: being written)
