//! Whole-tool throughput measurement behind `igf-lens bench`: a synthetic corpus, the pipeline's
//! stages timed one by one, the end-to-end ingest, a tantivy-only baseline on the same passages,
//! a second ingest over the unchanged corpus, and query latency.
//!
//! Input: a [`BenchConfig`] and an executor that runs one [`Phase`] with a [`PhaseConfig`] and
//! returns its [`PhaseResult`]. Output: [`Row`]s (one per thread count and stage) in a
//! [`Report`], rendered by [`render_csv`] / [`render_table`]; a run's rows become one
//! [`HistoryRow`] of the committed history (`benches/history.csv`), which [`check()`] compares
//! with the history's last rows and [`write_plot`] draws.
//!
//! - `measure`: the in-process body of each phase ([`run_phase`]);
//! - `records`: the passages of a corpus in memory, for the baseline and the peer;
//! - `peer`: tantivy-cli indexing the same passages ([`Phase::Peer`]);
//! - `clock`: CPU time, peak memory, pinning to cores, percentiles, the CPU model;
//! - `render`: CSV and the table;
//! - `history`: the history file (append, read, convert an older bench's CSV);
//! - `check`: this run against the history's median; `plot`: the history as an SVG chart.
//!
//! Peak resident memory is the process high-water mark (`VmHWM`), so each phase should run in a
//! process of its own: `igf-lens-devtools bench` runs every phase in a child process of the
//! same binary. Only the peer phase starts processes (tantivy-cli); nothing here touches
//! tantivy itself: it drives [`igf_lens::pipeline`] and [`igf_lens::index`].
//!
//! What the stage rows measure (all on a pool of the given thread count):
//! - `parse`: `read::load` + `parse::parse_document` over every file (MB = all file bytes);
//! - `detect`: language detection per turn as the pipeline does it (MB = turn text);
//! - `tag`: `Tagger::tag_and_analyze` on every passage, as ingest runs it (analysis, matching,
//!   and the tokens handed to the index writer; MB = passage text);
//! - `index`: `Writer::add` of every record plus open and commit, tantivy analyzing every text
//!   itself (MB = passage text); ingest hands it the tagger's tokens instead.
//!
//! The corpus is processed in chunks of [`CHUNK_BYTES`] so these rows never hold it all in
//! memory, in two passes. The first parses, detects and tags every chunk with nothing else
//! running, so each stage is measured alone; they are timed by the CPU time of the threads
//! doing them (read per slice of work from the thread CPU clock; their `seconds` is that CPU
//! time divided by the thread count), so a slice waiting for a core is not charged. The second
//! parses each chunk again and builds its records with the pipeline's own
//! [`igf_lens::pipeline::build_records`] (untimed, while tantivy indexes the previous chunk),
//! then times `index`. `baseline` indexes the records of [`igf_lens::pipeline::feed`] (every
//! file through the pipeline's steps into memory, not timed) with a fresh writer of the same
//! threads and budget, so only indexing is timed. It uses `Writer::add`, so tantivy analyzes
//! every text with the index's analyzer, as it would with no pipeline in front of it;
//! `end_to_end` hands it the tagger's tokens (identical ones).

mod check;
mod clock;
mod history;
mod measure;
mod model;
mod peer;
mod plot;
mod records;
mod render;

pub use check::{
    check, median, CheckLine, CheckReport, Verdict, CHECKED, LAST_ROWS, MAX_DROP, SIZE_TOLERANCE,
};
pub use clock::{
    children_usage, cpu_model, peak_rss_mb, percentile, pin_to_cores, process_cpu, thread_cpu,
    ChildrenUsage,
};
pub use history::{
    append, history_header, read, rows_from_csv, CsvRun, HistoryRow, Provenance, HISTORY_COLUMNS,
    OLD_RECORD_HEADER, THREADS,
};
pub use measure::{queries, run_phase};
pub use model::{
    BenchConfig, Measurement, Phase, PhaseConfig, PhaseResult, Report, Row, CHUNK_BYTES,
    CSV_HEADER, PEER_STAGE, STAGES,
};
pub use peer::{new_answers, NEW_TIMEOUT};
pub use plot::{plot_svg, write_plot, Panel, SERIES};
pub use render::{render_csv, render_table, utc_timestamp};

use crate::synth::{Generator, Size};
use igf_lens::error::{Error, Result};
use igf_lens::pipeline::IngestConfig;
use model::dir_size;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Writes the synthetic corpus into `dir/corpus` unless a corpus of the same size and seed is
/// already there (so `--keep DIR` runs can be repeated cheaply). Returns its bytes and sessions.
pub fn ensure_corpus(cfg: &BenchConfig) -> Result<(PathBuf, u64, u32)> {
    let corpus = cfg.dir.join("corpus");
    let marker = cfg.dir.join("corpus.json");
    let want = corpus_marker(cfg);
    if corpus.is_dir() && std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == want) {
        let (bytes, files) = dir_size(&corpus)?;
        return Ok((corpus, bytes, (files / 2) as u32));
    }
    if corpus.exists() {
        std::fs::remove_dir_all(&corpus).map_err(|e| Error::io(&corpus, e))?;
    }
    let target = cfg.mb.saturating_mul(1_000_000);
    let summary = Generator::standard(cfg.seed).write(&corpus, Size::Bytes(target))?;
    igf_lens::disk::write_bytes(&marker, want.as_bytes())?;
    Ok((corpus, summary.bytes, summary.sessions))
}

