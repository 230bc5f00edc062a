//! The HTML report: one self-contained file that opens offline.
//!
//! Input: [`PassageRecord`]s. Output: an HTML string with a corpus overview, a heatmap of
//! stakeholder group × theme (share of the group's passages, risk and opportunity side by
//! side), per theme the share of each group with its Wilson interval as an error bar (from
//! [`super::compare`]), stacked theme bars per session, the top three excerpts per theme with
//! citations, and the unresolved speakers. Charts are inline SVG drawn with plotters' SVG backend. Every
//! figure comes from [`super::summary`], the same functions as the CSV files, and the heatmap's
//! numbers are also printed in a table (`id="stakeholder-theme"`) formatted as in
//! `stakeholder_theme.csv`. This module writes no files and loads nothing from the network.

use super::html::{escape, font, plot_err, row_chart, RowAxes};
use super::manifest;
use super::summary::{self, CrossRow, SHARE_DECIMALS};
use crate::error::Result;
use crate::model::{DecidedBy, PassageRecord, Polarity, Stakeholder};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::BTreeMap;

/// Colours for themes in the session chart (distinguishable, colour-blind aware).
const THEME_COLORS: [u32; 12] = [
    0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f,
    0xbab0ac, 0x1f77b4, 0x8c564b,
];

/// An `0xRRGGBB` colour.
fn rgb(c: u32) -> RGBColor {
    let [_, r, g, b] = c.to_be_bytes();
    RGBColor(r, g, b)
}

const RISK: RGBColor = RGBColor(200, 40, 40);
const OPPORTUNITY: RGBColor = RGBColor(30, 100, 200);

fn blend(to: RGBColor, t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let mix = |c: u8| (255.0 - (255.0 - f64::from(c)) * t).round() as u8;
    RGBColor(mix(to.0), mix(to.1), mix(to.2))
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Heatmap: rows are themes, columns are stakeholder groups, each cell split into risk (left)
/// and opportunity (right), coloured by the share of the group's passages.
fn heatmap_svg(rows: &[CrossRow<Stakeholder>]) -> Result<String> {
    let mut groups: Vec<Stakeholder> = Vec::new();
    let mut themes: Vec<String> = Vec::new();
    for r in rows {
        if !groups.contains(&r.group) {
            groups.push(r.group);
        }
        if !themes.contains(&r.theme) {
            themes.push(r.theme.clone());
        }
    }
    if groups.is_empty() || themes.is_empty() {
        return Ok(String::from("<p>No tagged passages: nothing to draw.</p>"));
    }
    let max = rows
        .iter()
        .map(|r| r.passage_share)
        .fold(0.0f64, f64::max)
        .max(1e-9);
    let (w, h) = (1000u32, 140 + 38 * themes.len() as u32);
    let mut svg = String::new();
    let overlay;
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let (main, legend) = root.split_vertically(h - 40);
        let ncols = groups.len() as f64 * 2.0;
        let nrows = themes.len() as f64;
        let mut chart = ChartBuilder::on(&main)
            .caption(
                "Share of each stakeholder group's passages tagged with a theme",
                font(16),
            )
            .margin(10)
            .x_label_area_size(50)
            .y_label_area_size(170)
            .build_cartesian_2d(0f64..ncols, 0f64..nrows)
            .map_err(plot_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(0)
            .y_labels(0)
            .x_desc("stakeholder group (left: risk, right: opportunity)")
            .y_desc("theme")
            .axis_desc_style(font(13))
            .draw()
            .map_err(plot_err)?;
        overlay = draw_cells(&mut chart, rows, &groups, &themes, max)?;
        for (gi, g) in groups.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(gi as f64 * 2.0 + 1.0, 0.0));
            for (k, part) in split_label(g.as_str(), 16).iter().enumerate() {
                main.draw(&Text::new(
                    part.clone(),
                    (px, py + 6 + 14 * k as i32),
                    font(12).pos(Pos::new(HPos::Center, VPos::Top)),
                ))
                .map_err(plot_err)?;
            }
        }
        for (ti, t) in themes.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(0.0, nrows - ti as f64 - 0.5));
            main.draw(&Text::new(
                t.clone(),
                (px - 8, py),
                font(12).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(plot_err)?;
        }
        draw_ramp_legend(&legend, max)?;
        root.present().map_err(plot_err)?;
    }
    // plotters has no tooltips: transparent rectangles over the cells carry an SVG <title>,
    // which browsers show on hover.
    let overlay = format!("<g class=\"cell-n\">{overlay}</g>\n");
    match svg.rfind("</svg>") {
        Some(end) => svg.insert_str(end, &overlay),
        None => svg.push_str(&overlay),
    }
    Ok(svg)
}

