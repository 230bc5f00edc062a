//! `igf-lens-devtools synth` and `bench` (what `igf-lens synth` and `igf-lens bench` run): the
//! corpus is deterministic, sized as asked, parsed and paired by the real stages; the bench
//! prints every stage row.

use igf_lens::model::SessionKey;
use igf_lens::parse::{parse_document, Parsed};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `igf-lens-devtools`, run from the repository root (where `data/` is).
fn igf_lens() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_igf-lens-devtools"));
    cmd.current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."));
    cmd
}

/// Runs a command; panics with its output when the exit code is not `want`.
fn run_expect(cmd: &mut Command, want: i32) -> Output {
    let out = cmd.output().expect("spawn igf-lens-devtools");
    let code = out.status.code().unwrap_or(-1);
    assert_eq!(
        code,
        want,
        "{cmd:?}\n--- stdout\n{}\n--- stderr\n{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// File name → content of every file in a directory.
fn read_dir(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| {
            let p = e.expect("entry").path();
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read file"))
        })
        .collect()
}

#[test]
fn same_seed_gives_the_same_bytes_whatever_the_threads() {
    let tmp = tempdir();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    for (dir, seed, threads) in [(&a, "7", "1"), (&b, "7", "2"), (&c, "8", "2")] {
        run_expect(
            igf_lens()
                .args([
                    "synth",
                    "--standard",
                    "--sessions",
                    "20",
                    "--seed",
                    seed,
                    "-j",
                    threads,
                ])
                .arg("--out")
                .arg(dir),
            0,
        );
    }
    let (fa, fb, fc) = (read_dir(&a), read_dir(&b), read_dir(&c));
    assert_eq!(fa.len(), 40);
    assert!(fa.contains_key("2019-ws-1.page.txt") && fa.contains_key("2025-ws-14.raw.txt"));
    assert_eq!(fa, fb, "seed 7 with 1 and 2 threads");
    assert_eq!(fa.keys().collect::<Vec<_>>(), fc.keys().collect::<Vec<_>>());
    assert_ne!(
        fa["2019-ws-1.raw.txt"], fc["2019-ws-1.raw.txt"],
        "seed 8 differs"
    );
}

#[test]
fn mb_flag_hits_the_size_within_ten_percent() {
    let tmp = tempdir();
    let out = run_expect(
        igf_lens()
            .args(["synth", "--standard", "--mb", "3", "--out"])
            .arg(tmp.path()),
        0,
    );
    let total: usize = read_dir(tmp.path()).values().map(Vec::len).sum();
    assert!(
        (2_700_000..=3_300_000).contains(&total),
        "{total} bytes for --mb 3"
    );
    assert!(stderr(&out).contains("3.0 MB"), "{}", stderr(&out));
}

#[test]
fn refuses_a_directory_that_already_holds_a_corpus() {
    let tmp = tempdir();
    std::fs::write(tmp.path().join("old.raw.txt"), "x").expect("write");
    let out = run_expect(
        igf_lens()
            .args(["synth", "--sessions", "1", "--out"])
            .arg(tmp.path()),
        2,
    );
    assert!(
        stderr(&out).contains("already holds .txt files"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn corpus_parses_and_every_transcript_pairs_with_its_page() {
    let tmp = tempdir();
    run_expect(
        igf_lens()
            .args([
                "synth",
                "--standard",
                "--sessions",
                "14",
                "--seed",
                "3",
                "--out",
            ])
            .arg(tmp.path()),
        0,
    );
    let mut page_keys = BTreeSet::new();
    let mut raw_keys = BTreeSet::new();
    for name in read_dir(tmp.path()).keys() {
        let doc = igf_lens::read::load(&tmp.path().join(name)).expect("load");
        let parsed = parse_document(&doc).expect("parse");
        assert_eq!(parsed.len(), 1, "{name}");
        match &parsed[0] {
            Parsed::Page(p) => {
                assert!(name.ends_with(".page.txt"), "{name} parsed as a page");
                assert!(p.roster.len() >= 6, "{name}: roster of {}", p.roster.len());
                page_keys.insert(p.key.clone().expect("page key"));
            }
            Parsed::Transcript(t) => {
                assert!(name.ends_with(".raw.txt"), "{name} parsed as a transcript");
                assert!(t.turns.len() >= 40, "{name}: {} turns", t.turns.len());
                raw_keys.insert(t.key.clone().expect("transcript key"));
            }
        }
    }
    assert_eq!(page_keys.len(), 14);
    assert_eq!(page_keys, raw_keys);
    assert!(page_keys.contains(&SessionKey {
        year: 2019,
        code: "WS #8".into()
    }));

    // The real pipeline pairs them all and resolves nearly every named speaker.
    let index = tempdir();
    let report = igf_lens::pipeline::ingest(&igf_lens::pipeline::IngestConfig {
        inputs: vec![tmp.path().to_path_buf()],
        index_dir: index.path().to_path_buf(),
        threads: 2,
        quiet: true,
        ..Default::default()
    })
    .expect("ingest");
    assert_eq!(report.sessions, 14);
    assert_eq!(report.pages, 14);
    assert!(report.unpaired.is_empty(), "{:?}", report.unpaired);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    assert!(report.resolved_share() > 0.9, "{}", report.resolved_share());
    assert!(!report.tags_by_theme.is_empty());
}

#[test]
fn bench_csv_prints_every_stage_with_positive_numbers() {
    let out = run_expect(
        igf_lens().args([
            "--quiet",
            "bench",
            "--mb",
            "2",
            "--threads",
            "1",
            "--format",
            "csv",
            "--no-peer",
        ]),
        0,
    );
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("threads,stage,mb,seconds,mb_per_s,passages_per_s,peak_rss_mb")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let stages: Vec<&str> = rows.iter().map(|r| r[1]).collect();
    assert_eq!(
        stages,
        [
            "parse",
            "detect",
            "tag",
            "index",
            "end_to_end",
            "baseline",
            "reingest",
            "query_p50_ms",
            "query_p95_ms"
        ]
    );
    for r in &rows {
        assert_eq!(r.len(), 7, "{r:?}");
        assert_eq!(r[0], "1");
        let latency = r[1].ends_with("_ms");
        for (i, v) in r.iter().enumerate().skip(2) {
            // a latency is not a throughput: its mb_per_s and passages_per_s are empty
            if latency && (i == 4 || i == 5) {
                assert_eq!(*v, "", "column {i} of {r:?}");
                continue;
            }
            let x: f64 = v.parse().unwrap_or_else(|_| panic!("column {i} of {r:?}"));
            assert!(x > 0.0, "column {i} of {r:?} is not positive");
        }
    }
}
