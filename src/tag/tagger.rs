//! The tagger: a passage's text → its [`Tagging`] (procedural or not, and its [`Tag`]s), and
//! the tokens of the text for the index.
//!
//! Input: text, a [`Taxonomy`] (whose terms and cues the matcher compiled when it was loaded)
//! and optionally a learned [`Model`]. Output: tags sorted by theme id, each with its score,
//! polarity, what decided the polarity ([`DecidedBy`]) and [`Evidence`]; with
//! [`Tagger::tag_and_analyze`], also the text's [`Analysis`] (the same tokens the index
//! analyzer makes). Per-thread scratch buffers keep a passage's work free of allocations but
//! its result. This module reads no file and writes nothing.
//!
//! With a model, the dictionary runs first and its hits (each theme's score, its tags and their
//! cues) become features of the model with the passage's words; then, for each head the model
//! file says to use: the procedural head may mark the passage procedural (no tags), a theme's
//! presence head decides whether the theme is tagged, and the polarity head decides the
//! polarity of the themes whose polarity the model decides (and of the themes the dictionary
//! did not tag). Everything else stays as the dictionary decided.

use super::learned::features::{dense_len, fill_dense, DictTag, PassageCues};
use super::learned::logistic::sigmoid;
use super::learned::runtime::{Scorer, Seen};
use super::learned::weights::{HeadKind, Model, Source};
use super::matcher::{self, RawMatch};
use super::polarity::{self, CueHit, Layout};
use super::taxonomy::Taxonomy;
use super::theme::Term;
use crate::error::{Error, Result};
use crate::model::{CompactString, DecidedBy, Evidence, Polarity, Tag, Tagging};
use crate::text::Analysis;
use std::cell::RefCell;
use std::sync::Arc;
use tantivy::tokenizer::Token;

/// Tags text against a taxonomy, and a learned model when given one. Build once with
/// [`Tagger::new`] or [`Tagger::with_model`]; it is `Send + Sync` and cheap to clone, so rayon
/// threads share one by reference.
#[derive(Debug, Clone)]
pub struct Tagger {
    taxonomy: Arc<Taxonomy>,
    /// The taxonomy's matcher, with the model's words interned too when there is a model.
    compiled: Arc<matcher::Compiled>,
    learned: Option<Arc<Learned>>,
}

/// A model laid out for the tagger, with the heads it uses.
#[derive(Debug)]
struct Learned {
    model: Model,
    scorer: Scorer,
    /// The procedural head, when used.
    procedural: Option<usize>,
    /// Per theme (taxonomy order): its presence head, when the model decides presence.
    presence: Vec<Option<usize>>,
    /// The polarity head, and per theme whether it decides.
    polarity: Option<usize>,
    polarity_by_model: Vec<bool>,
    thresholds: Vec<f32>,
    /// Per head: logits below the first bound say no and above the second say yes, whatever
    /// the rounding of the sigmoid, so most heads are decided without it (see [`Learned::yes`]).
    sure: Vec<(f32, f32)>,
    /// Theme indices sorted by id (the order of tags).
    by_id: Vec<usize>,
}

/// Per-thread buffers, so tagging a passage allocates only its result.
#[derive(Default)]
struct Scratch {
    toks: Vec<matcher::Tok>,
    /// The token texts, one after the other, when the tokens are handed to the index.
    stems: String,
    starts: matcher::Starts,
    ids: Vec<u32>,
    terms: Vec<RawMatch>,
    cues: Vec<RawMatch>,
    /// Every term match, with its owner.
    hits: Vec<Span>,
    kept: Vec<Span>,
    /// The run of `kept` that holds the global context terms.
    global: std::ops::Range<usize>,
    /// The themes the dictionary tags (by id), whose tags are built only when kept.
    groups: Vec<Group>,
    merged: Vec<Span>,
    layout: Layout,
    anchors: Vec<(usize, usize)>,
    /// The deciding cues of the passage's global cue hits, shared by the themes they apply to.
    decisions: polarity::Decisions,
    /// The deciding cues of one theme's own cue hits, when they differ from the global ones.
    own_decisions: polarity::Decisions,
    /// Themes with cues of their own among the passage's cue matches.
    scoped: Vec<usize>,
    /// Per theme: the dictionary's score (0 when no term of it matched).
    raw: Vec<f32>,
    /// The dictionary's tags as model features see them.
    dict: Vec<DictTag>,
    dense: Vec<f32>,
    logits: Vec<f32>,
    seen: Seen,
    /// The passage's deciding cues, when [`Tagger::tag_with`] read them.
    tally: Option<PassageCues>,
    /// The allocations of the passage's cue hit lists (empty between passages, see [`recycle`]).
    cue_hits: Vec<CueHit<'static>>,
    theme_cue_hits: Vec<CueHit<'static>>,
}

