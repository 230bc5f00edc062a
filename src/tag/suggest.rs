//! Term suggestions: words and two-word phrases that occur far more often in a theme's passages
//! than in the rest of the corpus (Dunning's log-likelihood keyness), so users can grow a
//! taxonomy from their own data.
//!
//! Input: passage records (e.g. every passage of an index) whose `tags` say which carry the
//! theme, and the taxonomy (to leave out what is already a term). Output: [`Candidate`]s, the
//! most distinctive first. Counts are of analyzed tokens (stemmed, stop words removed), so a
//! candidate is shown with the spelling most often seen in the text. This module reads no index
//! itself.

use super::taxonomy::Taxonomy;
use crate::error::{Error, Result};
use crate::model::PassageRecord;
use serde::Serialize;
use std::collections::HashMap;

/// A candidate term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Analyzed tokens joined by spaces (`secur research`).
    pub stem: String,
    /// The most frequent spelling in the passages (`security researchers`).
    pub surface: String,
    /// Occurrences in the theme's passages.
    pub in_theme: u64,
    /// Occurrences in all other passages.
    pub elsewhere: u64,
    /// Log-likelihood (G²); above 3.84 is significant at p < 0.05, above 10.83 at p < 0.001.
    pub keyness: f64,
}

/// Options of [`suggest`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SuggestOptions {
    /// How many candidates to return.
    pub limit: usize,
    /// Minimum occurrences in the theme's passages.
    pub min_count: u64,
    /// Also count two-token phrases.
    pub phrases: bool,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            limit: 20,
            min_count: 3,
            phrases: true,
        }
    }
}

/// Dunning's log-likelihood G² for a term seen `a` times in a corpus of `c` tokens and `b`
/// times in one of `d` tokens (Rayson & Garside 2000). Zero counts contribute zero.
pub fn log_likelihood(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    if c + d == 0.0 {
        return 0.0;
    }
    let e1 = c * (a + b) / (c + d);
    let e2 = d * (a + b) / (c + d);
    let part = |o: f64, e: f64| {
        if o > 0.0 && e > 0.0 {
            o * (o / e).ln()
        } else {
            0.0
        }
    };
    2.0 * (part(a, e1) + part(b, e2))
}

#[derive(Default)]
struct Counts {
    in_theme: u64,
    elsewhere: u64,
    surfaces: HashMap<String, u64>,
}

