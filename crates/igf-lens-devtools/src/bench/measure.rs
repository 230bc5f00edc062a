//! The body of each bench phase, run in-process: the stages timed one by one (parse, detect,
//! tag, index), the whole ingest, the tantivy-only baseline, and the fixed queries.
//!
//! Input: a [`PhaseConfig`] (corpus, index directory, threads, writer budget). Output:
//! [`Measurement`]s. Every record comes from the pipeline's own steps
//! ([`pipeline::build_records`], [`pipeline::feed`]); nothing here parses, tags or indexes in
//! a way ingest does not. The peer phase is `peer`'s; this file only dispatches to it.

use super::clock::{peak_rss_mb, percentile, timed_par, Clock};
use super::model::{
    dir_size, Measurement, Phase, PhaseConfig, PhaseResult, CHUNK_BYTES, QUERY_ROUNDS,
};
use super::peer::measure_peer;
use super::records::{corpus_records, text_bytes};
use igf_lens::error::{Error, Result};
use igf_lens::index::{Filters, Reader, SearchRequest, Sort, Writer};
use igf_lens::model::{
    Document, PassageRecord, Polarity, Region, SessionPage, Stakeholder, Transcript,
};
use igf_lens::parse::Parsed;
use igf_lens::pipeline::{self, IngestConfig, Resources};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Runs one phase in this process, on a pool of `cfg.threads` threads.
pub fn run_phase(phase: Phase, cfg: &PhaseConfig) -> Result<PhaseResult> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.max(1))
        .build()
        .map_err(|e| Error::Other(format!("cannot start the thread pool: {e}")))?;
    let own = |m: Result<Vec<Measurement>>| m.map(|m| (m, peak_rss_mb()));
    let (measurements, peak_rss_mb) = pool.install(|| match phase {
        Phase::Stages => own(measure_stages(cfg)),
        Phase::Ingest => own(measure_ingest(cfg, "end_to_end")),
        Phase::Reingest => own(measure_ingest(cfg, "reingest")),
        Phase::Baseline => own(measure_baseline(cfg)),
        Phase::Queries => own(measure_queries(cfg)),
        // The peer's peak memory is that of the tantivy-cli process, not this one's.
        Phase::Peer => measure_peer(cfg),
    })?;
    Ok(PhaseResult {
        measurements,
        peak_rss_mb,
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
    if let (Some(factor), "end_to_end") = (cfg.slow_ingest, stage) {
        // Test hook (`--test-slow-ingest`, hidden, refused with `--record`): proves that
        // `bench --check` catches a slower ingest. Sleeping keeps the slowdown exact.
        std::thread::sleep(clock.stop().0 * factor.saturating_sub(1));
    }
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
    let records = corpus_records(&cfg.corpus, cfg.threads)?;
    let bytes = text_bytes(&records);
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

/// The four stage rows: parse, detect and tag in a first pass over the chunks, then index.
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
    let mut cpu = CpuStages::default();
    for chunk in &chunks {
        cpu.measure_chunk(chunk, &res, cfg.threads);
    }
    let index = measure_index(cfg, &chunks, &res)?;
    let CpuStages {
        mut parse,
        mut detect,
        tag,
    } = cpu;
    parse.passages = tag.passages;
    detect.passages = tag.passages;
    Ok(vec![
        parse.done("parse"),
        detect.done("detect"),
        tag.done("tag"),
        index.done("index"),
    ])
}

/// The stages timed by the CPU time of the threads doing them, in a pass with nothing else
/// running.
#[derive(Default)]
struct CpuStages {
    parse: Acc,
    detect: Acc,
    tag: Acc,
}

impl CpuStages {
    fn measure_chunk(&mut self, chunk: &[(PathBuf, u64)], res: &Resources, threads: usize) {
        let (docs, cpu) = parse_chunk(chunk);
        self.parse.add_cpu(cpu, threads);
        self.parse.bytes += chunk.iter().map(|f| f.1).sum::<u64>();
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
        self.detect.bytes += bytes.iter().sum::<u64>();
        self.detect.add_cpu(cpu, threads);

        // segment (not timed here: criterion covers it), then tag
        let passages: Vec<String> = transcripts
            .par_iter()
            .flat_map_iter(|(_, tr)| {
                tr.turns
                    .iter()
                    .flat_map(|t| igf_lens::segment::split_passages(&t.text))
                    .map(|p| p.text)
            })
            .collect();
        let (tags, cpu) = timed_par(&passages, 256, |ps| {
            ps.iter()
                .map(|p| {
                    let (tags, tokens) = res.tagger.tag_and_analyze(p);
                    std::hint::black_box(tokens);
                    tags.tags.len()
                })
                .sum::<usize>()
        });
        self.tag.add_cpu(cpu, threads);
        std::hint::black_box(tags);
        self.tag.bytes += passages.iter().map(|p| p.len() as u64).sum::<u64>();
        self.tag.passages += passages.len() as u64;
    }
}

/// The index row: records are built untimed (tantivy indexes the previous chunk meanwhile),
/// then added and timed.
fn measure_index(cfg: &PhaseConfig, chunks: &[&[(PathBuf, u64)]], res: &Resources) -> Result<Acc> {
    let mut index = Acc::default();
    let clock = Clock::start();
    let writer = Writer::open(&cfg.index, cfg.threads, cfg.memory_budget)?;
    index.add(&clock);
    for chunk in chunks {
        let (docs, _) = parse_chunk(chunk);
        let records = records_of(&docs, res)?;
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
    Ok(index)
}

/// The records of parsed documents, made by the pipeline's own step.
fn records_of(docs: &[(Document, Vec<Parsed>)], res: &Resources) -> Result<Vec<PassageRecord>> {
    let pages = pages_of(docs);
    let per_file = transcripts_of(docs)
        .par_iter()
        .map(|(doc, tr)| {
            let page = tr.key.as_ref().and_then(|k| pages.get(&k.id()).copied());
            let source = doc.path.to_string_lossy();
            let mut out = Vec::new();
            let mut keep = |r, _| {
                out.push(r);
                Ok(())
            };
            pipeline::build_records(&doc.text, &source, (*tr).clone(), page, res, &mut keep)?;
            Ok(out)
        })
        .collect::<Result<Vec<Vec<PassageRecord>>>>()?;
    Ok(per_file.into_iter().flatten().collect())
}

/// Reads and parses the files of a chunk; returns what parsed and the CPU time it took.
fn parse_chunk(chunk: &[(PathBuf, u64)]) -> (Vec<(Document, Vec<Parsed>)>, Duration) {
    let (docs, cpu) = timed_par(chunk, 8, |files| {
        files
            .iter()
            .filter_map(|(p, _)| {
                let doc = igf_lens::read::load(p).ok()?;
                let parsed = igf_lens::parse::parse_document(&doc).ok()?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn twenty_queries_half_with_filters() {
        let q = queries();
        assert_eq!(q.len(), 20);
        let filtered = q.iter().filter(|r| r.filters != Filters::default()).count();
        assert_eq!(filtered, 10);
    }
}
