//! Analyses handed from the pipeline to the index writer's tokenizer.
//!
//! Input: [`Analysis`]es deposited by [`super::Writer::add_analyzed`] just before the document
//! goes to tantivy. Output: the tokenizer registered on the writer's index returns a deposited
//! analysis when it is asked to analyze the same text, and runs [`crate::text::analyzer`]
//! otherwise (other fields, or a passage added without one). tantivy's own pre-tokenized values
//! are not used because a `TantivyDocument` keeps them as JSON, encoded on add and decoded again
//! by the indexer, which costs more than the analysis it saves.
//!
//! Short texts that are not deposited (a session's title, a speaker's name: the same on every
//! passage) are analyzed once and kept, a few dozen per indexing thread, when the writer asks
//! for it ([`Handoff::reuse_short`]; the bench's tantivy-only baseline does not).
//!
//! An analysis is found by the text itself (a hash, then the whole text compared), so a deposit
//! is only ever used for a text it was made from; tokens depend on nothing but the text, so it
//! does not matter which of two equal texts takes it. What is deposited and never asked for (a
//! writer dropped before commit) goes away with the writer.

use crate::text::Analysis;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tantivy::tokenizer::{BoxTokenStream, TextAnalyzer, Token, TokenStream, Tokenizer};

/// Deposited analyses, by text.
#[derive(Default)]
pub(crate) struct Handoff {
    /// Number of deposits not yet taken, so the tokenizer skips hashing when there are none.
    pending: AtomicUsize,
    map: Mutex<HashMap<u64, Entry>>,
    /// Whether the tokenizers keep the analyses of recent short texts (see the module docs).
    reuse: AtomicBool,
}

/// Texts up to this many bytes are kept by the tokenizers when reuse is on.
const SHORT: usize = 512;
/// Short texts kept per tokenizer (one per indexing thread and field).
const RECENT: usize = 32;

/// One deposited analysis and how many documents with its text are waiting for it.
struct Entry {
    analysis: Analysis,
    waiting: usize,
}

fn key(text: &str) -> u64 {
    crate::hash::fast_hash(0x5eed_1e55, &[text.as_bytes()])
}

impl Handoff {
    /// Deposits the analysis of a text about to be indexed.
    pub(crate) fn deposit(&self, analysis: Analysis) {
        let k = key(analysis.text());
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        match map.get_mut(&k) {
            Some(e) if e.analysis.text() == analysis.text() => e.waiting += 1,
            // Another text with the same hash: that one is analyzed as usual.
            Some(_) => return,
            None => {
                map.insert(
                    k,
                    Entry {
                        analysis,
                        waiting: 1,
                    },
                );
            }
        }
        self.pending.fetch_add(1, Ordering::Release);
    }

    /// Takes the analysis deposited for `text`, if there is one.
    fn take(&self, text: &str) -> Option<Analysis> {
        if self.pending.load(Ordering::Acquire) == 0 {
            return None;
        }
        let k = key(text);
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        let e = map.get_mut(&k)?;
        if e.analysis.text() != text {
            return None;
        }
        self.pending.fetch_sub(1, Ordering::Release);
        if e.waiting > 1 {
            e.waiting -= 1;
            Some(e.analysis.clone())
        } else {
            map.remove(&k).map(|e| e.analysis)
        }
    }

    /// Makes the tokenizers keep the analyses of recent short texts (titles, names).
    pub(crate) fn reuse_short(&self) {
        self.reuse.store(true, Ordering::Relaxed);
    }

    /// Deposits not yet taken.
    #[cfg(test)]
    pub(crate) fn pending(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }
}

/// The analyzer registered on a writer's index: a deposited analysis when there is one for the
/// text, else [`crate::text::analyzer`].
pub(crate) fn analyzer(handoff: Arc<Handoff>) -> TextAnalyzer {
    TextAnalyzer::from(HandoffTokenizer {
        handoff,
        plain: crate::text::analyzer(),
        recent: Vec::new(),
        next: 0,
    })
}

struct HandoffTokenizer {
    handoff: Arc<Handoff>,
    plain: TextAnalyzer,
    /// Analyses of recent short texts, by hash (see [`Handoff::reuse_short`]).
    recent: Vec<(u64, Analysis)>,
    /// The slot of `recent` to replace next, once it is full.
    next: usize,
}

impl Clone for HandoffTokenizer {
    /// A clone starts with no short texts kept.
    fn clone(&self) -> Self {
        HandoffTokenizer {
            handoff: Arc::clone(&self.handoff),
            plain: self.plain.clone(),
            recent: Vec::new(),
            next: 0,
        }
    }
}

impl HandoffTokenizer {
    /// The slot of `recent` holding the analysis of `text`, analyzing and keeping it when it is
    /// not there. `None` when it cannot be kept (a token text too long for an analysis).
    fn recent_slot(&mut self, text: &str) -> Option<usize> {
        let k = key(text);
        if let Some(i) = self
            .recent
            .iter()
            .position(|(h, a)| *h == k && a.text() == text)
        {
            return Some(i);
        }
        let mut analysis = Analysis::start(text)?;
        let mut stream = self.plain.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            if !analysis.try_push(t.offset_from, t.offset_to, t.position, &t.text) {
                return None;
            }
        }
        if self.recent.len() < RECENT {
            self.recent.push((k, analysis));
            Some(self.recent.len() - 1)
        } else {
            let i = self.next;
            self.recent[i] = (k, analysis);
            self.next = (i + 1) % RECENT;
            Some(i)
        }
    }
}

