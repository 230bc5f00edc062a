//! Why the learned model decided what it did for one passage: for each head that decided
//! something, its probability, its threshold and the features of the passage that weighed most
//! (weight × value, either sign).
//!
//! Input: a [`Tagger`] with a model, a passage's text and the [`Tagging`] the tagger gave it.
//! Output: one [`HeadReason`] per deciding head: the procedural head; the presence head of each
//! theme tagged whose presence the model decides; the polarity head when the model decided a
//! tag's polarity. The logit is recomputed from the model's weights (bias plus every part), so
//! the parts add up to what the tagger scored. For `tag --explain`; not on the indexing path.

use super::learned::features::{dense_feature, word_features};
use super::learned::logistic::sigmoid;
use super::learned::{Feature, HeadKind, Model, Source};
use super::Tagger;
use crate::model::{DecidedBy, Tagging};
use std::collections::HashMap;

/// One feature's part in a head's logit for a passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The feature's name as in the model file (`w:STEM`, `b:STEM STEM`, `d:THEME`, …).
    pub feature: String,
    /// Its weight times its value in the passage.
    pub weight: f32,
}

/// What one head of the model said about a passage, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadReason {
    /// The head's name as in the model file (`procedural`, `presence:THEME`, `polarity`).
    pub head: String,
    pub kind: HeadKind,
    /// The head's probability (for `polarity`: of risk).
    pub probability: f32,
    /// At or above this the head says yes (risk, for `polarity`).
    pub threshold: f32,
    /// The head's bias (the logit of a passage with no feature).
    pub bias: f32,
    /// The passage's features with the largest parts, largest first.
    pub parts: Vec<Part>,
}

impl HeadReason {
    /// Whether the head says yes (procedural; present; risk).
    pub fn yes(&self) -> bool {
        self.probability >= self.threshold
    }
}

/// The deciding heads of `tagging` (what `tagger` gave `text`), each with its `n` largest
/// parts. Empty when the tagger has no model.
pub fn model_reasons(tagger: &Tagger, text: &str, tagging: &Tagging, n: usize) -> Vec<HeadReason> {
    let Some(model) = tagger.model() else {
        return Vec::new();
    };
    let heads = deciding_heads(model, tagging);
    if heads.is_empty() {
        return Vec::new();
    }
    let present = passage_features(tagger, text);
    let values: HashMap<&Feature, f32> = present.iter().map(|(f, x)| (f, *x)).collect();
    heads
        .into_iter()
        .map(|h| reason(model, h, &values, n))
        .collect()
}

/// The heads whose decision shaped `tagging`, in the model's order.
fn deciding_heads(model: &Model, tagging: &Tagging) -> Vec<usize> {
    let themes = model.themes();
    let tagged = |t: usize| tagging.tags.iter().any(|x| x.theme == themes[t]);
    let model_polarity = tagging
        .tags
        .iter()
        .any(|x| x.decided_by == DecidedBy::Model);
    model
        .heads()
        .iter()
        .enumerate()
        .filter(|(_, h)| match h.kind {
            HeadKind::Procedural => h.source == Source::Model,
            HeadKind::Presence(t) => h.source == Source::Model && tagged(t),
            HeadKind::Polarity => model_polarity,
        })
        .map(|(i, _)| i)
        .collect()
}

/// The passage's features with their values: its distinct words and bigrams (value 1) and its
/// non-zero dense features.
fn passage_features(tagger: &Tagger, text: &str) -> Vec<(Feature, f32)> {
    let tokens = crate::text::analyze_text(text);
    let stems: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let mut out: Vec<(Feature, f32)> = word_features(&stems, true)
        .into_iter()
        .map(|f| (f, 1.0))
        .collect();
    let themes = tagger.taxonomy().themes().len();
    let dense = tagger.dense_features(text);
    out.extend(
        dense
            .iter()
            .enumerate()
            .filter(|(_, &x)| x != 0.0)
            .map(|(slot, &x)| (dense_feature(slot, themes), x)),
    );
    out
}

