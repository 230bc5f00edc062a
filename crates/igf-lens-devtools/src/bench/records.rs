//! The passages of a corpus as ingest makes them, in memory, for the phases that index them
//! with no pipeline in front: the tantivy-only baseline and the tantivy-cli peer.
//!
//! Input: a corpus directory and a thread count. Output: its [`PassageRecord`]s, made by
//! [`igf_lens::pipeline::feed`] (every step of a first ingest but the index), in a fixed order
//! (session, source, turn, passage) so both phases index the same sequence. Nothing is timed.

use igf_lens::error::Result;
use igf_lens::model::PassageRecord;
use igf_lens::pipeline::{self, Resources};
use std::path::Path;

/// Every passage of `corpus`, as a first ingest with `threads` threads would index them.
pub(crate) fn corpus_records(corpus: &Path, threads: usize) -> Result<Vec<PassageRecord>> {
    let res = Resources::load(None, None, None)?;
    let sink = std::sync::Mutex::new(Vec::new());
    pipeline::feed(&[corpus.to_path_buf()], threads, &res, &sink)?;
    let mut records: Vec<PassageRecord> = sink
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    records.sort_by(|a, b| {
        (&a.session, &a.source, a.turn, a.ordinal).cmp(&(&b.session, &b.source, b.turn, b.ordinal))
    });
    Ok(records)
}

/// Bytes of passage text (the `MB` of the baseline, index, tag and peer rows).
pub(crate) fn text_bytes(records: &[PassageRecord]) -> u64 {
    records.iter().map(|r| r.text.len() as u64).sum()
}
