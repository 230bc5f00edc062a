//! `igf-lens man [-o DIR]`: man pages generated from the clap tree (roff). Without `-o`, the
//! page of `igf-lens` itself goes to stdout (`igf-lens man | man -l -`); with `-o DIR`, one page
//! per command and subcommand is written there (`igf-lens.1`, `igf-lens-search.1`,
//! `igf-lens-export-qdpx.1`, …). The clap tree is handed in by [`super::run()`], which owns it.

use super::global::Global;
use crate::export;
use anyhow::Context;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `igf-lens man`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directory to write every page into (created when missing); default: the main page on
    /// stdout.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Every man page of the command tree `cmd`: (file name, roff), the main page first, then each
/// subcommand's, depth first.
pub fn man_pages(cmd: clap::Command) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, Vec<u8>)>) -> std::io::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut page = Vec::new();
        man.render(&mut page)?;
        out.push((man.get_filename(), page));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub.clone(), out)?;
        }
        Ok(())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out)?;
    Ok(out)
}

/// Runs `igf-lens man` for the command tree `cmd` (`Cli::command()`).
pub fn run(args: Args, cmd: clap::Command, g: Global) -> anyhow::Result<i32> {
    let pages = man_pages(cmd).context("cannot render the man pages")?;
    match &args.out {
        None => {
            let mut stdout = std::io::stdout().lock();
            if let Some((_, page)) = pages.first() {
                stdout.write_all(page)?;
            }
            stdout.flush()?;
        }
        Some(dir) => {
            for (name, page) in &pages {
                export::write_bytes(&dir.join(name), page).with_context(|| {
                    format!("cannot write the man pages into {}", dir.display())
                })?;
            }
            if !g.quiet {
                eprintln!(
                    "igf-lens: wrote {} man pages into {}",
                    pages.len(),
                    dir.display()
                );
            }
        }
    }
    Ok(0)
}
