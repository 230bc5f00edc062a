//! Training the model on a gold set: features, cross-validation to choose the penalty of each
//! head and its threshold, the final fit, and the per-theme choice between the model and the
//! dictionary on a second gold set.
//!
//! Input: a dictionary-only [`Tagger`] (its hits are features), gold passages and
//! [`TrainOptions`]. Output: a [`Model`] whose heads all say `use=model`, with the
//! cross-validated figures of the model and of the dictionary ([`Trained`]); then
//! [`select`] sets, per theme, `use=dictionary` for presence and polarity wherever the model
//! does not beat the dictionary on another gold set (aggregate figures per theme, never a
//! passage). Folds are fixed by the passages' ids and the seed, so training is deterministic.
//! This module reads and writes no file.

use super::features::{dense_feature, dense_len, word_features};
use super::logistic::{self, Fit, Row, Settings};
use super::weights::{Feature, Head, HeadKind, Model, Source};
use crate::error::{Error, Result};
use crate::model::{Polarity, Tagging};
use crate::tag::eval::{score, GoldPassage, Report};
use crate::tag::tagger::Tagger;
use std::collections::HashMap;
use std::path::PathBuf;

/// How to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// Folds of the cross-validation.
    pub folds: usize,
    /// The L2 penalties tried; each head takes the one with the lowest cross-validated log loss.
    pub l2: Vec<f32>,
    /// A word or bigram is a feature when at least this many training passages have it.
    pub min_df: usize,
    /// Use pairs of consecutive tokens too.
    pub bigrams: bool,
    /// Gradient steps per fit.
    pub steps: usize,
    /// Seed of the fold assignment.
    pub seed: u64,
    /// What the model file records it was trained on.
    pub trained: String,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            folds: 5,
            l2: vec![0.3, 1.0, 3.0, 10.0],
            min_df: 2,
            bigrams: true,
            steps: 300,
            seed: 17,
            trained: String::new(),
        }
    }
}

/// A head's penalty choice: the head, the penalty chosen, and the cross-validated log loss of
/// each penalty tried.
pub type PenaltyChoice = (HeadKind, f32, Vec<(f32, f64)>);

/// Out-of-fold (probability, label) per head and gold passage, for one penalty.
type OutOfFold = Vec<Vec<Option<(f32, f32)>>>;

/// A trained model with its cross-validated figures.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Model,
    /// Out-of-fold figures of the dictionary alone and of the model (every head used).
    pub cv_dictionary: Report,
    pub cv_model: Report,
    /// Per head: the penalty chosen, and the cross-validated log loss of each penalty tried.
    pub penalties: Vec<PenaltyChoice>,
}

/// A gold passage as the model sees it.
struct Example {
    words: Vec<Feature>,
    dense: Vec<f32>,
    procedural: bool,
    /// Per theme (taxonomy order): its label.
    themes: Vec<Option<Polarity>>,
}

impl Example {
    /// The target of a head (`None`: the passage does not train it).
    fn target(&self, kind: HeadKind) -> Option<f32> {
        let yes = |b: bool| if b { 1.0 } else { 0.0 };
        match kind {
            HeadKind::Procedural => Some(yes(self.procedural)),
            HeadKind::Presence(t) => Some(yes(self.themes[t].is_some())),
            HeadKind::Polarity => {
                let (risk, opp) = self
                    .themes
                    .iter()
                    .flatten()
                    .fold((0, 0), |(r, o), p| match p {
                        Polarity::Risk => (r + 1, o),
                        Polarity::Opportunity => (r, o + 1),
                    });
                (risk + opp > 0).then(|| yes(risk >= opp))
            }
        }
    }
}

/// The features of every gold passage.
fn prepare(dict: &Tagger, gold: &[GoldPassage], bigrams: bool) -> Vec<Example> {
    let ids = dict.taxonomy().theme_ids();
    gold.iter()
        .map(|g| {
            let tokens = crate::text::analyze_text(&g.text);
            let stems: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
            Example {
                words: word_features(&stems, bigrams),
                dense: dict.dense_features(&g.text),
                procedural: g.procedural,
                themes: ids
                    .iter()
                    .map(|id| g.labels.iter().find(|(t, _)| t == id).map(|x| x.1))
                    .collect(),
            }
        })
        .collect()
}

/// The features of a training set: its words (by first occurrence) then the dense slots.
struct Vocab {
    words: Vec<Feature>,
    index: HashMap<Feature, u32>,
}

