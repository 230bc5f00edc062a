//! `bench --plot FILE.svg`: the history's ratios over its rows (one per measured commit, oldest
//! on the left), as an SVG chart drawn with plotters.
//!
//! Input: [`HistoryRow`]s. Output: SVG text ([`plot_svg`]) or a file ([`write_plot`]). Two
//! panels share the commit axis: the ratios near 1 (end to end against the baseline, 2-thread
//! scaling, the peer's time against igf-lens's) on top, tagging against the baseline (near
//! 10) below. Each ratio of [`SERIES`] is one line (broken where a row lacks it) with a dot per
//! row, named once in the legend; a ratio no row has is listed as not measured. Every row is
//! named under both panels by its commit and corpus size. Only the ratio lines are drawn 2
//! pixels wide (`stroke-width="2"`), which is how the tests count them.

use super::history::HistoryRow;
use igf_lens::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Which panel a series is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// Ratios near 1.
    Top,
    /// Tagging throughput against the baseline's (near 10).
    Bottom,
}

/// The ratios drawn: history column, legend label, panel.
pub const SERIES: [(&str, &str, Panel); 7] = [
    (
        "t1_e2e_over_baseline",
        "end_to_end / baseline, 1 thread",
        Panel::Top,
    ),
    (
        "t2_e2e_over_baseline",
        "end_to_end / baseline, 2 threads",
        Panel::Top,
    ),
    (
        "scaling_2_over_1",
        "scaling, end_to_end 2 threads / 1 thread",
        Panel::Top,
    ),
    (
        "t1_peer_ratio",
        "peer time / igf-lens time, 1 thread",
        Panel::Top,
    ),
    (
        "t2_peer_ratio",
        "peer time / igf-lens time, 2 threads",
        Panel::Top,
    ),
    (
        "t1_tag_over_baseline",
        "tag / baseline MB/s, 1 thread",
        Panel::Bottom,
    ),
    (
        "t2_tag_over_baseline",
        "tag / baseline MB/s, 2 threads",
        Panel::Bottom,
    ),
];

const COLORS: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(23, 190, 207),
    RGBColor(140, 86, 75),
];

fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font())
}

fn plot_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Other(format!("cannot draw the history chart: {e:?}"))
}

/// Writes the chart of `rows` to `path` (atomically).
pub fn write_plot(rows: &[HistoryRow], path: &Path) -> Result<()> {
    let svg = plot_svg(rows)?;
    igf_lens::disk::write_bytes(path, svg.as_bytes())
}

/// The chart of `rows` as SVG text.
pub fn plot_svg(rows: &[HistoryRow]) -> Result<String> {
    if rows.is_empty() {
        return Err(Error::Other("the history holds no rows to draw".into()));
    }
    let (w, h) = (1200u32, 820u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let root = root
            .titled(
                "igf-lens bench history: ratios between phases of each run, per commit",
                font(18),
            )
            .map_err(plot_err)?;
        let (charts, legend) = root.split_horizontally(w - 330);
        let (top, bottom) = charts.split_vertically(h * 11 / 20);
        draw_panel(&top, rows, Panel::Top, "ratio")?;
        draw_panel(&bottom, rows, Panel::Bottom, "tag / baseline")?;
        draw_legend(&legend, rows)?;
        root.present().map_err(plot_err)?;
    }
    Ok(svg)
}

