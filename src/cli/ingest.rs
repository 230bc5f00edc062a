//! `igf-lens ingest`.

use super::Global;

/// Arguments of `igf-lens ingest`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens ingest`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens ingest` is not available yet")
}
