//! What a search asks and what it answers: [`SearchRequest`] (query text, [`Filters`], paging,
//! [`Sort`], facets) and [`SearchResults`] ([`Hit`]s with snippets, the total, [`Facets`]), and
//! the parsing of the filter values the command line gives.
//!
//! Input: values from the CLI. Output: plain request and result types. Running a search is the
//! reader's job and turning a request into a tantivy query the query module's.

use crate::error::{Error, Result};
use crate::model::{PassageRecord, Polarity, Region, Stakeholder};
use serde::Serialize;
use std::collections::BTreeMap;

/// Filters that compose with a query (all optional, AND-ed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub stakeholder: Option<Stakeholder>,
    pub region: Option<Region>,
    /// Theme id (`security-research`); must be carried by some passage of the index.
    pub theme: Option<String>,
    pub polarity: Option<Polarity>,
    /// A session as the user named it: id (`2023-ws-225`), code (`WS #225`, `OF 7`), file
    /// name (`2021-of-7`) or title words; resolved by [`super::Reader::resolve_session`].
    pub session: Option<String>,
    /// A speaker's name or part of it, in any case and with or without accents.
    pub speaker: Option<String>,
    pub year: Option<u16>,
    /// Only tags something other than the theme's default decided (a cue, the model or a
    /// person): with `theme` / `polarity`, that theme's or polarity's tag must be decided;
    /// alone, the passage must carry at least one decided tag.
    pub decided: bool,
    /// Procedural passages: kept (the default), left out, or alone.
    pub procedural: ProceduralFilter,
}

/// What a search does with procedural passages (floor-giving, introductions, thanks,
/// housekeeping, technical checks, time-keeping).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ProceduralFilter {
    /// Procedural and substantive passages alike.
    #[default]
    Include,
    /// Substantive passages only.
    Exclude,
    /// Procedural passages only.
    Only,
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first.
    #[default]
    Score,
    /// By session date, then session, turn and passage (undated sessions last).
    Date,
}

/// A search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    /// tantivy query syntax; empty matches every passage.
    pub query: String,
    pub filters: Filters,
    /// Let each term match words one edit away (scores become flat).
    pub fuzzy: bool,
    pub sort: Sort,
    pub offset: usize,
    /// Number of hits to return (0: only count).
    pub limit: usize,
    /// Also count all matching passages by stakeholder, region, theme:polarity, session, year.
    pub facets: bool,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub score: f32,
    pub record: PassageRecord,
    /// A fragment of the text around the matches (the start of the text when nothing in the
    /// text matched, e.g. for an empty query).
    pub snippet: String,
    /// Byte ranges of the matched terms inside `snippet`.
    pub highlights: Vec<std::ops::Range<usize>>,
}

/// Counts of matching passages by dimension. A passage with several tags counts once under
/// each of its `theme:polarity` values; every other dimension sums to `total`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    pub total: usize,
    pub stakeholder: BTreeMap<String, usize>,
    pub region: BTreeMap<String, usize>,
    pub theme_polarity: BTreeMap<String, usize>,
    pub session: BTreeMap<String, usize>,
    pub year: BTreeMap<String, usize>,
}

/// Search results: the page of hits, the total number of matching passages, and facets when
/// the request asked for them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    pub total: usize,
    pub facets: Option<Facets>,
}

/// Parses a `--stakeholder` value (full name in any case, slug, or common variant).
pub fn parse_stakeholder(value: &str) -> Result<Stakeholder> {
    Stakeholder::parse(value).ok_or_else(|| Error::InvalidValue {
        what: "--stakeholder".into(),
        value: value.into(),
        valid: Stakeholder::valid_values(),
    })
}

/// Parses a `--region` value (full name in any case, slug, or common variant).
pub fn parse_region(value: &str) -> Result<Region> {
    Region::parse(value).ok_or_else(|| Error::InvalidValue {
        what: "--region".into(),
        value: value.into(),
        valid: Region::valid_values(),
    })
}

/// Parses a `--polarity` value.
pub fn parse_polarity(value: &str) -> Result<Polarity> {
    Polarity::parse(value).ok_or_else(|| Error::InvalidValue {
        what: "--polarity".into(),
        value: value.into(),
        valid: "risk, opportunity".into(),
    })
}
