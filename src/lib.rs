//! # igf-lens
//!
//! A batch pipeline for what is said at Internet Governance Forum sessions on the UN cybercrime
//! treaty. The stages, each a module, in the order [`pipeline`] runs them:
//!
//! ```text
//! read::discover → read::load (decode, detect format)
//!   → parse (session page | raw transcript | html | captions | jsonl)
//!   → pipeline pairs transcripts with pages by (year, code)
//!   → resolve (label → roster / registry / role / self-introduction → stakeholder, region)
//!   → segment (turns → passages of 40–120 words) → lang (whatlang, per turn)
//!   → tag (themes, polarity, evidence) → index (tantivy) → export (CSV, report)
//! ```
//!
//! [`text`] holds the one analyzer shared by tagging, indexing and queries; [`model`] the types
//! that flow between stages.

pub mod bench;
pub mod cli;
pub mod error;
pub mod export;
pub mod index;
pub mod lang;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod read;
pub mod resolve;
pub mod segment;
pub mod synth;
pub mod tag;
pub mod text;

pub use error::{Error, Result};
