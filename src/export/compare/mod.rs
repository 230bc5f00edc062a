//! Comparisons across groups: the share of a group's units (passages, words or seconds) that
//! carry a theme, with its interval, tests between every pair of groups and a trend over
//! years.
//!
//! Input: the [`PassageRecord`](crate::model::PassageRecord)s of the population to compare (the CLI asks the index for
//! them, with the query and filters applied) and [`CompareOptions`]. Output: a [`Comparison`]
//! (group rows, pair rows, a trend), turned into CSV tables, JSON or terminal text by
//! `render`, and into the report's comparison section by `chart`. The statistics themselves
//! are in [`crate::stats`]; this module only counts and labels.
//!
//! What is counted:
//! - a unit is *tagged* when its passage carries the theme (any theme when none is given)
//!   with the polarity (either when none is given);
//! - `--unit passages`: each passage is one unit, and the interval is Wilson's (passages taken
//!   as independent Bernoulli trials);
//! - `--unit words|time`: a passage weighs its words or its caption seconds; the words of one
//!   passage are tagged together, so they are not independent trials and Wilson does not
//!   apply: the interval is the bootstrap over passages instead (`interval` says which);
//! - `--cluster session|speaker` adds the cluster bootstrap interval (`boot_low`, `boot_high`),
//!   resampling whole sessions or speakers within each group;
//! - a group with fewer than [`SMALL_BELOW`] passages is flagged `small`, never left out.
//!
//! Pairwise tests and the trend test count passages, so they need `--unit passages`.
//! This module does not search, print or write files.

mod chart;
mod compute;
mod render;
#[cfg(test)]
mod tests;

pub use chart::comparison_section;
pub use compute::{
    compare, ClusterBy, CompareOptions, Comparison, GroupBy, GroupRow, IntervalKind, Outcome,
    PairRow, Unit, YearTrend, DEFAULT_RESAMPLES, DEFAULT_SEED, RESAMPLES, SMALL_BELOW,
};
pub use render::{
    comparison_json, groups_table, pairs_table, render_comparison, trend_table, GROUP_COLUMNS,
    PAIR_COLUMNS, TREND_COLUMNS,
};
