//! The bench's history (`benches/history.csv`, committed): one row per measured commit, with
//! the date, the commit, the machine (cores, CPU model), the corpus size, the ratios worth
//! comparing between runs, then the stage figures of 1 and 2 threads.
//!
//! Input: a run's [`Row`]s (those `bench` measured, or read back from the CSV an older bench
//! printed, see [`rows_from_csv`]). Output: a [`HistoryRow`], appended to a history file
//! ([`append`]) or read back from one ([`read`]). A file whose header is not exactly
//! [`HISTORY_COLUMNS`] is refused, never appended to or guessed at.
//!
//! Only 1 and 2 threads have columns ([`THREADS`]); a figure not measured in a run (another
//! thread count, no peer) is an empty cell.

use super::model::{Row, CSV_HEADER, PEER_STAGE};
use igf_lens::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::Path;

/// The thread counts a history row has columns for.
pub const THREADS: [usize; 2] = [1, 2];

/// The columns of a history file, in order: who and what was measured, the ratios, then per
/// thread count (`t1_`, `t2_`) the stage figures.
pub const HISTORY_COLUMNS: [&str; 41] = [
    "date",
    "commit",
    "cores",
    "cpu_model",
    "corpus_mb",
    "passages",
    // Ratios: machine-independent ones first (the figures `--check` compares).
    "t1_e2e_over_baseline",
    "t2_e2e_over_baseline",
    "scaling_2_over_1",
    "t1_tag_over_baseline",
    "t2_tag_over_baseline",
    "t1_tag_mb_s_per_thread",
    "t2_tag_mb_s_per_thread",
    "t1_peer_ratio",
    "t2_peer_ratio",
    "t1_peak_rss_mb",
    "t2_peak_rss_mb",
    // Stage figures, 1 thread.
    "t1_parse_mb_s",
    "t1_detect_mb_s",
    "t1_tag_mb_s",
    "t1_index_mb_s",
    "t1_end_to_end_s",
    "t1_end_to_end_mb_s",
    "t1_baseline_s",
    "t1_baseline_mb_s",
    "t1_reingest_s",
    "t1_query_p50_ms",
    "t1_query_p95_ms",
    "t1_peer_s",
    // Stage figures, 2 threads.
    "t2_parse_mb_s",
    "t2_detect_mb_s",
    "t2_tag_mb_s",
    "t2_index_mb_s",
    "t2_end_to_end_s",
    "t2_end_to_end_mb_s",
    "t2_baseline_s",
    "t2_baseline_mb_s",
    "t2_reingest_s",
    "t2_query_p50_ms",
    "t2_query_p95_ms",
    "t2_peer_s",
];

/// Columns before the figures.
const IDENTITY: usize = 6;

/// Which number of a stage's row a figure is.
type Pick = fn(&Row) -> f64;

/// Each stage figure: its column suffix, its stage, and which number of the stage's row.
const STAGE_FIGURES: [(&str, &str, Pick); 12] = [
    ("parse_mb_s", "parse", |r| r.mb_per_s),
    ("detect_mb_s", "detect", |r| r.mb_per_s),
    ("tag_mb_s", "tag", |r| r.mb_per_s),
    ("index_mb_s", "index", |r| r.mb_per_s),
    ("end_to_end_s", "end_to_end", |r| r.seconds),
    ("end_to_end_mb_s", "end_to_end", |r| r.mb_per_s),
    ("baseline_s", "baseline", |r| r.seconds),
    ("baseline_mb_s", "baseline", |r| r.mb_per_s),
    ("reingest_s", "reingest", |r| r.seconds),
    ("query_p50_ms", "query_p50_ms", |r| r.seconds),
    ("query_p95_ms", "query_p95_ms", |r| r.seconds),
    ("peer_s", PEER_STAGE, |r| r.seconds),
];

