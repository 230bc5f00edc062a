//! The features of a passage, computed the same way when training and when tagging.
//!
//! Input: the passage's token texts (stems, from [`crate::text::analyze`]) and what the
//! dictionary found (each theme's score, and its tags with what decided their polarity).
//! Output: the sparse word features (distinct unigrams and bigrams) and the dense features
//! (one slot per dictionary feature and the length), numbered so the training code and the
//! tagger's scorer fill the same slots. This module does not train or score.

use super::weights::{Feature, SCORE_CAP};
use crate::model::{DecidedBy, Polarity};

/// Number of dense slots for a taxonomy of `themes` themes: per theme its score, whether it was
/// tagged and a cue per polarity; then per polarity the tags a cue decided, the passage's
/// cues and its last cue; then the length.
pub fn dense_len(themes: usize) -> usize {
    4 * themes + 7
}

/// The passage's deciding cues, whatever theme they are near: how many mark a risk and an
/// opportunity, and the polarity of the last one.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PassageCues {
    pub risk: usize,
    pub opportunity: usize,
    pub last: Option<Polarity>,
}

/// The feature of a dense slot.
pub fn dense_feature(slot: usize, themes: usize) -> Feature {
    let polarity = |i: usize| {
        if i.is_multiple_of(2) {
            Polarity::Risk
        } else {
            Polarity::Opportunity
        }
    };
    match slot {
        s if s < themes => Feature::DictScore(s),
        s if s < 2 * themes => Feature::DictTagged(s - themes),
        s if s < 4 * themes => {
            let i = s - 2 * themes;
            Feature::DictCue(i / 2, polarity(i))
        }
        s if s < 4 * themes + 2 => Feature::CueCount(polarity(s - 4 * themes)),
        s if s < 4 * themes + 4 => Feature::PassageCues(polarity(s - 4 * themes - 2)),
        s if s < 4 * themes + 6 => Feature::LastCue(polarity(s - 4 * themes - 4)),
        _ => Feature::Length,
    }
}

/// The dense slot of a feature (`None` for word features).
pub fn dense_slot(f: &Feature, themes: usize) -> Option<usize> {
    let pol = |p: &Polarity| usize::from(*p == Polarity::Opportunity);
    match f {
        Feature::DictScore(t) => Some(*t),
        Feature::DictTagged(t) => Some(themes + t),
        Feature::DictCue(t, p) => Some(2 * themes + 2 * t + pol(p)),
        Feature::CueCount(p) => Some(4 * themes + pol(p)),
        Feature::PassageCues(p) => Some(4 * themes + 2 + pol(p)),
        Feature::LastCue(p) => Some(4 * themes + 4 + pol(p)),
        Feature::Length => Some(4 * themes + 6),
        Feature::Word(_) | Feature::Bigram(..) => None,
    }
}

/// One dictionary tag as a feature sees it: theme index, what decided, polarity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DictTag {
    pub theme: usize,
    pub decided_by: DecidedBy,
    pub polarity: Polarity,
}

/// Fills the dense slots (`out.len() == dense_len(scores.len())`) from each theme's dictionary
/// score (0 when none of its terms matched), its tags, the passage's cues and the number of
/// tokens.
pub fn fill_dense(
    scores: &[f32],
    tags: &[DictTag],
    cues: PassageCues,
    tokens: usize,
    out: &mut [f32],
) {
    let themes = scores.len();
    debug_assert_eq!(out.len(), dense_len(themes));
    out.fill(0.0);
    for (t, &s) in scores.iter().enumerate() {
        out[t] = s.min(SCORE_CAP);
    }
    for tag in tags {
        out[themes + tag.theme] = 1.0;
        if tag.decided_by == DecidedBy::Cue {
            let p = usize::from(tag.polarity == Polarity::Opportunity);
            out[2 * themes + 2 * tag.theme + p] = 1.0;
            out[4 * themes + p] += 1.0;
        }
    }
    out[4 * themes + 2] = cues.risk as f32;
    out[4 * themes + 3] = cues.opportunity as f32;
    if let Some(p) = cues.last {
        out[4 * themes + 4 + usize::from(p == Polarity::Opportunity)] = 1.0;
    }
    out[4 * themes + 6] = tokens as f32 / 100.0;
}

/// The distinct word features of a passage's token texts: every unigram, and every pair of
/// consecutive tokens when `bigrams`, in order of first occurrence.
pub fn word_features(stems: &[&str], bigrams: bool) -> Vec<Feature> {
    let mut out: Vec<Feature> = Vec::with_capacity(stems.len() * 2);
    let mut seen = std::collections::HashSet::new();
    for (i, w) in stems.iter().enumerate() {
        let f = Feature::Word((*w).to_string());
        if seen.insert(f.clone()) {
            out.push(f);
        }
        if bigrams && i + 1 < stems.len() {
            let f = Feature::Bigram((*w).to_string(), stems[i + 1].to_string());
            if seen.insert(f.clone()) {
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_slots_and_features_are_inverse() {
        for themes in [1, 3, 10] {
            for slot in 0..dense_len(themes) {
                let f = dense_feature(slot, themes);
                assert_eq!(dense_slot(&f, themes), Some(slot), "{f:?}");
            }
        }
    }

    #[test]
    fn dense_values_come_from_scores_tags_and_length() {
        let mut out = vec![0.0; dense_len(2)];
        let tags = [DictTag {
            theme: 1,
            decided_by: DecidedBy::Cue,
            polarity: Polarity::Opportunity,
        }];
        let cues = PassageCues {
            risk: 2,
            opportunity: 1,
            last: Some(Polarity::Risk),
        };
        fill_dense(&[0.5, 7.0], &tags, cues, 50, &mut out);
        assert_eq!(
            out,
            vec![0.5, 3.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 2.0, 1.0, 1.0, 0.0, 0.5]
        );
    }

    #[test]
    fn word_features_are_distinct_unigrams_and_bigrams() {
        let f = word_features(&["a", "b", "a", "b"], true);
        let names: Vec<String> = f.iter().map(|x| x.name(&[])).collect();
        assert_eq!(names, vec!["w:a", "b:a b", "w:b", "b:b a"]);
        assert_eq!(word_features(&["a", "a"], false).len(), 1);
    }
}
