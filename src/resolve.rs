//! Speaker resolution: a transcript's speaker labels → people with a stakeholder group and
//! region. Input: [`RawTurn`]s, the session page's roster (when paired), the registry
//! (`data/speakers.csv`) and the organisations list (`data/organizations.csv`). Output: [`Turn`]s
//! whose [`Speaker`] records the method and confidence of the match.
//!
//! Order, first success wins: the session roster (full name; a name part that is unique in the
//! roster; a small typo) → the registry's names and aliases → role labels (`MODERATOR`,
//! `CHAIR` → the roster's moderator; a role plus a name → that name) → a self-introduction in
//! the label's first turn ("my name is …, from …") matched to the roster, the registry or an
//! organisation → `Unknown`. Audience labels and unnamed turns stay `Unknown` with role
//! `audience` / `unnamed`. This module reads no files except through [`Registry::load`] and
//! [`Organizations::load`].

use crate::error::{Error, Result};
use crate::model::{
    Method, RawTurn, Region, Role, RosterEntry, SessionPage, Speaker, Stakeholder, Turn,
};
use crate::text::normalize_for_matching;
use std::collections::HashMap;
use std::path::Path;

/// The registry shipped in `data/speakers.csv`, embedded in the binary.
pub const EMBEDDED_REGISTRY: &str = include_str!("../data/speakers.csv");
/// The organisations list shipped in `data/organizations.csv`, embedded in the binary.
pub const EMBEDDED_ORGANIZATIONS: &str = include_str!("../data/organizations.csv");

/// Courtesy titles and honorifics dropped before names are compared.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "he",
    "h",
    "e",
    "excellency",
    "hon",
    "honourable",
    "honorable",
    "sir",
    "dame",
    "madam",
    "ambassador",
    "minister",
    "judge",
    "senator",
    "mx",
];

/// Label words that name a chairing role.
const CHAIR_ROLES: &[&str] = &[
    "moderator",
    "co",
    "comoderator",
    "chair",
    "chairman",
    "chairperson",
    "chairwoman",
    "host",
    "facilitator",
    "presenter",
    "announcer",
    "secretariat",
    "panelist",
    "panellist",
    "speaker",
    "rapporteur",
    "online",
    "onsite",
    "remote",
];

/// Label words that mean someone from the floor.
const AUDIENCE: &[&str] = &[
    "audience",
    "attendee",
    "participant",
    "participants",
    "floor",
    "questioner",
    "member",
    "question",
    "unidentified",
    "unknown",
    "voice",
    "male",
    "female",
    "man",
    "woman",
    "speaker",
];

/// One person in the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub name: String,
    pub aliases: Vec<String>,
    pub stakeholder: Stakeholder,
    pub region: Region,
    pub affiliation: Option<String>,
}

/// People who speak across sessions (`data/speakers.csv`: name, aliases, stakeholder, region,
/// affiliation; aliases separated by `;`).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    people: Vec<Person>,
    /// Normalised name or alias → index in `people`.
    by_key: HashMap<String, usize>,
    hash: String,
}

