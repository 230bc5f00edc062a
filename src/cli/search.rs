//! `igf-lens search`: ranked passages for a query, with filters, paging, facets and three
//! output formats (table for terminals, JSON Lines, CSV). Also the filter flags and terminal
//! helpers that `kwic` and `export excerpts` share.
//!
//! Exit code 0 when something matched, 1 when nothing did. Data goes to stdout, messages to
//! stderr.

use super::bounds;
use super::format::Format;
use super::global::Global;
use crate::export;
use crate::index::{self, Filters, ProceduralFilter, Reader, SearchRequest, Sort};
use crate::model::PassageRecord;
use anyhow::Context;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Filter flags shared by `search`, `kwic` and `export excerpts`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FilterArgs {
    /// Only passages of this stakeholder group: a full name in any case ("Civil Society") or a
    /// slug (civil-society, private-sector, government, technical-community,
    /// intergovernmental-organization, unknown).
    #[arg(long, value_name = "GROUP")]
    pub stakeholder: Option<String>,
    /// Only passages of speakers from this UN regional group: a name or a slug (african-group,
    /// asia-pacific-group, eastern-european-group, grulac, weog, intergovernmental-organization).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Only passages tagged with this theme id (e.g. security-research).
    #[arg(long, value_name = "ID")]
    pub theme: Option<String>,
    /// Only tags of this polarity: risk or opportunity (with --theme: that theme's polarity).
    #[arg(long, value_name = "POLARITY")]
    pub polarity: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Only tags whose polarity a cue, the model or a person decided, not the theme's default
    /// (with --theme/--polarity: that tag; alone: passages with at least one such tag).
    #[arg(long)]
    pub decided: bool,
    /// Procedural passages (floor-giving, introductions, thanks, housekeeping, technical
    /// checks, time-keeping): include (default), exclude, or only them.
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = ProceduralFilter::Include)]
    pub procedural: ProceduralFilter,
}

/// The session, speaker and year filters, of [`FilterArgs`] and of `compare` (which words
/// `--speaker`'s help its own way).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ScopeArgs {
    /// Only this session: its id (2023-ws-225), its code (`WS #225`, `OF 7`, `Open Forum #7`;
    /// every year's session of that code), its file name (2021-of-7) or words of its title.
    #[arg(long, value_name = "CODE")]
    pub session: Option<String>,
    /// Only this speaker: the name or part of it (any case, accents optional).
    #[arg(long, value_name = "NAME")]
    pub speaker: Option<String>,
    /// Only sessions of this year.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,
}

impl ScopeArgs {
    /// Whether any of the three is given.
    pub fn is_set(&self) -> bool {
        self.session.is_some() || self.speaker.is_some() || self.year.is_some()
    }
}

impl FilterArgs {
    /// Parses the flag values (unknown groups, regions and polarities list the valid values).
    pub fn to_filters(&self) -> anyhow::Result<Filters> {
        Ok(Filters {
            stakeholder: self
                .stakeholder
                .as_deref()
                .map(index::parse_stakeholder)
                .transpose()?,
            region: self
                .region
                .as_deref()
                .map(index::parse_region)
                .transpose()?,
            theme: self.theme.clone(),
            polarity: self
                .polarity
                .as_deref()
                .map(index::parse_polarity)
                .transpose()?,
            session: self.scope.session.clone(),
            speaker: self.scope.speaker.clone(),
            year: self.scope.year,
            decided: self.decided,
            procedural: self.procedural,
        })
    }
}

/// The query and the index of `search` and `compare` (`compare` words the query's help its own
/// way).
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// The query in tantivy syntax: words (all must match), "a phrase", AND / OR / NOT (or
    /// +word / -word), (groups), field:value (speaker, stakeholder, theme, year:[2021 TO
    /// 2023], …). Empty or absent: every passage (use with filters).
    #[arg(value_name = "QUERY")]
    pub query: Option<String>,
    /// Index directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
}