/// `v` emptied, as a list of cue hits of another lifetime on the same allocation (collecting
/// a vector's own iterator into a vector of an element of the same layout reuses its buffer),
/// so the per-thread scratch keeps the cue hit lists' buffers from one passage to the next.
// `filter_map` (not `filter`) because the element type changes, which `filter` cannot do.
#[allow(clippy::unnecessary_filter_map)]
fn recycle<'b>(mut v: Vec<CueHit<'_>>) -> Vec<CueHit<'b>> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
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

/// A theme's kept matches (`kept[from..to]` in [`Scratch`]) and its score; once the theme is
/// tagged, the cue that decided its polarity (taken when its tag is built).
struct Group {
    theme: usize,
    from: usize,
    to: usize,
    score: f32,
    cue: Option<CompactString>,
}

/// Sum of the weights of the distinct terms among `spans` (a term repeated counts once), added
/// in the order of the terms' indices.
fn distinct_weight<'a>(spans: impl Iterator<Item = &'a Span>, terms: &[Term]) -> f32 {
    // Lists of up to 128 terms (every list of the embedded taxonomy): a bit per term, read
    // from the lowest, which is the order of the indices with no sort.
    if terms.len() <= 128 {
        let mut set = 0u128;
        for x in spans {
            set |= 1 << x.term;
        }
        return sum_set(set, terms);
    }
    distinct_weight_sorted(spans, terms)
}

/// The [`distinct_weight`] of a theme's own term spans and of its own context spans among
/// `own`, read in one pass when both lists fit a bit set (the context's weight is not needed
/// when the terms' is not positive, but costs less than a second pass).
fn anchor_and_context(own: &[Span], terms: &[Term], context: &[Term]) -> (f32, f32) {
    if terms.len() > 128 || context.len() > 128 {
        let anchor = distinct_weight(own.iter().filter(|x| !x.context), terms);
        let context = distinct_weight(own.iter().filter(|x| x.context), context);
        return (anchor, context);
    }
    let (mut a, mut c) = (0u128, 0u128);
    for x in own {
        // All ones for a context span, else zero: no branch on which list a span is of.
        let is_context = 0u128.wrapping_sub(u128::from(x.context));
        let bit = 1u128 << x.term;
        a |= bit & !is_context;
        c |= bit & is_context;
    }
    (sum_set(a, terms), sum_set(c, context))
}

/// The sum of the weights of the terms whose bits are set in `set`, by index.
fn sum_set(mut set: u128, terms: &[Term]) -> f32 {
    let mut sum = 0.0;
    while set != 0 {
        sum += terms[set.trailing_zeros() as usize].weight();
        set &= set - 1;
    }
    sum
}

/// [`distinct_weight`] for a list of any length: the terms sorted, each counted once.
fn distinct_weight_sorted<'a>(spans: impl Iterator<Item = &'a Span>, terms: &[Term]) -> f32 {
    // A passage matches a handful of terms per theme: keep them on the stack when they fit.
    const STACK: usize = 16;
    let mut stack = [0u32; STACK];
    let mut n = 0;
    let mut spill: Vec<u32> = Vec::new();
    for x in spans {
        let term = x.term as u32;
        if n < STACK {
            stack[n] = term;
            n += 1;
        } else {
            if spill.is_empty() {
                spill.extend_from_slice(&stack);
            }
            spill.push(term);
        }
    }
    let weight = |k: u32| terms[k as usize].weight();
    // One or two terms: no sort (adding two numbers gives the same in either order).
    match n {
        0 => return 0.0,
        1 => return weight(stack[0]),
        2 if stack[0] == stack[1] => return weight(stack[0]),
        2 => return weight(stack[0]) + weight(stack[1]),
        _ => {}
    }
    let seen: &mut [u32] = if spill.is_empty() {
        &mut stack[..n]
    } else {
        &mut spill
    };
    seen.sort_unstable();
    let mut sum = 0.0;
    for (i, &k) in seen.iter().enumerate() {
        if i == 0 || seen[i - 1] != k {
            sum += weight(k);
        }
    }
    sum
}

