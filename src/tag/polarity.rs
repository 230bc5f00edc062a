//! Polarity: which cue decides whether a theme's mention is a risk or an opportunity.
//!
//! Input: the passage text and tokens, the theme's term matches and the cue matches that apply
//! to it (already resolved so they do not overlap). Output: the polarity and the cue that
//! decided it (`None` when the theme's default applied).
//!
//! Rules, in order:
//! 1. Only cues in the same sentence as a matched term count. Sentences end at `.`, `!`, `?`,
//!    `…` followed by an upper-case letter or a digit (not after `Mr.`, `e.g.` and similar), and
//!    at blank lines, all read from the original text between tokens.
//! 2. A cue that is exactly a matched term (an evaluative term such as `overbroad` or
//!    `repression`, also listed as a cue) decides at distance 0; a cue that is only part of a
//!    longer term (`close` in `closed doors`, `enable` in `cyber-enabled`) does not count.
//! 3. A negation at most `negation_window` tokens before a cue, in the same sentence and with no
//!    other deciding cue between them, flips it: `would not undermine` and `no risk of` read as
//!    opportunity, `will not benefit` and `without safeguards` as risk.
//! 4. Hedges (`could`, `might`, `may`) do not change polarity: `could undermine` is a risk and
//!    `could help` an opportunity. They are recognised so they never count as cues themselves,
//!    and a negation still reaches over them (`not … could undermine`).
//! 5. Cues that follow each other within the window, in one clause, form one judgement, a risk
//!    when either part is one (`erode the progress`, `safeguards are missing`) unless the first
//!    is negated, which then covers the whole (`no risk of fragmentation`). Reducers (`reduce`,
//!    `prevent`, `fix`) are listed as negations, so `reduce the risk` reads as an opportunity.
//! 6. The cue nearest to a matched term wins, counted in kept tokens; a cue across a clause
//!    break (`,` `;` `:` `(` or a dash) counts as [`CLAUSE_PENALTY`] tokens further away. On a tie
//!    the cue after the term wins.
//!
//! This module finds no matches itself (see `matcher`).

use super::taxonomy::CueRole;
use crate::model::Polarity;
use tantivy::tokenizer::Token;

/// Extra distance, in tokens, for a cue on the other side of a clause break.
pub const CLAUSE_PENALTY: usize = 3;

/// Anything with a byte range in the passage text (analyzer tokens, the tagger's own).
pub trait Spanned {
    /// Start and end byte offsets.
    fn span(&self) -> (usize, usize);
}

impl Spanned for Token {
    fn span(&self) -> (usize, usize) {
        (self.offset_from, self.offset_to)
    }
}

/// Sentence and clause number of each token of a range, counted from the range's start
/// (polarity only compares them, so a range that covers every term and cue is enough).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// Index of the first token covered.
    pub base: usize,
    pub sentence: Vec<u32>,
    pub clause: Vec<u32>,
}

impl Layout {
    /// Reads sentence and clause breaks from the text between consecutive tokens.
    pub fn of<T: Spanned>(text: &str, tokens: &[T]) -> Layout {
        let mut l = Layout::default();
        l.fill(text, tokens);
        l
    }

    /// [`Layout::of`] into existing buffers.
    pub fn fill<T: Spanned>(&mut self, text: &str, tokens: &[T]) {
        self.fill_range(text, tokens, 0..tokens.len());
    }

