//! The Cochran–Armitage test for a linear trend in a binary outcome across ordered groups
//! (Cochran 1954; Armitage 1955), e.g. the share of passages tagged with a theme by year.
//!
//! With scores `tᵢ` (the years themselves), `xᵢ` tagged of `nᵢ` units in group `i`, `N = Σnᵢ`
//! and `p̄ = Σxᵢ / N`:
//! `z = Σ (tᵢ − t̄) xᵢ / √(p̄ (1 − p̄) Σ nᵢ (tᵢ − t̄)²)` with `t̄ = Σ nᵢ tᵢ / N`; `z²` follows a
//! chi-square distribution with 1 df under no trend. This is the form of R's
//! `prop.trend.test` (variance with `N`, not `N − 1`). Scores are centred before squaring, so
//! years near 2024 lose no precision.

use super::dist::normal_two_sided_p;

/// The result of [`cochran_armitage`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Signed statistic: positive when the share rises with the score.
    pub z: f64,
    /// `z²`, the chi-square (1 df) form.
    pub chi_square: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// The Cochran–Armitage trend test over `(score, tagged, units)` groups. `None` when fewer
/// than two groups have units, the scores of those groups are all equal, or every unit (or
/// none) is tagged: then there is no variance to test against.
pub fn cochran_armitage(groups: &[(f64, u64, u64)]) -> Option<Trend> {
    let used: Vec<(f64, f64, f64)> = groups
        .iter()
        .filter(|(_, _, n)| *n > 0)
        .map(|&(t, x, n)| (t, x.min(n) as f64, n as f64))
        .collect();
    if used.len() < 2 {
        return None;
    }
    let n: f64 = used.iter().map(|g| g.2).sum();
    let x: f64 = used.iter().map(|g| g.1).sum();
    let p = x / n;
    let t_mean = used.iter().map(|g| g.0 * g.2).sum::<f64>() / n;
    let spread: f64 = used.iter().map(|g| g.2 * (g.0 - t_mean).powi(2)).sum();
    let variance = p * (1.0 - p) * spread;
    if variance <= 0.0 || !variance.is_finite() {
        return None;
    }
    let numerator: f64 = used.iter().map(|g| (g.0 - t_mean) * g.1).sum();
    let z = numerator / variance.sqrt();
    Some(Trend {
        z,
        chi_square: z * z,
        p_value: normal_two_sided_p(z),
    })
}

#[cfg(test)]
mod tests {
    use super::super::interval::assert_close;
    use super::*;

    #[test]
    fn trend_matches_the_r_prop_trend_test_example() {
        // R's ?prop.trend.test example: smokers 83/86, 90/93, 129/136, 70/82 with scores
        // 1..4 gives "X-squared = 8.2249, df = 1, p-value = 0.004132". The share falls: z < 0.
        let t = cochran_armitage(&[(1.0, 83, 86), (2.0, 90, 93), (3.0, 129, 136), (4.0, 70, 82)])
            .unwrap();
        assert_close(t.chi_square, 8.2249, 5e-5);
        assert_close(t.p_value, 0.004132, 5e-7);
        assert!(t.z < 0.0);
        // The same with years as scores: only the spacing matters.
        let years = cochran_armitage(&[
            (2021.0, 83, 86),
            (2022.0, 90, 93),
            (2023.0, 129, 136),
            (2024.0, 70, 82),
        ])
        .unwrap();
        assert_close(years.z, t.z, 1e-9);
    }

    #[test]
    fn trend_matches_agresti_alcohol_and_malformation_example() {
        // Agresti, Categorical Data Analysis (2nd ed., 2002), §3.4 and §5.3.5: infant
        // malformation by the mother's alcohol consumption (48/17114, 38/14502, 5/793, 1/127,
        // 1/38), scores 0, 0.5, 1.5, 4.0, 7.0: z² = 6.57, P = 0.010.
        let t = cochran_armitage(&[
            (0.0, 48, 17_114),
            (0.5, 38, 14_502),
            (1.5, 5, 793),
            (4.0, 1, 127),
            (7.0, 1, 38),
        ])
        .unwrap();
        assert_close(t.chi_square, 6.57, 0.005);
        assert_close(t.p_value, 0.0104, 5e-5);
        assert!(t.z > 0.0);
    }

    #[test]
    fn no_trend_test_without_variance() {
        assert_eq!(cochran_armitage(&[(2021.0, 3, 10)]), None);
        assert_eq!(cochran_armitage(&[(2021.0, 0, 10), (2022.0, 0, 12)]), None);
        assert_eq!(cochran_armitage(&[(2021.0, 4, 4), (2022.0, 5, 5)]), None);
        assert_eq!(cochran_armitage(&[(2021.0, 1, 4), (2021.0, 3, 5)]), None);
        assert_eq!(cochran_armitage(&[(2021.0, 1, 4), (2022.0, 0, 0)]), None);
    }
}
