//! Search output: one JSON object per hit, CSV rows, and a table for terminals.
//!
//! Input: [`Hit`]s and [`Facets`] from [`crate::index`]. Output: strings and [`Table`]s. The
//! terminal table fits a given width and marks matched terms with ANSI colour only when asked
//! (the CLI decides: stdout a terminal, `NO_COLOR` unset). This module does not search.

use super::columns::{cells, headers, Column, WHO};
use super::json::{passage_json, round3};
use super::table::{Cell, Table};
use super::terminal::for_terminal;
use crate::index::{Facets, Hit};
use serde_json::{json, Value};
use std::ops::Range;

/// The JSON object for one hit (one line of `search --format json`): the passage's object
/// (see [`super::passage_json`]) plus `score`, `snippet` and `highlights`.
pub fn hit_json(hit: &Hit) -> Value {
    let mut map = passage_json(&hit.record);
    let highlights: Vec<[usize; 2]> = hit.highlights.iter().map(|h| [h.start, h.end]).collect();
    map.insert("score".into(), json!(round3(hit.score)));
    map.insert("snippet".into(), json!(hit.snippet));
    map.insert("highlights".into(), json!(highlights));
    Value::Object(map)
}

/// The extra JSON object printed after the hits with `--facets`.
pub fn facets_json(f: &Facets) -> Value {
    json!({ "facets": f })
}

/// The passage columns of the search CSV before its `snippet` column, and after it.
const HIT_COLUMNS: [&[Column]; 3] = [
    &[
        Column::PassageId,
        Column::Session,
        Column::Code,
        Column::Year,
        Column::Date,
    ],
    &WHO,
    &[Column::Themes, Column::Language, Column::Words],
];
const HIT_TAIL: [Column; 5] = [
    Column::Text,
    Column::Source,
    Column::Line,
    Column::StartMs,
    Column::EndMs,
];

/// CSV rows for hits: `score`, the passage columns, `snippet`, the text and its source.
pub fn hits_table(hits: &[Hit]) -> Table {
    let mut header = vec!["score"];
    header.extend(headers(&HIT_COLUMNS));
    header.push("snippet");
    header.extend(headers(&[&HIT_TAIL]));
    let mut t = Table::new(header);
    for h in hits {
        let mut row = vec![Cell::Float(f64::from(h.score), 4)];
        row.extend(cells(&HIT_COLUMNS, &h.record));
        row.push(Cell::text(&h.snippet));
        row.extend(cells(&[&HIT_TAIL], &h.record));
        t.rows.push(row);
    }
    t
}

const MARK_ON: &str = "\x1b[1;31m";
const MARK_OFF: &str = "\x1b[0m";

/// Cuts `s` to at most `max` characters, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

