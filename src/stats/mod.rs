//! Statistics for comparing the share of passages that carry a theme across groups, and for
//! the agreement between the automatic tagger and a person's codes.
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
//!   ratio of sums, and the small generator it draws from ([`SplitMix64`]);
//! - `agreement`: [`cohen_kappa`] and Krippendorff's [`krippendorff_alpha`] (nominal, two
//!   coders) over one pair of categories per unit.
//!
//! Every interval is a 95 % interval. Nothing here prints, and nothing panics on any input:
//! degenerate inputs (no units, a zero variance) give `None`.

mod agreement;
mod bootstrap;
mod dist;
mod holm;
mod interval;
mod proportion;
mod trend;
mod two_groups;

pub use agreement::{cohen_kappa, krippendorff_alpha};
pub use bootstrap::{bootstrap_share, seed_for, Cluster, SplitMix64};
pub use dist::{chi_square_sf_1df, normal_two_sided_p};
pub use holm::holm;
#[cfg(test)]
pub(crate) use interval::assert_close;
pub use interval::{Interval, Z95};
pub use proportion::wilson;
pub use trend::{cochran_armitage, Trend};
pub use two_groups::{
    chi_square, fisher_exact, min_expected, risk_ratio, test_two_groups, Counts2, RiskRatio,
    TestKind, TestResult,
};
