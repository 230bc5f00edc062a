//! The multi-pattern matcher: theme terms and cue phrases over token ids.
//!
//! Input: the analyzed tokens of a passage (from [`crate::text::analyze`]). Output: raw
//! matches as token index ranges with the pattern that matched. Every stemmed token that occurs
//! in a term or a cue is interned to a `u32` id; a passage token maps to its id, or to a
//! sentinel when the taxonomy never uses it. Patterns (token id sequences, deduplicated) are
//! stored in a trie keyed by id: the root is a dense table indexed by the first token's id, and
//! deeper nodes hold their few children in a short list. Every passage position whose id begins
//! a pattern (noted while the passage is encoded, see [`Starts`]) walks the trie as far as the
//! next ids allow, so the cost per token is the depth of the longest phrase starting there,
//! whatever the number of terms, and phrases match consecutive tokens whatever stop words the
//! analyzer removed between them. All matches are reported,
//! overlapping ones included. This module does not score themes or decide polarity.
//!
//! (An Aho-Corasick automaton over the ids encoded as bytes finds the same matches; on passages
//! of a few dozen tokens the whole tagger ran two to three times faster with the trie, because
//! most tokens are unknown to the taxonomy and stop the walk at once, while an overlapping
//! automaton search pays a fixed cost per call and per match.)

use super::theme::{Cue, CueRole, Term, Theme};
use crate::hash::FastMap;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use tantivy::tokenizer::Token;

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

/// The compiled matchers of a taxonomy. Built once, shared by every tagger.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// Identity of this build, for the per-thread word cache.
    uid: u64,
    vocab: FastMap<String, u32>,
    terms: IdTrie,
    term_owners: Vec<Vec<TermOwner>>,
    cues: IdTrie,
    cue_owners: Vec<Vec<CueOwner>>,
    /// Per id: [`TERM_START`] when a term begins with it, [`CUE_START`] when a cue does.
    start_flags: Vec<u8>,
    /// Per theme index: its rank when themes are sorted by id.
    theme_rank: Vec<u32>,
}

/// Id of passage tokens the taxonomy never uses.
pub(crate) const UNKNOWN: u32 = u32::MAX;
/// A word the analyzer drops as a stop word (it still takes a token position).
const STOP: u32 = u32::MAX - 1;
/// A word the analyzer drops for its length (it takes no token position).
const LONG: u32 = u32::MAX - 2;

/// Distinct words cached per thread before the cache starts over.
const WORD_CACHE_MAX: usize = 200_000;

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

/// Each thread's word → id cache, for the taxonomy build it was filled for.
/// Word → id, per thread. Words of up to 16 bytes (nearly all) are keyed by their bytes packed
/// into an integer, zero-padded: a word never contains a NUL byte, so the packing is exact, and
/// a lookup hashes and compares one integer instead of calling `memcmp`. Words of up to 8 bytes
/// (most) get a table of their own with 16-byte entries, half the size, so more of it stays in
/// cache. Longer words are keyed by their text.
///
/// A cached value also says where the word's token text is in `stems` (see [`Cached`]), so a
/// passage's tokens can be handed to the indexer without analyzing any word again.
struct WordCache {
    owner: u64,
    short: WordTable<u64>,
    medium: WordTable<u128>,
    long: FastMap<Box<str>, Cached>,
    /// The token texts of the cached words, one after the other.
    stems: String,
}

/// A cached word: its id in the low 32 bits, then where its token text is: the offset (23
/// bits) and length (8 bits) of its copy in [`WordCache::stems`], or, with the [`IN_WORD`] bit,
/// the length of the prefix of the word itself that it is (most stems are one: `right` in
/// `rights`), so it is never copied. Length 0 when the token text is not kept (too long, or
/// the arena full), and then it is analyzed again when needed.
#[derive(Clone, Copy)]
struct Cached(u64);

/// [`Cached`] bit: the token text is a prefix of the word.
const IN_WORD: u64 = 1 << 55;

/// Where a cached word's token text is.
enum CachedStem {
    /// The first this many bytes of the word.
    InWord(usize),
    /// This range of [`WordCache::stems`].
    Arena(std::ops::Range<usize>),
    /// Not kept: analyze the word again.
    Missing,
}

