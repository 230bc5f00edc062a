//! Evaluation of a taxonomy against a hand-labelled gold set.
//!
//! Input: a CSV file with header `id,text,labels` (other columns, such as `source`, are
//! ignored), where `labels` is `theme:polarity` pairs joined by `;`, `procedural` alone for a
//! procedural passage, or empty when the passage is substantive and carries no theme; and a
//! [`Tagger`]. Output: a [`Report`] with precision, recall and F1 per theme and overall (micro
//! and macro), the accuracy of polarity on themes found correctly (overall and by what decided
//! it), the procedural class scored as a class of its own, and the list of mistakes.
//!
//! Definitions: a theme counts as found when the tagger gives it, whatever its polarity
//! (true positive), given wrongly (false positive) or missed (false negative). A procedural
//! passage carries no theme, so every theme given to it is a false positive. Micro figures
//! pool every theme's counts; macro F1 is the mean F1 over the themes of the taxonomy that occur
//! in the gold set or were predicted at least once. Polarity accuracy is the share of true
//! positives whose polarity matches the gold label, whatever decided it (a cue, the theme's
//! default, the model): defaults are counted, not left out. Procedural precision, recall and F1
//! compare the passages the tagger marks procedural with those labelled so. This module prints
//! nothing.

use super::tagger::Tagger;
use crate::csv_input::{line_error, CsvHeader};
use crate::error::{Error, Result};
use crate::model::{DecidedBy, Polarity, Tag, Tagging};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// One hand-labelled passage.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldPassage {
    pub id: String,
    pub text: String,
    /// `(theme, polarity)` pairs, as labelled.
    pub labels: Vec<(String, Polarity)>,
    /// Labelled `procedural` (then `labels` is empty).
    pub procedural: bool,
    /// 1-based line of the record in the CSV file.
    pub line: usize,
}

/// The label of a procedural passage.
pub const PROCEDURAL: &str = "procedural";

/// Reads a gold CSV file (see the module docs for the format).
pub fn load_gold(path: &Path) -> Result<Vec<GoldPassage>> {
    let text = Error::read_utf8(path)?;
    parse_gold(&text, path)
}

/// Reads several gold CSV files as one set (ids must be distinct across them).
pub fn load_gold_files(paths: &[std::path::PathBuf]) -> Result<Vec<GoldPassage>> {
    let mut out: Vec<GoldPassage> = Vec::new();
    let mut seen: HashMap<String, std::path::PathBuf> = HashMap::new();
    for p in paths {
        for g in load_gold(p)? {
            if let Some(first) = seen.get(&g.id) {
                return Err(Error::InputLine {
                    path: p.clone(),
                    line: g.line,
                    message: format!("id {:?} is also in {}", g.id, first.display()),
                });
            }
            seen.insert(g.id.clone(), p.clone());
            out.push(g);
        }
    }
    Ok(out)
}

