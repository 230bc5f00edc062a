//! `manifest.json`: what an export directory was made from, so a published table can be
//! reproduced.
//!
//! Input: the records, the files written (name, rows, bytes) and optionally the registry file.
//! Output: a JSON value holding the igf-lens version, counts, the taxonomy hash(es) carried by
//! the records, the sha-256 of every input file named in the records' `source` (when it still
//! exists), of the registry, and of every file written. No timestamps, so the manifest of an
//! unchanged corpus is byte-stable. This module writes no files.

use crate::error::{Error, Result};
use crate::model::PassageRecord;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A file written into the export directory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrittenFile {
    pub name: String,
    /// Data rows (header excluded).
    pub rows: usize,
    pub sha256: String,
}

/// An input file: named by the records' `source`, or listed by the ingest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputFile {
    pub path: String,
    /// `transcript`, `page`, … as the ingest recorded it (`None` when it did not).
    pub kind: Option<String>,
    /// Hash of the file as it is now; `None` when it no longer exists.
    pub sha256: Option<String>,
    pub bytes: Option<u64>,
    /// Hash of the file when it was ingested, when the ingest recorded it; differs from
    /// `sha256` when the file changed since.
    pub ingest_sha256: Option<String>,
}

/// A file the ingest recorded in the index (path, kind, hash).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IngestInput {
    pub path: String,
    pub kind: String,
    pub sha256: String,
}

/// Corpus counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Counts {
    pub sessions: usize,
    pub turns: usize,
    pub passages: usize,
    pub words: u64,
    pub speakers: usize,
    pub unresolved_speakers: usize,
    pub tagged_passages: usize,
    pub tags: usize,
}

/// The manifest of an export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Manifest {
    pub igf_lens_version: String,
    pub index_schema_version: u32,
    pub command: String,
    pub counts: Counts,
    /// Taxonomy hashes carried by the records (more than one means a mixed index).
    pub taxonomy: Vec<String>,
    pub inputs: Vec<InputFile>,
    pub registry: Option<InputFile>,
    /// What the ingest recorded about its own inputs (`schema`, `taxonomy`, `registry`,
    /// `organizations` hashes), read from the index's ingest manifest when there is one.
    pub ingest: BTreeMap<String, String>,
    pub files: Vec<WrittenFile>,
}

fn hash_file(path: &Path) -> InputFile {
    let read = std::fs::File::open(path)
        .map_err(|e| Error::io(path, e))
        .and_then(|f| Error::read_limited(f, path));
    let (sha256, bytes) = match read {
        Ok(b) => (Some(crate::hash::sha256_hex(&b)), Some(b.len() as u64)),
        Err(_) => (None, None),
    };
    InputFile {
        path: path.to_string_lossy().into_owned(),
        kind: None,
        sha256,
        bytes,
        ingest_sha256: None,
    }
}

/// Counts over the records (speakers are distinct name × stakeholder × region).
pub fn counts(records: &[PassageRecord]) -> Counts {
    let sessions: BTreeSet<&str> = records.iter().map(|r| r.session.as_str()).collect();
    let turns: BTreeSet<(&str, u32)> = records
        .iter()
        .map(|r| (r.session.as_str(), r.turn))
        .collect();
    let speakers = super::summary::speakers(records);
    Counts {
        sessions: sessions.len(),
        turns: turns.len(),
        passages: records.len(),
        words: records.iter().map(|r| u64::from(r.words)).sum(),
        unresolved_speakers: speakers.iter().filter(|s| s.unresolved).count(),
        speakers: speakers.len(),
        tagged_passages: records.iter().filter(|r| !r.tags.is_empty()).count(),
        tags: records.iter().map(|r| r.tags.len()).sum(),
    }
}

/// Parses an ingest fingerprint `key=value;key=value` into a map (pieces without `=` are
/// skipped).
pub fn parse_fingerprint(fingerprint: &str) -> BTreeMap<String, String> {
    fingerprint
        .split(';')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Builds the manifest. Input paths are hashed relative to the current directory, as ingest
/// recorded them.
pub fn build(
    command: &str,
    records: &[PassageRecord],
    files: Vec<WrittenFile>,
    registry: Option<&Path>,
    ingest_fingerprint: Option<&str>,
    ingest_inputs: &[IngestInput],
) -> Manifest {
    let mut sources: BTreeSet<&str> = records.iter().map(|r| r.source.as_str()).collect();
    sources.extend(ingest_inputs.iter().map(|i| i.path.as_str()));
    let inputs = sources
        .into_iter()
        .map(|s| {
            let mut f = hash_file(&crate::disk::key_path(s));
            if let Some(i) = ingest_inputs.iter().find(|i| i.path == s) {
                f.kind = Some(i.kind.clone()).filter(|k| !k.is_empty());
                f.ingest_sha256 = Some(i.sha256.clone()).filter(|h| !h.is_empty());
            }
            f
        })
        .collect();
    let taxonomy: BTreeSet<&str> = records
        .iter()
        .map(|r| r.taxonomy.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    Manifest {
        igf_lens_version: env!("CARGO_PKG_VERSION").to_string(),
        index_schema_version: crate::index::SCHEMA_VERSION,
        command: command.to_string(),
        counts: counts(records),
        taxonomy: taxonomy.into_iter().map(String::from).collect(),
        inputs,
        registry: registry.map(hash_file),
        ingest: ingest_fingerprint
            .map(parse_fingerprint)
            .unwrap_or_default(),
        files,
    }
}

/// The manifest as pretty JSON with a final newline.
pub fn to_json(m: &Manifest) -> Result<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(m).map_err(|e| Error::Other(e.to_string()))?;
    v.push(b'\n');
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::super::testdata::test_records;
    use super::*;

    #[test]
    fn manifest_hashes_existing_inputs_and_marks_missing_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("a.raw.txt");
        std::fs::write(&input, b"abc").unwrap();
        let mut recs = test_records();
        recs[0].source = input.to_string_lossy().into_owned();
        let page = IngestInput {
            path: "s/2022.page.txt".into(),
            kind: "page".into(),
            sha256: "feed".into(),
        };
        let m = build(
            "export summary",
            &recs,
            vec![],
            None,
            Some("schema=3;taxonomy=ab;registry=cd"),
            &[page],
        );
        let listed = m
            .inputs
            .iter()
            .find(|i| i.path == "s/2022.page.txt")
            .unwrap();
        assert_eq!(listed.kind.as_deref(), Some("page"));
        assert_eq!(listed.ingest_sha256.as_deref(), Some("feed"));
        assert_eq!(listed.sha256, None);
        assert_eq!(m.ingest["registry"], "cd");
        assert_eq!(m.ingest.len(), 3);
        let found = m.inputs.iter().find(|i| i.path == recs[0].source).unwrap();
        assert_eq!(
            found.sha256.as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(found.bytes, Some(3));
        let missing = m.inputs.iter().find(|i| i.path == "s/2022.txt").unwrap();
        assert_eq!(missing.sha256, None);
        assert_eq!(m.taxonomy, vec!["tax1"]);
        assert_eq!(m.registry, None);
        assert_eq!(
            m.counts,
            Counts {
                sessions: 2,
                turns: 4,
                passages: 5,
                words: 50,
                speakers: 3,
                unresolved_speakers: 1,
                tagged_passages: 4,
                tags: 5,
            }
        );
    }
}
