//! Whole-tool throughput measurement behind `igf-lens bench`: a synthetic corpus, the pipeline's
//! stages timed one by one, the end-to-end ingest, a tantivy-only baseline on the same passages,
//! a second ingest over the unchanged corpus, and query latency.
//!
//! Input: a [`BenchConfig`] and an executor that runs one [`Phase`] with a [`PhaseConfig`] and
//! returns its [`PhaseResult`]. Output: [`Row`]s (one per thread count and stage) in a
//! [`Report`], rendered by [`render_csv`] / [`render_table`] and appended by [`record`].
//!
//! Peak resident memory is the process high-water mark (`VmHWM`), so each phase should run in a
//! process of its own: `igf-lens bench` runs every phase in a child process of the same binary;
//! [`run_phase`] is the in-process body of one phase. This module does not spawn processes and
//! does not touch tantivy itself: it drives [`crate::pipeline`] and [`crate::index`].
//!
//! What the stage rows measure (all wall-clock on a pool of the given thread count):
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
//! parses each chunk again and builds its records with [`pipeline::collect_records`] (untimed,
//! while tantivy indexes the previous chunk), then times `index`.
//! `baseline` indexes the records of [`pipeline::prepare`] (all in memory, not timed) with a
//! fresh [`Writer`] of the same threads and budget, so only indexing is timed. It uses
//! [`Writer::add`], so tantivy analyzes every text with the index's analyzer, as it would with
//! no pipeline in front of it; `end_to_end` hands it the tagger's tokens (identical ones).

use crate::error::{Error, Result};
use crate::index::{Filters, Reader, SearchRequest, Sort, Writer};
use crate::model::{
    Document, PassageRecord, Polarity, Region, SessionPage, Stakeholder, Transcript,
};
use crate::parse::Parsed;
use crate::pipeline::{self, IngestConfig, Resources};
use crate::synth::{Generator, Size};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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

/// Header of `--format csv`.
pub const CSV_HEADER: &str = "threads,stage,mb,seconds,mb_per_s,passages_per_s,peak_rss_mb";

/// Header of a `--record` history file.
pub const RECORD_HEADER: &str =
    "date,commit,cores,threads,stage,mb,seconds,mb_per_s,passages_per_s,peak_rss_mb";

/// Bytes of corpus files the stage rows process at a time.
pub const CHUNK_BYTES: u64 = 64_000_000;

/// Times each query is run after one warm-up pass (20 queries → 100 latency samples).
const QUERY_ROUNDS: usize = 5;

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
}

impl Phase {
    /// Every phase, in the order a bench run executes them.
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
        }
    }

    /// Parses [`Phase::as_str`].
    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.as_str() == s)
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
    fn from_measurement(threads: usize, m: &Measurement, peak: Option<f64>) -> Row {
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
}

impl Report {
    /// The row of a stage at a thread count.
    pub fn row(&self, threads: usize, stage: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.threads == threads && r.stage == stage)
    }
}

/// Writes the synthetic corpus into `dir/corpus` unless a corpus of the same size and seed is
/// already there (so `--keep DIR` runs can be repeated cheaply). Returns its bytes and sessions.
pub fn ensure_corpus(cfg: &BenchConfig) -> Result<(PathBuf, u64, u32)> {
    let corpus = cfg.dir.join("corpus");
    let marker = cfg.dir.join("corpus.json");
    let want = format!(
        "{{\"mb\":{},\"seed\":{},\"generator\":\"standard\"}}",
        cfg.mb, cfg.seed
    );
    if corpus.is_dir() && std::fs::read_to_string(&marker).is_ok_and(|m| m.trim() == want) {
        let (bytes, files) = dir_size(&corpus)?;
        return Ok((corpus, bytes, (files / 2) as u32));
    }
    if corpus.exists() {
        std::fs::remove_dir_all(&corpus).map_err(|e| Error::io(&corpus, e))?;
    }
    let summary = Generator::standard(cfg.seed).write(&corpus, Size::Bytes(cfg.mb * 1_000_000))?;
    crate::disk::write_bytes(&marker, want.as_bytes())?;
    Ok((corpus, summary.bytes, summary.sessions))
}

