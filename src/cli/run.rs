//! `igf-lens run`: the main job. Ingests `data/` (or the paths given) into `index/`, then writes
//! the CSV summaries and their manifest to `out/`, and prints what happened.

use super::export::ExportCommand;
use super::global::Global;
use super::ingest::ingest_and_report;
use std::path::PathBuf;

/// Arguments of `igf-lens run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to ingest, and how (the arguments of `ingest`).
    #[command(flatten)]
    pub ingest: super::ingest::Args,
    /// Directory for the CSV summaries and manifest.json.
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Start every CSV file with a UTF-8 BOM so spreadsheets read accents right.
    #[arg(long)]
    pub excel: bool,
}

/// Runs `igf-lens run`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let cfg = ingest_and_report(args.ingest.paths, &args.ingest.opts, g)?;
    if crate::index::Reader::open(&cfg.index_dir)?.num_passages() == 0 {
        let inputs: Vec<String> = cfg.inputs.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!(
            "the index {} holds no passages, so there is nothing to summarise: put transcripts (`>> SPEAKER:` turns) and session pages in {} (or name other files: igf-lens run PATH...) and run again",
            cfg.index_dir.display(),
            inputs.join(", ")
        );
    }
    let export = super::export::Args {
        command: ExportCommand::Summary {
            index: cfg.index_dir.clone(),
            out: args.out,
            excel: args.excel,
            registry: args.ingest.opts.registry.clone(),
        },
    };
    super::export::run(export, g)
}
