//! `igf-lens export`.

use super::Global;

/// Arguments of `igf-lens export`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens export`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens export` is not available yet")
}
