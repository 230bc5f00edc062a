//! `igf-lens report`: one self-contained HTML file (inline SVG charts, no network) with the
//! corpus overview, the stakeholder × theme heatmap, theme bars per session, the top excerpts
//! per theme and the unresolved speakers.

use super::global::Global;
use crate::export;
use crate::index::Reader;
use anyhow::Context;
use std::path::PathBuf;

/// Arguments of `igf-lens report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Index directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE", default_value = "report.html")]
    pub out: PathBuf,
}

/// Runs `igf-lens report`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let records = Reader::open(&args.index)?
        .all()
        .with_context(|| format!("cannot read the passages of {}", args.index.display()))?;
    export::write_report(&records, &args.out)
        .with_context(|| format!("cannot write the report {}", args.out.display()))?;
    if !g.quiet {
        eprintln!(
            "igf-lens: wrote {} ({} passages)",
            args.out.display(),
            records.len()
        );
    }
    Ok(0)
}
