//! Pairing: which session every file belongs to, and which session page goes with which
//! transcript, decided over all the files of a run at once.
//!
//! Input: a [`Clue`] per file (what its first part says: the key it gives itself and where
//! from, its address, title, the year or code it gives alone, and the names it holds: a page's
//! roster, a transcript's first labels) and the [`Pairs`] file. Output: a [`Pairing`] per file:
//! its session key and where that came from, for a transcript the page it is paired with and
//! how, or why it has none. Clues are small and kept in the manifest, so an unchanged file is
//! paired again without being read.
//!
//! Order: a pairs-file row; the same session id; for a transcript whose page has another key
//! (a shortened name, `Session 15` against `Workshop #15`) or that names no session, the page
//! of the same year whose title words and roster names match best, and for a code without a
//! year the only page with that code, and for a transcript that names nothing at all the one
//! page whose roster lists one of its speakers (all reported as guesses). When pages tie, the one
//! whose people and title acronyms the transcript's text names clearly more often wins
//! ([`super::mentions`]; the texts come from the caller, asked only on a tie). Two numbered
//! codes with different numbers never pair. A transcript nothing identifies gets no key (the
//! pipeline skips it and says how to name it). Reads no file.

use super::mentions::{self, Speech};
use super::names::Names;
use super::pairs::Pairs;
use crate::model::{KeySource, SessionKey};
use crate::resolve::name_tokens;
use serde::{Deserialize, Serialize};
use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// What pairing reads of a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Clue {
    /// The key the file gives itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<SessionKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<KeySource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default)]
    pub title: String,
    /// A page's ISO date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A year the file gives without a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// A code the file gives without a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A page's roster names; a transcript's first speaker labels. Held in two allocations, not
    /// one per name ([`Names`]): a run holds every page's clue at once while it pairs them.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
}

/// How a transcript found its session page. Serialized as [`PairedBy::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairedBy {
    /// Both give the same session key.
    Key,
    /// The page's title words (and roster names) match the transcript's: a guess.
    TitleMatch,
    /// The only page with the code the transcript's file name gives: a guess.
    CodeMatch,
    /// A row of the pairs file.
    PairsFile,
    /// Of the pages its title and speakers match equally well, the one whose people and title
    /// acronyms its text names clearly more often: a guess.
    Mentions,
}

impl PairedBy {
    const ALL: [PairedBy; 5] = [
        PairedBy::Key,
        PairedBy::TitleMatch,
        PairedBy::CodeMatch,
        PairedBy::PairsFile,
        PairedBy::Mentions,
    ];

    /// The name in the manifest and `igf-lens sessions`.
    pub fn as_str(self) -> &'static str {
        match self {
            PairedBy::Key => "key",
            PairedBy::TitleMatch => "title-match",
            PairedBy::CodeMatch => "code-match",
            PairedBy::PairsFile => "pairs-file",
            PairedBy::Mentions => "mentions",
        }
    }

    /// A guess of pairing (title, code or mentions), not a key or the pairs file.
    pub fn is_guess(self) -> bool {
        matches!(
            self,
            PairedBy::TitleMatch | PairedBy::CodeMatch | PairedBy::Mentions
        )
    }

    /// Parses the [`PairedBy::as_str`] form.
    pub fn parse(s: &str) -> Option<PairedBy> {
        PairedBy::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl Serialize for PairedBy {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PairedBy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<PairedBy, D::Error> {
        let s = String::deserialize(d)?;
        PairedBy::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("{s:?} is not a way of pairing")))
    }
}

/// A file's session, as pairing decided it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Pairing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<SessionKey>,
    /// Where `key` came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<KeySource>,
    /// A transcript's page (its file), when paired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<PairedBy>,
    /// Why a transcript has no page, or why a file has no key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why_unpaired: Option<String>,
}

/// A clue held while a run waits to write it into its file's manifest entry: its JSON in one
/// allocation (a [`Clue`] of a few dozen names takes several times as much as separate strings).
#[derive(Debug, Clone, PartialEq)]
pub struct PackedClue(Box<str>);

impl PackedClue {
    /// Packs a clue.
    pub fn pack(clue: &Clue) -> PackedClue {
        // A clue is strings and numbers: its JSON always serializes.
        PackedClue(serde_json::to_string(clue).unwrap_or_default().into())
    }

