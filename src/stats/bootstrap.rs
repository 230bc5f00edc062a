//! The (cluster) bootstrap percentile interval for a share that is a ratio of sums
//! (Efron and Tibshirani 1993, ch. 13; for clusters, Davison and Hinkley 1997, §3.8).
//!
//! Input: the group's clusters, each with the tagged amount and the total amount it holds
//! (passages, words or seconds), a number of resamples and a seed. Each resample draws as many
//! clusters as the group has, with replacement, and computes `Σ tagged / Σ total`; the interval
//! is the 2.5th and 97.5th percentile of those shares. Clusters are sessions or speakers when
//! passages cluster; with one passage per cluster this is the ordinary bootstrap over passages.
//!
//! Draws come from [`SplitMix64`] (Steele, Lea and Flood 2014), a generator of a few lines
//! whose output for a seed is fixed forever, so an interval is reproducible from its seed on
//! every platform and igf-lens version. [`seed_for`] derives a group's own seed from the run's
//! seed and the group's name, so a group's interval does not change when other groups come
//! or go (another filter, another `--by`).

use super::interval::Interval;

/// One cluster's sums.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cluster {
    pub tagged: f64,
    pub total: f64,
}

/// SplitMix64: a 64-bit generator with a fixed, documented output sequence.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (`n > 0`), without modulo bias (Lemire 2019).
    pub fn below(&mut self, n: u64) -> u64 {
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }
}

/// The seed of one group: the run's seed mixed with the FNV-1a hash of the group's name.
pub fn seed_for(seed: u64, label: &str) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    SplitMix64::new(seed ^ h).next_u64()
}

/// The bootstrap percentile 95 % interval of `Σ tagged / Σ total` over `clusters`, from
/// `resamples` resamples drawn with `seed`. `None` without clusters or resamples, or when no
/// resample has a positive total. Resamples whose total is 0 (possible with seconds) are left
/// out.
pub fn bootstrap_share(clusters: &[Cluster], resamples: usize, seed: u64) -> Option<Interval> {
    if clusters.is_empty() || resamples == 0 {
        return None;
    }
    let k = clusters.len() as u64;
    let mut rng = SplitMix64::new(seed);
    let mut shares = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        let (mut tagged, mut total) = (0.0, 0.0);
        for _ in 0..k {
            let c = clusters[rng.below(k) as usize];
            tagged += c.tagged;
            total += c.total;
        }
        if total > 0.0 {
            shares.push((tagged / total).clamp(0.0, 1.0));
        }
    }
    if shares.is_empty() {
        return None;
    }
    shares.sort_by(f64::total_cmp);
    Some(Interval {
        low: quantile(&shares, 0.025),
        high: quantile(&shares, 0.975),
    })
}

/// The `q` quantile of sorted values, interpolating between order statistics (R's type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::super::interval::assert_close;
    use super::super::proportion::wilson;
    use super::*;

    #[test]
    fn splitmix64_gives_the_reference_sequence() {
        // The first outputs of Vigna's splitmix64.c from state 0.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = SplitMix64::new(7);
        let mut seen = [0u32; 5];
        for _ in 0..5000 {
            seen[r.below(5) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (900..1100).contains(&c)), "{seen:?}");
        assert_eq!(r.below(1), 0);
    }

    fn passages(tagged: usize, n: usize) -> Vec<Cluster> {
        (0..n)
            .map(|i| Cluster {
                tagged: if i < tagged { 1.0 } else { 0.0 },
                total: 1.0,
            })
            .collect()
    }

    #[test]
    fn bootstrap_is_reproducible_with_a_fixed_seed() {
        let clusters = passages(30, 120);
        let a = bootstrap_share(&clusters, 2000, 17).unwrap();
        let b = bootstrap_share(&clusters, 2000, 17).unwrap();
        assert_eq!(a, b);
        // The figures this seed gives, fixed once and for all (SplitMix64 cannot change).
        assert_eq!((a.low, a.high), (0.175, 0.325));
        let other = bootstrap_share(&clusters, 2000, 18).unwrap();
        assert_ne!(a, other);
    }

    #[test]
    fn bootstrap_over_independent_passages_is_close_to_wilson() {
        // 30 of 120 tagged: Wilson (0.1799, 0.3365); the percentile bootstrap of a binomial
        // share lands within a couple of points of it.
        let boot = bootstrap_share(&passages(30, 120), 4000, 1).unwrap();
        let w = wilson(30, 120).unwrap();
        assert_close(boot.low, w.low, 0.02);
        assert_close(boot.high, w.high, 0.02);
    }

    #[test]
    fn clusters_that_agree_give_a_point_and_empty_input_gives_none() {
        let same = vec![
            Cluster {
                tagged: 2.0,
                total: 8.0
            };
            6
        ];
        let ci = bootstrap_share(&same, 500, 3).unwrap();
        assert_eq!((ci.low, ci.high), (0.25, 0.25));
        assert_eq!(bootstrap_share(&[], 500, 3), None);
        assert_eq!(bootstrap_share(&same, 0, 3), None);
        let silent = vec![
            Cluster {
                tagged: 0.0,
                total: 0.0
            };
            3
        ];
        assert_eq!(bootstrap_share(&silent, 100, 3), None);
    }

    #[test]
    fn group_seeds_differ_by_name_and_by_run_seed() {
        assert_ne!(seed_for(17, "Government"), seed_for(17, "Civil Society"));
        assert_ne!(seed_for(17, "Government"), seed_for(18, "Government"));
        assert_eq!(seed_for(17, "Government"), seed_for(17, "Government"));
    }
}
