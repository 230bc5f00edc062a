//! `igf-lens bench`.

use super::Global;

/// Arguments of `igf-lens bench`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens bench`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens bench` is not available yet")
}
