//! A bench's results as text: CSV rows, and an aligned table with the ratios worth comparing
//! between runs.
//!
//! Input: [`Row`]s and a [`Report`]. Output: strings (the history file is `history`'s). The
//! ratios are printed as measured, with no verdict: what counts as good enough is for the
//! reader (and the project's issues) to say, not the tool.

use super::model::{Report, Row, CSV_HEADER, PEER_STAGE};
use std::fmt::Write as _;

fn fmt_num(x: f64) -> String {
    if x >= 100.0 {
        format!("{x:.0}")
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

/// A row as CSV; a latency row (`query_p50_ms`, …) leaves `mb_per_s` and `passages_per_s`
/// empty: a query's latency is not a throughput.
pub(crate) fn csv_line(r: &Row) -> String {
    let (mbs, pps) = if r.stage.ends_with("_ms") {
        (String::new(), String::new())
    } else {
        (
            format!("{:.3}", r.mb_per_s),
            format!("{:.1}", r.passages_per_s),
        )
    };
    format!(
        "{},{},{:.3},{:.4},{mbs},{pps},{}",
        r.threads,
        r.stage,
        r.mb,
        r.seconds,
        r.peak_rss_mb.map_or(String::new(), |p| format!("{p:.1}"))
    )
}

/// The rows as CSV with [`CSV_HEADER`].
pub fn render_csv(rows: &[Row]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push('\n');
    for r in rows {
        out.push_str(&csv_line(r));
        out.push('\n');
    }
    out
}

/// The rows as an aligned table, followed by the ratios worth comparing between runs.
pub fn render_table(report: &Report, cores: usize) -> String {
    let mut out = String::new();
    if let Some(factor) = report.slow_ingest {
        let _ = writeln!(
            out,
            "TEST HOOK --test-slow-ingest {factor}: end_to_end was slowed on purpose; these \
             figures measure nothing"
        );
    }
    let _ = writeln!(
        out,
        "synthetic corpus: {:.1} MB, {} sessions (seed {}); {cores} cores",
        report.corpus_bytes as f64 / 1e6,
        report.sessions,
        report.seed
    );
    let _ = writeln!(
        out,
        "{:>7}  {:<12} {:>9} {:>10} {:>9} {:>12} {:>11} {:>8}",
        "threads", "stage", "MB", "seconds", "MB/s", "passages/s", "peak RSS MB", "CPU s"
    );
    for r in &report.rows {
        let latency = r.stage.ends_with("_ms");
        let _ = writeln!(
            out,
            "{:>7}  {:<12} {:>9.1} {:>10} {:>9} {:>12} {:>11} {:>8}",
            r.threads,
            r.stage,
            r.mb,
            if latency {
                format!("{:.2} ms", r.seconds)
            } else {
                format!("{:.2}", r.seconds)
            },
            if latency {
                "-".into()
            } else {
                fmt_num(r.mb_per_s)
            },
            if latency {
                "-".into()
            } else {
                format!("{:.0}", r.passages_per_s)
            },
            r.peak_rss_mb.map_or("?".into(), |p| format!("{p:.0}")),
            if latency {
                "-".into()
            } else {
                format!("{:.1}", r.cpu_seconds)
            }
        );
    }
    out.push_str(
        "\nMB: parse, end_to_end and reingest count corpus files; detect the turn text; tag, \
         index and baseline the passage text.\nEach phase of N threads \
         runs in its own process pinned to N cores (when the machine has more).\nCPU s: all \
         threads of the phase's process, user + system (other load on the machine barely \
         changes it, unlike seconds); for parse, detect and tag, the CPU time of the threads \
         doing the stage, and seconds = that / N (they run in a pass of their own, before \
         the index row's).\n",
    );
    match &report.peer {
        Some(peer) => {
            let _ = writeln!(
                out,
                "peer: {} (tantivy-cli) indexing the baseline's passages as JSON, same cores, \
                 threads and memory budget; its seconds are `tantivy index`'s, its peak RSS is \
                 tantivy-cli's.\n",
                peer.display()
            );
        }
        None => out.push_str(
            "peer: not measured in this run (--no-peer, or no tantivy-cli: `cargo install \
             tantivy-cli` puts `tantivy` on PATH, or give --peer PATH).\n\n",
        ),
    }
    for (threads, budget) in &report.budgets {
        out.push_str(&ratios(report, *threads, *budget));
    }
    let ts: Vec<usize> = report.budgets.iter().map(|b| b.0).collect();
    if let (Some(&one), Some(&two)) = (ts.iter().find(|&&t| t == 1), ts.iter().find(|&&t| t == 2)) {
        if let (Some(a), Some(b)) = (report.row(one, "end_to_end"), report.row(two, "end_to_end")) {
            let scale = b.mb_per_s / a.mb_per_s.max(1e-9);
            let _ = writeln!(out, "end_to_end scaling, 2 threads / 1 thread = {scale:.2}");
        }
    }
    out
}

/// The ratios of one thread count: end to end against the baseline, tagging per thread, the
/// second ingest against the first, peak memory against the writer's budget.
fn ratios(report: &Report, t: usize, budget: usize) -> String {
    let mut out = String::new();
    let get = |s: &str| report.row(t, s);
    if let (Some(e), Some(b)) = (get("end_to_end"), get("baseline")) {
        let ratio = e.passages_per_s / b.passages_per_s.max(1e-9);
        let _ = writeln!(
            out,
            "{t} thread(s): end_to_end / baseline = {ratio:.2} (passages/s)"
        );
    }
    if let Some(tag) = get("tag") {
        let per_thread = tag.mb_per_s / t as f64;
        let _ = writeln!(out, "{t} thread(s): tag = {per_thread:.0} MB/s per thread");
    }
    if let (Some(e), Some(r)) = (get("end_to_end"), get("reingest")) {
        let share = r.seconds / e.seconds.max(1e-9);
        let _ = writeln!(
            out,
            "{t} thread(s): reingest / end_to_end time = {:.1} %",
            share * 100.0
        );
    }
    if let (Some(e), Some(p)) = (get("end_to_end"), get(PEER_STAGE)) {
        let ratio = p.seconds / e.seconds.max(1e-9);
        let _ = writeln!(
            out,
            "{t} thread(s): peer / end_to_end time = {ratio:.2} (above 1: igf-lens's whole \
             ingest is faster than tantivy-cli indexing its passages)"
        );
    }
    if let Some(peak) = get("end_to_end").and_then(|e| e.peak_rss_mb) {
        let _ = writeln!(
            out,
            "{t} thread(s): end_to_end peak RSS = {peak:.0} MB, writer budget {:.0} MB",
            budget as f64 / 1e6
        );
    }
    out
}

/// `2025-06-23T09:05:00Z` for a time given in seconds since the Unix epoch.
pub fn utc_timestamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = crate::synth::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::super::model::Measurement;
    use super::*;

    #[test]
    fn timestamps_are_utc_iso() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
        ];
        for (secs, want) in cases {
            assert_eq!(utc_timestamp(secs), want);
        }
    }

    #[test]
    fn latency_rows_carry_milliseconds() {
        let m = Measurement {
            stage: "query_p50_ms".into(),
            bytes: 2_000_000,
            seconds: 0.004,
            passages: 100,
            cpu_seconds: 0.0,
        };
        let r = Row::from_measurement(2, &m, Some(50.0));
        assert_eq!(r.seconds, 4.0);
        assert_eq!(r.mb, 2.0);
        assert_eq!(r.mb_per_s, 500.0);
        assert_eq!(r.passages_per_s, 25_000.0);
        assert_eq!(csv_line(&r), "2,query_p50_ms,2.000,4.0000,,,50.0");
    }
}
