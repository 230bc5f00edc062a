//! `igf-lens train`: trains the learned model on a gold set and writes it as a data file.
//!
//! Input: a gold CSV (`id,text,labels`, see `eval`), the taxonomy (`--themes`), training
//! settings, and optionally `--select-on GOLD2.csv`, a second gold set on which, per theme, the
//! model is kept only where it beats the dictionary (aggregate figures only). Output: the model
//! file (`-o`, default `model.tsv`), and on stdout the cross-validated figures of the dictionary
//! and of the model per theme, the selection, and with `--explain` the top-weighted features
//! of each head. No index is read or written.

use super::bounds::MAX_PENALTIES;
use super::global::Global;
use crate::tag::eval::{check_labels, load_gold, load_gold_files, Report};
use crate::tag::learned::train::{select, train, Selection, TrainOptions};
use crate::tag::learned::{HeadKind, Model, Source};
use crate::tag::{load_taxonomy, Tagger};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `igf-lens train`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Gold sets to train on, taken together: CSV with header id,text,labels (labels as
    /// theme:polarity joined by `;`, `procedural`, or empty).
    #[arg(value_name = "GOLD.csv", required = true, num_args = 1..)]
    pub gold: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE", default_value = "model.tsv")]
    pub out: PathBuf,
    /// Taxonomy whose dictionary hits are features (default: the embedded data/themes.toml).
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
    /// A second gold set: per theme, the model decides presence (and polarity) only where it
    /// does better than the dictionary there. Only aggregate figures are read from it.
    #[arg(long, value_name = "GOLD.csv")]
    pub select_on: Option<PathBuf>,
    /// Folds of the cross-validation.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(2..=20))]
    pub folds: u16,
    /// L2 penalties to try, comma-separated; each head takes the one that cross-validates best.
    #[arg(long, value_delimiter = ',', default_value = "0.3,1,3,10")]
    pub l2: Vec<f32>,
    /// A word or bigram becomes a feature when at least this many training passages have it.
    #[arg(long, default_value_t = 2)]
    pub min_df: usize,
    /// Words only, no bigrams.
    #[arg(long)]
    pub no_bigrams: bool,
    /// Gradient steps per fit (1 to 10000).
    #[arg(long, default_value_t = 300, value_parser = super::bounds::steps)]
    pub steps: usize,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 17)]
    pub seed: u64,
    /// Also print the N features with the largest weights (either sign) of each head.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "10")]
    pub explain: Option<usize>,
}

/// Runs `igf-lens train`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let taxonomy = load_taxonomy(args.themes.as_deref())?;
    let dict = Tagger::new(&taxonomy);
    let gold = load_gold_files(&args.gold)?;
    for p in &args.gold {
        check_labels(&load_gold(p)?, &dict, p)?;
    }
    let names: Vec<String> = args.gold.iter().map(|p| p.display().to_string()).collect();
    let names = names.join(" ");
    if args.l2.iter().any(|x| !x.is_finite() || *x < 0.0) {
        anyhow::bail!("--l2 takes penalties of 0 or more, e.g. 0.3,1,3");
    }
    if args.l2.len() > MAX_PENALTIES {
        anyhow::bail!(
            "--l2 takes at most {MAX_PENALTIES} penalties (each one is cross-validated for \
             every head), and {} were given: keep the ones worth trying, e.g. 0.3,1,3,10",
            args.l2.len()
        );
    }
    let opts = TrainOptions {
        folds: usize::from(args.folds),
        l2: args.l2.clone(),
        min_df: args.min_df.max(1),
        bigrams: !args.no_bigrams,
        steps: args.steps,
        seed: args.seed,
        trained: format!("{names} ({} passages)", gold.len()),
    };
    let trained = train(&dict, &gold, &opts)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    writeln!(
        out,
        "cross-validated on {} ({} passages, {} folds): dictionary against model",
        names,
        gold.len(),
        opts.folds
    )?;
    write_pair(&mut out, &trained.cv_dictionary, &trained.cv_model)?;
    writeln!(out, "\npenalty per head (cross-validated log loss):")?;
    for (kind, chosen, losses) in &trained.penalties {
        let tried: Vec<String> = losses
            .iter()
            .map(|(l2, loss)| format!("{l2}: {loss:.4}"))
            .collect();
        let name = trained.model.head_name(*kind);
        writeln!(out, "  {name:<32} l2 {chosen:<5} ({})", tried.join(", "))?;
    }
    let mut model = trained.model;
    if let Some(path) = &args.select_on {
        let other = load_gold(path)?;
        check_labels(&other, &dict, path)?;
        let (selected, sel) = select(&dict, &model, &other)?;
        writeln!(
            out,
            "\nselection on {} ({} passages, aggregate figures per theme):",
            path.display(),
            other.len()
        )?;
        write_selection(&mut out, &sel)?;
        model = selected;
    }
    if let Some(n) = args.explain {
        write_explain(&mut out, &model, n)?;
    }
    out.flush()?;
    let comment = format!(
        "igf-lens learned model: logistic regressions over stemmed words, bigrams and the dictionary's hits.\ntrained by `igf-lens train {}`{}; taxonomy {}.",
        names,
        args.select_on
            .as_ref()
            .map_or(String::new(), |p| format!(" --select-on {}", p.display())),
        taxonomy.version()
    );
    let text = model.to_text(&comment);
    crate::disk::write_bytes(&args.out, text.as_bytes())?;
    if !g.quiet {
        eprintln!(
            "igf-lens: wrote {} (model {}, {} features, {} heads)",
            args.out.display(),
            crate::tag::learned::weights::version_of(&text),
            model.weights().len(),
            model.heads().len()
        );
    }
    Ok(0)
}

