//! Duplicate transcripts: the same session published twice (RAW and edited, several
//! addresses) is read once.
//!
//! Input: the transcripts of a run, grouped by the first session they name ([`groups`]), and
//! the parsed transcripts of one group. Output: an [`Outcome`] per member: kept, or a duplicate
//! of another member whose words it shares for the most part (Jaccard similarity of word
//! 3-shingles at least [`DUPLICATE_SIMILARITY`]), or whose words it holds (a cut-off copy:
//! [`DUPLICATE_CONTAINMENT`] of its shingles are in the other). The earlier member in path
//! order is kept, unless it is the cut-off one. Reads no file.

use crate::model::Transcript;
use std::collections::BTreeSet;

/// Near-identical transcripts share at least this share of word 3-shingles.
pub const DUPLICATE_SIMILARITY: f64 = 0.8;

/// What becomes of one transcript of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Processed.
    Keep,
    /// Not processed: near-identical to the member at this position of the group.
    DuplicateOf(usize),
}

/// The transcripts (indices, in order) that may be copies of each other: those naming the same
/// first session. A transcript naming no session is a group of its own. Held in two vectors
/// (a run has as many groups as sessions, and keeps them while it runs).
#[derive(Debug, Default, PartialEq)]
pub struct Groups {
    /// Every group's members, group after group.
    members: Vec<usize>,
    /// Where each group ends in `members`.
    ends: Vec<usize>,
}

impl Groups {
    /// How many groups.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// No group.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The members of group `n` (empty past the last).
    pub fn get(&self, n: usize) -> &[usize] {
        let start = n.checked_sub(1).and_then(|p| self.ends.get(p)).copied();
        let end = self.ends.get(n).copied().unwrap_or_default();
        self.members
            .get(start.unwrap_or_default()..end)
            .unwrap_or_default()
    }

    fn push(&mut self, group: impl IntoIterator<Item = usize>) {
        self.members.extend(group);
        self.ends.push(self.members.len());
    }
}

/// Groups the transcripts, each given with its first session (see [`Groups`]): the ones naming
/// no session first, then by session id.
pub fn groups<'a>(transcripts: impl Iterator<Item = (usize, Option<&'a str>)>) -> Groups {
    let mut by_session: Vec<(&str, usize)> = Vec::new();
    let mut out = Groups::default();
    for (i, first) in transcripts {
        match first {
            Some(s) => by_session.push((s, i)),
            None => out.push([i]),
        }
    }
    // Stable: the members of a group stay in the order given.
    by_session.sort_by_key(|(s, _)| *s);
    for chunk in by_session.chunk_by(|a, b| a.0 == b.0) {
        out.push(chunk.iter().map(|(_, i)| *i));
    }
    out
}

/// Word 3-shingles of a transcript: hashes of three consecutive words, lower-cased, letters and
/// digits only.
pub fn shingles(t: &Transcript) -> BTreeSet<u64> {
    let words: Vec<String> = t
        .turns
        .iter()
        .flat_map(|turn| turn.text.split_whitespace())
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(3)
        .map(|w| crate::hash::fnv1a(w.join(" ").bytes()))
        .collect()
}

/// Jaccard similarity of two shingle sets (1 when both are empty).
pub fn similarity(a: &BTreeSet<u64>, b: &BTreeSet<u64>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = a.intersection(b).count();
    inter as f64 / (a.len() + b.len() - inter) as f64
}

/// A shorter copy whose shingles are at least this share of a longer one's is a cut-off copy.
pub const DUPLICATE_CONTAINMENT: f64 = 0.9;

/// A copy must hold at least this many shingles to be judged by containment (a sound check
/// is contained in many transcripts).
const MIN_CONTAINED: usize = 50;

/// The share of the smaller set found in the larger (0 when the smaller is tiny).
pub fn containment(a: &BTreeSet<u64>, b: &BTreeSet<u64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.len() < MIN_CONTAINED {
        return 0.0;
    }
    small.intersection(large).count() as f64 / small.len() as f64
}

/// Two transcripts are one session's copies: near-identical (RAW and edited, mirrors), or one
/// is a cut-off copy of the other.
fn copies(a: &BTreeSet<u64>, b: &BTreeSet<u64>) -> bool {
    similarity(a, b) >= DUPLICATE_SIMILARITY || containment(a, b) >= DUPLICATE_CONTAINMENT
}

