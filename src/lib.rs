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
//!   → segment (turns → passages of 40–120 words) → lang (English function words, else
//!     whatlang, per turn)
//!   → tag (themes, polarity, evidence) → index (tantivy)
//!   → export (CSV, JSON, report, REFI-QDA project and codebook)
//! ```
//!
//! [`pipeline`] is the only module that knows this order: an ingest is its steps, one file each
//! (plan, sources, dedupe, run, records, manifest, lock). Below the stages: [`text`] holds the one
//! analyzer shared by tagging, indexing and queries, [`model`] the types that flow between
//! stages (closed sets as enums), [`hash`] every hash, [`disk`] atomic writes, [`error`] the
//! typed errors, [`stats`] the statistics behind `compare` and `agreement` (pure functions of
//! counts). [`codes`] holds a person's corrections of tags (the codes file, kept outside the
//! index), which [`pipeline`] applies to the passages it builds. [`cli`] is one file per subcommand. Imports go down this order only, with no
//! circle between files (`ARCHITECTURE.md` has the map and the rules). The synthetic corpus and
//! the benchmark are in the `igf-lens-devtools` crate, which uses this library's public API.
//!
//! A short transcript through parse → resolve → tag, with the built-in registry and taxonomy:
//!
//! ```
//! use igf_lens::pipeline::Resources;
//! use std::path::Path;
//!
//! let raw = "IGF 2023 Day 2 WS #225 Risks and opportunities of a new UN cybercrime treaty - RAW\n\
//!            \n\
//!            >> TIMEA SUTO: Thank you. The draft could criminalise the work of security researchers, \
//!            and that is a real concern for everyone in this room. Without an intent requirement, \
//!            a researcher who reports a vulnerability in good faith could be prosecuted for \
//!            illegal access.\n";
//! let transcript = igf_lens::parse::parse_transcript(raw, Path::new("ws225.raw.txt")).unwrap();
//! let key = transcript.key.clone().unwrap();
//! assert_eq!(key.id(), "2023-ws-225");
//!
//! let res = Resources::load(None, None, None).unwrap();
//! let turns = igf_lens::resolve::resolve_turns(transcript.turns, None, &res.directory);
//! assert_eq!(turns[0].speaker.name, "Timea Suto");
//! assert_eq!(turns[0].speaker.stakeholder.as_str(), "Private Sector");
//!
//! let tagging = res.tagger.tag(&turns[0].text);
//! assert!(!tagging.procedural);
//! let labels: Vec<String> = tagging.tags.iter().map(|t| t.label()).collect();
//! assert!(labels.contains(&"security-research:risk".to_string()), "{labels:?}");
//! ```

pub mod cli;
pub mod codes;
pub mod csv_input;
pub mod disk;
pub mod error;
pub mod export;
pub mod hash;
pub mod index;
pub mod lang;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod read;
pub mod rerun;
pub mod resolve;
pub mod segment;
pub mod stats;
pub mod tag;
pub mod text;

pub use error::{Error, Result};
