//! `igf-lens tag`.

use super::Global;

/// Arguments of `igf-lens tag`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens tag`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens tag` is not available yet")
}