/// Decides a group: each member is compared with the kept members after it. The copies of a
/// member are its duplicates, except that a cut-off copy (a tenth shorter or more) gives way to
/// the fuller one, which then takes its duplicates. A member without shingles (it did not
/// parse) is kept, so that its error is reported.
pub fn decide(shingles: &[Option<BTreeSet<u64>>]) -> Vec<Outcome> {
    let mut out = vec![Outcome::Keep; shingles.len()];
    for (a, sa) in shingles.iter().enumerate() {
        let Some(sa) = sa else { continue };
        if out[a] != Outcome::Keep {
            continue;
        }
        for (b, sb) in shingles.iter().enumerate().skip(a + 1) {
            let Some(sb) = sb else { continue };
            if out[b] != Outcome::Keep || !copies(sa, sb) {
                continue;
            }
            if sb.len() * 9 > sa.len() * 10 {
                // `a` is cut off: `b` is kept instead, with `a`'s duplicates.
                for o in out.iter_mut() {
                    if *o == Outcome::DuplicateOf(a) {
                        *o = Outcome::DuplicateOf(b);
                    }
                }
                out[a] = Outcome::DuplicateOf(b);
                break;
            }
            out[b] = Outcome::DuplicateOf(a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_is_jaccard() {
        let a: BTreeSet<u64> = [1, 2, 3, 4].into();
        let b: BTreeSet<u64> = [2, 3, 4, 5].into();
        assert!((similarity(&a, &b) - 0.6).abs() < 1e-9);
    }

    #[test]
    fn a_copy_is_a_duplicate_of_the_first_kept_member() {
        type Shingles = Option<BTreeSet<u64>>;
        let s = |v: &[u64]| Some(v.iter().copied().collect::<BTreeSet<u64>>());
        let cases: [(&str, Vec<Shingles>, Vec<Outcome>); 3] = [
            (
                "copies of the first",
                vec![s(&[1, 2, 3]), s(&[1, 2, 3]), s(&[1, 2, 3])],
                vec![
                    Outcome::Keep,
                    Outcome::DuplicateOf(0),
                    Outcome::DuplicateOf(0),
                ],
            ),
            (
                "different texts",
                vec![s(&[1, 2, 3]), s(&[7, 8, 9])],
                vec![Outcome::Keep, Outcome::Keep],
            ),
            (
                "an unparsed member is kept",
                vec![None, s(&[1]), s(&[1])],
                vec![Outcome::Keep, Outcome::Keep, Outcome::DuplicateOf(1)],
            ),
        ];
        for (name, group, want) in cases {
            assert_eq!(decide(&group), want, "{name}");
        }
    }

    #[test]
    fn a_cut_off_copy_gives_way_to_the_full_one_wherever_it_stands() {
        let full: BTreeSet<u64> = (0..200).collect();
        let cut: BTreeSet<u64> = (0..80).collect();
        let other: BTreeSet<u64> = (1000..1200).collect();
        assert!(similarity(&full, &cut) < DUPLICATE_SIMILARITY);
        assert!((containment(&cut, &full) - 1.0).abs() < 1e-9);
        let got = decide(&[Some(cut.clone()), Some(full.clone()), Some(other.clone())]);
        assert_eq!(got, [Outcome::DuplicateOf(1), Outcome::Keep, Outcome::Keep]);
        let got = decide(&[Some(full.clone()), Some(cut.clone())]);
        assert_eq!(got, [Outcome::Keep, Outcome::DuplicateOf(0)]);
        // A copy of the cut one follows it to the full one.
        let got = decide(&[Some(cut.clone()), Some(cut.clone()), Some(full)]);
        assert_eq!(
            got,
            [
                Outcome::DuplicateOf(2),
                Outcome::DuplicateOf(2),
                Outcome::Keep
            ]
        );
        // Too small to judge by containment.
        let tiny: BTreeSet<u64> = (0..10).collect();
        assert_eq!(
            containment(&tiny, &other.union(&tiny).copied().collect()),
            0.0
        );
    }

    #[test]
    fn transcripts_group_by_their_first_session() {
        let t: std::collections::BTreeMap<usize, Vec<String>> = [
            (0, vec!["a".to_string()]),
            (1, vec![]),
            (2, vec!["a".to_string(), "b".to_string()]),
            (3, vec!["b".to_string()]),
        ]
        .into();
        let firsts = t.iter().map(|(&i, s)| (i, s.first().map(String::as_str)));
        let g = groups(firsts);
        assert_eq!(g.len(), 3);
        let all: Vec<&[usize]> = (0..g.len()).map(|n| g.get(n)).collect();
        assert_eq!(all, [&[1][..], &[0, 2], &[3]]);
        assert_eq!(g.get(3), &[] as &[usize]);
        assert!(groups(std::iter::empty()).is_empty());
    }
}
