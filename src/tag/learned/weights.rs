//! The learned model as a data file: its heads, features and weights, read from and written to
//! the text format of `data/model.tsv`, with a content hash like the taxonomy's.
//!
//! Input: the file's text (and its path, for errors), or a [`Model`] to write. Output: a
//! validated [`Model`], or the file text. Every error names the file and the line. The format,
//! one record per line, fields separated by tabs, `#` starting a comment line:
//!
//! ```text
//! format      1
//! taxonomy    <the version of the taxonomy the dictionary features come from>
//! trained     <free text: the gold set and its size>
//! setting     <name>  <value>                      (training settings, for the record)
//! head        procedural | presence:THEME | polarity   bias=<f>  threshold=<p>  use=model|dictionary
//! polarity    THEME  model|dictionary              (what decides the polarity of THEME's tags)
//! features    <the number of `w` lines>            (so a file cut off at a line's end is refused;
//!                                                   optional: files written before it load)
//! w           <feature>  <weight per head, in head order>
//! ```
//!
//! Features: `w:STEM` (a word's token, present or not), `b:STEM STEM` (two consecutive
//! tokens), `d:THEME` (the dictionary's score of the theme, capped), `t:THEME` (the dictionary
//! tagged the theme), `c:THEME:risk|opportunity` (a cue decided the theme's polarity),
//! `cues:risk|opportunity` (how many themes a cue decided so), `allcues:risk|opportunity` (how
//! many of the passage's cues, near a theme term or not, mark each), `lastcue:risk|opportunity`
//! (the polarity of its last cue) and `len` (tokens / 100). This
//! module does not train (see `train`) and scores nothing (see `runtime`).

use crate::error::{Error, Result};
use crate::model::Polarity;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Version of the file format.
pub const FORMAT: u32 = 1;

/// The dictionary score a `d:THEME` feature is capped at.
pub const SCORE_CAP: f32 = 3.0;

/// What a head predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HeadKind {
    /// Whether a passage is procedural.
    Procedural,
    /// Whether a passage discusses the theme (its index in the taxonomy).
    Presence(usize),
    /// Whether a themed passage presents its themes as a risk (against an opportunity).
    Polarity,
}

/// Which of the two decides: the learned model or the dictionary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Model,
    Dictionary,
}

impl Source {
    /// `model` or `dictionary`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Model => "model",
            Source::Dictionary => "dictionary",
        }
    }

    /// Parses [`Source::as_str`].
    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "model" => Some(Source::Model),
            "dictionary" => Some(Source::Dictionary),
            _ => None,
        }
    }
}

/// One logistic regression: its bias, the probability threshold above which it says yes, and
/// whether it is used.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    pub kind: HeadKind,
    pub bias: f32,
    pub threshold: f32,
    pub source: Source,
}

/// One input of the heads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Feature {
    /// A token (stem) occurs.
    Word(String),
    /// Two tokens occur one after the other.
    Bigram(String, String),
    /// The dictionary's score of a theme (index), capped at [`SCORE_CAP`].
    DictScore(usize),
    /// The dictionary tagged the theme.
    DictTagged(usize),
    /// A cue decided the dictionary's polarity of the theme.
    DictCue(usize, Polarity),
    /// The number of dictionary tags a cue decided with this polarity.
    CueCount(Polarity),
    /// The number of the passage's deciding cues (negation applied) with this polarity,
    /// whatever theme they are near.
    PassageCues(Polarity),
    /// The passage's last deciding cue has this polarity.
    LastCue(Polarity),
    /// Tokens / 100.
    Length,
}

impl Feature {
    /// The feature's name in the file (theme ids from `themes`).
    pub fn name(&self, themes: &[String]) -> String {
        let theme = |i: &usize| themes.get(*i).map_or("?", String::as_str);
        match self {
            Feature::Word(w) => format!("w:{w}"),
            Feature::Bigram(a, b) => format!("b:{a} {b}"),
            Feature::DictScore(t) => format!("d:{}", theme(t)),
            Feature::DictTagged(t) => format!("t:{}", theme(t)),
            Feature::DictCue(t, p) => format!("c:{}:{}", theme(t), p.as_str()),
            Feature::CueCount(p) => format!("cues:{}", p.as_str()),
            Feature::PassageCues(p) => format!("allcues:{}", p.as_str()),
            Feature::LastCue(p) => format!("lastcue:{}", p.as_str()),
            Feature::Length => "len".into(),
        }
    }