impl Registry {
    /// Loads and validates a registry file.
    pub fn load(path: &Path) -> Result<Registry> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Registry::parse(&text, path)
    }

    /// The registry shipped with igf-lens.
    pub fn embedded() -> Registry {
        Registry::parse(EMBEDDED_REGISTRY, Path::new("data/speakers.csv"))
            .expect("embedded registry is valid")
    }

    /// Parses registry CSV text; errors name `path` and the line.
    pub fn parse(text: &str, path: &Path) -> Result<Registry> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_error(path, &e))?
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let col = |name: &str| header.iter().position(|h| h == name);
        let (Some(ci_name), Some(ci_sh)) = (col("name"), col("stakeholder")) else {
            return Err(Error::InputLine {
                path: path.into(),
                line: 1,
                message: format!(
                    "the header must name the columns name,aliases,stakeholder,region,affiliation; found {}",
                    header.join(",")
                ),
            });
        };
        let (ci_alias, ci_region, ci_aff) = (col("aliases"), col("region"), col("affiliation"));
        let mut reg = Registry {
            hash: crate::hash::short_hex(text.as_bytes(), 8),
            ..Registry::default()
        };
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(path, &e))?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
            let name = get(Some(ci_name));
            if name.is_empty() {
                return Err(Error::InputLine {
                    path: path.into(),
                    line,
                    message: "empty name".into(),
                });
            }
            let sh = get(Some(ci_sh));
            let stakeholder = stakeholder_at(path, line, sh, name)?;
            let rg = get(ci_region);
            let region = if rg.is_empty() {
                Region::Unknown
            } else {
                Region::parse(rg).ok_or_else(|| Error::InputLine {
                    path: path.into(),
                    line,
                    message: format!(
                        "unknown region {rg:?} for {name}: use one of {}",
                        Region::valid_values()
                    ),
                })?
            };
            let aliases: Vec<String> = get(ci_alias)
                .split(';')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(String::from)
                .collect();
            let aff = get(ci_aff);
            let idx = reg.people.len();
            for key in std::iter::once(name).chain(aliases.iter().map(String::as_str)) {
                let k = name_key(key);
                if let Some(&other) = reg.by_key.get(&k) {
                    if other != idx {
                        return Err(Error::InputLine {
                            path: path.into(),
                            line,
                            message: format!(
                                "name or alias {key:?} is already used by {}: each name and alias must be unique",
                                reg.people[other].name
                            ),
                        });
                    }
                }
                reg.by_key.insert(k, idx);
            }
            reg.people.push(Person {
                name: name.to_string(),
                aliases,
                stakeholder,
                region,
                affiliation: (!aff.is_empty()).then(|| aff.to_string()),
            });
        }
        Ok(reg)
    }

    /// Content hash of the registry file.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Number of people.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    /// True when the registry is empty.
    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }

    fn lookup(&self, key: &str) -> Option<&Person> {
        self.by_key.get(key).map(|&i| &self.people[i])
    }
}

/// Organisations and the stakeholder group they belong to (`data/organizations.csv`:
/// organization, aliases, stakeholder), for self-introductions ("I'm … with Access Now").
#[derive(Debug, Clone, Default)]
pub struct Organizations {
    /// (pattern, case-sensitive, canonical name, group), longest pattern first.
    patterns: Vec<(String, bool, String, Stakeholder)>,
    hash: String,
}

impl Organizations {
    /// Loads and validates an organisations file.
    pub fn load(path: &Path) -> Result<Organizations> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Organizations::parse(&text, path)
    }

    /// The list shipped with igf-lens.
    pub fn embedded() -> Organizations {
        Organizations::parse(EMBEDDED_ORGANIZATIONS, Path::new("data/organizations.csv"))
            .expect("embedded organisations are valid")
    }

    /// Parses organisations CSV text; errors name `path` and the line.
    pub fn parse(text: &str, path: &Path) -> Result<Organizations> {
        let mut rdr = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut patterns = Vec::new();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(path, &e))?;
            let line = rec.position().map_or(0, |p| p.line() as usize);
            let name = rec.get(0).unwrap_or("").trim();
            let sh = rec.get(2).unwrap_or("").trim();
            if name.is_empty() {
                return Err(Error::InputLine {
                    path: path.into(),
                    line,
                    message: "empty organization name".into(),
                });
            }
            let stakeholder = stakeholder_at(path, line, sh, name)?;
            let aliases = rec.get(1).unwrap_or("");
            for p in std::iter::once(name).chain(aliases.split(';').map(str::trim)) {
                if p.is_empty() {
                    continue;
                }
                // Acronyms (FIRST, ICC, EFF) only match as written, so "first of all" is no
                // organisation.
                let acronym = p
                    .chars()
                    .filter(|c| c.is_alphabetic())
                    .all(|c| c.is_uppercase());
                let pat = if acronym {
                    p.to_string()
                } else {
                    normalize_for_matching(p)
                };
                patterns.push((pat, acronym, name.to_string(), stakeholder));
            }
        }
        patterns.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(Organizations {
            patterns,
            hash: crate::hash::short_hex(text.as_bytes(), 8),
        })
    }

    /// Content hash of the file.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Finds the longest organisation named in `phrase` (word-bounded).
    pub fn find(&self, phrase: &str) -> Option<(&str, Stakeholder)> {
        let folded = normalize_for_matching(phrase);
        self.patterns
            .iter()
            .find(|(pat, acronym, _, _)| {
                if *acronym {
                    contains_word(phrase, pat)
                } else {
                    contains_word(&folded, pat)
                }
            })
            .map(|(_, _, name, sh)| (name.as_str(), *sh))
    }
}

fn contains_word(hay: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let s = from + i;
        let e = s + needle.len();
        let before = hay[..s]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let after = hay[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return true;
        }
        from = s + needle.len().max(1);
        if from >= hay.len() {
            break;
        }
    }
    false
}

