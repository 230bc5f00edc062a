//! REFI-QDA exchange with qualitative-analysis programs (NVivo, ATLAS.ti, MAXQDA, QualCoder):
//! `export qdpx` (the coded corpus as a project), `export codebook` (the taxonomy as a `.qdc`
//! codebook) and `themes import` (a codebook from another program as a taxonomy skeleton).
//!
//! The work is done by [`crate::export`] (project and codebook) and [`crate::tag::import`]
//! (reading untrusted codebooks); this file reads the index or the files, and reports.

use super::global::Global;
use super::search::{every_match, FilterArgs};
use crate::export::{self, Codebook};
use crate::index::Reader;
use crate::model::{slugify, PassageRecord, Tag};
use crate::tag::{import, load_taxonomy};
use anyhow::Context;
use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `igf-lens export qdpx`.
#[derive(Debug, clap::Args)]
pub struct QdpxArgs {
    /// Index directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Only code passages that also match this query (search syntax).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// The .qdpx file to write.
    #[arg(short, long, value_name = "FILE", default_value = "out/igf-lens.qdpx")]
    pub out: PathBuf,
    /// The taxonomy whose themes make the codebook (labels, descriptions), by default the
    /// embedded data/themes.toml; pass the one the index was built with.
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
}

/// Arguments of `igf-lens export codebook`.
#[derive(Debug, clap::Args)]
pub struct CodebookArgs {
    /// The .qdc file to write (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Taxonomy file to export instead of the embedded data/themes.toml.
    #[arg(long, value_name = "FILE")]
    pub themes: Option<PathBuf>,
}

/// Arguments of `igf-lens themes import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The REFI-QDA codebook (.qdc), or a project's project.qde, to read.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The taxonomy skeleton to write (default: stdout).
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn has_filters(a: &QdpxArgs) -> bool {
    let f = &a.filters;
    a.query.is_some()
        || f.stakeholder.is_some()
        || f.region.is_some()
        || f.theme.is_some()
        || f.polarity.is_some()
        || f.scope.is_set()
}

/// The passages to export (every passage of each session that has a chosen passage) and the
/// ids of the chosen ones (`None`: all).
fn choose(args: &QdpxArgs) -> anyhow::Result<(Vec<PassageRecord>, Option<HashSet<u64>>)> {
    let reader = Reader::open(&args.index)?;
    let mut records = reader
        .all()
        .with_context(|| format!("cannot read the passages of {}", args.index.display()))?;
    if !has_filters(args) {
        return Ok((records, None));
    }
    let query = args.query.clone().unwrap_or_default();
    let chosen = every_match(&reader, &args.index, query, args.filters.to_filters()?)?;
    let sessions: BTreeSet<&str> = chosen.iter().map(|r| r.session.as_str()).collect();
    records.retain(|r| sessions.contains(r.session.as_str()));
    Ok((records, Some(chosen.iter().map(|r| r.passage_id).collect())))
}

/// Runs `igf-lens export qdpx`. Exit code 1 when no passage matches the filters.
pub fn run_qdpx(args: QdpxArgs, g: Global) -> anyhow::Result<i32> {
    let taxonomy = load_taxonomy(args.themes.as_deref())?;
    let (records, coded) = choose(&args)?;
    if records.is_empty() {
        if !g.quiet {
            eprintln!("igf-lens: no passage matches: nothing written");
        }
        return Ok(1);
    }
    let theme = args.filters.theme.as_deref().map(slugify);
    let polarity = args.filters.to_filters()?.polarity;
    let keep = |t: &Tag| {
        theme.as_deref().is_none_or(|id| t.theme == id) && polarity.is_none_or(|p| t.polarity == p)
    };
    let extra: Vec<String> = export::themes(&records);
    let codebook = Codebook::from_taxonomy(&taxonomy, &extra);
    if !g.quiet {
        warn_taxonomy(&records, taxonomy.version(), taxonomy.path());
    }
    let project = export::build_project(&records, coded.as_ref(), &keep, &codebook)?;
    export::write_qdpx(&project, &args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    if !g.quiet {
        eprintln!(
            "igf-lens: wrote {} ({}, {}, {}, {})",
            args.out.display(),
            count(project.sources.len(), "source"),
            count(project.cases, "case"),
            count(project.selections.len(), "coded passage"),
            count(project.codings(), "coding")
        );
    }
    Ok(0)
}

/// `1 source`, `12 sources`.
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Says when the passages were tagged with another taxonomy than the codebook's.
fn warn_taxonomy(records: &[PassageRecord], version: &str, path: &Path) {
    let others: BTreeSet<&str> = records
        .iter()
        .map(|r| r.taxonomy.as_str())
        .filter(|t| !t.is_empty() && *t != version)
        .collect();
    if !others.is_empty() {
        eprintln!(
            "igf-lens: warning: the passages were tagged with taxonomy {}, the codebook comes from {} ({version}): pass the taxonomy the index was built with as --themes FILE",
            others.into_iter().collect::<Vec<_>>().join(", "),
            path.display()
        );
    }
}

/// Runs `igf-lens export codebook`.
pub fn run_codebook(args: CodebookArgs, g: Global) -> anyhow::Result<i32> {
    let taxonomy = load_taxonomy(args.themes.as_deref())?;
    let xml = export::codebook_xml(&Codebook::from_taxonomy(&taxonomy, &[]))?;
    write_text(args.out.as_deref(), &xml)?;
    if !g.quiet {
        if let Some(p) = &args.out {
            eprintln!(
                "igf-lens: wrote {} ({} themes from {})",
                p.display(),
                taxonomy.themes().len(),
                taxonomy.path().display()
            );
        }
    }
    Ok(0)
}

/// Runs `igf-lens themes import`.
pub fn run_import(args: ImportArgs, g: Global) -> anyhow::Result<i32> {
    let codes = import::load_codebook(&args.file)?;
    let themes = import::skeleton_themes(&codes);
    if themes.is_empty() {
        anyhow::bail!(
            "{}: the codebook has no codes to turn into themes",
            args.file.display()
        );
    }
    let toml = import::taxonomy_skeleton(&themes, &args.file, &crate::tag::Taxonomy::embedded());
    write_text(args.out.as_deref(), &toml)?;
    if !g.quiet {
        let target = args
            .out
            .as_ref()
            .map_or("FILE".to_string(), |p| p.display().to_string());
        eprintln!(
            "igf-lens: {} themes from {}; fill each `terms = []`, then run `igf-lens themes check {target}`",
            themes.len(),
            args.file.display()
        );
    }
    Ok(0)
}

/// Writes text to a file (atomically) or to stdout.
fn write_text(out: Option<&Path>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => export::write_bytes(path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    Ok(())
}