impl Vocab {
    /// The words of at least `min_df` of the examples `train`.
    fn of(examples: &[Example], train: &[usize], min_df: usize) -> Vocab {
        let mut df: HashMap<&Feature, usize> = HashMap::new();
        let mut order: Vec<&Feature> = Vec::new();
        for &i in train {
            for f in &examples[i].words {
                let n = df.entry(f).or_insert(0);
                if *n == 0 {
                    order.push(f);
                }
                *n += 1;
            }
        }
        let words: Vec<Feature> = order
            .into_iter()
            .filter(|f| df[f] >= min_df)
            .cloned()
            .collect();
        let index = words
            .iter()
            .enumerate()
            .map(|(i, f)| (f.clone(), i as u32))
            .collect();
        Vocab { words, index }
    }

    /// The row of an example: its known words, then its non-zero dense features.
    fn row(&self, e: &Example) -> Row {
        let base = self.words.len() as u32;
        let mut row: Row = e
            .words
            .iter()
            .filter_map(|f| self.index.get(f).map(|&i| (i, 1.0)))
            .collect();
        for (slot, &x) in e.dense.iter().enumerate() {
            if x != 0.0 {
                row.push((base + slot as u32, x));
            }
        }
        row
    }

    fn len(&self, themes: usize) -> usize {
        self.words.len() + dense_len(themes)
    }
}

/// Fits one head on the examples `train` that have a target for it.
fn fit_head(
    examples: &[Example],
    rows: &[Row],
    train: &[usize],
    kind: HeadKind,
    features: usize,
    s: Settings,
) -> Fit {
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for &i in train {
        if let Some(t) = examples[i].target(kind) {
            x.push(rows[i].clone());
            y.push(t);
        }
    }
    logistic::fit(&x, &y, features, s)
}

/// The heads of a model for `themes` themes.
fn head_kinds(themes: usize) -> Vec<HeadKind> {
    let mut v = vec![HeadKind::Procedural];
    v.extend((0..themes).map(HeadKind::Presence));
    v.push(HeadKind::Polarity);
    v
}

/// The fold of each example: a fixed shuffle by id and seed, then round robin.
fn folds(gold: &[GoldPassage], k: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<(u64, usize)> = gold
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let h = crate::hash::fnv1a(seed.to_le_bytes().into_iter().chain(g.id.bytes()));
            (h, i)
        })
        .collect();
    order.sort_unstable();
    let mut fold = vec![0; gold.len()];
    for (rank, (_, i)) in order.into_iter().enumerate() {
        fold[i] = rank % k.max(1);
    }
    fold
}

/// A model from fitted heads (every head used, every theme's polarity by the model).
fn assemble(
    dict: &Tagger,
    vocab: &Vocab,
    fits: &[(HeadKind, Fit, f32)],
    trained: &str,
    settings: Vec<(String, String)>,
) -> Model {
    let tax = dict.taxonomy();
    let themes: Vec<String> = tax.theme_ids().into_iter().map(String::from).collect();
    let n = themes.len();
    let mut weights = Vec::new();
    let features = vocab
        .words
        .iter()
        .cloned()
        .chain((0..dense_len(n)).map(|s| dense_feature(s, n)));
    for (i, f) in features.enumerate() {
        let w: Vec<f32> = fits.iter().map(|(_, fit, _)| fit.weights[i]).collect();
        // Weights that round to zero in the file are left out.
        if w.iter().any(|x| x.abs() >= 0.00005) {
            weights.push((f, w));
        }
    }
    Model {
        version: String::new(),
        path: PathBuf::from("(trained)"),
        taxonomy: tax.version().to_string(),
        themes,
        trained: trained.to_string(),
        settings,
        heads: fits
            .iter()
            .map(|(kind, fit, threshold)| Head {
                kind: *kind,
                bias: fit.bias,
                threshold: *threshold,
                source: Source::Model,
            })
            .collect(),
        polarity: vec![Source::Model; n],
        weights,
    }
}

/// The threshold (0.1 to 0.8 by 0.05) with the best F1 of out-of-fold probabilities.
fn best_threshold(probs: &[(f32, f32)]) -> f32 {
    let mut best = (f64::MIN, 0.5f32);
    for step in 2..=16 {
        let t = step as f32 * 0.05;
        let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
        for &(p, y) in probs {
            match (p >= t, y > 0.5) {
                (true, true) => tp += 1.0,
                (true, false) => fp += 1.0,
                (false, true) => fn_ += 1.0,
                _ => {}
            }
        }
        let f1 = if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fn_)
        };
        if f1 > best.0 + 1e-9 {
            best = (f1, t);
        }
    }
    best.1
}

