//! (stage render: being written)
