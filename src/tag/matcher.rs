//! The multi-pattern matcher: theme terms and cue phrases over token ids.
//!
//! Input: the analyzed tokens of a passage (from [`crate::text::analyze`]). Output: raw
//! matches as token index ranges with the pattern that matched. Every stemmed token that occurs
//! in a term or a cue is interned to a `u32` id; a passage token maps to its id, or to a
//! sentinel when the taxonomy never uses it. The id sequence is encoded as bytes and searched by
//! one Aho-Corasick automaton for terms and one for cues, so the cost per passage does not grow
//! with the number of terms. Phrases therefore match consecutive tokens, whatever stop words the
//! analyzer removed between them. This module does not score themes or decide polarity.
//!
//! Byte encoding: with fewer than 255 distinct tokens each id is one byte. With more, each id
//! takes `width` bytes, the first with its high bit set and the rest without, so a pattern can
//! only match starting at a token boundary.

use super::taxonomy::{Cue, CueRole, Term, Theme};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use tantivy::tokenizer::Token;

/// FxHash (rustc's hasher): much faster than SipHash on short token strings, and the keys are
/// the taxonomy's own tokens, so hash flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Where a cue applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Global,
    Theme(usize),
}

/// Theme index standing for the global `[context]` list.
pub(crate) const GLOBAL: usize = usize::MAX;

/// One owner of a term pattern: theme index ([`GLOBAL`] for global context terms), index within
/// the theme's term list (or context list), and whether it is a context term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TermOwner {
    pub theme: usize,
    pub term: usize,
    pub context: bool,
}

/// One owner of a cue pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CueOwner {
    pub scope: Scope,
    pub role: CueRole,
    /// The cue as written in the taxonomy.
    pub text: String,
}

/// A raw match: token index range `[start, end)` and the pattern id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawMatch {
    pub start: usize,
    pub end: usize,
    pub pattern: usize,
}

/// The compiled automata of a taxonomy. Built once, shared by every tagger.
#[derive(Debug)]
pub(crate) struct Compiled {
    vocab: FxMap<String, u32>,
    width: usize,
    sentinel: u32,
    terms: AhoCorasick,
    term_owners: Vec<Vec<TermOwner>>,
    cues: Option<AhoCorasick>,
    cue_owners: Vec<Vec<CueOwner>>,
}

/// Interns tokens and turns phrases into patterns (deduplicated by token sequence).
struct Builder {
    vocab: FxMap<String, u32>,
}

impl Builder {
    fn id(&mut self, token: &str) -> u32 {
        let next = self.vocab.len() as u32;
        *self.vocab.entry(token.to_string()).or_insert(next)
    }
}

fn encode_id(id: u32, width: usize, out: &mut Vec<u8>) {
    match width {
        1 => out.push(id as u8),
        2 => {
            out.push(0x80 | (id >> 7) as u8);
            out.push((id & 0x7f) as u8);
        }
        _ => {
            out.push(0x80 | (id >> 14) as u8);
            out.push(((id >> 7) & 0x7f) as u8);
            out.push((id & 0x7f) as u8);
        }
    }
}

impl Compiled {
    /// Builds the automata; fails only when the taxonomy is too large to encode.
    pub(crate) fn build(
        themes: &[Theme],
        context: &[Term],
        cues: &[Cue],
    ) -> Result<Compiled, String> {
        let mut b = Builder {
            vocab: FxMap::default(),
        };
        // Intern every token first so the width is known before encoding.
        let mut term_seqs: Vec<(Vec<u32>, TermOwner)> = Vec::new();
        let lists = themes
            .iter()
            .enumerate()
            .flat_map(|(ti, t)| [(ti, t.terms(), false), (ti, t.context(), true)])
            .chain(std::iter::once((GLOBAL, context, true)));
        for (theme, list, is_context) in lists {
            for (term, t) in list.iter().enumerate() {
                let ids = t.tokens().iter().map(|x| b.id(x)).collect();
                term_seqs.push((
                    ids,
                    TermOwner {
                        theme,
                        term,
                        context: is_context,
                    },
                ));
            }
        }
        let mut cue_seqs: Vec<(Vec<u32>, CueOwner)> = Vec::new();
        let global = cues.iter().map(|c| (Scope::Global, c));
        let local = themes
            .iter()
            .enumerate()
            .flat_map(|(ti, t)| t.cues().iter().map(move |c| (Scope::Theme(ti), c)));
        for (scope, cue) in global.chain(local) {
            let ids = cue.tokens().iter().map(|t| b.id(t)).collect();
            cue_seqs.push((
                ids,
                CueOwner {
                    scope,
                    role: cue.role(),
                    text: cue.text().to_string(),
                },
            ));
        }
        let n = b.vocab.len();
        let (width, sentinel) = if n < 255 {
            (1, 255)
        } else if n < (1 << 14) - 1 {
            (2, (1 << 14) - 1)
        } else if n < (1 << 21) - 1 {
            (3, (1 << 21) - 1)
        } else {
            return Err(format!(
                "the taxonomy uses {n} distinct tokens; at most {} are supported",
                (1 << 21) - 2
            ));
        };

        let (term_pats, term_owners) = group(term_seqs, width);
        let (cue_pats, cue_owners) = group(cue_seqs, width);
        let terms = automaton(&term_pats)?;
        let cues = if cue_pats.is_empty() {
            None
        } else {
            Some(automaton(&cue_pats)?)
        };
        Ok(Compiled {
            vocab: b.vocab,
            width,
            sentinel,
            terms,
            term_owners,
            cues,
            cue_owners,
        })
    }