fn dir_size(dir: &Path) -> Result<(u64, usize)> {
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
        let mut by_stage: HashMap<String, Row> = HashMap::new();
        for phase in Phase::ALL {
            let index = match phase {
                Phase::Stages => &stages_dir,
                Phase::Baseline => &baseline_dir,
                _ => &ingest_dir,
            };
            if matches!(phase, Phase::Ingest | Phase::Stages | Phase::Baseline) {
                remove_dir(index)?;
            }
            let pc = PhaseConfig {
                corpus: corpus.clone(),
                index: index.clone(),
                threads,
                memory_budget: budget,
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
            if matches!(phase, Phase::Stages | Phase::Baseline) {
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
    }
    Ok(Report {
        rows,
        corpus_bytes,
        sessions,
        seed: cfg.seed,
        budgets,
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

/// Restricts this process (and the threads it starts afterwards) to its first `cores` allowed
/// CPUs, so a phase with N threads gets N cores, tantivy's own helper threads (docstore
/// compression, merges) included. Returns the CPUs kept, or `None` when nothing was changed
/// (already at most `cores` CPUs, or not supported on this system).
pub fn pin_to_cores(cores: usize) -> Option<Vec<usize>> {
    #[cfg(target_os = "linux")]
    {
        use nix::sched::{sched_getaffinity, sched_setaffinity, CpuSet};
        use nix::unistd::Pid;
        let allowed = sched_getaffinity(Pid::from_raw(0)).ok()?;
        let cpus: Vec<usize> = (0..CpuSet::count())
            .filter(|&c| allowed.is_set(c).unwrap_or(false))
            .collect();
        if cpus.len() <= cores.max(1) {
            return None;
        }
        let keep: Vec<usize> = cpus[..cores.max(1)].to_vec();
        let mut set = CpuSet::new();
        for &c in &keep {
            set.set(c).ok()?;
        }
        sched_setaffinity(Pid::from_raw(0), &set).ok()?;
        Some(keep)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = cores;
        None
    }
}

/// Runs one phase in this process, on a pool of `cfg.threads` threads.
pub fn run_phase(phase: Phase, cfg: &PhaseConfig) -> Result<PhaseResult> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.max(1))
        .build()
        .map_err(|e| Error::Other(format!("cannot start the thread pool: {e}")))?;
    let measurements = pool.install(|| match phase {
        Phase::Stages => measure_stages(cfg),
        Phase::Ingest => measure_ingest(cfg, "end_to_end"),
        Phase::Reingest => measure_ingest(cfg, "reingest"),
        Phase::Baseline => measure_baseline(cfg),
        Phase::Queries => measure_queries(cfg),
    })?;
    Ok(PhaseResult {
        measurements,
        peak_rss_mb: peak_rss_mb(),
    })
}

fn ingest_config(cfg: &PhaseConfig) -> IngestConfig {
    IngestConfig {
        inputs: vec![cfg.corpus.clone()],
        index_dir: cfg.index.clone(),
        threads: cfg.threads,
        memory_budget: cfg.memory_budget,
        quiet: true,
        ..IngestConfig::default()
    }
}

fn measure_ingest(cfg: &PhaseConfig, stage: &str) -> Result<Vec<Measurement>> {
    let (bytes, _) = dir_size(&cfg.corpus)?;
    let clock = Clock::start();
    let report = pipeline::ingest(&ingest_config(cfg))?;
    let (wall, cpu) = clock.stop();
    let passages = Reader::open(&cfg.index)?.num_passages();
    if stage == "end_to_end" && report.passages as u64 != passages {
        return Err(Error::Other(format!(
            "bench: the ingest reported {} passages but the index holds {passages}",
            report.passages
        )));
    }
    Ok(vec![Measurement {
        stage: stage.into(),
        bytes,
        seconds: wall.as_secs_f64(),
        passages,
        cpu_seconds: cpu.as_secs_f64(),
    }])
}

fn measure_baseline(cfg: &PhaseConfig) -> Result<Vec<Measurement>> {
    let res = Resources::load(None, None, None)?;
    let sink = std::sync::Mutex::new(Vec::new());
    pipeline::feed(std::slice::from_ref(&cfg.corpus), cfg.threads, &res, &sink)?;
    let mut records: Vec<PassageRecord> = sink
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    records.sort_by(|a, b| {
        (&a.session, &a.source, a.turn, a.ordinal).cmp(&(&b.session, &b.source, b.turn, b.ordinal))
    });
    let bytes: u64 = records.iter().map(|r| r.text.len() as u64).sum();
    let clock = Clock::start();
    let writer = Writer::open(&cfg.index, cfg.threads, cfg.memory_budget)?;
    records.par_iter().try_for_each(|r| writer.add(r))?;
    writer.commit()?;
    let (wall, cpu) = clock.stop();
    Ok(vec![Measurement {
        stage: "baseline".into(),
        bytes,
        seconds: wall.as_secs_f64(),
        passages: records.len() as u64,
        cpu_seconds: cpu.as_secs_f64(),
    }])
}

/// Accumulated time and volume of one stage.
#[derive(Default)]
struct Acc {
    bytes: u64,
    time: Duration,
    cpu: Duration,
    passages: u64,
}

impl Acc {
    fn add(&mut self, clock: &Clock) {
        let (wall, cpu) = clock.stop();
        self.time += wall;
        self.cpu += cpu;
    }

    /// Adds CPU time spent by `threads` worker threads: its share per thread counts as time.
    fn add_cpu(&mut self, cpu: Duration, threads: usize) {
        self.time += cpu / threads.max(1) as u32;
        self.cpu += cpu;
    }

    fn done(self, stage: &str) -> Measurement {
        Measurement {
            stage: stage.into(),
            bytes: self.bytes,
            seconds: self.time.as_secs_f64(),
            passages: self.passages,
            cpu_seconds: self.cpu.as_secs_f64(),
        }
    }
}

/// Splits sorted files into chunks of about `limit` bytes, cutting only after a transcript so a
/// page (`<id>.page.txt`) stays with its transcript (`<id>.raw.txt`, sorted after it).
fn chunk_files(files: &[(PathBuf, u64)], limit: u64) -> Vec<&[(PathBuf, u64)]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, (path, size)) in files.iter().enumerate() {
        bytes += size;
        let raw = path.to_string_lossy().ends_with(".raw.txt");
        if bytes >= limit && raw {
            out.push(&files[start..=i]);
            start = i + 1;
            bytes = 0;
        }
    }
    if start < files.len() {
        out.push(&files[start..]);
    }
    out
}

fn measure_stages(cfg: &PhaseConfig) -> Result<Vec<Measurement>> {
    let res = Resources::load(None, None, None)?;
    let (paths, _) = pipeline::discover_inputs(std::slice::from_ref(&cfg.corpus));
    let files: Vec<(PathBuf, u64)> = paths
        .into_iter()
        .map(|p| {
            let size = std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
            (p, size)
        })
        .collect();
    let chunks = chunk_files(&files, CHUNK_BYTES);
    let (mut parse, mut detect, mut tag, mut index) = (
        Acc::default(),
        Acc::default(),
        Acc::default(),
        Acc::default(),
    );

    // First pass: parse, detect and tag, with nothing else running.
    for chunk in &chunks {
        let (docs, cpu) = parse_chunk(chunk);
        parse.add_cpu(cpu, cfg.threads);
        parse.bytes += chunk.iter().map(|f| f.1).sum::<u64>();
        let transcripts = transcripts_of(&docs);

        // detect: a session sample, then every turn, as the pipeline does
        let (bytes, cpu) = timed_par(&transcripts, 4, |trs| {
            let mut bytes = 0;
            for (_, tr) in trs {
                let sample: String = tr
                    .turns
                    .iter()
                    .take(20)
                    .flat_map(|t| [t.text.as_str(), " "])
                    .collect();
                let lang = res.detector.detect(&sample, "eng");
                for turn in &tr.turns {
                    std::hint::black_box(res.detector.detect(&turn.text, &lang));
                    bytes += turn.text.len() as u64;
                }
            }
            bytes
        });
        detect.bytes += bytes.iter().sum::<u64>();
        detect.add_cpu(cpu, cfg.threads);

        // segment (not timed here: criterion covers it), then tag
        let passages: Vec<String> = transcripts
            .par_iter()
            .flat_map_iter(|(_, tr)| {
                tr.turns
                    .iter()
                    .flat_map(|t| crate::segment::split_passages(&t.text))
                    .map(|p| p.text)
            })
            .collect();
        let (tags, cpu) = timed_par(&passages, 256, |ps| {
            ps.iter()
                .map(|p| {
                    let (tags, tokens) = res.tagger.tag_and_analyze(p);
                    std::hint::black_box(tokens);
                    tags.len()
                })
                .sum::<usize>()
        });
        tag.add_cpu(cpu, cfg.threads);
        std::hint::black_box(tags);
        tag.bytes += passages.iter().map(|p| p.len() as u64).sum::<u64>();
        tag.passages += passages.len() as u64;
    }

    // Second pass: index. Records are built untimed (tantivy indexes the previous chunk
    // meanwhile), then added.
    let clock = Clock::start();
    let writer = Writer::open(&cfg.index, cfg.threads, cfg.memory_budget)?;
    index.add(&clock);
    for chunk in &chunks {
        let (docs, _) = parse_chunk(chunk);
        let pages = pages_of(&docs);
        let records: Vec<PassageRecord> = transcripts_of(&docs)
            .par_iter()
            .map(|(doc, tr)| {
                let page = tr.key.as_ref().and_then(|k| pages.get(&k.id()).copied());
                let source = doc.path.to_string_lossy();
                let mut out = Vec::new();
                pipeline::build_records(
                    &doc.text,
                    &source,
                    (*tr).clone(),
                    page,
                    &res,
                    &mut |r, _| {
                        out.push(r);
                        Ok(())
                    },
                )?;
                Ok(out)
            })
            .collect::<Result<Vec<Vec<PassageRecord>>>>()?
            .into_iter()
            .flatten()
            .collect();
        let bytes: u64 = records.iter().map(|r| r.text.len() as u64).sum();
        let n = records.len() as u64;
        let t = Clock::start();
        records.par_iter().try_for_each(|r| writer.add(r))?;
        index.add(&t);
        index.bytes += bytes;
        index.passages += n;
    }
    let t = Clock::start();
    writer.commit()?;
    index.add(&t);
    parse.passages = tag.passages;
    detect.passages = tag.passages;
    Ok(vec![
        parse.done("parse"),
        detect.done("detect"),
        tag.done("tag"),
        index.done("index"),
    ])
}

/// Reads and parses the files of a chunk; returns what parsed and the CPU time it took.
fn parse_chunk(chunk: &[(PathBuf, u64)]) -> (Vec<(Document, Vec<Parsed>)>, Duration) {
    let (docs, cpu) = timed_par(chunk, 8, |files| {
        files
            .iter()
            .filter_map(|(p, _)| {
                let doc = crate::read::load(p).ok()?;
                let parsed = crate::parse::parse_document(&doc).ok()?;
                Some((doc, parsed))
            })
            .collect::<Vec<(Document, Vec<Parsed>)>>()
    });
    (docs.into_iter().flatten().collect(), cpu)
}

/// The session pages among parsed documents, by session id.
fn pages_of(docs: &[(Document, Vec<Parsed>)]) -> HashMap<String, &SessionPage> {
    let mut pages = HashMap::new();
    for (_, parsed) in docs {
        for p in parsed {
            if let Parsed::Page(pg) = p {
                if let Some(k) = &pg.key {
                    pages.insert(k.id(), pg);
                }
            }
        }
    }
    pages
}

/// The transcripts among parsed documents, each with its document.
fn transcripts_of(docs: &[(Document, Vec<Parsed>)]) -> Vec<(&Document, &Transcript)> {
    let mut out = Vec::new();
    for (doc, parsed) in docs {
        for p in parsed {
            if let Parsed::Transcript(t) = p {
                out.push((doc, t));
            }
        }
    }
    out
}

/// The 20 fixed queries: plain terms, phrases, boolean operators, and filters alone or combined.
pub fn queries() -> Vec<SearchRequest> {
    let q = |query: &str, filters: Filters| SearchRequest {
        query: query.into(),
        filters,
        limit: 10,
        ..SearchRequest::default()
    };
    let none = Filters::default;
    vec![
        q("human rights", none()),
        q("security researchers", none()),
        q("\"mutual legal assistance\"", none()),
        q("privacy surveillance", none()),
        q("+safeguards -journalists", none()),
        q("capacity building", none()),
        q("cross-border data", none()),
        q("convention", none()),
        q("\"freedom of expression\"", none()),
        SearchRequest {
            fuzzy: true,
            ..q("survelliance", none())
        },
        q(
            "human rights",
            Filters {
                stakeholder: Some(Stakeholder::CivilSociety),
                ..none()
            },
        ),
        q(
            "security researchers",
            Filters {
                stakeholder: Some(Stakeholder::PrivateSector),
                ..none()
            },
        ),
        q(
            "cooperation",
            Filters {
                region: Some(Region::African),
                ..none()
            },
        ),
        q(
            "treaty",
            Filters {
                year: Some(2023),
                ..none()
            },
        ),
        q(
            "safeguards",
            Filters {
                polarity: Some(Polarity::Risk),
                ..none()
            },
        ),
        q(
            "evidence",
            Filters {
                session: Some("WS #12".into()),
                ..none()
            },
        ),
        q(
            "",
            Filters {
                stakeholder: Some(Stakeholder::Government),
                region: Some(Region::Grulac),
                ..none()
            },
        ),
        q(
            "",
            Filters {
                year: Some(2021),
                speaker: Some("Okonkwo".into()),
                ..none()
            },
        ),
        SearchRequest {
            sort: Sort::Date,
            ..q(
                "data protection",
                Filters {
                    region: Some(Region::Weog),
                    ..none()
                },
            )
        },
        q(
            "harmonisation",
            Filters {
                theme: Some("harmonization".into()),
                ..none()
            },
        ),
    ]
}

fn measure_queries(cfg: &PhaseConfig) -> Result<Vec<Measurement>> {
    let reader = Reader::open(&cfg.index)?;
    let passages = reader.num_passages();
    let (bytes, _) = dir_size(&cfg.corpus)?;
    let requests = queries();
    for r in &requests {
        std::hint::black_box(reader.search(r)?);
    }
    let mut samples = Vec::with_capacity(requests.len() * QUERY_ROUNDS);
    for _ in 0..QUERY_ROUNDS {
        for r in &requests {
            let t = Instant::now();
            std::hint::black_box(reader.search(r)?);
            samples.push(t.elapsed().as_secs_f64());
        }
    }
    let m = |stage: &str, q: f64| Measurement {
        stage: stage.into(),
        bytes,
        seconds: percentile(&mut samples.clone(), q),
        passages,
        cpu_seconds: 0.0,
    };
    Ok(vec![m("query_p50_ms", 0.50), m("query_p95_ms", 0.95)])
}

/// The `q`-quantile (0–1) of `samples` by the nearest-rank method (0 when empty).
pub fn percentile(samples: &mut [f64], q: f64) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_by(f64::total_cmp);
    let rank = (q * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// CPU time of this process so far (all threads, user + system), from `/proc/self/stat`
/// (Linux; zero elsewhere). Resolution: one clock tick, 10 ms.
pub fn process_cpu() -> Duration {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| parse_stat_cpu(&s))
        .unwrap_or_default()
}

/// CPU time the calling thread has run so far (`CLOCK_THREAD_CPUTIME_ID`, Linux); `None`
/// elsewhere.
pub fn thread_cpu() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        use nix::time::{clock_gettime, ClockId};
        let t = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).ok()?;
        let secs = u64::try_from(t.tv_sec()).ok()?;
        let nanos = u32::try_from(t.tv_nsec()).ok()?;
        Some(Duration::new(secs, nanos))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// Runs `work` on slices of `per` items in parallel; returns each slice's result and the CPU