/// Parses gold CSV text; `path` names it in errors.
pub fn parse_gold(text: &str, path: &Path) -> Result<Vec<GoldPassage>> {
    let err = |line: usize, message: String| line_error(path, line, message);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = CsvHeader::read(&mut rdr, path, "id,text,labels")?;
    let col = |name: &str| header.col(name);
    let (ci, ct, cl) = (col("id")?, col("text")?, col("labels")?);
    let mut out = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            err(line, format!("malformed CSV record: {e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let id = field(ci);
        if id.is_empty() {
            return Err(err(line, "empty id".into()));
        }
        if let Some(first) = ids.get(&id) {
            return Err(err(
                line,
                format!("duplicate id {id:?} (first on line {first})"),
            ));
        }
        ids.insert(id.clone(), line);
        let raw_labels = field(cl);
        let procedural = raw_labels.eq_ignore_ascii_case(PROCEDURAL);
        let mut labels: Vec<(String, Polarity)> = Vec::new();
        for raw in raw_labels
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty() && !procedural)
        {
            if raw.eq_ignore_ascii_case(PROCEDURAL) {
                return Err(err(
                    line,
                    "`procedural` stands alone: a passage with a theme is not procedural".into(),
                ));
            }
            let Some((theme, pol)) = raw.split_once(':') else {
                return Err(err(
                    line,
                    format!("label {raw:?} is not theme:polarity (e.g. scope:risk)"),
                ));
            };
            let theme = theme.trim().to_string();
            let Some(pol) = Polarity::parse(pol) else {
                return Err(err(
                    line,
                    format!(
                        "unknown polarity in label {raw:?}: valid values are risk, opportunity"
                    ),
                ));
            };
            if labels.iter().any(|(t, _)| *t == theme) {
                return Err(err(line, format!("theme {theme:?} is labelled twice")));
            }
            labels.push((theme, pol));
        }
        out.push(GoldPassage {
            id,
            text: field(ct),
            labels,
            procedural,
            line,
        });
    }
    if out.is_empty() {
        return Err(Error::InputFile {
            path: path.to_path_buf(),
            message: "no passages: add rows id,text,labels under the header".into(),
        });
    }
    Ok(out)
}

/// Figures for one theme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeScore {
    pub theme: String,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Passages labelled with the theme.
    pub support: usize,
    /// Passages the tagger gave the theme.
    pub predicted: usize,
    /// True positives with the right polarity.
    pub polarity_correct: usize,
    /// True positives whose polarity the theme's default decided, by their gold polarity
    /// (risk, opportunity): the default that is more often right is the larger.
    pub default_gold: (usize, usize),
}

impl ThemeScore {
    /// Share of true positives with the right polarity (`None` without true positives).
    pub fn polarity_accuracy(&self) -> Option<f64> {
        (self.true_positives > 0).then(|| self.polarity_correct as f64 / self.true_positives as f64)
    }

    /// The default polarity that would be right more often on the tags it decided (`None`
    /// when it decided none, or as many each way).
    pub fn better_default(&self) -> Option<Polarity> {
        let (r, o) = self.default_gold;
        match r.cmp(&o) {
            std::cmp::Ordering::Greater => Some(Polarity::Risk),
            std::cmp::Ordering::Less => Some(Polarity::Opportunity),
            std::cmp::Ordering::Equal => None,
        }
    }

    /// A theme with nothing counted yet.
    fn empty(theme: &str) -> Self {
        ThemeScore {
            theme: theme.to_string(),
            true_positives: 0,
            false_positives: 0,
            false_negatives: 0,
            precision: 0.0,
            recall: 0.0,
            f1: 0.0,
            support: 0,
            predicted: 0,
            polarity_correct: 0,
            default_gold: (0, 0),
        }
    }

    /// Counts one passage: the gold polarity of this theme (`want`) against the tagger's tag
    /// (`got`), and the polarity decided by each source in `by`. Returns the mistake, if any.
    fn count(
        &mut self,
        want: Option<Polarity>,
        got: Option<&Tag>,
        by: &mut [PolarityBy],
    ) -> Option<MistakeKind> {
        self.support += usize::from(want.is_some());
        self.predicted += usize::from(got.is_some());
        match (want, got) {
            (Some(w), Some(t)) => {
                self.true_positives += 1;
                if let Some(b) = by.iter_mut().find(|b| b.decided_by == t.decided_by) {
                    b.total += 1;
                    b.correct += usize::from(t.polarity == w);
                }
                if t.decided_by == DecidedBy::Default {
                    match w {
                        Polarity::Risk => self.default_gold.0 += 1,
                        Polarity::Opportunity => self.default_gold.1 += 1,
                    }
                }
                if t.polarity == w {
                    self.polarity_correct += 1;
                    None
                } else {
                    Some(MistakeKind::WrongPolarity)
                }
            }
            (Some(_), None) => {
                self.false_negatives += 1;
                Some(MistakeKind::Missed)
            }
            (None, Some(_)) => {
                self.false_positives += 1;
                Some(MistakeKind::Extra)
            }
            (None, None) => None,
        }
    }

