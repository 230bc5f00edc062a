//! How far the automatic tagger agrees with a person's codes: per theme, Cohen's kappa and
//! Krippendorff's alpha over the passages coded for that theme, and the codes as a gold set for
//! `eval`.
//!
//! Input: the coded passages ([`CodedPassage`]: the text and the decisions on it, found in the
//! index by the pipeline) and the [`Tagger`]. The automatic side is the tagger run again on the
//! passage's text (the index holds the corrected tags). Output: [`ThemeAgreement`] rows, or a
//! gold set with the tagger's predictions restricted to the coded themes. Reads no file.
//!
//! A unit is a passage coded for a theme; each coder puts it in one of three nominal
//! categories: the theme absent, present as a risk, present as an opportunity. A theme nobody
//! coded on a passage is no unit: silence is not agreement.

use super::{Code, Decision};
use crate::model::{Polarity, Tagging};
use crate::stats::{cohen_kappa, krippendorff_alpha};
use crate::tag::eval::GoldPassage;
use crate::tag::Tagger;
use serde::Serialize;
use std::collections::BTreeMap;

/// A passage of the index with the decisions recorded on it.
#[derive(Debug, Clone, PartialEq)]
pub struct CodedPassage {
    /// The passage's id in the index.
    pub passage_id: u64,
    /// Its text, which the tagger tags again.
    pub text: String,
    /// Sorted by theme, each theme once.
    pub codes: Vec<Code>,
}

/// The agreement on one theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeAgreement {
    /// The theme id.
    pub theme: String,
    /// Passages coded for the theme.
    pub passages: usize,
    /// Of those, passages on which the tagger decided as the person did.
    pub agreed: usize,
    /// Cohen's kappa, `None` when undefined (both always chose one and the same category).
    pub kappa: Option<f64>,
    /// Krippendorff's alpha (nominal), `None` when undefined.
    pub alpha: Option<f64>,
}

/// The nominal category of a decision: 0 absent, 1 risk, 2 opportunity.
fn category(d: Decision) -> u32 {
    match d {
        Decision::Absent => 0,
        Decision::Present(Polarity::Risk) => 1,
        Decision::Present(Polarity::Opportunity) => 2,
    }
}

/// What the tagger decides on a theme for a tagging.
fn automatic(tagging: &Tagging, theme: &str) -> Decision {
    tagging
        .tags
        .iter()
        .find(|t| t.theme == theme)
        .map_or(Decision::Absent, |t| Decision::Present(t.polarity))
}

/// Per theme coded at least once (sorted by theme id), the tagger against the person.
pub fn agreement(coded: &[CodedPassage], tagger: &Tagger) -> Vec<ThemeAgreement> {
    let mut pairs: BTreeMap<&str, Vec<(u32, u32)>> = BTreeMap::new();
    for p in coded {
        let tagging = tagger.tag(&p.text);
        for c in &p.codes {
            let auto = category(automatic(&tagging, &c.theme));
            pairs
                .entry(c.theme.as_str())
                .or_default()
                .push((auto, category(c.decision)));
        }
    }
    pairs
        .into_iter()
        .map(|(theme, pairs)| ThemeAgreement {
            theme: theme.to_string(),
            passages: pairs.len(),
            agreed: pairs.iter().filter(|(a, b)| a == b).count(),
            kappa: cohen_kappa(&pairs),
            alpha: krippendorff_alpha(&pairs),
        })
        .collect()
}

/// The coded passages as a gold set (labels: the themes the person said are present), with the
/// tagger's taggings restricted to the themes coded on each passage (so an uncoded theme is
/// neither a hit nor a miss) and nothing procedural on either side.
pub fn gold(coded: &[CodedPassage], tagger: &Tagger) -> (Vec<GoldPassage>, Vec<Tagging>) {
    coded
        .iter()
        .map(|p| {
            let labels = p
                .codes
                .iter()
                .filter_map(|c| match c.decision {
                    Decision::Present(pol) => Some((c.theme.clone(), pol)),
                    Decision::Absent => None,
                })
                .collect();
            let mut tagging = tagger.tag(&p.text);
            tagging.procedural = false;
            tagging
                .tags
                .retain(|t| p.codes.iter().any(|c| c.theme == t.theme.as_str()));
            let g = GoldPassage {
                id: p.passage_id.to_string(),
                text: p.text.clone(),
                labels,
                procedural: false,
                line: 0,
            };
            (g, tagging)
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tag::eval::score;

    fn coded(id: u64, text: &str, theme: &str, d: Decision) -> CodedPassage {
        CodedPassage {
            passage_id: id,
            text: text.into(),
            codes: vec![Code {
                key: format!("s/{id}"),
                theme: theme.into(),
                decision: d,
                coder: String::new(),
                note: String::new(),
            }],
        }
    }

    #[test]
    fn agreement_and_gold_compare_the_tagger_with_the_codes() {
        let res = crate::tag::load_taxonomy(None).unwrap();
        let tagger = crate::tag::load_tagger(&res, &crate::tag::ModelChoice::Off).unwrap();
        let text = "The draft could criminalise the work of security researchers";
        let auto = tagger.tag(text);
        let t = auto.tags[0].theme.to_string();
        let p = auto.tags[0].polarity;
        let plain = "Thank you very much for the invitation to this room today";
        assert!(tagger.tag(plain).tags.iter().all(|x| x.theme != t.as_str()));
        // (auto, person): (p, p), (p, absent), (absent, p), (absent, absent): p_o = 1/2,
        // p_e = 1/2·1/2 + 1/2·1/2 = 1/2, kappa = 0; alpha: n = 8, n_0 = n_p = 4, Σ_{c≠k} =
        // 32, d = 2: 1 − 7·4/32 = 0.125.
        let set = [
            coded(1, text, &t, Decision::Present(p)),
            coded(2, text, &t, Decision::Absent),
            coded(3, plain, &t, Decision::Present(p)),
            coded(4, plain, &t, Decision::Absent),
        ];
        let a = agreement(&set, &tagger);
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].passages, a[0].agreed), (4, 2));
        assert!(a[0].kappa.unwrap().abs() < 1e-12);
        assert!((a[0].alpha.unwrap() - 0.125).abs() < 1e-12);
        let (g, predicted) = gold(&set, &tagger);
        let r = score(&tagger, &g, &predicted);
        let s = r.themes.iter().find(|s| s.theme == t).unwrap();
        assert_eq!(
            (s.true_positives, s.false_positives, s.false_negatives),
            (1, 1, 1)
        );
    }
}
