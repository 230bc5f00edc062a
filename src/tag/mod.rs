//! Theme tagging: the taxonomy (load, validate, version), the matcher and polarity.
//!
//! Input: passage text, or its tokens from [`crate::text::analyze`] (the same stream the index
//! stores). Output: [`Tag`](crate::model::Tag)s sorted by theme id, each with its polarity, score and
//! [`Evidence`](crate::model::Evidence) (matched terms with token positions, the cue that decided the polarity).
//!
//! How a passage is tagged:
//! 1. Every taxonomy term was analyzed into stemmed tokens when the taxonomy was loaded; the
//!    passage's tokens are mapped to the same ids and searched with one trie keyed by token id
//!    (the private `matcher` module), so `criminalising`, `criminalizing` and `criminalisation`
//!    all match the term `criminalise`, and multi-word terms match consecutive tokens.
//!    [`Tagger::tag`] splits words exactly as the analyzer does and analyzes each distinct word
//!    once per thread (a word → id cache), which gives the same ids as analyzing every token.
//! 2. Per theme, overlapping matches keep the longest; each distinct term adds its weight once.
//!    Context terms (global `[context]` and the theme's own `context`) add theirs only when at
//!    least one of the theme's terms matched. The theme is tagged when the sum reaches its
//!    threshold; the sum is the tag's `score`.
//! 3. The polarity comes from cues in the sentence of a matched term ([`polarity`]), else the
//!    theme's default.
//!
//! This module does not read passages from disk or the index, and knows no theme by name: all
//! of that lives in the taxonomy file. Evaluation against a gold set is in [`eval`], term
//! suggestions from an index in [`suggest`], a taxonomy skeleton from a REFI-QDA codebook made
//! in another program (untrusted XML) in [`import`].

pub mod eval;
pub mod import;
mod matcher;
pub mod polarity;
pub mod suggest;
mod tagger;
pub mod taxonomy;
mod theme;

pub use tagger::Tagger;
pub use taxonomy::{Taxonomy, EMBEDDED_THEMES};
pub use theme::{Cue, CueRole, Phrase, Term, Theme};

use crate::error::Result;
use std::path::Path;

/// Loads the taxonomy at `path`, or the embedded one when `path` is `None` (what every
/// `--themes FILE` flag does).
pub fn load_taxonomy(path: Option<&Path>) -> Result<Taxonomy> {
    match path {
        Some(p) => Taxonomy::load(p),
        None => Ok(Taxonomy::embedded()),
    }
}

#[cfg(test)]
mod tests;
