//! `igf-lens sessions`: every session of an index as its last ingest paired it: key, title,
//! date, transcript files, page file, where the key came from, whether the page is paired (and
//! why not), and the copies dropped as duplicates. What to check before trusting a table built
//! on real pages, and what to correct with a pairs file.

use super::format::Format;
use super::global::Global;
use crate::export::{self, Cell, Table};
use crate::pipeline::{self, SessionRow};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Arguments of `igf-lens sessions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Index directory.
    #[arg(short, long, value_name = "DIR", default_value = "index")]
    pub index: PathBuf,
    /// Only sessions whose transcript has no page, and files without a session.
    #[arg(long)]
    pub unpaired: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

const COLUMNS: [&str; 12] = [
    "key",
    "title",
    "date",
    "year",
    "transcripts",
    "page",
    "key_source",
    "paired",
    "paired_by",
    "why_unpaired",
    "duplicates",
    "url",
];

/// Runs `igf-lens sessions`. Exit code 1 when the list is empty.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    crate::index::require_index(&args.index)?;
    if !args.index.join(pipeline::MANIFEST_FILE).exists() {
        anyhow::bail!(
            "no ingest manifest in {0}: write it with `igf-lens ingest DATA_DIR --index {0}` \
             (DATA_DIR: the transcripts the index was made from)",
            args.index.display()
        );
    }
    let mut rows = pipeline::sessions::list(&args.index)?;
    if args.unpaired {
        rows.retain(|r| !r.paired && !r.transcripts.is_empty() || r.key.is_none());
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Json => {
            for r in &rows {
                serde_json::to_writer(&mut out, r)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Csv => table(&rows).write_csv(&mut out, false)?,
        Format::Table => out.write_all(export::for_terminal(&render(&rows)).as_bytes())?,
    }
    out.flush()?;
    if !g.quiet && args.format == Format::Table {
        let paired = rows.iter().filter(|r| r.paired).count();
        let with_transcript = rows.iter().filter(|r| !r.transcripts.is_empty()).count();
        eprintln!(
            "igf-lens: {} session(s); {paired} of {with_transcript} with a transcript are paired with their page",
            rows.iter().filter(|r| r.key.is_some()).count()
        );
    }
    Ok(if rows.is_empty() { 1 } else { 0 })
}

fn opt(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, Cell::text)
}

/// The rows as a table (lists joined by `;`, duplicates as `file>kept`).
fn table(rows: &[SessionRow]) -> Table {
    let mut t = Table::new(COLUMNS.to_vec());
    for r in rows {
        let dups: Vec<String> = r
            .duplicates
            .iter()
            .map(|d| format!("{}>{}", d.file, d.kept))
            .collect();
        t.rows.push(vec![
            opt(r.key.as_deref()),
            Cell::text(&r.title),
            opt(r.date.as_deref()),
            Cell::opt_int(r.year.map(u64::from)),
            Cell::text(r.transcripts.join(";")),
            opt(r.page.as_deref()),
            opt(r.key_source.map(|k| k.as_str())),
            Cell::text(if r.paired { "true" } else { "false" }),
            opt(r.paired_by.map(|p| p.as_str())),
            opt(r.why_unpaired.as_deref()),
            Cell::text(dups.join(";")),
            opt(r.url.as_deref()),
        ]);
    }
    t
}

/// One block per session for the terminal: the key line, then the files, then why unpaired.
fn render(rows: &[SessionRow]) -> String {
    let name = |p: &str| {
        std::path::Path::new(p)
            .file_name()
            .map_or_else(|| p.to_string(), |n| n.to_string_lossy().into_owned())
    };
    let mut s = String::new();
    for r in rows {
        let mark = if r.paired { "paired" } else { "unpaired" };
        s.push_str(&format!(
            "{}  {}  {}  [{}, key from {}]\n",
            r.key.as_deref().unwrap_or("(no session)"),
            r.date.as_deref().unwrap_or("-"),
            export::truncate(&r.title, 60),
            r.paired_by.map_or(mark, |p| p.as_str()),
            r.key_source.map_or("-", |k| k.as_str()),
        ));
        for t in &r.transcripts {
            s.push_str(&format!("    transcript  {}\n", name(t)));
        }
        for p in &r.pages {
            s.push_str(&format!("    page        {}\n", name(p)));
        }
        for d in &r.duplicates {
            s.push_str(&format!(
                "    duplicate   {} (kept {})\n",
                name(&d.file),
                name(&d.kept)
            ));
        }
        if let Some(why) = &r.why_unpaired {
            s.push_str(&format!("    unpaired:   {why}\n"));
        }
    }
    s
}
