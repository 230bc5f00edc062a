//! The model laid out for tagging: the heads' logits of a passage from its token ids, with no
//! string in the loop.
//!
//! Input: a [`Model`] and the ids the tagger's matcher gives the model's tokens (its words are
//! interned with the taxonomy's, so a passage is encoded once for both). Output: one logit per
//! head. A word feature is a row of weights (one per head) found by the token's id; a bigram a
//! row found by the two ids; the dense features (see `features`) a matrix. Each distinct word
//! and bigram counts once, as in training. This module decides nothing from the logits.

use super::features::{dense_len, dense_slot};
use super::weights::{Feature, Model};

/// The model, by token id.
#[derive(Debug, Clone)]
pub struct Scorer {
    heads: usize,
    /// The length of each row below: `heads` rounded up to a multiple of 4 (the extra weights
    /// are zeros), so the rows of a model of up to 32 lanes are added as arrays of a length
    /// known when compiling (see [`Scorer::logits`]).
    lanes: usize,
    /// The biases, `lanes` long.
    bias: Vec<f32>,
    /// Per id below the vocabulary's length: its word feature's row in `uni` plus one (0 for an
    /// id with no word feature), and [`STARTS_BIGRAM`] when some bigram starts with the id. One
    /// read per token gives both.
    info: Vec<u32>,
    /// Rows of the word features, `lanes` weights each.
    uni: Vec<f32>,
    bigrams: PairTable,
    /// A bit per [`filter_bit`] of the bigrams' pairs: a pair whose bit is clear is no bigram,
    /// so most pairs of a passage are ruled out without a hash map lookup.
    filter: Vec<u64>,
    /// Rows of the bigrams, `lanes` weights each.
    bi: Vec<f32>,
    /// Rows of the dense slots, `lanes` weights each.
    dense: Vec<f32>,
}

/// [`Scorer::info`] bit: some bigram starts with the id.
const STARTS_BIGRAM: u32 = 1 << 31;

/// No previous id that starts a bigram (no id is this: ids with a row are below the
/// vocabulary's length).
const NO_PREV: u32 = u32::MAX;

/// Per-thread state of [`Scorer::logits`]: which ids a passage has already counted.
#[derive(Debug, Default)]
pub struct Seen {
    marks: Vec<u32>,
    stamp: u32,
    bigrams: Vec<u32>,
    /// The passage's pairs that pass [`Scorer::filter`], then looked up.
    pairs: Vec<u64>,
    /// The dense slots that are not zero.
    slots: Vec<u32>,
}

impl Seen {
    /// Starts a passage over `ids` ids.
    fn start(&mut self, ids: usize) {
        if self.marks.len() < ids {
            self.marks.resize(ids, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marks.fill(0);
            self.stamp = 1;
        }
        self.bigrams.clear();
    }

    /// Whether `id` is new in this passage (and notes it).
    #[inline(always)]
    fn first(&mut self, id: usize) -> bool {
        let m = &mut self.marks[id];
        let new = *m != self.stamp;
        *m = self.stamp;
        new
    }
}

fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// Bits in [`Scorer::filter`]: a few thousand bigrams leave nearly all of them clear, and the
/// filter (8 KiB) stays in cache.
const FILTER_BITS: u32 = 16;

/// The bit of a pair in [`Scorer::filter`]: (word, bit in it).
#[inline(always)]
fn filter_bit(key: u64) -> (usize, u64) {
    let h = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FILTER_BITS)) as usize;
    (h >> 6, 1 << (h & 63))
}

/// The bigrams' rows by pair: an open-addressing table of `(pair, row)` slots, linear
/// probing, at most half full, so a lookup that the filter lets through reads one slot in the
/// common case (a general hash map reads a control group, then the slot). [`EMPTY`] marks a
/// free slot: no pair is it, since ids are below the vocabulary's length.
#[derive(Debug, Clone)]
struct PairTable {
    slots: Vec<(u64, u32)>,
    len: usize,
    /// `64 - log2(slots.len())`: the top bits of the hash pick the first slot.
    shift: u32,
}

/// A free slot of [`PairTable`].
const EMPTY: u64 = u64::MAX;

impl Default for PairTable {
    fn default() -> Self {
        PairTable {
            slots: vec![(EMPTY, 0)],
            len: 0,
            shift: 64,
        }
    }
}

impl PairTable {
    #[inline(always)]
    fn slot(&self, key: u64) -> usize {
        // `checked_shr`: a shift by 64 (a table of one slot) gives slot 0.
        key.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .checked_shr(self.shift)
            .unwrap_or(0) as usize
    }

