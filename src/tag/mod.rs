//! Theme tagging: the taxonomy (load, validate, version), the matcher and polarity.
//!
//! Input: passage text, or its tokens from [`crate::text::analyze`] (the same stream the index
//! stores). Output: [`Tag`]s sorted by theme id, each with its polarity, score and
//! [`Evidence`] (matched terms with token positions, the cue that decided the polarity).
//!
//! How a passage is tagged:
//! 1. Every taxonomy term was analyzed into stemmed tokens when the taxonomy was loaded; the
//!    passage's tokens are mapped to the same ids and searched with one trie keyed by token id
//!    (the private `matcher` module), so `criminalising`, `criminalizing` and `criminalisation`
//!    all match the term `criminalise`, and multi-word terms match consecutive tokens.
//!    [`Tagger::tag`] splits words exactly as the analyzer does and analyzes each distinct word
//!    once per thread (a word → id cache), which gives the same ids as analyzing every token.
//! 2. Per theme, overlapping matches keep the longest; each distinct term adds its weight once.
//!    Context terms (global `[context]` and the theme's own `context`) add theirs only when at
//!    least one of the theme's terms matched. The theme is tagged when the sum reaches its
//!    threshold; the sum is the tag's `score`.
//! 3. The polarity comes from cues in the sentence of a matched term ([`polarity`]), else the
//!    theme's default.
//!
//! This module does not read passages from disk or the index, and knows no theme by name: all
//! of that lives in the taxonomy file. Evaluation against a gold set is in [`eval`], term
//! suggestions from an index in [`suggest`].

pub mod eval;
mod matcher;
pub mod polarity;
pub mod suggest;
pub mod taxonomy;

pub use taxonomy::{Cue, CueRole, Taxonomy, Term, Theme};

use crate::error::Result;
use crate::model::{Evidence, Tag};
use matcher::RawMatch;
use polarity::{CueHit, Layout};
use std::cell::RefCell;
use std::path::Path;
use std::sync::Arc;
use tantivy::tokenizer::Token;

/// The taxonomy shipped in `data/themes.toml`, embedded in the binary.
pub const EMBEDDED_THEMES: &str = include_str!("../../data/themes.toml");

/// Loads the taxonomy at `path`, or the embedded one when `path` is `None` (what every
/// `--themes FILE` flag does).
pub fn load_taxonomy(path: Option<&Path>) -> Result<Taxonomy> {
    match path {
        Some(p) => Taxonomy::load(p),
        None => Ok(Taxonomy::embedded()),
    }
}

/// Tags text against a taxonomy. Build once with [`Tagger::new`]; it is `Send + Sync` and
/// cheap to clone, so rayon threads share one by reference.
#[derive(Debug, Clone)]
pub struct Tagger {
    taxonomy: Arc<Taxonomy>,
}

/// Per-thread buffers, so tagging a passage allocates only its result.
#[derive(Default)]
struct Scratch {
    toks: Vec<matcher::Tok>,
    ids: Vec<u32>,
    terms: Vec<RawMatch>,
    cues: Vec<RawMatch>,
    /// Every term match, with its owner.
    hits: Vec<Span>,
    layout: Layout,
    anchors: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// One term match of one owner: token index range `[start, end)`.
#[derive(Debug, Clone, Copy)]
struct Span {
    theme: usize,
    start: usize,
    end: usize,
    term: usize,
    context: bool,
}

/// A theme's kept matches and its score.
struct ThemeHits {
    theme: usize,
    spans: Vec<Span>,
    score: f32,
}

/// Sum of the weights of the distinct terms among `spans` (a term repeated counts once).
fn distinct_weight<'a>(spans: impl Iterator<Item = &'a Span>, terms: &[Term]) -> f32 {
    // A passage matches a handful of terms per theme: sort them on the stack when they fit.
    const STACK: usize = 16;
    let mut stack = [0usize; STACK];
    let mut n = 0;
    let mut spill: Vec<usize> = Vec::new();
    for x in spans {
        if n < STACK {
            stack[n] = x.term;
            n += 1;
        } else {
            if spill.is_empty() {
                spill.extend_from_slice(&stack);
            }
            spill.push(x.term);
        }
    }
    let seen: &mut [usize] = if spill.is_empty() {
        &mut stack[..n]
    } else {
        &mut spill
    };
    seen.sort_unstable();
    let mut sum = 0.0;
    for (i, &k) in seen.iter().enumerate() {
        if i == 0 || seen[i - 1] != k {
            sum += terms[k].weight();
        }
    }
    sum
}

impl Tagger {
    /// Builds the tagger for a taxonomy (the automata were compiled when it was loaded).
    pub fn new(taxonomy: &Taxonomy) -> Tagger {
        Tagger {
            taxonomy: Arc::new(taxonomy.clone()),
        }
    }