    /// Sets precision, recall and F1 from the counts.
    fn finish(&mut self) {
        self.precision = ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        );
        self.recall = ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        );
        self.f1 = f1(self.precision, self.recall);
    }
}

/// What went wrong on one passage and theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MistakeKind {
    /// Labelled, not found.
    Missed,
    /// Found, not labelled.
    Extra,
    /// Found and labelled, with the other polarity.
    WrongPolarity,
}

/// One mistake, with the evidence the tagger had.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mistake {
    pub id: String,
    pub line: usize,
    pub theme: String,
    pub kind: MistakeKind,
    pub expected: Option<Polarity>,
    pub got: Option<Polarity>,
    /// `terms=…; cue=…` when the tagger gave the theme.
    pub evidence: Option<String>,
    pub text: String,
}

/// Precision, recall and F1 of one class of passages (procedural).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ClassScore {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    /// Passages labelled with the class.
    pub support: usize,
    /// Passages the tagger put in the class.
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Polarity on the correctly found themes whose polarity one source decided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PolarityBy {
    pub decided_by: DecidedBy,
    pub correct: usize,
    pub total: usize,
}

impl PolarityBy {
    /// `correct / total` (`None` when nothing was decided this way).
    pub fn accuracy(&self) -> Option<f64> {
        (self.total > 0).then(|| self.correct as f64 / self.total as f64)
    }
}

/// The result of an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub passages: usize,
    /// Version of the taxonomy evaluated.
    pub taxonomy: String,
    /// Version of the model used with it (empty: the dictionary alone).
    pub model: String,
    /// Per theme, in taxonomy order.
    pub themes: Vec<ThemeScore>,
    pub micro_precision: f64,
    pub micro_recall: f64,
    pub micro_f1: f64,
    pub macro_f1: f64,
    /// Over every correctly found theme, defaults included.
    pub polarity_accuracy: f64,
    /// The same, split by what decided the polarity ([`DecidedBy::ALL`] order; all four).
    pub polarity_by: Vec<PolarityBy>,
    /// The procedural class.
    pub procedural: ClassScore,
    pub mistakes: Vec<Mistake>,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Checks that every labelled theme exists in the tagger's taxonomy.