/// Parses a stakeholder group read from line `line` of a CSV file, naming the file, line and
/// person or organisation when it is not one of the five groups.
fn stakeholder_at(path: &Path, line: usize, value: &str, name: &str) -> Result<Stakeholder> {
    Stakeholder::parse(value).ok_or_else(|| Error::InputLine {
        path: path.into(),
        line,
        message: format!(
            "unknown stakeholder group {value:?} for {name}: use one of {}",
            Stakeholder::valid_values()
        ),
    })
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    Error::InputLine {
        path: path.into(),
        line: e.position().map_or(0, |p| p.line() as usize),
        message: format!("{e}"),
    }
}

/// What resolution looks people up in.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub registry: Registry,
    pub organizations: Organizations,
}

impl Directory {
    /// The registry and organisations shipped with igf-lens.
    pub fn embedded() -> Directory {
        Directory {
            registry: Registry::embedded(),
            organizations: Organizations::embedded(),
        }
    }
}

/// A name reduced for comparison: folded, titles dropped, hyphens and dots as spaces.
pub fn name_key(name: &str) -> String {
    name_tokens(name).join(" ")
}

fn name_tokens(name: &str) -> Vec<String> {
    let n = normalize_for_matching(name);
    let words: Vec<String> = n
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\'').replace('\'', ""))
        .filter(|w| !w.is_empty())
        .collect();
    // Drop titles only at the front, so a surname such as "Judge" survives elsewhere.
    let mut start = 0;
    while start < words.len() && TITLES.contains(&words[start].as_str()) {
        start += 1;
    }
    words[start..].to_vec()
}

/// Levenshtein distance (small strings only).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The edit distance tolerated for a name of this length.
fn typo_bound(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=9 => 1,
        _ => 2,
    }
}

/// Matches a name against a list of candidate names; returns the index, method and confidence.
fn match_name(tokens: &[String], names: &[Vec<String>]) -> Option<(usize, Method, f32)> {
    if tokens.is_empty() {
        return None;
    }
    let joined = tokens.join(" ");
    let mut sorted = tokens.to_vec();
    sorted.sort();
    // Full name, in any order (pages write some names surname first).
    for (i, n) in names.iter().enumerate() {
        let mut s = n.clone();
        s.sort();
        if s == sorted {
            return Some((i, Method::Roster, 1.0));
        }
    }
    // Every label word is part of exactly one name ("SUTO", "BRIONY WHITWORTH").
    let partial: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| tokens.iter().all(|t| n.contains(t)))
        .map(|(i, _)| i)
        .collect();
    if partial.len() == 1 {
        return Some((partial[0], Method::RosterPartial, 0.85));
    }
    if partial.len() > 1 {
        return None;
    }
    // A small typo in the full name or in one name part.
    let mut best: Vec<(usize, usize)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let full = n.join(" ");
        let d = edit_distance(&joined, &full);
        if d <= typo_bound(full.len()) {
            best.push((d, i));
            continue;
        }
        if tokens.len() == 1 {
            if let Some(d) = n
                .iter()
                .filter(|p| p.len() >= 5)
                .map(|p| edit_distance(&joined, p))
                .filter(|&d| d <= typo_bound(joined.len()))
                .min()
            {
                best.push((d, i));
            }
        } else if tokens.len() == n.len() {
            // Each word within bound of its counterpart (misspelt given name or surname).
            let ok = tokens
                .iter()
                .zip(n)
                .all(|(a, b)| a == b || edit_distance(a, b) <= typo_bound(b.len()));
            if ok {
                best.push((typo_bound(full.len()) + 1, i));
            }
        }
    }
    best.sort();
    match best.as_slice() {
        [(d, i)] => Some((*i, Method::RosterFuzzy, 0.7 - 0.05 * *d as f32)),
        [(d1, i), (d2, _), ..] if d1 < d2 => Some((*i, Method::RosterFuzzy, 0.6)),
        _ => None,
    }
}

/// What a label says before any lookup.
#[derive(Debug, Clone, PartialEq)]
enum LabelKind {
    Unnamed,
    Audience,
    /// A role word alone (`MODERATOR`), with the role.
    Role(Role),
    /// A role word and a name (`MODERATOR SMITH`).
    RoleName(Role, Vec<String>),
    /// A name, with the organisation written after a comma when present.
    Name(Vec<String>, Option<String>),
}

