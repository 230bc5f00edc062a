//! Exports: CSV tables (passages, stakeholder × theme, session × theme, speaker × theme,
//! sessions, speakers, speaking time), themed excerpts, JSON Lines passages, search output,
//! concordance lines, passage context, the HTML report, and the REFI-QDA codebook and project
//! for QDA programs.
//!
//! Input: [`PassageRecord`]s (and [`crate::index::Hit`]s for search output). Output: tables,
//! strings and files. The cores are pure functions over records, testable without an index;
//! the `write_*` functions at the bottom are the only ones touching the file system, and they
//! write each file to a temporary name, then rename it. This module does not search: the CLI
//! asks [`crate::index`] for the records.
//!
//! - `table`: [`Cell`], [`Table`], CSV with formula neutralisation, atomic writes;
//! - `summary`: the summary tables and [`crosstab`], shared with the report;
//! - `json`: the one JSON shape of a passage ([`passage_json`]), shared by search and
//!   `export passages`, and table rows as JSON;
//! - `label`: a passage's session label, its speaker's group and region, its citation;
//! - `excerpts`, `hits`, `kwic`, `context`: excerpts, search output, concordance, `show`;
//! - `codebook`, `qdpx`: the taxonomy as a REFI-QDA codebook ([`Codebook`], deterministic
//!   GUIDs) and the coded corpus as a REFI-QDA project ([`build_project`], the `.qdpx` zip);
//! - `manifest`: `manifest.json`; `report`: the HTML report;
//! - `terminal`: [`for_terminal`], text made safe to print for people (no escape sequences);
//! - [`compare`]: shares per group with intervals, pairwise tests and the trend over years
//!   (`igf-lens compare`, and the report's comparison section).

mod codebook;
mod columns;
pub mod compare;
mod context;
mod excerpts;
mod hits;
mod html;
mod json;
mod kwic;
mod label;
mod manifest;
mod qdpx;
mod report;
mod summary;
mod table;
mod terminal;

pub use crate::disk::{write_atomic, write_bytes};
pub use codebook::{codebook_xml, guid, polarity_guid, theme_guid, Code, Codebook, CODEBOOK_NS};
pub use context::{decided, render_context, render_tags};
pub use excerpts::{excerpts_table, EXCERPT_COLUMNS};
pub use hits::{
    facets_json, hit_json, hits_table, render_facets, render_table, shown_line, truncate, wrap,
};
pub use html::escape;
pub use json::{passage_json, table_json, theme_json};
pub use kwic::{concordance, kwic_table, render_kwic, KwicLine};
pub use label::{citation, group_and_region, session_label};
pub use manifest::{
    counts, parse_fingerprint, Counts, IngestInput, InputFile, Manifest, WrittenFile,
};
pub use qdpx::{
    build_project, coder_of, qdpx_bytes, write_qdpx, Coder, Project, Selection, SourceText,
    CASE_VARIABLES, PROJECT_NS,
};
pub use report::{report_html, top_excerpts};
pub use summary::{
    crosstab, is_unresolved, passages_table, session_theme, session_theme_table, sessions_table,
    speaker_theme_table, speakers, speakers_table, speaking_time_table, stakeholder_theme,
    stakeholder_theme_table, themes, write_passages_csv, CrossRow, SessionGroup, SpeakerGroup,
    SpeakerRow, SHARE_DECIMALS,
};
pub use table::{neutralise, write_rows, Cell, Table};
pub use terminal::{for_terminal, is_terminal_control};

use crate::error::{Error, Result};
use crate::model::{PassageRecord, Polarity};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Options of [`write_summary`].
#[derive(Debug, Clone, Default)]
pub struct SummaryOptions<'a> {
    /// Write a UTF-8 BOM first, so spreadsheets read accents right.
    pub excel: bool,
    /// The speaker registry used by the ingest, hashed into the manifest.
    pub registry: Option<&'a Path>,
    /// The ingest's fingerprint of its own inputs (`schema=…;taxonomy=…;registry=…`), recorded
    /// in the manifest.
    pub ingest_fingerprint: Option<&'a str>,
    /// The files the ingest recorded (hashed again, and compared, in the manifest).
    pub ingest_inputs: Vec<IngestInput>,
}