pub fn check_labels(gold: &[GoldPassage], tagger: &Tagger, path: &Path) -> Result<()> {
    let ids = tagger.taxonomy().theme_ids();
    for g in gold {
        for (theme, _) in &g.labels {
            if !ids.contains(&theme.as_str()) {
                return Err(Error::InputLine {
                    path: path.to_path_buf(),
                    line: g.line,
                    message: format!(
                        "theme {theme:?} is not in the taxonomy {}: valid themes are {}",
                        tagger.taxonomy().path().display(),
                        ids.join(", ")
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Tags every gold passage and scores the result.
pub fn evaluate(tagger: &Tagger, gold: &[GoldPassage]) -> Report {
    let predicted: Vec<Tagging> = gold.iter().map(|g| tagger.tag(&g.text)).collect();
    score(tagger, gold, &predicted)
}

/// Scores the procedural class.
fn score_procedural(gold: &[GoldPassage], predicted: &[Tagging]) -> ClassScore {
    let mut c = ClassScore::default();
    for (g, p) in gold.iter().zip(predicted) {
        c.support += usize::from(g.procedural);
        c.predicted += usize::from(p.procedural);
        match (g.procedural, p.procedural) {
            (true, true) => c.true_positives += 1,
            (false, true) => c.false_positives += 1,
            (true, false) => c.false_negatives += 1,
            (false, false) => {}
        }
    }
    c.precision = ratio(c.true_positives, c.predicted);
    c.recall = ratio(c.true_positives, c.support);
    c.f1 = f1(c.precision, c.recall);
    c
}

/// Scores predictions (one tagging per gold passage, same order).
pub fn score(tagger: &Tagger, gold: &[GoldPassage], predicted: &[Tagging]) -> Report {
    let tax = tagger.taxonomy();
    let mut scores: Vec<ThemeScore> = tax.theme_ids().into_iter().map(ThemeScore::empty).collect();
    let mut mistakes = Vec::new();
    let mut by: Vec<PolarityBy> = DecidedBy::ALL
        .iter()
        .map(|&d| PolarityBy {
            decided_by: d,
            correct: 0,
            total: 0,
        })
        .collect();
    for (g, tagging) in gold.iter().zip(predicted) {
        for s in scores.iter_mut() {
            let want = g.labels.iter().find(|(t, _)| *t == s.theme).map(|x| x.1);
            let got = tagging.tags.iter().find(|t| t.theme == s.theme);
            if let Some(kind) = s.count(want, got, &mut by) {
                mistakes.push(Mistake {
                    id: g.id.clone(),
                    line: g.line,
                    theme: s.theme.clone(),
                    kind,
                    expected: want,
                    got: got.map(|t| t.polarity),
                    evidence: got.map(Tag::explain),
                    text: g.text.clone(),
                });
            }
        }
    }
    scores.iter_mut().for_each(ThemeScore::finish);
    let sum = |f: fn(&ThemeScore) -> usize| scores.iter().map(f).sum::<usize>();
    let tp = sum(|s| s.true_positives);
    let micro_precision = ratio(tp, tp + sum(|s| s.false_positives));
    let micro_recall = ratio(tp, tp + sum(|s| s.false_negatives));
    let f1s: Vec<f64> = scores
        .iter()
        .filter(|s| s.support > 0 || s.predicted > 0)
        .map(|s| s.f1)
        .collect();
    Report {
        passages: gold.len(),
        taxonomy: tax.version().to_string(),
        model: tagger.model_version().to_string(),
        micro_precision,
        micro_recall,
        micro_f1: f1(micro_precision, micro_recall),
        macro_f1: if f1s.is_empty() {
            0.0
        } else {
            f1s.iter().sum::<f64>() / f1s.len() as f64
        },
        polarity_accuracy: ratio(sum(|s| s.polarity_correct), tp),
        polarity_by: by,
        procedural: score_procedural(gold, predicted),
        themes: scores,
        mistakes,
    }
}

impl Report {
    /// The JSON object `igf-lens eval --format json` prints: `macro_f1`, `micro_f1`,
    /// `polarity_accuracy`, and `themes` keyed by theme id (figures rounded to 4 decimals).
    pub fn to_json(&self) -> serde_json::Value {
        let themes: BTreeMap<&str, serde_json::Value> = self
            .themes
            .iter()
            .map(|s| {
                (
                    s.theme.as_str(),
                    serde_json::json!({
                        "precision": round4(s.precision),
                        "recall": round4(s.recall),
                        "f1": round4(s.f1),
                        "support": s.support,
                        "predicted": s.predicted,
                        "true_positives": s.true_positives,
                        "false_positives": s.false_positives,
                        "false_negatives": s.false_negatives,
                        "polarity_accuracy": s.polarity_accuracy().map(round4),
                        "default_right": {
                            "risk": s.default_gold.0,
                            "opportunity": s.default_gold.1,
                        },
                    }),
                )
            })
            .collect();
        let by: BTreeMap<&str, serde_json::Value> = self
            .polarity_by
            .iter()
            .map(|b| {
                (
                    b.decided_by.as_str(),
                    serde_json::json!({
                        "correct": b.correct,
                        "total": b.total,
                        "accuracy": b.accuracy().map(round4),
                    }),
                )
            })
            .collect();
        let p = &self.procedural;
        serde_json::json!({
            "passages": self.passages,
            "taxonomy": self.taxonomy,
            "model": self.model,
            "macro_f1": round4(self.macro_f1),
            "micro_f1": round4(self.micro_f1),
            "micro_precision": round4(self.micro_precision),
            "micro_recall": round4(self.micro_recall),
            "polarity_accuracy": round4(self.polarity_accuracy),
            "polarity_by_decided": by,
            "procedural": {
                "precision": round4(p.precision),
                "recall": round4(p.recall),
                "f1": round4(p.f1),
                "support": p.support,
                "predicted": p.predicted,
                "true_positives": p.true_positives,
                "false_positives": p.false_positives,
                "false_negatives": p.false_negatives,
            },
            "themes": themes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;

    fn tag(theme: &str, p: Polarity) -> Tag {
        Tag {
            theme: theme.into(),
            polarity: p,
            score: 1.0,
            decided_by: DecidedBy::Cue,
            evidence: Evidence::default(),
            coder: None,
        }
    }

    fn tagging(tags: Vec<Tag>) -> Tagging {
        Tagging {
            procedural: false,
            tags,
        }
    }

    fn gold(labels: &[(&str, Polarity)]) -> GoldPassage {
        GoldPassage {
            id: "x".into(),
            text: String::new(),
            labels: labels.iter().map(|(t, p)| (t.to_string(), *p)).collect(),
            procedural: false,
            line: 2,
        }
    }

    #[test]
    fn parses_labels_and_rejects_bad_ones() {
        let ok = "id,text,labels\na,\"one, two\",scope:risk; cooperation:opportunity\nb,none,\n";
        let g = parse_gold(ok, Path::new("g.csv")).expect("valid");
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].text, "one, two");
        assert_eq!(
            g[0].labels,
            vec![
                ("scope".to_string(), Polarity::Risk),
                ("cooperation".to_string(), Polarity::Opportunity)
            ]
        );
        assert!(g[1].labels.is_empty());
        assert_eq!(g[1].line, 3);
        let cases = [
            (
                "id,text,labels\na,t,scope\n",
                "g.csv:2: label \"scope\" is not theme:polarity",
            ),
            (
                "id,text,labels\na,t,scope:good\n",
                "g.csv:2: unknown polarity",
            ),
            (
                "id,text,labels\na,t,\na,u,\n",
                "g.csv:3: duplicate id \"a\" (first on line 2)",
            ),
            ("id,body\na,t\n", "g.csv:1: no `text` column"),
        ];
        for (text, want) in cases {
            let e = parse_gold(text, Path::new("g.csv"))
                .expect_err(text)
                .to_string();
            assert!(e.starts_with(want), "{e}");
        }
    }

    #[test]
    fn scores_themes_and_polarity() {
        let tagger = Tagger::new(&crate::tag::Taxonomy::embedded());
        let r = Polarity::Risk;
        let o = Polarity::Opportunity;
        let gold = vec![
            gold(&[("scope", r)]),
            gold(&[("scope", r), ("cooperation", o)]),
            gold(&[]),
        ];
        let predicted = vec![
            tagging(vec![tag("scope", r)]),
            tagging(vec![tag("scope", o)]),
            tagging(vec![tag("cooperation", o)]),
        ];
        let rep = score(&tagger, &gold, &predicted);
        let scope = rep
            .themes
            .iter()
            .find(|s| s.theme == "scope")
            .expect("scope");
        assert_eq!(
            (
                scope.true_positives,
                scope.false_positives,
                scope.false_negatives
            ),
            (2, 0, 0)
        );
        assert_eq!(scope.polarity_accuracy(), Some(0.5));
        let coop = rep
            .themes
            .iter()
            .find(|s| s.theme == "cooperation")
            .expect("coop");
        assert_eq!(
            (
                coop.true_positives,
                coop.false_positives,
                coop.false_negatives
            ),
            (0, 1, 1)
        );
        assert_eq!(coop.f1, 0.0);
        // macro over the two themes that occur: (1.0 + 0.0) / 2
        assert_eq!(rep.macro_f1, 0.5);
        // micro: tp 2, fp 1, fn 1
        assert!((rep.micro_f1 - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(rep.polarity_accuracy, 0.5);
        assert_eq!(rep.mistakes.len(), 3);
    }
}
