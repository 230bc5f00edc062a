//! `bench --check`: this run's machine-independent figures against the median of the last
//! rows of a history measured on a corpus of about the same size.
//!
//! Input: the history's rows and this run's row ([`HistoryRow`]). Output: a [`CheckReport`],
//! one line per figure of [`CHECKED`] with its verdict, rendered as a table. The figures are
//! ratios between phases of one run, so a slower or faster machine moves them far less than
//! it moves seconds; all of them are better when higher. A figure more than [`MAX_DROP`] below
//! the median is a drop. This module decides nothing else (no absolute target).

use super::history::HistoryRow;
use igf_lens::error::{Error, Result};
use std::fmt::Write as _;

/// The figures compared, all higher-is-better.
pub const CHECKED: [&str; 5] = [
    "t1_e2e_over_baseline",
    "t2_e2e_over_baseline",
    "scaling_2_over_1",
    "t1_tag_over_baseline",
    "t2_tag_over_baseline",
];

/// How many of the history's last rows (at about this run's corpus size) make the median.
pub const LAST_ROWS: usize = 5;

/// A figure this much below the median (as a fraction of it) is a drop.
pub const MAX_DROP: f64 = 0.10;

/// How far a history row's corpus size may be from this run's (as a fraction) to be compared.
pub const SIZE_TOLERANCE: f64 = 0.10;

/// The outcome for one figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Ok,
    Drop,
    /// Missing from this run or from every compared history row.
    NotCompared,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Drop => "DROP",
            Verdict::NotCompared => "not compared",
        }
    }
}

/// One figure's comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckLine {
    pub figure: &'static str,
    pub median: Option<f64>,
    pub this: Option<f64>,
    /// this / median − 1.
    pub change: Option<f64>,
    pub verdict: Verdict,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub lines: Vec<CheckLine>,
    /// The commits of the history rows the medians come from, oldest first.
    pub compared: Vec<String>,
    pub corpus_mb: f64,
}

impl CheckReport {
    /// Whether any figure dropped.
    pub fn dropped(&self) -> bool {
        self.lines.iter().any(|l| l.verdict == Verdict::Drop)
    }

    /// The table `--check` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "check: this run against the median of {} history row(s) at about {:.0} MB ({}); \
             a drop is more than {:.0} % below the median",
            self.compared.len(),
            self.corpus_mb,
            self.compared.join(", "),
            MAX_DROP * 100.0
        );
        let _ = writeln!(
            out,
            "{:<22} {:>17} {:>9} {:>8}  verdict",
            "figure", "median of history", "this run", "change"
        );
        let num = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.3}"));
        for l in &self.lines {
            let _ = writeln!(
                out,
                "{:<22} {:>17} {:>9} {:>8}  {}",
                l.figure,
                num(l.median),
                num(l.this),
                l.change
                    .map_or("-".into(), |c| format!("{:+.1} %", c * 100.0)),
                l.verdict.as_str()
            );
        }
        out
    }
}

