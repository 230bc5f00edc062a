//! What an ingest run is asked to do: the inputs, the index, the threads and memory, the
//! resource files, and the flags (`--rebuild`, `--prune`, `--strict`, `--wait`, `--quiet`).
//!
//! Input: built by the CLI from its flags (or by a test or the bench). Output: an
//! [`IngestConfig`] the pipeline reads. Nothing here reads a file.

use crate::tag::ModelChoice;
use std::path::PathBuf;

/// Default writer memory budget per indexing thread.
pub const DEFAULT_BUDGET_PER_THREAD: usize = 64 * 1024 * 1024;

/// What an ingest run needs to know.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    /// Files and directories to read.
    pub inputs: Vec<PathBuf>,
    /// The index directory (created when missing).
    pub index_dir: PathBuf,
    /// Worker threads (parse/tag pool and tantivy writer); 0 = the machine's cores.
    pub threads: usize,
    /// Writer memory budget in bytes, in total; 0 = [`DEFAULT_BUDGET_PER_THREAD`] per thread.
    pub memory_budget: usize,
    /// Taxonomy file instead of the embedded one.
    pub themes: Option<PathBuf>,
    /// The learned model to tag with.
    pub model: ModelChoice,
    /// Speaker registry instead of the embedded one.
    pub registry: Option<PathBuf>,
    /// Organisations list instead of the embedded one.
    pub organizations: Option<PathBuf>,
    /// Pairs file (file or address → session), read after the corpus's own `pairs.csv`.
    pub pairs: Option<PathBuf>,
    /// Which codes files (a person's decisions on tags) are read after a `codes.csv` among the
    /// inputs.
    pub codes: CodesChoice,
    /// Start over: drop every passage and the manifest.
    pub rebuild: bool,
    /// Remove the passages of files that no longer exist.
    pub prune: bool,
    /// Treat skipped files as errors.
    pub strict: bool,
    /// No progress bars.
    pub quiet: bool,
    /// Wait for another ingest instead of failing with exit code 75.
    pub wait: bool,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            inputs: vec![PathBuf::from("data")],
            index_dir: PathBuf::from("index"),
            threads: 0,
            memory_budget: 0,
            themes: None,
            model: ModelChoice::Embedded,
            registry: None,
            organizations: None,
            pairs: None,
            codes: CodesChoice::LastIngest,
            rebuild: false,
            prune: false,
            strict: false,
            quiet: false,
            wait: false,
        }
    }
}

/// The codes files an ingest reads besides the `codes.csv` files among its inputs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CodesChoice {
    /// Those the last ingest of the index read, as its manifest records them (no flag): the
    /// human decisions an index carries stay when an ingest is not given their file again.
    #[default]
    LastIngest,
    /// This file (`--codes FILE`), and none recorded.
    File(PathBuf),
    /// None recorded (`--no-codes`).
    InputsOnly,
}

impl CodesChoice {
    /// The file of `--codes FILE`, if that was the choice.
    pub fn file(&self) -> Option<&std::path::Path> {
        match self {
            CodesChoice::File(p) => Some(p),
            CodesChoice::LastIngest | CodesChoice::InputsOnly => None,
        }
    }
}

impl IngestConfig {
    /// Threads to use.
    pub fn threads(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        }
    }

    /// Total writer memory budget.
    pub fn memory_budget(&self) -> usize {
        if self.memory_budget > 0 {
            self.memory_budget
        } else {
            DEFAULT_BUDGET_PER_THREAD * self.threads()
        }
    }
}
