//! The statistics a synthetic corpus follows ([`Profile`]) and the theme vocabulary it draws on
//! ([`Vocabulary`]).
//!
//! A profile is either built in (figures measured from `data/sessions` when this module was
//! written) or measured at run time from a directory of `*.raw.txt` transcripts and
//! `*.page.txt` session pages with [`Profile::measure`]. Measuring uses plain line scans, not
//! the real parsers, so it never depends on the state of the parse stage. The vocabulary comes
//! from a taxonomy file's `terms`/`phrases` arrays, or from a built-in list.

use super::words;
use aho_corasick::{AhoCorasick, MatchKind};
use igf_lens::error::{Error, Result};
use igf_lens::model::{Region, Stakeholder};
use std::path::Path;

/// The statistics of a corpus that the generator reproduces.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Where the figures come from, for messages (`built-in`, `measured from data/sessions …`).
    pub source: String,
    /// Turns per transcript, inclusive range.
    pub turns: (u32, u32),
    /// Share of turns taken by the moderator (0–1).
    pub moderator_share: f64,
    /// Observed words per moderator turn; the generator samples from it with ±20 % jitter.
    pub moderator_words: Vec<u32>,
    /// Observed words per turn of everyone else.
    pub speaker_words: Vec<u32>,
    /// Mean words per paragraph inside a turn.
    pub paragraph_words: u32,
    /// Panel speakers per session (the `Speaker N:` lines), inclusive range.
    pub speakers: (u32, u32),
    /// Relative frequency of each stakeholder group on panels, in [`Stakeholder::ALL`] order.
    pub stakeholder_weights: [u32; 5],
    /// Relative frequency of each UN regional group on panels (the first five of
    /// [`Region::ALL`]); intergovernmental speakers always get the intergovernmental region.
    pub region_weights: [u32; 5],
    /// Share of panel turns labelled with the surname only (`>> SUTO:`).
    pub surname_label_rate: f64,
    /// Share of panel turns labelled with a title and surname (`>> AMBASSADOR PEGUERO:`).
    pub title_label_rate: f64,
    /// Share of moderator turns labelled with the moderator's name instead of `MODERATOR`
    /// (not measured: telling it apart needs the page's roster).
    pub moderator_name_rate: f64,
    /// `AUDIENCE` / `AUDIENCE MEMBER` turns per transcript, inclusive range.
    pub audience_turns: (u32, u32),
    /// Non-speech annotations (`(Laughter)`, …) per turn.
    pub annotation_rate: f64,
    /// Theme-term occurrences per 100 words of speech.
    pub theme_density: f64,
}

impl Profile {
    /// Figures measured from the twelve transcripts and twelve pages of `data/sessions` when
    /// this module was written (fixed here, so benches stay comparable across commits whatever
    /// `data/` grows into; pass `--like data/sessions` to `synth` to follow the current files).
    pub fn builtin() -> Profile {
        Profile {
            source: "built-in".into(),
            turns: (45, 80),
            moderator_share: 0.42,
            moderator_words: vec![
                3, 5, 8, 9, 10, 11, 13, 14, 16, 18, 20, 22, 24, 25, 28, 31, 33, 40, 40, 43, 53, 59,
                70, 73, 94, 99, 106, 116,
            ],
            speaker_words: vec![
                3, 8, 14, 22, 26, 33, 37, 40, 49, 51, 52, 57, 61, 62, 64, 74, 83, 87, 90, 93, 96,
                111, 131, 133, 135, 142, 145, 149, 151, 160, 166, 169, 194, 202, 209, 213, 217,
                219, 249, 262, 266,
            ],
            paragraph_words: 50,
            speakers: (4, 8),
            stakeholder_weights: [25, 14, 13, 9, 9],
            region_weights: [15, 12, 11, 9, 15],
            surname_label_rate: 0.12,
            title_label_rate: 0.07,
            moderator_name_rate: 0.06,
            audience_turns: (2, 3),
            annotation_rate: 0.17,
            theme_density: 5.6,
        }
    }