/// Compares `this` with the median of the last [`LAST_ROWS`] rows of `history` measured on the
/// same CPU model, whose corpus is within [`SIZE_TOLERANCE`] of this run's. An error when no row is comparable or no figure
/// could be compared.
pub fn check(history: &[HistoryRow], this: &HistoryRow) -> Result<CheckReport> {
    if history.is_empty() {
        return Err(Error::Other(
            "the history holds no rows to compare with".into(),
        ));
    }
    let near =
        |h: &&HistoryRow| (h.corpus_mb - this.corpus_mb).abs() <= SIZE_TOLERANCE * this.corpus_mb;
    let same_size: Vec<&HistoryRow> = history.iter().filter(near).collect();
    if same_size.is_empty() {
        let mut sizes: Vec<String> = history
            .iter()
            .map(|h| format!("{:.0}", h.corpus_mb))
            .collect();
        sizes.dedup();
        return Err(Error::Other(format!(
            "no history row was measured on a corpus of about {:.0} MB (the history has {} MB); \
             run the bench with --mb of one of those",
            this.corpus_mb,
            sizes.join(", ")
        )));
    }
    // The ratios differ between CPU models (a tantivy-only baseline does not move as the
    // pipeline's stages do), so only runs of this machine's model are compared.
    let same_size: Vec<&HistoryRow> = same_size
        .iter()
        .copied()
        .filter(|h| h.cpu_model == this.cpu_model)
        .collect();
    if same_size.is_empty() {
        let mut models: Vec<&str> = history.iter().map(|h| h.cpu_model.as_str()).collect();
        models.sort_unstable();
        models.dedup();
        return Err(Error::Other(format!(
            "no history row at about {:.0} MB was measured on this CPU model ({}; the history \
             has {}): the ratios differ between CPU models, so they are compared on one model \
             only; record a first row on this machine with --record",
            this.corpus_mb,
            this.cpu_model,
            models.join(", ")
        )));
    }
    let last = &same_size[same_size.len().saturating_sub(LAST_ROWS)..];
    let lines: Vec<CheckLine> = CHECKED
        .iter()
        .map(|&figure| {
            let mut values: Vec<f64> = last.iter().filter_map(|h| h.figure(figure)).collect();
            let median = median(&mut values);
            let this = this.figure(figure);
            let change = match (this, median) {
                (Some(t), Some(m)) if m > 0.0 => Some(t / m - 1.0),
                _ => None,
            };
            let verdict = match change {
                None => Verdict::NotCompared,
                Some(c) if c < -MAX_DROP => Verdict::Drop,
                Some(_) => Verdict::Ok,
            };
            CheckLine {
                figure,
                median,
                this,
                change,
                verdict,
            }
        })
        .collect();
    if lines.iter().all(|l| l.verdict == Verdict::NotCompared) {
        return Err(Error::Other(
            "no figure could be compared: this run and the history rows share none of the \
             checked figures (measure 1 and 2 threads)"
                .into(),
        ));
    }
    Ok(CheckReport {
        lines,
        compared: last.iter().map(|h| h.commit.clone()).collect(),
        corpus_mb: this.corpus_mb,
    })
}

/// The median (the mean of the middle two for an even count), `None` when empty.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn row(commit: &str, mb: f64, figures: &[(&str, f64)]) -> HistoryRow {
        HistoryRow {
            date: "2026-01-01T00:00:00Z".into(),
            commit: commit.into(),
            cores: 2,
            cpu_model: "cpu".into(),
            corpus_mb: mb,
            passages: 1,
            figures: figures
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }

    #[test]
    fn a_drop_beyond_ten_percent_of_the_median_of_the_last_rows_fails() {
        let e2e = "t1_e2e_over_baseline";
        // The oldest row (0.1) is beyond the last five; the 1000 MB row is another size.
        let mut history = vec![row("old", 100.0, &[(e2e, 0.1)])];
        for (i, v) in [1.0, 0.9, 1.1, 1.0, 1.2].iter().enumerate() {
            history.push(row(&format!("c{i}"), 100.0, &[(e2e, *v)]));
        }
        history.push(row("big", 1000.0, &[(e2e, 5.0)]));
        let ok = check(&history, &row("now", 101.0, &[(e2e, 0.91)])).unwrap();
        assert_eq!(ok.compared, ["c0", "c1", "c2", "c3", "c4"]);
        assert_eq!(ok.lines[0].median, Some(1.0));
        assert_eq!(ok.lines[0].verdict, Verdict::Ok);
        assert_eq!(ok.lines[1].verdict, Verdict::NotCompared);
        assert!(!ok.dropped());
        let bad = check(&history, &row("now", 99.0, &[(e2e, 0.89)])).unwrap();
        assert!(bad.dropped());
        let table = bad.render();
        assert!(
            table.contains("t1_e2e_over_baseline") && table.contains("DROP"),
            "{table}"
        );
        assert!(table.contains("-11.0 %"), "{table}");
    }

    #[test]
    fn nothing_comparable_is_an_error() {
        let history = vec![row("a", 100.0, &[("t1_e2e_over_baseline", 1.0)])];
        assert!(check(&[], &row("now", 100.0, &[])).is_err());
        let err = check(
            &history,
            &row("now", 500.0, &[("t1_e2e_over_baseline", 1.0)]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("about 500 MB") && err.contains("100"), "{err}");
        assert!(check(&history, &row("now", 100.0, &[("scaling_2_over_1", 2.0)])).is_err());
        // Rows of another CPU model are not compared with.
        let mut elsewhere = row("now", 100.0, &[("t1_e2e_over_baseline", 1.0)]);
        elsewhere.cpu_model = "Other CPU".into();
        let err = check(&history, &elsewhere).unwrap_err().to_string();
        assert!(err.contains("Other CPU") && err.contains("cpu"), "{err}");
    }
}