impl Cached {
    fn new(id: u32, word: &str, stem: Option<&str>, stems: &mut String) -> Cached {
        let (flag, off, len) = match stem {
            Some(t)
                if !t.is_empty() && t.len() < 256 && word.as_bytes().starts_with(t.as_bytes()) =>
            {
                (IN_WORD, 0, t.len() as u64)
            }
            Some(t) if !t.is_empty() && t.len() < 256 && stems.len() + t.len() < (1 << 23) => {
                let off = stems.len();
                stems.push_str(t);
                (0, off as u64, t.len() as u64)
            }
            _ => (0, 0, 0),
        };
        Cached(u64::from(id) | off << 32 | flag | len << 56)
    }

    fn id(self) -> u32 {
        self.0 as u32
    }

    fn stem(self) -> CachedStem {
        let len = (self.0 >> 56) as usize;
        if len == 0 {
            CachedStem::Missing
        } else if self.0 & IN_WORD != 0 {
            CachedStem::InWord(len)
        } else {
            let off = ((self.0 >> 32) & 0x7F_FFFF) as usize;
            CachedStem::Arena(off..off + len)
        }
    }
}

impl WordCache {
    /// The cached entry of the word `text[from..to]`, if any.
    #[inline(always)]
    fn get(&self, text: &str, from: usize, to: usize) -> Option<Cached> {
        let bytes = text.as_bytes();
        let len = to - from;
        if len <= 8 {
            self.short.get(pack_short(bytes, from, len))
        } else {
            match pack(bytes, from, to) {
                Some(k) => self.medium.get(k),
                None => self.long.get(&text[from..to]).copied(),
            }
        }
    }

    /// Analyzes a word not in the cache, caches it and returns its entry.
    #[cold]
    #[inline(never)]
    fn miss(&mut self, compiled: &Compiled, word: &str) -> Cached {
        let (id, stem) = compiled.classify(word);
        if self.len() >= WORD_CACHE_MAX {
            self.clear();
        }
        let c = Cached::new(id, word, stem.as_deref(), &mut self.stems);
        let bytes = word.as_bytes();
        if bytes.len() <= 8 {
            self.short.insert(pack_short(bytes, 0, bytes.len()), c);
        } else {
            match pack(bytes, 0, bytes.len()) {
                Some(k) => self.medium.insert(k, c),
                None => {
                    self.long.insert(word.into(), c);
                }
            }
        }
        c
    }

    fn clear(&mut self) {
        self.short.clear();
        self.medium.clear();
        self.long.clear();
        self.stems.clear();
    }

    fn len(&self) -> usize {
        self.short.len() + self.medium.len() + self.long.len()
    }
}

/// A packed word key ([`pack`]): never zero, since a word is never empty and has no NUL byte.
trait Key: Copy + Eq + Default {
    fn hash(self) -> u64;
}

