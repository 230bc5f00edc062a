//! `igf-lens synth` and `igf-lens bench`: the dev tools live in the `igf-lens-devtools` crate
//! (so the core carries no benchmark, `/proc` parsing or corpus generator), and these two
//! subcommands run its binary with the same arguments, as `cargo foo` runs `cargo-foo`.
//!
//! The binary is looked for beside `igf-lens` (where `cargo build` puts both), then on `PATH`.
//! Its exit code is this command's; `--help` after the subcommand shows its own help.

use super::global::Global;
use anyhow::Context;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The binary that implements `synth` and `bench`.
pub const DEVTOOLS: &str = "igf-lens-devtools";

/// Arguments handed to `igf-lens-devtools` unchanged.
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct Args {
    /// Arguments of the tool (`--help` lists them).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<OsString>,
}

/// Runs `igf-lens-devtools TOOL ARGS…` and returns its exit code.
pub fn run(tool: &str, args: Args, g: Global) -> anyhow::Result<i32> {
    let exe = find().with_context(|| {
        format!(
            "`igf-lens {tool}` needs the {DEVTOOLS} binary beside igf-lens or on PATH: build it \
             with `cargo build --release` at the top of the repository (it builds both)"
        )
    })?;
    let mut cmd = Command::new(&exe);
    if g.quiet {
        cmd.arg("--quiet");
    }
    let status = cmd
        .arg(tool)
        .args(&args.args)
        .status()
        .with_context(|| format!("cannot run {}", exe.display()))?;
    Ok(status.code().unwrap_or(2))
}

/// `igf-lens-devtools` beside the running binary, else on `PATH`.
fn find() -> Option<PathBuf> {
    let name = format!("{DEVTOOLS}{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&name)));
    let on_path = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .map(|dir| dir.join(&name))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    beside.into_iter().chain(on_path).find(|p| is_file(p))
}

fn is_file(p: &Path) -> bool {
    p.metadata().is_ok_and(|m| m.is_file())
}
