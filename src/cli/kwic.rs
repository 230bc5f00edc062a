//! `igf-lens kwic`: keyword-in-context lines for a word or phrase, aligned on the term
//! (left context, term, right context, speaker, stakeholder group, source), the term marked in
//! colour on a terminal (never when stdout is not one, nor with `NO_COLOR`); or the same lines
//! as JSON or CSV. Passages come in date order. Exit code 0 when the term occurs, 1 when it does
//! not.

use super::bounds;
use super::format::Format;
use super::global::Global;
use super::search::{use_color, FilterArgs};
use crate::export;
use crate::index::{Reader, SearchRequest, Sort};
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `igf-lens kwic`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The word or phrase to look for; matched like a search (stemmed, any case), so
    /// `researcher` also finds `researchers`.
    #[arg(value_name = "TERM")]
    pub term: String,
    /// Index directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
    /// Characters of context on each side (1 to 1000).
    #[arg(long, value_name = "N", default_value_t = 40, value_parser = bounds::width)]
    pub width: usize,
    /// Maximum number of lines.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 100, value_parser = bounds::count)]
    pub limit: usize,
    /// Output format: table (aligned, the term in colour on a terminal), json (one object per
    /// line; also `jsonl`) or csv.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs `igf-lens kwic`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    // Refuse a term of stop words before touching the index.
    export::concordance(&[], &args.term, args.width)?;
    let reader = Reader::open(&args.index)?;
    let phrase: String = args
        .term
        .chars()
        .filter(|c| *c != '"' && *c != '\\')
        .collect();
    let request = SearchRequest {
        query: format!("text:\"{}\"", phrase.trim()),
        filters: args.filters.to_filters()?,
        sort: Sort::Date,
        limit: usize::MAX,
        ..SearchRequest::default()
    };
    let results = reader
        .search(&request)
        .with_context(|| format!("search for {:?} in {}", args.term, args.index.display()))?;
    let records: Vec<_> = results.hits.into_iter().map(|h| h.record).collect();
    let mut lines = export::concordance(&records, &args.term, args.width)?;
    let found = lines.len();
    lines.truncate(args.limit);
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Table => {
            out.write_all(export::render_kwic(&lines, args.width, use_color()).as_bytes())?
        }
        Format::Json => {
            for row in export::table_json(&export::kwic_table(&lines)) {
                writeln!(out, "{row}")?;
            }
        }
        Format::Csv => export::kwic_table(&lines).write_csv(&mut out, false)?,
    }
    out.flush()?;
    if found == 0 {
        if !g.quiet {
            eprintln!(
                "igf-lens: {:?} does not occur in any matching passage",
                args.term
            );
        }
        return Ok(1);
    }
    if !g.quiet && found > lines.len() {
        eprintln!(
            "igf-lens: {} of {found} lines shown (raise -n to see more)",
            lines.len()
        );
    }
    Ok(0)
}
