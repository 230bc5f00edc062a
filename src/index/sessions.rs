//! `--session` as people name sessions: which session ids of the index a spelling means.
//!
//! Input: what the user typed, the session ids and code keys of the index (and, only when no
//! id or code matches, each session's code, year and title). Output: a [`SessionMatch`] (ids,
//! and codes matched in every year), or an [`Error::InvalidValue`] listing the nearest
//! sessions. Accepted, in this order:
//!
//! 1. the id (`2023-ws-225`) or a spelling that slugs to it (`2023 WS 225`);
//! 2. a title or file-name form with a year (`IGF 2023 WS #225`, `2021-of-7`,
//!    `2024-main-session-cybersecurity`), read as ingest reads titles and file names;
//! 3. a code without a year (`WS #225`, `ws-225`, `OF 7`, `Open Forum #7`): that code in every
//!    year;
//! 4. words of the title (`harmonising legislation africa`): every session whose title has all
//!    of them (each word may be the start of a title word; `the`, `of`, … are left out).
//!
//! Codes are read by [`crate::parse`]'s title reader, so `--session` spells codes exactly as
//! ingest does. This module does not run queries; the reader turns the match into a filter.

use crate::error::{Error, Result};
use crate::model::slugify;
use crate::parse::{key_from_path, parse_session_code, parse_session_key};
use std::path::Path;

/// What the near-match list needs to know of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionEntry {
    /// `2023-ws-225`.
    pub id: String,
    /// `WS #225`.
    pub code: String,
    pub year: u16,
    pub title: String,
}

/// Words left out of title matching.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "at", "by", "for", "igf", "in", "of", "on", "the", "to", "with",
];

/// Most sessions named in the error when nothing matches.
const NEAREST: usize = 6;

/// The sessions a `--session` value names: ids (from ids, file names, titles or title words)
/// and code keys (`ws-225`: that code in every year, matched on the index's code key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionMatch {
    pub ids: Vec<String>,
    pub codes: Vec<String>,
}

impl SessionMatch {
    fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.codes.is_empty()
    }
}

/// What `input` names among the session `ids` and the `codes` (slugged codes, `ws-225`) of the
/// index. `entries` is asked only when no id or code matches (title words and the near-match
/// list need titles).
pub fn resolve_session(
    input: &str,
    ids: &[String],
    codes: &[String],
    entries: impl FnOnce() -> Result<Vec<SessionEntry>>,
) -> Result<SessionMatch> {
    let named = match_names(input, ids, codes);
    if !named.is_empty() {
        return Ok(named);
    }
    let entries = entries()?;
    let ids = match_title(input, &entries);
    if !ids.is_empty() {
        return Ok(SessionMatch {
            ids,
            codes: Vec::new(),
        });
    }
    Err(no_match(input, &entries))
}

/// Steps 1–3: ids, titles and file names with a year, codes without one.
fn match_names(input: &str, ids: &[String], codes: &[String]) -> SessionMatch {
    let raw = input.trim();
    let slug = slugify(raw);
    let mut found = SessionMatch::default();
    if slug.is_empty() {
        return found;
    }
    let mut keys = vec![raw.to_string(), slug.clone()];
    let mut wanted_codes = Vec::new();
    // A spelling with a year names that year's session only; without one, the code in every
    // year.
    match parse_session_key(raw).or_else(|| key_from_path(Path::new(raw))) {
        Some(k) => keys.push(k.id()),
        None => {
            wanted_codes.push(slug);
            wanted_codes.extend(parse_session_code(raw).map(|c| slugify(&c)));
        }
    }
    found.ids = ids.iter().filter(|id| keys.contains(id)).cloned().collect();
    found.codes = codes
        .iter()
        .filter(|c| wanted_codes.contains(c))
        .cloned()
        .collect();
    found
}

/// The words of `s` that count for title matching.
fn words(s: &str) -> Vec<String> {
    slugify(s)
        .split('-')
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// How many of `want` start a word of `title_words`.
fn hits(want: &[String], title_words: &[String]) -> usize {
    want.iter()
        .filter(|w| title_words.iter().any(|t| t.starts_with(w.as_str())))
        .count()
}

/// Step 4: sessions whose title has every word of the input.
fn match_title(input: &str, entries: &[SessionEntry]) -> Vec<String> {
    let want = words(input);
    if want.is_empty() {
        return Vec::new();
    }
    entries
        .iter()
        .filter(|e| hits(&want, &words(&e.title)) == want.len())
        .map(|e| e.id.clone())
        .collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != *cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// The error for a spelling that names no session, with the nearest sessions: by share of the
/// input's words found in the title, then by edit distance to the id or the code.
fn no_match(input: &str, entries: &[SessionEntry]) -> Error {
    let slug = slugify(input);
    let want = words(input);
    let mut ranked: Vec<(usize, usize, &SessionEntry)> = entries
        .iter()
        .map(|e| {
            let d = distance(&slug, &e.id).min(distance(&slug, &slugify(&e.code)));
            (hits(&want, &words(&e.title)), d, e)
        })
        .filter(|(h, d, _)| *h > 0 || *d * 2 <= slug.chars().count().max(4))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.id.cmp(&b.2.id)));
    let (label, shown): (&str, Vec<&SessionEntry>) = if ranked.is_empty() {
        (
            "sessions in this index",
            entries.iter().take(NEAREST).collect(),
        )
    } else {
        (
            "nearest",
            ranked.iter().take(NEAREST).map(|r| r.2).collect(),
        )
    };
    let mut list: Vec<String> = shown.iter().map(|e| describe(e)).collect();
    let more = if ranked.is_empty() {
        entries.len()
    } else {
        ranked.len()
    };
    if more > list.len() {
        list.push(format!("… ({} more)", more - list.len()));
    }
    let valid = if entries.is_empty() {
        "none: the index holds no session".to_string()
    } else {
        format!(
            "a session's id (2023-ws-225), code (WS #225, OF 7, Open Forum #7), file name \
             (2021-of-7) or title words; {label}: {}",
            list.join(", ")
        )
    };
    Error::InvalidValue {
        what: "--session".into(),
        value: input.into(),
        valid,
    }
}

