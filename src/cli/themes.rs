//! `igf-lens themes`: list, check and grow a theme taxonomy.
//!
//! `list` prints the themes of a taxonomy (embedded or `--themes FILE`); `check FILE` validates
//! a taxonomy file and prints every problem with its line; `suggest --theme ID` ranks candidate
//! terms from the passages of an index by log-likelihood keyness; `import FILE` makes a skeleton
//! from a REFI-QDA codebook (see `qda.rs`). Output on stdout, problems on stderr.

use super::global::Global;
use super::tag::Format;
use crate::error::Error;
use crate::tag::suggest::{suggest, SuggestOptions};
use crate::tag::{load_taxonomy, Taxonomy};
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `igf-lens themes`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ThemesCommand,
}

/// The `themes` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ThemesCommand {
    /// List the themes: id, label, default polarity, threshold and term counts.
    List {
        /// Taxonomy file to list instead of the embedded data/themes.toml.
        #[arg(long, value_name = "FILE")]
        themes: Option<PathBuf>,
    },
    /// Validate a taxonomy file; prints every problem with its line (exit code 2 when any).
    Check {
        /// The taxonomy file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Suggest terms for a theme: words and two-word phrases far more frequent in the theme's
    /// passages than in the rest of the index (log-likelihood keyness).
    Suggest {
        /// The theme to grow (an id of the taxonomy).
        #[arg(long, value_name = "ID")]
        theme: String,
        /// The index to read.
        #[arg(short, long, value_name = "DIR", default_value = "index")]
        index: PathBuf,
        /// How many candidates to show.
        #[arg(short = 'n', long, value_name = "N", default_value_t = 20)]
        limit: usize,
        /// Minimum occurrences in the theme's passages.
        #[arg(long, value_name = "N", default_value_t = 3)]
        min_count: u64,
        /// Taxonomy whose terms are left out of the suggestions (default: the embedded one).
        #[arg(long, value_name = "FILE")]
        themes: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Turn a REFI-QDA codebook from another program (.qdc, or a project's project.qde) into a
    /// taxonomy skeleton: a theme per code with its id, label and description, and empty term
    /// lists to fill.
    Import(super::qda::ImportArgs),
}

/// Runs `igf-lens themes`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    match args.command {
        ThemesCommand::List { themes } => list(&load_taxonomy(themes.as_deref())?),
        ThemesCommand::Check { file } => check(&file, g),
        ThemesCommand::Import(a) => super::qda::run_import(a, g),
        ThemesCommand::Suggest {
            theme,
            index,
            limit,
            min_count,
            themes,
            format,
        } => {
            let taxonomy = load_taxonomy(themes.as_deref())?;
            let records = crate::index::Reader::open(&index)?
                .all()
                .with_context(|| format!("cannot read the passages of {}", index.display()))?;
            let opts = SuggestOptions {
                limit,
                min_count,
                phrases: true,
            };
            let found = suggest(&records, &theme, &taxonomy, opts)?;
            let mut out = BufWriter::new(std::io::stdout().lock());
            match format {
                Format::Json => {
                    for c in &found {
                        writeln!(out, "{}", serde_json::to_string(c)?)?;
                    }
                }
                Format::Table => {
                    writeln!(
                        out,
                        "{:<32} {:<24} {:>8} {:>9} {:>9}",
                        "candidate", "stem", "in theme", "elsewhere", "keyness"
                    )?;
                    for c in &found {
                        writeln!(
                            out,
                            "{:<32} {:<24} {:>8} {:>9} {:>9.1}",
                            c.surface, c.stem, c.in_theme, c.elsewhere, c.keyness
                        )?;
                    }
                }
            }
            out.flush()?;
            if found.is_empty() && !g.quiet {
                eprintln!("no candidate occurs {min_count} times or more in the theme's passages");
            }
            Ok(0)
        }
    }
}

fn list(tax: &Taxonomy) -> anyhow::Result<i32> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    writeln!(
        out,
        "taxonomy {} ({}): {} themes, {} global cues, {} global context terms, {} distinct \
         tokens\n",
        tax.version(),
        tax.path().display(),
        tax.themes().len(),
        tax.cues().len(),
        tax.context().len(),
        tax.vocabulary_len()
    )?;
    writeln!(
        out,
        "{:<22} {:<12} {:>9} {:>6} {:>8} {:>5}  label",
        "id", "default", "threshold", "terms", "context", "cues"
    )?;
    for t in tax.themes() {
        writeln!(
            out,
            "{:<22} {:<12} {:>9.2} {:>6} {:>8} {:>5}  {}",
            t.id(),
            t.default_polarity().as_str(),
            t.threshold(),
            t.terms().len(),
            t.context().len(),
            t.cues().len(),
            t.label()
        )?;
    }
    out.flush()?;
    Ok(0)
}

fn check(file: &std::path::Path, g: Global) -> anyhow::Result<i32> {
    let input =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = Error::utf8(file, Error::read_limited(input, file)?)?;
    match Taxonomy::check(&text, file) {
        Ok(tax) => {
            let terms: usize = tax.themes().iter().map(|t| t.terms().len()).sum();
            println!(
                "{}: ok, {} themes, {} terms, {} global cues, version {}",
                file.display(),
                tax.themes().len(),
                terms,
                tax.cues().len(),
                tax.version()
            );
            Ok(0)
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("igf-lens: {e}");
            }
            if !g.quiet {
                eprintln!("{} problem(s) in {}", errors.len(), file.display());
            }
            Ok(2)
        }
    }
}