/// time the worker threads spent in `work` (its wall time when thread CPU cannot be read).
fn timed_par<T: Sync, R: Send>(
    items: &[T],
    per: usize,
    work: impl Fn(&[T]) -> R + Sync,
) -> (Vec<R>, Duration) {
    let timed: Vec<(R, Duration)> = items
        .par_chunks(per.max(1))
        .map(|slice| {
            let (cpu, wall) = (thread_cpu(), Instant::now());
            let r = work(slice);
            let spent = match (cpu, thread_cpu()) {
                (Some(a), Some(b)) => b.saturating_sub(a),
                _ => wall.elapsed(),
            };
            (r, spent)
        })
        .collect();
    let total = timed.iter().map(|(_, d)| *d).sum();
    (timed.into_iter().map(|(r, _)| r).collect(), total)
}

fn parse_stat_cpu(stat: &str) -> Option<Duration> {
    // Fields after the command name (which may hold spaces, hence the last ')'): state is
    // field 3, utime 14 and stime 15, in clock ticks (100 per second on Linux).
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Wall-clock and CPU time of a timed section.
struct Clock {
    wall: Instant,
    cpu: Duration,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: process_cpu(),
        }
    }
    /// (wall, cpu) since start.
    fn stop(&self) -> (Duration, Duration) {
        (self.wall.elapsed(), process_cpu().saturating_sub(self.cpu))
    }
}

