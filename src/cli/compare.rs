//! `igf-lens compare`: the share of each group's passages (or words, or caption seconds) that
//! carry a theme, with 95 % intervals; with `--pairwise`, tests between every pair of groups;
//! with `--by year`, the Cochran–Armitage test for a trend.
//!
//! The population is every passage matching the query and filters (as `search` takes them);
//! `--theme` and `--polarity` do not filter it, they say which passages count as tagged.
//! Exit code 0 on success, 1 when no passage matches, 2 on errors. Data goes to stdout,
//! messages to stderr.

use super::global::Global;
use super::search::{every_match, FilterArgs, QueryArgs, ScopeArgs};
use crate::export::compare::{
    self, ClusterBy, CompareOptions, GroupBy, Outcome, Unit, DEFAULT_RESAMPLES, DEFAULT_SEED,
};
use crate::export::write_table;
use crate::index::{self, Filters, Reader};
use crate::model::slugify;
use crate::Error;
use std::io::{BufWriter, Write};

/// `compare`'s own help for the query and `--speaker`, which it declares with `search`'s
/// ([`QueryArgs`], [`ScopeArgs`]): here the query picks the population, it ranks nothing.
/// (`mut_args` keeps the arguments' order, which `mut_arg` would change for completions.)
fn own_help(arg: clap::Arg) -> clap::Arg {
    match arg.get_id().as_str() {
        "query" => {
            arg.help("Only passages matching this query (search syntax); absent: every passage")
        }
        "speaker" => arg.help("Only this speaker: the name or part of it"),
        _ => arg,
    }
}

/// `--by` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ByArg {
    /// Stakeholder group of the speaker.
    Stakeholder,
    /// UN regional group of the speaker.
    Region,
    /// Year of the session (adds the Cochran–Armitage trend test).
    Year,
    /// Session.
    Session,
    /// Speaker.
    Speaker,
}

/// `--unit` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitArg {
    /// Each passage counts once (interval: Wilson).
    Passages,
    /// Each passage counts its words (interval: bootstrap over passages).
    Words,
    /// Each passage counts its caption seconds; needs timed captions (interval: bootstrap over
    /// passages).
    Time,
}

/// `--cluster` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ClusterArg {
    /// Resample whole sessions.
    Session,
    /// Resample whole speakers.
    Speaker,
}

/// Output formats of `compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns, with the pairwise table and the trend line under the groups.
    Table,
    /// One JSON object with the groups, and the pairs and trend when asked.
    Json,
    /// One table: the groups, or the pairs with --pairwise, or the trend with --trend.
    Csv,
}

/// Arguments of `igf-lens compare`.
#[derive(Debug, clap::Args)]
#[command(mut_args(own_help))]
pub struct Args {
    #[command(flatten)]
    pub search: QueryArgs,
    /// What the groups are.
    #[arg(long, value_enum)]
    pub by: ByArg,
    /// The theme whose share is compared (e.g. human-rights); absent: any theme, i.e. the share
    /// of passages carrying at least one tag.
    #[arg(long, value_name = "ID")]
    pub theme: Option<String>,
    /// Count only tags of this polarity: risk or opportunity (absent: either).
    #[arg(long, value_name = "POLARITY")]
    pub polarity: Option<String>,
    /// What a unit is.
    #[arg(long, value_enum, default_value_t = UnitArg::Passages)]
    pub unit: UnitArg,
    /// Also compare every pair of groups: risk ratio with its interval, chi-square or Fisher's
    /// exact test, Holm-adjusted p-values (needs --unit passages).
    #[arg(long)]
    pub pairwise: bool,
    /// With --by year --format csv: print the trend test instead of the per-year rows.
    #[arg(long)]
    pub trend: bool,
    /// Add a cluster bootstrap interval that resamples whole sessions or speakers.
    #[arg(long, value_enum)]
    pub cluster: Option<ClusterArg>,
    /// Bootstrap resamples (100 to 100000).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_RESAMPLES,
          value_parser = parse_resamples)]
    pub resamples: usize,
    /// Bootstrap seed: the same seed gives the same intervals.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Only passages of this stakeholder group (a name or a slug: civil-society, …).
    #[arg(long, value_name = "GROUP")]
    pub stakeholder: Option<String>,
    /// Only passages of speakers from this UN regional group (a name or a slug: grulac, …).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Output format: table (for a terminal), json (one object: groups, pairs, trend) or csv
    /// (one table).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn parse_resamples(s: &str) -> Result<usize, String> {
    let range = compare::RESAMPLES;
    match s.trim().parse::<usize>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