/// All passages of a stakeholder group (the denominator of its shares).
fn group_total(rows: &[CrossRow<Stakeholder>], group: Stakeholder) -> u64 {
    rows.iter()
        .find(|r| r.group == group)
        .map_or(0, |r| r.group_passages)
}

/// The hover text of a heatmap cell: `Government · scope · risk: 29 of 239 passages (12.1%)`.
fn cell_title(
    group: Stakeholder,
    theme: &str,
    p: Polarity,
    cell: Option<&CrossRow<Stakeholder>>,
    total: u64,
) -> String {
    let (n, share) = cell.map_or((0, 0.0), |r| (r.passages, r.passage_share));
    format!(
        "{group} · {theme} · {}: {n} of {total} passages ({})",
        p.as_str(),
        percent(share)
    )
}

/// A transparent rectangle over a cell (pixel box left, top, right, bottom) with a title.
fn hover_rect((left, top, right, bottom): (i32, i32, i32, i32), title: &str) -> String {
    format!(
        "<rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"transparent\"><title>{}</title></rect>",
        (right - left).max(0),
        (bottom - top).max(0),
        escape(title)
    )
}

/// The heatmap as a table of counts, laid out like the chart: a row per theme, a risk and an
/// opportunity column per group, each cell `n (share)`, each group headed by its passages.
fn heatmap_counts_html(rows: &[CrossRow<Stakeholder>]) -> String {
    let mut groups: Vec<Stakeholder> = Vec::new();
    let mut themes: Vec<&str> = Vec::new();
    for r in rows {
        if !groups.contains(&r.group) {
            groups.push(r.group);
        }
        if !themes.contains(&r.theme.as_str()) {
            themes.push(&r.theme);
        }
    }
    let index: BTreeMap<(Stakeholder, &str, Polarity), &CrossRow<Stakeholder>> = rows
        .iter()
        .map(|r| ((r.group, r.theme.as_str(), r.polarity), r))
        .collect();
    let mut s = String::from("<table id=\"heatmap-n\"><thead><tr><th rowspan=\"2\">theme</th>");
    for &g in &groups {
        s.push_str(&format!(
            "<th colspan=\"2\">{} (n = {})</th>",
            escape(g.as_str()),
            group_total(rows, g)
        ));
    }
    s.push_str("</tr><tr>");
    for _ in &groups {
        s.push_str("<th>risk</th><th>opportunity</th>");
    }
    s.push_str("</tr></thead><tbody>\n");
    for t in &themes {
        s.push_str(&format!("<tr><th>{}</th>", escape(t)));
        for &g in &groups {
            for p in [Polarity::Risk, Polarity::Opportunity] {
                let (n, share) = index
                    .get(&(g, *t, p))
                    .map_or((0, 0.0), |r| (r.passages, r.passage_share));
                s.push_str(&format!(
                    "<td class=\"n\" title=\"{}\">{n} ({})</td>",
                    escape(&cell_title(
                        g,
                        t,
                        p,
                        index.get(&(g, *t, p)).copied(),
                        group_total(rows, g)
                    )),
                    percent(share)
                ));
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    s
}

/// Draws the heatmap's cells (risk left, opportunity right) and their shares; returns the
/// transparent rectangles with the hover titles, in pixels, for the overlay.
fn draw_cells(
    chart: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    rows: &[CrossRow<Stakeholder>],
    groups: &[Stakeholder],
    themes: &[String],
    max: f64,
) -> Result<String> {
    let nrows = themes.len() as f64;
    let index: BTreeMap<(Stakeholder, &str, Polarity), &CrossRow<Stakeholder>> = rows
        .iter()
        .map(|r| ((r.group, r.theme.as_str(), r.polarity), r))
        .collect();
    let mut cells = Vec::new();
    let mut labels = Vec::new();
    let mut hover = Vec::new();
    for (gi, g) in groups.iter().enumerate() {
        for (ti, t) in themes.iter().enumerate() {
            for (k, p) in [Polarity::Risk, Polarity::Opportunity]
                .into_iter()
                .enumerate()
            {
                let share = index
                    .get(&(*g, t.as_str(), p))
                    .map_or(0.0, |r| r.passage_share);
                let x0 = gi as f64 * 2.0 + k as f64;
                let y0 = nrows - ti as f64 - 1.0;
                let base = if p == Polarity::Risk {
                    RISK
                } else {
                    OPPORTUNITY
                };
                cells.push(Rectangle::new(
                    [(x0 + 0.03, y0 + 0.05), (x0 + 0.97, y0 + 0.95)],
                    blend(base, share / max).filled(),
                ));
                let (left, top) = chart.backend_coord(&(x0 + 0.03, y0 + 0.95));
                let (right, bottom) = chart.backend_coord(&(x0 + 0.97, y0 + 0.05));
                let cell = index.get(&(*g, t.as_str(), p)).copied();
                hover.push(hover_rect(
                    (left, top, right, bottom),
                    &cell_title(*g, t, p, cell, group_total(rows, *g)),
                ));
                if share > 0.0 {
                    let color: &'static RGBColor = if share / max > 0.55 { &WHITE } else { &BLACK };
                    labels.push(Text::new(
                        percent(share),
                        (x0 + 0.5, y0 + 0.5),
                        font(11)
                            .color(color)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ));
                }
            }
        }
    }
    chart.draw_series(cells).map_err(plot_err)?;
    chart.draw_series(labels).map_err(plot_err)?;
    Ok(hover.concat())
}

/// Splits a label longer than `max` characters at the space nearest its middle.
fn split_label(label: &str, max: usize) -> Vec<String> {
    if label.chars().count() <= max {
        return vec![label.to_string()];
    }
    let mid = label.len() / 2;
    match label
        .match_indices(' ')
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(mid))
    {
        Some(i) => vec![label[..i].to_string(), label[i + 1..].to_string()],
        None => vec![label.to_string()],
    }
}

/// Colour ramps for risk and opportunity, from 0 to the largest share.
fn draw_ramp_legend(area: &DrawingArea<SVGBackend<'_>, Shift>, max: f64) -> Result<()> {
    let mut x = 190;
    for (name, color) in [("risk", RISK), ("opportunity", OPPORTUNITY)] {
        area.draw(&Text::new(
            format!("{name}:"),
            (x, 14),
            font(12).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(plot_err)?;
        x += 80;
        area.draw(&Text::new(
            "0%",
            (x, 14),
            font(11).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(plot_err)?;
        x += 4;
        for step in 0..10 {
            let t = f64::from(step) / 9.0;
            area.draw(&Rectangle::new(
                [(x, 6), (x + 14, 22)],
                blend(color, t).filled(),
            ))
            .map_err(plot_err)?;
            x += 14;
        }
        area.draw(&Text::new(
            percent(max),
            (x + 4, 14),
            font(11).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(plot_err)?;
        x += 90;
    }
    Ok(())
}

/// Horizontal stacked bars: per session, the number of passages tagged with each theme.
fn session_bars_svg(records: &[PassageRecord]) -> Result<String> {
    let rows = summary::session_theme(records);
    let themes = summary::themes(records);
    let mut sessions: Vec<(String, String)> = Vec::new();
    for r in summary::sorted(records) {
        let label = format!("{} {}", r.year, r.code);
        if !sessions.iter().any(|(id, _)| *id == r.session) {
            sessions.push((r.session.clone(), label));
        }
    }
    if sessions.is_empty() || themes.is_empty() {
        return Ok(String::from("<p>No tagged passages: nothing to draw.</p>"));
    }
    let mut counts: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for r in &rows {
        *counts
            .entry((r.group.session.as_str(), r.theme.as_str()))
            .or_default() += r.passages;
    }
    let totals: Vec<u64> = sessions
        .iter()
        .map(|(id, _)| {
            themes
                .iter()
                .map(|t| counts.get(&(id.as_str(), t.as_str())).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let xmax = (totals.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.08).ceil();
    let (w, h) = (1000u32, 110 + 30 * sessions.len() as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let (main, legend) = root.split_horizontally(w - 210);
        let n = sessions.len() as f64;
        let axes = RowAxes {
            caption: "Tagged passages per theme and session",
            caption_size: 16,
            label_areas: (40, 150),
            xmax,
            rows: sessions.len(),
            x_labels: 10,
            x_format: |v| format!("{v:.0}"),
            x_desc: "passages tagged (a passage with two themes counts in both)",
            y_desc: Some("session"),
            axis_desc_size: 13,
            hide_light_lines: true,
        };
        let mut chart = row_chart(&main, &axes)?;
        for (si, (id, label)) in sessions.iter().enumerate() {
            let y0 = n - si as f64 - 1.0;
            let mut x = 0.0;
            let mut bars = Vec::new();
            for (ti, t) in themes.iter().enumerate() {
                let c = counts.get(&(id.as_str(), t.as_str())).copied().unwrap_or(0) as f64;
                if c > 0.0 {
                    bars.push(Rectangle::new(
                        [(x, y0 + 0.15), (x + c, y0 + 0.85)],
                        rgb(THEME_COLORS[ti % THEME_COLORS.len()]).filled(),
                    ));
                    x += c;
                }
            }
            chart.draw_series(bars).map_err(plot_err)?;
            let (px, py) = chart.backend_coord(&(0.0, y0 + 0.5));
            main.draw(&Text::new(
                label.clone(),
                (px - 8, py),
                font(11).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(plot_err)?;
        }
        legend
            .draw(&Text::new(
                "theme",
                (10, 40),
                font(13).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(plot_err)?;
        for (ti, t) in themes.iter().enumerate() {
            let y = 62 + 20 * ti as i32;
            legend
                .draw(&Rectangle::new(
                    [(10, y - 6), (24, y + 6)],
                    rgb(THEME_COLORS[ti % THEME_COLORS.len()]).filled(),
                ))
                .map_err(plot_err)?;
            legend
                .draw(&Text::new(
                    t.clone(),
                    (30, y),
                    font(12).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(plot_err)?;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(svg)
}

/// Per theme, how many tags each source decided (cue, model, human, the theme's default) and
/// the decided and default shares, with a total row: a default polarity is a guess from the
/// tuning gold, not a reading of the passage.
fn decided_html(records: &[PassageRecord]) -> String {
    let mut per: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
    let mut total = [0u64; 4];
    for t in records.iter().flat_map(|r| &r.tags) {
        let k = DecidedBy::ALL
            .iter()
            .position(|d| *d == t.decided_by)
            .unwrap_or(0);
        per.entry(t.theme.as_str()).or_default()[k] += 1;
        total[k] += 1;
    }
    let mut s = String::from(
        "<table id=\"decided\"><thead><tr><th>theme</th><th>tags</th><th>cue</th><th>default</th>\
         <th>model</th><th>human</th><th>decided share</th><th>default share</th></tr></thead><tbody>\n",
    );
    let mut row = |name: &str, n: &[u64; 4]| {
        let all: u64 = n.iter().sum();
        let default = n[1];
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{all}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            escape(name),
            n[0],
            n[1],
            n[2],
            n[3],
            percent(summary::share(all - default, all)),
            percent(summary::share(default, all)),
        ));
    };
    for (theme, n) in &per {
        row(theme, n);
    }
    row("all themes", &total);
    s.push_str("</tbody></table>\n");
    s
}

/// The heatmap's numbers, formatted as in `stakeholder_theme.csv`.
fn stakeholder_theme_html(rows: &[CrossRow<Stakeholder>]) -> String {
    let mut s = String::from(
        "<table id=\"stakeholder-theme\"><thead><tr><th>stakeholder</th><th>theme</th><th>polarity</th>\
         <th>passages</th><th>decided_passages</th><th>words</th><th>passage_share</th><th>word_share</th></tr></thead><tbody>\n",
    );
    for r in rows {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.d$}</td><td class=\"n\">{:.d$}</td></tr>\n",
            escape(r.group.as_str()),
            escape(&r.theme),
            r.polarity.as_str(),
            r.passages,
            r.decided_passages,
            r.words,
            r.passage_share,
            r.word_share,
            d = SHARE_DECIMALS
        ));
    }
    s.push_str("</tbody></table>\n");
    s
}

/// The top `n` passages for a theme: highest tag score, then longest, then lowest id.
pub fn top_excerpts<'a>(
    records: &'a [PassageRecord],
    theme: &str,
    n: usize,
) -> Vec<(&'a PassageRecord, Polarity, f32)> {
    let mut v: Vec<(&PassageRecord, Polarity, f32)> = records
        .iter()
        .filter_map(|r| {
            r.tags
                .iter()
                .filter(|t| t.theme == theme)
                .max_by(|a, b| a.score.total_cmp(&b.score))
                .map(|t| (r, t.polarity, t.score))
        })
        .collect();
    v.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then(b.0.words.cmp(&a.0.words))
            .then(a.0.passage_id.cmp(&b.0.passage_id))
    });
    v.truncate(n);
    v
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}\
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}\
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}\
blockquote{margin:.6em 0;padding:.4em .8em;border-left:4px solid #999;background:#fafafa}\
.risk{border-left-color:#c82828}.opportunity{border-left-color:#1e64c8}.cite{color:#555;font-size:.85em}\
details{margin:.5em 0}svg{max-width:100%;height:auto}";

/// Builds the whole report.
pub fn report_html(records: &[PassageRecord]) -> Result<String> {
    let counts = manifest::counts(records);
    let cross = summary::stakeholder_theme(records);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str("<title>igf-lens report</title>\n<style>");
    h.push_str(STYLE);
    h.push_str("</style></head><body>\n");
    h.push_str("<h1>What IGF sessions said about the UN cybercrime treaty</h1>\n");
    h.push_str(&format!(
        "<p class=\"cite\">Generated by igf-lens {} from {} passages. Shares are of each group's own passages, so groups that speak more do not look more concerned.</p>\n",
        env!("CARGO_PKG_VERSION"),
        counts.passages
    ));

    // Overview.
    h.push_str("<h2 id=\"overview\">Corpus overview</h2>\n<table id=\"counts\"><tbody>\n");
    for (name, value) in [
        ("sessions", counts.sessions as u64),
        ("turns", counts.turns as u64),
        ("passages", counts.passages as u64),
        ("words", counts.words),
        ("speakers", counts.speakers as u64),
        ("unresolved speakers", counts.unresolved_speakers as u64),
        ("tagged passages", counts.tagged_passages as u64),
        (
            "procedural passages (never tagged)",
            records.iter().filter(|r| r.procedural).count() as u64,
        ),
        ("tags", counts.tags as u64),
    ] {
        h.push_str(&format!(
            "<tr><th>{name}</th><td class=\"n\">{value}</td></tr>\n"
        ));
    }
    h.push_str("</tbody></table>\n");
    let sessions = summary::sessions_table(records);
    h.push_str("<table id=\"sessions\"><thead><tr><th>session</th><th>date</th><th>title</th><th>turns</th><th>passages</th><th>speakers</th><th>tagged</th></tr></thead><tbody>\n");
    let col = |name: &str| sessions.column(name).unwrap_or(0);
    for row in &sessions.rows {
        let cell = |name: &str| escape(&row[col(name)].render());
        h.push_str(&format!(
            "<tr><td>{} {}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
            cell("year"),
            cell("code"),
            cell("date"),
            cell("title"),
            cell("turns"),
            cell("passages"),
            cell("speakers"),
            cell("tagged_passages"),
        ));
    }
    h.push_str("</tbody></table>\n");

    // Heatmap.
    h.push_str("<h2 id=\"heatmap\">Stakeholder groups × themes</h2>\n");
    h.push_str("<p>Each cell is the share of the group's passages tagged with the theme as a risk (left half, red) or an opportunity (right half, blue).</p>\n");
    h.push_str(&heatmap_svg(&cross)?);
    h.push_str("\n<p>Passages per cell (n) and share of the group's passages; the group's own passages in its heading. Hover over a cell of the chart for the same figures.</p>\n");
    h.push_str(&heatmap_counts_html(&cross));
    h.push_str("<details><summary>All the numbers (as in stakeholder_theme.csv)</summary>\n");
    h.push_str(&stakeholder_theme_html(&cross));
    h.push_str("</details>\n");
    h.push_str(&super::compare::comparison_section(records)?);

    // What decided the polarities.
    h.push_str("<h2 id=\"decided\">What decided each polarity</h2>\n");
    h.push_str("<p>A tag's polarity is decided by a cue in the passage or by the learned model; otherwise it is the theme's default, the polarity more often right on the tuning gold. Decided and default shares apart:</p>\n");
    h.push_str(&decided_html(records));

    // Sessions.
    h.push_str("<h2 id=\"sessions-themes\">Themes per session</h2>\n");
    h.push_str(&session_bars_svg(records)?);

    h.push_str(&excerpts_html(records));
    h.push_str(&unresolved_html(records));
    h.push_str("</body></html>\n");
    Ok(h)
}

/// The report's top excerpts per theme, each with its citation.
fn excerpts_html(records: &[PassageRecord]) -> String {
    let mut h = String::new();
    h.push_str("\n<h2 id=\"excerpts\">Top excerpts per theme</h2>\n");
    for theme in summary::themes(records) {
        h.push_str(&format!("<h3 id=\"theme-{0}\">{0}</h3>\n", escape(&theme)));
        for (r, polarity, score) in top_excerpts(records, &theme, 3) {
            h.push_str(&format!(
                "<blockquote class=\"{}\" data-passage=\"{}\"><p>{}</p><p class=\"cite\">{} · {} ({}) · {}{} · {} · passage {} · score {:.2}</p></blockquote>\n",
                polarity.as_str(),
                r.passage_id,
                escape(&r.text),
                polarity.as_str(),
                escape(&r.speaker),
                escape(&super::label::group_and_region(r.stakeholder, r.region).join(", ")),
                escape(&super::label::session_label(r)),
                if r.date.is_empty() { String::new() } else { format!(", {}", escape(&r.date)) },
                escape(&r.full_citation()),
                r.passage_id,
                score
            ));
        }
    }

    h
}

/// The report's table of speakers with no stakeholder group.
fn unresolved_html(records: &[PassageRecord]) -> String {
    let mut h = String::new();
    h.push_str("<h2 id=\"unresolved\">Unresolved speakers</h2>\n");
    let unresolved: Vec<summary::SpeakerRow> = summary::speakers(records)
        .into_iter()
        .filter(|s| s.unresolved)
        .collect();
    if unresolved.is_empty() {
        h.push_str("<p>Every named speaker was attributed to a stakeholder group.</p>\n");
    } else {
        h.push_str("<p>Speakers with no stakeholder group (audience members and unnamed voices are not listed). Add them to the registry (data/speakers.csv) to attribute them.</p>\n");
        h.push_str("<table id=\"unresolved-speakers\"><thead><tr><th>speaker</th><th>labels</th><th>role</th><th>sessions</th><th>passages</th><th>words</th></tr></thead><tbody>\n");
        for s in unresolved {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                escape(&s.speaker),
                escape(&s.labels),
                escape(&s.roles),
                escape(&s.session_ids),
                s.passages,
                s.words
            ));
        }
        h.push_str("</tbody></table>\n");
    }
    h
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;

    #[test]
    fn report_is_self_contained_with_inline_svg() {
        let html = report_html(&test_records()).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        // Heatmap, session bars, and one comparison chart per theme (3).
        assert_eq!(html.matches("<svg").count(), 5);
        assert!(
            !html.contains("http://")
                || html.matches("http://").count()
                    == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
        );
        assert!(!html.contains("<script src"));
        assert!(!html.contains("<link "));
        assert!(html.contains("stakeholder group (left: risk, right: opportunity)"));
        assert!(html.contains(">security-research<"));
    }

    #[test]
    fn report_table_matches_the_crosstab() {
        let recs = test_records();
        let html = report_html(&recs).unwrap();
        let row = "<tr><td>Private Sector</td><td>security-research</td><td>risk</td><td class=\"n\">2</td><td class=\"n\">0</td><td class=\"n\">20</td><td class=\"n\">0.6667</td><td class=\"n\">0.6667</td></tr>";
        assert!(html.contains(row), "{html}");
    }

    #[test]
    fn report_shows_decided_and_default_shares_apart() {
        let mut recs = test_records();
        recs[1].tags[0].decided_by = DecidedBy::Cue;
        let html = report_html(&recs).unwrap();
        let tags: usize = recs.iter().map(|r| r.tags.len()).sum();
        let decided = 1.0 / tags as f64;
        let total = format!(
            "<tr><td>all themes</td><td class=\"n\">{tags}</td><td class=\"n\">1</td><td class=\"n\">{}</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            tags - 1,
            percent(decided),
            percent(1.0 - decided)
        );
        assert!(html.contains("<table id=\"decided\">"), "{html}");
        assert!(html.contains(&total), "{html}");
    }

    #[test]
    fn heatmap_cells_show_n_on_hover_and_in_the_table_under_the_chart() {
        let html = report_html(&test_records()).unwrap();
        let title =
            "<title>Private Sector · security-research · risk: 2 of 3 passages (66.7%)</title>";
        assert_eq!(html.matches(title).count(), 1, "{html}");
        let svg_end = html.find("</svg>").unwrap();
        assert!(html.find(title).unwrap() < svg_end);
        assert!(html.contains("<th colspan=\"2\">Private Sector (n = 3)</th>"));
        assert!(html.contains(">2 (66.7%)</td>"));
        // Every cell of the chart, zero cells included, has its hover title.
        let cells = html[..svg_end]
            .matches("fill=\"transparent\"><title>")
            .count();
        // (The comparison section further down has its own "n = " labels.)
        let table = &html[html.find("id=\"heatmap-n\"").unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        let groups = table.matches("(n = ").count();
        let themes = summary::themes(&test_records()).len();
        assert_eq!(cells, groups * themes * 2);
    }

    #[test]
    fn long_labels_split_near_the_middle() {
        assert_eq!(split_label("Government", 16), vec!["Government"]);
        assert_eq!(
            split_label("Intergovernmental Organization", 16),
            vec!["Intergovernmental", "Organization"]
        );
        assert_eq!(
            split_label("Technical Community", 16),
            vec!["Technical", "Community"]
        );
    }

    #[test]
    fn top_excerpts_rank_by_tag_score() {
        let mut recs = test_records();
        recs[1].tags[0].score = 5.0;
        let top = top_excerpts(&recs, "security-research", 2);
        let ids: Vec<u64> = top.iter().map(|(r, _, _)| r.passage_id).collect();
        assert_eq!(ids, vec![2, 1]);
    }

    #[test]
    fn unresolved_speakers_are_listed_and_text_is_escaped() {
        let mut recs = test_records();
        recs[0].text = "<b>bold</b> & more".into();
        let html = report_html(&recs).unwrap();
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt; &amp; more"));
        let table = &html[html.find("id=\"unresolved-speakers\"").unwrap()..];
        assert!(table.contains("<td>MODERATOR</td>"));
        assert!(!table.contains("<td>Tom Becker</td>"));
    }
}
