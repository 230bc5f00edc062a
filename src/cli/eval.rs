//! `igf-lens eval`.

use super::Global;

/// Arguments of `igf-lens eval`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens eval`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens eval` is not available yet")
}
