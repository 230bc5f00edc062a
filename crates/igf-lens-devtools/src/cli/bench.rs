//! `igf-lens bench`: measures ingest throughput on a synthetic corpus against a tantivy-only
//! baseline (and, when there is one, tantivy-cli as a peer), and query latency, per thread
//! count; records the run in the committed history, checks it against the history, and draws
//! the history.
//!
//! Every measured phase runs in a child process of this same binary (a hidden `--child PHASE`
//! mode of this subcommand), so each phase's peak resident memory is its own. The measuring
//! itself lives in [`crate::bench`]; this file only resolves flags, spawns children, prints,
//! records, checks and plots.
//!
//! Exit codes: 0, or 1 when `--check` finds a figure more than 10 % below the history's
//! median; 2 on any error (a missing or garbled history among them).

use super::scratch::Scratch;
use crate::bench::{self, BenchConfig, HistoryRow, Phase, PhaseConfig, PhaseResult, Provenance};
use anyhow::{bail, Context};
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

/// The history `--plot` draws when neither `--history` nor `--record` names one.
pub const DEFAULT_HISTORY: &str = "benches/history.csv";

/// Arguments of `igf-lens bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Size of the synthetic corpus in MB (1 MB = 1,000,000 bytes).
    #[arg(long, value_name = "N", default_value_t = 200,
          value_parser = clap::value_parser!(u64).range(1..=super::bounds::MAX_MB))]
    pub mb: u64,
    /// Thread counts to measure, comma-separated (each 1 to 64).
    #[arg(short = 'j', long, value_name = "LIST", value_delimiter = ',', default_values_t = [1, 2],
          value_parser = |s: &str| super::bounds::thread_count(s, 1))]
    pub threads: Vec<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Append this run as one row (date, commit, cores, CPU model, corpus size, ratios, stage
    /// figures of 1 and 2 threads) to this history, such as benches/history.csv; a file with
    /// another header is refused.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Compare this run's end_to_end/baseline, 2-thread scaling and tag/baseline with the
    /// median of the last 5 rows of this history at about the same corpus size, measured on
    /// this CPU model; print the
    /// table (on stderr with --format csv) and exit 1 when one is more than 10 % lower.
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
    /// Draw the ratios of the history over its commits as an SVG chart. Alone, no bench runs.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// The history --plot draws [default: the --record file, else benches/history.csv].
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
    /// Take this run's figures from a CSV instead of running: the output of `bench --format
    /// csv`, or one run of the per-stage --record file of earlier versions (how runs of old
    /// commits are converted). Needs --record or --check.
    #[arg(long, value_name = "CSV")]
    pub from: Option<PathBuf>,
    /// The commit to record [default: the --from file's, else `git rev-parse --short HEAD`
    /// in the current directory].
    #[arg(long, value_name = "HASH")]
    pub commit: Option<String>,
    /// tantivy-cli binary to time as a peer on the same passages, cores and threads
    /// [default: `tantivy` on PATH, if any].
    #[arg(long, value_name = "PATH", conflicts_with = "no_peer")]
    pub peer: Option<PathBuf>,
    /// Do not time a peer, even with `tantivy` on PATH.
    #[arg(long)]
    pub no_peer: bool,
    /// Work in DIR and keep the corpus there (reused by the next run with the same --mb and
    /// --seed) instead of a temporary directory removed at the end.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Seed of the synthetic corpus.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Test hook, for the tests of --check only: the end_to_end ingest takes FACTOR times as
    /// long (it sleeps inside the timed part). Refused with --record; the output says so.
    #[arg(long, hide = true, value_name = "FACTOR",
          value_parser = clap::value_parser!(u32).range(2..=20))]
    pub test_slow_ingest: Option<u32>,
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
    if args.test_slow_ingest.is_some() && args.record.is_some() {
        bail!("--test-slow-ingest is a test hook: a run slowed on purpose is never recorded");
    }
    if args.from.is_some() && args.record.is_none() && args.check.is_none() {
        bail!("--from needs --record or --check (it replaces a run, whose figures go there)");
    }
    if args.plot.is_some() && args.record.is_none() && args.check.is_none() {
        plot(&args, quiet)?;
        return Ok(0);
    }
    // A missing or garbled history fails before a long run, not after.
    let history = match &args.check {
        Some(path) => {
            Some(bench::read(path).with_context(|| format!("cannot --check {}", path.display()))?)
        }
        None => None,
    };
    let this = match &args.from {
        Some(from) => converted(&args, from)?,
        None => measured(&args, quiet)?,
    };
    let mut code = 0;
    if let (Some(history), Some(path)) = (&history, &args.check) {
        let report = bench::check(history, &this)
            .with_context(|| format!("cannot --check {}", path.display()))?;
        let table = report.render();
        if args.format == Format::Csv && args.from.is_none() {
            eprint!("{table}");
        } else {
            print!("{table}");
        }
        if report.dropped() {
            code = 1;
        }
    }
    if let Some(path) = &args.record {
        bench::append(path, &this)
            .with_context(|| format!("cannot --record into {}", path.display()))?;
        if !quiet {
            eprintln!(
                "bench: appended the row of {} to {}",
                this.commit,
                path.display()
            );
        }
    }
    if args.plot.is_some() {
        plot(&args, quiet)?;
    }
    Ok(code)
}

/// `--plot`: the history drawn as SVG.
fn plot(args: &Args, quiet: bool) -> anyhow::Result<()> {
    let Some(svg) = &args.plot else {
        return Ok(());
    };
    let history = args
        .history
        .clone()
        .or_else(|| args.record.clone())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_HISTORY));
    let rows = bench::read(&history)
        .with_context(|| format!("cannot --plot the history {}", history.display()))?;
    bench::write_plot(&rows, svg).with_context(|| format!("cannot write {}", svg.display()))?;
    if !quiet {
        eprintln!(
            "bench: drew {} row(s) of {} in {}",
            rows.len(),
            history.display(),
            svg.display()
        );
    }
    Ok(())
}

