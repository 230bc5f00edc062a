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

use super::theme::CueRole;
use crate::model::{CompactString, Polarity};
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

/// Where sentences and clauses break in a passage: the indices of the tokens that begin a new
/// sentence or clause (polarity only compares the sentence and clause numbers of tokens, so
/// the breaks between the first and last token it asks about are enough).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    /// Tokens that begin a sentence (the first token excepted), ascending.
    pub sentence_breaks: Vec<u32>,
    /// Tokens that begin a clause (every sentence break is one too), ascending.
    pub clause_breaks: Vec<u32>,
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
        let mut marked = Vec::new();
        mark_gaps(text, tokens, &mut marked);
        self.fill_marked(text, tokens, &marked, 0..tokens.len());
    }

    /// Reads the breaks between the tokens of `range` only, visiting only the tokens in
    /// `marked` (from [`mark_gaps`], or noted as the passage was split): those with something
    /// other than spaces and letters in the gap before them.
    pub fn fill_marked<T: Spanned>(
        &mut self,
        text: &str,
        tokens: &[T],
        marked: &[u32],
        range: std::ops::Range<usize>,
    ) {
        self.sentence_breaks.clear();
        self.clause_breaks.clear();
        for &i in marked {
            let i = i as usize;
            if i <= range.start {
                continue;
            }
            if i >= range.end {
                break;
            }
            let t = &tokens[i];
            let pe = tokens[i - 1].span().1;
            let from = t.span().0.max(pe).min(text.len());
            let gap_start = pe.min(from);
            match gap_break(text, gap_start, from, t) {
                Break::Sentence => {
                    self.sentence_breaks.push(i as u32);
                    self.clause_breaks.push(i as u32);
                }
                Break::Clause => self.clause_breaks.push(i as u32),
                Break::None => {}
            }
        }
    }

    /// Sentence number of token `i` (counted from the first break read).
    fn sentence_of(&self, i: usize) -> usize {
        self.sentence_breaks.partition_point(|&b| b as usize <= i)
    }

    /// Clause number of token `i` (counted from the first break read).
    fn clause_of(&self, i: usize) -> usize {
        self.clause_breaks.partition_point(|&b| b as usize <= i)
    }
}

/// What the gap before a token breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    None,
    Clause,
    Sentence,
}

/// What the gap `text[gap_start..from]` before the token `next` breaks. The usual short gaps,
/// a comma or a full stop and one space (before an ASCII character), are read without
/// decoding anything; the others as [`gap_break_any`] reads them (the same answer, see the
/// tests).
fn gap_break<T: Spanned>(text: &str, gap_start: usize, from: usize, next: &T) -> Break {
    let bytes = text.as_bytes();
    match bytes.get(gap_start..from) {
        Some([b',' | b';' | b':', b' ']) => Break::Clause,
        Some([mark @ (b'.' | b'!' | b'?'), b' ']) => {
            let first = match bytes.get(next.span().0) {
                Some(&b) if b < 0x80 => b,
                _ => return gap_break_any(text, gap_start, from, next),
            };
            let starts_well = first.is_ascii_uppercase() || first.is_ascii_digit();
            // A full stop after an abbreviation or an initial ends no sentence.
            if starts_well
                && !(*mark == b'.' && crate::segment::is_abbreviation(&text[..gap_start]))
            {
                Break::Sentence
            } else {
                Break::None
            }
        }
        _ => gap_break_any(text, gap_start, from, next),
    }
}

/// [`gap_break`] for any gap.
fn gap_break_any<T: Spanned>(text: &str, gap_start: usize, from: usize, next: &T) -> Break {
    let Some(gap) = text.get(gap_start..from) else {
        return Break::None;
    };
    if may_end_sentence(gap.as_bytes()) && ends_sentence(text, gap_start, gap, next) {
        Break::Sentence
    } else if breaks_clause(gap) {
        Break::Clause
    } else {
        Break::None
    }
}

/// The tokens (indices into `tokens`) with something in the gap before them that may break a
/// sentence or a clause, into `out`: the only ones [`Layout::fill_marked`] needs to read.
pub fn mark_gaps<T: Spanned>(text: &str, tokens: &[T], out: &mut Vec<u32>) {
    out.clear();
    let bytes = text.as_bytes();
    for (i, w) in tokens.windows(2).enumerate() {
        let pe = w[0].span().1;
        let from = w[1].span().0.max(pe).min(text.len());
        if !is_plain(&bytes[pe.min(from)..from]) {
            out.push(i as u32 + 1);
        }
    }
}