    /// The clue again, as it was packed.
    pub fn unpack(&self) -> Option<Clue> {
        serde_json::from_str(&self.0).ok()
    }

    /// The packed text (the clue's JSON).
    pub fn json(&self) -> &str {
        &self.0
    }
}

/// One file to pair: its key in the manifest (the path as given) and its clue.
pub type Input<'a> = (&'a str, &'a Clue);

/// A file's text by its key in the manifest, asked only when the pages a transcript matches best
/// tie (for the transcript and those pages); `None` when it cannot be read.
pub type TextOf<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Why no page was found for a transcript.
enum Miss {
    /// Pages that match it equally well, best first.
    Tie(Vec<usize>),
    /// No page matches well enough: why.
    Weak(String),
}

/// The pairings of every page and transcript, in the order given.
#[derive(Debug, Default)]
pub struct Paired {
    pub pages: Vec<Pairing>,
    pub transcripts: Vec<Pairing>,
}

/// A page as matching sees it.
struct PageView<'a> {
    file: &'a str,
    clue: &'a Clue,
    key: Option<SessionKey>,
    /// Title and file-name words, and roster names as token sets: made on first use, as only
    /// transcripts that no key pairs are matched by them (a run of keyed files makes none).
    words: OnceCell<BTreeSet<String>>,
    names: OnceCell<Vec<BTreeSet<String>>>,
}

impl PageView<'_> {
    fn words(&self) -> &BTreeSet<String> {
        self.words.get_or_init(|| words_of(self.clue, self.file))
    }

    fn names(&self) -> &[BTreeSet<String>] {
        self.names
            .get_or_init(|| self.clue.names.iter().map(token_set).collect())
    }
}

