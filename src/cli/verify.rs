//! `igf-lens verify`.

use super::Global;

/// Arguments of `igf-lens verify`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens verify`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens verify` is not available yet")
}
