//! The distinct speakers a run has seen, held in 8 bytes each.
//!
//! Input: 64-bit keys (a hash of session and label), each with a flag (resolved in some file).
//! Output: how many distinct keys have the flag on and off. A hash map of keys to flags takes
//! 20–35 bytes a key (its buckets, their padding, the room it keeps to grow) and doubles at
//! once when it grows: this set keeps the keys sorted in one vector, the flag in each key's
//! lowest bit, and new keys in a short buffer merged in place now and then. It does not
//! answer whether one key is there: a run only counts them.

/// Keys seen, each with a flag that only turns on. A key's lowest bit is not part of it (the
/// flag takes its place): two keys that differ only there are one.
#[derive(Debug, Default)]
pub struct FlagSet {
    /// Distinct keys in order, each with its flag in the lowest bit.
    sorted: Vec<u64>,
    /// Keys added since the last merge, in any order, with repeats.
    pending: Vec<u64>,
}

/// The buffer is merged when it holds this many keys, or an eighth of the sorted ones.
const MIN_PENDING: usize = 4096;

impl FlagSet {
    /// Adds `key` with `flag`: a key seen before keeps its flag on when it was on.
    pub fn insert(&mut self, key: u64, flag: bool) {
        self.pending.push((key & !1) | u64::from(flag));
        if self.pending.len() >= MIN_PENDING.max(self.sorted.len() / 8) {
            self.merge();
        }
    }

    /// The number of distinct keys with the flag on, and with it off.
    pub fn counts(&mut self) -> (usize, usize) {
        self.merge();
        let on = self.sorted.iter().filter(|k| *k & 1 == 1).count();
        (on, self.sorted.len() - on)
    }

    /// Moves the buffer into the sorted keys, in place (no second copy of them).
    fn merge(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        pending.sort_unstable();
        // Repeats of one key: one stays, its flag on when any of them had it.
        pending.dedup_by(|later, earlier| {
            let same = *later >> 1 == *earlier >> 1;
            if same {
                *earlier |= *later;
            }
            same
        });
        let sorted = &mut self.sorted;
        pending.retain(
            |&k| match sorted.binary_search_by_key(&(k >> 1), |s| s >> 1) {
                Ok(j) => {
                    sorted[j] |= k & 1;
                    false
                }
                Err(_) => true,
            },
        );
        let (old, new) = (sorted.len(), pending.len());
        sorted.reserve_exact(new);
        sorted.resize(old + new, 0);
        // From the back: the largest of what is left of either goes last.
        let (mut i, mut j) = (old, new);
        while j > 0 {
            let w = i + j - 1;
            if i > 0 && sorted[i - 1] > pending[j - 1] {
                sorted[w] = sorted[i - 1];
                i -= 1;
            } else {
                sorted[w] = pending[j - 1];
                j -= 1;
            }
        }
        pending.clear();
        self.pending = pending;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn empty_set_counts_nothing() {
        assert_eq!(FlagSet::default().counts(), (0, 0));
    }

    #[test]
    fn a_flag_once_on_stays_on() {
        let mut s = FlagSet::default();
        s.insert(10, false);
        s.insert(10, true);
        s.insert(10, false);
        s.insert(20, false);
        assert_eq!(s.counts(), (1, 1));
        // After a merge too.
        s.insert(20, true);
        s.insert(20, false);
        assert_eq!(s.counts(), (2, 0));
    }

    #[test]
    fn keys_differing_in_the_lowest_bit_are_one() {
        let mut s = FlagSet::default();
        s.insert(6, false);
        s.insert(7, false);
        assert_eq!(s.counts(), (0, 1));
    }

    #[test]
    fn counts_match_a_map_across_many_merges() {
        let mut s = FlagSet::default();
        let mut map: HashMap<u64, bool> = HashMap::new();
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in 0..60_000u64 {
            // A few thousand distinct keys, seen many times, with extremes among them.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = match n % 1000 {
                0 => 0,
                1 => u64::MAX,
                _ => (x % 9_000) << 8,
            };
            let flag = x.is_multiple_of(7);
            s.insert(key, flag);
            *map.entry(key & !1).or_insert(flag) |= flag;
            if n.is_multiple_of(7_919) {
                let on = map.values().filter(|v| **v).count();
                assert_eq!(s.counts(), (on, map.len() - on));
            }
        }
        let on = map.values().filter(|v| **v).count();
        assert_eq!(s.counts(), (on, map.len() - on));
        assert!(s.sorted.windows(2).all(|w| w[0] >> 1 < w[1] >> 1));
    }
}
