//! Holm's (1979) step-down adjustment of a family of p-values, controlling the family-wise
//! error rate without assuming anything about how the tests depend on each other.

/// Holm-adjusted p-values, in the order of `p`. With the `m` p-values sorted increasingly as
/// `p(1) ≤ … ≤ p(m)`, the adjusted value of `p(i)` is `max over j ≤ i of min(1, (m − j + 1)·p(j))`.
/// Every adjusted value is at least its p-value and lies in [0, 1]. A NaN p-value is treated
/// as 1 (a test that could not be run rejects nothing).
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let clean: Vec<f64> = p
        .iter()
        .map(|&v| if v.is_nan() { 1.0 } else { v.clamp(0.0, 1.0) })
        .collect();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| clean[a].total_cmp(&clean[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let scaled = ((m - rank) as f64 * clean[i]).min(1.0);
        running = running.max(scaled);
        out[i] = running.max(clean[i]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::interval::assert_close;
    use super::*;

    #[test]
    fn holm_by_hand() {
        // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → raised to the
        // running maximum 0.06. Back in input order:
        let adj = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (g, w) in adj.iter().zip(want) {
            assert_close(*g, w, 1e-15);
        }
    }

    #[test]
    fn holm_caps_at_one_and_never_lowers_a_p_value() {
        // Sorted: 0.25·3 = 0.75, 0.375·2 = 0.75, 0.75·1 = 0.75 (all exact in binary).
        let adj = holm(&[0.75, 0.25, 0.375]);
        assert_eq!(adj, vec![0.75, 0.75, 0.75]);
        // 0.5·2 = 1, then the running maximum keeps 0.7 at 1.
        let adj = holm(&[0.5, 0.7, f64::NAN]);
        assert_eq!(adj, vec![1.0, 1.0, 1.0]);
        assert!(holm(&[]).is_empty());
        assert_eq!(holm(&[0.02]), vec![0.02]);
    }
}
