//! The manifest diff: which files are new or changed, which are unchanged, which are gone, which
//! unchanged ones the codes of their sessions send back ([`Recoded`]), and whether every file
//! must be processed again.
//!
//! Input: the previous run's manifest, the files found now ([`SourceFile`]s: path, size,
//! modification time), the fingerprint of this run's resources and its codes. Output: a
//! [`Plan`]. Only a
//! file whose size matches but whose time moved is read here (to compare content hashes).
//! Also what the index loses before the run adds passages ([`stale_sources`]).

use super::corrections::Corrections;
use super::manifest::{FileEntry, FileKind, Manifest, Previous};
use super::report::{FullReason, Recoded};
use super::resources::split_codes;
use super::sources::Files;
use rayon::prelude::*;
use std::collections::BTreeSet;

/// What a run has to do.
#[derive(Debug)]
pub struct Plan {
    /// Every file is processed and every passage replaced (first ingest, `--rebuild`, changed
    /// resources, missing index).
    pub full: bool,
    /// Why, when it is not a first ingest.
    pub full_reason: Option<FullReason>,
    /// Indices (into the files found) of the files to read: new, changed, skipped before, or
    /// unchanged with other codes for their sessions.
    pub changed: Vec<usize>,
    /// The unchanged files among `changed` read again for their sessions' codes, and why.
    pub recoded: Option<Recoded>,
    /// This run's manifest so far: the fingerprint, and the entries of unchanged files (their
    /// time refreshed when only the time moved).
    pub manifest: Manifest,
    /// Keys of files in the previous manifest that are no longer found.
    pub missing: Vec<String>,
}

/// Compares the files found with the previous manifest: a file is read again when it is new,
/// changed, skipped before, or a transcript whose recorded codes digest is not that of the
/// codes this run applies to its sessions (`codes`).
pub fn diff(
    previous: &Previous,
    files: &Files,
    fingerprint: &str,
    rebuild: bool,
    codes: &Corrections,
) -> Plan {
    let old = &previous.manifest;
    let full_reason = full_reason(previous, fingerprint, rebuild, codes);
    let full = full_reason.is_some() || old.files.is_empty();
    let current: BTreeSet<&str> = files.iter().map(|f| f.key).collect();
    let missing = old
        .files
        .keys()
        .filter(|k| !current.contains(k.as_str()))
        .cloned()
        .collect();
    let mut plan = Plan {
        full,
        full_reason,
        changed: Vec::new(),
        recoded: None,
        manifest: Manifest {
            fingerprint: fingerprint.to_string(),
            ..Manifest::default()
        },
        missing,
    };
    let mut n_recoded = 0;
    for (i, f) in files.iter().enumerate() {
        match old.files.get(f.key) {
            // Skipped files are looked at again each run: they are still wrong and get their
            // warning (and fail --strict) until fixed.
            Some(e)
                if !full
                    && e.kind != FileKind::Skipped
                    && e.size == f.size
                    && e.mtime_ns == f.mtime_ns =>
            {
                if codes_moved(e, codes) {
                    n_recoded += 1;
                    plan.changed.push(i);
                } else {
                    plan.manifest.files.insert(f.key.to_string(), e.clone());
                }
            }
            _ => plan.changed.push(i),
        }
    }
    if !full {
        n_recoded += plan.keep_touched_but_same(old, files, codes);
        plan.recoded = recoded(n_recoded, old, codes);
    }
    plan
}

/// Why every file must be processed again, if it must (besides a first ingest). A manifest
/// written before the codes were recorded per file has their hash in its fingerprint
/// ([`split_codes`]): with the same codes, only the files they apply to are read again (their
/// entries record no digest yet); with other codes, every file, once.
fn full_reason(
    previous: &Previous,
    fingerprint: &str,
    rebuild: bool,
    codes: &Corrections,
) -> Option<FullReason> {
    if rebuild {
        return Some(FullReason::Rebuild);
    }
    if previous.index_missing {
        return Some(FullReason::IndexMissing);
    }
    if previous.manifest.files.is_empty() {
        return None;
    }
    let (base, old_codes) = split_codes(&previous.manifest.fingerprint);
    match old_codes {
        Some(_) if codes.is_empty() => Some(FullReason::CodesDropped),
        _ if base != fingerprint => Some(FullReason::ResourcesChanged),
        Some(hash) if Some(hash) != codes.hash() => Some(FullReason::OlderCodes),
        _ => None,
    }
}

