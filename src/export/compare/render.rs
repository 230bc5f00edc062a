//! A [`Comparison`] as CSV tables (groups, pairs, trend: one table per output), as one JSON
//! document, and as aligned text for a terminal.
//!
//! CSV numbers: shares and interval bounds with 4 decimals, risk ratios and statistics with
//! 4, p-values in full ([`Cell::Exact`]), seconds with 1. An undefined value (a share without
//! units, a risk ratio with no tagged passage on either side) is an empty cell in CSV, `null`
//! in JSON and `–` on a terminal.

use super::compute::{Comparison, GroupRow, PairRow, Unit, SMALL_BELOW};
use crate::export::table::{Cell, Table};
use crate::stats::Interval;
use serde_json::{json, Value};

/// The columns of the group table; with `--cluster`, `CLUSTER_COLUMNS` follow.
pub const GROUP_COLUMNS: [&str; 9] = [
    "group",
    "passages",
    "tagged",
    "share",
    "ci_low",
    "ci_high",
    "small",
    "interval",
    "n_passages",
];
/// The columns the cluster bootstrap adds.
pub const CLUSTER_COLUMNS: [&str; 3] = ["clusters", "boot_low", "boot_high"];
/// The columns of the pair table.
pub const PAIR_COLUMNS: [&str; 16] = [
    "group_a",
    "group_b",
    "share_a",
    "share_b",
    "risk_ratio",
    "rr_low",
    "rr_high",
    "p_value",
    "p_holm",
    "test",
    "statistic",
    "rr_corrected",
    "tagged_a",
    "n_a",
    "tagged_b",
    "n_b",
];
/// The columns of the trend table (one row).
pub const TREND_COLUMNS: [&str; 7] = [
    "test",
    "years",
    "first_year",
    "last_year",
    "z",
    "chi_square",
    "p_value",
];

const D: usize = 4;
/// Groups with fewer clusters than this are marked on a terminal.
const FEW_CLUSTERS: u64 = 10;

fn amount(v: f64, unit: Unit) -> Cell {
    match unit {
        Unit::Time => Cell::Float(v, 1),
        Unit::Passages | Unit::Words => Cell::Int(v.round() as u64),
    }
}

fn opt_float(v: Option<f64>) -> Cell {
    v.filter(|x| x.is_finite())
        .map_or(Cell::Empty, |x| Cell::Float(x, D))
}

fn flag(b: bool) -> Cell {
    Cell::text(if b { "true" } else { "false" })
}

/// One row per group: `group,passages,tagged,share,ci_low,ci_high,small,interval,n_passages`
/// (`passages` and `tagged` hold words or seconds with `--unit words|time`), then
/// `clusters,boot_low,boot_high` with `--cluster`.
pub fn groups_table(c: &Comparison) -> Table {
    let clustered = c.options.cluster.is_some();
    let mut header = GROUP_COLUMNS.to_vec();
    if clustered {
        header.extend(CLUSTER_COLUMNS);
    }
    let mut t = Table::new(header);
    let unit = c.options.unit;
    for g in &c.groups {
        let mut row = vec![
            Cell::text(g.group.clone()),
            amount(g.units, unit),
            amount(g.tagged, unit),
            opt_float(g.share),
            opt_float(g.ci.map(|i| i.low)),
            opt_float(g.ci.map(|i| i.high)),
            flag(g.small),
            Cell::text(g.interval.as_str()),
            Cell::Int(g.passages),
        ];
        if clustered {
            row.push(Cell::opt_int(g.clusters));
            row.push(opt_float(g.boot.map(|i| i.low)));
            row.push(opt_float(g.boot.map(|i| i.high)));
        }
        t.rows.push(row);
    }
    t
}

/// One row per pair of groups (see [`PAIR_COLUMNS`]).
pub fn pairs_table(c: &Comparison) -> Table {
    let mut t = Table::new(PAIR_COLUMNS.to_vec());
    for p in &c.pairs {
        let rr = p.risk_ratio;
        t.rows.push(vec![
            Cell::text(p.group_a.clone()),
            Cell::text(p.group_b.clone()),
            Cell::Float(p.share_a, D),
            Cell::Float(p.share_b, D),
            opt_float(rr.map(|r| r.estimate)),
            opt_float(rr.map(|r| r.interval.low)),
            opt_float(rr.map(|r| r.interval.high)),
            Cell::Exact(p.test.p_value),
            Cell::Exact(p.p_holm),
            Cell::text(p.test.kind.as_str()),
            opt_float(p.test.statistic),
            rr.map_or(Cell::Empty, |r| flag(r.corrected)),
            Cell::Int(p.counts.a),
            Cell::Int(p.counts.n_a),
            Cell::Int(p.counts.b),
            Cell::Int(p.counts.n_b),
        ]);
    }
    t
}

