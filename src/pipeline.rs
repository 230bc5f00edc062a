//! The stage order.
