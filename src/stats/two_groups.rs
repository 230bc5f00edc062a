//! Two groups compared on one binary outcome: group A has `a` tagged units out of `n_a`,
//! group B `b` out of `n_b`.
//!
//! - [`risk_ratio`]: `(a/n_a) / (b/n_b)` with the 95 % interval on the log scale (Katz et al.
//!   1978: `SE(ln RR) = √(1/a − 1/n_a + 1/b − 1/n_b)`). When exactly one of `a`, `b` is 0,
//!   0.5 is added to each of the four cells (Haldane–Anscombe, as RevMan does) and the result
//!   says so; when both are 0 the ratio is undefined and `None` is returned.
//! - [`chi_square`]: Pearson's X² for the 2 × 2 table, without continuity correction (Yates'
//!   correction is conservative, and the tables where it matters go to Fisher's test instead).
//! - [`fisher_exact`]: Fisher's exact test, two-sided: the probability, under the
//!   hypergeometric distribution of the margins, of every table no more likely than the one
//!   observed (the rule of R's `fisher.test` and SciPy's `fisher_exact`).
//! - [`test_two_groups`]: Fisher when any expected count is below 5 (Cochran's rule), else the
//!   chi-square test.

use super::dist::chi_square_sf_1df;
use super::interval::{Interval, Z95};

/// Counts of a 2 × 2 comparison: tagged and total units of groups A and B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts2 {
    pub a: u64,
    pub n_a: u64,
    pub b: u64,
    pub n_b: u64,
}

impl Counts2 {
    /// The four cells `[[a, n_a − a], [b, n_b − b]]` as floats (tagged counts capped at the
    /// group's total).
    fn cells(&self) -> [f64; 4] {
        let (a, b) = (self.a.min(self.n_a), self.b.min(self.n_b));
        [
            a as f64,
            (self.n_a - a) as f64,
            b as f64,
            (self.n_b - b) as f64,
        ]
    }
}

/// A risk ratio (share of A over share of B) with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskRatio {
    pub estimate: f64,
    pub interval: Interval,
    /// Whether 0.5 was added to every cell because one group had no tagged unit.
    pub corrected: bool,
}

/// The risk ratio of A to B with its 95 % log-scale interval; `None` when a group has no units
/// or neither group has a tagged unit.
pub fn risk_ratio(c: Counts2) -> Option<RiskRatio> {
    if c.n_a == 0 || c.n_b == 0 {
        return None;
    }
    let [mut a, mut a_no, mut b, mut b_no] = c.cells();
    if a == 0.0 && b == 0.0 {
        return None;
    }
    let corrected = a == 0.0 || b == 0.0;
    if corrected {
        a += 0.5;
        a_no += 0.5;
        b += 0.5;
        b_no += 0.5;
    }
    let (na, nb) = (a + a_no, b + b_no);
    let estimate = (a / na) / (b / nb);
    let se = (1.0 / a - 1.0 / na + 1.0 / b - 1.0 / nb).max(0.0).sqrt();
    let interval = Interval {
        low: estimate * (-Z95 * se).exp(),
        high: estimate * (Z95 * se).exp(),
    };
    Some(RiskRatio {
        estimate,
        interval,
        corrected,
    })
}

/// The smallest expected cell count under independence (0 when a margin is 0).
pub fn min_expected(c: Counts2) -> f64 {
    let [a, a_no, b, b_no] = c.cells();
    let n = a + a_no + b + b_no;
    if n == 0.0 {
        return 0.0;
    }
    let rows = [a + a_no, b + b_no];
    let cols = [a + b, a_no + b_no];
    rows.iter()
        .flat_map(|r| cols.iter().map(move |k| r * k / n))
        .fold(f64::INFINITY, f64::min)
}

/// Pearson's X² for the 2 × 2 table (no continuity correction):
/// `N (a·d − b·c)² / (row₁ row₂ col₁ col₂)`. `None` when a margin is 0.
pub fn chi_square(c: Counts2) -> Option<f64> {
    let [a, a_no, b, b_no] = c.cells();
    let n = a + a_no + b + b_no;
    let margins = (a + a_no) * (b + b_no) * (a + b) * (a_no + b_no);
    if margins == 0.0 {
        return None;
    }
    let cross = a * b_no - a_no * b;
    Some(n * cross * cross / margins)
}

