//! `igf-lens run`.

use super::Global;

/// Arguments of `igf-lens run`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens run`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens run` is not available yet")
}
