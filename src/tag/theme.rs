//! The parts of a taxonomy: themes, their terms and context terms, and polarity cues, each
//! already run through [`crate::text::analyzer`] (its tokens) and remembering its line in the
//! file.
//!
//! Input: built by the taxonomy loader. Output: read by the matcher (which compiles the token
//! sequences), by polarity (the cue roles) and by the tagger. This module validates nothing and
//! reads no file.

use crate::model::Polarity;

/// What a cue phrase does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CueRole {
    /// Marks a risk.
    Risk,
    /// Marks an opportunity.
    Opportunity,
    /// Flips a risk or opportunity cue that follows within the negation window.
    Negation,
    /// Softens a cue that follows (`could`, `might`); never changes polarity.
    Hedge,
    /// Looks like a cue but is not one (`not only`, `threat intelligence`): consumes its tokens.
    Neutral,
}

impl CueRole {
    /// The key used in the taxonomy file.
    pub fn as_str(self) -> &'static str {
        match self {
            CueRole::Risk => "risk",
            CueRole::Opportunity => "opportunity",
            CueRole::Negation => "negation",
            CueRole::Hedge => "hedge",
            CueRole::Neutral => "neutral",
        }
    }

    /// The polarity a risk or opportunity cue marks (`None` for the other roles).
    pub fn polarity(self) -> Option<Polarity> {
        match self {
            CueRole::Risk => Some(Polarity::Risk),
            CueRole::Opportunity => Some(Polarity::Opportunity),
            _ => None,
        }
    }
}

/// A phrase of the taxonomy (term or cue): as written, its tokens, and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub(crate) text: String,
    pub(crate) tokens: Vec<String>,
    pub(crate) line: usize,
}

impl Phrase {
    /// The phrase as written in the taxonomy file.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// The analyzed tokens (lower-cased, folded, stemmed, stop words removed).
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }
    /// 1-based line in the taxonomy file.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// A theme term (or context term) with its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub(crate) phrase: Phrase,
    pub(crate) weight: f32,
}

impl Term {
    /// What one match adds to the theme's score (default 1.0).
    pub fn weight(&self) -> f32 {
        self.weight
    }
}

/// A cue phrase with its role.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub(crate) phrase: Phrase,
    pub(crate) role: CueRole,
}

impl Cue {
    /// What it does.
    pub fn role(&self) -> CueRole {
        self.role
    }
}

/// The [`Phrase`] accessors of a term or a cue.
macro_rules! phrase_accessors {
    ($($t:ty),*) => {$(
        impl $t {
            /// As written in the taxonomy file.
            pub fn text(&self) -> &str {
                self.phrase.text()
            }
            /// Its analyzed tokens.
            pub fn tokens(&self) -> &[String] {
                self.phrase.tokens()
            }
            /// 1-based line in the taxonomy file.
            pub fn line(&self) -> usize {
                self.phrase.line()
            }
        }
    )*};
}

phrase_accessors!(Term, Cue);

/// One theme: id, label, default polarity, threshold, terms and its own cues.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) description: String,
    pub(crate) polarity: Polarity,
    pub(crate) threshold: f32,
    pub(crate) terms: Vec<Term>,
    pub(crate) context: Vec<Term>,
    pub(crate) cues: Vec<Cue>,
    pub(crate) line: usize,
}

impl Theme {
    /// The fixed id (`security-research`).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Human-readable label.
    pub fn label(&self) -> &str {
        &self.label
    }
    /// Free-text description (may be empty).
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The polarity used when no cue in the sentence decides.
    pub fn default_polarity(&self) -> Polarity {
        self.polarity
    }
    /// Score a passage must reach to carry the theme (default 1.0).
    pub fn threshold(&self) -> f32 {
        self.threshold
    }
    /// The theme's terms, in file order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }
    /// Context terms of this theme only: they add their weight when at least one of the
    /// theme's terms matched, and never tag the theme on their own.
    pub fn context(&self) -> &[Term] {
        &self.context
    }
    /// Cues that apply to this theme only (they take precedence over global cues).
    pub fn cues(&self) -> &[Cue] {
        &self.cues
    }
    /// 1-based line of the theme's `id`.
    pub fn line(&self) -> usize {
        self.line
    }
}