/// One measured run of one commit.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryRow {
    /// UTC, `2026-01-31T12:00:00Z`.
    pub date: String,
    pub commit: String,
    pub cores: usize,
    pub cpu_model: String,
    /// The corpus measured, in MB (the `end_to_end` row's).
    pub corpus_mb: f64,
    /// Passages indexed by the first ingest.
    pub passages: u64,
    /// Every figure measured, by column name (a missing one was not measured).
    pub figures: BTreeMap<String, f64>,
}

/// Who measured a run and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    pub date: String,
    pub commit: String,
    pub cores: usize,
    pub cpu_model: String,
}

impl HistoryRow {
    /// The history row of a run's rows: its ratios and stage figures at 1 and 2 threads.
    pub fn from_rows(rows: &[Row], who: Provenance) -> Result<HistoryRow> {
        let get = |t: usize, stage: &str| rows.iter().find(|r| r.threads == t && r.stage == stage);
        let e2e = THREADS
            .iter()
            .find_map(|&t| get(t, "end_to_end"))
            .ok_or_else(|| {
                Error::Other("bench: no end_to_end row at 1 or 2 threads: nothing to record".into())
            })?;
        let mut figures = BTreeMap::new();
        let mut put = |name: String, value: Option<f64>| {
            if let Some(v) = value.filter(|v| v.is_finite()) {
                figures.insert(name, v);
            }
        };
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        for t in THREADS {
            let pps = |s: &str| get(t, s).map(|r| r.passages_per_s);
            let mbs = |s: &str| get(t, s).map(|r| r.mb_per_s);
            let secs = |s: &str| get(t, s).map(|r| r.seconds);
            put(
                format!("t{t}_e2e_over_baseline"),
                ratio(pps("end_to_end"), pps("baseline")),
            );
            put(
                format!("t{t}_tag_over_baseline"),
                ratio(mbs("tag"), mbs("baseline")),
            );
            put(
                format!("t{t}_tag_mb_s_per_thread"),
                mbs("tag").map(|m| m / t as f64),
            );
            put(
                format!("t{t}_peer_ratio"),
                ratio(secs(PEER_STAGE), secs("end_to_end")),
            );
            put(
                format!("t{t}_peak_rss_mb"),
                get(t, "end_to_end").and_then(|r| r.peak_rss_mb),
            );
            for (suffix, stage, value) in STAGE_FIGURES {
                put(format!("t{t}_{suffix}"), get(t, stage).map(value));
            }
        }
        put(
            "scaling_2_over_1".into(),
            ratio(
                get(2, "end_to_end").map(|r| r.mb_per_s),
                get(1, "end_to_end").map(|r| r.mb_per_s),
            ),
        );
        Ok(HistoryRow {
            date: who.date,
            commit: who.commit,
            cores: who.cores,
            cpu_model: who.cpu_model,
            corpus_mb: e2e.mb,
            passages: (e2e.passages_per_s * e2e.seconds).round() as u64,
            figures,
        })
    }

    /// A figure, if it was measured.
    pub fn figure(&self, column: &str) -> Option<f64> {
        self.figures.get(column).copied()
    }

    /// The row's cells, in [`HISTORY_COLUMNS`] order.
    fn cells(&self) -> Vec<String> {
        let mut cells = vec![
            self.date.clone(),
            self.commit.clone(),
            self.cores.to_string(),
            self.cpu_model.clone(),
            format!("{:.1}", self.corpus_mb),
            self.passages.to_string(),
        ];
        for column in &HISTORY_COLUMNS[IDENTITY..] {
            cells.push(
                self.figure(column)
                    .map_or(String::new(), |v| format!("{v:.3}")),
            );
        }
        cells
    }

