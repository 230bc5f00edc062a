//! `igf-lens code`: records a person's decision on a passage's tags in the codes file and
//! applies it to the index at once (see [`crate::codes`] and [`crate::pipeline::corrections`]).
//!
//! Input: a passage id and one change (`--add THEME:POLARITY`, `--remove THEME`, `--polarity
//! THEME:POLARITY`). Output on stdout: the decision, the codes file written and the passage's
//! tags as now indexed.

use super::global::Global;
use crate::codes::DEFAULT_CODES;
use crate::model::Polarity;
use crate::pipeline::codes_files::last_codes_file;
use crate::pipeline::{record_code, Change, CodeRequest};
use std::path::PathBuf;

/// Arguments of `igf-lens code`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("change").required(true).args(["add", "remove", "polarity"])))]
pub struct Args {
    /// The passage id (the `passage_id` of `search --format json` or of passages.csv).
    #[arg(value_name = "PASSAGE_ID")]
    pub passage_id: u64,
    /// The passage carries this theme with this polarity (e.g. scope:risk).
    #[arg(long, value_name = "THEME:POLARITY", value_parser = theme_polarity)]
    pub add: Option<(String, Polarity)>,
    /// The passage does not carry this theme.
    #[arg(long, value_name = "THEME")]
    pub remove: Option<String>,
    /// The theme the passage carries has this polarity instead.
    #[arg(long, value_name = "THEME:POLARITY", value_parser = theme_polarity)]
    pub polarity: Option<(String, Polarity)>,
    /// Why (kept in the codes file).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,
    /// Who decides (kept in the codes file and shown as the tag's coder).
    #[arg(long, value_name = "NAME", default_value = "")]
    pub coder: String,
    #[command(flatten)]
    pub on: CodedIndex,
    /// Wait for a running ingest instead of exiting with code 75.
    #[arg(long)]
    pub wait: bool,
}

/// `THEME:POLARITY`, the polarity `risk` or `opportunity`.
fn theme_polarity(s: &str) -> Result<(String, Polarity), String> {
    let (theme, pol) = s
        .split_once(':')
        .ok_or_else(|| format!("{s:?} is not THEME:POLARITY (e.g. scope:risk)"))?;
    let pol = Polarity::parse(pol)
        .ok_or_else(|| format!("unknown polarity {pol:?}: valid values are risk, opportunity"))?;
    Ok((theme.trim().to_string(), pol))
}

/// The codes file, the index it codes and the taxonomy its themes come from: the arguments
/// `code` and `agreement` share.
#[derive(Debug, clap::Args)]
pub struct CodedIndex {
    /// Codes file (as `igf-lens code` writes it; `code` creates it when missing). Default: for
    /// `code`, the last codes file the index was built with (its `--codes` file, if any); for
    /// `agreement`, every one of them, merged as the ingest applied them; else data/codes.csv.
    #[arg(long, value_name = "FILE")]
    pub codes: Option<PathBuf>,
    /// Index directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// Theme taxonomy (TOML), instead of the built-in data/themes.toml: the one the index was
    /// built with.
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
}

impl CodedIndex {
    /// The codes file: `--codes`, else the last one the index's manifest records (from here),
    /// else [`DEFAULT_CODES`].
    pub fn codes_file(&self) -> PathBuf {
        self.codes
            .clone()
            .or_else(|| last_codes_file(&self.index))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CODES))
    }
}

/// Runs `igf-lens code`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let change = match (args.add, args.remove, args.polarity) {
        (Some((t, p)), _, _) => Change::Add(t, p),
        (_, Some(t), _) => Change::Remove(t.trim().to_string()),
        (_, _, Some((t, p))) => Change::Polarity(t, p),
        _ => anyhow::bail!(
            "give one of --add THEME:POLARITY, --remove THEME, --polarity THEME:POLARITY"
        ),
    };
    let taxonomy = crate::tag::load_taxonomy(args.on.themes.as_deref())?;
    let codes_file = args.on.codes_file();
    let coded = record_code(
        &CodeRequest {
            index_dir: &args.on.index,
            codes_file: &codes_file,
            passage_id: args.passage_id,
            change,
            coder: &args.coder,
            note: &args.note,
            wait: args.wait,
            quiet: g.quiet,
        },
        &taxonomy,
    )?;
    if !coded.remembered {
        super::ingest::warn(&format!(
            "the index {} has no manifest (or one that does not parse) to record {} in: give the next ingest --codes {}",
            args.on.index.display(),
            codes_file.display(),
            codes_file.display()
        ));
    }
    let tags: Vec<String> = coded.record.tags.iter().map(|t| t.label()).collect();
    println!(
        "{} {} {} -> {}\n  themes: {}",
        args.passage_id,
        coded.code.theme,
        coded.code.decision.as_str(),
        codes_file.display(),
        if tags.is_empty() {
            "none".to_string()
        } else {
            tags.join(", ")
        }
    );
    Ok(0)
}
