//! The tantivy index: schema, writer, reader and search. No tantivy type leaves this module:
//! callers hand in [`PassageRecord`]s and get [`Hit`]s and records back.

use crate::error::Result;
use crate::model::{PassageRecord, Polarity, Region, Stakeholder};
use std::path::{Path, PathBuf};

/// Filters that compose with a query (all optional, AND-ed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub stakeholder: Option<Stakeholder>,
    pub region: Option<Region>,
    pub theme: Option<String>,
    pub polarity: Option<Polarity>,
    /// Session id (`2023-ws-225`) or code (`WS #225`).
    pub session: Option<String>,
    pub speaker: Option<String>,
    pub year: Option<u16>,
}

/// Result order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Score,
    Date,
}

/// A search.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    /// tantivy query syntax; empty matches every passage.
    pub query: String,
    pub filters: Filters,
    pub fuzzy: bool,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub score: f32,
    pub record: PassageRecord,
    /// A fragment of the text around the matches.
    pub snippet: String,
    /// Byte ranges of the matched terms inside `snippet`.
    pub highlights: Vec<std::ops::Range<usize>>,
}

/// Search results: the page of hits and the total number of matching passages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    pub total: usize,
}

/// Writes passages into the index at a directory (created when missing).
pub struct Writer {
    dir: PathBuf,
}

impl Writer {
    /// Opens (or creates) the index at `dir` for writing with `threads` indexing threads and
    /// `memory_budget` bytes in total.
    pub fn open(dir: &Path, threads: usize, memory_budget: usize) -> Result<Writer> {
        let _ = (threads, memory_budget);
        Ok(Writer { dir: dir.to_path_buf() })
    }
    /// Adds one passage (not visible until [`Writer::commit`]).
    pub fn add(&self, record: &PassageRecord) -> Result<()> {
        let _ = record;
        Ok(())
    }
    /// Deletes every passage that came from `source` (takes effect at commit).
    pub fn delete_source(&self, source: &str) -> Result<()> {
        let _ = source;
        Ok(())
    }
    /// Deletes every passage.
    pub fn delete_all(&self) -> Result<()> {
        Ok(())
    }
    /// Commits everything added since opening, waits for merges, releases the lock.
    pub fn commit(self) -> Result<()> {
        let _ = self.dir;
        Ok(())
    }
}

/// Reads an index (never needs write access).
pub struct Reader {}

impl Reader {
    /// Opens the index at `dir`.
    pub fn open(dir: &Path) -> Result<Reader> {
        Err(crate::Error::NoIndex(dir.to_path_buf()))
    }
    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let _ = request;
        Ok(SearchResults::default())
    }
    /// Every passage, sorted by (session, turn, ordinal).
    pub fn all(&self) -> Result<Vec<PassageRecord>> {
        Ok(Vec::new())
    }
}
