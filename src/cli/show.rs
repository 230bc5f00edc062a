//! `igf-lens show`: one passage with the turns around it, under their speakers, and a
//! citation line, for quoting in context.

use super::global::Global;
use super::search::term_width;
use crate::export;
use crate::index::Reader;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `igf-lens show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The passage id (the `passage_id` of `search --format json` or of passages.csv).
    #[arg(value_name = "PASSAGE_ID")]
    pub passage_id: u64,
    /// Index directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// Number of turns to show before and after the passage's turn.
    #[arg(short = 'C', long, value_name = "N", default_value_t = 1, value_parser = super::bounds::count)]
    pub context: usize,
}

/// Runs `igf-lens show`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = g;
    let reader = Reader::open(&args.index)?;
    let Some(target) = reader.get(args.passage_id)? else {
        anyhow::bail!(
            "no passage {} in {}: take ids from the passage_id field of `igf-lens search --format json`",
            args.passage_id,
            args.index.display()
        );
    };
    let context = reader.turn_context(
        &target.session,
        target.turn,
        u32::try_from(args.context).unwrap_or(u32::MAX),
    )?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    out.write_all(export::render_context(&target, &context, term_width()).as_bytes())?;
    out.flush()?;
    Ok(0)
}
