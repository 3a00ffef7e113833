//! (stage read: being written)
