//! Statistics for comparing the share of passages that carry a theme across groups.
//!
//! Input: counts (tagged units out of units, per group) or per-cluster sums. Output: shares,
//! intervals, test statistics and p-values as plain numbers. Everything here is a pure function
//! of its arguments (the bootstrap takes its seed as an argument), with no knowledge of
//! passages, groups or output formats; [`crate::export`] turns records into counts and the
//! results into tables.
//!
//! - `dist`: the standard normal's two-sided tail and the chi-square (1 df) survival function;
//! - `proportion`: [`wilson`], the 95 % Wilson score interval for a binomial share;
//! - `two_groups`: [`risk_ratio`] with its log-scale (Katz) interval, Pearson's
//!   [`chi_square`], [`fisher_exact`], and [`test_two_groups`], which picks one of the two;
//! - `holm`: [`holm`]'s step-down adjustment of a family of p-values;
//! - `trend`: the [`cochran_armitage`] test for a linear trend in shares across ordered groups;
//! - `bootstrap`: [`bootstrap_share`], a seeded (cluster) bootstrap percentile interval for a
//!   ratio of sums, and the small generator it draws from ([`SplitMix64`]).
//!
//! Every interval is a 95 % interval. Nothing here prints, and nothing panics on any input:
//! degenerate inputs (no units, a zero variance) give `None`.

mod bootstrap;
mod dist;
mod holm;
mod proportion;
mod trend;
mod two_groups;

pub use bootstrap::{bootstrap_share, seed_for, Cluster, SplitMix64};
pub use dist::{chi_square_sf_1df, normal_two_sided_p};
pub use holm::holm;
pub use proportion::wilson;
pub use trend::{cochran_armitage, Trend};
pub use two_groups::{
    chi_square, fisher_exact, min_expected, risk_ratio, test_two_groups, Counts2, RiskRatio,
    TestKind, TestResult,
};

/// The 0.975 quantile of the standard normal distribution, for 95 % intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A two-sided interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Asserts that `got` is within `tol` of `want` (for the tests of this module and its users).
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_close(got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "got {got}, want {want} (± {tol})"
    );
}
