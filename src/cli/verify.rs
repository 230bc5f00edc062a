//! `igf-lens verify`: check an index's segments, stored passages and manifest, print one line
//! per finding and a verdict.
//!
//! Exit code 0 when the index is sound (warnings about changed or deleted source files
//! included), 2 when it is damaged, with the command that rebuilds it on stderr. The findings
//! and the verdict are the command's output, on stdout.

use super::global::Global;
use crate::index::Level;
use crate::pipeline;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `igf-lens verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Index directory. The source files its manifest lists are looked up as ingest named
    /// them: relative paths from the current directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
}

/// Runs `igf-lens verify`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let v = pipeline::verify(&args.index)?;
    let dir = args.index.display();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for f in &v.findings {
        if g.quiet && f.level == Level::Ok {
            continue;
        }
        writeln!(
            out,
            "{}: {}",
            f.level.as_str(),
            crate::export::for_terminal(&f.message)
        )?;
    }
    let warnings = v.count(Level::Warning);
    if v.is_sound() {
        write!(
            out,
            "verdict: sound: {} passage(s) in {} segment(s) at {dir}",
            v.passages, v.segments
        )?;
        if warnings > 0 {
            write!(
                out,
                "; {warnings} warning(s): the index is out of date with its source files, see above"
            )?;
        }
        writeln!(out)?;
        out.flush()?;
        return Ok(0);
    }
    writeln!(
        out,
        "verdict: damaged: {} problem(s) at {dir}",
        v.count(Level::Damaged)
    )?;
    out.flush()?;
    let rebuild = pipeline::manifest::ingest_hint(&args.index, Some("--rebuild"));
    eprintln!(
        "igf-lens: the index at {dir} is damaged: rebuild it from the source files with {}",
        crate::export::for_terminal(&rebuild)
    );
    Ok(2)
}
