//! The Wilson score interval for a binomial proportion (Wilson 1927; method 3 of Newcombe
//! 1998, without continuity correction).
//!
//! Why Wilson and not the normal approximation `p ± z·√(p(1−p)/n)` (Wald): Wald's interval is
//! centred on `p` and its width shrinks to zero at `p = 0` or `p = 1`, so a group with 0 of 12
//! passages tagged gets `[0, 0]`; it can also run below 0 or above 1, and its coverage falls
//! well below 95 % for small `n` or shares near 0 or 1 (Brown, Cai and DasGupta 2001) —
//! exactly the small groups and rare themes of a transcript corpus. Wilson's interval inverts
//! the score test, stays inside [0, 1], is never empty, and keeps close to its nominal coverage.

use super::interval::{Interval, Z95};

/// The 95 % Wilson score interval for `successes` out of `n`; `None` when `n` is 0.
/// `successes` above `n` are treated as `n`.
pub fn wilson(successes: u64, n: u64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let x = successes.min(n);
    let (nf, z2) = (n as f64, Z95 * Z95);
    let p = x as f64 / nf;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    // At 0 and n the bound is exactly 0 or 1; computing it would leave rounding noise.
    let low = if x == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if x == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Some(Interval { low, high })
}

#[cfg(test)]
mod tests {
    use super::super::interval::assert_close;
    use super::*;

    #[test]
    fn wilson_matches_newcombe_1998_table_i() {
        // Newcombe RG (1998), "Two-sided confidence intervals for the single proportion:
        // comparison of seven methods", Stat Med 17:857–872, Table I, method 3 (score, no
        // continuity correction), to the 4 decimals printed there.
        let cases = [
            (81, 263, 0.2553, 0.3662),
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0000, 0.1611),
            (1, 29, 0.0061, 0.1718),
        ];
        for (x, n, low, high) in cases {
            let ci = wilson(x, n).unwrap();
            assert_close(ci.low, low, 5e-5);
            assert_close(ci.high, high, 5e-5);
        }
    }

    #[test]
    fn wilson_bounds_are_exact_at_zero_and_n_and_none_without_units() {
        let all = wilson(29, 29).unwrap();
        assert_eq!(all.high, 1.0);
        // By symmetry with 0/29: 1 − 0.116970 (computed by hand from the formula above).
        assert_close(all.low, 0.883_030_2, 1e-7);
        assert_eq!(wilson(0, 20).unwrap().low, 0.0);
        assert_eq!(wilson(3, 0), None);
        assert_eq!(wilson(40, 20), wilson(20, 20));
    }
}