    /// Measures a profile from the `*.raw.txt` and `*.page.txt` files in `dir`. Returns `None`
    /// when the directory holds no transcript. Figures the files cannot give (theme density
    /// without a vocabulary, the panel mix without pages) keep their built-in values.
    pub fn measure(dir: &Path, vocabulary: &Vocabulary) -> Result<Option<Profile>> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut raws = Vec::new();
        let mut pages = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| Error::io(dir, e))?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".raw.txt") {
                raws.push(path);
            } else if name.ends_with(".page.txt") {
                pages.push(path);
            }
        }
        if raws.is_empty() {
            return Ok(None);
        }
        raws.sort();
        pages.sort();
        let mut stats = TranscriptStats::default();
        for path in &raws {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            stats.add(&text, vocabulary);
        }
        let mut panel = PanelStats::default();
        for path in &pages {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            panel.add(&text);
        }
        let mut p = Profile::builtin();
        p.source = format!(
            "measured from {} ({} transcripts, {} pages)",
            dir.display(),
            raws.len(),
            pages.len()
        );
        stats.apply(&mut p);
        panel.apply(&mut p);
        Ok(Some(p))
    }

    /// Mean words per transcript implied by the profile (used to size corpora).
    pub fn mean_turn_words(&self) -> f64 {
        let m = mean(&self.moderator_words);
        let s = mean(&self.speaker_words);
        self.moderator_share * m + (1.0 - self.moderator_share) * s
    }
}

fn mean(v: &[u32]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64
}

/// Counts gathered from transcripts.
#[derive(Default)]
struct TranscriptStats {
    turns: Vec<u32>,
    moderator_words: Vec<u32>,
    speaker_words: Vec<u32>,
    paragraphs: u32,
    paragraph_words: u32,
    surname_labels: u32,
    title_labels: u32,
    panel_turns: u32,
    moderator_turns: u32,
    audience: Vec<u32>,
    annotations: u32,
    theme_hits: u64,
    words: u64,
}

/// Label classes the profile distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind {
    Moderator,
    Audience,
    Surname,
    Title,
    Name,
    Unnamed,
}

fn classify_label(label: &str) -> LabelKind {
    let l = label.trim();
    if l.is_empty() {
        return LabelKind::Unnamed;
    }
    let upper = l.to_uppercase();
    if upper.starts_with("MODERATOR") || upper == "CHAIR" || upper == "HOST" {
        return LabelKind::Moderator;
    }
    if upper.starts_with("AUDIENCE") || upper == "ATTENDEE" || upper == "PARTICIPANT" {
        return LabelKind::Audience;
    }
    let first = upper.split_whitespace().next().unwrap_or("");
    if words::TITLES.contains(&first) || first == "MR." || first == "MS." || first == "H.E." {
        return LabelKind::Title;
    }
    if !l.contains(' ') {
        return LabelKind::Surname;
    }
    LabelKind::Name
}

/// Splits a transcript body into `(label, speech)` turns: a line starting with `>>` opens a
/// turn; the label runs to the first `:` when that colon comes before any sentence end.
fn split_turns(text: &str) -> Vec<(String, String)> {
    let mut turns: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(">>") {
            let rest = rest.trim_start_matches('>').trim_start();
            let (label, speech) = match rest.find(':') {
                Some(i) if !rest[..i].contains(['.', '?', '!']) || rest[..i].len() < 30 => {
                    (rest[..i].to_string(), rest[i + 1..].to_string())
                }
                _ => (String::new(), rest.to_string()),
            };
            turns.push((label, speech));
        } else if let Some(last) = turns.last_mut() {
            last.1.push('\n');
            last.1.push_str(line);
        }
    }
    turns
}

fn is_annotation(word: &str) -> bool {
    (word.starts_with('(') && word.ends_with(')')) || word == "["
}

impl TranscriptStats {
    fn add(&mut self, text: &str, vocabulary: &Vocabulary) {
        let turns = split_turns(text);
        self.turns.push(turns.len() as u32);
        let mut audience = 0;
        for (label, speech) in &turns {
            let n = speech
                .split_whitespace()
                .filter(|w| !is_annotation(w))
                .count() as u32;
            self.annotations += count_annotations(speech);
            for para in speech.split("\n\n") {
                let w = para.split_whitespace().count() as u32;
                if w > 0 {
                    self.paragraphs += 1;
                    self.paragraph_words += w;
                }
            }
            self.words += u64::from(n);
            self.theme_hits += vocabulary.count_hits(speech) as u64;
            match classify_label(label) {
                LabelKind::Moderator => {
                    self.moderator_turns += 1;
                    self.moderator_words.push(n);
                }
                LabelKind::Audience => {
                    audience += 1;
                    self.speaker_words.push(n);
                }
                kind => {
                    self.panel_turns += 1;
                    self.speaker_words.push(n);
                    match kind {
                        LabelKind::Surname => self.surname_labels += 1,
                        LabelKind::Title => self.title_labels += 1,
                        _ => {}
                    }
                }
            }
        }
        self.audience.push(audience);
    }