/// The trend test as a one-row table (empty statistics when it could not be computed); no
/// row without `--by year`.
pub fn trend_table(c: &Comparison) -> Table {
    let mut t = Table::new(TREND_COLUMNS.to_vec());
    if let Some(trend) = &c.trend {
        let years: Vec<String> = trend.years.iter().map(u16::to_string).collect();
        let test = trend.test;
        t.rows.push(vec![
            Cell::text("cochran-armitage"),
            Cell::text(years.join(";")),
            Cell::opt_int(trend.years.first().map(|&y| u64::from(y))),
            Cell::opt_int(trend.years.last().map(|&y| u64::from(y))),
            opt_float(test.map(|x| x.z)),
            opt_float(test.map(|x| x.chi_square)),
            test.map_or(Cell::Empty, |x| Cell::Exact(x.p_value)),
        ]);
    }
    t
}

fn interval_json(i: Option<Interval>) -> (Value, Value) {
    match i {
        Some(i) => (json!(i.low), json!(i.high)),
        None => (Value::Null, Value::Null),
    }
}

fn amount_json(v: f64, unit: Unit) -> Value {
    match unit {
        Unit::Time => json!(v),
        Unit::Passages | Unit::Words => json!(v.round() as u64),
    }
}

fn group_json(g: &GroupRow, unit: Unit, clustered: bool) -> Value {
    let (lo, hi) = interval_json(g.ci);
    let mut v = json!({
        "group": g.group,
        "passages": amount_json(g.units, unit),
        "tagged": amount_json(g.tagged, unit),
        "share": g.share,
        "ci_low": lo,
        "ci_high": hi,
        "small": g.small,
        "interval": g.interval.as_str(),
        "n_passages": g.passages,
    });
    if clustered {
        let (blo, bhi) = interval_json(g.boot);
        v["clusters"] = json!(g.clusters);
        v["boot_low"] = blo;
        v["boot_high"] = bhi;
    }
    v
}

fn pair_json(p: &PairRow) -> Value {
    let rr = p.risk_ratio;
    json!({
        "group_a": p.group_a,
        "group_b": p.group_b,
        "share_a": p.share_a,
        "share_b": p.share_b,
        "risk_ratio": rr.map(|r| r.estimate),
        "rr_low": rr.map(|r| r.interval.low),
        "rr_high": rr.map(|r| r.interval.high),
        "p_value": p.test.p_value,
        "p_holm": p.p_holm,
        "test": p.test.kind.as_str(),
        "statistic": p.test.statistic,
        "rr_corrected": rr.map(|r| r.corrected),
        "tagged_a": p.counts.a,
        "n_a": p.counts.n_a,
        "tagged_b": p.counts.b,
        "n_b": p.counts.n_b,
    })
}

/// The whole comparison as one JSON object: what was compared (`by`, `theme`, `polarity`,
/// `unit`, `cluster`, `resamples`, `seed`, `small_below`), `groups` (the CSV columns as
/// fields), and `pairs` with `--pairwise`, `trend` with `--by year`.
pub fn comparison_json(c: &Comparison) -> Value {
    let o = &c.options;
    let clustered = o.cluster.is_some();
    let mut v = json!({
        "by": o.by.as_str(),
        "theme": o.outcome.theme,
        "polarity": o.outcome.polarity.map(|p| p.as_str()),
        "unit": o.unit.as_str(),
        "confidence": 0.95,
        "small_below": SMALL_BELOW,
        "cluster": o.cluster.map(|k| k.as_str()),
        "groups": c.groups.iter().map(|g| group_json(g, o.unit, clustered)).collect::<Vec<_>>(),
    });
    if clustered || o.unit != Unit::Passages {
        v["resamples"] = json!(o.resamples);
        v["seed"] = json!(o.seed);
    }
    if o.pairwise {
        v["pairs"] = Value::Array(c.pairs.iter().map(pair_json).collect());
    }
    if let Some(t) = &c.trend {
        v["trend"] = json!({
            "test": "cochran-armitage",
            "years": t.years,
            "z": t.test.map(|x| x.z),
            "chi_square": t.test.map(|x| x.chi_square),
            "p_value": t.test.map(|x| x.p_value),
        });
    }
    v
}

fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

fn interval_text(i: Option<Interval>) -> String {
    i.map_or("–".into(), |i| {
        format!("[{:>5}, {:>5}]", percent(i.low), percent(i.high))
    })
}

/// A p-value for reading: 4 decimals, or `< 0.0001`.
pub fn p_text(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".into()
    } else {
        format!("{p:.4}")
    }
}

