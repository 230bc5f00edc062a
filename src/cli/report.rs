//! `igf-lens report`.

use super::Global;

/// Arguments of `igf-lens report`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens report`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens report` is not available yet")
}