/// The process's peak resident memory in MB, from `VmHWM` in `/proc/self/status` (Linux only).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<f64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0 / 1e6)
}

fn fmt_num(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

fn csv_line(r: &Row) -> String {
    format!(
        "{},{},{:.3},{:.4},{:.3},{:.1},{}",
        r.threads,
        r.stage,
        r.mb,
        r.seconds,
        r.mb_per_s,
        r.passages_per_s,
        r.peak_rss_mb.map_or(String::new(), |p| format!("{p:.1}"))
    )
}

/// The rows as CSV with [`CSV_HEADER`].
pub fn render_csv(rows: &[Row]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in rows {
        out.push_str(&csv_line(r));
        out.push('\n');
    }
    out
}

/// The rows as an aligned table, followed by the ratios the targets of issue 6 are judged on.
pub fn render_table(report: &Report, cores: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "synthetic corpus: {:.1} MB, {} sessions (seed {}); {cores} cores",
        report.corpus_bytes as f64 / 1e6,
        report.sessions,
        report.seed
    );
    let _ = writeln!(
        out,
        "{:>7}  {:<12} {:>9} {:>10} {:>9} {:>12} {:>11} {:>8}",
        "threads", "stage", "MB", "seconds", "MB/s", "passages/s", "peak RSS MB", "CPU s"
    );
    for r in &report.rows {
        let latency = r.stage.ends_with("_ms");
        let _ = writeln!(
            out,
            "{:>7}  {:<12} {:>9.1} {:>10} {:>9} {:>12} {:>11} {:>8}",
            r.threads,
            r.stage,
            r.mb,
            if latency {
                format!("{:.2} ms", r.seconds)
            } else {
                format!("{:.2}", r.seconds)
            },
            if latency {
                "-".into()
            } else {
                fmt_num(r.mb_per_s)
            },
            if latency {
                "-".into()
            } else {
                format!("{:.0}", r.passages_per_s)
            },
            r.peak_rss_mb.map_or("?".into(), |p| format!("{p:.0}")),
            if latency {
                "-".into()
            } else {
                format!("{:.1}", r.cpu_seconds)
            }
        );
    }
    out.push_str(
        "\nMB: parse, end_to_end and reingest count corpus files; detect the turn text; tag, \
         index and baseline the passage text.\nEach phase of N threads \
         runs in its own process pinned to N cores (when the machine has more).\nCPU s: all \
         threads of the phase's process, user + system (other load on the machine barely \
         changes it, unlike seconds); for parse, detect and tag, the CPU time of the threads \
         doing the stage, and seconds = that / N (they run in a pass of their own, before \
         the index row's).\n\n",
    );
    for (threads, budget) in &report.budgets {
        let t = *threads;
        let get = |s: &str| report.row(t, s);
        if let (Some(e), Some(b)) = (get("end_to_end"), get("baseline")) {
            let ratio = e.passages_per_s / b.passages_per_s.max(1e-9);
            let _ = writeln!(
                out,
                "{t} thread(s): end_to_end / baseline = {ratio:.2} (passages/s; target >= 0.80: {})",
                verdict(ratio >= 0.8)
            );
        }
        if let Some(tag) = get("tag") {
            let per_thread = tag.mb_per_s / t as f64;
            let _ = writeln!(
                out,
                "{t} thread(s): tag = {per_thread:.0} MB/s per thread (target >= 100: {})",
                verdict(per_thread >= 100.0)
            );
        }
        if let (Some(e), Some(r)) = (get("end_to_end"), get("reingest")) {
            let share = r.seconds / e.seconds.max(1e-9);
            let _ = writeln!(
                out,
                "{t} thread(s): reingest / end_to_end time = {:.1} % (target <= 5 %: {})",
                share * 100.0,
                verdict(share <= 0.05)
            );
        }
        if let Some(peak) = get("end_to_end").and_then(|e| e.peak_rss_mb) {
            let limit = *budget as f64 / 1e6 + 300.0;
            let _ = writeln!(
                out,
                "{t} thread(s): end_to_end peak RSS = {peak:.0} MB, writer budget {:.0} MB (target <= budget + 300 = {limit:.0} MB: {})",
                *budget as f64 / 1e6,
                verdict(peak <= limit)
            );
        }
    }
    let ts: Vec<usize> = report.budgets.iter().map(|b| b.0).collect();
    if let (Some(&one), Some(&two)) = (ts.iter().find(|&&t| t == 1), ts.iter().find(|&&t| t == 2)) {
        if let (Some(a), Some(b)) = (report.row(one, "end_to_end"), report.row(two, "end_to_end")) {
            let scale = b.mb_per_s / a.mb_per_s.max(1e-9);
            let _ = writeln!(
                out,
                "end_to_end scaling, 2 threads / 1 thread = {scale:.2} (target >= 1.70: {})",
                verdict(scale >= 1.7)
            );
        }
    }
    out
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "missed"
    }
}