/// Head `h`'s probability for the passage whose feature values are `values`, and its `n`
/// largest parts. A feature the model file lists twice adds both weights, as in the scorer.
fn reason(model: &Model, h: usize, values: &HashMap<&Feature, f32>, n: usize) -> HeadReason {
    let head = &model.heads()[h];
    let mut sums: HashMap<&Feature, f32> = HashMap::new();
    // Summed in the model's order, so the probability does not depend on hashing.
    let mut logit = head.bias;
    for (f, w) in model.weights() {
        if let Some(x) = values.get(f) {
            let part = w.get(h).copied().unwrap_or(0.0) * x;
            *sums.entry(f).or_default() += part;
            logit += part;
        }
    }
    let mut parts: Vec<(&Feature, f32)> = sums.into_iter().filter(|(_, p)| *p != 0.0).collect();
    // Largest first; equal parts by feature, so the output does not depend on hashing.
    parts.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(b.0)));
    parts.truncate(n);
    HeadReason {
        head: model.head_name(head.kind),
        kind: head.kind,
        probability: sigmoid(logit),
        threshold: head.threshold,
        bias: head.bias,
        parts: parts
            .into_iter()
            .map(|(f, weight)| Part {
                feature: f.name(model.themes()),
                weight,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tag::{embedded_model, Taxonomy};
    use std::path::Path;

    fn tagger() -> Tagger {
        let taxonomy = Taxonomy::embedded();
        let model = embedded_model(&taxonomy).expect("embedded model");
        Tagger::with_model(&taxonomy, &model).expect("tagger")
    }

    /// A head's verdict, unless its probability is too close to the threshold for a different
    /// order of summation to matter.
    fn clear(r: &HeadReason) -> Option<bool> {
        ((r.probability - r.threshold).abs() > 1e-4).then(|| r.yes())
    }

    #[test]
    fn the_heads_recomputed_from_the_weights_agree_with_the_tagger() {
        let tagger = tagger();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold/tune.csv");
        let gold = crate::tag::eval::load_gold(&path).expect("gold");
        let (mut procedural, mut themed) = (0, 0);
        for g in gold.iter().take(150) {
            let tagging = tagger.tag(&g.text);
            let reasons = model_reasons(&tagger, &g.text, &tagging, 5);
            let proc_head = reasons.iter().find(|r| r.kind == HeadKind::Procedural);
            let proc_head = proc_head.expect("the embedded model decides procedural passages");
            assert_ne!(clear(proc_head), Some(!tagging.procedural), "{}", g.text);
            procedural += usize::from(tagging.procedural);
            for r in &reasons {
                assert!(r.parts.len() <= 5);
                let sizes: Vec<f32> = r.parts.iter().map(|p| p.weight.abs()).collect();
                assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
                match r.kind {
                    HeadKind::Presence(_) => assert_ne!(clear(r), Some(false), "{}", g.text),
                    HeadKind::Polarity => {
                        let by_model = tagging
                            .tags
                            .iter()
                            .find(|t| t.decided_by == DecidedBy::Model);
                        let risk = by_model.map(|t| t.polarity == crate::model::Polarity::Risk);
                        assert!(risk.is_some());
                        assert_ne!(clear(r), risk.map(|x| !x), "{}", g.text);
                    }
                    HeadKind::Procedural => {}
                }
            }
            themed += usize::from(
                reasons
                    .iter()
                    .any(|r| matches!(r.kind, HeadKind::Presence(_))),
            );
        }
        assert!(procedural > 10 && themed > 50, "{procedural} {themed}");
    }

    #[test]
    fn a_floor_giving_passage_is_procedural_for_its_thanks_and_floor() {
        let tagger = tagger();
        let text = "Thank you so much, and now I give the floor to our next speaker.";
        let tagging = tagger.tag(text);
        assert!(tagging.procedural);
        let reasons = model_reasons(&tagger, text, &tagging, 6);
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        let r = &reasons[0];
        assert_eq!(r.head, "procedural");
        assert!(r.yes());
        let names: Vec<&str> = r.parts.iter().map(|p| p.feature.as_str()).collect();
        assert!(
            names.contains(&"w:thank") && names.contains(&"w:floor"),
            "{names:?}"
        );
        assert!(
            r.parts.iter().take(3).all(|p| p.weight > 0.0),
            "{:?}",
            r.parts
        );
    }

    #[test]
    fn the_dictionary_alone_has_no_model_to_explain() {
        let taxonomy = Taxonomy::embedded();
        let tagger = Tagger::new(&taxonomy);
        let text = "The draft could criminalise the work of security researchers";
        assert!(model_reasons(&tagger, text, &tagger.tag(text), 5).is_empty());
    }
}
