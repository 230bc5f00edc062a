//! `igf-lens speakers`.

use super::Global;

/// Arguments of `igf-lens speakers`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens speakers`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens speakers` is not available yet")
}
