//! The one way the parsers compile their built-in regular expressions.
//!
//! Input: a pattern written in this crate's source. Output: a [`Regex`]. Patterns from users
//! or files never come here: they would need an error, not a panic.

use regex::Regex;

/// Compiles a pattern of the source (the parsers keep each in a `LazyLock` static). A pattern
/// that does not compile is a bug the first test reading it shows, hence the panic.
pub(super) fn static_regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static regex")
}