/// Out-of-fold probabilities of every head, for one penalty: `[head][example]` (`None` where
/// the example does not train the head).
fn out_of_fold(
    examples: &[Example],
    fold: &[usize],
    opts: &TrainOptions,
    kinds: &[HeadKind],
    themes: usize,
    l2: f32,
) -> OutOfFold {
    let mut oof = vec![vec![None; examples.len()]; kinds.len()];
    for k in 0..opts.folds {
        let train: Vec<usize> = (0..examples.len()).filter(|&i| fold[i] != k).collect();
        let vocab = Vocab::of(examples, &train, opts.min_df);
        let rows: Vec<Row> = examples.iter().map(|e| vocab.row(e)).collect();
        let s = Settings {
            l2,
            steps: opts.steps,
            ..Settings::default()
        };
        for (h, &kind) in kinds.iter().enumerate() {
            let fit = fit_head(examples, &rows, &train, kind, vocab.len(themes), s);
            for i in (0..examples.len()).filter(|&i| fold[i] == k) {
                if let Some(y) = examples[i].target(kind) {
                    let p = logistic::sigmoid(logistic::logit(&fit, &rows[i]));
                    oof[h][i] = Some((p, y));
                }
            }
        }
    }
    oof
}

/// Penalty and threshold of each head, chosen by cross-validation.
struct Choice {
    l2: Vec<f32>,
    thresholds: Vec<f32>,
    penalties: Vec<PenaltyChoice>,
}

fn choose(examples: &[Example], fold: &[usize], opts: &TrainOptions, themes: usize) -> Choice {
    let kinds = head_kinds(themes);
    let runs: Vec<(f32, OutOfFold)> = opts
        .l2
        .iter()
        .map(|&l2| (l2, out_of_fold(examples, fold, opts, &kinds, themes, l2)))
        .collect();
    let mut c = Choice {
        l2: Vec::new(),
        thresholds: Vec::new(),
        penalties: Vec::new(),
    };
    for (h, &kind) in kinds.iter().enumerate() {
        let losses: Vec<(f32, f64)> = runs
            .iter()
            .map(|(l2, oof)| {
                let (p, y): (Vec<f32>, Vec<f32>) = oof[h].iter().flatten().copied().unzip();
                (*l2, logistic::log_loss(&p, &y))
            })
            .collect();
        let best = losses
            .iter()
            .enumerate()
            .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
            .map_or(0, |(i, _)| i);
        let probs: Vec<(f32, f32)> = runs[best].1[h].iter().flatten().copied().collect();
        c.thresholds.push(match kind {
            HeadKind::Polarity => 0.5,
            _ => best_threshold(&probs),
        });
        c.l2.push(runs[best].0);
        c.penalties.push((kind, runs[best].0, losses));
    }
    c
}

/// Fits every head on `train` with the chosen penalties: a model.
fn fit_model(
    dict: &Tagger,
    examples: &[Example],
    train: &[usize],
    opts: &TrainOptions,
    choice: &Choice,
) -> Model {
    let themes = dict.taxonomy().themes().len();
    let vocab = Vocab::of(examples, train, opts.min_df);
    let rows: Vec<Row> = examples.iter().map(|e| vocab.row(e)).collect();
    let fits: Vec<(HeadKind, Fit, f32)> = head_kinds(themes)
        .into_iter()
        .enumerate()
        .map(|(h, kind)| {
            let s = Settings {
                l2: choice.l2[h],
                steps: opts.steps,
                ..Settings::default()
            };
            let fit = fit_head(examples, &rows, train, kind, vocab.len(themes), s);
            (kind, fit, choice.thresholds[h])
        })
        .collect();
    let settings = vec![
        ("folds".into(), opts.folds.to_string()),
        ("min_df".into(), opts.min_df.to_string()),
        ("bigrams".into(), opts.bigrams.to_string()),
        ("steps".into(), opts.steps.to_string()),
        ("seed".into(), opts.seed.to_string()),
        (
            "l2".into(),
            choice
                .l2
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(","),
        ),
    ];
    assemble(dict, &vocab, &fits, &opts.trained, settings)
}

/// Trains a model on `gold` with `dict`'s dictionary hits as features (see the module docs).
pub fn train(dict: &Tagger, gold: &[GoldPassage], opts: &TrainOptions) -> Result<Trained> {
    if dict.model().is_some() {
        return Err(Error::Usage(
            "a model is trained on the dictionary's hits alone: give a tagger without a model"
                .into(),
        ));
    }
    if opts.folds < 2 || gold.len() < opts.folds * 2 || opts.l2.is_empty() {
        return Err(Error::Usage(format!(
            "training needs at least 2 folds, 2 passages per fold and a penalty ({} passages, {} folds)",
            gold.len(),
            opts.folds
        )));
    }
    let themes = dict.taxonomy().themes().len();
    let examples = prepare(dict, gold, opts.bigrams);
    let fold = folds(gold, opts.folds, opts.seed);
    let choice = choose(&examples, &fold, opts, themes);
    // Out-of-fold taggings of the model as it will be used, and of the dictionary.
    let mut predicted: Vec<Tagging> = vec![Tagging::default(); gold.len()];
    for k in 0..opts.folds {
        let train: Vec<usize> = (0..gold.len()).filter(|&i| fold[i] != k).collect();
        let model = fit_model(dict, &examples, &train, opts, &choice);
        let tagger = Tagger::with_model(dict.taxonomy(), &model)?;
        for i in (0..gold.len()).filter(|&i| fold[i] == k) {
            predicted[i] = tagger.tag(&gold[i].text);
        }
    }
    let dictionary: Vec<Tagging> = gold.iter().map(|g| dict.tag(&g.text)).collect();
    let all: Vec<usize> = (0..gold.len()).collect();
    let model = fit_model(dict, &examples, &all, opts, &choice);
    Ok(Trained {
        cv_dictionary: score(dict, gold, &dictionary),
        cv_model: score(dict, gold, &predicted),
        penalties: choice.penalties,
        model,
    })
}

