//! `igf-lens eval`: scores a taxonomy against a hand-labelled gold set.
//!
//! Input: a CSV file `id,text,labels` (see [`crate::tag::eval`]), or `--codes FILE` with
//! `--index DIR` (a person's codes as the gold set, over the coded passages and themes only; see
//! [`crate::codes::agreement::gold`]), and optionally `--themes FILE`.
//! Output on stdout: a table per theme (precision, recall, F1, support, polarity accuracy) with
//! micro and macro rows, or with `--format json` one JSON object; `--errors` adds every mistake
//! with the evidence the tagger had.

use super::global::Global;
use super::model::ModelArgs;
use super::tag::Format;
use crate::export::for_terminal;
use crate::pipeline::corrections::coded_passages;
use crate::tag::eval::{check_labels, evaluate, load_gold, score, MistakeKind, Report};
use crate::tag::{load_tagger, load_taxonomy};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `igf-lens eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Gold set: CSV with header id,text,labels (labels as theme:polarity joined by `;`).
    #[arg(
        value_name = "GOLD.csv",
        required_unless_present = "codes",
        conflicts_with = "codes"
    )]
    pub gold: Option<PathBuf>,
    /// Take the gold set from a codes file (as `igf-lens code` writes it): the coded passages of
    /// the index, scored on the themes coded on each.
    #[arg(long, value_name = "FILE")]
    pub codes: Option<PathBuf>,
    /// Index directory holding the coded passages (with --codes).
    #[arg(
        short,
        long,
        value_name = "DIR",
        default_value = "index",
        requires = "codes"
    )]
    pub index: PathBuf,
    /// Taxonomy file to evaluate instead of the embedded data/themes.toml.
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also list every mistake (missed theme, extra theme, wrong polarity) with its evidence.
    #[arg(long)]
    pub errors: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Runs `igf-lens eval`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let _ = g;
    let taxonomy = load_taxonomy(args.themes.as_deref())?;
    let tagger = load_tagger(&taxonomy, &args.model.choice())?;
    let report = match (&args.gold, &args.codes) {
        (Some(path), _) => {
            let gold = load_gold(path)?;
            check_labels(&gold, &tagger, path)?;
            evaluate(&tagger, &gold)
        }
        (None, Some(path)) => {
            let codes = crate::codes::Codes::load(path)?;
            let (coded, unmatched) = coded_passages(&args.index, &codes, &taxonomy)?;
            if coded.is_empty() {
                anyhow::bail!(
                    "{}: no coded passage is in the index at {} ({unmatched} code(s) match none of \
                     its passages): nothing to evaluate. Give the --index the codes were made on, \
                     or code passages with `igf-lens code PASSAGE_ID --add THEME:POLARITY`",
                    path.display(),
                    args.index.display()
                );
            }
            let (gold, predicted) = crate::codes::agreement::gold(&coded, &tagger);
            score(&tagger, &gold, &predicted)
        }
        (None, None) => anyhow::bail!("give a gold set GOLD.csv or --codes FILE"),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            let mut v = report.to_json();
            if args.errors {
                v["mistakes"] = serde_json::to_value(&report.mistakes)?;
            }
            writeln!(out, "{v}")?;
        }
        Format::Table => {
            write_table(&mut out, &report, taxonomy.path().display().to_string())?;
            if args.errors {
                write_mistakes(&mut out, &report)?;
            }
        }
    }
    out.flush()?;
    Ok(0)
}

fn write_table(out: &mut impl Write, r: &Report, source: String) -> std::io::Result<()> {
    writeln!(
        out,
        "{} passages, taxonomy {} ({})\n",
        r.passages, r.taxonomy, source
    )?;
    writeln!(
        out,
        "{:<22} {:>9} {:>7} {:>6} {:>8} {:>10} {:>9}",
        "theme", "precision", "recall", "f1", "support", "predicted", "polarity"
    )?;
    for s in &r.themes {
        let pol = s
            .polarity_accuracy()
            .map_or("-".to_string(), |p| format!("{p:.3}"));
        writeln!(
            out,
            "{:<22} {:>9.3} {:>7.3} {:>6.3} {:>8} {:>10} {:>9}",
            s.theme, s.precision, s.recall, s.f1, s.support, s.predicted, pol
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<22} {:>9.3} {:>7.3} {:>6.3}",
        "micro", r.micro_precision, r.micro_recall, r.micro_f1
    )?;
    writeln!(
        out,
        "{:<22} {:>9} {:>7} {:>6.3}",
        "macro", "", "", r.macro_f1
    )?;
    writeln!(
        out,
        "{:<22} {:>9.3}",
        "polarity accuracy", r.polarity_accuracy
    )?;
    Ok(())
}

fn write_mistakes(out: &mut impl Write, r: &Report) -> std::io::Result<()> {
    writeln!(out, "\n{} mistakes:", r.mistakes.len())?;
    for m in &r.mistakes {
        let what = match m.kind {
            MistakeKind::Missed => format!(
                "missed {}:{}",
                m.theme,
                m.expected.map_or("", |p| p.as_str())
            ),
            MistakeKind::Extra => format!("extra {}:{}", m.theme, m.got.map_or("", |p| p.as_str())),
            MistakeKind::WrongPolarity => format!(
                "polarity {}: want {} got {}",
                m.theme,
                m.expected.map_or("", |p| p.as_str()),
                m.got.map_or("", |p| p.as_str())
            ),
        };
        writeln!(out, "{} (line {}) {what}", for_terminal(&m.id), m.line)?;
        if let Some(e) = &m.evidence {
            writeln!(out, "    {}", for_terminal(e))?;
        }
        writeln!(out, "    {}", for_terminal(&m.text))?;
    }
    Ok(())
}
