//! `igf-lens completions SHELL`: the shell completion script for bash, zsh, fish, PowerShell
//! or elvish on stdout, generated from the clap tree (so it always knows every subcommand,
//! flag and value). The tree is handed in by [`super::run()`], which owns it.

use super::global::Global;
use clap_complete::Shell;
use std::io::Write;

/// Arguments of `igf-lens completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete in: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

/// The completion script of the command tree `cmd` for `shell`.
pub fn completion_script(mut cmd: clap::Command, shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "igf-lens", &mut out);
    out
}

/// Runs `igf-lens completions` for the command tree `cmd` (`Cli::command()`).
pub fn run(args: Args, cmd: clap::Command, _g: Global) -> anyhow::Result<i32> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&completion_script(cmd, args.shell))?;
    stdout.flush()?;
    Ok(0)
}