    /// The row of `key`.
    #[inline(always)]
    fn get(&self, key: u64) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        loop {
            let (k, row) = self.slots[i];
            if k == key {
                return Some(row);
            }
            if k == EMPTY {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Inserts a key not in the table.
    fn insert(&mut self, key: u64, row: u32) {
        debug_assert!(key != EMPTY && self.get(key).is_none());
        if (self.len + 1) * 2 > self.slots.len() {
            let size = self.slots.len() * 2;
            let old = std::mem::replace(&mut self.slots, vec![(EMPTY, 0); size]);
            self.shift = 64 - size.trailing_zeros();
            self.len = 0;
            for (k, r) in old {
                if k != EMPTY {
                    self.insert(k, r);
                }
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        while self.slots[i].0 != EMPTY {
            i = (i + 1) & mask;
        }
        self.slots[i] = (key, row);
        self.len += 1;
    }
}

impl Scorer {
    /// Lays a model out over token ids: `id_of` gives the id of each of its tokens, and
    /// `vocabulary` is the number of ids.
    pub fn new(model: &Model, vocabulary: usize, id_of: impl Fn(&str) -> Option<u32>) -> Scorer {
        let heads = model.heads.len();
        let lanes = heads.next_multiple_of(4);
        let themes = model.themes.len();
        let mut bias: Vec<f32> = model.heads.iter().map(|h| h.bias).collect();
        bias.resize(lanes, 0.0);
        let mut s = Scorer {
            heads,
            lanes,
            bias,
            info: vec![0; vocabulary],
            uni: Vec::new(),
            bigrams: PairTable::default(),
            filter: vec![0; (1 << FILTER_BITS) / 64],
            bi: Vec::new(),
            dense: vec![0.0; dense_len(themes) * lanes],
        };
        let add = |row: &mut [f32], w: &[f32]| row.iter_mut().zip(w).for_each(|(r, x)| *r += x);
        for (f, w) in &model.weights {
            match f {
                Feature::Word(t) => {
                    if let Some(id) = id_of(t).filter(|&i| (i as usize) < vocabulary) {
                        let at = s.word_row(id) * lanes;
                        add(&mut s.uni[at..at + heads], w);
                    }
                }
                Feature::Bigram(a, b) => {
                    let (Some(a), Some(b)) = (id_of(a), id_of(b)) else {
                        continue;
                    };
                    if (a as usize) >= vocabulary {
                        continue;
                    }
                    s.info[a as usize] |= STARTS_BIGRAM;
                    let (word, bit) = filter_bit(pair(a, b));
                    s.filter[word] |= bit;
                    let row = match s.bigrams.get(pair(a, b)) {
                        Some(row) => row,
                        None => {
                            let next = (s.bi.len() / lanes.max(1)) as u32;
                            s.bigrams.insert(pair(a, b), next);
                            s.bi.extend(std::iter::repeat_n(0.0, lanes));
                            next
                        }
                    };
                    let at = row as usize * lanes;
                    add(&mut s.bi[at..at + heads], w);
                }
                dense => {
                    if let Some(slot) = dense_slot(dense, themes) {
                        let at = slot * lanes;
                        add(&mut s.dense[at..at + heads], w);
                    }
                }
            }
        }
        s
    }

    /// The row of the word feature of `id` (below the vocabulary's length), made (zeros) if new.
    fn word_row(&mut self, id: u32) -> usize {
        let info = &mut self.info[id as usize];
        let row = *info & !STARTS_BIGRAM;
        if row != 0 {
            return row as usize - 1;
        }
        let next = self.uni.len() / self.lanes.max(1);
        *info |= next as u32 + 1;
        self.uni.extend(std::iter::repeat_n(0.0, self.lanes));
        next
    }

    /// Number of heads.
    pub fn heads(&self) -> usize {
        self.heads
    }

    /// The logits of every head into `out` (`heads` long), from the passage's token ids (ids at
    /// or above the vocabulary, such as the matcher's unknown-token id, carry no feature) and
    /// its dense features.
    pub fn logits(&self, ids: &[u32], dense: &[f32], seen: &mut Seen, out: &mut [f32]) {
        match self.lanes {
            4 => self.logits_in::<4>(ids, dense, seen, out),
            8 => self.logits_in::<8>(ids, dense, seen, out),
            12 => self.logits_in::<12>(ids, dense, seen, out),
            16 => self.logits_in::<16>(ids, dense, seen, out),
            20 => self.logits_in::<20>(ids, dense, seen, out),
            24 => self.logits_in::<24>(ids, dense, seen, out),
            28 => self.logits_in::<28>(ids, dense, seen, out),
            32 => self.logits_in::<32>(ids, dense, seen, out),
            _ => self.logits_in::<0>(ids, dense, seen, out),
        }
    }

    /// [`Scorer::logits`] for rows of `N` lanes (`N` = [`Scorer::lanes`]), or of any length
    /// when `N` is 0.
    #[inline(always)]
    fn logits_in<const N: usize>(
        &self,
        ids: &[u32],
        dense: &[f32],
        seen: &mut Seen,
        out: &mut [f32],
    ) {
        if N > 0 {
            let mut acc = [0.0f32; N];
            self.sum(&mut acc, ids, dense, seen);
            out[..self.heads].copy_from_slice(&acc[..self.heads]);
        } else {
            let mut acc = vec![0.0f32; self.lanes];
            self.sum(acc.as_mut_slice(), ids, dense, seen);
            out[..self.heads].copy_from_slice(&acc[..self.heads]);
        }
    }

    /// The logits into `acc` (`lanes` long): the bias, then the word rows by first occurrence,
    /// the bigram rows by row and the dense slots, the same additions in the same order
    /// whatever the accumulator.
    #[inline(always)]
    fn sum<A: Lanes + ?Sized>(&self, acc: &mut A, ids: &[u32], dense: &[f32], seen: &mut Seen) {
        let l = self.lanes;
        acc.set(&self.bias);
        // Marks by word row (fewer than the ids).
        seen.start(self.info.len());
        // The pairs that pass the filter are noted with no branch on the filter (whose answer
        // a processor cannot guess), then looked up.
        // Room for every id (grown, never shrunk: what a passage leaves is overwritten).
        if seen.pairs.len() < ids.len() {
            seen.pairs.resize(ids.len(), 0);
        }
        let mut pairs = 0;
        // The previous id, when some bigram starts with it, else `NO_PREV`.
        let mut prev = NO_PREV;
        for &id in ids {
            let Some(&info) = self.info.get(id as usize) else {
                prev = NO_PREV;
                continue;
            };
            let row = info & !STARTS_BIGRAM;
            if row != 0 && seen.first(row as usize - 1) {
                let at = (row as usize - 1) * l;
                acc.add(&self.uni[at..at + l]);
            }
            let key = pair(prev, id);
            let (word, bit) = filter_bit(key);
            seen.pairs[pairs] = key;
            pairs += usize::from((prev != NO_PREV) & (self.filter[word] & bit != 0));
            prev = if info & STARTS_BIGRAM != 0 {
                id
            } else {
                NO_PREV
            };
        }
        for &key in &seen.pairs[..pairs] {
            if let Some(row) = self.bigrams.get(key) {
                seen.bigrams.push(row);
            }
        }
        if !seen.bigrams.is_empty() {
            seen.bigrams.sort_unstable();
            seen.bigrams.dedup();
            for &row in &seen.bigrams {
                let at = row as usize * l;
                acc.add(&self.bi[at..at + l]);
            }
        }
        // The slots that are not zero, noted with no branch (which of them are varies from one
        // passage to the next), then added in order.
        if seen.slots.len() < dense.len() {
            seen.slots.resize(dense.len(), 0);
        }
        let mut n = 0;
        for (slot, &x) in dense.iter().enumerate() {
            seen.slots[n] = slot as u32;
            n += usize::from(x != 0.0);
        }
        for &slot in &seen.slots[..n] {
            let slot = slot as usize;
            acc.add_scaled(dense[slot], &self.dense[slot * l..slot * l + l]);
        }
    }
}

/// The logits being summed, one lane per head (and the padding): an array of a length known
/// when compiling, which the compiler keeps in vector registers and adds a row to with vector
/// instructions, or a slice of any length.
trait Lanes {
    /// Sets every lane to `row`'s.
    fn set(&mut self, row: &[f32]);
    /// Adds `row`, lane by lane.
    fn add(&mut self, row: &[f32]);
    /// Adds `x` times `row`, lane by lane.
    fn add_scaled(&mut self, x: f32, row: &[f32]);
}

// Indexed loops: the same additions as zipped iterators, but only these does the compiler turn
// into vector instructions on an accumulator in registers.
#[allow(clippy::needless_range_loop)]
impl<const N: usize> Lanes for [f32; N] {
    #[inline(always)]
    fn set(&mut self, row: &[f32]) {
        self.copy_from_slice(&row[..N]);
    }

    #[inline(always)]
    fn add(&mut self, row: &[f32]) {
        let row = &row[..N];
        for i in 0..N {
            self[i] += row[i];
        }
    }

    #[inline(always)]
    fn add_scaled(&mut self, x: f32, row: &[f32]) {
        let row = &row[..N];
        for i in 0..N {
            self[i] += x * row[i];
        }
    }
}

impl Lanes for [f32] {
    fn set(&mut self, row: &[f32]) {
        self.copy_from_slice(row);
    }

    fn add(&mut self, row: &[f32]) {
        self.iter_mut().zip(row).for_each(|(o, x)| *o += x);
    }

    fn add_scaled(&mut self, x: f32, row: &[f32]) {
        self.iter_mut().zip(row).for_each(|(o, y)| *o += x * y);
    }
}

#[cfg(test)]
mod tests {
    use super::super::weights::{Head, HeadKind, Source};
    use super::*;

    /// A model of `heads` heads over the words `w0` to `w9`, their bigrams and 2 themes'
    /// dense slots, with weights from a fixed sequence.
    fn model(heads: usize) -> Model {
        let mut x = 7u32;
        let mut weight = move || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            ((x >> 8) % 2000) as f32 / 1000.0 - 1.0
        };
        let mut weights = Vec::new();
        for a in 0..10 {
            weights.push((
                Feature::Word(format!("w{a}")),
                (0..heads).map(|_| weight()).collect(),
            ));
            for b in (0..10).step_by(3) {
                let f = Feature::Bigram(format!("w{a}"), format!("w{b}"));
                weights.push((f, (0..heads).map(|_| weight()).collect()));
            }
        }
        for slot in 0..dense_len(2) {
            let f = super::super::features::dense_feature(slot, 2);
            weights.push((f, (0..heads).map(|_| weight()).collect()));
        }
        Model {
            version: String::new(),
            path: "test".into(),
            taxonomy: String::new(),
            themes: vec!["a".into(), "b".into()],
            trained: String::new(),
            settings: Vec::new(),
            heads: (0..heads)
                .map(|i| Head {
                    kind: HeadKind::Presence(i),
                    bias: i as f32 * 0.25 - 1.0,
                    threshold: 0.5,
                    source: Source::Model,
                })
                .collect(),
            polarity: Vec::new(),
            weights,
        }
    }

    #[test]
    fn logits_are_the_bias_plus_each_distinct_word_and_bigram_once_plus_the_dense_slots() {
        for heads in [1, 3, 4, 12, 13, 33] {
            let m = model(heads);
            let scorer = Scorer::new(&m, 12, |t| t.strip_prefix('w')?.parse().ok());
            assert_eq!(scorer.lanes, heads.next_multiple_of(4));
            // w3 w0 w3 w0 w9 (unknown) w4: the words 3, 0, 9 and 4 once each, the bigrams
            // (3, 0), (0, 3) and (0, 9) once each (the unknown id ends the pairs).
            let ids = [3, 0, 3, 0, 9, u32::MAX, 4];
            let mut dense = vec![0.0; dense_len(2)];
            dense[1] = 0.5;
            dense[dense_len(2) - 1] = 0.07;
            let mut out = vec![0.0; heads];
            scorer.logits(&ids, &dense, &mut Seen::default(), &mut out);
            let mut general = vec![0.0; heads];
            scorer.logits_in::<0>(&ids, &dense, &mut Seen::default(), &mut general);
            let row = |f: &Feature| &m.weights.iter().find(|w| &w.0 == f).unwrap().1;
            let word = |a: u32| row(&Feature::Word(format!("w{a}")));
            let bigram = |a: u32, b: u32| row(&Feature::Bigram(format!("w{a}"), format!("w{b}")));
            let slot = |i: usize| row(&super::super::features::dense_feature(i, 2));
            for h in 0..heads {
                let mut want = m.heads[h].bias;
                for a in [3, 0, 9, 4] {
                    want += word(a)[h];
                }
                // By row, the model's order: (0, 3), (0, 9), (3, 0).
                for (a, b) in [(0, 3), (0, 9), (3, 0)] {
                    want += bigram(a, b)[h];
                }
                want += 0.5 * slot(1)[h];
                want += 0.07 * slot(dense_len(2) - 1)[h];
                assert_eq!(out[h].to_bits(), want.to_bits(), "{heads} heads, head {h}");
                assert_eq!(
                    general[h].to_bits(),
                    want.to_bits(),
                    "{heads} heads, head {h}"
                );
            }
        }
    }

    #[test]
    fn the_pair_table_finds_each_pair_it_holds_and_no_other() {
        let mut t = PairTable::default();
        assert_eq!(t.get(pair(0, 0)), None);
        let pairs: Vec<u64> = (0..600u32).map(|i| pair(i % 7, i * 31)).collect();
        for (row, &p) in pairs.iter().enumerate() {
            t.insert(p, row as u32);
        }
        assert_eq!(t.len, 600);
        assert_eq!(t.slots.len(), 2048);
        for (row, &p) in pairs.iter().enumerate() {
            assert_eq!(t.get(p), Some(row as u32));
        }
        assert_eq!(t.get(pair(0, 0)), Some(0));
        assert_eq!(t.get(pair(0, 1)), None);
        assert_eq!(t.get(pair(7, 0)), None);
        assert_eq!(t.get(pair(1, 31 * 7)), None);
    }
}
