//! The bench's vocabulary: the stages and phases, what a phase works on and returns, the rows
//! of a report, and the size of a corpus directory.
//!
//! Input: none (plain types). Output: used by every other part of the bench.

use igf_lens::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Stage names, in report order (the `stage` column).
pub const STAGES: [&str; 9] = [
    "parse",
    "detect",
    "tag",
    "index",
    "end_to_end",
    "baseline",
    "reingest",
    "query_p50_ms",
    "query_p95_ms",
];

/// The stage of the peer's row (tantivy-cli indexing the same passages), measured only when a
/// peer binary is given or found; it follows [`STAGES`].
pub const PEER_STAGE: &str = "peer";

/// Header of `--format csv`.
pub const CSV_HEADER: &str = "threads,stage,mb,seconds,mb_per_s,passages_per_s,peak_rss_mb";

/// Bytes of corpus files the stage rows process at a time.
pub const CHUNK_BYTES: u64 = 64_000_000;

/// Times each query is run after one warm-up pass (20 queries → 100 latency samples).
pub(crate) const QUERY_ROUNDS: usize = 5;

/// One measured part of a bench run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The `parse`, `detect`, `tag` and `index` rows.
    Stages,
    /// A first ingest into an empty index (`end_to_end`).
    Ingest,
    /// A second ingest over the unchanged corpus (`reingest`).
    Reingest,
    /// The tantivy-only baseline (`baseline`).
    Baseline,
    /// The 20 fixed queries (`query_p50_ms`, `query_p95_ms`).
    Queries,
    /// tantivy-cli indexing the baseline's passages (`peer`); only with a peer binary.
    Peer,
}

impl Phase {
    /// Every phase that always runs, in the order a bench run executes them ([`Phase::Peer`]
    /// follows when there is a peer).
    pub const ALL: [Phase; 5] = [
        Phase::Ingest,
        Phase::Reingest,
        Phase::Queries,
        Phase::Stages,
        Phase::Baseline,
    ];

    /// The name used on the command line of a child process.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Stages => "stages",
            Phase::Ingest => "ingest",
            Phase::Reingest => "reingest",
            Phase::Baseline => "baseline",
            Phase::Queries => "queries",
            Phase::Peer => "peer",
        }
    }

    /// Parses [`Phase::as_str`].
    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL
            .into_iter()
            .chain([Phase::Peer])
            .find(|p| p.as_str() == s)
    }
}

/// What one phase works on.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseConfig {
    pub corpus: PathBuf,
    /// The index directory of this phase (the ingest, reingest and query phases share one).
    pub index: PathBuf,
    pub threads: usize,
    /// Writer memory budget in bytes, in total.
    pub memory_budget: usize,
    /// The tantivy-cli binary of [`Phase::Peer`].
    pub peer: Option<PathBuf>,
    /// Test hook (`--test-slow-ingest`): the `end_to_end` ingest takes this many times as
    /// long (it sleeps, inside the timed part, for the extra time). Never set by a real run.
    pub slow_ingest: Option<u32>,
}

/// One timing: a stage, how much it processed, how long it took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub stage: String,
    pub bytes: u64,
    /// Seconds (for the latency stages: the latency, in seconds).
    pub seconds: f64,
    pub passages: u64,
    /// CPU seconds of the whole process (all threads, user + system) spent in the timed part:
    /// unlike wall-clock time, barely affected by other load on the machine.
    #[serde(default)]
    pub cpu_seconds: f64,
}

/// The outcome of one phase, as a child process prints it (one JSON line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseResult {
    pub measurements: Vec<Measurement>,
    /// The process's peak resident memory (`VmHWM`) at the end of the phase, in MB.
    pub peak_rss_mb: Option<f64>,
}

/// One output row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub threads: usize,
    pub stage: String,
    pub mb: f64,
    /// Seconds, or milliseconds for the `query_*_ms` rows.
    pub seconds: f64,
    pub mb_per_s: f64,
    pub passages_per_s: f64,
    pub peak_rss_mb: Option<f64>,
    /// CPU seconds (all threads) of the timed part; shown in the table, not in the CSV.
    pub cpu_seconds: f64,
}

impl Row {
    pub(crate) fn from_measurement(threads: usize, m: &Measurement, peak: Option<f64>) -> Row {
        let mb = m.bytes as f64 / 1e6;
        let secs = m.seconds.max(1e-9);
        let latency = m.stage.ends_with("_ms");
        Row {
            threads,
            stage: m.stage.clone(),
            mb,
            seconds: if latency {
                m.seconds * 1000.0
            } else {
                m.seconds
            },
            mb_per_s: mb / secs,
            passages_per_s: m.passages as f64 / secs,
            peak_rss_mb: peak,
            cpu_seconds: m.cpu_seconds,
        }
    }
}

/// What a bench run works on.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchConfig {
    /// Corpus size in MB (1 MB = 1,000,000 bytes).
    pub mb: u64,
    /// Thread counts to measure, in order.
    pub threads: Vec<usize>,
    pub seed: u64,
    /// Working directory: the corpus goes to `corpus/`, indexes to `index-*` beside it.
    pub dir: PathBuf,
    /// The tantivy-cli binary to time as a peer, if any.
    pub peer: Option<PathBuf>,
    /// Test hook: see [`PhaseConfig::slow_ingest`].
    pub slow_ingest: Option<u32>,
}

/// A bench run's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub rows: Vec<Row>,
    pub corpus_bytes: u64,
    pub sessions: u32,
    pub seed: u64,
    /// Writer memory budget in bytes per thread count.
    pub budgets: Vec<(usize, usize)>,
    /// The peer timed in this run, if any.
    pub peer: Option<PathBuf>,
    /// The test hook's factor when the run was slowed on purpose.
    pub slow_ingest: Option<u32>,
}

impl Report {
    /// The row of a stage at a thread count.
    pub fn row(&self, threads: usize, stage: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.threads == threads && r.stage == stage)
    }
}

pub(crate) fn dir_size(dir: &Path) -> Result<(u64, usize)> {
    let mut bytes = 0;
    let mut files = 0;
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let e = e.map_err(|e| Error::io(dir, e))?;
        let meta = e.metadata().map_err(|err| Error::io(e.path(), err))?;
        if meta.is_file() {
            bytes += meta.len();
            files += 1;
        }
    }
    Ok((bytes, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_round_trip_their_names() {
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.as_str()), Some(p));
        }
        assert_eq!(Phase::parse("peer"), Some(Phase::Peer));
        assert_eq!(Phase::parse("nope"), None);
    }
}