    /// [`Layout::fill`] for the tokens of `range` only.
    pub fn fill_range<T: Spanned>(
        &mut self,
        text: &str,
        tokens: &[T],
        range: std::ops::Range<usize>,
    ) {
        self.sentence.clear();
        self.clause.clear();
        self.base = range.start;
        let tokens = &tokens[range];
        self.sentence.reserve(tokens.len());
        self.clause.reserve(tokens.len());
        let bytes = text.as_bytes();
        let (mut s, mut c) = (0u32, 0u32);
        let mut prev_end: Option<usize> = None;
        for t in tokens {
            let (offset_from, offset_to) = t.span();
            if let Some(pe) = prev_end {
                let from = offset_from.max(pe).min(text.len());
                let gap_start = pe.min(from);
                // Most gaps are a space or a removed stop word: nothing to look at. A gap with
                // a mark in it is read as text (its ends are token ends, so char boundaries).
                if !is_plain(&bytes[gap_start..from]) {
                    if let Some(gap) = text.get(gap_start..from) {
                        if ends_sentence(text, gap_start, gap, t) {
                            s += 1;
                            c += 1;
                        } else if breaks_clause(gap) {
                            c += 1;
                        }
                    }
                }
            }
            self.sentence.push(s);
            self.clause.push(c);
            prev_end = Some(offset_to);
        }
    }
}

/// A gap without any punctuation that could end a sentence or a clause.
impl Layout {
    /// Sentence number of token `i` (within the range filled).
    fn sentence_of(&self, i: usize) -> u32 {
        self.sentence[i - self.base]
    }

    /// Clause number of token `i` (within the range filled).
    fn clause_of(&self, i: usize) -> u32 {
        self.clause[i - self.base]
    }
}

fn is_plain(gap: &[u8]) -> bool {
    !gap.iter().any(|&b| {
        b >= 0x80
            || matches!(
                b,
                b'.' | b'!' | b'?' | b';' | b',' | b':' | b'(' | b')' | b'-' | b'\n'
            )
    })
}

fn ends_sentence<T: Spanned>(text: &str, gap_start: usize, gap: &str, next: &T) -> bool {
    if gap.contains("\n\n") || gap.contains("\n \n") {
        return true;
    }
    // The last sentence mark in the gap, then what follows it.
    let Some(rel) = gap.rfind(['.', '!', '?', '…']) else {
        return false;
    };
    let abs = gap_start + rel;
    let mark = gap[rel..].chars().next().unwrap_or('.');
    let after = &gap[rel + mark.len_utf8()..];
    if !after.starts_with(char::is_whitespace) {
        return false;
    }
    let first = after
        .chars()
        .find(|c| c.is_alphanumeric())
        .or_else(|| text.get(next.span().0..).and_then(|r| r.chars().next()));
    let starts_well = first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    if !starts_well {
        return false;
    }
    if mark == '.' && crate::segment::is_abbreviation(&text[..abs]) {
        // The word just before the full stop is an abbreviation or a single initial.
        return false;
    }
    true
}

fn breaks_clause(gap: &str) -> bool {
    gap.contains([',', ';', ':', '(', ')', '–', '—']) || gap.contains(" - ") || gap.contains("--")
}

/// A cue occurrence that applies to one theme.
#[derive(Debug, Clone, PartialEq)]
pub struct CueHit<'a> {
    pub start: usize,
    pub end: usize,
    pub role: CueRole,
    pub text: &'a str,
}

/// A deciding cue after negation: where it is, its polarity, and which cue hits it spans
/// (`first..=last`, for its label).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Decider {
    start: usize,
    end: usize,
    polarity: Polarity,
    negated: bool,
    first: usize,
    last: usize,
}