    /// Encodes a passage's tokens as the byte haystack the automata search.
    pub(crate) fn encode(&self, tokens: &[Token], out: &mut Vec<u8>) {
        out.clear();
        out.reserve(tokens.len() * self.width);
        for t in tokens {
            let id = self
                .vocab
                .get(t.text.as_str())
                .copied()
                .unwrap_or(self.sentinel);
            encode_id(id, self.width, out);
        }
    }

    /// Every term match in the haystack, overlapping ones included.
    pub(crate) fn term_matches(&self, hay: &[u8], out: &mut Vec<RawMatch>) {
        out.clear();
        for m in self.terms.find_overlapping_iter(hay) {
            out.push(RawMatch {
                start: m.start() / self.width,
                end: m.end() / self.width,
                pattern: m.pattern().as_usize(),
            });
        }
    }

    /// Every cue match in the haystack, overlapping ones included.
    pub(crate) fn cue_matches(&self, hay: &[u8], out: &mut Vec<RawMatch>) {
        out.clear();
        let Some(ac) = &self.cues else {
            return;
        };
        for m in ac.find_overlapping_iter(hay) {
            out.push(RawMatch {
                start: m.start() / self.width,
                end: m.end() / self.width,
                pattern: m.pattern().as_usize(),
            });
        }
    }

    /// The (theme, term) pairs a term pattern stands for.
    pub(crate) fn term_owners(&self, pattern: usize) -> &[TermOwner] {
        &self.term_owners[pattern]
    }

    /// The cues a cue pattern stands for.
    pub(crate) fn cue_owners(&self, pattern: usize) -> &[CueOwner] {
        &self.cue_owners[pattern]
    }

    /// Number of distinct tokens the taxonomy uses.
    pub(crate) fn vocabulary_len(&self) -> usize {
        self.vocab.len()
    }
}

/// Groups owners by identical id sequence and encodes each sequence once.
fn group<O>(seqs: Vec<(Vec<u32>, O)>, width: usize) -> (Vec<Vec<u8>>, Vec<Vec<O>>) {
    let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut pats: Vec<Vec<u8>> = Vec::new();
    let mut owners: Vec<Vec<O>> = Vec::new();
    for (ids, owner) in seqs {
        match index.get(&ids) {
            Some(&i) => owners[i].push(owner),
            None => {
                let mut bytes = Vec::with_capacity(ids.len() * width);
                for &id in &ids {
                    encode_id(id, width, &mut bytes);
                }
                index.insert(ids, pats.len());
                pats.push(bytes);
                owners.push(vec![owner]);
            }
        }
    }
    (pats, owners)
}

fn automaton(pats: &[Vec<u8>]) -> Result<AhoCorasick, String> {
    // A DFA is fastest; for very large taxonomies fall back to the compact NFA.
    let kind = if pats.len() <= 5_000 {
        Some(AhoCorasickKind::DFA)
    } else {
        None
    };
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(kind)
        .build(pats)
        .map_err(|e| format!("cannot build the term automaton: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_byte_encoding_never_matches_inside_a_token() {
        // id 0x81 → [0x81, 0x01]; id 1 → [0x80, 0x01]. A pattern for id 1 must not match the
        // tail of id 0x81 followed by the head of another id.
        let mut hay = Vec::new();
        for id in [0x81u32, 0x100, 1] {
            encode_id(id, 2, &mut hay);
        }
        assert_eq!(hay, vec![0x81, 0x01, 0x82, 0x00, 0x80, 0x01]);
        let mut pat = Vec::new();
        encode_id(1, 2, &mut pat);
        let ac = automaton(&[pat]).expect("automaton");
        let starts: Vec<usize> = ac.find_overlapping_iter(&hay).map(|m| m.start()).collect();
        assert_eq!(starts, vec![4]);
    }

    #[test]
    fn three_byte_encoding_keeps_the_high_bit_on_the_first_byte_only() {
        let mut out = Vec::new();
        encode_id((1 << 20) + 5, 3, &mut out);
        assert_eq!(out, vec![0x80 | 0x40, 0x00, 0x05]);
    }
}
