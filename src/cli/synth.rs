//! `igf-lens synth`.

use super::Global;

/// Arguments of `igf-lens synth`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs `igf-lens synth`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = (args, g);
    anyhow::bail!("`igf-lens synth` is not available yet")
}