/// Turns the non-overlapping cue hits of one theme into deciding cues (negation applied).
fn deciders(cues: &[CueHit<'_>], layout: &Layout, window: usize, out: &mut Vec<Decider>) {
    out.clear();
    for (i, c) in cues.iter().enumerate() {
        let Some(polarity) = c.role.polarity() else {
            continue;
        };
        let sentence = layout.sentence_of(c.start);
        let mut negated = false;
        // Walk back over earlier cues: hedges are skipped, a deciding cue stops the search.
        for p in cues[..i].iter().rev() {
            if c.start - p.end >= window || layout.sentence_of(p.start) != sentence {
                break;
            }
            match p.role {
                CueRole::Negation => {
                    negated = true;
                    break;
                }
                CueRole::Hedge => continue,
                CueRole::Neutral => continue,
                CueRole::Risk | CueRole::Opportunity => break,
            }
        }
        // Two cues close together in one clause form one judgement, a risk when either part is:
        // "erode the progress", "safeguards are missing". ("reduce the risk" is a negation.)
        if !negated {
            if let Some(p) = out.last_mut() {
                if c.start - p.end < window
                    && layout.sentence_of(p.start) == sentence
                    && layout.clause_of(p.end - 1) == layout.clause_of(c.start)
                {
                    p.end = c.end;
                    p.last = i;
                    // A negation in front covers the whole judgement ("no risk of
                    // fragmentation"); otherwise either part being a risk makes it one.
                    if polarity == Polarity::Risk && !p.negated {
                        p.polarity = Polarity::Risk;
                    }
                    continue;
                }
            }
        }
        out.push(Decider {
            start: c.start,
            end: c.end,
            polarity: if negated { polarity.flip() } else { polarity },
            negated,
            first: i,
            last: i,
        });
    }
}

/// How a decider is shown: its cues as in the taxonomy, `not ` in front when negated.
fn label(d: &Decider, cues: &[CueHit<'_>]) -> String {
    let mut out = String::new();
    if d.negated {
        out.push_str("not");
    }
    for c in &cues[d.first..=d.last] {
        if c.role.polarity().is_some() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(c.text);
        }
    }
    out
}

thread_local! {
    static DECIDERS: std::cell::RefCell<Vec<Decider>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Decides the polarity of one theme from its term spans (token index ranges) and its cue hits
/// (sorted, non-overlapping).
pub fn decide(
    terms: &[(usize, usize)],
    cues: &[CueHit<'_>],
    layout: &Layout,
    window: usize,
    default: Polarity,
) -> (Polarity, Option<String>) {
    DECIDERS.with(|buf| {
        let mut found = buf.borrow_mut();
        deciders(cues, layout, window, &mut found);
        match nearest(terms, &found, layout) {
            Some(i) => (found[i].polarity, Some(label(&found[i], cues))),
            None => (default, None),
        }
    })
}

/// The decider nearest to a term in the same sentence (see the module docs).
fn nearest(terms: &[(usize, usize)], deciders: &[Decider], layout: &Layout) -> Option<usize> {
    // (distance, before-term flag so that a cue after the term wins ties, index)
    let mut best: Option<(usize, bool, usize)> = None;
    for &(ts, te) in terms {
        let sentence = layout.sentence_of(ts);
        for (i, d) in deciders.iter().enumerate() {
            if layout.sentence_of(d.start) != sentence {
                continue;
            }
            let (gap, before) = if d.end <= ts {
                (ts - d.end, true)
            } else if d.start >= te {
                (d.start - te, false)
            } else {
                (0, false)
            };
            let (a, b) = if before {
                (d.end - 1, ts)
            } else {
                (te - 1, d.start)
            };
            let penalty = if layout.clause_of(a) != layout.clause_of(b) {
                CLAUSE_PENALTY
            } else {
                0
            };
            let key = (gap + penalty, before, i);
            let better = match best {
                None => true,
                Some(b) => (key.0, key.1) < (b.0, b.1),
            };
            if better {
                best = Some(key);
            }
        }
    }
    best.map(|b| b.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{analyze, analyzer};

    fn layout(s: &str) -> (Vec<String>, Layout) {
        let toks = analyze(&mut analyzer(), s);
        let l = Layout::of(s, &toks);
        (toks.into_iter().map(|t| t.text).collect(), l)
    }

    #[test]
    fn sentences_break_at_full_stops_before_capitals_only() {
        let cases: &[(&str, Vec<u32>)] = &[
            ("Good point. The draft fails.", vec![0, 0, 1, 1]),
            ("We met Dr. Smith today.", vec![0, 0, 0, 0, 0]),
            ("See e.g. the annex.", vec![0, 0, 0, 0]),
            ("We agree here. So do we.", vec![0, 0, 0, 1, 1, 1]),
            ("One?\n\ntwo", vec![0, 1]),
            ("Version 2.0 is out", vec![0, 0, 0, 0]),
            ("Art. 5 says so", vec![0, 0, 0, 0]),
        ];
        for (text, want) in cases {
            let (toks, l) = layout(text);
            assert_eq!(&l.sentence, want, "{text:?} → {toks:?}");
        }
    }

    #[test]
    fn clauses_break_at_commas_and_dashes() {
        let (_, l) = layout("Capacity is welcome, but surveillance – worrying");
        assert_eq!(l.clause, vec![0, 0, 1, 2]);
    }

    fn hit(start: usize, role: CueRole, text: &str) -> CueHit<'_> {
        CueHit {
            start,
            end: start + 1,
            role,
            text,
        }
    }

    #[test]
    fn negation_flips_and_nearest_cue_wins() {
        // tokens: would not undermin human right (5 tokens, one sentence)
        let (_, l) = layout("would not undermine human rights");
        let cues = [
            hit(1, CueRole::Negation, "not"),
            hit(2, CueRole::Risk, "undermine"),
        ];
        assert_eq!(
            decide(&[(3, 5)], &cues, &l, 3, Polarity::Risk),
            (Polarity::Opportunity, Some("not undermine".into()))
        );
        // without a negation the risk cue decides
        assert_eq!(
            decide(&[(3, 5)], &cues[1..], &l, 3, Polarity::Opportunity),
            (Polarity::Risk, Some("undermine".into()))
        );
        // no cue: default
        assert_eq!(
            decide(&[(3, 5)], &[], &l, 3, Polarity::Opportunity),
            (Polarity::Opportunity, None)
        );
    }

    #[test]
    fn negation_outside_the_window_or_sentence_does_not_flip() {
        // "No." would be read as the abbreviation of "number", so end on "so".
        let (toks, l) = layout("Not so. Then a b c threat to privacy");
        assert_eq!(toks, vec!["not", "so", "b", "c", "threat", "privaci"]);
        let cues = [
            hit(0, CueRole::Negation, "not"),
            hit(4, CueRole::Risk, "threat"),
        ];
        assert_eq!(
            decide(&[(5, 6)], &cues, &l, 10, Polarity::Opportunity),
            (Polarity::Risk, Some("threat".into()))
        );
    }

    #[test]
    fn hedges_are_skipped_between_negation_and_cue() {
        let (_, l) = layout("not could undermine privacy");
        let cues = [
            hit(0, CueRole::Negation, "not"),
            hit(1, CueRole::Hedge, "could"),
            hit(2, CueRole::Risk, "undermine"),
        ];
        assert_eq!(
            decide(&[(3, 4)], &cues, &l, 3, Polarity::Risk).0,
            Polarity::Opportunity
        );
    }

    #[test]
    fn cue_in_another_sentence_is_ignored() {
        let (_, l) = layout("Privacy matters. A big threat remains");
        let cues = [hit(3, CueRole::Risk, "threat")];
        assert_eq!(
            decide(&[(0, 1)], &cues, &l, 3, Polarity::Opportunity),
            (Polarity::Opportunity, None)
        );
    }

    #[test]
    fn clause_break_makes_a_cue_further_away() {
        // capac build welcom new surveil power worri
        let (toks, l) = layout("capacity building welcome, new surveillance powers worry");
        assert_eq!(toks.len(), 7);
        let cues = [
            hit(2, CueRole::Opportunity, "welcome"),
            hit(6, CueRole::Risk, "worry"),
        ];
        assert_eq!(
            decide(&[(4, 5)], &cues, &l, 3, Polarity::Opportunity).0,
            Polarity::Risk
        );
        assert_eq!(
            decide(&[(0, 2)], &cues, &l, 3, Polarity::Risk).0,
            Polarity::Opportunity
        );
    }
}
