//! Small helpers shared by the HTML report's sections: escaping text, the charts' font and
//! error, and the chart of horizontal bars that the session chart and the comparison charts
//! are drawn on.

use crate::error::{Error, Result};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A plotting backend's error as ours.
pub(crate) fn plot_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Other(format!("cannot draw chart: {e:?}"))
}

/// The charts' font: sans-serif at `size` pixels.
pub(crate) fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", size).into_font())
}

/// The axes of a chart of horizontal bars, one row per item (rows are labelled by the caller
/// beside the bars, so the y axis has neither labels nor mesh lines).
pub(crate) struct RowAxes<'a> {
    pub caption: &'a str,
    pub caption_size: u32,
    /// Widths of the x and y label areas, in pixels.
    pub label_areas: (u32, u32),
    /// The x axis runs from 0 to `xmax`; the y axis from 0 to the number of rows.
    pub xmax: f64,
    pub rows: usize,
    /// How many x labels, and how each reads.
    pub x_labels: usize,
    pub x_format: fn(&f64) -> String,
    pub x_desc: &'a str,
    pub y_desc: Option<&'a str>,
    pub axis_desc_size: u32,
    /// The finer mesh lines drawn white (unseen) instead of plotters' default grey.
    pub hide_light_lines: bool,
}

/// The chart of `axes` on `area`, its mesh drawn, ready for the bars.
pub(crate) fn row_chart<'a, 'b>(
    area: &'a DrawingArea<SVGBackend<'b>, Shift>,
    axes: &RowAxes<'_>,
) -> Result<ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let mut chart = ChartBuilder::on(area)
        .caption(axes.caption, font(axes.caption_size))
        .margin(10)
        .x_label_area_size(axes.label_areas.0)
        .y_label_area_size(axes.label_areas.1)
        .build_cartesian_2d(0f64..axes.xmax, 0f64..axes.rows as f64)
        .map_err(plot_err)?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_y_mesh()
        .y_labels(0)
        .x_labels(axes.x_labels)
        .x_label_formatter(&axes.x_format)
        .x_desc(axes.x_desc)
        .axis_desc_style(font(axes.axis_desc_size))
        .label_style(font(11));
    if axes.hide_light_lines {
        mesh.light_line_style(WHITE);
    }
    if let Some(desc) = axes.y_desc {
        mesh.y_desc(desc);
    }
    mesh.draw().map_err(plot_err)?;
    Ok(chart)
}