/// `text`, or its first [`matcher::MAX_TEXT`] bytes when it is longer (cut at a character
/// boundary): what the tagger reads of a text (a passage is never near that long).
fn clamp(text: &str) -> &str {
    if text.len() <= matcher::MAX_TEXT {
        return text;
    }
    let mut end = matcher::MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Whether a cue hit overlaps one of a theme's matched terms without being exactly that term
/// (`close` in `closed doors`): such a cue does not count for that theme.
fn inside_term(c: &CueHit<'_>, anchors: &[(usize, usize)]) -> bool {
    anchors
        .iter()
        .any(|&(s, e)| c.start < e && s < c.end && (c.start, c.end) != (s, e))
}

/// The global context spans outside every one of a theme's own spans: global context inside
/// one of the theme's matches does not count twice.
fn outside<'a>(global: &'a [Span], own: &'a [Span]) -> impl Iterator<Item = &'a Span> + 'a {
    global
        .iter()
        .filter(move |c| !own.iter().any(|x| c.start < x.end && x.start < c.end))
}

/// Every term match with each of its owners, grouped per theme (global context last) and
/// kept leftmost-longest: by start, longer first, dropping a match that overlaps one already
/// kept. Each theme's kept spans are one run of `kept`; returns the run of the global context
/// terms (removed from `groups`).
#[inline]
fn group_matches(
    compiled: &matcher::Compiled,
    terms: &[RawMatch],
    hits: &mut Vec<Span>,
    kept: &mut Vec<Span>,
    groups: &mut Vec<Group>,
) -> std::ops::Range<usize> {
    hits.clear();
    for m in terms {
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
    hits.sort_unstable_by(|a, b| (a.theme, a.start, b.end).cmp(&(b.theme, b.start, a.end)));
    kept.clear();
    groups.clear();
    for h in hits.iter() {
        match groups.last_mut() {
            Some(g) if g.theme == h.theme => {
                if kept[g.to - 1].end > h.start {
                    continue;
                }
                kept.push(*h);
                g.to = kept.len();
            }
            _ => {
                kept.push(*h);
                groups.push(Group {
                    theme: h.theme,
                    from: kept.len() - 1,
                    to: kept.len(),
                    score: 0.0,
                    cue: None,
                });
            }
        }
    }
    match groups.last() {
        Some(g) if g.theme == matcher::GLOBAL => {
            let range = g.from..g.to;
            groups.pop();
            range
        }
        _ => 0..0,
    }
}

/// Scores each theme's matches (its terms, then its context and the global context, which
/// count only once a term matched), notes every theme's score in `raw` (by theme index) and
/// keeps the themes that reach their threshold.
#[inline]
fn score_groups(
    tax: &Taxonomy,
    kept: &[Span],
    global: &[Span],
    groups: &mut Vec<Group>,
    raw: &mut [f32],
) {
    groups.retain_mut(|g| {
        let theme = &tax.themes[g.theme];
        let own = &kept[g.from..g.to];
        let (anchor, context) = anchor_and_context(own, theme.terms(), theme.context());
        if anchor <= 0.0 {
            return false;
        }
        let shared = distinct_weight(outside(global, own), &tax.context);
        g.score = anchor + context + shared;
        if let Some(r) = raw.get_mut(g.theme) {
            *r = g.score;
        }
        g.score + 1e-6 >= theme.threshold()
    });
}

/// The token range from the first to the last term or cue: polarity reads sentence and
/// clause breaks only there.
#[inline]
fn span_of(groups: &[Group], kept: &[Span], cues: &[RawMatch]) -> std::ops::Range<usize> {
    let spans = groups
        .iter()
        .flat_map(|g| &kept[g.from..g.to])
        .map(|x| (x.start, x.end))
        .chain(cues.iter().map(|m| (m.start, m.end)));
    let (lo, hi) = spans.fold((usize::MAX, 0), |(lo, hi), (s, e)| (lo.min(s), hi.max(e)));
    lo..hi
}

/// A tag's evidence terms: the theme's spans and the global context outside them, by start
/// (both lists are by start and no two of their spans overlap, so merging them is enough),
/// each as written in the taxonomy with its token position.
#[inline]
fn evidence_terms(
    tax: &Taxonomy,
    theme_index: usize,
    own: &[Span],
    global: &[Span],
    tokens: &[matcher::Tok],
    merged: &mut Vec<Span>,
) -> Vec<(CompactString, u32)> {
    let theme = &tax.themes[theme_index];
    merged.clear();
    let mut rest = outside(global, own).peekable();
    for x in own {
        while let Some(c) = rest.next_if(|c| c.start < x.start) {
            merged.push(*c);
        }
        merged.push(*x);
    }
    merged.extend(rest);
    debug_assert!(merged.is_sorted_by_key(|x| x.start));
    merged
        .iter()
        .map(|x| {
            let term = if x.theme == matcher::GLOBAL {
                &tax.context[x.term]
            } else if x.context {
                &theme.context()[x.term]
            } else {
                &theme.terms()[x.term]
            };
            (CompactString::new(term.text()), tokens[x.start].position)
        })
        .collect()
}

impl Learned {
    fn new(model: &Model, taxonomy: &Taxonomy, compiled: &matcher::Compiled) -> Learned {
        let scorer = Scorer::new(model, compiled.vocabulary_len(), |t| compiled.id_of(t));
        let used = |kind: HeadKind| {
            model
                .head(kind)
                .filter(|&h| model.heads[h].source == Source::Model)
        };
        let themes = taxonomy.themes().len();
        let mut by_id: Vec<usize> = (0..themes).collect();
        by_id.sort_by_key(|&t| compiled.theme_rank(t));
        Learned {
            procedural: used(HeadKind::Procedural),
            presence: (0..themes).map(|t| used(HeadKind::Presence(t))).collect(),
            polarity: model.head(HeadKind::Polarity),
            polarity_by_model: (0..themes)
                .map(|t| model.polarity.get(t) == Some(&Source::Model))
                .collect(),
            thresholds: model.heads.iter().map(|h| h.threshold).collect(),
            sure: model
                .heads
                .iter()
                .map(|h| sure_bounds(h.threshold))
                .collect(),
            scorer,
            model: model.clone(),
            by_id,
        }
    }

    /// Whether head `h` says yes for these logits: `sigmoid(z) >= threshold`, read from the
    /// bounds when `z` is clear of the threshold's logit.
    fn yes(&self, logits: &[f32], h: usize) -> bool {
        let z = logits[h];
        let (no, yes) = self.sure[h];
        if z < no {
            false
        } else if z > yes {
            true
        } else {
            sigmoid(z) >= self.thresholds[h]
        }
    }
}

/// The logits below and above which `sigmoid(z) >= threshold` is surely false and surely true:
/// 0.01 either side of the threshold's logit, where the sigmoid differs from the threshold by
/// far more than its rounding (for thresholds in [0.001, 0.999]; for the others, bounds that
/// leave every logit to the sigmoid).
fn sure_bounds(threshold: f32) -> (f32, f32) {
    let t = f64::from(threshold);
    if !(0.001..=0.999).contains(&t) {
        return (f32::NEG_INFINITY, f32::INFINITY);
    }
    let cut = (t / (1.0 - t)).ln();
    ((cut - 0.01) as f32, (cut + 0.01) as f32)
}

impl Tagger {
    /// Builds the tagger for a taxonomy (the automata were compiled when it was loaded): the
    /// dictionary alone.
    pub fn new(taxonomy: &Taxonomy) -> Tagger {
        Tagger {
            compiled: taxonomy.compiled.clone(),
            taxonomy: Arc::new(taxonomy.clone()),
            learned: None,
        }
    }

    /// Builds the tagger for a taxonomy and a model trained with it. Fails when the model was
    /// trained with another taxonomy (its dictionary features would mean something else).
    pub fn with_model(taxonomy: &Taxonomy, model: &Model) -> Result<Tagger> {
        let ids: Vec<&str> = taxonomy.theme_ids();
        if model.taxonomy() != taxonomy.version() || model.themes() != ids.as_slice() {
            return Err(Error::InputFile {
                path: model.path().to_path_buf(),
                message: format!(
                    "the model was trained with taxonomy {}, not with {} ({}): train it again with `igf-lens train GOLD.csv --themes {}`, or tag without it (--no-model)",
                    model.taxonomy(),
                    taxonomy.version(),
                    taxonomy.path().display(),
                    taxonomy.path().display()
                ),
            });
        }
        let mut words: Vec<&str> = Vec::new();
        for (f, _) in model.weights() {
            match f {
                super::learned::weights::Feature::Word(w) => words.push(w),
                super::learned::weights::Feature::Bigram(a, b) => {
                    words.push(a);
                    words.push(b);
                }
                _ => {}
            }
        }
        let compiled =
            matcher::Compiled::build(&taxonomy.themes, &taxonomy.context, &taxonomy.cues, &words)
                .map_err(|message| Error::InputFile {
                path: model.path().to_path_buf(),
                message,
            })?;
        let learned = Learned::new(model, taxonomy, &compiled);
        Ok(Tagger {
            compiled: Arc::new(compiled),
            taxonomy: Arc::new(taxonomy.clone()),
            learned: Some(Arc::new(learned)),
        })
    }

    /// The taxonomy this tagger applies.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// The model this tagger applies, if any.
    pub fn model(&self) -> Option<&Model> {
        self.learned.as_deref().map(|l| &l.model)
    }

    /// The version of the model (empty without one).
    pub fn model_version(&self) -> &str {
        self.model().map_or("", Model::version)
    }

    /// Tags one passage. Gives exactly what [`Tagger::tag_tokens`] gives on the tokens of
    /// [`crate::text::analyzer`], but analyzes each distinct word only once per thread (a cache
    /// of word → taxonomy id), so tagging costs little next to indexing.
    pub fn tag(&self, text: &str) -> Tagging {
        self.with_encoded(text, |text, s| self.finish(text, s))
    }

    /// Runs `f` on this thread's scratch holding the tokens and ids of `text` (clamped to
    /// what the matcher takes), with that text.
    fn with_encoded<R>(&self, text: &str, f: impl FnOnce(&str, &mut Scratch) -> R) -> R {
        let text = clamp(text);
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            self.compiled
                .encode_text(text, &mut s.toks, &mut s.ids, &mut s.starts, None);
            f(text, s)
        })
    }

    /// Tags one passage as [`Tagger::tag`] does and also returns its tokens (the ones
    /// [`crate::text::analyze`] gives), made from the same word cache, for the index writer
    /// ([`crate::index::Writer::add_analyzed`]). `None` for a text too long for them.
    pub fn tag_and_analyze(&self, text: &str) -> (Tagging, Option<Analysis>) {
        if text.len() > matcher::MAX_TEXT {
            return (self.tag(text), None);
        }
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            s.stems.clear();
            let complete = self.compiled.encode_text(
                text,
                &mut s.toks,
                &mut s.ids,
                &mut s.starts,
                Some(&mut s.stems),
            );
            let analysis = complete
                .then(|| Analysis::from_parts(text, &s.stems, &s.toks))
                .flatten();
            (self.finish(text, s), analysis)
        })
    }

    /// Tags one passage from tokens already produced by
    /// `crate::text::analyze(&mut crate::text::analyzer(), text)`. `text` must be the text the
    /// tokens were made from (sentence breaks are read from it). Tags are sorted by theme id.
    pub fn tag_tokens(&self, text: &str, tokens: &[Token]) -> Tagging {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            let s = &mut *s;
            self.compiled.encode(tokens, &mut s.toks, &mut s.ids);
            self.compiled.find_starts(&s.ids, &mut s.starts);
            polarity::mark_gaps(text, &s.toks, &mut s.starts.gaps);
            self.finish(text, s)
        })
    }

    /// The tagging of the tokens and ids already in `s`: the dictionary's, then the model's
    /// decisions where it has any.
    fn finish(&self, text: &str, s: &mut Scratch) -> Tagging {
        self.dictionary_pass(text, s);
        let Some(l) = self.learned.as_deref() else {
            let tags = (0..s.groups.len()).map(|i| self.dict_tag(s, i)).collect();
            return Tagging {
                procedural: false,
                tags,
            };
        };
        let cues = self.passage_cues(text, s);
        s.dense.resize(dense_len(self.taxonomy.themes.len()), 0.0);
        fill_dense(&s.raw, &s.dict, cues, s.ids.len(), &mut s.dense);
        s.logits.resize(l.scorer.heads(), 0.0);
        l.scorer
            .logits(&s.ids, &s.dense, &mut s.seen, &mut s.logits);
        self.decide(l, s)
    }

    /// The tag of the `i`th theme the dictionary tagged (see [`Tagger::tag_with`]), with its
    /// evidence: built only for the tags a passage keeps (with a model, fewer than half).
    fn dict_tag(&self, s: &mut Scratch, i: usize) -> Tag {
        let tax = &*self.taxonomy;
        let g = &mut s.groups[i];
        let d = &s.dict[i];
        debug_assert_eq!(g.theme, d.theme);
        let own = &s.kept[g.from..g.to];
        let global = &s.kept[s.global.clone()];
        let terms = evidence_terms(tax, g.theme, own, global, &s.toks, &mut s.merged);
        Tag {
            theme: CompactString::new(tax.themes[g.theme].id()),
            polarity: d.polarity,
            score: g.score,
            decided_by: d.decided_by,
            evidence: Evidence {
                terms,
                cue: g.cue.take(),
            },
            coder: None,
        }
    }

    /// What the model sees of a passage besides its words: the dense features (the
    /// dictionary's scores, tags and cues, and the length), made by the dictionary alone
    /// whatever model this tagger has. For training: the tagger gives the same when tagging.
    pub(crate) fn dense_features(&self, text: &str) -> Vec<f32> {
        self.with_encoded(text, |text, s| {
            self.dictionary_pass(text, s);
            let cues = self.passage_cues(text, s);
            let mut dense = vec![0.0; dense_len(self.taxonomy.themes.len())];
            fill_dense(&s.raw, &s.dict, cues, s.ids.len(), &mut dense);
            dense
        })
    }

    /// The dictionary's tagging of the tokens and ids already in `s` (see
    /// [`Tagger::tag_with`]), with its scores in `s.raw` (the model's input besides the words
    /// and the tags in `s.dict`).
    fn dictionary_pass(&self, text: &str, s: &mut Scratch) {
        s.raw.clear();
        s.raw.resize(self.taxonomy.themes.len(), 0.0);
        s.tally = None;
        self.tag_with(text, s);
    }

    /// The passage's deciding cues: those [`Tagger::tag_with`] read on the way, else read now.
    fn passage_cues(&self, text: &str, s: &mut Scratch) -> PassageCues {
        match s.tally {
            Some(c) => c,
            None => self.tally_cues(text, s),
        }
    }

    /// The passage's deciding cues (whatever theme they are near), for a passage the dictionary
    /// tagged nothing in (when it tags a theme, [`Tagger::tag_with`] reads them on the way).
    fn tally_cues(&self, text: &str, s: &mut Scratch) -> PassageCues {
        let compiled = &*self.compiled;
        compiled.cue_matches_at(&s.ids, &s.starts, &mut s.cues);
        if s.cues.is_empty() {
            return PassageCues::default();
        }
        let lo = s.cues.iter().map(|m| m.start).min().unwrap_or(0);
        let hi = s.cues.iter().map(|m| m.end).max().unwrap_or(0);
        s.layout.fill_marked(text, &s.toks, &s.starts.gaps, lo..hi);
        let mut base: Vec<CueHit<'_>> = recycle(std::mem::take(&mut s.cue_hits));
        self.cues_for(None, &[], &s.cues, &mut base);
        s.decisions
            .read(&base, &s.layout, self.taxonomy.negation_window);
        s.cue_hits = recycle(base);
        let (risk, opportunity, last) = s.decisions.tally();
        PassageCues {
            risk,
            opportunity,
            last,
        }
    }

    /// Applies the model's heads (their logits in `s.logits`) to the dictionary's tags in `s`
    /// (see the module docs).
    fn decide(&self, l: &Learned, s: &mut Scratch) -> Tagging {
        let logits = &s.logits;
        if l.procedural.is_some_and(|h| l.yes(logits, h)) {
            return Tagging {
                procedural: true,
                tags: Vec::new(),
            };
        }
        let polarity = l.polarity.map(|h| {
            if l.yes(logits, h) {
                Polarity::Risk
            } else {
                Polarity::Opportunity
            }
        });
        let mut next = 0;
        let mut tags = Vec::with_capacity(l.by_id.len());
        for &t in &l.by_id {
            let theme = &self.taxonomy.themes[t];
            // The dictionary's tags are in the same order (by id).
            let found = s.dict.get(next).filter(|d| d.theme == t).map(|_| next);
            next += usize::from(found.is_some());
            let present = match l.presence[t] {
                Some(h) => l.yes(&s.logits, h),
                None => found.is_some(),
            };
            if !present {
                continue;
            }
            let by_model = l.polarity_by_model[t] || found.is_none();
            let mut tag = match found {
                Some(i) => self.dict_tag(s, i),
                None => Tag {
                    theme: CompactString::new(theme.id()),
                    polarity: theme.default_polarity(),
                    score: s.raw.get(t).copied().unwrap_or(0.0),
                    decided_by: DecidedBy::Default,
                    evidence: Evidence::default(),
                    coder: None,
                },
            };
            if let (true, Some(p)) = (by_model, polarity) {
                tag.polarity = p;
                tag.decided_by = DecidedBy::Model;
            }
            tags.push(tag);
        }
        Tagging {
            procedural: false,
            tags,
        }
    }

    /// The dictionary's tagging of the tokens and ids already in `s` (see
    /// [`Compiled::encode`]): the themes it tags, by id, in `s.groups` (with the cue that
    /// decided each one's polarity) and, as model features see them, in `s.dict`; their tags
    /// are built by [`Tagger::dict_tag`].
    fn tag_with(&self, text: &str, s: &mut Scratch) {
        let tax = &*self.taxonomy;
        let compiled = &*self.compiled;
        let Scratch {
            toks: tokens,
            stems: _,
            raw,
            dict,
            dense: _,
            logits: _,
            seen: _,
            tally,
            starts,
            ids,
            terms,
            cues,
            hits,
            kept,
            global: global_run,
            groups,
            merged: _,
            layout,
            anchors,
            decisions,
            own_decisions,
            scoped,
            cue_hits,
            theme_cue_hits,
        } = s;
        dict.clear();
        groups.clear();
        *global_run = 0..0;
        compiled.term_matches_at(ids, starts, terms);
        if terms.is_empty() {
            return;
        }
        *global_run = group_matches(compiled, terms, hits, kept, groups);
        let kept = &kept[..];
        let global = &kept[global_run.clone()];
        score_groups(tax, kept, global, groups, raw);
        if groups.is_empty() {
            return;
        }
        // Tags come out sorted by theme id.
        groups.sort_unstable_by_key(|g| compiled.theme_rank(g.theme));
        compiled.cue_matches_at(ids, starts, cues);
        // Sentence and clause breaks matter only when there is a cue to place.
        if cues.is_empty() {
            layout.sentence_breaks.clear();
            layout.clause_breaks.clear();
        } else {
            layout.fill_marked(text, tokens, &starts.gaps, span_of(groups, kept, cues));
        }
        // The cue hits of a theme are the global ones unless it has cues of its own among the
        // matches or one of its terms contains part of a cue: read the global ones once.
        let mut base: Vec<CueHit<'_>> = recycle(std::mem::take(cue_hits));
        let mut theme_hits: Vec<CueHit<'_>> = recycle(std::mem::take(theme_cue_hits));
        scoped.clear();
        if !cues.is_empty() {
            self.cues_for(None, &[], cues, &mut base);
            decisions.read(&base, layout, tax.negation_window);
            let (risk, opportunity, last) = decisions.tally();
            *tally = Some(PassageCues {
                risk,
                opportunity,
                last,
            });
            self.themes_with_own_cues(cues, scoped);
        }
        for g in groups.iter_mut() {
            let theme = &tax.themes[g.theme];
            let own = &kept[g.from..g.to];
            anchors.clear();
            anchors.extend(own.iter().filter(|x| !x.context).map(|x| (x.start, x.end)));
            let (polarity, cue) = if cues.is_empty() {
                (theme.default_polarity(), None)
            } else if !scoped.contains(&g.theme) && !base.iter().any(|c| inside_term(c, anchors)) {
                decisions.choose(anchors, &base, layout, theme.default_polarity())
            } else {
                self.cues_for(Some(g.theme), anchors, cues, &mut theme_hits);
                own_decisions.read(&theme_hits, layout, tax.negation_window);
                own_decisions.choose(anchors, &theme_hits, layout, theme.default_polarity())
            };
            let decided_by = if cue.is_some() {
                DecidedBy::Cue
            } else {
                DecidedBy::Default
            };
            dict.push(DictTag {
                theme: g.theme,
                decided_by,
                polarity,
            });
            g.cue = cue;
        }
        *cue_hits = recycle(base);
        *theme_cue_hits = recycle(theme_hits);
    }

    /// The themes that have cues of their own among the cue matches `cues`, into `out`.
    fn themes_with_own_cues(&self, cues: &[RawMatch], out: &mut Vec<usize>) {
        for m in cues {
            for o in self.compiled.cue_owners(m.pattern) {
                if let matcher::Scope::Theme(t) = o.scope {
                    out.push(t);
                }
            }
        }
    }

    /// The cue hits that apply to one theme, into `out`: its own cues before global ones,
    /// leftmost-longest, without those that are only part of one of its matched terms.
    /// With no theme, the global cues only, all of them.
    fn cues_for<'a>(
        &'a self,
        theme: Option<usize>,
        anchors: &[(usize, usize)],
        raw: &[RawMatch],
        out: &mut Vec<CueHit<'a>>,
    ) {
        let compiled = &*self.compiled;
        out.clear();
        for m in raw {
            let owners = compiled.cue_owners(m.pattern);
            let own = theme
                .and_then(|t| owners.iter().find(|o| o.scope == matcher::Scope::Theme(t)))
                .or_else(|| owners.iter().find(|o| o.scope == matcher::Scope::Global));
            if let Some(o) = own {
                out.push(CueHit {
                    start: m.start,
                    end: m.end,
                    role: o.role,
                    text: &o.text,
                });
            }
        }
        // Leftmost-longest. `raw` comes by start, shorter first (see `IdTrie::find_at`), so a
        // hit that starts where the last one kept starts is longer and replaces it, and a hit
        // that starts inside the last one kept is dropped.
        debug_assert!(raw.is_sorted_by_key(|m| (m.start, m.end)));
        let mut kept: usize = 0;
        for i in 0..out.len() {
            let h = out[i].clone();
            match kept.checked_sub(1).map(|k| &mut out[k]) {
                Some(last) if last.start == h.start => *last = h,
                Some(last) if h.start < last.end => {}
                _ => {
                    out[kept] = h;
                    kept += 1;
                }
            }
        }
        out.truncate(kept);
        out.retain(|c| !inside_term(c, anchors));
    }
}