    fn apply(mut self, p: &mut Profile) {
        let total: u32 = self.turns.iter().sum();
        if total == 0 {
            return;
        }
        let (lo, hi) = min_max(&self.turns);
        // A handful of files gives a narrow range: widen it by 15 % on each side.
        p.turns = (
            (f64::from(lo) * 0.85) as u32,
            (f64::from(hi) * 1.15).ceil() as u32,
        );
        p.moderator_share = f64::from(self.moderator_turns) / f64::from(total);
        if !self.moderator_words.is_empty() {
            self.moderator_words.sort_unstable();
            p.moderator_words = self.moderator_words;
        }
        if !self.speaker_words.is_empty() {
            self.speaker_words.sort_unstable();
            p.speaker_words = self.speaker_words;
        }
        if let Some(words) = self.paragraph_words.checked_div(self.paragraphs) {
            p.paragraph_words = words.max(10);
        }
        if self.panel_turns > 0 {
            p.surname_label_rate = f64::from(self.surname_labels) / f64::from(self.panel_turns);
            p.title_label_rate = f64::from(self.title_labels) / f64::from(self.panel_turns);
        }
        p.audience_turns = min_max(&self.audience);
        p.annotation_rate = f64::from(self.annotations) / f64::from(total);
        if self.words > 0 && self.theme_hits > 0 {
            p.theme_density = self.theme_hits as f64 * 100.0 / self.words as f64;
        }
    }
}

fn min_max(v: &[u32]) -> (u32, u32) {
    let lo = v.iter().copied().min().unwrap_or(0);
    let hi = v.iter().copied().max().unwrap_or(0);
    (lo, hi)
}

/// Counts `(Laughter)`-style and `[ Applause ]`-style annotations.
pub(crate) fn count_annotations(text: &str) -> u32 {
    let mut n = 0;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let close = match b[i] {
            b'(' => b')',
            b'[' => b']',
            _ => {
                i += 1;
                continue;
            }
        };
        // An annotation is short and starts with a capital letter or `?` (not "(a)").
        if let Some(len) = b[i + 1..].iter().take(40).position(|&c| c == close) {
            let inner = text[i + 1..i + 1 + len].trim();
            let starts = inner.bytes().next();
            if len > 0 && (starts.is_some_and(|c| c.is_ascii_uppercase()) || inner == "?") {
                n += 1;
            }
            i += len + 2;
        } else {
            i += 1;
        }
    }
    n
}

/// Counts gathered from session pages.
#[derive(Default)]
struct PanelStats {
    speakers: Vec<u32>,
    stakeholders: [u32; 5],
    regions: [u32; 5],
}

impl PanelStats {
    fn add(&mut self, text: &str) {
        let mut n = 0;
        for line in text.lines() {
            let t = line.trim();
            let Some(rest) = t.strip_prefix("Speaker ") else {
                continue;
            };
            let Some((_, fields)) = rest.split_once(':') else {
                continue;
            };
            n += 1;
            let parts: Vec<&str> = fields.split(',').map(str::trim).collect();
            if parts.len() >= 3 {
                let group = parts[parts.len() - 2];
                let region = parts[parts.len() - 1];
                if let Some(i) = Stakeholder::parse(group)
                    .and_then(|s| Stakeholder::ALL.iter().position(|&x| x == s))
                {
                    self.stakeholders[i] += 1;
                }
                if let Some(i) = Region::parse(region)
                    .and_then(|r| Region::ALL[..5].iter().position(|&x| x == r))
                {
                    self.regions[i] += 1;
                }
            }
        }
        if n > 0 {
            self.speakers.push(n);
        }
    }

    fn apply(self, p: &mut Profile) {
        if self.speakers.is_empty() {
            return;
        }
        // Add-one smoothing: a group absent from a few pages still appears in a large corpus.
        for i in 0..5 {
            p.stakeholder_weights[i] = self.stakeholders[i] + 1;
            p.region_weights[i] = self.regions[i] + 1;
        }
        let (lo, hi) = min_max(&self.speakers);
        p.speakers = (lo.min(4), hi.max(8));
    }
}

/// The theme terms the generator sprinkles into speech.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// Terms and phrases as written in the taxonomy.
    pub terms: Vec<String>,
    /// Where they come from, for messages.
    pub source: String,
    matcher: Option<AhoCorasick>,
}

impl Vocabulary {
    /// The built-in list of theme terms.
    pub fn builtin() -> Vocabulary {
        let terms = words::BUILTIN_THEME_TERMS
            .iter()
            .map(|s| s.to_string())
            .collect();
        Vocabulary::new(terms, "built-in terms".into())
    }

