//! `igf-lens show`.

use super::Global;

/// Arguments of `igf-lens show`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens show`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens show` is not available yet")
}