/// Splits `text` into lines of at most `width` characters at whitespace; each line is the list
/// of byte ranges of its words (words longer than the width get a line of their own).
pub fn wrap(text: &str, width: usize) -> Vec<Vec<Range<usize>>> {
    let mut words: Vec<Range<usize>> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push(s..i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(s..text.len());
    }
    let mut lines: Vec<Vec<Range<usize>>> = Vec::new();
    let mut cur: Vec<Range<usize>> = Vec::new();
    let mut cur_len = 0usize;
    for w in words {
        let n = text[w.clone()].chars().count();
        if !cur.is_empty() && cur_len + 1 + n > width {
            lines.push(std::mem::take(&mut cur));
            cur_len = 0;
        }
        cur_len += if cur.is_empty() { n } else { n + 1 };
        cur.push(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Writes the words of one wrapped line, marking the parts inside `highlights` when `color`.
fn paint(text: &str, line: &[Range<usize>], highlights: &[Range<usize>], color: bool) -> String {
    let mut out = String::new();
    for (k, w) in line.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        if !color {
            out.push_str(&for_terminal(&text[w.clone()]));
            continue;
        }
        let mut pos = w.start;
        for h in highlights {
            let s = h.start.max(w.start);
            let e = h.end.min(w.end);
            if s >= e || s < pos {
                continue;
            }
            out.push_str(&for_terminal(&text[pos..s]));
            out.push_str(MARK_ON);
            out.push_str(&for_terminal(&text[s..e]));
            out.push_str(MARK_OFF);
            pos = e;
        }
        out.push_str(&for_terminal(&text[pos..w.end]));
    }
    out
}

/// The column cells of each hit's line: rank, score, session, speaker, group, themes (the
/// data's control characters as visible stand-ins).
fn table_rows(hits: &[Hit], offset: usize) -> Vec<[String; 6]> {
    hits.iter()
        .enumerate()
        .map(|(i, h)| {
            let r = &h.record;
            [
                (offset + i + 1).to_string(),
                format!("{:.2}", h.score),
                for_terminal(&format!("{} {}", r.year, r.code)).into_owned(),
                for_terminal(&r.speaker).into_owned(),
                super::label::group_and_region(r.stakeholder, r.region).join(" / "),
                for_terminal(&r.themes_label().replace(';', " ")).into_owned(),
            ]
        })
        .collect()
}

/// Renders hits as a table fitting `width` columns: a header, then per hit one line of
/// columns (rank, score, session, speaker, group, themes), the snippet wrapped below it, and
/// the citation. Control characters of the data are shown as visible stand-ins
/// ([`for_terminal`]); the only escape sequences are the colour marks asked for.
pub fn render_table(hits: &[Hit], offset: usize, width: usize, color: bool) -> String {
    let width = width.max(40);
    let indent = 6;
    let rows = table_rows(hits, offset);
    let header = [
        "#",
        "score",
        "session",
        "speaker",
        "stakeholder / region",
        "themes",
    ];
    let caps = [5, 7, 22, 24, 40, usize::MAX];
    let mut widths = [0usize; 6];
    for (k, h) in header.iter().enumerate() {
        widths[k] = h.chars().count();
    }
    for row in &rows {
        for (k, cell) in row.iter().enumerate() {
            widths[k] = widths[k].max(cell.chars().count()).min(caps[k]);
        }
    }
    // Themes get a column when every row's themes fit; otherwise a wrapped line of their own.
    let fixed: usize = widths[..5].iter().map(|w| w + 2).sum();
    let themes_inline = rows.iter().all(|r| fixed + r[5].chars().count() <= width);
    if !themes_inline {
        widths[5] = 0;
    }
    let line = |cells: [&str; 6]| -> String {
        let mut s = String::new();
        for (k, cell) in cells.iter().enumerate() {
            let cell = truncate(cell, widths[k]);
            if k == 0 || k == 1 {
                s.push_str(&format!("{:>w$}", cell, w = widths[k]));
            } else if k == 5 {
                if themes_inline {
                    s.push_str(&cell);
                }
            } else {
                s.push_str(&pad(&cell, widths[k]));
            }
            if k < 5 {
                s.push_str("  ");
            }
        }
        truncate(s.trim_end(), width)
    };
    let mut out = String::new();
    if !hits.is_empty() {
        out.push_str(&line(header));
        out.push('\n');
    }
    for (h, row) in hits.iter().zip(&rows) {
        out.push_str(&line([
            &row[0], &row[1], &row[2], &row[3], &row[4], &row[5],
        ]));
        out.push('\n');
        if !themes_inline && !row[5].is_empty() {
            let label = format!("themes: {}", row[5]);
            for l in wrap(&label, width - indent) {
                out.push_str(&" ".repeat(indent));
                out.push_str(&paint(&label, &l, &[], false));
                out.push('\n');
            }
        }
        for l in wrap(&h.snippet, width - indent) {
            out.push_str(&" ".repeat(indent));
            out.push_str(&paint(&h.snippet, &l, &h.highlights, color));
            out.push('\n');
        }
        let cite = format!(
            "{} · passage {}",
            for_terminal(&h.record.citation()),
            h.record.passage_id
        );
        out.push_str(&" ".repeat(indent));
        out.push_str(&truncate(&cite, width - indent));
        out.push_str("\n\n");
    }
    if out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// How many of the matching passages a table showed: `2 of 9 matching passages shown`, with
/// `(from N)` when an offset skipped some, and the offsets there are when it skipped them all
/// (a message for stderr, not part of the table).
pub fn shown_line(shown: usize, total: usize, offset: usize) -> String {
    let noun = if total == 1 { "passage" } else { "passages" };
    if shown == 0 && total > 0 && offset >= total {
        return format!(
            "0 of {total} matching {noun} shown: --offset is past the last (offsets 0 to {})",
            total - 1
        );
    }
    let from = if offset > 0 {
        format!(" (from {})", offset + 1)
    } else {
        String::new()
    };
    format!("{shown} of {total} matching {noun} shown{from}")
}

/// Renders facets as aligned sections, most frequent first (years in order).
pub fn render_facets(f: &Facets, width: usize) -> String {
    let mut out = format!("facets over {} matching passages\n", f.total);
    let sections: [(&str, &std::collections::BTreeMap<String, usize>, bool); 5] = [
        ("stakeholder", &f.stakeholder, true),
        ("region", &f.region, true),
        ("theme:polarity", &f.theme_polarity, true),
        ("session", &f.session, true),
        ("year", &f.year, false),
    ];
    for (name, map, by_count) in sections {
        out.push_str(&format!("{name}\n"));
        let mut items: Vec<(&String, &usize)> = map.iter().collect();
        if by_count {
            items.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        }
        let w = items
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0)
            .min(width.saturating_sub(12).max(10));
        for (k, n) in items {
            out.push_str(&format!(
                "  {}  {n:>6}\n",
                pad(&truncate(&for_terminal(k), w), w)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;

    fn hit(i: usize, snippet: &str, highlights: Vec<Range<usize>>) -> Hit {
        Hit {
            score: 2.5,
            record: test_records()[i].clone(),
            snippet: snippet.into(),
            highlights,
        }
    }

    #[test]
    fn json_has_the_documented_fields() {
        let v = hit_json(&hit(1, "Security people", vec![Range { start: 0, end: 8 }]));
        for key in [
            "score",
            "passage_id",
            "session",
            "code",
            "year",
            "date",
            "title",
            "speaker",
            "stakeholder",
            "region",
            "role",
            "themes",
            "language",
            "text",
            "snippet",
            "source",
            "line",
            "start_ms",
            "end_ms",
            "taxonomy",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["source"], "s/2023.txt:9");
        assert_eq!(v["themes"][1]["theme"], "scope");
        assert_eq!(v["themes"][1]["polarity"], "risk");
        assert_eq!(
            v["themes"][0]["evidence"]["terms"][0]["term"],
            "security research"
        );
        assert_eq!(v["themes"][0]["evidence"]["cue"], Value::Null);
        assert_eq!(v["score"], 2.5);
        assert_eq!(v["highlights"][0][1], 8);
        assert_eq!(v["start_ms"], Value::Null);
    }

    #[test]
    fn wrap_respects_width_and_keeps_byte_ranges() {
        let text = "alpha beta  gamma\ndelta";
        let lines = wrap(text, 11);
        let words: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| l.iter().map(|r| &text[r.clone()]).collect())
            .collect();
        assert_eq!(words, vec![vec!["alpha", "beta"], vec!["gamma", "delta"]]);
    }

    #[test]
    fn paint_marks_highlights_only_with_color() {
        let text = "security researchers here";
        let line = &wrap(text, 80)[0];
        assert_eq!(
            paint(text, line, &[Range { start: 9, end: 20 }], false),
            "security researchers here"
        );
        assert_eq!(
            paint(text, line, &[Range { start: 9, end: 20 }], true),
            "security \x1b[1;31mresearchers\x1b[0m here"
        );
    }

    #[test]
    fn the_shown_line_counts_and_says_where_it_started() {
        assert_eq!(shown_line(2, 9, 0), "2 of 9 matching passages shown");
        assert_eq!(
            shown_line(3, 10, 2),
            "3 of 10 matching passages shown (from 3)"
        );
        assert_eq!(shown_line(1, 1, 0), "1 of 1 matching passage shown");
        assert_eq!(
            shown_line(0, 92, u32::MAX as usize),
            "0 of 92 matching passages shown: --offset is past the last (offsets 0 to 91)"
        );
        assert_eq!(
            shown_line(0, 1, 1),
            "0 of 1 matching passage shown: --offset is past the last (offsets 0 to 0)"
        );
    }

    #[test]
    fn table_fits_the_width() {
        let hits = vec![hit(0, &"word ".repeat(60), vec![]), hit(1, "short", vec![])];
        for width in [40, 60, 100] {
            let out = render_table(&hits, 0, width, false);
            for l in out.lines() {
                assert!(l.chars().count() <= width, "{width}: {l:?}");
            }
            assert!(out.ends_with("\n") && !out.ends_with("\n\n"), "{out:?}");
        }
    }

    #[test]
    fn facets_render_by_count() {
        let mut f = Facets {
            total: 3,
            ..Facets::default()
        };
        f.stakeholder.insert("Government".into(), 1);
        f.stakeholder.insert("Civil Society".into(), 2);
        let out = render_facets(&f, 80);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "facets over 3 matching passages");
        assert_eq!(lines[2], "  Civil Society       2");
        assert_eq!(lines[3], "  Government          1");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
