//! L2-regularised logistic regression on sparse rows, fitted by full-batch gradient descent
//! with Adam steps: deterministic (no sampling), so the same data and settings give the same
//! weights on every machine.
//!
//! Input: rows of `(feature, value)` pairs, 0/1 targets and a penalty. Output: a weight per
//! feature and a bias. The objective is the sum of the rows' log losses plus
//! `l2 / 2 · ‖w‖²` (the bias is not penalised). This module knows nothing of passages.

/// A sparse row: `(feature index, value)`, each feature at most once.
pub type Row = Vec<(u32, f32)>;

/// Fitted weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub weights: Vec<f32>,
    pub bias: f32,
}

/// How to fit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The L2 penalty.
    pub l2: f32,
    /// Gradient steps.
    pub steps: usize,
    /// Adam's learning rate.
    pub rate: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            l2: 1.0,
            steps: 300,
            rate: 0.1,
        }
    }
}

/// The logistic function, safe for any input.
pub fn sigmoid(z: f32) -> f32 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `bias + Σ w·x` of one row.
pub fn logit(fit: &Fit, row: &[(u32, f32)]) -> f32 {
    fit.bias
        + row
            .iter()
            .map(|&(f, x)| fit.weights.get(f as usize).copied().unwrap_or(0.0) * x)
            .sum::<f32>()
}

/// Fits `rows` (over `features` features) to `targets` (0 or 1).
pub fn fit(rows: &[Row], targets: &[f32], features: usize, s: Settings) -> Fit {
    debug_assert_eq!(rows.len(), targets.len());
    let n = rows.len().max(1) as f32;
    let mut fit = Fit {
        weights: vec![0.0; features],
        // Start from the base rate, so few steps go to finding it.
        bias: {
            let p = (targets.iter().sum::<f32>() / n).clamp(0.01, 0.99);
            (p / (1.0 - p)).ln()
        },
    };
    let mut grad = vec![0.0f32; features];
    let (mut m, mut v) = (vec![0.0f32; features + 1], vec![0.0f32; features + 1]);
    let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
    for step in 1..=s.steps {
        grad.iter_mut()
            .zip(&fit.weights)
            .for_each(|(g, w)| *g = s.l2 * w);
        let mut gb = 0.0f32;
        for (row, &y) in rows.iter().zip(targets) {
            let err = sigmoid(logit(&fit, row)) - y;
            gb += err;
            for &(f, x) in row {
                grad[f as usize] += err * x;
            }
        }
        // Adam on the mean gradient, so the rate does not depend on the number of rows.
        let t = step as i32;
        let (c1, c2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
        let mut update = |i: usize, g: f32| -> f32 {
            let g = g / n;
            m[i] = b1 * m[i] + (1.0 - b1) * g;
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            s.rate * (m[i] / c1) / ((v[i] / c2).sqrt() + eps)
        };
        for (i, g) in grad.iter().enumerate() {
            fit.weights[i] -= update(i, *g);
        }
        fit.bias -= update(features, gb);
    }
    fit
}

/// Mean log loss of probabilities against 0/1 targets (probabilities kept in [1e-6, 1 − 1e-6]).
pub fn log_loss(probs: &[f32], targets: &[f32]) -> f64 {
    if probs.is_empty() {
        return 0.0;
    }
    let sum: f64 = probs
        .iter()
        .zip(targets)
        .map(|(&p, &y)| {
            let p = f64::from(p).clamp(1e-6, 1.0 - 1e-6);
            if y > 0.5 {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum();
    sum / probs.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_a_separable_set_and_is_deterministic() {
        // Feature 0 marks the positives, feature 1 is noise present everywhere.
        let rows: Vec<Row> = (0..40)
            .map(|i| {
                if i % 2 == 0 {
                    vec![(0, 1.0), (1, 1.0)]
                } else {
                    vec![(1, 1.0)]
                }
            })
            .collect();
        let y: Vec<f32> = (0..40)
            .map(|i| if i % 2 == 0 { 1.0 } else { 0.0 })
            .collect();
        let s = Settings {
            l2: 0.1,
            ..Settings::default()
        };
        let a = fit(&rows, &y, 2, s);
        assert!(sigmoid(logit(&a, &rows[0])) > 0.9);
        assert!(sigmoid(logit(&a, &rows[1])) < 0.1);
        assert_eq!(a, fit(&rows, &y, 2, s));
        // A stronger penalty keeps the weights smaller.
        let b = fit(&rows, &y, 2, Settings { l2: 10.0, ..s });
        assert!(b.weights[0].abs() < a.weights[0].abs());
    }

    #[test]
    fn sigmoid_and_log_loss_are_safe_at_the_extremes() {
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(sigmoid(-1000.0) >= 0.0 && sigmoid(1000.0) <= 1.0);
        assert!((log_loss(&[0.5, 0.5], &[1.0, 0.0]) - std::f64::consts::LN_2).abs() < 1e-9);
        assert!(log_loss(&[0.0], &[1.0]).is_finite());
    }
}
