//! The sessions an index holds, as its last ingest paired them: for each session its key, title
//! and date, its transcript files, its page file, where the key came from, whether the page is
//! paired and why not, and the copies dropped as duplicates (with the copy kept). Also the files
//! that have no session yet (a page with no year or code, a transcript nothing identifies).
//!
//! Input: an index directory's manifest ([`Manifest`]); nothing else is read. Output:
//! [`SessionRow`]s in session order (files without a session last), for `igf-lens sessions`.

use super::manifest::{FileEntry, FileKind, Manifest};
use super::pair::PairedBy;
use crate::error::Result;
use crate::model::KeySource;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// A copy of a session's transcript that was not indexed, and the copy kept instead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateRow {
    pub file: String,
    pub kept: String,
}

/// One session (or one file without a session, `key` null).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionRow {
    /// The session id (`2023-ws-225`), `None` for a file without a session.
    pub key: Option<String>,
    pub title: String,
    /// ISO date, from the session page.
    pub date: Option<String>,
    pub year: Option<u16>,
    /// Transcript files indexed under the session.
    pub transcripts: Vec<String>,
    /// The session page file (the first, when several pages give the session).
    pub page: Option<String>,
    /// Every page file of the session.
    pub pages: Vec<String>,
    /// Where the session's key came from (its transcript's, else its page's).
    pub key_source: Option<KeySource>,
    /// A transcript and a page are paired.
    pub paired: bool,
    /// How the transcript found the page.
    pub paired_by: Option<PairedBy>,
    pub why_unpaired: Option<String>,
    /// Copies dropped as duplicates, each with the copy kept.
    pub duplicates: Vec<DuplicateRow>,
    /// The transcript's (else the page's) public address.
    pub url: Option<String>,
}

/// The sessions of the index at `index_dir` (see the module docs).
pub fn list(index_dir: &Path) -> Result<Vec<SessionRow>> {
    Ok(rows(&Manifest::load(index_dir)?))
}

/// The sessions a manifest records.
pub fn rows(m: &Manifest) -> Vec<SessionRow> {
    let mut by_id: BTreeMap<String, SessionRow> = BTreeMap::new();
    let mut loose: Vec<SessionRow> = Vec::new();
    for (file, e) in &m.files {
        match e.sessions.first() {
            Some(_) => {
                for id in &e.sessions {
                    let row = by_id.entry(id.clone()).or_insert_with(|| SessionRow {
                        key: Some(id.clone()),
                        year: id.get(..4).and_then(|y| y.parse().ok()),
                        ..SessionRow::default()
                    });
                    add_file(row, file, e);
                }
            }
            None if e.clue.is_some() => {
                let mut row = SessionRow::default();
                add_file(&mut row, file, e);
                row.why_unpaired = e.pairing.as_ref().and_then(|p| p.why_unpaired.clone());
                if e.kind == FileKind::Page && row.why_unpaired.is_none() {
                    row.why_unpaired = Some(
                        "the page names no year and session code, and no transcript matches it: \
                         add a `# url:` line or a pairs.csv row"
                            .into(),
                    );
                }
                loose.push(row);
            }
            None => {}
        }
    }
    let mut out: Vec<SessionRow> = by_id.into_values().map(finish).collect();
    out.extend(loose);
    out
}

/// Adds a file to its session's row.
fn add_file(row: &mut SessionRow, file: &str, e: &FileEntry) {
    let clue = e.clue.as_ref();
    match e.kind {
        FileKind::Page => {
            row.pages.push(file.to_string());
            if let Some(c) = clue {
                if row.title.is_empty() || row.transcripts.is_empty() {
                    row.title.clone_from(&c.title);
                }
                row.date = row.date.take().or_else(|| c.date.clone());
                row.url = row.url.take().or_else(|| c.url.clone());
            }
            if row.key_source.is_none() {
                row.key_source = e.pairing.as_ref().and_then(|p| p.source);
            }
        }
        FileKind::Transcript | FileKind::Skipped => {
            row.transcripts.push(file.to_string());
            if let Some(c) = clue {
                if row.title.is_empty() {
                    row.title.clone_from(&c.title);
                }
                if c.url.is_some() {
                    row.url.clone_from(&c.url);
                }
            }
            if let Some(p) = &e.pairing {
                row.key_source = p.source.or(row.key_source);
                row.paired_by = p.by.or(row.paired_by);
                if row.why_unpaired.is_none() {
                    row.why_unpaired.clone_from(&p.why_unpaired);
                }
            }
        }
        FileKind::Duplicate => row.duplicates.push(DuplicateRow {
            file: file.to_string(),
            kept: e.duplicate_of.clone().unwrap_or_default(),
        }),
    }
}

