//! The theme taxonomy: reading `themes.toml`, validating it, and its content version.
//!
//! Input: the text of a taxonomy file (and its path, for error messages). Output: a
//! [`Taxonomy`] whose themes, terms and cues have already been run through
//! [`crate::text::analyzer`], so the matcher compares token sequences only. Every validation
//! error names the file and the line. This module does not match anything (see `matcher`) and
//! decides no polarity (see `polarity`).

use super::matcher::Compiled;
use super::theme::{Cue, CueRole, Phrase, Term, Theme};
use crate::error::{Error, Result};
use crate::model::Polarity;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The taxonomy shipped in `data/themes.toml`, embedded in the binary.
pub const EMBEDDED_THEMES: &str = include_str!("../../data/themes.toml");

/// Default number of tokens before a cue searched for a negation or a hedge.
pub const DEFAULT_NEGATION_WINDOW: usize = 3;
/// Largest allowed `negation_window`.
pub const MAX_NEGATION_WINDOW: usize = 10;

/// Default weight of a context term (`[context] weight`).
pub const DEFAULT_CONTEXT_WEIGHT: f32 = 0.5;

/// A validated theme taxonomy. Cheap to clone (the compiled matcher is shared).
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub(crate) version: String,
    pub(crate) path: PathBuf,
    pub(crate) themes: Vec<Theme>,
    pub(crate) cues: Vec<Cue>,
    pub(crate) context: Vec<Term>,
    pub(crate) negation_window: usize,
    pub(crate) compiled: std::sync::Arc<Compiled>,
}

impl Taxonomy {
    /// Loads and validates a taxonomy file.
    pub fn load(path: &Path) -> Result<Taxonomy> {
        let text = Error::read_utf8(path)?;
        Taxonomy::parse(&text, path)
    }

    /// Parses and validates taxonomy text; `path` names it in errors. Returns the first
    /// problem (by line); [`Taxonomy::check`] returns all of them.
    pub fn parse(text: &str, path: &Path) -> Result<Taxonomy> {
        Taxonomy::check(text, path).map_err(|mut errs| errs.remove(0))
    }

    /// Parses and validates taxonomy text, returning every problem found (sorted by line) when
    /// it is not valid. A TOML syntax or shape error stops the check at that error.
    pub fn check(text: &str, path: &Path) -> std::result::Result<Taxonomy, Vec<Error>> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            vec![match e.span() {
                Some(span) => Error::InputLine {
                    path: path.to_path_buf(),
                    line: line_of(text, span.start),
                    message,
                },
                None => Error::InputFile {
                    path: path.to_path_buf(),
                    message,
                },
            }]
        })?;
        let mut v = Validator {
            text,
            problems: Vec::new(),
        };
        let tax = v.build(raw, text, path);
        if !v.problems.is_empty() {
            v.problems.sort_by_key(|(line, _)| *line);
            return Err(v
                .problems
                .into_iter()
                .map(|(line, message)| {
                    if line == 0 {
                        Error::InputFile {
                            path: path.to_path_buf(),
                            message,
                        }
                    } else {
                        Error::InputLine {
                            path: path.to_path_buf(),
                            line,
                            message,
                        }
                    }
                })
                .collect());
        }
        tax.ok_or_else(|| {
            vec![Error::InputFile {
                path: path.to_path_buf(),
                message: "taxonomy could not be built".into(),
            }]
        })
    }

    /// The embedded default taxonomy (`data/themes.toml`).
    pub fn embedded() -> Taxonomy {
        // The embedded file is checked by a unit test, so this cannot fail in a released binary.
        Taxonomy::parse(EMBEDDED_THEMES, Path::new("data/themes.toml"))
            .unwrap_or_else(|e| panic!("the embedded taxonomy is invalid: {e}"))
    }

    /// Content hash identifying this taxonomy: the first 12 hex digits of the SHA-256 of the
    /// file text (line endings normalised), so any edit, even to a comment, changes it.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Where the taxonomy came from (`data/themes.toml` for the embedded one).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Theme ids in file order.
    pub fn theme_ids(&self) -> Vec<&str> {
        self.themes.iter().map(|t| t.id.as_str()).collect()
    }

    /// All themes in file order.
    pub fn themes(&self) -> &[Theme] {
        &self.themes
    }

    /// The theme with this id.
    pub fn theme(&self, id: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.id == id)
    }

    /// The label of a theme (`None` for an unknown id).
    pub fn label(&self, id: &str) -> Option<&str> {
        self.theme(id).map(Theme::label)
    }

    /// The default polarity of a theme (`None` for an unknown id).
    pub fn default_polarity(&self, id: &str) -> Option<Polarity> {
        self.theme(id).map(Theme::default_polarity)
    }

    /// The global cues (`[cues]`), in file order.
    pub fn cues(&self) -> &[Cue] {
        &self.cues
    }

    /// The global context terms (`[context]`): they count for every theme, but only once
    /// one of its own terms matched.
    pub fn context(&self) -> &[Term] {
        &self.context
    }

    /// Number of distinct analyzed tokens used by terms, context terms and cues (what the
    /// matcher interns; up to 254 it encodes each passage token as one byte).
    pub fn vocabulary_len(&self) -> usize {
        self.compiled.vocabulary_len()
    }

    /// Tokens before a cue searched for a negation or a hedge.
    pub fn negation_window(&self) -> usize {
        self.negation_window
    }
}

