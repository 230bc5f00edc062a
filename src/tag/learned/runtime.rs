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
use crate::hash::FastMap;

/// The model, by token id.
#[derive(Debug, Clone)]
pub struct Scorer {
    heads: usize,
    bias: Vec<f32>,
    /// Row `id` (`heads` weights) for every id below `uni_len`; zeros for ids with no feature.
    uni: Vec<f32>,
    uni_len: usize,
    /// Whether some bigram starts with the id.
    starts_bigram: Vec<bool>,
    bigrams: FastMap<u64, u32>,
    /// Rows of the bigrams, `heads` weights each.
    bi: Vec<f32>,
    /// Rows of the dense slots, `heads` weights each.
    dense: Vec<f32>,
}

/// Per-thread state of [`Scorer::logits`]: which ids a passage has already counted.
#[derive(Debug, Default)]
pub struct Seen {
    marks: Vec<u32>,
    stamp: u32,
    bigrams: Vec<u32>,
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

impl Scorer {
    /// Lays a model out over token ids: `id_of` gives the id of each of its tokens, and
    /// `vocabulary` is the number of ids.
    pub fn new(model: &Model, vocabulary: usize, id_of: impl Fn(&str) -> Option<u32>) -> Scorer {
        let heads = model.heads.len();
        let themes = model.themes.len();
        let mut s = Scorer {
            heads,
            bias: model.heads.iter().map(|h| h.bias).collect(),
            uni: vec![0.0; vocabulary * heads],
            uni_len: vocabulary,
            starts_bigram: vec![false; vocabulary],
            bigrams: FastMap::default(),
            bi: Vec::new(),
            dense: vec![0.0; dense_len(themes) * heads],
        };
        let add = |row: &mut [f32], w: &[f32]| row.iter_mut().zip(w).for_each(|(r, x)| *r += x);
        for (f, w) in &model.weights {
            match f {
                Feature::Word(t) => {
                    if let Some(id) = id_of(t).filter(|&i| (i as usize) < vocabulary) {
                        let at = id as usize * heads;
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
                    s.starts_bigram[a as usize] = true;
                    let next = (s.bi.len() / heads.max(1)) as u32;
                    let row = *s.bigrams.entry(pair(a, b)).or_insert(next);
                    if row == next {
                        s.bi.extend(std::iter::repeat_n(0.0, heads));
                    }
                    let at = row as usize * heads;
                    add(&mut s.bi[at..at + heads], w);
                }
                dense => {
                    if let Some(slot) = dense_slot(dense, themes) {
                        let at = slot * heads;
                        add(&mut s.dense[at..at + heads], w);
                    }
                }
            }
        }
        s
    }

    /// Number of heads.
    pub fn heads(&self) -> usize {
        self.heads
    }

    /// The logits of every head into `out` (`heads` long), from the passage's token ids (ids at
    /// or above the vocabulary, such as the matcher's unknown-token id, carry no feature) and
    /// its dense features.
    pub fn logits(&self, ids: &[u32], dense: &[f32], seen: &mut Seen, out: &mut [f32]) {
        let h = self.heads;
        out[..h].copy_from_slice(&self.bias);
        seen.start(self.uni_len);
        let mut prev: Option<u32> = None;
        for &id in ids {
            let i = id as usize;
            if i >= self.uni_len {
                prev = None;
                continue;
            }
            if seen.first(i) {
                let row = &self.uni[i * h..i * h + h];
                out[..h].iter_mut().zip(row).for_each(|(o, w)| *o += w);
            }
            if let Some(p) = prev {
                if self.starts_bigram[p as usize] {
                    if let Some(&row) = self.bigrams.get(&pair(p, id)) {
                        seen.bigrams.push(row);
                    }
                }
            }
            prev = Some(id);
        }
        if !seen.bigrams.is_empty() {
            seen.bigrams.sort_unstable();
            seen.bigrams.dedup();
            for &row in &seen.bigrams {
                let at = row as usize * h;
                let w = &self.bi[at..at + h];
                out[..h].iter_mut().zip(w).for_each(|(o, x)| *o += x);
            }
        }
        for (slot, &x) in dense.iter().enumerate() {
            if x != 0.0 {
                let w = &self.dense[slot * h..slot * h + h];
                out[..h].iter_mut().zip(w).for_each(|(o, y)| *o += x * y);
            }
        }
    }
}