/// `--from`: a run of an earlier bench, read back from its CSV.
fn converted(args: &Args, from: &Path) -> anyhow::Result<HistoryRow> {
    let text = std::fs::read_to_string(from)
        .with_context(|| format!("cannot read --from {}", from.display()))?;
    let run = bench::rows_from_csv(&text, &from.display().to_string())?;
    let commit = match args.commit.clone().or(run.commit) {
        Some(c) => c,
        // Only a recorded row needs to say which commit it measured.
        None if args.record.is_none() => "this run".to_string(),
        None => bail!(
            "{} names no commit: give the commit it measured with --commit",
            from.display()
        ),
    };
    let who = Provenance {
        date: run.date.unwrap_or_else(now),
        commit,
        cores: run.cores.unwrap_or_else(cores),
        cpu_model: bench::cpu_model(),
    };
    Ok(HistoryRow::from_rows(&run.rows, who)?)
}

/// A bench run, printed as asked; its history row.
fn measured(args: &Args, quiet: bool) -> anyhow::Result<HistoryRow> {
    let (dir, _scratch) = match &args.keep {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
            (d.clone(), None)
        }
        None => {
            let (scratch, swept) = Scratch::create(&std::env::temp_dir())?;
            for d in swept.iter().filter(|_| !quiet) {
                eprintln!(
                    "bench: removed {}, the scratch directory of a bench that was killed",
                    d.display()
                );
            }
            (scratch.dir().to_path_buf(), Some(scratch))
        }
    };
    if let Some(factor) = args.test_slow_ingest {
        eprintln!(
            "bench: TEST HOOK --test-slow-ingest {factor}: end_to_end is slowed on purpose; \
             these figures measure nothing"
        );
    }
    let peer = resolve_peer(args)?;
    let cfg = BenchConfig {
        mb: args.mb,
        threads: args.threads.clone(),
        seed: args.seed,
        dir,
        peer,
        slow_ingest: args.test_slow_ingest,
    };
    let exe = std::env::current_exe().context("cannot find the igf-lens binary to run phases")?;
    let mut exec = |phase: Phase, pc: &PhaseConfig| spawn_phase(&exe, phase, pc);
    let mut log = |line: &str| {
        if !quiet {
            eprintln!("bench: {line}");
        }
    };
    let report = bench::run(&cfg, &mut exec, &mut log)?;
    let text = match args.format {
        Format::Csv => bench::render_csv(&report.rows),
        Format::Table => bench::render_table(&report, cores()),
    };
    std::io::stdout().write_all(text.as_bytes())?;
    let who = Provenance {
        date: now(),
        commit: args.commit.clone().unwrap_or_else(git_commit),
        cores: cores(),
        cpu_model: bench::cpu_model(),
    };
    Ok(HistoryRow::from_rows(&report.rows, who)?)
}

/// The peer to time: `--peer PATH` (which must exist), else `tantivy` on PATH, else none (said
/// on stderr, so a run without a peer is never mistaken for one with it).
fn resolve_peer(args: &Args) -> anyhow::Result<Option<PathBuf>> {
    if args.no_peer {
        return Ok(None);
    }
    if let Some(p) = &args.peer {
        let found = if p.components().count() == 1 {
            on_path(&p.to_string_lossy())
        } else {
            Some(p.clone())
        };
        return match found.filter(|f| f.is_file()) {
            Some(f) => Ok(Some(std::path::absolute(&f).unwrap_or(f))),
            None => bail!("--peer {}: no such file", p.display()),
        };
    }
    let found = on_path("tantivy");
    if found.is_none() {
        eprintln!(
            "bench: no peer: `tantivy` (tantivy-cli) is not on PATH and --peer was not given; \
             the run goes on without the peer row (`cargo install tantivy-cli`, or --no-peer)"
        );
    }
    Ok(found)
}

/// `name` in a directory of `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    bench::utc_timestamp(secs)
}

/// Removes a temporary working directory when the run ends, however it ends.
fn run_child(phase: &str, args: &Args) -> anyhow::Result<i32> {
    let phase = Phase::parse(phase).with_context(|| format!("unknown bench phase {phase:?}"))?;
    let cfg = PhaseConfig {
        corpus: args.corpus.clone().context("--child needs --corpus")?,
        index: args.index.clone().context("--child needs --index")?,
        threads: args.threads.first().copied().unwrap_or(1),
        memory_budget: args.budget.context("--child needs --budget")?,
        peer: args.peer.clone(),
        slow_ingest: args.test_slow_ingest,
    };
    // N threads means N cores: the phase and every thread tantivy starts share them.
    bench::pin_to_cores(cfg.threads);
    let result = bench::run_phase(phase, &cfg)
        .with_context(|| format!("bench phase {} failed", phase.as_str()))?;
    println!("{}", serde_json::to_string(&result)?);
    Ok(0)
}

fn spawn_phase(exe: &Path, phase: Phase, pc: &PhaseConfig) -> igf_lens::Result<PhaseResult> {
    let mut cmd = Command::new(exe);
    cmd.arg("--quiet")
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
        .arg(pc.memory_budget.to_string());
    if let (Phase::Peer, Some(peer)) = (phase, &pc.peer) {
        cmd.arg("--peer").arg(peer);
    }
    if let (Phase::Ingest, Some(factor)) = (phase, pc.slow_ingest) {
        cmd.arg("--test-slow-ingest").arg(factor.to_string());
    }
    let out = cmd
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