/// Fisher's exact test, two-sided. 1 when a margin is 0 (every table is the observed one).
pub fn fisher_exact(c: Counts2) -> f64 {
    let (a, b) = (c.a.min(c.n_a), c.b.min(c.n_b));
    let (n_a, n_b) = (c.n_a, c.n_b);
    let tagged = a + b;
    let lo = tagged.saturating_sub(n_b);
    let hi = tagged.min(n_a);
    if lo >= hi {
        return 1.0;
    }
    // Hypergeometric weights relative to the mode (the largest, so nothing overflows), by the
    // ratio of consecutive probabilities: P(x+1)/P(x) = (K−x)(n_a−x) / ((x+1)(n_b−K+x+1)).
    let total = (n_a + n_b) as f64;
    let mode =
        (((n_a + 1) as f64 * (tagged + 1) as f64 / (total + 2.0)).floor() as u64).clamp(lo, hi);
    let len = (hi - lo + 1) as usize;
    let mut w = vec![0.0f64; len];
    w[(mode - lo) as usize] = 1.0;
    let (k, na, nb) = (tagged as f64, n_a as f64, n_b as f64);
    for x in mode..hi {
        let xf = x as f64;
        let r = (k - xf) * (na - xf) / ((xf + 1.0) * (nb - k + xf + 1.0));
        w[(x + 1 - lo) as usize] = w[(x - lo) as usize] * r;
    }
    for x in (lo + 1..=mode).rev() {
        let xf = x as f64;
        let r = xf * (nb - k + xf) / ((k - xf + 1.0) * (na - xf + 1.0));
        w[(x - 1 - lo) as usize] = w[(x - lo) as usize] * r;
    }
    let observed = w[(a - lo) as usize];
    // Tables as likely as the observed one, up to rounding, count as "no more likely".
    let cutoff = observed * (1.0 + 1e-7);
    let sum: f64 = w.iter().sum();
    let tail: f64 = w.iter().filter(|&&v| v <= cutoff).sum();
    (tail / sum).clamp(0.0, 1.0)
}

/// Which test [`test_two_groups`] ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKind {
    /// Pearson's chi-square test, 1 df, no continuity correction.
    ChiSquare,
    /// Fisher's exact test, two-sided.
    Fisher,
}

impl TestKind {
    /// `chi-square` or `fisher`, as printed in the `test` column.
    pub fn as_str(self) -> &'static str {
        match self {
            TestKind::ChiSquare => "chi-square",
            TestKind::Fisher => "fisher",
        }
    }
}

/// A test of equal shares in two groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    pub kind: TestKind,
    /// X² for the chi-square test; `None` for Fisher's test (it has no statistic of its own).
    pub statistic: Option<f64>,
    pub p_value: f64,
}

