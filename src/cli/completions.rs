//! `igf-lens completions SHELL`: the shell completion script for bash, zsh, fish, PowerShell
//! or elvish on stdout, generated from the clap tree (so it always knows every subcommand,
//! flag and value).

use super::{Cli, Global};
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;

/// Arguments of `igf-lens completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete in: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// The completion script for `shell`.
pub fn completion_script(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "igf-lens", &mut out);
    out
}

/// Runs `igf-lens completions`.
pub fn run(args: Args, _g: Global) -> anyhow::Result<i32> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&completion_script(args.shell))?;
    stdout.flush()?;
    Ok(0)
}
