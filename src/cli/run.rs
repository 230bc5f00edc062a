//! `igf-lens run`: the main job. Ingests `data/` (or the paths given) into `index/`, then writes
//! the CSV summaries and their manifest to `out/`, and prints what happened.

use super::export::ExportCommand;
use super::global::Global;
use super::ingest::{print_report, IngestOpts};
use crate::pipeline;
use std::path::PathBuf;

/// Arguments of `igf-lens run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to read. Default: data/ (the sample corpus).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub opts: IngestOpts,
    /// Directory for the CSV summaries and manifest.json.
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Start every CSV file with a UTF-8 BOM so spreadsheets read accents right.
    #[arg(long)]
    pub excel: bool,
}

/// Runs `igf-lens run`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let inputs = if args.paths.is_empty() {
        vec![PathBuf::from("data")]
    } else {
        args.paths
    };
    let cfg = args.opts.config(inputs, g.quiet);
    let report = pipeline::ingest(&cfg)?;
    print_report(&report, &cfg.index_dir, g.quiet);
    let export = super::export::Args {
        command: ExportCommand::Summary {
            index: cfg.index_dir.clone(),
            out: args.out,
            excel: args.excel,
            registry: args.opts.registry.clone(),
        },
    };
    super::export::run(export, g)
}
