//! `igf-lens bench`: measures ingest throughput on a synthetic corpus against a tantivy-only
//! baseline, and query latency, per thread count.
//!
//! Every measured phase runs in a child process of this same binary (a hidden `--child PHASE`
//! mode of this subcommand), so each phase's peak resident memory is its own. The measuring
//! itself lives in [`crate::bench`]; this file only resolves flags, spawns children, prints and
//! records.

use crate::bench::{self, BenchConfig, Phase, PhaseConfig, PhaseResult};
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Output format of `igf-lens bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned table plus the ratios to compare between runs.
    Table,
    /// `threads,stage,mb,seconds,mb_per_s,passages_per_s,peak_rss_mb`, one row per thread count
    /// and stage (latency rows give milliseconds in `seconds`).
    Csv,
}

/// Arguments of `igf-lens bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Size of the synthetic corpus in MB (1 MB = 1,000,000 bytes).
    #[arg(long, value_name = "N", default_value_t = 200,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub mb: u64,
    /// Thread counts to measure, comma-separated.
    #[arg(short = 'j', long, value_name = "LIST", value_delimiter = ',', default_values_t = [1, 2])]
    pub threads: Vec<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Append the rows, with the UTC date, git commit and core count, to this CSV history.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Work in DIR and keep the corpus there (reused by the next run with the same --mb and
    /// --seed) instead of a temporary directory removed at the end.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Seed of the synthetic corpus.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Internal: run one phase in this process and print its result as JSON.
    #[arg(long, hide = true, value_name = "PHASE")]
    pub child: Option<String>,
    /// Internal: corpus directory of a child phase.
    #[arg(long, hide = true)]
    pub corpus: Option<PathBuf>,
    /// Internal: index directory of a child phase.
    #[arg(long, hide = true)]
    pub index: Option<PathBuf>,
    /// Internal: writer memory budget of a child phase, in bytes.
    #[arg(long, hide = true)]
    pub budget: Option<usize>,
}

/// Runs `igf-lens bench`.
pub fn run(args: Args, quiet: bool) -> anyhow::Result<i32> {
    if let Some(phase) = &args.child {
        return run_child(phase, &args);
    }
    let (dir, _cleanup) = match &args.keep {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
            (d.clone(), None)
        }
        None => {
            let d = std::env::temp_dir().join(format!("igf-lens-bench-{}", std::process::id()));
            std::fs::create_dir_all(&d)
                .with_context(|| format!("cannot create {}", d.display()))?;
            (d.clone(), Some(RemoveOnDrop(d)))
        }
    };
    let cfg = BenchConfig {
        mb: args.mb,
        threads: args.threads.clone(),
        seed: args.seed,
        dir,
    };
    let exe = std::env::current_exe().context("cannot find the igf-lens binary to run phases")?;
    let mut exec = |phase: Phase, pc: &PhaseConfig| spawn_phase(&exe, phase, pc);
    let mut log = |line: &str| {
        if !quiet {
            eprintln!("bench: {line}");
        }
    };
    let report = bench::run(&cfg, &mut exec, &mut log)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let text = match args.format {
        Format::Csv => bench::render_csv(&report.rows),
        Format::Table => bench::render_table(&report, cores),
    };
    std::io::stdout().write_all(text.as_bytes())?;
    if let Some(path) = &args.record {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        bench::record(
            path,
            &report.rows,
            &bench::utc_timestamp(secs),
            &git_commit(),
            cores,
        )
        .with_context(|| format!("cannot append to --record {}", path.display()))?;
        if !quiet {
            eprintln!(
                "bench: appended {} rows to {}",
                report.rows.len(),
                path.display()
            );
        }
    }
    Ok(0)
}

/// Removes a temporary working directory when the run ends, however it ends.
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_child(phase: &str, args: &Args) -> anyhow::Result<i32> {
    let phase = Phase::parse(phase).with_context(|| format!("unknown bench phase {phase:?}"))?;
    let cfg = PhaseConfig {
        corpus: args.corpus.clone().context("--child needs --corpus")?,
        index: args.index.clone().context("--child needs --index")?,
        threads: args.threads.first().copied().unwrap_or(1),
        memory_budget: args.budget.context("--child needs --budget")?,
    };
    // N threads means N cores: the phase and every thread tantivy starts share them.
    bench::pin_to_cores(cfg.threads);
    let result = bench::run_phase(phase, &cfg)
        .with_context(|| format!("bench phase {} failed", phase.as_str()))?;
    println!("{}", serde_json::to_string(&result)?);
    Ok(0)
}

fn spawn_phase(exe: &Path, phase: Phase, pc: &PhaseConfig) -> igf_lens::Result<PhaseResult> {
    let out = Command::new(exe)
        .arg("--quiet")
        .arg("bench")
        .arg("--child")
        .arg(phase.as_str())
        .arg("--corpus")
        .arg(&pc.corpus)
        .arg("--index")
        .arg(&pc.index)
        .arg("--threads")
        .arg(pc.threads.to_string())
        .arg("--budget")
        .arg(pc.memory_budget.to_string())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| igf_lens::Error::io(exe, e))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(igf_lens::Error::Other(format!(
            "bench phase {} exited with {} (its error is printed above)",
            phase.as_str(),
            out.status
        )));
    }
    let line = stdout.lines().last().unwrap_or("");
    serde_json::from_str(line).map_err(|e| {
        igf_lens::Error::Other(format!(
            "bench phase {} printed no result ({e}): {line:?}",
            phase.as_str()
        ))
    })
}

/// `git rev-parse --short HEAD` in the current directory, or `unknown`.
fn git_commit() -> String {
    Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}