/// What `corpus.json` holds for the corpus `cfg` asks for.
fn corpus_marker(cfg: &BenchConfig) -> String {
    format!(
        "{{\"mb\":{},\"seed\":{},\"generator\":\"standard\"}}",
        cfg.mb, cfg.seed
    )
}

/// Refuses a bench the disk cannot hold: the corpus (unless a `--keep` run left it) and, at
/// a time, the ingest's index and one other (each about 1.2 times the corpus; 1.5 counted).
fn check_bench_room(cfg: &BenchConfig) -> Result<()> {
    let corpus = cfg.mb.saturating_mul(1_000_000);
    let kept = std::fs::read_to_string(cfg.dir.join("corpus.json"))
        .is_ok_and(|m| m.trim() == corpus_marker(cfg));
    let need = corpus
        .saturating_mul(3)
        .saturating_add(if kept { 0 } else { corpus });
    crate::synth::check_room(
        &cfg.dir,
        need,
        &format!("bench --mb {} (the corpus and two indexes)", cfg.mb),
        "lower --mb",
    )
}

/// Runs a whole bench: the corpus, then for each thread count every [`Phase`] through `exec`
/// (which should run it in a fresh process), `log` receiving one line per phase. Index
/// directories are removed when their phases are done.
pub fn run(
    cfg: &BenchConfig,
    exec: &mut dyn FnMut(Phase, &PhaseConfig) -> Result<PhaseResult>,
    log: &mut dyn FnMut(&str),
) -> Result<Report> {
    if cfg.threads.is_empty() || cfg.threads.contains(&0) {
        return Err(Error::InvalidValue {
            what: "--threads".into(),
            value: format!("{:?}", cfg.threads),
            valid: "a comma-separated list of thread counts of at least 1, such as 1,2".into(),
        });
    }
    check_bench_room(cfg)?;
    let started = Instant::now();
    let (corpus, corpus_bytes, sessions) = ensure_corpus(cfg)?;
    log(&format!(
        "corpus: {sessions} sessions, {:.1} MB in {} ({:.1} s)",
        corpus_bytes as f64 / 1e6,
        corpus.display(),
        started.elapsed().as_secs_f64()
    ));
    // Read every file once so the first timed phase does not pay for a cold page cache.
    warm_page_cache(&corpus);
    let mut rows = Vec::new();
    let mut budgets = Vec::new();
    for &threads in &cfg.threads {
        let budget = IngestConfig {
            threads,
            ..IngestConfig::default()
        }
        .memory_budget();
        budgets.push((threads, budget));
        let ingest_dir = cfg.dir.join(format!("index-{threads}"));
        let stages_dir = cfg.dir.join(format!("index-stages-{threads}"));
        let baseline_dir = cfg.dir.join(format!("index-baseline-{threads}"));
        let peer_dir = cfg.dir.join(format!("index-peer-{threads}"));
        let mut by_stage: HashMap<String, Row> = HashMap::new();
        let peer = cfg.peer.as_ref().map(|_| Phase::Peer);
        for phase in Phase::ALL.into_iter().chain(peer) {
            let index = match phase {
                Phase::Stages => &stages_dir,
                Phase::Baseline => &baseline_dir,
                Phase::Peer => &peer_dir,
                _ => &ingest_dir,
            };
            if matches!(
                phase,
                Phase::Ingest | Phase::Stages | Phase::Baseline | Phase::Peer
            ) {
                remove_dir(index)?;
            }
            let pc = PhaseConfig {
                corpus: corpus.clone(),
                index: index.clone(),
                threads,
                memory_budget: budget,
                peer: cfg.peer.clone(),
                slow_ingest: cfg.slow_ingest,
            };
            let result = exec(phase, &pc)?;
            for m in &result.measurements {
                let row = Row::from_measurement(threads, m, result.peak_rss_mb);
                log(&format!(
                    "threads {threads}: {:<12} {:>9.2} {:<2} {:>8.1} MB/s  peak {} MB",
                    row.stage,
                    row.seconds,
                    if row.stage.ends_with("_ms") {
                        "ms"
                    } else {
                        "s"
                    },
                    row.mb_per_s,
                    row.peak_rss_mb.map_or("?".into(), |p| format!("{p:.0}"))
                ));
                by_stage.insert(row.stage.clone(), row);
            }
            if matches!(phase, Phase::Stages | Phase::Baseline | Phase::Peer) {
                remove_dir(index)?;
            }
        }
        remove_dir(&ingest_dir)?;
        for stage in STAGES {
            let row = by_stage.remove(stage).ok_or_else(|| {
                Error::Other(format!("bench: the {stage} stage was not measured"))
            })?;
            rows.push(row);
        }
        rows.extend(by_stage.remove(PEER_STAGE));
    }
    Ok(Report {
        rows,
        corpus_bytes,
        sessions,
        seed: cfg.seed,
        budgets,
        peer: cfg.peer.clone(),
        slow_ingest: cfg.slow_ingest,
    })
}

fn remove_dir(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(dir, e)),
        _ => Ok(()),
    }
}

fn warm_page_cache(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        let paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.par_iter().for_each(|p| {
            let _ = std::fs::read(p);
        });
    }
}