/// What [`write_summary`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryOutcome {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// Name of the speaking-time table, written only when caption timings exist.
pub const SPEAKING_TIME_CSV: &str = "speaking_time.csv";

/// Writes the summary tables and `manifest.json` into `dir` (created when missing).
///
/// Files: `passages.csv`, `stakeholder_theme.csv`, `session_theme.csv`, `speaker_theme.csv`,
/// `sessions.csv`, `speakers.csv`, `speaking_time.csv` (only when some passage has caption
/// timings; a stale one is removed otherwise) and `manifest.json`.
pub fn write_summary(
    records: &[PassageRecord],
    dir: &Path,
    opts: &SummaryOptions,
) -> Result<SummaryOutcome> {
    // passages.csv is the big one: streamed and hashed on the way, never held in memory.
    let mut written = Vec::new();
    let mut rows = 0;
    let mut sha256 = String::new();
    write_atomic(&dir.join("passages.csv"), |w| {
        let mut hw = crate::hash::HashingWriter::new(w);
        rows = write_passages_csv(records, &mut hw, opts.excel)?;
        sha256 = hw.hex();
        Ok(())
    })?;
    written.push(WrittenFile {
        name: "passages.csv".into(),
        rows,
        sha256,
    });
    let mut tables: Vec<(&str, Table)> = vec![
        ("stakeholder_theme.csv", stakeholder_theme_table(records)),
        ("session_theme.csv", session_theme_table(records)),
        ("speaker_theme.csv", speaker_theme_table(records)),
        ("sessions.csv", sessions_table(records)),
        ("speakers.csv", speakers_table(records)),
    ];
    match speaking_time_table(records) {
        Some(t) => tables.push((SPEAKING_TIME_CSV, t)),
        None => {
            let stale = dir.join(SPEAKING_TIME_CSV);
            if stale.exists() {
                std::fs::remove_file(&stale).map_err(|e| Error::io(&stale, e))?;
            }
        }
    }
    for (name, table) in &tables {
        let bytes = table.to_csv(opts.excel)?;
        write_bytes(&dir.join(name), &bytes)?;
        written.push(WrittenFile {
            name: (*name).to_string(),
            rows: table.rows.len(),
            sha256: crate::hash::sha256_hex(&bytes),
        });
    }
    let manifest = manifest::build(
        "export summary",
        records,
        written,
        opts.registry,
        opts.ingest_fingerprint,
        &opts.ingest_inputs,
    );
    write_bytes(&dir.join("manifest.json"), &manifest::to_json(&manifest)?)?;
    Ok(SummaryOutcome {
        dir: dir.to_path_buf(),
        manifest,
    })
}

/// Writes a table as CSV to `out` (atomically), or to `stdout` when `out` is `None`.
pub fn write_table(
    table: &Table,
    out: Option<&Path>,
    excel: bool,
    stdout: &mut dyn Write,
) -> Result<()> {
    match out {
        Some(path) => write_atomic(path, |w| table.write_csv(w, excel)),
        None => table.write_csv(stdout, excel),
    }
}

/// Writes the excerpts for a theme (see [`excerpts_table`]); returns the number of rows.
pub fn write_excerpts(
    records: &[PassageRecord],
    theme: Option<&str>,
    polarity: Option<Polarity>,
    out: Option<&Path>,
    excel: bool,
    stdout: &mut dyn Write,
) -> Result<usize> {
    let t = excerpts_table(records, theme, polarity);
    write_table(&t, out, excel, stdout)?;
    Ok(t.rows.len())
}

/// Writes one JSON object per passage (see [`passage_json`]) and line to `w`.
pub fn write_jsonl(records: &[PassageRecord], w: &mut dyn Write) -> Result<()> {
    for r in records {
        let line = serde_json::Value::Object(passage_json(r)).to_string();
        writeln!(w, "{line}").map_err(table::output_error)?;
    }
    Ok(())
}

