//! `igf-lens agreement`: per theme, how far the automatic tagger agrees with a person's codes
//! (Cohen's kappa, Krippendorff's alpha; see [`crate::codes::agreement`]).
//!
//! Input: the codes (`--codes FILE`, else every codes file the index was built with) and the
//! index (to find the coded passages' text). Output on stdout: a
//! table, or with `--format json` one JSON object.

use super::code::CodedIndex;
use super::global::Global;
use super::model::ModelArgs;
use super::tag::Format;
use crate::codes::agreement::{agreement, ThemeAgreement};
use crate::codes::Codes;
use crate::pipeline::codes_files::recorded_codes_files;
use crate::pipeline::corrections::coded_passages;
use std::io::{BufWriter, Write};

/// Arguments of `igf-lens agreement`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub on: CodedIndex,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Runs `igf-lens agreement`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = g;
    let taxonomy = crate::tag::load_taxonomy(args.on.themes.as_deref())?;
    let tagger = crate::tag::load_tagger(&taxonomy, &args.model.choice())?;
    let codes = load_codes(&args.on)?;
    let (coded, unmatched) = coded_passages(&args.on.index, &codes, &taxonomy)?;
    let rows = agreement(&coded, &tagger);
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            let v = serde_json::json!({
                "passages": coded.len(),
                "unmatched_codes": unmatched,
                "themes": rows,
            });
            writeln!(out, "{v}")?;
        }
        Format::Table => write_table(&mut out, &rows, coded.len(), unmatched)?,
    }
    out.flush()?;
    Ok(0)
}

/// The codes to compare with: `--codes FILE`, else every codes file the index's manifest records
/// (merged in the order the last ingest read them, as the index applied them), else
/// `data/codes.csv`.
fn load_codes(on: &CodedIndex) -> anyhow::Result<Codes> {
    let files = match &on.codes {
        Some(file) => vec![file.clone()],
        None => {
            let recorded = recorded_codes_files(&on.index);
            if recorded.is_empty() {
                vec![on.codes_file()]
            } else {
                recorded
            }
        }
    };
    let mut codes = Codes::default();
    for file in &files {
        if !file.exists() {
            anyhow::bail!(
                "{}: no codes file there yet: record a person's decisions with `igf-lens code \
                 PASSAGE_ID --add THEME:POLARITY` (it writes that file), or give the file with \
                 --codes FILE",
                file.display()
            );
        }
        codes.extend(Codes::load(file)?);
    }
    Ok(codes)
}

fn write_table(
    out: &mut impl Write,
    rows: &[ThemeAgreement],
    passages: usize,
    unmatched: usize,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{passages} coded passages; {unmatched} codes matched no passage\n"
    )?;
    writeln!(
        out,
        "{:<22} {:>8} {:>7} {:>7} {:>7}",
        "theme", "passages", "agreed", "kappa", "alpha"
    )?;
    let num = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.3}"));
    for r in rows {
        writeln!(
            out,
            "{:<22} {:>8} {:>7} {:>7} {:>7}",
            r.theme,
            r.passages,
            r.agreed,
            num(r.kappa),
            num(r.alpha)
        )?;
    }
    Ok(())
}
