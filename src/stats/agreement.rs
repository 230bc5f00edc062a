//! Agreement between two coders on a nominal scale: Cohen's (1960) kappa and Krippendorff's
//! (2004) alpha for nominal data, two coders, no missing values.
//!
//! Input: one pair of category numbers per unit (what coder A gave, what coder B gave); the
//! numbers only name categories, their order means nothing. Output: the coefficient, or `None`
//! when it is undefined (no units, or both coders used one and the same category throughout, so
//! that chance agreement is already perfect).

use std::collections::BTreeMap;

/// Cohen's kappa: `(p_o − p_e) / (1 − p_e)`, with `p_o` the share of units on which the two
/// coders agree and `p_e = Σ_c (a_c / N)(b_c / N)` the agreement expected from each coder's own
/// marginal shares.
pub fn cohen_kappa(pairs: &[(u32, u32)]) -> Option<f64> {
    let n = pairs.len() as f64;
    if pairs.is_empty() {
        return None;
    }
    let agree = pairs.iter().filter(|(a, b)| a == b).count() as f64;
    let mut a: BTreeMap<u32, f64> = BTreeMap::new();
    let mut b: BTreeMap<u32, f64> = BTreeMap::new();
    for &(x, y) in pairs {
        *a.entry(x).or_default() += 1.0;
        *b.entry(y).or_default() += 1.0;
    }
    let p_o = agree / n;
    let p_e: f64 = a
        .iter()
        .map(|(c, na)| (na / n) * (b.get(c).copied().unwrap_or(0.0) / n))
        .sum();
    let denom = 1.0 - p_e;
    (denom.abs() > 1e-12).then(|| (p_o - p_e) / denom)
}

/// Krippendorff's alpha for nominal data and two coders: `1 − D_o / D_e`. With `n = 2N` values
/// (two per unit), `n_c` the values in category `c` over both coders, and `d` the number of
/// units the coders disagree on, the observed disagreement is `D_o = 2d / n` (each disagreeing
/// unit adds the pairs (a, b) and (b, a) to the coincidence matrix) and the expected one
/// `D_e = Σ_{c≠k} n_c n_k / (n (n − 1))`, so `alpha = 1 − (n − 1) · 2d / Σ_{c≠k} n_c n_k`.
pub fn krippendorff_alpha(pairs: &[(u32, u32)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = 2.0 * pairs.len() as f64;
    let mut marg: BTreeMap<u32, f64> = BTreeMap::new();
    for &(x, y) in pairs {
        *marg.entry(x).or_default() += 1.0;
        *marg.entry(y).or_default() += 1.0;
    }
    let disagree = pairs.iter().filter(|(a, b)| a != b).count() as f64;
    let same: f64 = marg.values().map(|c| c * c).sum();
    // Σ_{c≠k} n_c n_k = (Σ n_c)² − Σ n_c².
    let expected = n * n - same;
    (expected > 0.0).then(|| 1.0 - (n - 1.0) * 2.0 * disagree / expected)
}

#[cfg(test)]
mod tests {
    use super::super::interval::assert_close;
    use super::*;

    /// Ten units, categories 1 (tagged) and 0 (not): both tag 3, A alone 1, B alone 1, neither
    /// 5. By hand:
    /// - kappa: p_o = 8/10 = 0.8; each coder tags 4 of 10, so p_e = 0.4·0.4 + 0.6·0.6 = 0.52;
    ///   kappa = (0.8 − 0.52) / (1 − 0.52) = 0.28 / 0.48 = 0.583333.
    /// - alpha: n = 20 values, n_1 = 8, n_0 = 12; Σ_{c≠k} n_c n_k = 2·8·12 = 192; d = 2
    ///   disagreeing units; alpha = 1 − 19·2·2 / 192 = 1 − 76/192 = 0.604167.
    fn ten_units() -> Vec<(u32, u32)> {
        let mut p = vec![(1, 1); 3];
        p.push((1, 0));
        p.push((0, 1));
        p.extend(vec![(0, 0); 5]);
        p
    }

    #[test]
    fn kappa_and_alpha_match_the_hand_computation() {
        assert_close(cohen_kappa(&ten_units()).unwrap(), 0.583_333, 1e-6);
        assert_close(krippendorff_alpha(&ten_units()).unwrap(), 0.604_167, 1e-6);
    }

    /// Three categories, four units: (1,1), (2,2), (0,0), (1,2). p_o = 3/4; A gives 0:1, 1:2,
    /// 2:1 and B 0:1, 1:1, 2:2, so p_e = (1·1 + 2·1 + 1·2)/16 = 5/16; kappa = (12/16 − 5/16) /
    /// (11/16) = 7/11 = 0.636364. Alpha: n = 8, n_0 = 2, n_1 = 3, n_2 = 3; Σ n_c² = 4 + 9 + 9
    /// = 22, so Σ_{c≠k} = 64 − 22 = 42; alpha = 1 − 7·2·1/42 = 1 − 1/3 = 0.666667.
    #[test]
    fn three_categories_match_the_hand_computation() {
        let p = [(1, 1), (2, 2), (0, 0), (1, 2)];
        assert_close(cohen_kappa(&p).unwrap(), 7.0 / 11.0, 1e-9);
        assert_close(krippendorff_alpha(&p).unwrap(), 2.0 / 3.0, 1e-9);
    }

    #[test]
    fn perfect_agreement_is_one_and_degenerate_inputs_are_none() {
        assert_close(cohen_kappa(&[(0, 0), (1, 1)]).unwrap(), 1.0, 1e-12);
        assert_close(krippendorff_alpha(&[(0, 0), (1, 1)]).unwrap(), 1.0, 1e-12);
        assert_eq!(cohen_kappa(&[]), None);
        assert_eq!(krippendorff_alpha(&[]), None);
        // One category throughout: chance agreement is perfect, the coefficients undefined.
        assert_eq!(cohen_kappa(&[(0, 0), (0, 0)]), None);
        assert_eq!(krippendorff_alpha(&[(0, 0), (0, 0)]), None);
    }

    #[test]
    fn systematic_disagreement_is_negative() {
        let p = [(0, 1), (1, 0), (0, 1), (1, 0)];
        assert_close(cohen_kappa(&p).unwrap(), -1.0, 1e-12);
        // n = 8, n_0 = n_1 = 4, Σ_{c≠k} = 32, d = 4: 1 − 7·8/32 = −0.75.
        assert_close(krippendorff_alpha(&p).unwrap(), -0.75, 1e-12);
    }
}