    /// Parses [`Feature::name`]; `None` for an unknown form or theme.
    pub fn parse(s: &str, themes: &[String]) -> Option<Feature> {
        let theme = |id: &str| themes.iter().position(|t| t == id);
        if s == "len" {
            return Some(Feature::Length);
        }
        let (kind, rest) = s.split_once(':')?;
        match kind {
            "w" if !rest.is_empty() && !rest.contains(char::is_whitespace) => {
                Some(Feature::Word(rest.into()))
            }
            "b" => {
                let (a, b) = rest.split_once(' ')?;
                (!a.is_empty() && !b.is_empty() && !b.contains(' '))
                    .then(|| Feature::Bigram(a.into(), b.into()))
            }
            "d" => theme(rest).map(Feature::DictScore),
            "t" => theme(rest).map(Feature::DictTagged),
            "c" => {
                let (t, p) = rest.rsplit_once(':')?;
                Some(Feature::DictCue(theme(t)?, polarity(p)?))
            }
            "cues" => polarity(rest).map(Feature::CueCount),
            "allcues" => polarity(rest).map(Feature::PassageCues),
            "lastcue" => polarity(rest).map(Feature::LastCue),
            _ => None,
        }
    }
}

/// Exactly `risk` or `opportunity`.
fn polarity(s: &str) -> Option<Polarity> {
    [Polarity::Risk, Polarity::Opportunity]
        .into_iter()
        .find(|p| p.as_str() == s)
}

/// A learned model: heads over shared features, for one taxonomy.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub(crate) version: String,
    pub(crate) path: PathBuf,
    /// Version of the taxonomy whose dictionary hits are features.
    pub(crate) taxonomy: String,
    /// Theme ids in the taxonomy's order (what `Presence(i)` and `DictScore(i)` index).
    pub(crate) themes: Vec<String>,
    pub(crate) trained: String,
    pub(crate) settings: Vec<(String, String)>,
    pub(crate) heads: Vec<Head>,
    /// Per theme (index): what decides the polarity of its tags.
    pub(crate) polarity: Vec<Source>,
    /// Each feature with one weight per head.
    pub(crate) weights: Vec<(Feature, Vec<f32>)>,
}

impl Model {
    /// Content hash: the first 12 hex digits of the SHA-256 of the file text.
    pub fn version(&self) -> &str {
        &self.version
    }
    /// Where the model came from (`data/model.tsv` for the embedded one).
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// The taxonomy version it was trained with.
    pub fn taxonomy(&self) -> &str {
        &self.taxonomy
    }
    /// Theme ids, in the taxonomy's order.
    pub fn themes(&self) -> &[String] {
        &self.themes
    }
    /// The heads, in file order.
    pub fn heads(&self) -> &[Head] {
        &self.heads
    }
    /// What decides the polarity of each theme's tags (taxonomy order).
    pub fn polarity_sources(&self) -> &[Source] {
        &self.polarity
    }
    /// Features with their weights (one per head).
    pub fn weights(&self) -> &[(Feature, Vec<f32>)] {
        &self.weights
    }
    /// What it was trained on, as recorded.
    pub fn trained(&self) -> &str {
        &self.trained
    }
    /// The training settings, as recorded.
    pub fn settings(&self) -> &[(String, String)] {
        &self.settings
    }
    /// The `n` features with the largest weights (either sign) of head `h`, largest first.
    pub fn top_features(&self, h: usize, n: usize) -> Vec<(String, f32)> {
        let mut v: Vec<(String, f32)> = self
            .weights
            .iter()
            .filter_map(|(f, w)| w.get(h).map(|&x| (f.name(&self.themes), x)))
            .filter(|(_, x)| *x != 0.0)
            .collect();
        v.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }

    /// The index of the head of `kind`.
    pub fn head(&self, kind: HeadKind) -> Option<usize> {
        self.heads.iter().position(|h| h.kind == kind)
    }

    /// The head's name in the file.
    pub fn head_name(&self, kind: HeadKind) -> String {
        match kind {
            HeadKind::Procedural => "procedural".into(),
            HeadKind::Polarity => "polarity".into(),
            HeadKind::Presence(t) => format!(
                "presence:{}",
                self.themes.get(t).map_or("?", String::as_str)
            ),
        }
    }

