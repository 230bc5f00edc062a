//! The `igf-lens-devtools` command line: `synth` and `bench`, each in its own file with its
//! `Args` and a `run`. `igf-lens synth …` and `igf-lens bench …` hand their arguments here.

use clap::{Parser, Subcommand};

pub mod bench;
mod bounds;
mod scratch;
pub mod synth;

/// igf-lens-devtools: the synthetic corpus and the benchmark of igf-lens.
#[derive(Debug, Parser)]
#[command(name = "igf-lens-devtools", version, about, max_term_width = 100)]
pub struct Cli {
    /// Print no progress and no summaries on stderr (warnings and errors still print).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a deterministic synthetic corpus.
    Synth(synth::Args),
    /// Measure ingest throughput against a tantivy-only baseline.
    Bench(Box<bench::Args>),
}

/// Runs the parsed command line; returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Synth(a) => synth::run(a, cli.quiet),
        Command::Bench(a) => bench::run(*a, cli.quiet),
    }
}
