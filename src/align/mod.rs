//! (stage align: being written)
