//! The manifest diff: which files are new or changed, which are unchanged, which are gone, and
//! whether every file must be processed again.
//!
//! Input: the previous run's manifest, the files found now ([`SourceFile`]s: path, size,
//! modification time) and the fingerprint of this run's resources. Output: a [`Plan`]. Only a
//! file whose size matches but whose time moved is read here (to compare content hashes).
//! Also what the index loses before the run adds passages ([`stale_sources`]).

use super::manifest::{FileKind, Manifest, Previous};
use super::report::FullReason;
use super::resources::has_codes;
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
    /// Indices (into the files found) of the files to read: new, changed, or skipped before.
    pub changed: Vec<usize>,
    /// This run's manifest so far: the fingerprint, and the entries of unchanged files (their
    /// time refreshed when only the time moved).
    pub manifest: Manifest,
    /// Keys of files in the previous manifest that are no longer found.
    pub missing: Vec<String>,
}

/// Compares the files found with the previous manifest.
pub fn diff(previous: &Previous, files: &Files, fingerprint: &str, rebuild: bool) -> Plan {
    let old = &previous.manifest;
    let full = rebuild || old.fingerprint != fingerprint || old.files.is_empty();
    let full_reason = if rebuild {
        Some(FullReason::Rebuild)
    } else if previous.index_missing {
        Some(FullReason::IndexMissing)
    } else if !old.files.is_empty() && old.fingerprint != fingerprint {
        Some(if has_codes(&old.fingerprint) && !has_codes(fingerprint) {
            FullReason::CodesDropped
        } else {
            FullReason::ResourcesChanged
        })
    } else {
        None
    };
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
        manifest: Manifest {
            fingerprint: fingerprint.to_string(),
            ..Manifest::default()
        },
        missing,
    };
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
                plan.manifest.files.insert(f.key.to_string(), e.clone());
            }
            _ => plan.changed.push(i),
        }
    }
    if !full {
        plan.keep_touched_but_same(old, files);
    }
    plan
}

impl Plan {
    /// Files of the same size with a new time: compared by content hash before being called
    /// changed.
    fn keep_touched_but_same(&mut self, old: &Manifest, files: &Files) {
        let same: BTreeSet<usize> = self
            .changed
            .par_iter()
            .copied()
            .filter(|&i| {
                let f = files.file(i);
                old.files.get(f.key).is_some_and(|e| {
                    e.size == f.size
                        && std::fs::read(f.path())
                            .is_ok_and(|b| crate::hash::sha256_hex(&b) == e.hash)
                })
            })
            .collect();
        for &i in &same {
            let f = files.file(i);
            let mut e = old.files[f.key].clone();
            e.mtime_ns = f.mtime_ns;
            self.manifest.files.insert(f.key.to_string(), e);
        }
        self.changed.retain(|i| !same.contains(i));
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