impl Args {
    fn options(&self, theme: Option<String>) -> anyhow::Result<CompareOptions> {
        Ok(CompareOptions {
            by: match self.by {
                ByArg::Stakeholder => GroupBy::Stakeholder,
                ByArg::Region => GroupBy::Region,
                ByArg::Year => GroupBy::Year,
                ByArg::Session => GroupBy::Session,
                ByArg::Speaker => GroupBy::Speaker,
            },
            outcome: Outcome {
                theme,
                polarity: self
                    .polarity
                    .as_deref()
                    .map(index::parse_polarity)
                    .transpose()?,
            },
            unit: match self.unit {
                UnitArg::Passages => Unit::Passages,
                UnitArg::Words => Unit::Words,
                UnitArg::Time => Unit::Time,
            },
            cluster: self.cluster.map(|c| match c {
                ClusterArg::Session => ClusterBy::Session,
                ClusterArg::Speaker => ClusterBy::Speaker,
            }),
            resamples: self.resamples,
            seed: self.seed,
            pairwise: self.pairwise,
        })
    }

    /// The filters of the population (`--theme` and `--polarity` are not among them).
    fn filters(&self) -> anyhow::Result<Filters> {
        FilterArgs {
            stakeholder: self.stakeholder.clone(),
            region: self.region.clone(),
            scope: self.scope.clone(),
            ..FilterArgs::default()
        }
        .to_filters()
    }

    fn check_flags(&self) -> anyhow::Result<()> {
        if self.trend && self.by != ByArg::Year {
            return Err(Error::Usage("--trend needs --by year".into()).into());
        }
        if self.trend && self.pairwise && self.format == Format::Csv {
            return Err(Error::Usage(
                "--trend and --pairwise are two tables, and --format csv prints one: run \
                 them separately, or use --format json"
                    .into(),
            )
            .into());
        }
        Ok(())
    }
}

/// The theme id, checked against the themes of the index (the error lists them).
fn check_theme(reader: &Reader, theme: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some(theme) = theme else {
        return Ok(None);
    };
    let id = slugify(theme);
    let present = reader.themes()?;
    if present.contains(&id) {
        return Ok(Some(id));
    }
    Err(Error::InvalidValue {
        what: "--theme".into(),
        value: theme.into(),
        valid: if present.is_empty() {
            "none: no passage in this index carries a theme".into()
        } else {
            present.join(", ")
        },
    }
    .into())
}

/// Runs `igf-lens compare`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    args.check_flags()?;
    let filters = args.filters()?;
    let index = &args.search.index;
    let reader = Reader::open(index)?;
    let opts = args.options(check_theme(&reader, args.theme.as_deref())?)?;
    let query = args.search.query.clone().unwrap_or_default();
    let records = every_match(&reader, index, query, filters)?;
    if records.is_empty() {
        if !g.quiet {
            eprintln!("igf-lens: no passage matches");
        }
        return Ok(1);
    }
    let comparison = compare::compare(&records, &opts)?;
    if args.unit != UnitArg::Passages && args.by == ByArg::Year && !g.quiet {
        eprintln!("igf-lens: the trend test counts passages: run with --unit passages for it");
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Table => out.write_all(compare::render_comparison(&comparison).as_bytes())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &compare::comparison_json(&comparison))?;
            writeln!(out)?;
        }
        Format::Csv => {
            let table = if args.trend {
                compare::trend_table(&comparison)
            } else if args.pairwise {
                compare::pairs_table(&comparison)
            } else {
                compare::groups_table(&comparison)
            };
            write_table(&table, None, false, &mut out)?;
        }
    }
    out.flush()?;
    Ok(0)
}
