//! The passage columns the CSV tables share (`passages.csv`, the search CSV): each column's
//! header and its cell, said once.
//!
//! Input: a [`PassageRecord`]. Output: the [`Cell`] a column shows of it. Which columns a
//! table holds, and in what order, is the table's own choice.

use super::table::Cell;
use crate::model::PassageRecord;

/// A column of a passage table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    PassageId,
    Session,
    Code,
    Year,
    Date,
    Title,
    Turn,
    Speaker,
    Stakeholder,
    Region,
    Role,
    Language,
    Words,
    Procedural,
    Themes,
    DecidedBy,
    Evidence,
    /// `file:line`, the short citation of the search CSV.
    Source,
    /// The full citation of `passages.csv` (file, line and time span).
    FullSource,
    Text,
    Line,
    StartMs,
    EndMs,
}

impl Column {
    /// The header.
    pub fn name(self) -> &'static str {
        match self {
            Column::PassageId => "passage_id",
            Column::Session => "session",
            Column::Code => "code",
            Column::Year => "year",
            Column::Date => "date",
            Column::Title => "title",
            Column::Turn => "turn",
            Column::Speaker => "speaker",
            Column::Stakeholder => "stakeholder",
            Column::Region => "region",
            Column::Role => "role",
            Column::Language => "language",
            Column::Words => "words",
            Column::Procedural => "procedural",
            Column::Themes => "themes",
            Column::DecidedBy => "decided_by",
            Column::Evidence => "evidence",
            Column::Source | Column::FullSource => "source",
            Column::Text => "text",
            Column::Line => "line",
            Column::StartMs => "start_ms",
            Column::EndMs => "end_ms",
        }
    }

    /// The cell of `r` in this column.
    pub fn cell(self, r: &PassageRecord) -> Cell {
        match self {
            Column::PassageId => Cell::Int(r.passage_id),
            Column::Session => Cell::text(&r.session),
            Column::Code => Cell::text(&r.code),
            Column::Year => Cell::Int(u64::from(r.year)),
            Column::Date => Cell::text(&r.date),
            Column::Title => Cell::text(&r.title),
            Column::Turn => Cell::Int(u64::from(r.turn)),
            Column::Speaker => Cell::text(&r.speaker),
            Column::Stakeholder => Cell::text(r.stakeholder.as_str()),
            Column::Region => Cell::text(r.region.as_str()),
            Column::Role => Cell::text(r.role.as_str()),
            Column::Language => Cell::text(&r.language),
            Column::Words => Cell::Int(u64::from(r.words)),
            Column::Procedural => Cell::text(if r.procedural { "true" } else { "false" }),
            Column::Themes => Cell::text(r.themes_label()),
            Column::DecidedBy => Cell::text(r.decided_label()),
            Column::Evidence => Cell::text(r.evidence_label()),
            Column::Source => Cell::text(r.citation()),
            Column::FullSource => Cell::text(r.full_citation()),
            Column::Text => Cell::text(&r.text),
            Column::Line => Cell::Int(u64::from(r.line)),
            Column::StartMs => Cell::opt_int(r.start_ms),
            Column::EndMs => Cell::opt_int(r.end_ms),
        }
    }
}

/// Where a passage stands and who said it: the columns every passage table holds in this
/// order.
pub const WHO: [Column; 6] = [
    Column::Title,
    Column::Turn,
    Column::Speaker,
    Column::Stakeholder,
    Column::Region,
    Column::Role,
];

/// The headers of the columns, given in groups.
pub fn headers(groups: &[&[Column]]) -> Vec<&'static str> {
    groups
        .iter()
        .flat_map(|g| g.iter())
        .map(|c| c.name())
        .collect()
}

/// The cells of `r` in the columns, given in groups.
pub fn cells(groups: &[&[Column]], r: &PassageRecord) -> Vec<Cell> {
    groups
        .iter()
        .flat_map(|g| g.iter())
        .map(|c| c.cell(r))
        .collect()
}