/// Writes the passages as JSON Lines to `out` (atomically), or to `stdout`.
pub fn write_passages_jsonl(
    records: &[PassageRecord],
    out: Option<&Path>,
    stdout: &mut dyn Write,
) -> Result<()> {
    match out {
        Some(path) => write_atomic(path, |w| write_jsonl(records, w)),
        None => write_jsonl(records, stdout),
    }
}

/// Writes the HTML report to `path` (atomically).
pub fn write_report(records: &[PassageRecord], path: &Path) -> Result<()> {
    let html = report_html(records)?;
    write_bytes(path, html.as_bytes())
}

/// Hand-made records shared by the unit tests of this module.
#[cfg(test)]
mod testdata;

#[cfg(test)]
mod tests {
    use super::testdata::test_records;
    use super::*;

    #[test]
    fn write_summary_writes_every_file_and_a_manifest() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let recs = test_records();
        let outcome = write_summary(&recs, &out, &SummaryOptions::default()).unwrap();
        let names: Vec<&str> = outcome
            .manifest
            .files
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(
            names,
            vec![
                "passages.csv",
                "stakeholder_theme.csv",
                "session_theme.csv",
                "speaker_theme.csv",
                "sessions.csv",
                "speakers.csv",
                "speaking_time.csv"
            ]
        );
        for f in &outcome.manifest.files {
            let bytes = std::fs::read(out.join(&f.name)).unwrap();
            assert_eq!(crate::hash::sha256_hex(&bytes), f.sha256, "{}", f.name);
        }
        let passages = std::fs::read_to_string(out.join("passages.csv")).unwrap();
        assert_eq!(passages.lines().count(), 6);
        assert!(passages.starts_with("passage_id,session,year,title,turn,speaker,stakeholder,region,role,language,words,procedural,themes,decided_by,evidence,source,text,start_ms,end_ms\n"));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["counts"]["passages"], 5);
        assert_eq!(manifest["files"][0]["rows"], 5);
        // Deterministic: a second run writes the same bytes.
        let again = write_summary(&recs, &out, &SummaryOptions::default()).unwrap();
        assert_eq!(again.manifest, outcome.manifest);
        // No timings: speaking_time.csv is removed, not left stale.
        let untimed: Vec<PassageRecord> = recs
            .into_iter()
            .map(|mut r| {
                r.start_ms = None;
                r.end_ms = None;
                r
            })
            .collect();
        write_summary(&untimed, &out, &SummaryOptions::default()).unwrap();
        assert!(!out.join(SPEAKING_TIME_CSV).exists());
    }

    #[test]
    fn stakeholder_theme_csv_agrees_with_passages_csv() {
        let recs = test_records();
        let passages = passages_table(&recs);
        let cross = stakeholder_theme_table(&recs);
        let (sh, th) = (
            passages.column("stakeholder").unwrap(),
            passages.column("themes").unwrap(),
        );
        for row in &cross.rows {
            let (Cell::Text(group), Cell::Text(theme), Cell::Text(pol)) =
                (&row[0], &row[1], &row[2])
            else {
                panic!("bad row {row:?}")
            };
            let label = format!("{theme}:{pol}");
            let n = passages
                .rows
                .iter()
                .filter(|p| p[sh] == Cell::text(group.clone()))
                .filter(|p| matches!(&p[th], Cell::Text(t) if t.split(';').any(|x| x == label)))
                .count() as u64;
            assert_eq!(row[3], Cell::Int(n), "{group} {label}");
        }
    }

    #[test]
    fn jsonl_writes_one_passage_object_per_line() {
        let recs = test_records();
        let mut buf = Vec::new();
        write_jsonl(&recs, &mut buf).unwrap();
        let back: Vec<serde_json::Value> = String::from_utf8(buf)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back.len(), recs.len());
        for (v, r) in back.iter().zip(&recs) {
            assert_eq!(v, &serde_json::Value::Object(passage_json(r)));
            assert_eq!(v["passage_id"], r.passage_id);
            assert_eq!(v["source"], r.citation());
        }
    }
}