/// Fisher's exact test when any expected count is below 5, else Pearson's chi-square test.
pub fn test_two_groups(c: Counts2) -> TestResult {
    match chi_square(c) {
        Some(x2) if min_expected(c) >= 5.0 => TestResult {
            kind: TestKind::ChiSquare,
            statistic: Some(x2),
            p_value: chi_square_sf_1df(x2),
        },
        _ => TestResult {
            kind: TestKind::Fisher,
            statistic: None,
            p_value: fisher_exact(c),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::interval::assert_close;
    use super::*;

    /// Physicians' Health Study, as in Agresti, An Introduction to Categorical Data Analysis
    /// (2nd ed., 2007), §2.2: myocardial infarction in 189 of 11,034 on placebo and 104 of
    /// 11,037 on aspirin.
    const ASPIRIN: Counts2 = Counts2 {
        a: 189,
        n_a: 11_034,
        b: 104,
        n_b: 11_037,
    };

    #[test]
    fn risk_ratio_matches_agresti_aspirin_example() {
        // Agresti (2007) §2.2.4: relative risk 1.82, 95 % interval (1.43, 2.30).
        let rr = risk_ratio(ASPIRIN).unwrap();
        assert_close(rr.estimate, 1.82, 0.005);
        assert_close(rr.interval.low, 1.43, 0.005);
        assert_close(rr.interval.high, 2.30, 0.01);
        // To more places, by hand: (189/11034)/(104/11037) = 1.817802; SE(ln RR) =
        // √(1/189 − 1/11034 + 1/104 − 1/11037) = 0.121992; × exp(∓1.959964 · SE).
        assert_close(rr.estimate, 1.817_801_8, 1e-6);
        assert_close(rr.interval.low, 1.433_031, 1e-5);
        assert_close(rr.interval.high, 2.305_884, 1e-5);
        assert!(!rr.corrected);
    }

    #[test]
    fn risk_ratio_with_a_zero_cell_adds_a_half_and_says_so() {
        // 0 of 10 against 5 of 10, by hand: (0.5/11)/(5.5/11) = 0.090909; SE = √(1/0.5 − 1/11
        // + 1/5.5 − 1/11) = √2; interval 0.090909 · exp(∓1.959964 · √2) = (0.005686, 1.45341).
        let rr = risk_ratio(Counts2 {
            a: 0,
            n_a: 10,
            b: 5,
            n_b: 10,
        })
        .unwrap();
        assert!(rr.corrected);
        assert_close(rr.estimate, 0.090_909_09, 1e-8);
        assert_close(rr.interval.low, 0.005_686_26, 1e-7);
        assert_close(rr.interval.high, 1.453_41, 1e-5);
        assert_eq!(
            risk_ratio(Counts2 {
                a: 0,
                n_a: 10,
                b: 0,
                n_b: 7
            }),
            None
        );
        assert_eq!(
            risk_ratio(Counts2 {
                a: 1,
                n_a: 0,
                b: 0,
                n_b: 7
            }),
            None
        );
    }

    #[test]
    fn chi_square_matches_the_aspirin_table() {
        // By hand: expected counts 146.480, 10887.520, 146.520, 10890.480;
        // X² = Σ (O − E)² / E = 25.0139, P(χ²₁ ≥ 25.0139) = 5.692e-7 (cross-checked with
        // SciPy's chi2_contingency(correction=False)).
        let x2 = chi_square(ASPIRIN).unwrap();
        assert_close(x2, 25.013_884, 1e-5);
        let t = test_two_groups(ASPIRIN);
        assert_eq!(t.kind, TestKind::ChiSquare);
        assert_close(t.p_value, 5.6919e-7, 1e-10);
        assert_close(min_expected(ASPIRIN), 146.480_087, 1e-5);
        // Hand-sized table [[10, 20], [20, 10]]: N(ad − bc)²/(r1 r2 c1 c2) =
        // 60 · (100 − 400)² / (30 · 30 · 30 · 30) = 6.6667.
        let small = Counts2 {
            a: 10,
            n_a: 30,
            b: 20,
            n_b: 30,
        };
        assert_close(chi_square(small).unwrap(), 20.0 / 3.0, 1e-12);
        assert_eq!(
            chi_square(Counts2 {
                a: 0,
                n_a: 30,
                b: 0,
                n_b: 30
            }),
            None
        );
    }

    #[test]
    fn fisher_matches_the_tea_tasting_and_dieting_examples() {
        // Fisher's tea-tasting experiment, Agresti (2007) §2.6: 3 of 4 cups right; one-sided
        // P = 0.243, two-sided P = 0.486 (= 34/70: the tables 3–1 and 1–3 have probability
        // 16/70 each, 4–0 and 0–4 1/70 each).
        let tea = Counts2 {
            a: 3,
            n_a: 4,
            b: 1,
            n_b: 4,
        };
        assert_close(fisher_exact(tea), 34.0 / 70.0, 1e-12);
        // The dieting example of Wikipedia's "Fisher's exact test" article: [[1, 9], [11, 3]],
        // two-sided p = 0.002759 (R fisher.test: 0.002759456).
        let diet = Counts2 {
            a: 1,
            n_a: 10,
            b: 11,
            n_b: 14,
        };
        assert_close(fisher_exact(diet), 0.002_759_456, 1e-9);
        // Expected counts: 5, 5, 7, 7 in the dieting table (chi-square is allowed), 2 in
        // every cell of the tea table (Fisher's test is used).
        assert_eq!(test_two_groups(diet).kind, TestKind::ChiSquare);
        let t = test_two_groups(tea);
        assert_eq!((t.kind, t.statistic), (TestKind::Fisher, None));
        assert_close(t.p_value, 34.0 / 70.0, 1e-12);
        // A margin of 0: nothing to test.
        assert_eq!(
            fisher_exact(Counts2 {
                a: 0,
                n_a: 5,
                b: 0,
                n_b: 9
            }),
            1.0
        );
        assert_eq!(
            fisher_exact(Counts2 {
                a: 5,
                n_a: 5,
                b: 9,
                n_b: 9
            }),
            1.0
        );
    }
}