/// Whether the codes that apply to the sessions of an unchanged transcript are not those its
/// entry records.
fn codes_moved(e: &FileEntry, codes: &Corrections) -> bool {
    e.kind == FileKind::Transcript && e.codes != codes.digest_for(&e.sessions)
}

/// Why the `files` unchanged files sent back by their codes were.
fn recoded(files: usize, old: &Manifest, codes: &Corrections) -> Option<Recoded> {
    if files == 0 {
        None
    } else if split_codes(&old.fingerprint).1.is_some() {
        Some(Recoded::FirstRecorded(files))
    } else if codes.is_empty() {
        Some(Recoded::Dropped(files))
    } else {
        Some(Recoded::Changed(files))
    }
}

impl Plan {
    /// Files of the same size with a new time: compared by content hash before being called
    /// changed; one whose content is the same is kept unless its codes moved. Returns how many
    /// of those stay changed for their codes alone.
    fn keep_touched_but_same(
        &mut self,
        old: &Manifest,
        files: &Files,
        codes: &Corrections,
    ) -> usize {
        let same: BTreeSet<usize> = self
            .changed
            .par_iter()
            .copied()
            .filter(|&i| {
                let f = files.file(i);
                // Same time: sent back for its codes alone, above.
                old.files.get(f.key).is_some_and(|e| {
                    e.size == f.size
                        && e.mtime_ns != f.mtime_ns
                        && std::fs::read(f.path())
                            .is_ok_and(|b| crate::hash::sha256_hex(&b) == e.hash)
                })
            })
            .collect();
        let mut recoded = 0;
        let mut kept = BTreeSet::new();
        for &i in &same {
            let f = files.file(i);
            let mut e = old.files[f.key].clone();
            if codes_moved(&e, codes) {
                recoded += 1;
                continue;
            }
            e.mtime_ns = f.mtime_ns;
            self.manifest.files.insert(f.key.to_string(), e);
            kept.insert(i);
        }
        self.changed.retain(|i| !kept.contains(i));
        recoded
    }

    /// Files whose content is unchanged.
    pub fn unchanged(&self, files: &Files) -> usize {
        files.len() - self.changed.len()
    }
}