    /// The taxonomy this tagger applies.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// Tags one passage. Gives exactly what [`Tagger::tag_tokens`] gives on the tokens of
    /// [`crate::text::analyzer`], but analyzes each distinct word only once per thread (a cache
    /// of word → taxonomy id), so tagging costs little next to indexing.
    pub fn tag(&self, text: &str) -> Vec<Tag> {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            self.taxonomy
                .compiled
                .encode_text(text, &mut s.toks, &mut s.ids);
            self.tag_with(text, s)
        })
    }

    /// Tags one passage from tokens already produced by
    /// `crate::text::analyze(&mut crate::text::analyzer(), text)`. `text` must be the text the
    /// tokens were made from (sentence breaks are read from it). Tags are sorted by theme id.
    pub fn tag_tokens(&self, text: &str, tokens: &[Token]) -> Vec<Tag> {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            self.taxonomy
                .compiled
                .encode(tokens, &mut s.toks, &mut s.ids);
            self.tag_with(text, s)
        })
    }

    /// Tags from the tokens and ids already in `s` (see [`Compiled::encode`]).
    fn tag_with(&self, text: &str, s: &mut Scratch) -> Vec<Tag> {
        let tax = &*self.taxonomy;
        let compiled = &*tax.compiled;
        let Scratch {
            toks: tokens,
            ids,
            terms,
            cues,
            hits,
            layout,
            anchors,
        } = s;
        compiled.term_matches(ids, terms);
        if terms.is_empty() {
            return Vec::new();
        }
        hits.clear();
        for m in terms.iter() {
            for o in compiled.term_owners(m.pattern) {
                hits.push(Span {
                    theme: o.theme,
                    start: m.start,
                    end: m.end,
                    term: o.term,
                    context: o.context,
                });
            }
        }
        // Per theme (global context last), leftmost-longest: by start, longer first, and keep
        // the matches that do not overlap one already kept.
        hits.sort_unstable_by(|a, b| (a.theme, a.start, b.end).cmp(&(b.theme, b.start, a.end)));
        let mut groups: Vec<ThemeHits> = Vec::new();
        for h in hits.iter() {
            let new_group = match groups.last() {
                None => true,
                Some(g) => g.theme != h.theme,
            };
            if new_group {
                groups.push(ThemeHits {
                    theme: h.theme,
                    spans: Vec::new(),
                    score: 0.0,
                });
            }
            let Some(g) = groups.last_mut() else { continue };
            if g.spans.last().is_some_and(|k| h.start < k.end) {
                continue;
            }
            g.spans.push(*h);
        }
        let global: Vec<Span> = match groups.last() {
            Some(g) if g.theme == matcher::GLOBAL => {
                groups.pop().map(|g| g.spans).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        groups.retain_mut(|g| {
            let theme = &tax.themes[g.theme];
            let anchor = distinct_weight(g.spans.iter().filter(|x| !x.context), theme.terms());
            if anchor <= 0.0 {
                return false;
            }
            let own = distinct_weight(g.spans.iter().filter(|x| x.context), theme.context());
            // Global context inside one of the theme's own matches does not count twice.
            let outside: Vec<Span> = global
                .iter()
                .filter(|c| !g.spans.iter().any(|x| c.start < x.end && x.start < c.end))
                .copied()
                .collect();
            let shared = distinct_weight(outside.iter(), &tax.context);
            g.score = anchor + own + shared;
            if g.score + 1e-6 < theme.threshold() {
                return false;
            }
            g.spans.extend(outside);
            g.spans.sort_by_key(|x| (x.start, x.end));
            true
        });
        if groups.is_empty() {
            return Vec::new();
        }

        compiled.cue_matches(ids, cues);
        // Sentence and clause breaks matter only when there is a cue to place.
        if cues.is_empty() {
            layout.sentence.clear();
            layout.clause.clear();
        } else {
            layout.fill(text, tokens);
        }
        let mut tags: Vec<Tag> = Vec::with_capacity(groups.len());
        for g in &groups {
            let theme = &tax.themes[g.theme];
            anchors.clear();
            anchors.extend(
                g.spans
                    .iter()
                    .filter(|x| !x.context)
                    .map(|x| (x.start, x.end)),
            );
            let (polarity, cue) = if cues.is_empty() {
                (theme.default_polarity(), None)
            } else {
                let applicable = self.cues_for(g.theme, anchors, cues);
                polarity::decide(
                    anchors,
                    &applicable,
                    layout,
                    tax.negation_window,
                    theme.default_polarity(),
                )
            };
            let terms = g
                .spans
                .iter()
                .map(|x| {
                    let term = if x.theme == matcher::GLOBAL {
                        &tax.context[x.term]
                    } else if x.context {
                        &theme.context()[x.term]
                    } else {
                        &theme.terms()[x.term]
                    };
                    let position = u32::try_from(tokens[x.start].position).unwrap_or(u32::MAX);
                    (term.text().to_string(), position)
                })
                .collect();
            tags.push(Tag {
                theme: theme.id().to_string(),
                polarity,
                score: g.score,
                evidence: Evidence { terms, cue },
            });
        }
        tags.sort_by(|a, b| a.theme.cmp(&b.theme));
        tags
    }

    /// The cue hits that apply to one theme: its own cues before global ones, leftmost-longest,
    /// without those that are only part of one of its matched terms.
    fn cues_for<'a>(
        &'a self,
        theme: usize,
        anchors: &[(usize, usize)],
        raw: &[RawMatch],
    ) -> Vec<CueHit<'a>> {
        let compiled = &*self.taxonomy.compiled;
        let mut hits: Vec<CueHit<'a>> = Vec::new();
        for m in raw {
            let owners = compiled.cue_owners(m.pattern);
            let own = owners
                .iter()
                .find(|o| o.scope == matcher::Scope::Theme(theme))
                .or_else(|| owners.iter().find(|o| o.scope == matcher::Scope::Global));
            if let Some(o) = own {
                hits.push(CueHit {
                    start: m.start,
                    end: m.end,
                    role: o.role,
                    text: &o.text,
                });
            }
        }
        hits.sort_by(|a, b| (a.start, b.end).cmp(&(b.start, a.end)));
        let mut kept: Vec<CueHit<'a>> = Vec::with_capacity(hits.len());
        for h in hits {
            if kept.last().is_some_and(|k| h.start < k.end) {
                continue;
            }
            kept.push(h);
        }
        kept.retain(|c| {
            !anchors
                .iter()
                .any(|&(s, e)| c.start < e && s < c.end && (c.start, c.end) != (s, e))
        });
        kept
    }
}

#[cfg(test)]
mod tests;