/// `2023-ws-225 (IGF 2023 WS #225 “Risks and opportunities…”)`.
fn describe(e: &SessionEntry) -> String {
    let head = format!("IGF {} {}", e.year, e.code);
    let title = e.title.strip_prefix(&head).unwrap_or(&e.title).trim();
    let short: String = if title.chars().count() > 48 {
        let cut: String = title.chars().take(47).collect();
        format!("{}…", cut.trim_end())
    } else {
        title.to_string()
    };
    if short.is_empty() {
        format!("{} ({head})", e.id)
    } else {
        format!("{} ({head} “{short}”)", e.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> Vec<SessionEntry> {
        let e = |id: &str, code: &str, year, title: &str| SessionEntry {
            id: id.into(),
            code: code.into(),
            year,
            title: title.into(),
        };
        vec![
            e(
                "2021-open-forum-7",
                "Open Forum #7",
                2021,
                "IGF 2021 Open Forum #7 Harmonising cybercrime legislation in Africa",
            ),
            e(
                "2023-ws-225",
                "WS #225",
                2023,
                "IGF 2023 WS #225 Risks and opportunities of a new UN cybercrime treaty",
            ),
            e(
                "2024-main-session",
                "Main Session",
                2024,
                "IGF 2024 Main Session: cybersecurity and trust",
            ),
            e(
                "2024-ws-225",
                "WS #225",
                2024,
                "IGF 2024 WS #225 Another workshop",
            ),
        ]
    }

    /// The ids named, codes expanded to the ids carrying them.
    fn resolve(input: &str) -> Result<Vec<String>> {
        let all = entries();
        let ids: Vec<String> = all.iter().map(|e| e.id.clone()).collect();
        let mut codes: Vec<String> = all.iter().map(|e| slugify(&e.code)).collect();
        codes.sort();
        codes.dedup();
        let m = resolve_session(input, &ids, &codes, || Ok(all.clone()))?;
        Ok(all
            .iter()
            .filter(|e| m.ids.contains(&e.id) || m.codes.contains(&slugify(&e.code)))
            .map(|e| e.id.clone())
            .collect())
    }

    #[test]
    fn every_way_of_naming_a_session_finds_it() {
        struct Case {
            input: &'static str,
            want: &'static [&'static str],
        }
        let table = [
            Case {
                input: "2023-ws-225",
                want: &["2023-ws-225"],
            },
            Case {
                input: "2023 WS 225",
                want: &["2023-ws-225"],
            },
            Case {
                input: "IGF 2023 WS #225",
                want: &["2023-ws-225"],
            },
            Case {
                input: "2021-of-7",
                want: &["2021-open-forum-7"],
            },
            Case {
                input: "2021-of-7.raw.txt",
                want: &["2021-open-forum-7"],
            },
            Case {
                input: "OF 7",
                want: &["2021-open-forum-7"],
            },
            Case {
                input: "Open Forum #7",
                want: &["2021-open-forum-7"],
            },
            Case {
                input: "open-forum-7",
                want: &["2021-open-forum-7"],
            },
            Case {
                input: "WS #225",
                want: &["2023-ws-225", "2024-ws-225"],
            },
            Case {
                input: "ws225",
                want: &["2023-ws-225", "2024-ws-225"],
            },
            Case {
                input: "2024-main-session-cybersecurity",
                want: &["2024-main-session"],
            },
            Case {
                input: "Main Session",
                want: &["2024-main-session"],
            },
            Case {
                input: "harmonising legislation in africa",
                want: &["2021-open-forum-7"],
            },
            Case {
                input: "Cybercrime",
                want: &["2021-open-forum-7", "2023-ws-225"],
            },
            Case {
                input: "harmon",
                want: &["2021-open-forum-7"],
            },
        ];
        for c in &table {
            assert_eq!(resolve(c.input).unwrap(), c.want, "{}", c.input);
        }
    }

    #[test]
    fn no_match_lists_the_nearest_sessions() {
        let err = resolve("2023-ws-252").unwrap_err().to_string();
        assert!(err.starts_with("invalid value \"2023-ws-252\" for --session: valid values are a session's id (2023-ws-225), code (WS #225, OF 7, Open Forum #7), file name (2021-of-7) or title words; nearest: 2023-ws-225 (IGF 2023 WS #225 “Risks and opportunities of a new UN cybercrime…”)"), "{err}");
        let err = resolve("cybercrime zebras").unwrap_err().to_string();
        assert!(err.contains("nearest: 2021-open-forum-7 (IGF 2021 Open Forum #7 “Harmonising cybercrime legislation in Africa”), 2023-ws-225"), "{err}");
        let err = resolve("zzzzzzzzzzzz").unwrap_err().to_string();
        assert!(
            err.contains("sessions in this index: 2021-open-forum-7"),
            "{err}"
        );
        let err = resolve_session("x", &[], &[], || Ok(Vec::new()))
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("valid values are none: the index holds no session"),
            "{err}"
        );
    }

    #[test]
    fn titles_are_read_only_when_no_id_or_code_matches() {
        let ids = vec!["2023-ws-225".to_string()];
        let codes = vec!["ws-225".to_string()];
        let got = resolve_session("WS 225", &ids, &codes, || panic!("titles read")).unwrap();
        assert_eq!(got.codes, codes);
        assert!(got.ids.is_empty());
    }

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("é", "e"), 1);
    }
}