fn role_of(word: &str) -> Role {
    match word {
        "rapporteur" => Role::Rapporteur,
        "chair" | "chairman" | "chairperson" | "chairwoman" => Role::Chair,
        "online" | "remote" => Role::OnlineModerator,
        "panelist" | "panellist" | "speaker" | "presenter" => Role::Speaker,
        _ => Role::Moderator,
    }
}

fn classify(label: &str) -> LabelKind {
    let trimmed = label.trim();
    if trimmed.is_empty() {
        return LabelKind::Unnamed;
    }
    let (name_part, org) = match trimmed.split_once(',') {
        Some((n, o)) if !o.trim().is_empty() => (n, Some(o.trim().to_string())),
        _ => (trimmed, None),
    };
    let tokens = name_tokens(name_part);
    if tokens.is_empty() {
        return LabelKind::Unnamed;
    }
    if tokens.iter().all(|t| AUDIENCE.contains(&t.as_str()))
        && !tokens.iter().all(|t| t == "speaker")
    {
        return LabelKind::Audience;
    }
    let roles: usize = tokens
        .iter()
        .take_while(|t| CHAIR_ROLES.contains(&t.as_str()))
        .count();
    if roles == tokens.len() {
        let role = tokens
            .iter()
            .map(|t| role_of(t))
            .find(|r| *r != Role::Moderator)
            .unwrap_or(Role::Moderator);
        return LabelKind::Role(role);
    }
    if roles > 0 {
        let role = role_of(&tokens[0]);
        return LabelKind::RoleName(role, tokens[roles..].to_vec());
    }
    LabelKind::Name(tokens, org)
}

/// A self-introduction found in a turn: a name and/or an organisation phrase.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Introduction {
    pub name: Option<String>,
    pub organization: Option<String>,
}

/// Finds "my name is X", "I'm X", "I am X", "this is X", with "from/with/at/of/representing Y"
/// after it, in the first few sentences of a turn.
pub fn find_introduction(text: &str) -> Option<Introduction> {
    let head: String = text.chars().take(400).collect();
    let lower = head.to_lowercase();
    const OPENERS: &[&str] = &["my name is ", "i'm ", "i am ", "this is ", "i’m "];
    for opener in OPENERS {
        let mut from = 0;
        while let Some(i) = lower[from..].find(opener) {
            let at = from + i;
            from = at + opener.len();
            if at > 0
                && lower[..at]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            let rest = &head[at + opener.len()..];
            let mut name_words = Vec::new();
            let mut consumed = 0;
            for w in rest.split_inclusive(|c: char| c.is_whitespace()) {
                let word = w.trim().trim_end_matches([',', '.', ';', ':']);
                let first = word.chars().next();
                let is_name = first.is_some_and(|c| c.is_uppercase())
                    && word.len() > 1
                    && !matches!(word, "I" | "I'm" | "The" | "A");
                if is_name && name_words.len() < 4 {
                    name_words.push(word.to_string());
                    consumed += w.len();
                    if w.trim_end().ends_with([',', '.', ';', ':']) {
                        break;
                    }
                } else {
                    break;
                }
            }
            let after = &rest[consumed.min(rest.len())..];
            let org = find_organization_phrase(after).or_else(|| {
                (name_words.is_empty())
                    .then(|| find_organization_phrase(rest))
                    .flatten()
            });
            let name = (name_words.len() >= 2
                || (name_words.len() == 1 && *opener == "my name is "))
                .then(|| name_words.join(" "));
            if name.is_some() || org.is_some() {
                return Some(Introduction {
                    name,
                    organization: org,
                });
            }
        }
    }
    None
}

fn find_organization_phrase(s: &str) -> Option<String> {
    let lower = s.to_lowercase();
    const LINKS: &[&str] = &[
        "from the ",
        "from ",
        "with the ",
        "with ",
        "at the ",
        "at ",
        "of the ",
        "representing the ",
        "representing ",
        "work for the ",
        "work for ",
        "work at ",
        "working for ",
        "i work with ",
    ];
    // The earliest link wins; at one position the longest ("from the " over "from ").
    let mut best: Option<(usize, usize)> = None;
    for l in LINKS {
        if let Some(i) = lower.find(l) {
            let better = best.is_none_or(|(bi, bl)| i < bi || (i == bi && l.len() > bl));
            if i < 120 && better {
                best = Some((i, l.len()));
            }
        }
    }
    let start = best.map(|(i, l)| i + l)?;
    let phrase: String = s[start..]
        .chars()
        .take_while(|c| !matches!(c, '.' | ';' | '!' | '?' | '\n'))
        .take(100)
        .collect();
    let phrase = phrase.trim();
    (!phrase.is_empty()).then(|| phrase.to_string())
}