    /// Loads a model file.
    pub fn load(path: &Path, themes: &[String]) -> Result<Model> {
        let text = Error::read_utf8(path)?;
        Model::parse(&text, path, themes)
    }

    /// Parses a model file for a taxonomy with these theme ids (in its order).
    pub fn parse(text: &str, path: &Path, themes: &[String]) -> Result<Model> {
        Parser::new(path, themes).run(text)
    }

    /// The file text of this model (parsing it gives the model back).
    pub fn to_text(&self, comment: &str) -> String {
        let mut s = String::new();
        for line in comment.lines() {
            let _ = writeln!(s, "# {line}");
        }
        let _ = writeln!(s, "format\t{FORMAT}");
        let _ = writeln!(s, "taxonomy\t{}", self.taxonomy);
        let _ = writeln!(s, "trained\t{}", self.trained.replace(['\t', '\n'], " "));
        for (k, v) in &self.settings {
            let _ = writeln!(s, "setting\t{k}\t{v}");
        }
        for h in &self.heads {
            let _ = writeln!(
                s,
                "head\t{}\tbias={}\tthreshold={}\tuse={}",
                self.head_name(h.kind),
                fmt_weight(h.bias),
                fmt_weight(h.threshold),
                h.source.as_str()
            );
        }
        for (t, src) in self.themes.iter().zip(&self.polarity) {
            let _ = writeln!(s, "polarity\t{t}\t{}", src.as_str());
        }
        // The number of weight rows: a file cut off at a line's end is told from a whole one.
        let _ = writeln!(s, "features\t{}", self.weights.len());
        for (f, w) in &self.weights {
            let _ = write!(s, "w\t{}", f.name(&self.themes));
            for x in w {
                let _ = write!(s, "\t{}", fmt_weight(*x));
            }
            s.push('\n');
        }
        s
    }
}