/// Pairs every file (see the module docs); `text_of` gives the texts of a transcript whose best
/// pages tie, and of those pages.
pub fn pair_all(
    pages: &[Input<'_>],
    transcripts: &[Input<'_>],
    pairs: &Pairs,
    text_of: TextOf<'_>,
) -> Paired {
    let known: Vec<&SessionKey> = pages
        .iter()
        .chain(transcripts)
        .filter_map(|(_, c)| c.key.as_ref())
        .collect();
    let mut pairer = Pairer::new(pages, known, pairs, text_of);
    let transcripts = transcripts
        .iter()
        .map(|(file, clue)| pairer.transcript(file, clue))
        .collect();
    Paired {
        pages: pairer.finish(),
        transcripts,
    }
}

/// Pairing one transcript at a time, as [`pair_all`] does over them all: every page first
/// ([`Pairer::new`]), then each transcript in order ([`Pairer::transcript`]), then what the
/// transcripts tell the pages ([`Pairer::finish`]). A caller need not hold every transcript's
/// clue at once, only its key (for the pairs file's ids).
pub struct Pairer<'a> {
    pairs: &'a Pairs,
    /// The keys the files give themselves, pages' then transcripts' (a pairs-file id is read
    /// as the first of them with that id).
    known: Vec<&'a SessionKey>,
    text_of: TextOf<'a>,
    views: Vec<PageView<'a>>,
    pages: Vec<Pairing>,
    by_id: HashMap<String, usize>,
    /// Pages with names but no key when pairing began: those a transcript's speakers may give
    /// a session ([`adopt_by_names`]).
    keyless: Vec<usize>,
    /// For each transcript in order, the keyless pages sharing two names or more with its
    /// speakers: (page, names shared, the transcript's key).
    by_speakers: Vec<(usize, usize, SessionKey)>,
}

impl<'a> Pairer<'a> {
    /// Takes every page (a pairs-file row over its own key); `known` are the keys the pages
    /// and all the transcripts to come give themselves, in that order.
    pub fn new(
        pages: &[Input<'a>],
        known: Vec<&'a SessionKey>,
        pairs: &'a Pairs,
        text_of: TextOf<'a>,
    ) -> Pairer<'a> {
        let mut views = Vec::with_capacity(pages.len());
        let mut out = Vec::with_capacity(pages.len());
        for &(file, clue) in pages {
            let (key, source) = match pairs.session_for(file, clue.url.as_deref()) {
                Some(id) => (Some(key_for_id(id, &known)), Some(KeySource::PairsFile)),
                None => (clue.key.clone(), clue.source),
            };
            views.push(PageView {
                file,
                clue,
                key: key.clone(),
                words: OnceCell::new(),
                names: OnceCell::new(),
            });
            out.push(Pairing {
                key,
                source,
                ..Pairing::default()
            });
        }
        let mut by_id: HashMap<String, usize> = HashMap::new();
        for (i, v) in views.iter().enumerate() {
            if let Some(k) = &v.key {
                by_id.entry(k.id()).or_insert(i);
            }
        }
        let keyless = (0..views.len())
            .filter(|&i| views[i].key.is_none() && !views[i].clue.names.is_empty())
            .collect();
        Pairer {
            pairs,
            known,
            text_of,
            views,
            pages: out,
            by_id,
            keyless,
            by_speakers: Vec::new(),
        }
    }

    /// The pairing of the next transcript; a page without a key it is matched to takes its key.
    pub fn transcript(&mut self, file: &str, clue: &Clue) -> Pairing {
        let p = pair_transcript(
            file,
            clue,
            self.pairs,
            &self.known,
            &mut self.views,
            &self.by_id,
            self.text_of,
        );
        if let (Some(key), false) = (&p.key, self.keyless.is_empty()) {
            let labels: Vec<BTreeSet<String>> = clue.names.iter().map(token_set).collect();
            for &o in &self.keyless {
                let n = shared_names(self.views[o].names(), &labels);
                if n >= 2 {
                    self.by_speakers.push((o, n, key.clone()));
                }
            }
        }
        p
    }

    /// The pages' pairings, once every transcript is paired: a keyless page takes the session
    /// whose speakers or roster it shares ([`adopt_by_names`]), a page matched to a transcript
    /// the transcript's key.
    pub fn finish(mut self) -> Vec<Pairing> {
        adopt_by_names(&mut self.views, &self.by_speakers);
        // Pages without a key of their own (or with only a title key) take the key of the
        // transcript matched to them.
        for (i, v) in self.views.iter().enumerate() {
            if self.pages[i].key != v.key && v.key.is_some() {
                self.pages[i].key = v.key.clone();
                self.pages[i].source = Some(KeySource::PageMatch);
            }
        }
        self.pages
    }
}

/// One transcript's pairing; a page without a key it is matched to takes its key.
fn pair_transcript(
    file: &str,
    clue: &Clue,
    pairs: &Pairs,
    known: &[&SessionKey],
    views: &mut [PageView<'_>],
    by_id: &HashMap<String, usize>,
    text_of: TextOf<'_>,
) -> Pairing {
    if let Some(id) = pairs.session_for(file, clue.url.as_deref()) {
        let key = key_for_id(id, known);
        return Pairing {
            page: by_id.get(&key.id()).map(|&i| views[i].file.to_string()),
            by: by_id.contains_key(&key.id()).then_some(PairedBy::PairsFile),
            why_unpaired: (!by_id.contains_key(&key.id()))
                .then(|| format!("no session page for {} among the inputs", key.id())),
            key: Some(key),
            source: Some(KeySource::PairsFile),
        };
    }
    if let Some(key) = &clue.key {
        if let Some(&i) = by_id.get(&key.id()) {
            return Pairing {
                key: Some(key.clone()),
                source: clue.source,
                page: Some(views[i].file.to_string()),
                by: Some(PairedBy::Key),
                why_unpaired: None,
            };
        }
    }
    let words = words_of(clue, file);
    let names: Vec<BTreeSet<String>> = clue.names.iter().map(token_set).collect();
    if clue.key.is_none() {
        if let Some(i) = code_match(clue, views) {
            return matched(clue, &mut views[i], PairedBy::CodeMatch);
        }
    }
    let why = match best_page(clue, &words, &names, views) {
        Ok(i) => return matched(clue, &mut views[i], PairedBy::TitleMatch),
        Err(Miss::Tie(tied)) => match break_tie(file, &tied, views, text_of) {
            Ok(i) => return matched(clue, &mut views[i], PairedBy::Mentions),
            Err(why) => why,
        },
        Err(Miss::Weak(why)) => why,
    };
    Pairing {
        key: clue.key.clone(),
        source: clue.source,
        page: None,
        by: None,
        why_unpaired: Some(why),
    }
}

/// The tied page whose people (its roster's, and those it lists on lines of their own) and
/// title acronyms the transcript's text names clearly more often; else the tie, named by its
/// first two pages.
fn break_tie(
    file: &str,
    tied: &[usize],
    views: &[PageView<'_>],
    text_of: TextOf<'_>,
) -> Result<usize, String> {
    let winner = text_of(file).and_then(|text| {
        let speech = Speech::new(&text);
        let evidence: Vec<usize> = tied
            .iter()
            .map(|&i| {
                let page_text = text_of(views[i].file).unwrap_or_default();
                let mut names: Vec<&str> = views[i].clue.names.iter().collect();
                names.extend(mentions::listed_people(&page_text));
                mentions::evidence(&speech, &views[i].clue.title, &names)
            })
            .collect();
        mentions::clear_winner(&evidence)
    });
    match winner {
        Some(w) => Ok(tied[w]),
        None => {
            let first_two: Vec<&str> = tied.iter().take(2).map(|&i| views[i].file).collect();
            Err(format!(
                "{} match it equally well: name its session in pairs.csv",
                first_two.join(" and ")
            ))
        }
    }
}

/// How many of `names` are the same person as one of `others`.
fn shared_names(names: &[BTreeSet<String>], others: &[BTreeSet<String>]) -> usize {
    names
        .iter()
        .filter(|n| others.iter().any(|l| same_person(l, n)))
        .count()
}

/// A page that names no session (a second rendering of a page that lost its title) takes the
/// session of the transcript whose speakers it lists (at least two shared names: `by_speakers`,
/// gathered by [`Pairer::transcript`] in the transcripts' order), else of the keyed page whose
/// roster it shares (at least three), when no other session shares as many. Its roster then
/// joins the session's.
fn adopt_by_names(views: &mut [PageView<'_>], by_speakers: &[(usize, usize, SessionKey)]) {
    let orphans: Vec<usize> = (0..views.len())
        .filter(|&i| views[i].key.is_none() && !views[i].clue.names.is_empty())
        .collect();
    let mut adopted: Vec<(usize, SessionKey)> = Vec::new();
    for o in orphans {
        let v = &views[o];
        let speakers = by_speakers
            .iter()
            .filter(|(page, ..)| *page == o)
            .map(|(_, n, key)| (*n, key));
        // keyed pages as they were before any page was adopted
        let by_roster = views.iter().filter_map(|k| {
            let key = k.key.as_ref()?;
            let n = shared_names(v.names(), k.names());
            (n >= 3).then_some((n, key))
        });
        let mut scored: Vec<(usize, &SessionKey)> = speakers.chain(by_roster).collect();
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        match scored.as_slice() {
            [(_, k)] => adopted.push((o, (*k).clone())),
            [(a, k), (b, k2), ..] if a > b || k == k2 => adopted.push((o, (*k).clone())),
            _ => {}
        }
    }
    for (o, k) in adopted {
        views[o].key = Some(k);
    }
}

/// A transcript paired with a page by a guess: the session takes the page's key (or gives the
/// page its own, when the page has none).
fn matched(clue: &Clue, view: &mut PageView<'_>, by: PairedBy) -> Pairing {
    let numbered = |k: &SessionKey| k.code.contains('#');
    let (key, source) = match (&view.key, &clue.key) {
        // A page keyed only by its title words (a listing page without a session code)
        // takes the transcript's numbered key of the same year (`ws196` in its file name).
        (Some(p), Some(t)) if numbered(t) && !numbered(p) && p.year == t.year => {
            view.key = Some(t.clone());
            (Some(t.clone()), clue.source)
        }
        (Some(k), _) => (Some(k.clone()), Some(KeySource::PageMatch)),
        (None, Some(k)) => {
            view.key = Some(k.clone());
            (Some(k.clone()), clue.source)
        }
        (None, None) => (None, None),
    };
    Pairing {
        key,
        source,
        page: Some(view.file.to_string()),
        by: Some(by),
        why_unpaired: None,
    }
}

/// The only page whose code is the one the transcript's file name gives (of its year, when the
/// transcript gives one).
fn code_match(clue: &Clue, views: &[PageView<'_>]) -> Option<usize> {
    let code = clue.code.as_deref()?;
    let hits: Vec<usize> = views
        .iter()
        .enumerate()
        .filter(|(_, v)| {
            v.key
                .as_ref()
                .is_some_and(|k| k.code == code && clue.year.is_none_or(|y| y == k.year))
        })
        .map(|(i, _)| i)
        .collect();
    (hits.len() == 1).then(|| hits[0])
}

/// The page whose title words and roster names match best, when the match is good enough and
/// no other page matches as well; else why not.
fn best_page(
    clue: &Clue,
    words: &BTreeSet<String>,
    names: &[BTreeSet<String>],
    views: &[PageView<'_>],
) -> Result<usize, Miss> {
    let year = clue.key.as_ref().map(|k| k.year).or(clue.year);
    let mut scored: Vec<(f64, usize)> = Vec::new();
    let mut closest: Option<(f64, usize)> = None;
    for (i, v) in views.iter().enumerate() {
        match (&clue.key, &v.key) {
            (Some(k), Some(pk)) if !compatible(k, pk) => continue,
            // Neither has a key to give the session.
            (None, None) => continue,
            (None, Some(pk)) if year.is_some_and(|y| y != pk.year) => continue,
            _ => {}
        }
        let title = title_similarity(words, v.words());
        let shared = v
            .names()
            .iter()
            .filter(|n| names.iter().any(|l| same_person(l, n)))
            .count();
        let score = title + 0.5 * shared as f64;
        if closest.is_none_or(|(s, _)| score > s) {
            closest = Some((score, i));
        }
        // A transcript that names its own session takes a page of another name only when
        // their titles mostly agree (a shortened name), not on shared speakers alone.
        let both_keyed = clue.key.is_some() && v.key.is_some();
        // A transcript that names nothing (a neutral file name, no title line) has only its
        // speakers: one of them on a single page's roster is its last resort.
        let speakers_only = names_nothing(clue) && shared >= 1;
        let good = title >= 0.6
            || speakers_only
            || !both_keyed && ((title >= 0.3 && shared >= 1) || shared >= 2);
        if good {
            scored.push((score, i));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(_, i)] => Ok(*i),
        [(a, i), (b, _), ..] if a - b > 0.05 => Ok(*i),
        [(top, _), ..] => Err(Miss::Tie(
            scored
                .iter()
                .take_while(|(s, _)| top - s <= 0.05)
                .map(|(_, i)| *i)
                .collect(),
        )),
        [] => Err(Miss::Weak(unpaired_reason(
            clue,
            closest.map(|(s, i)| (s, &views[i])),
        ))),
    }
}

/// A file that gives no key, year, code or title of its own.
fn names_nothing(clue: &Clue) -> bool {
    clue.key.is_none() && clue.year.is_none() && clue.code.is_none() && clue.title.trim().is_empty()
}

/// Why a transcript has no page: which session it names, and the nearest page if any.
fn unpaired_reason(clue: &Clue, closest: Option<(f64, &PageView<'_>)>) -> String {
    let what = match &clue.key {
        Some(k) => format!("no session page for {} among the inputs", k.id()),
        None => "nothing in the file names its session (no title line, no `# url:` line, \
                 no IGF code and year in its name) and no session page matches its title \
                 words or speakers"
            .to_string(),
    };
    match closest {
        Some((score, v)) if score > 0.0 => format!(
            "{what}; the closest page, {}, matches too little to pair (score {score:.2})",
            v.file
        ),
        _ => what,
    }
}

/// Two keys of one year may name one session unless both are numbered with different numbers.
fn compatible(a: &SessionKey, b: &SessionKey) -> bool {
    if a.year != b.year {
        return false;
    }
    match (number_of(&a.code), number_of(&b.code)) {
        (Some(x), Some(y)) => x == y,
        // Two named sessions of different kinds (a main session, an NRI session) are two.
        _ => match (kind_of(&a.code), kind_of(&b.code)) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        },
    }
}

/// The kind a session name starts with (`Main Session 2 …` → `main session`).
fn kind_of(code: &str) -> Option<&'static str> {
    const KINDS: [(&str, &str); 13] = [
        ("main session", "main session"),
        ("high level", "high level"),
        ("parliamentary", "parliamentary"),
        ("nri", "nri"),
        ("bpf", "bpf"),
        ("best practice forum", "bpf"),
        ("dc ", "dc"),
        ("dynamic coalition", "dc"),
        ("networking session", "networking session"),
        ("lightning talk", "lightning talk"),
        ("open mic", "open mic"),
        ("opening ceremony", "opening ceremony"),
        ("closing ceremony", "closing ceremony"),
    ];
    let lower = code.to_lowercase().replace(['-', '_'], " ");
    KINDS
        .iter()
        .find(|(prefix, _)| lower.starts_with(prefix))
        .map(|(_, kind)| *kind)
}

/// `WS #225` → 225.
fn number_of(code: &str) -> Option<u32> {
    code.split_once('#')?.1.trim().parse().ok()
}

/// Shared words over the words of the shorter title, when at least two are shared.
fn title_similarity(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let common = a.intersection(b).count();
    let smaller = a.len().min(b.len());
    if common < 2 || smaller == 0 {
        return 0.0;
    }
    common as f64 / smaller as f64
}

/// A label names a roster person when their name words are the same (in any order), or when
/// the label's two or more words are all in the person's name.
fn same_person(label: &BTreeSet<String>, person: &BTreeSet<String>) -> bool {
    !label.is_empty() && (label == person || (label.len() >= 2 && label.is_subset(person)))
}

fn token_set(name: &str) -> BTreeSet<String> {
    name_tokens(name).into_iter().collect()
}

/// The words a file's title and file name say its session is about.
fn words_of(clue: &Clue, file: &str) -> BTreeSet<String> {
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
        .unwrap_or_default();
    crate::parse::title_words(&clue.title)
        .into_iter()
        .chain(crate::parse::title_words(&stem))
        .collect()
}

/// The key a session id from the pairs file stands for: a key some file gives, else the id
/// read as a key.
fn key_for_id(id: &str, known: &[&SessionKey]) -> SessionKey {
    if let Some(k) = known.iter().find(|k| k.id() == id) {
        return (*k).clone();
    }
    if let Some(k) = crate::parse::parse_session_key(id).filter(|k| k.id() == id) {
        return k;
    }
    let (year, rest) = id.split_at(id.len().min(4));
    SessionKey {
        year: year.parse().unwrap_or_default(),
        code: rest.trim_start_matches('-').replace('-', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(year: u16, code: &str) -> Option<SessionKey> {
        Some(SessionKey {
            year,
            code: code.into(),
        })
    }

    fn clue(key: Option<SessionKey>, title: &str, names: &[&str]) -> Clue {
        Clue {
            source: key.as_ref().map(|_| KeySource::Title),
            key,
            title: title.into(),
            names: names.iter().collect(),
            ..Clue::default()
        }
    }

    #[test]
    fn a_packed_clue_unpacks_to_itself() {
        let mut c = clue(key(2019, "WS #12"), "A \"quoted\" title ✓", &["Ana", "Bo"]);
        c.source = Some(KeySource::Title);
        c.year = Some(2019);
        c.url = Some("https://example.org/x".into());
        assert_eq!(PackedClue::pack(&c).unpack(), Some(c));
        assert_eq!(
            PackedClue::pack(&Clue::default()).unpack(),
            Some(Clue::default())
        );
    }

    #[test]
    fn a_page_without_a_key_joins_the_session_whose_speakers_it_lists() {
        let page_a = clue(
            key(2024, "WS #103"),
            "Aligning strategies",
            &["Rene Summer"],
        );
        let page_b = clue(None, "", &["Rene Summer", "Timea Suto", "Julia Rodriguez"]);
        let lone = clue(None, "", &["Someone Else", "Another Person"]);
        // A third rendering whose roster matches the first page's, with no speaker in common
        // with the transcript.
        let page_c = clue(None, "", &["Rene Summer", "Ann Lee", "Bo Chan"]);
        let page_d = clue(
            key(2024, "WS #103"),
            "",
            &["Ann Lee", "Bo Chan", "Rene Summer"],
        );
        let t = clue(
            key(2024, "WS #103"),
            "Aligning strategies",
            &["TIMEA SUTO", "RENE SUMMER", "JULIA RODRIGUEZ"],
        );
        let pages = [
            ("a.txt", &page_a),
            ("b.txt", &page_b),
            ("c.txt", &lone),
            ("d.txt", &page_c),
            ("e.txt", &page_d),
        ];
        let got = pair_all(&pages, &[("t.txt", &t)], &Pairs::default(), &|_| None);
        assert_eq!(got.pages[1].key, key(2024, "WS #103"));
        assert_eq!(got.pages[1].source, Some(KeySource::PageMatch));
        assert_eq!(got.pages[2].key, None);
        assert_eq!(got.pages[3].key, key(2024, "WS #103"));
    }

    /// One transcript against a fixed set of pages: what it pairs with, under which key, how.
    #[test]
    fn transcripts_pair_by_key_then_by_a_reported_guess() {
        let pages = [
            (
                "p/ws-225.txt",
                clue(
                    key(2023, "WS #225"),
                    "Risks of a new treaty",
                    &["Ann Lee", "Bo Kim"],
                ),
            ),
            (
                "p/ws-15.txt",
                clue(
                    key(2013, "WS #15"),
                    "Cybercrime treaty: advantages for developing countries",
                    &[],
                ),
            ),
            (
                "p/main.txt",
                clue(
                    key(2022, "Main Session: Safety, Security and Accountability"),
                    "Main Session: Safety, Security and Accountability",
                    &[],
                ),
            ),
            (
                "p/ws-504.txt",
                clue(
                    key(2025, "WS #504"),
                    "Nowhere to hide: accountability against ransomware",
                    &["Cy Diaz Ortega"],
                ),
            ),
            (
                "p/ws-202.txt",
                clue(key(2024, "WS #202"), "A treaty and repression", &[]),
            ),
            (
                "p/ws-226.txt",
                clue(key(2023, "WS #226"), "Risks of a new treaty, again", &[]),
            ),
        ];
        struct Case {
            about: &'static str,
            file: &'static str,
            clue: Clue,
            key: Option<SessionKey>,
            source: Option<KeySource>,
            page: Option<&'static str>,
            by: Option<PairedBy>,
        }
        let cases = [
            Case {
                about: "the same key",
                file: "t/a.txt",
                clue: clue(key(2023, "WS #225"), "Risks of a new treaty", &[]),
                key: key(2023, "WS #225"),
                source: Some(KeySource::Title),
                page: Some("p/ws-225.txt"),
                by: Some(PairedBy::Key),
            },
            Case {
                about: "another kind with the same number and the same title",
                file: "t/b.txt",
                clue: clue(
                    key(2013, "Session #15"),
                    "CYBERCRIME TREATY: ADVANTAGES FOR DEVELOPING COUNTRIES",
                    &[],
                ),
                key: key(2013, "WS #15"),
                source: Some(KeySource::PageMatch),
                page: Some("p/ws-15.txt"),
                by: Some(PairedBy::TitleMatch),
            },
            Case {
                about: "a different number never pairs, however alike the titles",
                file: "t/c.txt",
                clue: clue(
                    key(2023, "WS #227"),
                    "Risks of a new treaty",
                    &["Ann Lee", "Bo Kim"],
                ),
                key: key(2023, "WS #227"),
                source: Some(KeySource::Title),
                page: None,
                by: None,
            },
            Case {
                about: "a named session written shorter",
                file: "t/d.txt",
                clue: clue(
                    key(2022, "MAIN SESSION: SAFETY AND SECURITY"),
                    "MAIN SESSION: SAFETY AND SECURITY",
                    &[],
                ),
                key: key(2022, "Main Session: Safety, Security and Accountability"),
                source: Some(KeySource::PageMatch),
                page: Some("p/main.txt"),
                by: Some(PairedBy::TitleMatch),
            },
            Case {
                about: "no key: title words of the file name and a speaker on the roster",
                file: "t/nowhere to hide ransomware (day0).txt",
                clue: clue(None, "", &["CY DIAZ ORTEGA", "MODERATOR"]),
                key: key(2025, "WS #504"),
                source: Some(KeySource::PageMatch),
                page: Some("p/ws-504.txt"),
                by: Some(PairedBy::TitleMatch),
            },
            Case {
                about: "no key: the only page with the file name's code",
                file: "t/WS202 notes.txt",
                clue: Clue {
                    code: Some("WS #202".into()),
                    ..Clue::default()
                },
                key: key(2024, "WS #202"),
                source: Some(KeySource::PageMatch),
                page: Some("p/ws-202.txt"),
                by: Some(PairedBy::CodeMatch),
            },
            Case {
                about: "no key, year or title: its one speaker on a single page's roster",
                file: "t/t088.txt",
                clue: clue(None, "", &["BO KIM"]),
                key: key(2023, "WS #225"),
                source: Some(KeySource::PageMatch),
                page: Some("p/ws-225.txt"),
                by: Some(PairedBy::TitleMatch),
            },
            Case {
                about: "a speaker on a roster is not enough for a transcript that gives its year",
                file: "t/t089.txt",
                clue: Clue {
                    year: Some(2023),
                    ..clue(None, "", &["BO KIM"])
                },
                key: None,
                source: None,
                page: None,
                by: None,
            },
            Case {
                about: "nothing identifies it",
                file: "t/day0-fraud.txt",
                clue: clue(None, "", &["SOMEONE ELSE"]),
                key: None,
                source: None,
                page: None,
                by: None,
            },
        ];
        let inputs: Vec<Input<'_>> = pages.iter().map(|(f, c)| (*f, c)).collect();
        for c in cases {
            let paired = pair_all(&inputs, &[(c.file, &c.clue)], &Pairs::default(), &|_| None);
            let p = &paired.transcripts[0];
            assert_eq!(
                (&p.key, p.source, p.page.as_deref(), p.by),
                (&c.key, c.source, c.page, c.by),
                "{}",
                c.about
            );
            assert_eq!(p.why_unpaired.is_some(), c.page.is_none(), "{}", c.about);
        }
    }

    /// Two pages of one year list the transcript's one speaker: the speech that names the
    /// first page's other people and its acronym pairs it there; a speech naming nothing, or
    /// none at all, leaves the tie.
    #[test]
    fn a_tie_goes_to_the_page_the_speech_names_clearly_more() {
        let a = clue(
            key(2032, "Open Forum #14"),
            "LTN3: lantern drills for harbour towns",
            &["Mirela Dobos", "Oskar Lind", "Pia Hart"],
        );
        let b = clue(
            key(2032, "WS #77"),
            "Tides and harbour rules",
            &["Mirela Dobos", "Kofi Ansah"],
        );
        let t = clue(None, "", &["MIRELA DOBOS"]);
        let pages = [("p/of-14.txt", &a), ("p/ws-77.txt", &b)];
        let speeches = [
            (
                Some("Welcome. With me are Oskar Lind and Pia Hart, to present LTN3."),
                Some(PairedBy::Mentions),
            ),
            (Some("Welcome. Let us talk about the weather."), None),
            (None, None),
        ];
        for (text, by) in speeches {
            let text_of = |f: &str| (f == "t/t101.txt").then(|| text.map(String::from))?;
            let got = pair_all(&pages, &[("t/t101.txt", &t)], &Pairs::default(), &text_of);
            let p = &got.transcripts[0];
            assert_eq!(p.by, by, "{text:?}");
            if by.is_some() {
                assert_eq!(
                    (p.key.clone(), p.page.as_deref()),
                    (key(2032, "Open Forum #14"), Some("p/of-14.txt"))
                );
            } else {
                assert_eq!(
                    p.why_unpaired.as_deref(),
                    Some(
                        "p/of-14.txt and p/ws-77.txt match it equally well: name its session \
                         in pairs.csv"
                    )
                );
            }
        }
    }

    #[test]
    fn the_pairs_file_overrides_and_a_page_without_key_takes_the_transcripts() {
        let pairs = Pairs::parse(
            "file,session\nt/x.txt,2025-day-0-event-258\np/ws-504.txt,2025-day-0-event-258\n",
            Path::new("pairs.csv"),
        )
        .unwrap();
        let page = clue(key(2025, "WS #504"), "Nowhere to hide", &[]);
        let unkeyed = clue(
            None,
            "Bridging divides through capacity building",
            &["Ann Lee"],
        );
        let t1 = clue(None, "", &[]);
        let t2 = clue(
            key(2017, "WS #100"),
            "Bridging divides through capacity building",
            &["ANN LEE"],
        );
        let paired = pair_all(
            &[("p/ws-504.txt", &page), ("p/proposal.txt", &unkeyed)],
            &[("t/x.txt", &t1), ("t/y.txt", &t2)],
            &pairs,
            &|_| None,
        );
        assert_eq!(
            paired.pages[0].key.as_ref().map(SessionKey::id).as_deref(),
            Some("2025-day-0-event-258")
        );
        assert_eq!(paired.pages[0].source, Some(KeySource::PairsFile));
        let t = &paired.transcripts[0];
        assert_eq!(
            (
                t.key.as_ref().map(|k| k.code.as_str()),
                t.source,
                t.page.as_deref(),
                t.by
            ),
            (
                Some("Day 0 Event #258"),
                Some(KeySource::PairsFile),
                Some("p/ws-504.txt"),
                Some(PairedBy::PairsFile)
            )
        );
        assert_eq!(paired.pages[1].key, key(2017, "WS #100"));
        assert_eq!(
            paired.transcripts[1].page.as_deref(),
            Some("p/proposal.txt")
        );
    }
}
