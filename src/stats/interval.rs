//! The interval type every statistic returns, and the 95 % normal quantile they share.

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
