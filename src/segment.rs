//! Splitting turns into passages.