/// Settles what depends on every file of the session.
fn finish(mut row: SessionRow) -> SessionRow {
    row.page = row.pages.first().cloned();
    row.paired = row.page.is_some() && !row.transcripts.is_empty();
    if row.paired {
        row.why_unpaired = None;
        row.paired_by = row.paired_by.or(Some(PairedBy::Key));
    } else {
        row.paired_by = None;
        if row.transcripts.is_empty() {
            row.why_unpaired = Some("no transcript of this session among the inputs".into());
        } else if row.why_unpaired.is_none() {
            row.why_unpaired = Some("no session page of this session among the inputs".into());
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SessionKey;
    use crate::pipeline::pair::{Clue, Pairing};

    fn entry(
        kind: FileKind,
        sessions: &[&str],
        title: &str,
        pairing: Option<Pairing>,
    ) -> FileEntry {
        FileEntry::new(
            kind,
            1,
            1,
            String::new(),
            sessions.iter().map(|s| s.to_string()).collect(),
        )
        .paired(
            Some(Clue {
                title: title.into(),
                ..Clue::default()
            }),
            pairing,
        )
    }

    #[test]
    fn rows_group_files_by_session_and_say_why_unpaired() {
        let key = |y, c: &str| {
            Some(SessionKey {
                year: y,
                code: c.into(),
            })
        };
        let mut m = Manifest::default();
        let by_title = Pairing {
            key: key(2013, "WS #15"),
            source: Some(KeySource::PageMatch),
            page: Some("p15.txt".into()),
            by: Some(PairedBy::TitleMatch),
            why_unpaired: None,
        };
        let alone = Pairing {
            key: key(2021, "WS #1"),
            source: Some(KeySource::Title),
            why_unpaired: Some("no session page for 2021-ws-1 among the inputs".into()),
            ..Pairing::default()
        };
        m.files.insert(
            "p15.txt".into(),
            entry(FileKind::Page, &["2013-ws-15"], "Page title", None),
        );
        m.files.insert(
            "t15.txt".into(),
            entry(
                FileKind::Transcript,
                &["2013-ws-15"],
                "T title",
                Some(by_title),
            ),
        );
        let mut dup = entry(FileKind::Duplicate, &["2013-ws-15"], "", None);
        dup.duplicate_of = Some("t15.txt".into());
        m.files.insert("t15-copy.txt".into(), dup);
        m.files.insert(
            "t1.txt".into(),
            entry(FileKind::Transcript, &["2021-ws-1"], "One", Some(alone)),
        );
        m.files.insert(
            "p9.txt".into(),
            entry(FileKind::Page, &["2020-ws-9"], "Nine", None),
        );
        m.files
            .insert("x.txt".into(), entry(FileKind::Page, &[], "No key", None));
        let rows = rows(&m);
        type Row<'a> = (
            Option<&'a str>,
            &'a str,
            bool,
            Option<PairedBy>,
            Option<&'a str>,
        );
        let got: Vec<Row<'_>> = rows
            .iter()
            .map(|r| {
                (
                    r.key.as_deref(),
                    r.title.as_str(),
                    r.paired,
                    r.paired_by,
                    r.why_unpaired.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Some("2013-ws-15"), "Page title", true, Some(PairedBy::TitleMatch), None),
                (Some("2020-ws-9"), "Nine", false, None, Some("no transcript of this session among the inputs")),
                (Some("2021-ws-1"), "One", false, None, Some("no session page for 2021-ws-1 among the inputs")),
                (None, "No key", false, None, Some("the page names no year and session code, and no transcript matches it: add a `# url:` line or a pairs.csv row")),
            ]
        );
        assert_eq!(
            rows[0].duplicates,
            [DuplicateRow {
                file: "t15-copy.txt".into(),
                kept: "t15.txt".into()
            }]
        );
        assert_eq!(rows[0].key_source, Some(KeySource::PageMatch));
        assert_eq!(rows[0].year, Some(2013));
    }
}
