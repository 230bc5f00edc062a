//! Tail probabilities of the two distributions the tests need: the standard normal (two-sided)
//! and the chi-square with one degree of freedom. Both reduce to the complementary error
//! function, taken from `libm` (a port of musl's, accurate to about one unit in the last
//! place), so no series or table lives here.

/// Two-sided p-value of a standard normal statistic: `P(|Z| ≥ |z|)`.
pub fn normal_two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    libm::erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0)
}

/// Survival function of the chi-square distribution with 1 degree of freedom:
/// `P(X ≥ x) = P(|Z| ≥ √x) = erfc(√(x/2))`. 1 for `x ≤ 0`.
pub fn chi_square_sf_1df(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    libm::erfc((x / 2.0).sqrt()).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::super::interval::{assert_close, Z95};
    use super::*;

    #[test]
    fn normal_tail_at_the_usual_critical_values() {
        // Standard normal table: P(|Z| ≥ 1.959964) = 0.05, P(|Z| ≥ 2.575829) = 0.01,
        // P(|Z| ≥ 1) = 0.317311.
        assert_close(normal_two_sided_p(Z95), 0.05, 1e-12);
        assert_close(normal_two_sided_p(-2.575_829_303_549), 0.01, 1e-11);
        assert_close(normal_two_sided_p(1.0), 0.317_310_507_862_914, 1e-12);
        assert_eq!(normal_two_sided_p(0.0), 1.0);
    }

    #[test]
    fn chi_square_1df_tail_at_the_table_values() {
        // Chi-square table, 1 df: 3.841459 → 0.05, 6.634897 → 0.01, 10.827566 → 0.001.
        assert_close(chi_square_sf_1df(3.841_458_820_694_124), 0.05, 1e-12);
        assert_close(chi_square_sf_1df(6.634_896_601_021_214), 0.01, 1e-12);
        assert_close(chi_square_sf_1df(10.827_566_170_662_733), 0.001, 1e-12);
        assert_eq!(chi_square_sf_1df(0.0), 1.0);
        assert_eq!(chi_square_sf_1df(-1.0), 1.0);
    }
}