fn draw_panel(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    rows: &[HistoryRow],
    panel: Panel,
    y_desc: &str,
) -> Result<()> {
    let series: Vec<(usize, &str)> = SERIES
        .iter()
        .enumerate()
        .filter(|(_, s)| s.2 == panel)
        .map(|(i, s)| (i, s.0))
        .collect();
    let ymax = series
        .iter()
        .flat_map(|(_, col)| rows.iter().filter_map(|r| r.figure(col)))
        .fold(1.0f64, f64::max)
        * 1.15;
    let n = rows.len() as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(46)
        .y_label_area_size(60)
        .build_cartesian_2d(-0.5f64..n - 0.5, 0f64..ymax)
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .x_labels(0)
        .disable_x_mesh()
        .y_desc(y_desc)
        .axis_desc_style(font(13))
        .label_style(font(12))
        .draw()
        .map_err(plot_err)?;
    for (i, column) in series {
        let color = COLORS[i % COLORS.len()];
        let points: Vec<Option<(f64, f64)>> = rows
            .iter()
            .enumerate()
            .map(|(x, r)| r.figure(column).map(|y| (x as f64, y)))
            .collect();
        // One line through the rows that have the figure, broken where one lacks it.
        for run in points.split(|p| p.is_none()).filter(|run| run.len() > 1) {
            chart
                .draw_series(LineSeries::new(
                    run.iter().flatten().copied(),
                    color.stroke_width(2),
                ))
                .map_err(plot_err)?;
        }
        chart
            .draw_series(
                points
                    .iter()
                    .flatten()
                    .map(|&p| Circle::new(p, 4, color.filled())),
            )
            .map_err(plot_err)?;
    }
    // Positions on the whole canvas, made relative to this panel.
    let (ox, oy) = area.get_base_pixel();
    for (x, r) in rows.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(x as f64, 0.0));
        let (px, py) = (px - ox, py - oy);
        for (k, text) in [r.commit.clone(), format!("{:.0} MB", r.corpus_mb)]
            .into_iter()
            .enumerate()
        {
            area.draw(&Text::new(
                text,
                (px, py + 6 + 15 * k as i32),
                font(12).pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(plot_err)?;
        }
    }
    Ok(())
}

fn draw_legend(area: &DrawingArea<SVGBackend<'_>, Shift>, rows: &[HistoryRow]) -> Result<()> {
    area.draw(&Text::new(
        "ratio (higher is better)",
        (10, 30),
        font(14).pos(Pos::new(HPos::Left, VPos::Center)),
    ))
    .map_err(plot_err)?;
    for (i, (column, label, _)) in SERIES.iter().enumerate() {
        let y = 60 + 26 * i as i32;
        let measured = rows.iter().any(|r| r.figure(column).is_some());
        let color = if measured {
            COLORS[i % COLORS.len()]
        } else {
            RGBColor(170, 170, 170)
        };
        area.draw(&Rectangle::new([(10, y - 2), (36, y + 2)], color.filled()))
            .map_err(plot_err)?;
        let text = if measured {
            (*label).to_string()
        } else {
            format!("{label} (not measured)")
        };
        area.draw(&Text::new(
            text,
            (44, y),
            font(12).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(plot_err)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(commit: &str, figures: &[(&str, f64)]) -> HistoryRow {
        HistoryRow {
            date: "2026-01-01T00:00:00Z".into(),
            commit: commit.into(),
            cores: 2,
            cpu_model: "cpu".into(),
            corpus_mb: 100.0,
            passages: 1,
            figures: figures
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect(),
        }
    }

    #[test]
    fn every_commit_and_every_ratio_is_named_once_per_place() {
        let all: Vec<(&str, f64)> = SERIES.iter().map(|s| (s.0, 1.0)).collect();
        let rows = vec![
            row("aaaa111", &all),
            row("bbbb222", &all),
            row("cccc333", &all),
        ];
        let svg = plot_svg(&rows).unwrap();
        for commit in ["aaaa111", "bbbb222", "cccc333"] {
            assert_eq!(
                svg.matches(commit).count(),
                2,
                "{commit}: under both panels"
            );
        }
        for (_, label, _) in SERIES {
            assert_eq!(svg.matches(label).count(), 1, "{label}");
        }
        assert!(!svg.contains("not measured"));
        let few = plot_svg(&[row("dddd444", &all[..1])]).unwrap();
        assert!(few.contains("peer time / igf-lens time, 1 thread (not measured)"));
        assert!(plot_svg(&[]).is_err());
    }
}
