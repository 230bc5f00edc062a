//! Name matching: speaker labels and roster names reduced to comparable tokens, matched in
//! full, by a unique part, or within a small typo; and what a label says before any lookup
//! (unnamed, audience, a role, a role and a name, a name and an organisation).
//!
//! Input: labels and names as written. Output: name tokens, the index of the matching name with
//! the [`Method`] and confidence, and [`LabelKind`]s. Knows no roster, registry or file.

use crate::model::{Method, Role};
use crate::text::normalize_for_matching;

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

/// A name reduced for comparison: folded, titles dropped, hyphens and dots as spaces.
pub fn name_key(name: &str) -> String {
    name_tokens(name).join(" ")
}

pub fn name_tokens(name: &str) -> Vec<String> {
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
pub fn match_name(tokens: &[String], names: &[Vec<String>]) -> Option<(usize, Method, f32)> {
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
pub enum LabelKind {
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

pub fn classify(label: &str) -> LabelKind {
    let trimmed = label.trim();
    if trimmed.is_empty() {
        return LabelKind::Unnamed;
    }
    // `NAME, Organisation` or `Name SURNAME (Organisation)`: the organisation is evidence.
    let (name_part, org) = match trimmed.split_once(',') {
        Some((n, o)) if !o.trim().is_empty() => (n, Some(o.trim().to_string())),
        _ => match trimmed.split_once('(') {
            Some((n, o)) if !n.trim().is_empty() => {
                let o = o.trim_end_matches([')', ' ']).trim();
                (n, (!o.is_empty()).then(|| o.to_string()))
            }
            _ => (trimmed, None),
        },
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