/// Appends the rows to a CSV history (header written when the file is new or empty), each
/// prefixed with the date, the commit and the machine's cores.
pub fn record(path: &Path, rows: &[Row], date: &str, commit: &str, cores: usize) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    let empty = file.metadata().map(|m| m.len() == 0).unwrap_or(true);
    let mut text = String::new();
    if empty {
        text.push_str(RECORD_HEADER);
        text.push('\n');
    }
    for r in rows {
        let _ = writeln!(text, "{date},{commit},{cores},{}", csv_line(r));
    }
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))
}

/// `2025-06-23T09:05:00Z` for a time given in seconds since the Unix epoch.
pub fn utc_timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = crate::synth::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_uses_nearest_rank() {
        let mut v: Vec<f64> = (1..=20).map(f64::from).collect();
        let cases = [(0.5, 10.0), (0.95, 19.0), (1.0, 20.0), (0.0, 1.0)];
        for (q, want) in cases {
            assert_eq!(percentile(&mut v, q), want, "q={q}");
        }
        assert_eq!(percentile(&mut [], 0.5), 0.0);
    }

    #[test]
    fn vm_hwm_is_read_in_megabytes() {
        let status = "Name:\tigf-lens\nVmPeak:\t  300000 kB\nVmHWM:\t   102400 kB\nVmRSS:\t 1 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(104.8576));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
    }

    #[test]
    fn thread_cpu_moves_with_work_on_this_thread() {
        if cfg!(target_os = "linux") {
            let a = thread_cpu().expect("thread CPU clock on Linux");
            let mut x = 0u64;
            for i in 0..3_000_000u64 {
                x = x.wrapping_mul(31).wrapping_add(std::hint::black_box(i));
            }
            std::hint::black_box(x);
            let b = thread_cpu().expect("thread CPU clock on Linux");
            assert!(b > a, "{a:?} then {b:?}");
        }
    }

    #[test]
    fn timed_par_returns_results_in_order() {
        let items: Vec<u64> = (0..100).collect();
        let (sums, _) = timed_par(&items, 7, |s| s.iter().sum::<u64>());
        assert_eq!(sums.len(), 15);
        assert_eq!(sums.iter().sum::<u64>(), 4950);
        assert_eq!(sums[0], (0..7).sum::<u64>());
    }

    #[test]
    fn stat_cpu_sums_user_and_system_ticks() {
        let stat = "4242 (igf lens) R 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0";
        assert_eq!(parse_stat_cpu(stat), Some(Duration::from_millis(3000)));
        assert_eq!(parse_stat_cpu("garbage"), None);
    }

    #[test]
    fn timestamps_are_utc_iso() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
        ];
        for (secs, want) in cases {
            assert_eq!(utc_timestamp(secs), want);
        }
    }

    #[test]
    fn chunks_end_after_a_transcript() {
        let f = |name: &str, size| (PathBuf::from(name), size);
        let files = vec![
            f("a.page.txt", 5),
            f("a.raw.txt", 30),
            f("b.page.txt", 5),
            f("b.raw.txt", 30),
            f("c.page.txt", 50),
            f("c.raw.txt", 30),
        ];
        let chunks = chunk_files(&files, 40);
        let sizes: Vec<usize> = chunks.iter().map(|c| c.len()).collect();
        assert_eq!(sizes, vec![4, 2]);
        assert_eq!(chunk_files(&files, 1000).len(), 1);
    }

    #[test]
    fn latency_rows_carry_milliseconds() {
        let m = Measurement {
            stage: "query_p50_ms".into(),
            bytes: 2_000_000,
            seconds: 0.004,
            passages: 100,
            cpu_seconds: 0.0,
        };
        let r = Row::from_measurement(2, &m, Some(50.0));
        assert_eq!(r.seconds, 4.0);
        assert_eq!(r.mb, 2.0);
        assert_eq!(r.mb_per_s, 500.0);
        assert_eq!(r.passages_per_s, 25_000.0);
        assert_eq!(
            csv_line(&r),
            "2,query_p50_ms,2.000,4.0000,500.000,25000.0,50.0"
        );
    }

    #[test]
    fn phases_round_trip_their_names() {
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.as_str()), Some(p));
        }
        assert_eq!(Phase::parse("nope"), None);
    }

    #[test]
    fn twenty_queries_half_with_filters() {
        let q = queries();
        assert_eq!(q.len(), 20);
        let filtered = q.iter().filter(|r| r.filters != Filters::default()).count();
        assert_eq!(filtered, 10);
    }
}
