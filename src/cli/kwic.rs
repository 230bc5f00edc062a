//! `igf-lens kwic`.

use super::Global;

/// Arguments of `igf-lens kwic`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens kwic`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens kwic` is not available yet")
}
