//! Writing passages into the index.
//!
//! Input: [`PassageRecord`]s, from one or many threads. Output: a committed tantivy index in a
//! directory, with the schema version recorded next to it. One [`Writer`] per index at a time:
//! tantivy's writer lock makes a second one fail with [`Error::Locked`]. This module does not
//! decide what to delete or re-add on an incremental ingest; its caller does.

use super::files;
use super::handoff::{self, Handoff};
use super::schema::{self, Fields};
use crate::error::{Error, Result};
use crate::model::PassageRecord;
use crate::text::Analysis;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::LockError;
use tantivy::indexer::{IndexWriterOptions, LogMergePolicy};
use tantivy::schema::Term;
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

/// tantivy refuses a per-thread budget below 15 MB.
const MIN_BUDGET_PER_THREAD: usize = 15_000_000;

/// Segments holding more passages than this are not merged further. Merges read their input
/// segments through memory maps, and those pages count in the resident set: bounding the size
/// of a merge keeps an ingest's memory independent of the size of the index, at the cost of a
/// few more segments (one per about this many passages) for queries to visit.
pub const MAX_DOCS_BEFORE_MERGE: usize = 100_000;

/// Writes passages into the index at a directory (created when missing).
pub struct Writer {
    dir: PathBuf,
    fields: Fields,
    writer: IndexWriter<TantivyDocument>,
    handoff: Arc<Handoff>,
}

impl Writer {
    /// Opens (or creates) the index at `dir` for writing with `threads` indexing threads and
    /// `memory_budget` bytes in total (raised to tantivy's minimum of 15 MB per thread).
    ///
    /// Fails with [`Error::Locked`] when another writer holds the index, and with
    /// [`Error::IndexVersion`] when the index was written with another schema version.
    pub fn open(dir: &Path, threads: usize, memory_budget: usize) -> Result<Writer> {
        Error::create_dir_all(dir)?;
        if files::has_index(dir)? {
            files::check_version(dir)?;
        } else {
            // Version first, so a reader never sees an index without one.
            files::write_version(dir)?;
        }
        let (schema, fields) = schema::build();
        let index = Index::open_or_create(files::mmap(dir)?, schema).map_err(|e| match e {
            TantivyError::SchemaError(msg) => Error::IndexVersion {
                path: dir.to_path_buf(),
                found: format!("a different schema ({msg})"),
                expected: files::SCHEMA_VERSION.to_string(),
            },
            // An index that is there but does not open: say how to recover.
            e @ TantivyError::DataCorruption(_) => Error::Corrupt {
                path: dir.to_path_buf(),
                message: e.to_string(),
            },
            other => Error::Index(format!("{}: {other}", dir.display())),
        })?;
        // The analyzer of every analyzed field, which takes a passage's tokens from
        // `add_analyzed` instead of analyzing its text again (see `handoff`).
        let handoff = Arc::new(Handoff::default());
        index.tokenizers().register(
            crate::text::ANALYZER_NAME,
            handoff::analyzer(Arc::clone(&handoff)),
        );
        let threads = threads.max(1);
        let per_thread = (memory_budget / threads).max(MIN_BUDGET_PER_THREAD);
        let options = IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(per_thread)
            .num_merge_threads(1)
            .build();
        let writer: IndexWriter<TantivyDocument> = index
            .writer_with_options(options)
            .map_err(|e| map_lock_error(e, dir))?;
        let mut policy = LogMergePolicy::default();
        policy.set_max_docs_before_merge(MAX_DOCS_BEFORE_MERGE);
        writer.set_merge_policy(Box::new(policy));
        Ok(Writer {
            dir: dir.to_path_buf(),
            fields,
            writer,
            handoff,
        })
    }

    /// Makes the indexer keep the tokens of recent short texts (a session's title, a speaker's
    /// name, the same on every passage) instead of analyzing them for every passage.
    pub fn reuse_short_analyses(&self) {
        self.handoff.reuse_short();
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Adds one passage (not visible until [`Writer::commit`]). Callable from several threads.
    pub fn add(&self, record: &PassageRecord) -> Result<()> {
        let doc = schema::to_doc(&self.fields, record)?;
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Adds one passage whose text was already analyzed (by the tagger): the indexer uses
    /// `analysis` instead of analyzing the text again. An analysis of another text is ignored.
    pub fn add_analyzed(&self, record: &PassageRecord, analysis: Option<Analysis>) -> Result<()> {
        let doc = schema::to_doc(&self.fields, record)?;
        if let Some(a) = analysis.filter(|a| a.text() == record.text) {
            self.handoff.deposit(a);
        }
        self.writer.add_document(doc)?;
        Ok(())
    }

    /// Deletes every passage that came from `source` (takes effect at commit).
    pub fn delete_source(&self, source: &str) -> Result<()> {
        self.writer
            .delete_term(Term::from_field_text(self.fields.source, source));
        Ok(())
    }

    /// Deletes the passage with this id (takes effect at commit; a passage added after the
    /// delete, in the same commit, stays).
    pub fn delete_passage(&self, passage_id: u64) -> Result<()> {
        self.writer
            .delete_term(Term::from_field_u64(self.fields.passage_id, passage_id));
        Ok(())
    }

    /// Deletes every passage (takes effect at commit).
    pub fn delete_all(&self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Commits everything added since opening, waits for merges, makes the directory durable
    /// and releases the lock.
    pub fn commit(mut self) -> Result<()> {
        self.writer.commit()?;
        self.writer.wait_merging_threads()?;
        crate::disk::sync_dir(&self.dir)
    }
}

fn map_lock_error(e: TantivyError, dir: &Path) -> Error {
    match e {
        TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked(dir.to_path_buf()),
        other => Error::Index(format!("{}: {other}", dir.display())),
    }
}