/// Whether a gap holds anything [`ends_sentence`] looks for: a sentence mark, a newline or a
/// non-ASCII character (`…`). Most gaps with punctuation hold only a comma.
fn may_end_sentence(gap: &[u8]) -> bool {
    gap.iter()
        .any(|&b| b >= 0x80 || matches!(b, b'.' | b'!' | b'?' | b'\n'))
}

/// A gap without any punctuation that could end a sentence or a clause.
pub(crate) fn is_plain(gap: &[u8]) -> bool {
    !gap.iter().any(|&b| {
        b >= 0x80
            || matches!(
                b,
                b'.' | b'!' | b'?' | b';' | b',' | b':' | b'(' | b')' | b'-' | b'\n'
            )
    })
}

/// Whether a gap holds a blank line: `\n\n` or `\n \n`.
fn has_blank_line(gap: &[u8]) -> bool {
    gap.contains(&b'\n')
        && (gap.windows(2).any(|w| w == b"\n\n") || gap.windows(3).any(|w| w == b"\n \n"))
}

/// The last `.` `!` `?` or `…` in a gap: its byte offset and the mark.
fn last_sentence_mark(g: &[u8]) -> Option<(usize, char)> {
    // `…` is E2 80 A6; a continuation byte such as A6 never starts a character.
    (0..g.len()).rev().find_map(|i| match g[i] {
        b'.' => Some((i, '.')),
        b'!' => Some((i, '!')),
        b'?' => Some((i, '?')),
        0xA6 if i >= 2 && g[i - 2] == 0xE2 && g[i - 1] == 0x80 => Some((i - 2, '…')),
        _ => None,
    })
}