/// How much a roster role says about who speaks: speaking roles first, organisers last.
fn role_rank(role: Role) -> u8 {
    match role {
        Role::Speaker => 0,
        Role::Moderator | Role::Chair => 1,
        Role::OnlineModerator => 2,
        Role::Rapporteur => 3,
        _ => 4,
    }
}

/// One entry per person: a page lists someone once per role (organiser, speaker, moderator).
/// Keeps the most telling role, and fills a missing group, region or affiliation from the other
/// entries of the same person.
fn merge_roster(roster: &[RosterEntry]) -> Vec<RosterEntry> {
    let mut out: Vec<RosterEntry> = Vec::with_capacity(roster.len());
    let mut keys: Vec<String> = Vec::with_capacity(roster.len());
    for e in roster {
        let k = name_key(&e.name);
        if k.is_empty() {
            continue;
        }
        match keys.iter().position(|x| *x == k) {
            Some(i) => {
                let cur = &mut out[i];
                let keep_role = role_rank(cur.role) <= role_rank(e.role);
                if !keep_role {
                    cur.role = e.role;
                }
                if cur.stakeholder == Stakeholder::Unknown {
                    cur.stakeholder = e.stakeholder;
                }
                if cur.region == Region::Unknown {
                    cur.region = e.region;
                }
                if cur.affiliation.is_none() {
                    cur.affiliation.clone_from(&e.affiliation);
                }
            }
            None => {
                keys.push(k);
                out.push(e.clone());
            }
        }
    }
    out
}

/// Resolves every turn of one session.
/// Takes the raw turns by value so their text moves into the resolved turns (a transcript of
/// hundreds of MB is not held twice).
pub fn resolve_turns(raw: Vec<RawTurn>, page: Option<&SessionPage>, dir: &Directory) -> Vec<Turn> {
    let roster = merge_roster(page.map_or(&[], |p| p.roster.as_slice()));
    let roster = roster.as_slice();
    let roster_names: Vec<Vec<String>> = roster.iter().map(|r| name_tokens(&r.name)).collect();
    let mut cache: HashMap<String, Speaker> = HashMap::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, t) in raw.into_iter().enumerate() {
        let key = normalize_for_matching(t.label.trim());
        let speaker = match cache.get(&key) {
            Some(s) => s.clone(),
            None => {
                let s = resolve_label(&t.label, &t.text, roster, &roster_names, dir);
                if !key.is_empty() {
                    cache.insert(key, s.clone());
                }
                s
            }
        };
        let speaker = match t.stakeholder_hint {
            Some(h) if h != speaker.stakeholder => Speaker {
                stakeholder: h,
                method: Method::Source,
                confidence: 1.0,
                ..speaker
            },
            _ => speaker,
        };
        out.push(Turn {
            ordinal: i as u32,
            label: t.label,
            speaker,
            text: t.text,
            line: t.line,
            start_ms: t.start_ms,
            end_ms: t.end_ms,
        });
    }
    out
}

fn from_roster(e: &RosterEntry, method: Method, confidence: f32, role: Option<Role>) -> Speaker {
    Speaker {
        name: e.name.clone(),
        stakeholder: e.stakeholder,
        region: e.region,
        role: role.unwrap_or(e.role),
        affiliation: e.affiliation.clone(),
        method,
        confidence,
    }
}

fn from_person(p: &Person, method: Method, confidence: f32, role: Role) -> Speaker {
    Speaker {
        name: p.name.clone(),
        stakeholder: p.stakeholder,
        region: p.region,
        role,
        affiliation: p.affiliation.clone(),
        method,
        confidence,
    }
}

fn unknown(label: &str, role: Role, method: Method) -> Speaker {
    Speaker {
        name: label.trim().to_string(),
        stakeholder: Stakeholder::Unknown,
        region: Region::Unknown,
        role,
        affiliation: None,
        method,
        confidence: 0.0,
    }
}