    fn parse(cells: &csv::StringRecord, at: &str) -> Result<HistoryRow> {
        let bad = |column: &str, value: &str| {
            Error::Other(format!("{at}: {column} {value:?} is not a number"))
        };
        let cell = |i: usize| cells.get(i).unwrap_or("").trim();
        let number = |i: usize| -> Result<f64> {
            cell(i)
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(HISTORY_COLUMNS[i], cell(i)))
        };
        let mut figures = BTreeMap::new();
        for (i, column) in HISTORY_COLUMNS.iter().enumerate().skip(IDENTITY) {
            if !cell(i).is_empty() {
                figures.insert((*column).to_string(), number(i)?);
            }
        }
        if cell(0).is_empty() || cell(1).is_empty() {
            return Err(Error::Other(format!("{at}: no date or no commit")));
        }
        Ok(HistoryRow {
            date: cell(0).into(),
            commit: cell(1).into(),
            cores: cell(2).parse().map_err(|_| bad("cores", cell(2)))?,
            cpu_model: cell(3).into(),
            corpus_mb: number(4)?,
            passages: cell(5).parse().map_err(|_| bad("passages", cell(5)))?,
            figures,
        })
    }
}

/// The header line of a history file.
pub fn history_header() -> String {
    HISTORY_COLUMNS.join(",")
}

/// Appends `row` to the history at `path`, writing the header first when the file is new or
/// empty. A file with another header is refused (the error says how to go on).
pub fn append(path: &Path, row: &HistoryRow) -> Result<()> {
    use std::io::Write;
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut text = Vec::new();
    if existing.trim().is_empty() {
        text.extend_from_slice(history_header().as_bytes());
        text.push(b'\n');
    } else {
        check_header(path, existing.lines().next().unwrap_or(""))?;
        if !existing.ends_with('\n') {
            text.push(b'\n');
        }
    }
    {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(&mut text);
        w.write_record(row.cells())
            .and_then(|()| w.flush().map_err(csv::Error::from))
            .map_err(|e| Error::Other(format!("{}: {e}", path.display())))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    file.write_all(&text).map_err(|e| Error::io(path, e))
}

/// Every row of the history at `path`, oldest first. A missing file, another header or a cell
/// that does not read is an error naming the file and line.
pub fn read(path: &Path) -> Result<Vec<HistoryRow>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    check_header(path, text.lines().next().unwrap_or(""))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let at = format!("{} line {}", path.display(), i + 2);
        let record = record.map_err(|e| Error::Other(format!("{at}: {e}")))?;
        if record.len() != HISTORY_COLUMNS.len() {
            return Err(Error::Other(format!(
                "{at}: {} cells where the header has {}",
                record.len(),
                HISTORY_COLUMNS.len()
            )));
        }
        rows.push(HistoryRow::parse(&record, &at)?);
    }
    Ok(rows)
}

fn check_header(path: &Path, first: &str) -> Result<()> {
    let header = history_header();
    if first.trim_end_matches('\r') == header {
        return Ok(());
    }
    let theirs: Vec<&str> = first.split(',').collect();
    let at = HISTORY_COLUMNS
        .iter()
        .zip(theirs.iter().chain(std::iter::repeat(&"")))
        .position(|(a, b)| a != b)
        .unwrap_or(HISTORY_COLUMNS.len());
    Err(Error::Other(format!(
        "{} is not a history of this bench: its header differs from this version's at column {} \
         ({:?} where {:?} is expected); give a new file, or convert the old one (see \
         docs/performance.md, \"The history\")",
        path.display(),
        at + 1,
        theirs.get(at).copied().unwrap_or(""),
        HISTORY_COLUMNS.get(at).copied().unwrap_or("(end of line)")
    )))
}

/// A run read back from CSV, with the date, commit and cores the file named, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvRun {
    pub rows: Vec<Row>,
    /// Date, commit and cores when the file had them.
    pub date: Option<String>,
    pub commit: Option<String>,
    pub cores: Option<usize>,
}

/// Header of the per-stage history that `bench --record` wrote before this format (issue 21).
pub const OLD_RECORD_HEADER: &str =
    "date,commit,cores,threads,stage,mb,seconds,mb_per_s,passages_per_s,peak_rss_mb";

