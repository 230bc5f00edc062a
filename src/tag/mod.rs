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
//! suggestions from an index in [`suggest`], why the learned model decided what it did for a
//! passage in [`explain`], a taxonomy skeleton from a REFI-QDA codebook made
//! in another program (untrusted XML) in [`import`].

pub mod eval;
pub mod explain;
pub mod import;
pub mod learned;
mod matcher;
pub mod polarity;
pub mod suggest;
mod tagger;
pub mod taxonomy;
mod theme;

pub use learned::Model;
pub use tagger::Tagger;
pub use taxonomy::{Taxonomy, EMBEDDED_THEMES};
pub use theme::{Cue, CueRole, Phrase, Term, Theme};

use crate::error::Result;
use std::path::{Path, PathBuf};

/// The model shipped in `data/model.tsv`, embedded in the binary (trained with the embedded
/// taxonomy).
pub const EMBEDDED_MODEL: &str = include_str!("../../data/model.tsv");

/// Loads the taxonomy at `path`, or the embedded one when `path` is `None` (what every
/// `--themes FILE` flag does).
pub fn load_taxonomy(path: Option<&Path>) -> Result<Taxonomy> {
    match path {
        Some(p) => Taxonomy::load(p),
        None => Ok(Taxonomy::embedded()),
    }
}

/// Which learned model to tag with (`--model FILE`, `--no-model`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ModelChoice {
    /// The embedded model, when it was trained with the taxonomy in use; else none.
    #[default]
    Embedded,
    /// This file; an error when it was trained with another taxonomy.
    File(PathBuf),
    /// The dictionary alone.
    Off,
}

/// Parses the embedded model for `taxonomy`, when it was trained with it.
pub fn embedded_model(taxonomy: &Taxonomy) -> Option<Model> {
    let ids: Vec<String> = taxonomy.theme_ids().into_iter().map(String::from).collect();
    Model::parse(EMBEDDED_MODEL, Path::new("data/model.tsv"), &ids)
        .ok()
        .filter(|m| m.taxonomy() == taxonomy.version())
}

/// The tagger for a taxonomy and a model choice.
pub fn load_tagger(taxonomy: &Taxonomy, model: &ModelChoice) -> Result<Tagger> {
    match model {
        ModelChoice::Off => Ok(Tagger::new(taxonomy)),
        ModelChoice::Embedded => match embedded_model(taxonomy) {
            Some(m) => Tagger::with_model(taxonomy, &m),
            None => Ok(Tagger::new(taxonomy)),
        },
        ModelChoice::File(p) => {
            let ids: Vec<String> = taxonomy.theme_ids().into_iter().map(String::from).collect();
            let m = Model::load(p, &ids)?;
            Tagger::with_model(taxonomy, &m)
        }
    }
}

#[cfg(test)]
mod tests;