    /// Terms from taxonomy TOML text: every string inside an array whose key is `terms` or
    /// `phrases` (at any depth; a string or the `term` field of an inline table). Returns the
    /// built-in list when the text does not parse or holds no terms, so a taxonomy being
    /// edited never stops `synth`.
    pub fn from_taxonomy(text: &str, source: &str) -> Vocabulary {
        let mut terms = Vec::new();
        if let Ok(value) = text.parse::<toml::Value>() {
            collect_terms(&value, false, &mut terms);
        }
        terms.retain(|t| {
            let n = t.chars().count();
            (2..=60).contains(&n) && t.chars().any(char::is_alphabetic)
        });
        terms.sort();
        terms.dedup();
        if terms.is_empty() {
            return Vocabulary::builtin();
        }
        Vocabulary::new(terms, source.to_string())
    }

    /// Terms from a taxonomy file (see [`Vocabulary::from_taxonomy`]).
    pub fn load(path: &Path) -> Result<Vocabulary> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Ok(Vocabulary::from_taxonomy(
            &text,
            &path.display().to_string(),
        ))
    }

    /// The taxonomy embedded in the binary, else the built-in list.
    pub fn embedded() -> Vocabulary {
        Vocabulary::from_taxonomy(igf_lens::tag::EMBEDDED_THEMES, "embedded taxonomy")
    }

    fn new(terms: Vec<String>, source: String) -> Vocabulary {
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&terms)
            .ok();
        Vocabulary {
            terms,
            source,
            matcher,
        }
    }

    /// Occurrences of the terms in `text` as whole words (ASCII case-insensitive).
    pub fn count_hits(&self, text: &str) -> usize {
        let Some(ac) = &self.matcher else {
            return 0;
        };
        let b = text.as_bytes();
        let word = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
        ac.find_iter(text)
            .filter(|m| (m.start() == 0 || !word(m.start() - 1)) && !word(m.end()))
            .count()
    }
}

fn collect_terms(v: &toml::Value, in_terms: bool, out: &mut Vec<String>) {
    match v {
        toml::Value::String(s) if in_terms => {
            out.push(s.trim().trim_end_matches('*').to_string());
        }
        toml::Value::Array(items) => {
            for item in items {
                collect_terms(item, in_terms, out);
            }
        }
        toml::Value::Table(t) => {
            for (k, item) in t {
                let is_terms = matches!(k.as_str(), "terms" | "phrases");
                if in_terms && k == "term" {
                    collect_terms(item, true, out);
                } else {
                    collect_terms(item, is_terms, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_classified_by_kind() {
        let cases = [
            ("MODERATOR", LabelKind::Moderator),
            ("AUDIENCE MEMBER", LabelKind::Audience),
            ("SUTO", LabelKind::Surname),
            ("AMBASSADOR PEGUERO", LabelKind::Title),
            ("BRIONY DALEY WHITWORTH", LabelKind::Name),
            ("", LabelKind::Unnamed),
        ];
        for (label, want) in cases {
            assert_eq!(classify_label(label), want, "{label}");
        }
    }

    #[test]
    fn turns_split_on_labels_and_keep_continuations() {
        let text =
            "TITLE\n\n***\n\n>> MODERATOR:  Hello there.\n\nMore words.\n\n>> JANE ROE:  Hi.\n";
        let turns = split_turns(text);
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0].0, "MODERATOR");
        assert_eq!(turns[0].1.split_whitespace().count(), 4);
        assert_eq!(turns[1].0, "JANE ROE");
    }

    #[test]
    fn annotations_are_counted_but_not_list_letters() {
        let cases = [
            ("Thanks.  (Laughter)  So.", 1),
            ("[ Applause ] and (Applause)", 2),
            ("the Act (?) in 2020", 1),
            ("(a) weaken and (b) erode", 0),
        ];
        for (text, want) in cases {
            assert_eq!(count_annotations(text), want, "{text}");
        }
    }

    #[test]
    fn taxonomy_terms_and_phrases_are_collected() {
        let toml = r#"
            [[theme]]
            id = "human-rights"
            label = "Human rights"
            terms = ["human rights", "freedom of expression"]
            risk_cues = ["undermine"]
            [[theme]]
            id = "scope"
            phrases = [{ term = "cyber-enabled crime", weight = 2.0 }]
        "#;
        let v = Vocabulary::from_taxonomy(toml, "t");
        assert_eq!(
            v.terms,
            vec![
                "cyber-enabled crime",
                "freedom of expression",
                "human rights"
            ]
        );
        assert_eq!(v.source, "t");
    }

    #[test]
    fn empty_taxonomy_falls_back_to_builtin_terms() {
        let v = Vocabulary::from_taxonomy("", "x");
        assert_eq!(v.source, "built-in terms");
        assert_eq!(v.terms.len(), words::BUILTIN_THEME_TERMS.len());
    }

    #[test]
    fn hits_respect_word_boundaries() {
        let v = Vocabulary::new(vec!["privacy".into(), "human rights".into()], "t".into());
        assert_eq!(v.count_hits("Privacy and human rights, not privacyx."), 2);
    }
}