/// Aligned columns: the first left-aligned, the others right-aligned except those in `left`.
fn align(header: &[&str], rows: &[Vec<String>], left: &[usize]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (k, cell) in row.iter().enumerate() {
            widths[k] = widths[k].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (k, cell) in cells.iter().enumerate() {
            let pad = widths[k].saturating_sub(cell.chars().count());
            if k > 0 {
                s.push_str("  ");
            }
            if k == 0 || left.contains(&k) {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

fn amount_text(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Time => format!("{v:.1}"),
        Unit::Passages | Unit::Words => format!("{}", v.round() as u64),
    }
}

/// The group table for a terminal: a title line, the groups (a `*` after small ones, with a
/// legend), the pairs with `--pairwise`, and the trend line with `--by year`.
pub fn render_comparison(c: &Comparison) -> String {
    let o = &c.options;
    let total: u64 = c.groups.iter().map(|g| g.passages).sum();
    let mut out = format!(
        "{} by {} · unit: {} · {} passages in {} groups\n",
        o.outcome.label(),
        o.by.as_str(),
        o.unit.as_str(),
        total,
        c.groups.len()
    );
    let ci_head = match o.unit {
        Unit::Passages => "95% Wilson CI",
        Unit::Words | Unit::Time => "95% bootstrap CI (passages)",
    };
    let cluster_head = o
        .cluster
        .map(|k| format!("{}s", k.as_str()))
        .unwrap_or_default();
    let mut header = vec![o.by.as_str(), o.unit.as_str(), "tagged", "share", ci_head];
    if o.cluster.is_some() {
        header.extend([cluster_head.as_str(), "95% cluster bootstrap CI"]);
    }
    header.push("");
    let rows: Vec<Vec<String>> = c
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![
                g.group.clone(),
                amount_text(g.units, o.unit),
                amount_text(g.tagged, o.unit),
                g.share.map_or("–".into(), percent),
                interval_text(g.ci),
            ];
            if o.cluster.is_some() {
                row.push(g.clusters.map_or(String::new(), |n| n.to_string()));
                row.push(interval_text(g.boot));
            }
            let few = g.clusters.is_some_and(|n| n < FEW_CLUSTERS);
            row.push(format!(
                "{}{}",
                if g.small { "*" } else { "" },
                if few { "‡" } else { "" }
            ));
            row
        })
        .collect();
    out.push_str(&align(&header, &rows, &[]));
    if c.groups.iter().any(|g| g.small) {
        out.push_str(&format!(
            "* fewer than {SMALL_BELOW} passages: the interval is wide, read with care\n"
        ));
    }
    if let Some(k) = o.cluster {
        if c.groups
            .iter()
            .any(|g| g.clusters.is_some_and(|n| n < FEW_CLUSTERS))
        {
            out.push_str(&format!(
                "‡ fewer than {FEW_CLUSTERS} {}s: the cluster bootstrap sees only these few, read it \
                 as rough\n",
                k.as_str()
            ));
        }
    }
    if o.unit != Unit::Passages || o.cluster.is_some() {
        out.push_str(&format!(
            "bootstrap: {} resamples, seed {}\n",
            o.resamples, o.seed
        ));
    }
    if let Some(t) = &c.trend {
        out.push_str(&trend_text(t));
    }
    if o.pairwise {
        out.push('\n');
        out.push_str(&render_pairs(c));
    }
    out
}

fn trend_text(t: &super::compute::YearTrend) -> String {
    let span = match (t.years.first(), t.years.last()) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => "no year".into(),
    };
    match t.test {
        Some(x) => format!(
            "trend over {span} (Cochran–Armitage, years as scores): z = {:.2}, chi-square = {:.2}, p = {} ({})\n",
            x.z,
            x.chi_square,
            p_text(x.p_value),
            if x.z >= 0.0 { "share rising" } else { "share falling" }
        ),
        None => format!(
            "trend over {span}: not computed (it needs two years or more and a share strictly between 0 and 1)\n"
        ),
    }
}

fn render_pairs(c: &Comparison) -> String {
    let mut out = format!(
        "pairwise, {} pairs: chi-square without continuity correction, Fisher's exact test \
         where an expected count is below 5; p adjusted by Holm across the pairs\n",
        c.pairs.len()
    );
    let header = [
        "group A",
        "group B",
        "share A",
        "share B",
        "risk ratio [95% CI]",
        "test",
        "p",
        "p (Holm)",
        "",
    ];
    let rows: Vec<Vec<String>> = c
        .pairs
        .iter()
        .map(|p| {
            let rr = p.risk_ratio.map_or("–".into(), |r| {
                format!(
                    "{:.2} [{:.2}, {:.2}]{}",
                    r.estimate,
                    r.interval.low,
                    r.interval.high,
                    if r.corrected { "†" } else { "" }
                )
            });
            vec![
                p.group_a.clone(),
                p.group_b.clone(),
                percent(p.share_a),
                percent(p.share_b),
                rr,
                p.test.kind.as_str().to_string(),
                p_text(p.test.p_value),
                p_text(p.p_holm),
                if p.small { "*".into() } else { String::new() },
            ]
        })
        .collect();
    out.push_str(&align(&header, &rows, &[1, 5]));
    if c.pairs
        .iter()
        .any(|p| p.risk_ratio.is_some_and(|r| r.corrected))
    {
        out.push_str("† a group had no tagged passage: 0.5 added to every cell\n");
    }
    if c.pairs.iter().any(|p| p.risk_ratio.is_none()) {
        out.push_str("– neither group had a tagged passage: no risk ratio\n");
    }
    if c.pairs.iter().any(|p| p.small) {
        out.push_str(&format!(
            "* a group has fewer than {SMALL_BELOW} passages\n"
        ));
    }
    out
}