fn ends_sentence<T: Spanned>(text: &str, gap_start: usize, gap: &str, next: &T) -> bool {
    if has_blank_line(gap.as_bytes()) {
        return true;
    }
    // The last sentence mark in the gap, then what follows it.
    let Some((rel, mark)) = last_sentence_mark(gap.as_bytes()) else {
        return false;
    };
    let abs = gap_start + rel;
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

/// Whether a gap breaks a clause: `,` `;` `:` `(` `)` `–` `—`, ` - ` or `--` in it.
fn breaks_clause(gap: &str) -> bool {
    let g = gap.as_bytes();
    for (i, &b) in g.iter().enumerate() {
        match b {
            b',' | b';' | b':' | b'(' | b')' => return true,
            // en and em dash: E2 80 93 and E2 80 94
            0xE2 if g.get(i + 1) == Some(&0x80) && matches!(g.get(i + 2), Some(0x93 | 0x94)) => {
                return true
            }
            b'-' if g.get(i + 1) == Some(&b'-')
                || (i > 0 && g[i - 1] == b' ' && g.get(i + 1) == Some(&b' ')) =>
            {
                return true
            }
            _ => {}
        }
    }
    false
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
    /// Sentence number of `start`.
    sentence: usize,
    polarity: Polarity,
    negated: bool,
    first: usize,
    last: usize,
}

/// Turns the non-overlapping cue hits of one theme into deciding cues (negation applied).
fn deciders(
    cues: &[CueHit<'_>],
    layout: &Layout,
    window: usize,
    sentences: &mut Vec<usize>,
    out: &mut Vec<Decider>,
) {
    out.clear();
    // The sentence of each cue, read once (cues are by start, so one pass over the breaks).
    sentences.clear();
    let mut k = 0;
    for c in cues {
        while layout
            .sentence_breaks
            .get(k)
            .is_some_and(|&b| b as usize <= c.start)
        {
            k += 1;
        }
        sentences.push(k);
    }
    for (i, c) in cues.iter().enumerate() {
        let Some(polarity) = c.role.polarity() else {
            continue;
        };
        let sentence = sentences[i];
        let mut negated = false;
        // Walk back over earlier cues: hedges are skipped, a deciding cue stops the search.
        for (j, p) in cues[..i].iter().enumerate().rev() {
            if c.start - p.end >= window || sentences[j] != sentence {
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
                    && p.sentence == sentence
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
            sentence,
            polarity: if negated { polarity.flip() } else { polarity },
            negated,
            first: i,
            last: i,
        });
    }
}

/// How a decider is shown: its cues as in the taxonomy, `not ` in front when negated.
fn label(d: &Decider, cues: &[CueHit<'_>]) -> CompactString {
    let mut out = CompactString::default();
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

/// The deciding cues read from one list of cue hits (negation applied, neighbours joined):
/// read once, they decide for every theme whose cue hits are that list.
#[derive(Debug, Default)]
pub(crate) struct Decisions {
    found: Vec<Decider>,
    /// Sentence number of each cue hit.
    sentences: Vec<usize>,
}

impl Decisions {
    /// Reads the deciding cues of `cues` (sorted, non-overlapping).
    pub(crate) fn read(&mut self, cues: &[CueHit<'_>], layout: &Layout, window: usize) {
        deciders(cues, layout, window, &mut self.sentences, &mut self.found);
    }

    /// How many deciding cues mark a risk and an opportunity, and the polarity of the last
    /// one: the passage's cues, whatever theme they are near.
    pub(crate) fn tally(&self) -> (usize, usize, Option<Polarity>) {
        let risk = self
            .found
            .iter()
            .filter(|d| d.polarity == Polarity::Risk)
            .count();
        let last = self
            .found
            .iter()
            .max_by_key(|d| d.start)
            .map(|d| d.polarity);
        (risk, self.found.len() - risk, last)
    }

    /// The polarity of a theme with these term spans, and the cue that decided it (`cues` must
    /// be the list these decisions were read from).
    pub(crate) fn choose(
        &self,
        terms: &[(usize, usize)],
        cues: &[CueHit<'_>],
        layout: &Layout,
        default: Polarity,
    ) -> (Polarity, Option<CompactString>) {
        match nearest(terms, &self.found, layout) {
            Some(i) => (self.found[i].polarity, Some(label(&self.found[i], cues))),
            None => (default, None),
        }
    }
}

/// Decides the polarity of one theme from its term spans (token index ranges) and its cue hits
/// (sorted, non-overlapping).
pub fn decide(
    terms: &[(usize, usize)],
    cues: &[CueHit<'_>],
    layout: &Layout,
    window: usize,
    default: Polarity,
) -> (Polarity, Option<CompactString>) {
    let mut d = Decisions::default();
    d.read(cues, layout, window);
    d.choose(terms, cues, layout, default)
}

/// The decider nearest to a term in the same sentence (see the module docs).
fn nearest(terms: &[(usize, usize)], deciders: &[Decider], layout: &Layout) -> Option<usize> {
    // (distance, before-term flag so that a cue after the term wins ties, index)
    let mut best: Option<(usize, bool, usize)> = None;
    for &(ts, te) in terms {
        let sentence = layout.sentence_of(ts);
        for (i, d) in deciders.iter().enumerate() {
            if d.sentence != sentence {
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

    proptest::proptest! {
        /// The fast reading of the usual gaps gives what the general one gives.
        #[test]
        fn gap_break_reads_gaps_as_the_general_reader_does(
            before in "[a-zA-Z.]{0,6}",
            gap in "[ ,;:.!?\n\t()-]{1,3}|[.!?,;:] |[.,]? ?(the|a|The) ?",
            after in "[a-zA-Z0-9ÉéŞ\u{2026}]{1,4}",
        ) {
            let text = format!("{before}{gap}{after}");
            let (gap_start, from) = (before.len(), before.len() + gap.len());
            let next = Token { offset_from: from, offset_to: text.len(), ..Token::default() };
            proptest::prop_assert_eq!(
                gap_break(&text, gap_start, from, &next),
                gap_break_any(&text, gap_start, from, &next)
            );
        }
    }

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
            let got: Vec<u32> = (0..toks.len()).map(|i| l.sentence_of(i) as u32).collect();
            assert_eq!(&got, want, "{text:?} → {toks:?}");
        }
    }

    #[test]
    fn clauses_break_at_commas_and_dashes() {
        let (_, l) = layout("Capacity is welcome, but surveillance – worrying");
        let got: Vec<usize> = (0..4).map(|i| l.clause_of(i)).collect();
        assert_eq!(got, vec![0, 0, 1, 2]);
        assert_eq!(l.clause_breaks, vec![2, 3]);
        assert!(l.sentence_breaks.is_empty());
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