/// Looks a name up in the roster, then the registry.
fn lookup_name(
    tokens: &[String],
    roster: &[RosterEntry],
    roster_names: &[Vec<String>],
    dir: &Directory,
    role: Option<Role>,
) -> Option<Speaker> {
    if let Some((i, method, conf)) = match_name(tokens, roster_names) {
        // A person listed under several roles: prefer the speaking entry's group (identical in
        // practice), keep the label's role when it gave one.
        return Some(from_roster(&roster[i], method, conf, role));
    }
    let reg = &dir.registry;
    if let Some(p) = reg.lookup(&tokens.join(" ")) {
        return Some(from_person(
            p,
            Method::Registry,
            0.9,
            role.unwrap_or(Role::Speaker),
        ));
    }
    let names: Vec<Vec<String>> = reg.people.iter().map(|p| name_tokens(&p.name)).collect();
    match match_name(tokens, &names) {
        Some((i, Method::Roster, _)) => Some(from_person(
            &reg.people[i],
            Method::Registry,
            0.9,
            role.unwrap_or(Role::Speaker),
        )),
        Some((i, _, conf)) => Some(from_person(
            &reg.people[i],
            Method::Registry,
            conf * 0.9,
            role.unwrap_or(Role::Speaker),
        )),
        None => None,
    }
}

fn resolve_label(
    label: &str,
    first_text: &str,
    roster: &[RosterEntry],
    roster_names: &[Vec<String>],
    dir: &Directory,
) -> Speaker {
    match classify(label) {
        LabelKind::Unnamed => unknown(label, Role::Unnamed, Method::Unnamed),
        LabelKind::Audience => unknown(label, Role::Audience, Method::Audience),
        LabelKind::Name(tokens, org) => {
            if let Some(s) = lookup_name(&tokens, roster, roster_names, dir, None) {
                return s;
            }
            if let Some(s) = introduce(first_text, roster, roster_names, dir, Role::Speaker) {
                return s;
            }
            if let Some((name, sh)) = org.as_deref().and_then(|o| dir.organizations.find(o)) {
                return Speaker {
                    name: label.split(',').next().unwrap_or(label).trim().to_string(),
                    stakeholder: sh,
                    region: Region::Unknown,
                    role: Role::Speaker,
                    affiliation: Some(name.to_string()),
                    method: Method::Organization,
                    confidence: 0.6,
                };
            }
            unknown(label, Role::Speaker, Method::Unresolved)
        }
        LabelKind::RoleName(role, tokens) => {
            if let Some(s) = lookup_name(&tokens, roster, roster_names, dir, Some(role)) {
                let on_roster = matches!(
                    s.method,
                    Method::Roster | Method::RosterPartial | Method::RosterFuzzy
                );
                return Speaker {
                    method: if on_roster { Method::Role } else { s.method },
                    ..s
                };
            }
            introduce(first_text, roster, roster_names, dir, role)
                .unwrap_or_else(|| unknown(label, role, Method::Unresolved))
        }
        LabelKind::Role(role) => {
            let wanted: &[Role] = match role {
                Role::OnlineModerator => &[Role::OnlineModerator, Role::Moderator],
                Role::Rapporteur => &[Role::Rapporteur],
                Role::Speaker => &[],
                _ => &[Role::Moderator, Role::Chair, Role::OnlineModerator],
            };
            for w in wanted {
                let hits: Vec<&RosterEntry> = roster.iter().filter(|e| e.role == *w).collect();
                if hits.len() == 1 {
                    return from_roster(hits[0], Method::Role, 0.8, Some(role));
                }
                if hits.len() > 1 {
                    break;
                }
            }
            introduce(first_text, roster, roster_names, dir, role)
                .unwrap_or_else(|| unknown(label, role, Method::Unresolved))
        }
    }
}

