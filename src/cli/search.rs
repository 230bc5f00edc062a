//! `igf-lens search`.

use super::Global;

/// Arguments of `igf-lens search`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens search`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens search` is not available yet")
}
