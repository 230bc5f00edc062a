//! Criterion benches, one group per pipeline stage, each reporting `Throughput::Bytes` (MB/s)
//! on a seeded synthetic corpus generated here (no network, no `data/`):
//! `parse`, `segment`, `detect`, `tag`, `index` and the whole `pipeline` (one thread, so the
//! figures read per thread). Setup (corpus, parsing for later stages, temp directories) stays
//! outside the timed closures. Whole-tool figures with a baseline come from `igf-lens bench`.
//!
//! Sizes are small (about 2 MB of corpus, 1 MB of passages indexed) so `cargo bench` finishes
//! in a few minutes on two cores.

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use igf_lens::index::Writer;
use igf_lens::lang::LanguageDetector;
use igf_lens::model::{Document, PassageRecord, SessionPage, Transcript};
use igf_lens::parse::{parse_document, Parsed};
use igf_lens::pipeline::{self, IngestConfig, Resources};
use igf_lens::segment::split_passages;
use igf_lens_devtools::synth::{Generator, SessionFiles, Size};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

const SEED: u64 = 42;
const CORPUS_BYTES: u64 = 2_000_000;
const INDEX_BYTES: u64 = 1_000_000;
/// Writer budget for the index and pipeline groups (one thread).
const BUDGET: usize = 64 * 1024 * 1024;

/// Everything the groups need, built once, untimed.
struct Fixture {
    sessions: Vec<SessionFiles>,
    /// The corpus written to disk.
    corpus: tempfile::TempDir,
    docs: Vec<Document>,
    pages: HashMap<String, SessionPage>,
    transcripts: Vec<(usize, Transcript)>,
    turns: Vec<String>,
    passages: Vec<String>,
    records: Vec<PassageRecord>,
    res: Resources,
}

fn fixture() -> Fixture {
    let sessions = Generator::standard(SEED).corpus(Size::Bytes(CORPUS_BYTES));
    let mut docs = Vec::new();
    for s in &sessions {
        for (ext, text) in [("page", &s.page), ("raw", &s.raw)] {
            let path = PathBuf::from(format!("{}.{ext}.txt", s.id));
            docs.push(igf_lens::read::document_from_text(&path, text));
        }
    }
    let mut pages = HashMap::new();
    let mut transcripts = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        for p in parse_document(d).expect("synthetic files parse") {
            match p {
                Parsed::Page(pg) => {
                    if let Some(k) = &pg.key {
                        pages.insert(k.id(), pg);
                    }
                }
                Parsed::Transcript(t) => transcripts.push((i, t)),
            }
        }
    }
    let turns: Vec<String> = transcripts
        .iter()
        .flat_map(|(_, t)| t.turns.iter().map(|x| x.text.clone()))
        .collect();
    let passages: Vec<String> = turns
        .iter()
        .flat_map(|t| split_passages(t))
        .map(|p| p.text)
        .collect();
    let res = Resources::load(None, None, None).expect("embedded resources load");
    let corpus = tempfile::tempdir().expect("temp dir");
    for s in &sessions {
        s.write_to(corpus.path()).expect("write corpus");
    }
    // The records ingest makes, from the pipeline's own steps.
    let sink = Mutex::new(Vec::new());
    pipeline::feed(&[corpus.path().to_path_buf()], 1, &res, &sink).expect("feed");
    let records: Vec<PassageRecord> = sink.into_inner().expect("records");
    Fixture {
        sessions,
        corpus,
        docs,
        pages,
        transcripts,
        turns,
        passages,
        records,
        res,
    }
}

fn bytes_of<'a>(texts: impl Iterator<Item = &'a String>) -> u64 {
    texts.map(|t| t.len() as u64).sum()
}

fn stages(c: &mut Criterion) {
    let f = fixture();
    assert!(
        !f.transcripts.is_empty() && !f.pages.is_empty(),
        "corpus parsed to nothing"
    );

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(
        f.docs.iter().map(|d| d.text.len() as u64).sum(),
    ));
    g.bench_function("pages_and_transcripts", |b| {
        b.iter(|| {
            for d in &f.docs {
                black_box(parse_document(d).ok());
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("segment");
    g.throughput(Throughput::Bytes(bytes_of(f.turns.iter())));
    g.bench_function("split_passages", |b| {
        b.iter(|| {
            for t in &f.turns {
                black_box(split_passages(t));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("detect");
    g.throughput(Throughput::Bytes(bytes_of(f.turns.iter())));
    let detector = LanguageDetector::default();
    g.bench_function("per_turn_allowlist", |b| {
        b.iter(|| {
            for t in &f.turns {
                black_box(detector.detect(t, "eng"));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("tag");
    g.throughput(Throughput::Bytes(bytes_of(f.passages.iter())));
    g.bench_function("embedded_taxonomy", |b| {
        b.iter(|| {
            for p in &f.passages {
                black_box(f.res.tagger.tag(p));
            }
        })
    });
    // What ingest runs: the same, plus the tokens handed to the index writer.
    g.bench_function("embedded_taxonomy_with_tokens", |b| {
        b.iter(|| {
            for p in &f.passages {
                black_box(f.res.tagger.tag_and_analyze(p));
            }
        })
    });
    g.finish();

    // Index about 1 MB of passage text into a fresh directory per iteration.
    let mut take = 0;
    let mut bytes = 0;
    while take < f.records.len() && bytes < INDEX_BYTES {
        bytes += f.records[take].text.len() as u64;
        take += 1;
    }
    let records = &f.records[..take];
    let mut g = c.benchmark_group("index");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function("writer_one_thread", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("temp dir"),
            |dir| {
                let w = Writer::open(dir.path(), 1, BUDGET).expect("open writer");
                for r in records {
                    w.add(r).expect("add");
                }
                w.commit().expect("commit");
                dir
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // The whole ingest, files on disk to committed index, one thread.
    let corpus = &f.corpus;
    let corpus_bytes: u64 = f.sessions.iter().map(SessionFiles::len).sum();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(corpus_bytes));
    g.sample_size(10);
    g.bench_function("ingest_one_thread", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("temp dir"),
            |index| {
                let cfg = IngestConfig {
                    inputs: vec![corpus.path().to_path_buf()],
                    index_dir: index.path().to_path_buf(),
                    threads: 1,
                    memory_budget: BUDGET,
                    quiet: true,
                    ..IngestConfig::default()
                };
                black_box(pipeline::ingest(&cfg).expect("ingest"));
                index
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = stages
}
criterion_main!(benches);