/// A weight with at most 4 decimals and no trailing zeros (`0` for zero).
pub fn fmt_weight(x: f32) -> String {
    let r = (f64::from(x) * 10_000.0).round() / 10_000.0;
    if r == 0.0 {
        return "0".into();
    }
    let s = format!("{r:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The version hash of model text (as the taxonomy's: 12 hex digits of its SHA-256).
pub fn version_of(text: &str) -> String {
    crate::hash::short_hex(text.replace("\r\n", "\n").as_bytes(), 6)
}

/// Reads the file line by line.
struct Parser<'a> {
    path: &'a Path,
    themes: &'a [String],
    line: usize,
}

impl<'a> Parser<'a> {
    fn new(path: &'a Path, themes: &'a [String]) -> Parser<'a> {
        Parser {
            path,
            themes,
            line: 0,
        }
    }

    fn err(&self, message: impl Into<String>) -> Error {
        match self.line {
            0 => Error::InputFile {
                path: self.path.to_path_buf(),
                message: message.into(),
            },
            line => Error::InputLine {
                path: self.path.to_path_buf(),
                line,
                message: message.into(),
            },
        }
    }

    fn run(mut self, text: &str) -> Result<Model> {
        let mut m = Model {
            version: version_of(text),
            path: self.path.to_path_buf(),
            taxonomy: String::new(),
            themes: self.themes.to_vec(),
            trained: String::new(),
            settings: Vec::new(),
            heads: Vec::new(),
            polarity: vec![Source::Dictionary; self.themes.len()],
            weights: Vec::new(),
        };
        let mut format = None;
        let mut announced = None;
        for (i, raw) in text.lines().enumerate() {
            self.line = i + 1;
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            match fields[0] {
                "format" => format = Some(self.format(&fields)?),
                "taxonomy" => m.taxonomy = self.one(&fields)?.to_string(),
                "trained" => m.trained = fields[1..].join(" "),
                "setting" if fields.len() == 3 => {
                    m.settings.push((fields[1].into(), fields[2].into()))
                }
                "head" => {
                    if !m.weights.is_empty() {
                        return Err(self.err("every `head` line must come before the weights"));
                    }
                    let h = self.head(&fields)?;
                    if m.heads.iter().any(|x| x.kind == h.kind) {
                        return Err(self.err(format!("head {:?} is given twice", fields[1])));
                    }
                    m.heads.push(h);
                }
                "polarity" => {
                    let (t, src) = self.polarity(&fields)?;
                    m.polarity[t] = src;
                }
                "features" => announced = Some(self.count(&fields)?),
                "w" => m.weights.push(self.weight(&fields, m.heads.len())?),
                other => {
                    return Err(self.err(format!(
                        "unknown record {other:?}: valid records are format, taxonomy, trained, setting, head, polarity, features, w"
                    )))
                }
            }
        }
        self.line = 0;
        if format.is_none() {
            return Err(self.err(format!(
                "no `format` line: this is not an igf-lens model (format {FORMAT})"
            )));
        }
        if m.heads.is_empty() {
            return Err(self.err("no `head` line: a model needs at least one head"));
        }
        match announced {
            Some(n) if n != m.weights.len() => Err(self.err(format!(
                "the `features` line announces {n} weight rows but the file holds {}: it was cut \
                 off or edited; copy the model file again, or train it again with `igf-lens train`",
                m.weights.len()
            ))),
            _ => Ok(m),
        }
    }

    fn one<'f>(&self, fields: &[&'f str]) -> Result<&'f str> {
        match fields {
            [_, v] if !v.trim().is_empty() => Ok(v.trim()),
            _ => Err(self.err(format!("`{}` takes one value", fields[0]))),
        }
    }

    /// The value of a `features` line: the number of `w` rows the file holds (written since
    /// 2026-12-08; a file without one is read as before).
    fn count(&self, fields: &[&str]) -> Result<usize> {
        let v = self.one(fields)?;
        v.parse().map_err(|_| {
            self.err(format!(
                "`features` takes the number of weight rows, not {v:?}"
            ))
        })
    }

    fn format(&self, fields: &[&str]) -> Result<u32> {
        let v = self.one(fields)?;
        match v.parse::<u32>() {
            Ok(FORMAT) => Ok(FORMAT),
            _ => Err(self.err(format!(
                "model format {v:?}: this igf-lens reads format {FORMAT}; train the model again with `igf-lens train`"
            ))),
        }
    }

    fn kind(&self, name: &str) -> Result<HeadKind> {
        match name {
            "procedural" => Ok(HeadKind::Procedural),
            "polarity" => Ok(HeadKind::Polarity),
            _ => match name.strip_prefix("presence:") {
                Some(id) => self
                    .themes
                    .iter()
                    .position(|t| t == id)
                    .map(HeadKind::Presence)
                    .ok_or_else(|| self.unknown_theme(id)),
                None => Err(self.err(format!(
                    "unknown head {name:?}: valid heads are procedural, presence:THEME, polarity"
                ))),
            },
        }
    }

    fn unknown_theme(&self, id: &str) -> Error {
        self.err(format!(
            "theme {id:?} is not in the taxonomy: valid themes are {}",
            self.themes.join(", ")
        ))
    }

    fn head(&self, fields: &[&str]) -> Result<Head> {
        let [_, name, rest @ ..] = fields else {
            return Err(self.err("`head` takes a name, bias=, threshold= and use="));
        };
        let mut h = Head {
            kind: self.kind(name)?,
            bias: 0.0,
            threshold: 0.5,
            source: Source::Model,
        };
        for kv in rest {
            let Some((k, v)) = kv.split_once('=') else {
                return Err(self.err(format!("{kv:?} is not key=value")));
            };
            match k {
                "bias" => h.bias = self.number(v)?,
                "threshold" => {
                    h.threshold = self.number(v)?;
                    if !(0.0..=1.0).contains(&h.threshold) {
                        return Err(self.err(format!("threshold {v} is not between 0 and 1")));
                    }
                }
                "use" => {
                    h.source = Source::parse(v).ok_or_else(|| {
                        self.err(format!("use={v}: valid values are model, dictionary"))
                    })?
                }
                _ => {
                    return Err(self.err(format!(
                        "unknown key {k:?}: valid keys are bias, threshold, use"
                    )))
                }
            }
        }
        Ok(h)
    }

    fn polarity(&self, fields: &[&str]) -> Result<(usize, Source)> {
        let [_, theme, src] = fields else {
            return Err(self.err("`polarity` takes a theme and model or dictionary"));
        };
        let t = self
            .themes
            .iter()
            .position(|x| x == theme)
            .ok_or_else(|| self.unknown_theme(theme))?;
        let src = Source::parse(src)
            .ok_or_else(|| self.err(format!("{src:?}: valid values are model, dictionary")))?;
        Ok((t, src))
    }

    fn number(&self, v: &str) -> Result<f32> {
        match v.trim().parse::<f32>() {
            Ok(x) if x.is_finite() => Ok(x),
            _ => Err(self.err(format!("{v:?} is not a finite number"))),
        }
    }

    fn weight(&self, fields: &[&str], heads: usize) -> Result<(Feature, Vec<f32>)> {
        let [_, name, values @ ..] = fields else {
            return Err(self.err("`w` takes a feature and its weights"));
        };
        let f = Feature::parse(name, self.themes)
            .ok_or_else(|| self.err(format!("unknown feature {name:?}")))?;
        if values.len() != heads {
            return Err(self.err(format!(
                "feature {name:?} has {} weights for {heads} heads",
                values.len()
            )));
        }
        let w = values
            .iter()
            .map(|v| self.number(v))
            .collect::<Result<Vec<f32>>>()?;
        Ok((f, w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn themes() -> Vec<String> {
        vec!["scope".into(), "cooperation".into()]
    }

    #[test]
    fn a_model_round_trips_through_its_text() {
        let t = themes();
        let m = Model {
            version: String::new(),
            path: PathBuf::from("m.tsv"),
            taxonomy: "abc".into(),
            themes: t.clone(),
            trained: "gold.csv (3 passages)".into(),
            settings: vec![("l2".into(), "1".into())],
            heads: vec![
                Head {
                    kind: HeadKind::Procedural,
                    bias: -1.5,
                    threshold: 0.5,
                    source: Source::Model,
                },
                Head {
                    kind: HeadKind::Presence(1),
                    bias: 0.25,
                    threshold: 0.4,
                    source: Source::Dictionary,
                },
            ],
            polarity: vec![Source::Model, Source::Dictionary],
            weights: vec![
                (Feature::Word("treati".into()), vec![0.5, -0.125]),
                (
                    Feature::Bigram("data".into(), "access".into()),
                    vec![0.0, 1.0],
                ),
                (Feature::DictCue(0, Polarity::Risk), vec![0.1, 0.2]),
                (Feature::CueCount(Polarity::Opportunity), vec![0.3, 0.0]),
                (Feature::Length, vec![0.0, 2.0]),
            ],
        };
        let text = m.to_text("a test model");
        assert!(text.contains("\nfeatures\t5\n"), "{text}");
        let back = Model::parse(&text, Path::new("m.tsv"), &t).expect("parses");
        assert_eq!(back.version, version_of(&text));
        assert_eq!(
            Model {
                version: String::new(),
                ..back
            },
            m
        );
    }

    #[test]
    fn bad_lines_are_named() {
        let t = themes();
        let cases = [
            ("taxonomy\tx\n", "m.tsv: no `format` line"),
            ("format\t9\n", "m.tsv:1: model format \"9\""),
            (
                "format\t1\nhead\tpresence:nope\n",
                "m.tsv:2: theme \"nope\" is not in the taxonomy",
            ),
            (
                "format\t1\nhead\tprocedural\tthreshold=2\n",
                "m.tsv:2: threshold 2 is not between 0 and 1",
            ),
            (
                "format\t1\nhead\tprocedural\nw\tw:a\t1\t2\n",
                "m.tsv:3: feature \"w:a\" has 2 weights for 1 heads",
            ),
            (
                "format\t1\nhead\tprocedural\nw\tw:a\tNaN\n",
                "m.tsv:3: \"NaN\" is not a finite number",
            ),
            ("format\t1\nfoo\n", "m.tsv:2: unknown record \"foo\""),
            (
                "format\t1\nhead\tprocedural\nfeatures\t2\nw\tw:a\t1\n",
                "m.tsv: the `features` line announces 2 weight rows but the file holds 1: it was cut off",
            ),
            (
                "format\t1\nhead\tprocedural\nfeatures\tmany\n",
                "m.tsv:3: `features` takes the number of weight rows, not \"many\"",
            ),
        ];
        for (text, want) in cases {
            let e = Model::parse(text, Path::new("m.tsv"), &t)
                .expect_err(text)
                .to_string();
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn weights_print_short() {
        assert_eq!(fmt_weight(0.0), "0");
        assert_eq!(fmt_weight(0.00001), "0");
        assert_eq!(fmt_weight(1.5), "1.5");
        assert_eq!(fmt_weight(-0.12345), "-0.1235");
    }
}