/// Per theme: the dictionary's and the model's F1 and polarity, then micro, macro, polarity
/// and procedural rows.
fn write_pair(out: &mut impl Write, a: &Report, b: &Report) -> std::io::Result<()> {
    let pol = |x: Option<f64>| x.map_or("-".to_string(), |p| format!("{p:.3}"));
    writeln!(
        out,
        "{:<22} {:>8} {:>8} {:>9} {:>9} {:>8}",
        "theme", "dict f1", "model f1", "dict pol", "model pol", "support"
    )?;
    for (x, y) in a.themes.iter().zip(&b.themes) {
        writeln!(
            out,
            "{:<22} {:>8.3} {:>8.3} {:>9} {:>9} {:>8}",
            x.theme,
            x.f1,
            y.f1,
            pol(x.polarity_accuracy()),
            pol(y.polarity_accuracy()),
            x.support
        )?;
    }
    for (name, x, y) in [
        ("micro precision", a.micro_precision, b.micro_precision),
        ("micro recall", a.micro_recall, b.micro_recall),
        ("micro f1", a.micro_f1, b.micro_f1),
        ("macro f1", a.macro_f1, b.macro_f1),
        (
            "polarity accuracy",
            a.polarity_accuracy,
            b.polarity_accuracy,
        ),
        ("procedural f1", a.procedural.f1, b.procedural.f1),
    ] {
        writeln!(out, "{name:<22} {x:>8.3} {y:>8.3}")?;
    }
    Ok(())
}

fn write_selection(out: &mut impl Write, s: &Selection) -> std::io::Result<()> {
    let (used, without, with) = s.procedural;
    writeln!(
        out,
        "  procedural head: micro F1 {without:.3} without, {with:.3} with: {}",
        if used { "used" } else { "not used" }
    )?;
    let pol = |x: Option<f64>| x.map_or("-".to_string(), |p| format!("{p:.3}"));
    writeln!(
        out,
        "  {:<22} {:>8} {:>8} {:<11} {:>9} {:>9} {:<10}",
        "theme", "dict f1", "model f1", "presence", "dict pol", "model pol", "polarity"
    )?;
    for (p, q) in s.presence.iter().zip(&s.polarity) {
        writeln!(
            out,
            "  {:<22} {:>8.3} {:>8.3} {:<11} {:>9} {:>9} {:<10}",
            p.0,
            p.1,
            p.2,
            p.3.as_str(),
            pol(q.1),
            pol(q.2),
            q.3.as_str()
        )?;
    }
    writeln!(out, "  dictionary alone, then as selected:")?;
    write_pair(out, &s.before, &s.after)
}

fn write_explain(out: &mut impl Write, model: &Model, n: usize) -> std::io::Result<()> {
    for (h, head) in model.heads().iter().enumerate() {
        let name = model.head_name(head.kind);
        let used = match (head.kind, head.source) {
            (HeadKind::Polarity, _) => String::new(),
            (_, Source::Model) => " (used)".into(),
            (_, Source::Dictionary) => " (not used: the dictionary decides)".into(),
        };
        writeln!(
            out,
            "\n{name}{used}: bias {:.3}, threshold {:.2}",
            head.bias, head.threshold
        )?;
        for (f, w) in model.top_features(h, n) {
            writeln!(out, "  {w:>8.3}  {f}")?;
        }
    }
    Ok(())
}