/// The sources whose passages an incremental run deletes before adding: every transcript the
/// previous run indexed for an affected session, and every transcript this run processes.
pub fn stale_sources<'a>(
    old: &'a Manifest,
    affected: &BTreeSet<String>,
    transcripts: impl Iterator<Item = usize>,
    files: &'a Files,
) -> BTreeSet<&'a str> {
    let mut stale: BTreeSet<&str> = old
        .files
        .iter()
        .filter(|(_, e)| {
            e.kind != FileKind::Page && e.sessions.iter().any(|s| affected.contains(s))
        })
        .map(|(k, _)| k.as_str())
        .collect();
    stale.extend(transcripts.map(|i| files.key(i)));
    stale
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Codes;
    use std::path::Path;

    fn codes(rows: &str) -> Corrections {
        let text = format!("key,theme,decision,coder,note\n{rows}");
        let all = Codes::parse(&text, Path::new("codes.csv")).unwrap();
        Corrections::new(all, &crate::tag::Taxonomy::embedded()).unwrap()
    }

    const S1: &str = "2021-of-7/00000000000000aa,scope,risk,Ana,\n";
    const S3: &str = "2024-of-31/00000000000000bb,scope,absent,Ana,\n";

    fn entry(kind: FileKind, sessions: &[&str]) -> FileEntry {
        let sessions = sessions.iter().map(|s| s.to_string()).collect();
        FileEntry::new(kind, 10, 20, String::new(), sessions)
    }

    /// A transcript of 2021-of-7 made with `S1`, one JSON Lines file of two sessions made
    /// without codes, a page and a duplicate of 2021-of-7.
    fn previous(fingerprint: &str, with: &Corrections) -> Previous {
        let mut a = entry(FileKind::Transcript, &["2021-of-7"]);
        a.codes = with.digest_for(&a.sessions);
        let files = [
            ("a.txt", a),
            (
                "b.jsonl",
                entry(FileKind::Transcript, &["2023-ws-225", "2024-of-31"]),
            ),
            ("c.page.txt", entry(FileKind::Page, &["2021-of-7"])),
            ("d.txt", entry(FileKind::Duplicate, &["2021-of-7"])),
        ];
        Previous {
            manifest: Manifest {
                fingerprint: fingerprint.into(),
                files: files.into_iter().map(|(k, e)| (k.to_string(), e)).collect(),
                ..Manifest::default()
            },
            index_missing: false,
        }
    }

    fn found() -> Files {
        let mut files = Files::default();
        for key in ["a.txt", "b.jsonl", "c.page.txt", "d.txt"] {
            files.push(key, 10, 20);
        }
        files
    }

    #[test]
    fn only_the_transcripts_whose_sessions_codes_changed_are_read_again() {
        let made = codes(S1);
        assert!(made.digest_for(&["2021-of-7".into()]).is_some());
        let old = previous("fp", &made);
        let plan = |now: &Corrections| {
            let p = diff(&old, &found(), "fp", false, now);
            assert!(!p.full && p.full_reason.is_none());
            (p.changed, p.recoded)
        };
        // The same codes: nothing; a page or a duplicate of a coded session is never sent back.
        assert_eq!(plan(&made), (vec![], None));
        // A code for a session of the JSON Lines file: that file, whatever its other session.
        let more = codes(&format!("{S1}{S3}"));
        assert_eq!(plan(&more), (vec![1], Some(Recoded::Changed(1))));
        // A code of 2021-of-7 changed (its coder), and one for a session no file holds.
        let other = codes(&S1.replace("Ana", "Ben"));
        assert_eq!(plan(&other), (vec![0], Some(Recoded::Changed(1))));
        let ghost = codes(&format!("{S1}2019-ws-1/00000000000000cc,scope,risk,Ana,\n"));
        assert_eq!(plan(&ghost), (vec![], None));
        // The row removed: no codes now, but others remain: a change, not a drop.
        assert_eq!(plan(&codes(S3)), (vec![0, 1], Some(Recoded::Changed(2))));
        // No codes at all (`--no-codes`): the human decisions of that file are gone.
        assert_eq!(plan(&codes("")), (vec![0], Some(Recoded::Dropped(1))));
        // A code of a theme the taxonomy lacks applies to nothing: nothing to read again.
        let unknown = codes(&format!(
            "{S1}2024-of-31/00000000000000bb,no-such,risk,Ana,\n"
        ));
        assert_eq!(plan(&unknown), (vec![], None));
    }

    #[test]
    fn a_manifest_with_the_codes_in_its_fingerprint_is_read_once_as_its_codes_allow() {
        let made = codes(S1);
        let hash = made.hash().unwrap().to_string();
        // Written before per-file digests: none recorded, the hash in the fingerprint.
        let mut old = previous(&format!("fp;codes={hash}"), &codes(""));
        assert_eq!(
            split_codes(&old.manifest.fingerprint),
            ("fp", Some(hash.as_str()))
        );
        let plan = |old: &Previous, fp: &str, now: &Corrections| {
            let p = diff(old, &found(), fp, false, now);
            (p.full_reason, p.changed, p.recoded)
        };
        // The same codes: only the files they apply to, to record their digest.
        assert_eq!(
            plan(&old, "fp", &made),
            (None, vec![0], Some(Recoded::FirstRecorded(1)))
        );
        // Other codes: which files the old ones applied to is not known: every file, once.
        let all = vec![0, 1, 2, 3];
        let more = codes(&format!("{S1}{S3}"));
        let full = |r| (Some(r), all.clone(), None);
        assert_eq!(plan(&old, "fp", &more), full(FullReason::OlderCodes));
        assert_eq!(plan(&old, "fp", &codes("")), full(FullReason::CodesDropped));
        assert_eq!(plan(&old, "fp2", &made), full(FullReason::ResourcesChanged));
        // A manifest of this version: the fingerprint alone decides a full run.
        old.manifest.fingerprint = "fp".into();
        assert_eq!(plan(&old, "fp2", &made), full(FullReason::ResourcesChanged));
        assert_eq!(plan(&old, "fp", &codes("")).0, None);
    }
}
