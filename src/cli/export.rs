//! `igf-lens export`: CSV summaries with a manifest (`summary`), themed excerpts with citation
//! columns (`excerpts`), every passage as JSON Lines or CSV (`passages`), and the REFI-QDA
//! project and codebook (`qdpx`, `codebook`; see `qda.rs`).
//!
//! Files are written to a temporary name and renamed; `--excel` adds a UTF-8 BOM. Without
//! `--out`, `excerpts` and `passages` write to stdout.

use super::format::FileFormat;
use super::global::Global;
use super::search::{every_match, FilterArgs};
use crate::export::{self, IngestInput, SummaryOptions};
use crate::index::Reader;
use crate::pipeline;
use anyhow::Context;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Arguments of `igf-lens export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: ExportCommand,
}

/// The `export` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Write passages.csv, stakeholder_theme.csv, session_theme.csv, speaker_theme.csv,
    /// sessions.csv, speakers.csv, speaking_time.csv (when captions are timed) and
    /// manifest.json into a directory.
    Summary {
        /// Index directory.
        #[arg(short, long, value_name = "DIR", default_value = "index")]
        index: PathBuf,
        /// Output directory (created when missing).
        #[arg(short, long, value_name = "DIR", default_value = "out")]
        out: PathBuf,
        /// Start every CSV file with a UTF-8 BOM so spreadsheets read accents right.
        #[arg(long)]
        excel: bool,
        /// The speaker registry the index was built with, to hash into manifest.json.
        #[arg(long, value_name = "FILE")]
        registry: Option<PathBuf>,
    },
    /// Write the passages tagged with a theme, one row per passage and tag, with citation
    /// columns (session, code, title, date, speaker, group, region, theme, polarity, decided_by,
    /// evidence, text, source, line, start_ms, end_ms, passage_id), in date order.
    Excerpts {
        /// Index directory.
        #[arg(short, long, value_name = "DIR", default_value = "index")]
        index: PathBuf,
        #[command(flatten)]
        filters: FilterArgs,
        /// Only passages that also match this query (search syntax).
        #[arg(long, value_name = "QUERY")]
        query: Option<String>,
        /// CSV file to write (default, or `-`: stdout).
        #[arg(short, long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Start with a UTF-8 BOM so spreadsheets read accents right.
        #[arg(long)]
        excel: bool,
    },
    /// Write every passage, sorted by session, turn and passage.
    Passages {
        /// Index directory.
        #[arg(short, long, value_name = "DIR", default_value = "index")]
        index: PathBuf,
        /// Output format: json (one object per passage and line, the fields of `search
        /// --format json`; also `jsonl`) or csv (the columns of passages.csv).
        #[arg(long, value_enum, default_value_t = FileFormat::Json)]
        format: FileFormat,
        /// File to write (default, or `-`: stdout).
        #[arg(short, long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// With --format csv: start with a UTF-8 BOM.
        #[arg(long)]
        excel: bool,
    },
    /// Write the coded corpus as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA or
    /// QualCoder: one source per session, a case per speaker, the themes as codes, a coding
    /// per tag. Filters choose the passages coded (and the sessions exported).
    Qdpx(super::qda::QdpxArgs),
    /// Write the taxonomy as a REFI-QDA codebook (.qdc): a code per theme, with codable
    /// children risk and opportunity.
    Codebook(super::qda::CodebookArgs),
}

/// Runs `igf-lens export`.
pub fn run(args: Args, g: Global) -> anyhow::Result<i32> {
    match args.command {
        ExportCommand::Qdpx(a) => super::qda::run_qdpx(a, g),
        ExportCommand::Codebook(a) => super::qda::run_codebook(a, g),
        ExportCommand::Summary {
            index,
            out,
            excel,
            registry,
        } => summary(&index, &out, excel, registry.as_deref(), g),
        ExportCommand::Excerpts {
            index,
            filters,
            query,
            out,
            excel,
        } => excerpts(&index, filters, query, file_or_stdout(&out), excel, g),
        ExportCommand::Passages {
            index,
            format,
            out,
            excel,
        } => passages(&index, format, file_or_stdout(&out), excel, g),
    }
}