enum HandoffStream<'a> {
    Deposited(crate::text::AnalysisStream),
    Recent(crate::text::AnalysisStream<&'a Analysis>),
    Plain(BoxTokenStream<'a>),
}

impl Tokenizer for HandoffTokenizer {
    type TokenStream<'a> = HandoffStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> HandoffStream<'a> {
        if let Some(a) = self.handoff.take(text) {
            return HandoffStream::Deposited(a.into_stream());
        }
        if text.len() <= SHORT && self.handoff.reuse.load(Ordering::Relaxed) {
            if let Some(i) = self.recent_slot(text) {
                return HandoffStream::Recent(self.recent[i].1.stream());
            }
        }
        HandoffStream::Plain(self.plain.token_stream(text))
    }
}

impl TokenStream for HandoffStream<'_> {
    fn advance(&mut self) -> bool {
        match self {
            HandoffStream::Deposited(s) => s.advance(),
            HandoffStream::Recent(s) => s.advance(),
            HandoffStream::Plain(s) => s.advance(),
        }
    }

    fn token(&self) -> &Token {
        match self {
            HandoffStream::Deposited(s) => s.token(),
            HandoffStream::Recent(s) => s.token(),
            HandoffStream::Plain(s) => s.token(),
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        match self {
            HandoffStream::Deposited(s) => s.token_mut(),
            HandoffStream::Recent(s) => s.token_mut(),
            HandoffStream::Plain(s) => s.token_mut(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    fn analysis_of(text: &str) -> Analysis {
        let mut a = Analysis::start(text).unwrap();
        for t in analyze(&mut crate::text::analyzer(), text) {
            a.push(t.offset_from, t.offset_to, t.position, &t.text);
        }
        a
    }

    fn tokens(an: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        analyze(an, text)
    }

    #[test]
    fn a_deposit_is_used_once_per_document_and_only_for_its_text() {
        let h = Arc::new(Handoff::default());
        let mut an = analyzer(h.clone());
        let text = "The draft would not criminalise security researchers.";
        let plain = tokens(&mut crate::text::analyzer(), text);
        // A deposit whose tokens differ from the analyzer's shows which path answered.
        let mut marked = Analysis::start(text).unwrap();
        marked.push(0, 3, 0, "marked");
        h.deposit(marked.clone());
        h.deposit(marked);
        assert_eq!(h.pending(), 2);
        assert_eq!(
            tokens(&mut an, "Another text entirely."),
            tokens(&mut crate::text::analyzer(), "Another text entirely.")
        );
        for _ in 0..2 {
            let got = tokens(&mut an, text);
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].text, "marked");
        }
        assert_eq!(h.pending(), 0);
        assert_eq!(tokens(&mut an, text), plain);
    }

    #[test]
    fn kept_short_texts_give_the_analyzer_tokens_and_only_when_asked() {
        let texts: Vec<String> = (0..RECENT + 5)
            .map(|i| format!("IGF 2023 WS #{i} Risks and opportunities of a new UN treaty"))
            .chain([
                "Wiśniewski".to_string(),
                "\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}\u{FDFA}".into(),
                String::new(),
            ])
            .collect();
        for reuse in [false, true] {
            let h = Arc::new(Handoff::default());
            if reuse {
                h.reuse_short();
            }
            let mut an = analyzer(h.clone());
            // Twice over more texts than are kept: first seen, kept, replaced, seen again.
            for _ in 0..2 {
                for t in texts.iter().chain(texts.iter().rev()) {
                    assert_eq!(tokens(&mut an, t), tokens(&mut crate::text::analyzer(), t));
                }
            }
            // What is kept: nothing without reuse; with it, the last texts seen, the one whose
            // token is too long for an analysis excepted.
            let mut tokenizer = HandoffTokenizer {
                handoff: h.clone(),
                plain: crate::text::analyzer(),
                recent: Vec::new(),
                next: 0,
            };
            for t in &texts {
                let mut s = tokenizer.token_stream(t);
                while s.advance() {}
            }
            let kept: Vec<&str> = tokenizer.recent.iter().map(|(_, a)| a.text()).collect();
            if reuse {
                assert_eq!(kept.len(), RECENT);
                assert!(kept.contains(&"Wiśniewski") && kept.contains(&""));
                assert!(!kept.iter().any(|t| t.contains('\u{FDFA}')));
            } else {
                assert!(kept.is_empty());
            }
        }
    }

    #[test]
    fn a_real_analysis_gives_the_analyzer_tokens() {
        let h = Arc::new(Handoff::default());
        let mut an = analyzer(h.clone());
        let text =
            "Wiśniewski said the co\u{2011}moderators' cyber\u{AD}crime offences are not defined.";
        h.deposit(analysis_of(text));
        assert_eq!(
            tokens(&mut an, text),
            tokens(&mut crate::text::analyzer(), text)
        );
        assert_eq!(h.pending(), 0);
    }
}
