//! Themed excerpts with citation columns, for quoting in reports.
//!
//! Input: [`PassageRecord`]s (already filtered by the index search) and the theme/polarity
//! asked for. Output: a [`Table`], one row per (passage, matching tag), in the order given.
//! This module does not search; the CLI asks the index for the passages.

use super::table::{Cell, Table};
use crate::model::{PassageRecord, Polarity};

/// Columns of the excerpts table.
pub const EXCERPT_COLUMNS: [&str; 17] = [
    "session",
    "code",
    "title",
    "date",
    "speaker",
    "stakeholder",
    "region",
    "theme",
    "polarity",
    "decided_by",
    "evidence",
    "text",
    "source",
    "line",
    "start_ms",
    "end_ms",
    "passage_id",
];

/// One row per passage and tag matching `theme` (a theme id, or any when `None`) and
/// `polarity` (any when `None`). Passages without a matching tag are skipped.
pub fn excerpts_table(
    records: &[PassageRecord],
    theme: Option<&str>,
    polarity: Option<Polarity>,
) -> Table {
    let mut t = Table::new(EXCERPT_COLUMNS.to_vec());
    for r in records {
        for tag in &r.tags {
            if theme.is_some_and(|id| id != tag.theme)
                || polarity.is_some_and(|p| p != tag.polarity)
            {
                continue;
            }
            t.rows.push(vec![
                Cell::text(&r.session),
                Cell::text(&r.code),
                Cell::text(&r.title),
                Cell::text(&r.date),
                Cell::text(&r.speaker),
                Cell::text(r.stakeholder.as_str()),
                Cell::text(r.region.as_str()),
                Cell::text(tag.theme.as_str()),
                Cell::text(tag.polarity.as_str()),
                Cell::text(tag.decided_by.as_str()),
                Cell::text(tag.explain()),
                Cell::text(&r.text),
                Cell::text(&r.source),
                Cell::Int(u64::from(r.line)),
                Cell::opt_int(r.start_ms),
                Cell::opt_int(r.end_ms),
                Cell::Int(r.passage_id),
            ]);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;

    #[test]
    fn one_row_per_matching_tag_with_citation() {
        let recs = test_records();
        let t = excerpts_table(&recs, Some("security-research"), Some(Polarity::Risk));
        let ids: Vec<&Cell> = t.rows.iter().map(|r| &r[16]).collect();
        assert_eq!(ids, vec![&Cell::Int(1), &Cell::Int(2), &Cell::Int(10)]);
        let row = &t.rows[0];
        assert_eq!(row[12], Cell::text("s/2023.txt"));
        assert_eq!(row[13], Cell::Int(5));
        assert_eq!(row[9], Cell::text("default"));
        assert_eq!(
            row[10],
            Cell::text("terms=security research@0; cue=default")
        );
        assert_eq!(
            excerpts_table(
                &recs,
                Some("security-research"),
                Some(Polarity::Opportunity)
            )
            .rows
            .len(),
            0
        );
        assert_eq!(excerpts_table(&recs, None, None).rows.len(), 5);
    }
}
