//! The report's comparison section: for each theme, the share of each stakeholder group's
//! passages tagged with it (either polarity), with its 95 % Wilson interval drawn as an error
//! bar, and n in every label. One inline SVG per theme (plotters' SVG backend, as the report's
//! other charts), and the numbers in a table under it. Small groups are marked `†`.

use super::compute::{compare, CompareOptions, Comparison, GroupBy, Outcome, SMALL_BELOW};
use crate::error::Result;
use crate::export::html::{escape, font, plot_err, row_chart, RowAxes};
use crate::export::summary::{themes, SHARE_DECIMALS};
use crate::model::PassageRecord;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const BAR: RGBColor = RGBColor(78, 121, 167);

/// `Civil Society (n = 230)`, with ` †` for a small group.
fn label(group: &str, n: u64, small: bool) -> String {
    format!("{group} (n = {n}){}", if small { " †" } else { "" })
}

/// The section's HTML: a heading, a note on how to read it, and per theme a chart and a table.
pub fn comparison_section(records: &[PassageRecord]) -> Result<String> {
    let mut h =
        String::from("<h2 id=\"comparison\">Shares with intervals, by stakeholder group</h2>\n");
    h.push_str(&format!(
        "<p>For each theme, the share of each stakeholder group's passages tagged with it (either \
         polarity). The bar is the 95 % Wilson score interval, n the group's passages; † marks \
         groups with fewer than {SMALL_BELOW} passages. The interval takes passages as \
         independent; passages of one session or speaker are alike, so the real uncertainty is \
         wider: see <code>igf-lens compare --cluster session</code>.</p>\n"
    ));
    let all = themes(records);
    if all.is_empty() {
        h.push_str("<p>No tagged passages: nothing to compare.</p>\n");
        return Ok(h);
    }
    for theme in all {
        let opts = CompareOptions {
            by: GroupBy::Stakeholder,
            outcome: Outcome {
                theme: Some(theme.clone()),
                polarity: None,
            },
            ..CompareOptions::default()
        };
        let c = compare(records, &opts)?;
        h.push_str(&format!(
            "<h3 id=\"compare-{0}\">{0}</h3>\n",
            escape(&theme)
        ));
        h.push_str(&error_bars_svg(&theme, &c)?);
        h.push('\n');
        h.push_str(&numbers_html(&theme, &c));
    }
    Ok(h)
}

/// Horizontal error bars: a dot at the share, a line from the interval's low to its high.
fn error_bars_svg(theme: &str, c: &Comparison) -> Result<String> {
    let n = c.groups.len().max(1) as f64;
    let top = c
        .groups
        .iter()
        .filter_map(|g| g.ci.map(|i| i.high))
        .fold(0.0f64, f64::max);
    let xmax = ((top * 1.1).min(1.0) * 20.0).ceil().max(1.0) / 20.0;
    let (w, hgt) = (1000u32, 90 + 30 * c.groups.len() as u32);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, hgt)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        let caption = format!(
            "{theme} (either polarity): share of each group's passages, with 95 % Wilson intervals"
        );
        let axes = RowAxes {
            caption: &caption,
            caption_size: 15,
            label_areas: (36, 280),
            xmax,
            rows: c.groups.len().max(1),
            x_labels: 6,
            x_format: |v| format!("{:.0}%", v * 100.0),
            x_desc: "share of the group's passages",
            y_desc: None,
            axis_desc_size: 12,
            hide_light_lines: false,
        };
        let mut chart = row_chart(&root, &axes)?;
        for (gi, g) in c.groups.iter().enumerate() {
            let y = n - gi as f64 - 0.5;
            if let Some(ci) = g.ci {
                let stroke = BAR.stroke_width(2);
                chart
                    .draw_series([
                        PathElement::new(vec![(ci.low, y), (ci.high, y)], stroke),
                        PathElement::new(vec![(ci.low, y - 0.18), (ci.low, y + 0.18)], stroke),
                        PathElement::new(vec![(ci.high, y - 0.18), (ci.high, y + 0.18)], stroke),
                    ])
                    .map_err(plot_err)?;
            }
            if let Some(share) = g.share {
                chart
                    .draw_series([Circle::new((share, y), 4, BAR.filled())])
                    .map_err(plot_err)?;
            }
            let (px, py) = chart.backend_coord(&(0.0, y));
            root.draw(&Text::new(
                label(&g.group, g.passages, g.small),
                (px - 8, py),
                font(12).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(plot_err)?;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(svg)
}

/// The chart's numbers, as `compare --by stakeholder --theme ID --format csv` prints them.
fn numbers_html(theme: &str, c: &Comparison) -> String {
    let mut s = format!(
        "<details><summary>The numbers (as <code>igf-lens compare --by stakeholder --theme {}</code>)</summary>\n\
         <table class=\"comparison\" id=\"compare-{}-numbers\"><thead><tr><th>stakeholder</th>\
         <th>passages</th><th>tagged</th><th>share</th><th>ci_low</th><th>ci_high</th><th>small</th></tr></thead><tbody>\n",
        escape(theme),
        escape(theme)
    );
    let d = SHARE_DECIMALS;
    for g in &c.groups {
        let f = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x:.d$}"));
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
            escape(&label(&g.group, g.passages, g.small)),
            g.passages,
            g.tagged_passages,
            f(g.share),
            f(g.ci.map(|i| i.low)),
            f(g.ci.map(|i| i.high)),
            if g.small { "yes" } else { "" }
        ));
    }
    s.push_str("</tbody></table></details>\n");
    s
}
