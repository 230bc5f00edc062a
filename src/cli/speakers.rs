//! `igf-lens speakers`: every speaker as resolved in the index, with the labels used, turns,
//! words, stakeholder group, region, resolution method and confidence. `--unresolved` lists what
//! a user should add to the registry (`data/speakers.csv`), most words first.

use super::format::Format;
use super::global::Global;
use crate::export::{self, Cell, Table};
use crate::index::Reader;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `igf-lens speakers`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Index directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// Only speakers with no stakeholder group (audience and unnamed voices excluded), most
    /// words first: the candidates for the registry.
    #[arg(long)]
    pub unresolved: bool,
    /// Output format: table, json (one object per speaker and line; also `jsonl`) or csv.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const COLUMNS: [&str; 11] = [
    "speaker",
    "labels",
    "stakeholder",
    "region",
    "role",
    "method",
    "confidence",
    "sessions",
    "turns",
    "passages",
    "words",
];

/// Runs `igf-lens speakers`. Exit code 1 when the list is empty.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    let records = Reader::open(&args.index)?.all()?;
    let mut rows = export::speakers(&records);
    if args.unresolved {
        rows.retain(|r| r.unresolved);
        rows.sort_by(|a, b| {
            b.words
                .cmp(&a.words)
                .then_with(|| a.speaker.cmp(&b.speaker))
        });
    }
    let mut table = Table::new(COLUMNS.to_vec());
    for r in &rows {
        table.rows.push(vec![
            Cell::text(&r.speaker),
            Cell::text(&r.labels),
            Cell::text(r.stakeholder.as_str()),
            Cell::text(r.region.as_str()),
            Cell::text(&r.roles),
            Cell::text(&r.methods),
            Cell::Float(r.confidence, 2),
            Cell::Int(r.sessions),
            Cell::Int(r.turns),
            Cell::Int(r.passages),
            Cell::Int(r.words),
        ]);
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Csv => table.write_csv(&mut out, false)?,
        Format::Json => {
            for row in export::table_json(&table) {
                writeln!(out, "{row}")?;
            }
        }
        Format::Table => out.write_all(render(&table).as_bytes())?,
    }
    out.flush()?;
    if !g.quiet && args.unresolved {
        eprintln!(
            "igf-lens: {} unresolved speaker(s); add them to a registry CSV and pass it with `ingest --registry FILE`",
            rows.len()
        );
    }
    Ok(if rows.is_empty() { 1 } else { 0 })
}

/// Aligned plain-text columns; long cells are cut to keep lines readable, control characters
/// shown as visible stand-ins.
fn render(table: &Table) -> String {
    const MAX: usize = 32;
    let cells: Vec<Vec<String>> =
        std::iter::once(table.header.iter().map(|h| h.to_string()).collect())
            .chain(table.rows.iter().map(|r| {
                r.iter()
                    .map(|c| export::truncate(&export::for_terminal(&c.render()), MAX))
                    .collect::<Vec<_>>()
            }))
            .collect();
    let widths: Vec<usize> = (0..table.header.len())
        .map(|i| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for row in &cells {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        s.push_str(line.join("  ").trim_end());
        s.push('\n');
    }
    s
}