/// The file `-o` names, or `None` (stdout) when it is missing or `-`, as Unix tools read it.
fn file_or_stdout(out: &Option<PathBuf>) -> Option<&Path> {
    out.as_deref().filter(|p| p.as_os_str() != "-")
}

/// `export summary`: the CSV files and manifest.json.
fn summary(
    index: &Path,
    out: &Path,
    excel: bool,
    registry: Option<&Path>,
    g: Global,
) -> anyhow::Result<i32> {
    let records = Reader::open(index)?
        .all()
        .with_context(|| format!("cannot read the passages of {}", index.display()))?;
    // What the ingest recorded about its inputs; an index without it still exports.
    let ingest = pipeline::Manifest::load(index).unwrap_or_default();
    let opts = SummaryOptions {
        excel,
        registry,
        ingest_fingerprint: Some(ingest.fingerprint.as_str()).filter(|f| !f.is_empty()),
        ingest_inputs: ingest
            .files
            .iter()
            .map(|(path, e)| IngestInput {
                path: path.clone(),
                kind: e.kind.as_str().to_string(),
                sha256: e.hash.clone(),
            })
            .collect(),
    };
    let outcome = export::write_summary(&records, out, &opts)
        .with_context(|| format!("cannot write the summary into {}", out.display()))?;
    if !g.quiet {
        let c = &outcome.manifest.counts;
        eprintln!(
            "igf-lens: wrote {} files and manifest.json to {} ({} sessions, {} passages, {} speakers)",
            outcome.manifest.files.len(),
            out.display(),
            c.sessions,
            c.passages,
            c.speakers
        );
    }
    Ok(0)
}

/// `export excerpts`: the passages of one theme, in date order; exit code 1 when none.
fn excerpts(
    index: &Path,
    filters: FilterArgs,
    query: Option<String>,
    out: Option<&Path>,
    excel: bool,
    g: Global,
) -> anyhow::Result<i32> {
    let Some(theme) = filters.theme.clone() else {
        anyhow::bail!("export excerpts needs --theme ID (see `igf-lens themes list`)");
    };
    let filters = filters.to_filters()?;
    let polarity = filters.polarity;
    let decided = filters.decided;
    let reader = Reader::open(index)?;
    let mut records = every_match(&reader, index, query.unwrap_or_default(), filters)?;
    if decided {
        // --decided: a row per decided tag only, not per tag of a passage with one.
        for r in &mut records {
            r.tags.retain(|t| t.decided_by.is_decided());
        }
    }
    let theme_id = crate::model::slugify(&theme);
    let mut stdout = BufWriter::new(std::io::stdout().lock());
    let rows =
        export::write_excerpts(&records, Some(&theme_id), polarity, out, excel, &mut stdout)?;
    stdout.flush()?;
    if !g.quiet {
        match out {
            Some(p) => eprintln!("igf-lens: wrote {rows} excerpts to {}", p.display()),
            None => eprintln!("igf-lens: {rows} excerpts"),
        }
    }
    Ok(if rows == 0 { 1 } else { 0 })
}

/// `export passages`: every passage as JSON Lines or CSV.
fn passages(
    index: &Path,
    format: FileFormat,
    out: Option<&Path>,
    excel: bool,
    g: Global,
) -> anyhow::Result<i32> {
    let records = Reader::open(index)?
        .all()
        .with_context(|| format!("cannot read the passages of {}", index.display()))?;
    let mut stdout = BufWriter::new(std::io::stdout().lock());
    match format {
        FileFormat::Json => export::write_passages_jsonl(&records, out, &mut stdout)?,
        FileFormat::Csv => match out {
            Some(path) => export::write_atomic(path, |w| {
                export::write_passages_csv(&records, w, excel).map(|_| ())
            })?,
            None => {
                export::write_passages_csv(&records, &mut stdout, excel)?;
            }
        },
    }
    stdout.flush()?;
    if !g.quiet {
        if let Some(p) = &out {
            eprintln!(
                "igf-lens: wrote {} passages to {}",
                records.len(),
                p.display()
            );
        }
    }
    Ok(0)
}