/// The rows of a run printed by `bench --format csv` ([`CSV_HEADER`]), or of one run in an
/// older per-stage `--record` file ([`OLD_RECORD_HEADER`], which adds date, commit and cores):
/// how runs of commits whose bench predates the history are converted.
pub fn rows_from_csv(text: &str, what: &str) -> Result<CsvRun> {
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    let prefixed = match first {
        CSV_HEADER => false,
        OLD_RECORD_HEADER => true,
        _ => {
            return Err(Error::Other(format!(
                "{what}: not the CSV of a bench run (its header should be {CSV_HEADER:?} or \
                 {OLD_RECORD_HEADER:?})"
            )))
        }
    };
    let skip = if prefixed { 3 } else { 0 };
    let mut run = CsvRun {
        rows: Vec::new(),
        date: None,
        commit: None,
        cores: None,
    };
    for (i, line) in text.lines().enumerate().skip(1) {
        let at = format!("{what} line {}", i + 1);
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != 7 + skip {
            return Err(Error::Other(format!(
                "{at}: {} cells, {} expected",
                cells.len(),
                7 + skip
            )));
        }
        if prefixed {
            let who = (cells[0].to_string(), cells[1].to_string());
            let cores = cells[2]
                .parse()
                .map_err(|_| Error::Other(format!("{at}: cores {:?}", cells[2])))?;
            if run.date.as_ref().is_some_and(|d| *d != who.0)
                || run.commit.as_ref().is_some_and(|c| *c != who.1)
            {
                return Err(Error::Other(format!(
                    "{what} holds more than one run (a new date or commit at line {}); keep the \
                     lines of one run",
                    i + 1
                )));
            }
            (run.date, run.commit, run.cores) = (Some(who.0), Some(who.1), Some(cores));
        }
        run.rows.push(parse_stage_row(&cells[skip..], &at)?);
    }
    if run.rows.is_empty() {
        return Err(Error::Other(format!("{what}: no rows")));
    }
    Ok(run)
}