impl Key for u64 {
    fn hash(self) -> u64 {
        self.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

impl Key for u128 {
    fn hash(self) -> u64 {
        ((self as u64) ^ (self >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ ((self >> 64) as u64).rotate_left(29)
    }
}

/// An open-addressing map from packed word keys to [`Cached`] values: one array of
/// `(key, value)` pairs, the zero key marking a free slot, linear probing, at most half full.
/// A lookup reads one slot (one cache line) in the common case, where a general hash map
/// reads a control byte array and then the slot.
struct WordTable<K> {
    slots: Vec<(K, Cached)>,
    len: usize,
    /// `64 - log2(slots.len())`: the top bits of the hash pick the first slot.
    shift: u32,
}

impl<K: Key> Default for WordTable<K> {
    fn default() -> Self {
        WordTable {
            slots: Vec::new(),
            len: 0,
            shift: 64,
        }
    }
}

impl<K: Key> WordTable<K> {
    #[inline(always)]
    fn get(&self, key: K) -> Option<Cached> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() >> self.shift) as usize;
        loop {
            let (k, v) = self.slots[i];
            if k == key {
                return Some(v);
            }
            if k == K::default() {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Inserts a key not in the table.
    fn insert(&mut self, key: K, value: Cached) {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = (key.hash() >> self.shift) as usize;
        while self.slots[i].0 != K::default() {
            i = (i + 1) & mask;
        }
        self.slots[i] = (key, value);
        self.len += 1;
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1 << 12);
        let old = std::mem::replace(&mut self.slots, vec![(K::default(), Cached(0)); size]);
        self.shift = 64 - size.trailing_zeros();
        self.len = 0;
        for (k, v) in old {
            if k != K::default() {
                self.insert(k, v);
            }
        }
    }

    fn clear(&mut self) {
        self.slots.fill((K::default(), Cached(0)));
        self.len = 0;
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// The `N` bytes of `text` from `from` when the text has them (`true`: the caller masks them
/// to the word), else the `len` bytes of the word, zero-padded (`false`).
#[inline]
fn window<const N: usize>(text: &[u8], from: usize, len: usize) -> ([u8; N], bool) {
    let mut w = [0u8; N];
    match text.get(from..from + N) {
        Some(bytes) => {
            w.copy_from_slice(bytes);
            (w, true)
        }
        None => {
            w[..len].copy_from_slice(&text[from..from + len]);
            (w, false)
        }
    }
}

/// [`pack`] for a word of 1 to 8 bytes, in a `u64`.
#[inline]
fn pack_short(text: &[u8], from: usize, len: usize) -> u64 {
    debug_assert!((1..=8).contains(&len));
    match window::<8>(text, from, len) {
        (w, true) => u64::from_le_bytes(w) & (u64::MAX >> (64 - 8 * len)),
        (w, false) => u64::from_le_bytes(w),
    }
}

/// The key of the word `text[from..to]`: its bytes as an integer, when they fit in 16 bytes.
/// Reads 16 bytes of the text at once when they are there (one load, masked to the word), so
/// no buffer is written and read back.
fn pack(text: &[u8], from: usize, to: usize) -> Option<u128> {
    let len = to - from;
    if len > 16 {
        return None;
    }
    Some(match window::<16>(text, from, len) {
        (w, true) if len == 16 => u128::from_le_bytes(w),
        (w, true) => u128::from_le_bytes(w) & ((1u128 << (8 * len)) - 1),
        (w, false) => u128::from_le_bytes(w),
    })
}

thread_local! {
    static WORDS: RefCell<WordCache> = RefCell::new(WordCache {
        owner: 0,
        short: WordTable::default(),
        medium: WordTable::default(),
        long: FastMap::default(),
        stems: String::new(),
    });
}

/// One kept token of a passage: byte range in the text, token position (as the analyzer
/// numbers them: stop words count, over-long words do not) and, when the token texts are
/// kept, where this one's is (see [`crate::text::PreToken::stem`]).
pub(crate) type Tok = crate::text::PreToken;

impl super::polarity::Spanned for Tok {
    fn span(&self) -> (usize, usize) {
        (self.from as usize, self.to as usize)
    }
}

/// Offsets and positions in [`Tok`] are `u32`: a passage is far shorter than 4 GiB, and
/// [`Compiled::encode_text`] reads no further than this.
pub(crate) const MAX_TEXT: usize = u32::MAX as usize;

const NONE: u32 = u32::MAX;

/// A trie over token id sequences (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct IdTrie {
    /// Node reached by each first token id (`NONE` when no pattern starts with it).
    root: Vec<u32>,
    nodes: Vec<Node>,
    /// Every node's children, `(token id, node)`, each node's in one run (see [`Node`]).
    edges: Vec<(u32, u32)>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Node {
    /// This node's children: `edges[first..first + count]`.
    first: u32,
    count: u32,
    /// The pattern ending here.
    pattern: u32,
}

impl IdTrie {
    /// Builds the trie of `patterns` (distinct, non-empty id sequences) over `vocab_len` ids.
    fn new(patterns: &[Vec<u32>], vocab_len: usize) -> IdTrie {
        let mut t = IdTrie {
            root: vec![NONE; vocab_len],
            nodes: Vec::new(),
            edges: Vec::new(),
        };
        // Each node's children, `(token id, node)`, few per node, while the trie is built.
        let mut children: Vec<Vec<(u32, u32)>> = Vec::new();
        for (pi, ids) in patterns.iter().enumerate() {
            let Some((&first, rest)) = ids.split_first() else {
                continue;
            };
            let mut node = t.root[first as usize];
            if node == NONE {
                node = t.push_node(&mut children);
                t.root[first as usize] = node;
            }
            for &id in rest {
                let next = children[node as usize]
                    .iter()
                    .find(|c| c.0 == id)
                    .map(|c| c.1);
                node = match next {
                    Some(n) => n,
                    None => {
                        let n = t.push_node(&mut children);
                        children[node as usize].push((id, n));
                        n
                    }
                };
            }
            t.nodes[node as usize].pattern = pi as u32;
        }
        // One array of edges, so a walk reads no per-node allocation, and nodes of 12 bytes.
        for (n, c) in t.nodes.iter_mut().zip(&mut children) {
            n.first = t.edges.len() as u32;
            n.count = c.len() as u32;
            t.edges.append(c);
        }
        t
    }

    fn push_node(&mut self, children: &mut Vec<Vec<(u32, u32)>>) -> u32 {
        self.nodes.push(Node {
            first: 0,
            count: 0,
            pattern: NONE,
        });
        children.push(Vec::new());
        (self.nodes.len() - 1) as u32
    }

    /// Appends every match in `ids` to `out`, by start, shorter first.
    #[cfg(test)]
    fn find_all(&self, ids: &[u32], out: &mut Vec<RawMatch>) {
        for i in 0..ids.len() {
            self.walk(ids, i, out);
        }
    }

    /// `find_all` (every match, by start) for the positions in `starts` only (ascending): the positions
    /// whose id begins a pattern, so the result is the same.
    fn find_at(&self, ids: &[u32], starts: &[u32], out: &mut Vec<RawMatch>) {
        for &i in starts {
            self.walk(ids, i as usize, out);
        }
    }

    /// Every match that starts at position `i`, shorter first.
    fn walk(&self, ids: &[u32], i: usize, out: &mut Vec<RawMatch>) {
        let Some(&first) = self.root.get(ids[i] as usize) else {
            return;
        };
        let mut node = first;
        let mut j = i + 1;
        while node != NONE {
            let n = &self.nodes[node as usize];
            if n.pattern != NONE {
                out.push(RawMatch {
                    start: i,
                    end: j,
                    pattern: n.pattern as usize,
                });
            }
            node = match ids.get(j) {
                Some(&next) => {
                    let first = n.first as usize;
                    self.edges[first..first + n.count as usize]
                        .iter()
                        .find(|c| c.0 == next)
                        .map_or(NONE, |c| c.1)
                }
                None => NONE,
            };
            j += 1;
        }
    }

    /// Whether a pattern begins with `id`.
    fn starts_with(&self, id: u32) -> bool {
        self.root.get(id as usize).is_some_and(|&n| n != NONE)
    }
}

/// The positions of a passage's ids where a term or a cue may begin, found while encoding so
/// matching visits only those.
#[derive(Debug, Default)]
pub(crate) struct Starts {
    /// Slots for the positions where a term may begin: the first `kept_terms` are they, the
    /// rest is room (never shrunk, so a passage writes into it with no push and no fill).
    terms: Vec<u32>,
    /// The same for cues, the first `kept_cues`.
    cues: Vec<u32>,
    /// The tokens with punctuation (or any non-ASCII character) in the gap before them, the
    /// only places a sentence or clause may break (see [`super::polarity::mark_gaps`]).
    pub(crate) gaps: Vec<u32>,
    /// How many of `terms` and of `cues` are starts (see [`Starts::note`]).
    kept_terms: usize,
    kept_cues: usize,
}

impl Starts {
    /// Starts a passage of at most `tokens` tokens.
    fn clear(&mut self, tokens: usize) {
        // One slot more than the tokens: [`Starts::note`] writes each token at the count of
        // starts kept so far, which is at most the tokens noted before it.
        if self.terms.len() <= tokens {
            self.terms.resize(tokens + 1, 0);
            self.cues.resize(tokens + 1, 0);
        }
        self.gaps.clear();
        self.kept_terms = 0;
        self.kept_cues = 0;
    }

    /// Notes a token (`flags` from [`Compiled::start_flags`], 0 for none) with no branch on
    /// them: whether a token begins a term or a cue changes from token to token, which a branch
    /// would mispredict. Every token is written after the starts kept so far, and counted as
    /// kept when it is one (a later token overwrites one that is not).
    #[inline(always)]
    fn note(&mut self, flags: u8, position: usize) {
        let p = position as u32;
        self.terms[self.kept_terms] = p;
        self.kept_terms += usize::from(flags & TERM_START);
        self.cues[self.kept_cues] = p;
        self.kept_cues += usize::from((flags & CUE_START) >> 1);
    }

    /// The positions where a term may begin, ascending.
    fn terms(&self) -> &[u32] {
        &self.terms[..self.kept_terms]
    }

    /// The positions where a cue may begin, ascending.
    fn cues(&self) -> &[u32] {
        &self.cues[..self.kept_cues]
    }
}

const TERM_START: u8 = 1;
const CUE_START: u8 = 2;
// [`Starts::note`] counts a start as `flags & TERM_START` and `(flags & CUE_START) >> 1`.
const _: () = assert!(TERM_START == 1 && CUE_START == 2);

/// The state of [`Compiled::encode_text`] from one word to the next.
struct Encoder<'a> {
    compiled: &'a Compiled,
    text: &'a str,
    cache: &'a mut WordCache,
    toks: &'a mut Vec<Tok>,
    ids: &'a mut Vec<u32>,
    starts: &'a mut Starts,
    stems: Option<&'a mut String>,
    position: usize,
    /// Whether the gap since the last kept token holds punctuation (see
    /// `polarity::is_plain`): the gaps before words and the dropped words in it.
    marked: bool,
    /// Whether every token text fitted its [`Tok::stem`].
    complete: bool,
}

impl Encoder<'_> {
    /// Takes the word `text[from..to]` (`flags` from [`crate::text::for_each_word_flagged`]).
    #[inline(always)]
    fn word(&mut self, from: usize, to: usize, flags: u8) {
        let text = self.text;
        let cache = &mut *self.cache;
        self.marked |= flags & crate::text::GAP_MARKED != 0;
        let c = match cache.get(text, from, to) {
            Some(c) => c,
            None => cache.miss(self.compiled, &text[from..to]),
        };
        match c.id() {
            LONG => self.marked |= flags & crate::text::WORD_NON_ASCII != 0,
            STOP => {
                self.marked |= flags & crate::text::WORD_NON_ASCII != 0;
                self.position += 1;
            }
            id => {
                let flags = self.compiled.start_flags.get(id as usize).copied();
                self.starts.note(flags.unwrap_or(0), self.ids.len());
                let stem = match self.stems.as_deref_mut() {
                    Some(out) => match c.stem() {
                        CachedStem::InWord(len) => crate::text::STEM_IN_TEXT | len as u32,
                        CachedStem::Arena(r) => {
                            let off = out.len();
                            out.push_str(&cache.stems[r]);
                            Tok::stem_at(off, out.len() - off)
                        }
                        CachedStem::Missing => {
                            let stem = self.compiled.classify(&text[from..to]).1;
                            let stem = stem.as_deref().unwrap_or("");
                            if stem.len() < 256 {
                                let off = out.len();
                                out.push_str(stem);
                                Tok::stem_at(off, stem.len())
                            } else {
                                // A token text of 256 bytes or more (a ligature that expands
                                // when normalized) does not fit: no analysis for this passage.
                                self.complete = false;
                                0
                            }
                        }
                    },
                    None => 0,
                };
                if self.marked && !self.toks.is_empty() {
                    self.starts.gaps.push(self.toks.len() as u32);
                }
                self.marked = false;
                self.toks.push(Tok {
                    from: from as u32,
                    to: to as u32,
                    position: self.position as u32,
                    stem,
                });
                self.ids.push(id);
                self.position += 1;
            }
        }
    }
}

struct Builder {
    vocab: FastMap<String, u32>,
}

impl Builder {
    fn id(&mut self, token: &str) -> u32 {
        let next = self.vocab.len() as u32;
        *self.vocab.entry(token.to_string()).or_insert(next)
    }
}

impl Compiled {
    /// Builds the automata; fails only when the taxonomy is too large to encode. `extra`
    /// tokens (a learned model's words) get ids too, after the taxonomy's, so a passage is
    /// encoded once for both; they begin no term and no cue.
    pub(crate) fn build(
        themes: &[Theme],
        context: &[Term],
        cues: &[Cue],
        extra: &[&str],
    ) -> Result<Compiled, String> {
        let mut b = Builder {
            vocab: FastMap::default(),
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
        for t in extra {
            b.id(t);
        }
        let n = b.vocab.len();
        if n >= LONG as usize {
            return Err(format!("the taxonomy uses {n} distinct tokens; too many"));
        }
        let (term_pats, term_owners) = group(term_seqs);
        let (cue_pats, cue_owners) = group(cue_seqs);
        let terms = IdTrie::new(&term_pats, n);
        let cues = IdTrie::new(&cue_pats, n);
        let start_flags = (0..n as u32)
            .map(|id| {
                let t = if terms.starts_with(id) { TERM_START } else { 0 };
                let c = if cues.starts_with(id) { CUE_START } else { 0 };
                t | c
            })
            .collect();
        let mut by_id: Vec<usize> = (0..themes.len()).collect();
        by_id.sort_by(|&a, &b| themes[a].id().cmp(themes[b].id()));
        let mut theme_rank = vec![0u32; themes.len()];
        for (rank, &t) in by_id.iter().enumerate() {
            theme_rank[t] = rank as u32;
        }
        Ok(Compiled {
            uid: NEXT_UID.fetch_add(1, Ordering::Relaxed),
            theme_rank,
            terms,
            cues,
            vocab: b.vocab,
            term_owners,
            cue_owners,
            start_flags,
        })
    }

    /// Maps a passage's tokens to taxonomy ids ([`UNKNOWN`] for the others).
    pub(crate) fn encode(&self, tokens: &[Token], toks: &mut Vec<Tok>, ids: &mut Vec<u32>) {
        toks.clear();
        ids.clear();
        for t in tokens {
            toks.push(Tok {
                from: u32::try_from(t.offset_from).unwrap_or(u32::MAX),
                to: u32::try_from(t.offset_to).unwrap_or(u32::MAX),
                position: u32::try_from(t.position).unwrap_or(u32::MAX),
                stem: 0,
            });
            ids.push(self.vocab.get(t.text.as_str()).copied().unwrap_or(UNKNOWN));
        }
    }

    /// Splits `text` into the tokens [`crate::text::analyzer`] would keep and maps them to
    /// taxonomy ids, without running the analyzer on every word: each distinct word is
    /// analyzed once per thread and its id cached, so `encode_text` gives exactly what
    /// `analyze` followed by [`Compiled::encode`] gives, at a fraction of the cost. With
    /// `stems`, each token's text is also appended there (unless it is a prefix of its word)
    /// and its `stem` set: with the tokens, the analysis `analyze` gives, for the index writer.
    /// `text` must be at most [`MAX_TEXT`] bytes. False when a token text did not fit (see [`Tok::stem`]): then the
    /// tokens are not an analysis to hand over.
    pub(crate) fn encode_text(
        &self,
        text: &str,
        toks: &mut Vec<Tok>,
        ids: &mut Vec<u32>,
        starts: &mut Starts,
        stems: Option<&mut String>,
    ) -> bool {
        debug_assert!(text.len() <= MAX_TEXT);
        toks.clear();
        ids.clear();
        // A token is a word: a run of letters and digits with a byte or more between two.
        starts.clear(text.len() / 2 + 1);
        WORDS.with(|cache| {
            let mut cache = cache.borrow_mut();
            let cache = &mut *cache;
            if cache.owner != self.uid {
                cache.clear();
                cache.owner = self.uid;
            }
            let mut e = Encoder {
                compiled: self,
                text,
                cache,
                toks,
                ids,
                starts,
                stems,
                position: 0,
                marked: false,
                complete: true,
            };
            // One closure per path, each called from one place, so each is inlined.
            if text.is_ascii() {
                crate::text::ascii_words(text.as_bytes(), |from, to, flags| {
                    e.word(from, to, flags)
                });
            } else {
                crate::text::scan_words(text, |from, to, flags| e.word(from, to, flags));
            }
            e.complete
        })
    }

    /// The id of one word, through the analyzer, and its token text (none for a word the
    /// analyzer drops).
    fn classify(&self, word: &str) -> (u32, Option<String>) {
        if crate::text::is_too_long(word) {
            return (LONG, None);
        }
        match crate::text::analyze_text(word).into_iter().next() {
            None => (STOP, None),
            Some(t) => (
                self.vocab.get(t.text.as_str()).copied().unwrap_or(UNKNOWN),
                Some(t.text),
            ),
        }
    }

    /// The positions where a term or a cue may begin, for ids from [`Compiled::encode`].
    pub(crate) fn find_starts(&self, ids: &[u32], starts: &mut Starts) {
        starts.clear(ids.len());
        for (i, &id) in ids.iter().enumerate() {
            starts.note(self.start_flags.get(id as usize).copied().unwrap_or(0), i);
        }
    }

    /// Every term match (overlapping ones included), visiting only the positions in `starts`.
    pub(crate) fn term_matches_at(&self, ids: &[u32], starts: &Starts, out: &mut Vec<RawMatch>) {
        out.clear();
        self.terms.find_at(ids, starts.terms(), out);
    }

    /// Every cue match (overlapping ones included), visiting only the positions in `starts`.
    pub(crate) fn cue_matches_at(&self, ids: &[u32], starts: &Starts, out: &mut Vec<RawMatch>) {
        out.clear();
        self.cues.find_at(ids, starts.cues(), out);
    }

    /// Every term match, overlapping ones included.
    #[cfg(test)]
    pub(crate) fn term_matches(&self, ids: &[u32], out: &mut Vec<RawMatch>) {
        out.clear();
        self.terms.find_all(ids, out);
    }

    /// Every cue match, overlapping ones included.
    #[cfg(test)]
    pub(crate) fn cue_matches(&self, ids: &[u32], out: &mut Vec<RawMatch>) {
        out.clear();
        self.cues.find_all(ids, out);
    }

    /// Rank of a theme (by index) among all themes sorted by id.
    pub(crate) fn theme_rank(&self, theme: usize) -> u32 {
        self.theme_rank[theme]
    }

    /// The (theme, term) pairs a term pattern stands for.
    pub(crate) fn term_owners(&self, pattern: usize) -> &[TermOwner] {
        &self.term_owners[pattern]
    }

    /// The cues a cue pattern stands for.
    pub(crate) fn cue_owners(&self, pattern: usize) -> &[CueOwner] {
        &self.cue_owners[pattern]
    }

    /// Number of distinct tokens the taxonomy (and the extra tokens) use.
    pub(crate) fn vocabulary_len(&self) -> usize {
        self.vocab.len()
    }

    /// The id of a token text.
    pub(crate) fn id_of(&self, token: &str) -> Option<u32> {
        self.vocab.get(token).copied()
    }
}

/// Groups owners by identical id sequence.
fn group<O>(seqs: Vec<(Vec<u32>, O)>) -> (Vec<Vec<u32>>, Vec<Vec<O>>) {
    let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
    let mut pats: Vec<Vec<u32>> = Vec::new();
    let mut owners: Vec<Vec<O>> = Vec::new();
    for (ids, owner) in seqs {
        match index.get(&ids) {
            Some(&i) => owners[i].push(owner),
            None => {
                index.insert(ids.clone(), pats.len());
                pats.push(ids);
                owners.push(vec![owner]);
            }
        }
    }
    (pats, owners)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trie_finds_every_match_including_overlapping_ones() {
        // patterns: [1] [1 2] [1 2 3] [2 3] [4]
        let pats = vec![vec![1, 2], vec![1], vec![1, 2, 3], vec![2, 3], vec![4]];
        let trie = IdTrie::new(&pats, 5);
        let mut out = Vec::new();
        trie.find_all(&[0, 1, 2, 3, UNKNOWN, 1, 2, 4, 1], &mut out);
        let got: Vec<(usize, usize, usize)> =
            out.iter().map(|m| (m.start, m.end, m.pattern)).collect();
        assert_eq!(
            got,
            vec![
                (1, 2, 1),
                (1, 3, 0),
                (1, 4, 2),
                (2, 4, 3),
                (5, 6, 1),
                (5, 7, 0),
                (7, 8, 4),
                (8, 9, 1)
            ]
        );
    }

    #[test]
    fn word_keys_are_exact_and_independent_of_what_follows() {
        let text = b"risk risks r\xc3\xa9sum\xc3\xa9 ab abcdefghijklmnop abcdefghijklmnopq x";
        let s = std::str::from_utf8(text).unwrap();
        let mut words = Vec::new();
        crate::text::for_each_word(s, |a, b| words.push((a, b)));
        let keys: Vec<Option<u128>> = words.iter().map(|&(a, b)| pack(text, a, b)).collect();
        // The same word packs the same wherever it is, near the end of the text or not.
        for (&(a, b), k) in words.iter().zip(&keys) {
            assert_eq!(*k, pack(&text[a..b], 0, b - a), "{:?}", &s[a..b]);
        }
        assert_eq!(keys[0], pack(b"risk", 0, 4));
        assert_ne!(keys[0], keys[1]);
        assert!(keys[2].is_some(), "résumé is 8 bytes");
        assert!(keys[4].is_some(), "16 bytes fit");
        assert_eq!(keys[5], None, "17 bytes do not");
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len());
    }

    #[test]
    fn unknown_tokens_break_phrases() {
        let trie = IdTrie::new(&[vec![0, 1]], 2);
        let mut out = Vec::new();
        trie.find_all(&[0, UNKNOWN, 1], &mut out);
        assert!(out.is_empty());
    }
}