/// Resolves a speaker from a self-introduction in their first turn.
fn introduce(
    text: &str,
    roster: &[RosterEntry],
    roster_names: &[Vec<String>],
    dir: &Directory,
    role: Role,
) -> Option<Speaker> {
    let intro = find_introduction(text)?;
    if let Some(name) = &intro.name {
        if let Some(s) = lookup_name(&name_tokens(name), roster, roster_names, dir, Some(role)) {
            return Some(Speaker {
                method: Method::SelfIntroduction,
                confidence: (s.confidence * 0.8).min(0.8),
                ..s
            });
        }
    }
    let org = intro.organization.as_deref()?;
    let (org_name, sh) = dir.organizations.find(org)?;
    Some(Speaker {
        name: intro.name.unwrap_or_else(|| format!("({org_name})")),
        stakeholder: sh,
        region: Region::Unknown,
        role,
        affiliation: Some(org_name.to_string()),
        method: Method::Organization,
        confidence: 0.5,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, sh: Stakeholder, region: Region, role: Role) -> RosterEntry {
        RosterEntry {
            name: name.into(),
            affiliation: None,
            stakeholder: sh,
            region,
            role,
        }
    }

    fn page() -> SessionPage {
        SessionPage {
            roster: vec![
                entry(
                    "Briony Daley Whitworth",
                    Stakeholder::Government,
                    Region::Weog,
                    Role::Speaker,
                ),
                entry(
                    "Claudio Peguero",
                    Stakeholder::Government,
                    Region::Grulac,
                    Role::Speaker,
                ),
                entry(
                    "Timea Suto",
                    Stakeholder::PrivateSector,
                    Region::EasternEuropean,
                    Role::Speaker,
                ),
                entry(
                    "John Hering",
                    Stakeholder::PrivateSector,
                    Region::Weog,
                    Role::Moderator,
                ),
                entry(
                    "Pavlina Pavlova",
                    Stakeholder::CivilSociety,
                    Region::Weog,
                    Role::OnlineModerator,
                ),
                entry(
                    "Kerry-Ann Barrett",
                    Stakeholder::Intergovernmental,
                    Region::Intergovernmental,
                    Role::Speaker,
                ),
            ],
            ..SessionPage::default()
        }
    }

    fn turn(label: &str, text: &str) -> RawTurn {
        RawTurn {
            label: label.into(),
            text: text.into(),
            line: 1,
            start_ms: None,
            end_ms: None,
            stakeholder_hint: None,
        }
    }

    fn resolve_one(label: &str, text: &str) -> Speaker {
        let p = page();
        resolve_turns(vec![turn(label, text)], Some(&p), &Directory::embedded())
            .remove(0)
            .speaker
    }

    #[test]
    fn labels_resolve_in_order() {
        struct Case {
            label: &'static str,
            text: &'static str,
            name: &'static str,
            stakeholder: Stakeholder,
            method: Method,
            role: Role,
        }
        let cases = [
            Case {
                label: "CLAUDIO PEGUERO",
                text: "Thanks.",
                name: "Claudio Peguero",
                stakeholder: Stakeholder::Government,
                method: Method::Roster,
                role: Role::Speaker,
            },
            Case {
                label: "AMBASSADOR PEGUERO",
                text: "Thanks.",
                name: "Claudio Peguero",
                stakeholder: Stakeholder::Government,
                method: Method::RosterPartial,
                role: Role::Speaker,
            },
            Case {
                label: "SUTO",
                text: "Yes.",
                name: "Timea Suto",
                stakeholder: Stakeholder::PrivateSector,
                method: Method::RosterPartial,
                role: Role::Speaker,
            },
            Case {
                label: "Briony Whitworth",
                text: "Yes.",
                name: "Briony Daley Whitworth",
                stakeholder: Stakeholder::Government,
                method: Method::RosterPartial,
                role: Role::Speaker,
            },
            Case {
                label: "TIMEA SUTTO",
                text: "Yes.",
                name: "Timea Suto",
                stakeholder: Stakeholder::PrivateSector,
                method: Method::RosterFuzzy,
                role: Role::Speaker,
            },
            Case {
                label: "KERRY\u{2011}ANN BARRETT",
                text: "Yes.",
                name: "Kerry-Ann Barrett",
                stakeholder: Stakeholder::Intergovernmental,
                method: Method::Roster,
                role: Role::Speaker,
            },
            Case {
                label: "MODERATOR",
                text: "Welcome.",
                name: "John Hering",
                stakeholder: Stakeholder::PrivateSector,
                method: Method::Role,
                role: Role::Moderator,
            },
            Case {
                label: "MODERATOR HERING",
                text: "Welcome.",
                name: "John Hering",
                stakeholder: Stakeholder::PrivateSector,
                method: Method::Role,
                role: Role::Moderator,
            },
            Case {
                label: "NADIA HADDAD",
                text: "A question.",
                name: "Nadia Haddad",
                stakeholder: Stakeholder::Intergovernmental,
                method: Method::Registry,
                role: Role::Speaker,
            },
            Case {
                label: "DR. MENSAH-BOATENG",
                text: "A point.",
                name: "Samuel Mensah-Boateng",
                stakeholder: Stakeholder::Intergovernmental,
                method: Method::Registry,
                role: Role::Speaker,
            },
            Case {
                label: "JORGE ALVAREZ",
                text: "Hello, I'm Jorge Alvarez with Access Now, and I have a question.",
                name: "Jorge Alvarez",
                stakeholder: Stakeholder::CivilSociety,
                method: Method::Organization,
                role: Role::Speaker,
            },
            Case {
                label: "FLOOR SPEAKER X",
                text: "My name is Lindiwe Mokoena, from a rights group.",
                name: "Lindiwe Mokoena",
                stakeholder: Stakeholder::CivilSociety,
                method: Method::SelfIntroduction,
                role: Role::Speaker,
            },
            Case {
                label: "AUDIENCE MEMBER",
                text: "My name is Lindiwe Mokoena.",
                name: "AUDIENCE MEMBER",
                stakeholder: Stakeholder::Unknown,
                method: Method::Audience,
                role: Role::Audience,
            },
            Case {
                label: "",
                text: "Testing, testing.",
                name: "",
                stakeholder: Stakeholder::Unknown,
                method: Method::Unnamed,
                role: Role::Unnamed,
            },
            Case {
                label: "ZARA QUILLFEATHER",
                text: "Good morning.",
                name: "ZARA QUILLFEATHER",
                stakeholder: Stakeholder::Unknown,
                method: Method::Unresolved,
                role: Role::Speaker,
            },
        ];
        for c in cases {
            let s = resolve_one(c.label, c.text);
            assert_eq!(
                (s.name.as_str(), s.stakeholder, s.method, s.role),
                (c.name, c.stakeholder, c.method, c.role),
                "label {:?}",
                c.label
            );
        }
    }

    #[test]
    fn a_person_listed_twice_is_one_roster_entry_with_the_speaking_role() {
        let mut p = page();
        p.roster.insert(
            0,
            RosterEntry {
                name: "Timea Suto".into(),
                affiliation: Some("ICC".into()),
                stakeholder: Stakeholder::Unknown,
                region: Region::Unknown,
                role: Role::Organizer,
            },
        );
        let t = resolve_turns(vec![turn("SUTO", "Yes.")], Some(&p), &Directory::embedded());
        let s = &t[0].speaker;
        assert_eq!(
            (
                s.role,
                s.stakeholder,
                s.region,
                s.affiliation.as_deref(),
                s.method
            ),
            (
                Role::Speaker,
                Stakeholder::PrivateSector,
                Region::EasternEuropean,
                Some("ICC"),
                Method::RosterPartial
            )
        );
    }

    #[test]
    fn moderator_label_maps_to_roster_moderator_or_self_introduction() {
        let s = resolve_one("MODERATOR", "Good afternoon.");
        assert_eq!(s.name, "John Hering");
        let no_page = resolve_turns(
            vec![turn(
                "MODERATOR",
                "Good afternoon, my name is Pavlina Pavlova and I will moderate.",
            )],
            None,
            &Directory::embedded(),
        );
        assert_eq!(no_page[0].speaker.name, "Pavlina Pavlova");
        assert_eq!(no_page[0].speaker.method, Method::SelfIntroduction);
        assert_eq!(no_page[0].speaker.role, Role::Moderator);
    }

    #[test]
    fn acronym_organisations_match_only_as_written() {
        let orgs = Organizations::embedded();
        assert_eq!(orgs.find("first of all, thanks"), None);
        assert_eq!(
            orgs.find("the FIRST community").map(|x| x.1),
            Some(Stakeholder::TechnicalCommunity)
        );
        assert_eq!(
            orgs.find("the Ministry of Justice of Kenya").map(|x| x.0),
            Some("Ministry of Justice")
        );
    }

    #[test]
    fn registry_errors_name_the_line() {
        let err = Registry::parse(
            "name,aliases,stakeholder,region,affiliation\nA B,,Government,WEOG,\nC D,,Journalism,WEOG,\n",
            Path::new("reg.csv"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("reg.csv:3: unknown stakeholder group \"Journalism\""),
            "{err}"
        );
    }

    #[test]
    fn embedded_registry_loads_every_person() {
        let r = Registry::embedded();
        assert_eq!(r.len(), 18);
        assert_eq!(
            r.lookup(&name_key("Tomasz Wisniewski")).map(|p| p.region),
            Some(Region::EasternEuropean)
        );
    }

    #[test]
    fn introductions_are_found() {
        let i = find_introduction(
            "Thank you. My name is Ana Lucía Benítez, from the Ministry of Foreign Affairs.",
        )
        .unwrap();
        assert_eq!(i.name.as_deref(), Some("Ana Lucía Benítez"));
        assert_eq!(
            i.organization.as_deref(),
            Some("Ministry of Foreign Affairs")
        );
        assert_eq!(find_introduction("I am not sure this works."), None);
    }
}
