//! The learned layer: logistic regressions over a passage's stemmed words, bigrams and the
//! dictionary's hits, for procedural passages, the presence of each theme and polarity.
//!
//! - `weights`: the [`Model`] and its file format (`data/model.tsv`, embedded; content hash);
//! - `features`: the features, computed alike for training and tagging;
//! - `logistic`: the regression itself;
//! - `runtime`: the model laid out by token id, for the tagger;
//! - `train`: training with cross-validation on a gold set, and the per-theme choice between
//!   the model and the dictionary.
//!
//! Input: gold passages (training) or a passage's token ids (tagging). Output: a model, or the
//! heads' logits. The tagger decides what the logits mean (see `tagger`).

pub mod features;
pub mod logistic;
pub mod runtime;
pub mod train;
pub mod weights;

pub use weights::{Feature, Head, HeadKind, Model, Source};
