//! `igf-lens themes`.

use super::Global;

/// Arguments of `igf-lens themes`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens themes`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens themes` is not available yet")
}