fn parse_stage_row(cells: &[&str], at: &str) -> Result<Row> {
    let num = |i: usize, name: &str| -> Result<f64> {
        cells[i]
            .parse::<f64>()
            .map_err(|_| Error::Other(format!("{at}: {name} {:?} is not a number", cells[i])))
    };
    Ok(Row {
        threads: cells[0]
            .parse()
            .map_err(|_| Error::Other(format!("{at}: threads {:?}", cells[0])))?,
        stage: cells[1].to_string(),
        mb: num(2, "mb")?,
        seconds: num(3, "seconds")?,
        // empty in latency rows
        mb_per_s: if cells[4].is_empty() {
            0.0
        } else {
            num(4, "mb_per_s")?
        },
        passages_per_s: if cells[5].is_empty() {
            0.0
        } else {
            num(5, "passages_per_s")?
        },
        peak_rss_mb: if cells[6].is_empty() {
            None
        } else {
            Some(num(6, "peak_rss_mb")?)
        },
        cpu_seconds: 0.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(threads: usize, stage: &str, seconds: f64, mb_per_s: f64, pps: f64) -> Row {
        Row {
            threads,
            stage: stage.into(),
            mb: 100.0,
            seconds,
            mb_per_s,
            passages_per_s: pps,
            peak_rss_mb: Some(200.0 + threads as f64),
            cpu_seconds: 0.0,
        }
    }

    fn who() -> Provenance {
        Provenance {
            date: "2026-01-02T03:04:05Z".into(),
            commit: "abc1234".into(),
            cores: 2,
            cpu_model: "Some CPU, 2 GHz".into(),
        }
    }

    fn run_rows() -> Vec<Row> {
        vec![
            row(1, "tag", 1.0, 100.0, 1.0),
            row(1, "end_to_end", 10.0, 10.0, 20_000.0),
            row(1, "baseline", 8.0, 12.5, 25_000.0),
            row(1, PEER_STAGE, 12.0, 8.0, 1.0),
            row(2, "tag", 1.0, 180.0, 1.0),
            row(2, "end_to_end", 5.5, 18.0, 36_000.0),
            row(2, "baseline", 4.0, 22.5, 45_000.0),
        ]
    }

    #[test]
    fn ratios_come_from_the_stage_rows() {
        let h = HistoryRow::from_rows(&run_rows(), who()).unwrap();
        let f = |c: &str| h.figure(c);
        assert_eq!(f("t1_e2e_over_baseline"), Some(0.8));
        assert_eq!(f("t2_e2e_over_baseline"), Some(0.8));
        assert_eq!(f("scaling_2_over_1"), Some(1.8));
        assert_eq!(f("t1_tag_over_baseline"), Some(8.0));
        assert_eq!(f("t2_tag_mb_s_per_thread"), Some(90.0));
        assert_eq!(f("t1_peer_ratio"), Some(1.2));
        assert_eq!(f("t2_peer_ratio"), None, "no peer at 2 threads");
        assert_eq!(f("t1_peak_rss_mb"), Some(201.0));
        assert_eq!(f("t2_end_to_end_s"), Some(5.5));
        assert_eq!(f("t1_parse_mb_s"), None, "not measured");
        assert_eq!(h.corpus_mb, 100.0);
        assert_eq!(h.passages, 200_000);
    }

    #[test]
    fn rows_append_and_read_back_and_other_headers_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.csv");
        let h = HistoryRow::from_rows(&run_rows(), who()).unwrap();
        append(&path, &h).unwrap();
        append(&path, &h).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().next(), Some(history_header().as_str()));
        assert!(text.contains("\"Some CPU, 2 GHz\""), "{text}");
        let back = read(&path).unwrap();
        assert_eq!(back, vec![h.clone(), h.clone()]);

        let other = dir.path().join("old.csv");
        std::fs::write(&other, format!("{OLD_RECORD_HEADER}\n")).unwrap();
        let err = append(&other, &h).unwrap_err().to_string();
        assert!(
            err.contains("header differs") && err.contains("column 4"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&other).unwrap().lines().count(), 1);
        assert!(read(&other).is_err());
        assert!(read(&dir.path().join("missing.csv")).is_err());

        let garbled = dir.path().join("garbled.csv");
        std::fs::write(
            &garbled,
            format!("{}\n2026,abc,2,x,ten,5\n", history_header()),
        )
        .unwrap();
        let err = read(&garbled).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn old_csv_runs_convert() {
        let csv = format!(
            "{CSV_HEADER}\n1,end_to_end,100.000,10.0000,10.000,20000.0,190.5\n\
             1,baseline,80.000,8.0000,10.000,25000.0,\n"
        );
        let run = rows_from_csv(&csv, "run.csv").unwrap();
        assert_eq!(run.rows.len(), 2);
        assert_eq!(run.commit, None);
        assert_eq!(run.rows[1].peak_rss_mb, None);
        let old = format!(
            "{OLD_RECORD_HEADER}\n2025-01-01T00:00:00Z,e5883e0,2,1,end_to_end,100.0,10.0,10.0,20000.0,190.5\n"
        );
        let run = rows_from_csv(&old, "old.csv").unwrap();
        assert_eq!(run.commit.as_deref(), Some("e5883e0"));
        assert_eq!(run.cores, Some(2));
        let two = format!(
            "{old}2025-01-02T00:00:00Z,d0e74bc,2,1,end_to_end,100.0,10.0,10.0,20000.0,190.5\n"
        );
        assert!(rows_from_csv(&two, "two.csv").is_err());
        assert!(rows_from_csv("a,b\n", "x.csv").is_err());
    }
}