/// Every passage matching `query` and `filters`, in date order: the population of `compare`,
/// `export excerpts` and `export qdpx`. The error names the index directory `index`.
pub fn every_match(
    reader: &Reader,
    index: &Path,
    query: String,
    filters: Filters,
) -> anyhow::Result<Vec<PassageRecord>> {
    let request = SearchRequest {
        query,
        filters,
        sort: Sort::Date,
        limit: usize::MAX,
        ..SearchRequest::default()
    };
    let results = reader
        .search(&request)
        .with_context(|| format!("search in {}", index.display()))?;
    Ok(results.hits.into_iter().map(|h| h.record).collect())
}

/// Result orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SortArg {
    /// Best match first.
    Score,
    /// By session date, then session, turn and passage.
    Date,
}

/// Arguments of `igf-lens search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub search: QueryArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Number of hits to print (more than the index holds prints them all).
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10, value_parser = bounds::count)]
    pub limit: usize,
    /// Skip this many hits first (paging).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = bounds::count)]
    pub offset: usize,
    /// Order of the hits.
    #[arg(long, value_enum, default_value_t = SortArg::Score)]
    pub sort: SortArg,
    /// Let every word match words one typo away (scores become flat; at most 64 words).
    #[arg(long)]
    pub fuzzy: bool,
    /// Also count all matching passages by stakeholder group, region, theme:polarity, session
    /// and year.
    #[arg(long)]
    pub facets: bool,
    /// Output format: table (for a terminal), json (one object per hit and line; also
    /// `jsonl`) or csv.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Terminal width: `COLUMNS` when set, else the terminal's, else 100.
pub fn term_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        if n > 0 {
            return n;
        }
    }
    terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0))
}

/// Colour only when stdout is a terminal and `NO_COLOR` is unset or empty.
pub fn use_color() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    std::io::stdout().is_terminal() && !no_color
}

/// Refuses a `--fuzzy` query of more than [`bounds::MAX_FUZZY_WORDS`] words: each word expands to
/// every indexed word one typo away, and thousands of them take gigabytes.
fn check_fuzzy(query: &str) -> anyhow::Result<()> {
    let words = query.split_whitespace().count();
    if words > bounds::MAX_FUZZY_WORDS {
        anyhow::bail!(
            "--fuzzy takes at most {} words, and the query has {words}: drop --fuzzy or shorten the query",
            bounds::MAX_FUZZY_WORDS
        );
    }
    Ok(())
}

/// Runs `igf-lens search`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    if args.facets && args.format == Format::Csv {
        anyhow::bail!("--facets cannot be combined with --format csv (one table per output): use --format json or table");
    }
    if args.fuzzy {
        check_fuzzy(args.search.query.as_deref().unwrap_or_default())?;
    }
    let reader = Reader::open(&args.search.index)?;
    let request = SearchRequest {
        query: args.search.query.clone().unwrap_or_default(),
        filters: args.filters.to_filters()?,
        fuzzy: args.fuzzy,
        sort: match args.sort {
            SortArg::Score => Sort::Score,
            SortArg::Date => Sort::Date,
        },
        offset: args.offset,
        limit: args.limit,
        facets: args.facets,
    };
    let results = reader
        .search(&request)
        .with_context(|| format!("search in {}", args.search.index.display()))?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            for h in &results.hits {
                writeln!(out, "{}", export::hit_json(h))?;
            }
            if let Some(f) = &results.facets {
                writeln!(out, "{}", export::facets_json(f))?;
            }
        }
        Format::Csv => export::hits_table(&results.hits).write_csv(&mut out, false)?,
        Format::Table => {
            if results.total > 0 {
                let width = term_width();
                out.write_all(
                    export::render_table(&results.hits, args.offset, width, use_color()).as_bytes(),
                )?;
                if let Some(f) = &results.facets {
                    writeln!(out)?;
                    out.write_all(export::render_facets(f, width).as_bytes())?;
                }
            }
        }
    }
    out.flush()?;
    if args.format == Format::Table && results.total > 0 && !g.quiet {
        let shown = results.hits.len();
        eprintln!(
            "igf-lens: {}",
            export::shown_line(shown, results.total, args.offset)
        );
    }
    if results.total == 0 {
        if !g.quiet {
            eprintln!("igf-lens: no passage matches");
        }
        return Ok(1);
    }
    Ok(0)
}