/// What [`select`] compared, per theme: the figure of the dictionary and of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Whether the procedural head is used, with the micro F1 of themes without and with it.
    pub procedural: (bool, f64, f64),
    /// Per theme: presence F1 by the dictionary and by the model, and which is used.
    pub presence: Vec<(String, f64, f64, Source)>,
    /// Per theme: polarity accuracy (on the themes found) by the dictionary and by the model,
    /// and which is used.
    pub polarity: Vec<(String, Option<f64>, Option<f64>, Source)>,
    /// The figures of the dictionary alone and of the model as selected.
    pub before: Report,
    pub after: Report,
}

/// A copy of `model` with these sources.
fn with_sources(
    model: &Model,
    procedural: Source,
    presence: &[Source],
    polarity: &[Source],
) -> Model {
    let mut m = model.clone();
    for h in &mut m.heads {
        h.source = match h.kind {
            HeadKind::Procedural => procedural,
            HeadKind::Presence(t) => presence[t],
            HeadKind::Polarity => Source::Model,
        };
    }
    m.polarity = polarity.to_vec();
    m
}

/// Evaluates a model variant on `gold`.
fn evaluate_variant(dict: &Tagger, model: &Model, gold: &[GoldPassage]) -> Result<Report> {
    let tagger = Tagger::with_model(dict.taxonomy(), model)?;
    Ok(crate::tag::eval::evaluate(&tagger, gold))
}

/// Sets, per theme, whether the model or the dictionary decides presence and polarity, by which
/// does better on `gold` (aggregate figures per theme only); the procedural head is kept when
/// it raises the micro F1 of the themes. Ties go to the dictionary.
pub fn select(dict: &Tagger, model: &Model, gold: &[GoldPassage]) -> Result<(Model, Selection)> {
    let n = dict.taxonomy().themes().len();
    let (d, m) = (Source::Dictionary, Source::Model);
    let before = crate::tag::eval::evaluate(dict, gold);
    let without = evaluate_variant(
        dict,
        &with_sources(model, d, &vec![d; n], &vec![d; n]),
        gold,
    )?;
    let with = evaluate_variant(
        dict,
        &with_sources(model, m, &vec![d; n], &vec![d; n]),
        gold,
    )?;
    let procedural = if with.micro_f1 > without.micro_f1 {
        m
    } else {
        d
    };
    let by_dict = if procedural == m { &with } else { &without };
    let by_model = evaluate_variant(
        dict,
        &with_sources(model, procedural, &vec![m; n], &vec![d; n]),
        gold,
    )?;
    let mut presence = Vec::new();
    for (a, b) in by_dict.themes.iter().zip(&by_model.themes) {
        let src = if b.f1 > a.f1 { m } else { d };
        presence.push((a.theme.clone(), a.f1, b.f1, src));
    }
    let chosen: Vec<Source> = presence.iter().map(|p| p.3).collect();
    let pol_dict = evaluate_variant(
        dict,
        &with_sources(model, procedural, &chosen, &vec![d; n]),
        gold,
    )?;
    let pol_model = evaluate_variant(
        dict,
        &with_sources(model, procedural, &chosen, &vec![m; n]),
        gold,
    )?;
    let mut polarity = Vec::new();
    for (a, b) in pol_dict.themes.iter().zip(&pol_model.themes) {
        let (x, y) = (a.polarity_accuracy(), b.polarity_accuracy());
        let src = match (x, y) {
            (Some(x), Some(y)) if y > x => m,
            _ => d,
        };
        polarity.push((a.theme.clone(), x, y, src));
    }
    let pol: Vec<Source> = polarity.iter().map(|p| p.3).collect();
    let selected = with_sources(model, procedural, &chosen, &pol);
    let after = evaluate_variant(dict, &selected, gold)?;
    Ok((
        selected,
        Selection {
            procedural: (procedural == m, without.micro_f1, with.micro_f1),
            presence,
            polarity,
            before,
            after,
        },
    ))
}
