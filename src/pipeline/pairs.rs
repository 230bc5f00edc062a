//! The pairs file: a user's word on which session a file belongs to, over anything the file
//! says itself (a workshop proposal held as a Day 0 Event, a transcript nothing identifies).
//!
//! Input: CSV text with the columns `file` (a path, a file name, or a public address) and
//! `session` (a session id as `igf-lens sessions` prints it, `2025-day-0-event-258`, or a title
//! form, `IGF 2025 Day 0 Event #258`), read by the one CSV loader
//! ([`crate::resolve::read_table`]). Output: [`Pairs`], looked up by a file's path or address.
//! Errors name the file and the line. Several pairs files (`data/pairs.csv`, a corpus's own,
//! `--pairs`) add up; a later row for the same file wins.

use crate::error::{Error, Result};
use crate::resolve::{read_table, Column};
use std::path::Path;

/// One row: which file, which session.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    /// As written, with `\` as `/`; an address is compared without its scheme and `www.`.
    file: String,
    /// The session id (`2025-day-0-event-258`).
    session: String,
}

/// The rows of every pairs file read, with their content hash.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairs {
    rows: Vec<Row>,
    hash: String,
}

const COLUMNS: [Column; 2] = [
    Column::required(&["file", "url", "path"]),
    Column::required(&["session", "key", "session_key"]),
];

impl Pairs {
    /// Reads a pairs file.
    pub fn load(path: &Path) -> Result<Pairs> {
        let text = Error::read_utf8(path)?;
        Pairs::parse(&text, path)
    }

    /// Parses pairs CSV text; errors name `path` and the line.
    pub fn parse(text: &str, path: &Path) -> Result<Pairs> {
        let mut rows = Vec::new();
        for row in read_table(text, path, &COLUMNS)? {
            let (file, session) = (row.get(0), row.get(1));
            if file.is_empty() {
                continue;
            }
            let id = session_id(session).ok_or_else(|| Error::InputLine {
                path: path.into(),
                line: row.line,
                message: format!(
                    "{session:?} is not a session key: write it as `igf-lens sessions` prints \
                     it (2023-ws-225) or as a title (IGF 2023 WS #225)"
                ),
            })?;
            rows.push(Row {
                file: normalize(file),
                session: id,
            });
        }
        Ok(Pairs {
            rows,
            hash: crate::hash::short_hex(text.as_bytes(), 8),
        })
    }

    /// Adds the rows of another pairs file; its rows win over earlier ones for the same file.
    pub fn extend(&mut self, other: Pairs) {
        let mut rows = other.rows;
        rows.append(&mut self.rows);
        self.rows = rows;
        self.hash = if self.hash.is_empty() {
            other.hash
        } else {
            crate::hash::short_hex(format!("{}+{}", self.hash, other.hash).as_bytes(), 8)
        };
    }

    /// Content hash of the files read ("" when none).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// True when no row was read.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The session id a row gives the file at `path` (by its whole path, a trailing part of it,
    /// or its name) or at the address `url`.
    pub fn session_for(&self, path: &str, url: Option<&str>) -> Option<&str> {
        let path = normalize(path);
        let url = url.map(normalize);
        self.rows
            .iter()
            .find(|r| {
                path == r.file
                    || path.ends_with(&format!("/{}", r.file))
                    || url.as_deref() == Some(r.file.as_str())
            })
            .map(|r| r.session.as_str())
    }
}

/// A path or address in one comparable form: `\` as `/`, no scheme, no `www.`, no trailing `/`.
fn normalize(s: &str) -> String {
    let s = s.trim().replace('\\', "/");
    let s = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .unwrap_or(&s);
    let s = s.strip_prefix("www.").unwrap_or(s);
    s.trim_end_matches('/').to_string()
}

/// `2025-day-0-event-258` stays; `IGF 2025 Day 0 Event #258` → `2025-day-0-event-258`.
fn session_id(s: &str) -> Option<String> {
    let t = s.trim();
    let looks_like_id = t.len() > 5
        && t[..4].chars().all(|c| c.is_ascii_digit())
        && t.as_bytes()[4] == b'-'
        && t[5..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if looks_like_id {
        return Some(t.to_ascii_lowercase());
    }
    crate::parse::parse_session_key(t).map(|k| k.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_match_by_path_name_or_address() {
        let text = "file,session\n\
            nowhere to hide (day0).txt,2025-day-0-event-258\n\
            pages/igf-2025-ws-504.txt,IGF 2025 Day 0 Event #258\n\
            https://www.intgovforum.org/en/content/x-y,2023-ws-1\n";
        let p = Pairs::parse(text, Path::new("pairs.csv")).unwrap();
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (
                "corpus/nowhere to hide (day0).txt",
                None,
                Some("2025-day-0-event-258"),
            ),
            (
                "nowhere to hide (day0).txt",
                None,
                Some("2025-day-0-event-258"),
            ),
            (
                "other/pages/igf-2025-ws-504.txt",
                None,
                Some("2025-day-0-event-258"),
            ),
            (
                "a.txt",
                Some("http://intgovforum.org/en/content/x-y/"),
                Some("2023-ws-1"),
            ),
            ("hide (day0).txt", None, None),
        ];
        for (path, url, want) in cases {
            assert_eq!(p.session_for(path, *url), *want, "{path}");
        }
    }

    #[test]
    fn a_bad_session_names_the_line_and_the_fix() {
        let err = Pairs::parse("file,session\na.txt,somewhere\n", Path::new("p.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("p.csv:2: \"somewhere\" is not a session key"),
            "{err}"
        );
    }

    #[test]
    fn a_later_file_wins_for_the_same_file() {
        let path = Path::new("p.csv");
        let mut a = Pairs::parse("file,session\na.txt,2023-ws-1\n", path).unwrap();
        a.extend(Pairs::parse("file,session\na.txt,2023-ws-2\n", path).unwrap());
        assert_eq!(a.session_for("a.txt", None), Some("2023-ws-2"));
    }
}
