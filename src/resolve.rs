//! Speaker resolution.