/// Ranks candidate terms for `theme` (see the module docs). Fails when the theme is not in the
/// taxonomy or no record carries it.
pub fn suggest(
    records: &[PassageRecord],
    theme: &str,
    taxonomy: &Taxonomy,
    opts: SuggestOptions,
) -> Result<Vec<Candidate>> {
    let Some(th) = taxonomy.theme(theme) else {
        return Err(Error::InvalidValue {
            what: "--theme".into(),
            value: theme.into(),
            valid: taxonomy.theme_ids().join(", "),
        });
    };
    let known: Vec<String> = th
        .terms()
        .iter()
        .chain(th.context())
        .map(|t| t.tokens().join(" "))
        .collect();
    let mut analyzer = crate::text::analyzer();
    let mut counts: HashMap<String, Counts> = HashMap::new();
    let (mut c, mut d) = (0u64, 0u64);
    let mut carrying = 0usize;
    for r in records {
        let inside = r.tags.iter().any(|t| t.theme == theme);
        carrying += usize::from(inside);
        let tokens = crate::text::analyze(&mut analyzer, &r.text);
        if inside {
            c += tokens.len() as u64;
        } else {
            d += tokens.len() as u64;
        }
        let mut add = |stem: String, from: usize, to: usize| {
            let e = counts.entry(stem).or_default();
            if inside {
                e.in_theme += 1;
                let surface = r.text.get(from..to).unwrap_or("").to_lowercase();
                *e.surfaces.entry(surface).or_default() += 1;
            } else {
                e.elsewhere += 1;
            }
        };
        for (i, t) in tokens.iter().enumerate() {
            if t.text.chars().all(|ch| ch.is_ascii_digit()) || t.text.chars().count() < 3 {
                continue;
            }
            add(t.text.clone(), t.offset_from, t.offset_to);
            if opts.phrases {
                if let Some(n) = tokens.get(i + 1) {
                    if n.text.chars().count() >= 3 && n.text != t.text {
                        add(format!("{} {}", t.text, n.text), t.offset_from, n.offset_to);
                    }
                }
            }
        }
    }
    if carrying == 0 {
        return Err(Error::Other(format!(
            "no passage carries theme {theme:?}: ingest passages tagged with this taxonomy first \
             (`igf-lens ingest`), or choose another theme"
        )));
    }
    let mut out: Vec<Candidate> = counts
        .into_iter()
        .filter(|(stem, k)| {
            k.in_theme >= opts.min_count
                && !known.contains(stem)
                // over-represented in the theme's passages
                && (k.in_theme as f64) * (d.max(1) as f64) > (k.elsewhere as f64) * (c.max(1) as f64)
        })
        .map(|(stem, k)| {
            let surface = k
                .surfaces
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_else(|| stem.clone());
            Candidate {
                keyness: log_likelihood(k.in_theme, k.elsewhere, c, d),
                stem,
                surface,
                in_theme: k.in_theme,
                elsewhere: k.elsewhere,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.keyness
            .total_cmp(&a.keyness)
            .then_with(|| a.stem.cmp(&b.stem))
    });
    out.truncate(opts.limit);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DecidedBy, Evidence, Polarity, Tag};

    #[test]
    fn log_likelihood_matches_worked_examples() {
        // Equal relative frequencies: no keyness.
        assert!(log_likelihood(10, 100, 1_000, 10_000).abs() < 1e-9);
        // a=10 in 100 tokens, b=0 in 100 tokens: E1 = E2 = 5, G² = 2·10·ln 2.
        let g = log_likelihood(10, 0, 100, 100);
        assert!((g - 20.0 * 2f64.ln()).abs() < 1e-9, "{g}");
        // Rayson's calculator: 50 in 10 000 vs 10 in 10 000 → 29.11
        let g = log_likelihood(50, 10, 10_000, 10_000);
        assert!((g - 29.110).abs() < 0.01, "{g}");
        assert_eq!(log_likelihood(0, 0, 0, 0), 0.0);
    }

    fn record(text: &str, themes: &[&str]) -> PassageRecord {
        PassageRecord {
            text: text.to_string(),
            tags: themes
                .iter()
                .map(|t| Tag {
                    theme: (*t).into(),
                    polarity: Polarity::Risk,
                    score: 1.0,
                    decided_by: DecidedBy::Default,
                    evidence: Evidence::default(),
                    coder: None,
                })
                .collect(),
            ..PassageRecord::default()
        }
    }

    #[test]
    fn ranks_words_over_represented_in_the_theme() {
        let tax = Taxonomy::embedded();
        let recs = vec![
            record(
                "Pegasus vendors sell pegasus to governments.",
                &["surveillance"],
            ),
            record(
                "Pegasus abuse is growing; pegasus must be limited.",
                &["surveillance"],
            ),
            record("Pegasus again, and governments again.", &["surveillance"]),
            record(
                "Training for governments and prosecutors.",
                &["capacity-building"],
            ),
            record("Governments met prosecutors in Vienna.", &[]),
        ];
        let opts = SuggestOptions {
            limit: 3,
            min_count: 2,
            phrases: false,
        };
        let got = suggest(&recs, "surveillance", &tax, opts).expect("suggest");
        assert_eq!(got[0].stem, "pegasus");
        assert_eq!(got[0].surface, "pegasus");
        assert_eq!((got[0].in_theme, got[0].elsewhere), (5, 0));
        // "governments" occurs on both sides in proportion, so it is not first
        assert!(got
            .iter()
            .all(|c| c.stem != "govern" || c.keyness < got[0].keyness));
        let err = suggest(&recs, "nope", &tax, opts)
            .expect_err("unknown theme")
            .to_string();
        assert!(err.contains("\"nope\""), "{err}");
        let err = suggest(&recs[4..], "surveillance", &tax, opts)
            .expect_err("none")
            .to_string();
        assert!(err.contains("no passage carries theme"), "{err}");
    }
}