/// The 1-based line holding byte `offset`.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The version hash of taxonomy text (see [`Taxonomy::version`]).
pub fn version_of(text: &str) -> String {
    crate::hash::short_hex(text.replace("\r\n", "\n").as_bytes(), 6)
}

// ---- the file as serde sees it ----

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawFile {
    cues: RawCues,
    context: RawContext,
    theme: Vec<Spanned<RawTheme>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawCues {
    risk: Vec<Spanned<String>>,
    opportunity: Vec<Spanned<String>>,
    negation: Vec<Spanned<String>>,
    hedge: Vec<Spanned<String>>,
    neutral: Vec<Spanned<String>>,
    negation_window: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawContext {
    weight: Option<Spanned<f64>>,
    terms: Vec<Spanned<RawTerm>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawThemeCues {
    risk: Vec<Spanned<String>>,
    opportunity: Vec<Spanned<String>>,
    neutral: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTheme {
    id: Spanned<String>,
    label: Spanned<String>,
    #[serde(default)]
    description: String,
    polarity: Spanned<String>,
    threshold: Option<Spanned<f64>>,
    terms: Spanned<Vec<Spanned<RawTerm>>>,
    #[serde(default)]
    context: Vec<Spanned<RawTerm>>,
    #[serde(default)]
    cues: RawThemeCues,
}

/// A term: a plain string, or `{ term = "…", weight = 0.5 }`.
#[derive(Debug)]
struct RawTerm {
    text: String,
    weight: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightedTerm {
    term: String,
    weight: f64,
}

impl<'de> Deserialize<'de> for RawTerm {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<RawTerm, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawTerm;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a term: a string, or an inline table { term = \"…\", weight = 0.5 }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<RawTerm, E> {
                Ok(RawTerm {
                    text: s.to_string(),
                    weight: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<RawTerm, A::Error> {
                let w = WeightedTerm::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawTerm {
                    text: w.term,
                    weight: Some(w.weight),
                })
            }
        }
        d.deserialize_any(V)
    }
}

// ---- validation ----

struct Validator<'a> {
    text: &'a str,
    problems: Vec<(usize, String)>,
}

impl Validator<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        line_of(self.text, span.start)
    }

    fn problem(&mut self, line: usize, message: String) {
        self.problems.push((line, message));
    }

    /// Analyzes a phrase; records a problem when nothing is left.
    fn phrase(
        &mut self,
        analyzer: &mut tantivy::tokenizer::TextAnalyzer,
        text: &str,
        line: usize,
        what: &str,
    ) -> Option<Phrase> {
        let tokens: Vec<String> = crate::text::analyze(analyzer, text)
            .into_iter()
            .map(|t| t.text)
            .collect();
        if tokens.is_empty() {
            self.problem(
                line,
                format!(
                    "{what} {text:?} analyzes to no token (only stop words or punctuation): \
                     remove it or add a content word"
                ),
            );
            return None;
        }
        Some(Phrase {
            text: text.trim().to_string(),
            tokens,
            line,
        })
    }

    fn cue_list(
        &mut self,
        analyzer: &mut tantivy::tokenizer::TextAnalyzer,
        list: &[Spanned<String>],
        role: CueRole,
        scope: &str,
        out: &mut Vec<Cue>,
    ) {
        for item in list {
            let line = self.line(item.span());
            let what = format!("{scope} {} cue", role.as_str());
            if let Some(phrase) = self.phrase(analyzer, item.get_ref(), line, &what) {
                out.push(Cue { phrase, role });
            }
        }
    }

    /// Reports cues whose tokens appear twice in one scope with different roles (or twice
    /// with the same role, which is only noise).
    fn check_cue_conflicts(&mut self, cues: &[Cue], scope: &str) {
        let mut seen: HashMap<&[String], &Cue> = HashMap::new();
        let mut found = Vec::new();
        for cue in cues {
            if let Some(first) = seen.get(cue.tokens()) {
                let message = if first.role == cue.role {
                    format!(
                        "{scope} {} cue {:?} repeats {:?} (line {}): remove one",
                        cue.role.as_str(),
                        cue.text(),
                        first.text(),
                        first.line()
                    )
                } else {
                    format!(
                        "{scope} cue {:?} is listed as {} here and as {} ({:?}, line {}): \
                         a phrase can have one role only",
                        cue.text(),
                        cue.role.as_str(),
                        first.role.as_str(),
                        first.text(),
                        first.line()
                    )
                };
                found.push((cue.line(), message));
            } else {
                seen.insert(cue.tokens(), cue);
            }
        }
        self.problems.extend(found);
    }

    /// Analyzes a list of terms, checking weights and repeats.
    fn term_list(
        &mut self,
        analyzer: &mut tantivy::tokenizer::TextAnalyzer,
        list: &[Spanned<RawTerm>],
        default_weight: f64,
        scope: &str,
        what: &str,
        out: &mut Vec<Term>,
    ) {
        for rt in list {
            let line = self.line(rt.span());
            let r = rt.get_ref();
            let weight = r.weight.unwrap_or(default_weight);
            if !(weight.is_finite() && weight > 0.0) {
                self.problem(
                    line,
                    format!(
                        "weight of {what} {:?} in {scope} must be a positive number, found \
                         {weight}",
                        r.text
                    ),
                );
            }
            let Some(phrase) = self.phrase(analyzer, &r.text, line, &format!("{scope} {what}"))
            else {
                continue;
            };
            if let Some(prev) = out.iter().find(|p| p.tokens() == phrase.tokens.as_slice()) {
                let message = format!(
                    "{what} {:?} of {scope} analyzes to the same tokens as {:?} (line {}): \
                     remove one",
                    phrase.text,
                    prev.text(),
                    prev.line()
                );
                self.problem(line, message);
                continue;
            }
            out.push(Term {
                phrase,
                weight: weight as f32,
            });
        }
    }

    fn build(&mut self, raw: RawFile, text: &str, path: &Path) -> Option<Taxonomy> {
        let mut analyzer = crate::text::analyzer();
        let a = &mut analyzer;
        let c = &raw.cues;
        let mut cues = Vec::new();
        for (list, role) in [
            (&c.risk, CueRole::Risk),
            (&c.opportunity, CueRole::Opportunity),
            (&c.negation, CueRole::Negation),
            (&c.hedge, CueRole::Hedge),
            (&c.neutral, CueRole::Neutral),
        ] {
            self.cue_list(a, list, role, "global", &mut cues);
        }
        self.check_cue_conflicts(&cues, "global");
        let negation_window = self.negation_window(c.negation_window.as_ref());
        let context_weight = self.context_weight(raw.context.weight.as_ref());
        let mut global_context: Vec<Term> = Vec::new();
        let (terms, scope) = (&raw.context.terms, "[context]");
        self.term_list(
            a,
            terms,
            context_weight,
            scope,
            "context term",
            &mut global_context,
        );
        if raw.theme.is_empty() {
            self.problem(
                0,
                "no [[theme]] tables: a taxonomy needs at least one theme".to_string(),
            );
        }
        let mut ids: HashMap<String, usize> = HashMap::new();
        let themes: Vec<Theme> = raw
            .theme
            .into_iter()
            .map(|t| self.theme(a, t.into_inner(), context_weight, &global_context, &mut ids))
            .collect();
        if !self.problems.is_empty() {
            return None;
        }
        let compiled = match Compiled::build(&themes, &global_context, &cues, &[]) {
            Ok(c) => c,
            Err(message) => {
                self.problem(0, message);
                return None;
            }
        };
        Some(Taxonomy {
            version: version_of(text),
            path: path.to_path_buf(),
            themes,
            cues,
            context: global_context,
            negation_window,
            compiled: std::sync::Arc::new(compiled),
        })
    }

    /// `negation_window`, between 1 and [`MAX_NEGATION_WINDOW`] tokens.
    fn negation_window(&mut self, window: Option<&Spanned<i64>>) -> usize {
        let Some(w) = window else {
            return DEFAULT_NEGATION_WINDOW;
        };
        let n = *w.get_ref();
        if n < 1 || n > MAX_NEGATION_WINDOW as i64 {
            let line = self.line(w.span());
            self.problem(
                line,
                format!(
                    "negation_window must be between 1 and {MAX_NEGATION_WINDOW} tokens, \
                     found {n}"
                ),
            );
            DEFAULT_NEGATION_WINDOW
        } else {
            n as usize
        }
    }

    /// `[context] weight`, a positive number.
    fn context_weight(&mut self, weight: Option<&Spanned<f64>>) -> f64 {
        let Some(w) = weight else {
            return f64::from(DEFAULT_CONTEXT_WEIGHT);
        };
        let v = *w.get_ref();
        if !(v.is_finite() && v > 0.0) {
            let line = self.line(w.span());
            self.problem(
                line,
                format!("context weight must be a positive number, found {v}"),
            );
        }
        v
    }

    /// One `[[theme]]` table, validated.
    fn theme(
        &mut self,
        a: &mut tantivy::tokenizer::TextAnalyzer,
        t: RawTheme,
        context_weight: f64,
        global_context: &[Term],
        ids: &mut HashMap<String, usize>,
    ) -> Theme {
        let id_line = self.line(t.id.span());
        let id = self.theme_id(&t.id, ids);
        let label = t.label.get_ref().trim().to_string();
        if label.is_empty() {
            let line = self.line(t.label.span());
            self.problem(line, format!("theme {id:?} has an empty label"));
        }
        let polarity = self.polarity(&t.polarity, &id);
        let threshold = self.threshold(t.threshold.as_ref(), &id);
        let terms_line = self.line(t.terms.span());
        let raw_terms = t.terms.into_inner();
        if raw_terms.is_empty() {
            self.problem(
                terms_line,
                format!("theme {id:?} has an empty term list: add at least one term"),
            );
        }
        let scope = format!("theme {id:?}");
        let mut terms: Vec<Term> = Vec::new();
        self.term_list(a, &raw_terms, 1.0, &scope, "term", &mut terms);
        let mut context: Vec<Term> = Vec::new();
        self.term_list(
            a,
            &t.context,
            context_weight,
            &scope,
            "context term",
            &mut context,
        );
        self.check_context_is_not_a_term(&id, &terms, &context);
        let mut cues = Vec::new();
        for (list, role) in [
            (&t.cues.risk, CueRole::Risk),
            (&t.cues.opportunity, CueRole::Opportunity),
            (&t.cues.neutral, CueRole::Neutral),
        ] {
            self.cue_list(a, list, role, &scope, &mut cues);
        }
        self.check_cue_conflicts(&cues, &scope);
        if !terms.is_empty() {
            let all = terms.iter().chain(&context).chain(global_context);
            self.check_reachable(&id, all, threshold, terms_line);
        }
        Theme {
            id,
            label,
            description: t.description.trim().to_string(),
            polarity,
            threshold,
            terms,
            context,
            cues,
            line: id_line,
        }
    }

    /// A theme id: a slug, not used before.
    fn theme_id(&mut self, raw: &Spanned<String>, ids: &mut HashMap<String, usize>) -> String {
        let line = self.line(raw.span());
        let id = raw.get_ref().trim().to_string();
        if !is_slug(&id) {
            self.problem(
                line,
                format!(
                    "theme id {id:?} is not a slug: use lower-case letters, digits and \
                     single hyphens (e.g. \"security-research\")"
                ),
            );
        }
        if let Some(first) = ids.get(&id) {
            self.problem(
                line,
                format!("duplicate theme id {id:?} (first defined on line {first})"),
            );
        } else {
            ids.insert(id.clone(), line);
        }
        id
    }

    /// A theme's default polarity (risk when it does not parse, after reporting it).
    fn polarity(&mut self, raw: &Spanned<String>, id: &str) -> Polarity {
        if let Some(p) = Polarity::parse(raw.get_ref()) {
            return p;
        }
        let line = self.line(raw.span());
        self.problem(
            line,
            format!(
                "unknown polarity {:?} for theme {id:?}: valid values are risk, opportunity",
                raw.get_ref()
            ),
        );
        Polarity::Risk
    }

    /// A theme's threshold, a positive number (1 by default).
    fn threshold(&mut self, raw: Option<&Spanned<f64>>, id: &str) -> f32 {
        let Some(th) = raw else {
            return 1.0;
        };
        let v = *th.get_ref();
        if !(v.is_finite() && v > 0.0) {
            let line = self.line(th.span());
            self.problem(
                line,
                format!("threshold of theme {id:?} must be a positive number, found {v}"),
            );
        }
        v as f32
    }

    /// A phrase cannot be both a term and a context term of one theme.
    fn check_context_is_not_a_term(&mut self, id: &str, terms: &[Term], context: &[Term]) {
        for c in context {
            if let Some(prev) = terms.iter().find(|p| p.tokens() == c.tokens()) {
                let message = format!(
                    "context term {:?} of theme {id:?} analyzes to the same tokens as its \
                     term {:?} (line {}): remove one",
                    c.text(),
                    prev.text(),
                    prev.line()
                );
                self.problem(c.line(), message);
            }
        }
    }

    /// A theme whose term and context weights cannot reach its threshold is never tagged.
    fn check_reachable<'t>(
        &mut self,
        id: &str,
        all: impl Iterator<Item = &'t Term>,
        threshold: f32,
        line: usize,
    ) {
        let total: f32 = all.map(|x| x.weight).sum();
        if total + 1e-6 < threshold {
            self.problem(
                line,
                format!(
                    "theme {id:?} can never be tagged: its term and context weights add \
                     up to {total}, below its threshold {threshold}"
                ),
            );
        }
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