#[cfg(test)]
mod sure_tests {
    use super::*;

    #[test]
    fn the_sure_bounds_lie_around_the_thresholds_logit_and_leave_extremes_to_the_sigmoid() {
        assert_eq!(sure_bounds(0.5), (-0.01, 0.01));
        let (no, yes) = sure_bounds(0.9);
        // ln(0.9 / 0.1) = 2.1972
        assert!(
            (no - 2.1872).abs() < 1e-4 && (yes - 2.2072).abs() < 1e-4,
            "{no} {yes}"
        );
        for t in [0.0005f32, 1.0] {
            assert_eq!(sure_bounds(t), (f32::NEG_INFINITY, f32::INFINITY));
        }
    }

    #[test]
    fn the_sure_bounds_agree_with_the_sigmoid() {
        for t in [
            0.0005f32, 0.001, 0.1, 0.15, 0.25, 0.35, 0.5, 0.9, 0.999, 1.0,
        ] {
            let (no, yes) = sure_bounds(t);
            for k in -40_000..=40_000 {
                let z = k as f32 * 0.00025;
                if z < no {
                    assert!(sigmoid(z) < t, "{t} {z}");
                }
                if z > yes {
                    assert!(sigmoid(z) >= t, "{t} {z}");
                }
            }
        }
    }
}
