//! The ingest manifest: what the index holds, file by file, and how to tell what changed.
//!
//! Input: an index directory. Output: its [`Manifest`] (`igf-lens-manifest.json`: the
//! fingerprint of the resources, and per input file its size, modification time, SHA-256, kind,
//! sessions and passage count, what pairing read of it and decided, and for a duplicate the copy
//! kept), written atomically after each commit; and [`verify`], which
//! adds to the index's own checks ([`crate::index::verify()`]) the comparison of the manifest
//! with the index and with the files on disk. Deciding what to re-read is [`super::plan`]'s job.

use super::pair::{Clue, Pairing};
use crate::error::{Error, Result};
use crate::index::{Level, Verification};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub use crate::rerun::{ingest_hint, MANIFEST_FILE};

/// What an input file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A session page (its sessions' rosters).
    Page,
    /// A transcript, captions or JSON Lines: its passages are in the index.
    Transcript,
    /// A transcript of a session already read from another file (no passages).
    Duplicate,
    /// A file that could not be used; looked at again by every run until fixed.
    Skipped,
}

impl FileKind {
    /// The name in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Page => "page",
            FileKind::Transcript => "transcript",
            FileKind::Duplicate => "duplicate",
            FileKind::Skipped => "skipped",
        }
    }
}

/// One input file in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Size in bytes, or [`FileEntry::UNREADABLE`].
    pub size: u64,
    pub mtime_ns: u128,
    /// Hex SHA-256 of the content (empty for skipped and duplicate files).
    pub hash: String,
    pub kind: FileKind,
    /// Session id(s) the file belongs to.
    pub sessions: Vec<String>,
    pub passages: usize,
    /// What pairing read of the file (pages and single-session transcripts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clue: Option<Clue>,
    /// What pairing decided for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pairing: Option<Pairing>,
    /// A duplicate's kept copy (its key in the manifest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

impl FileEntry {
    /// The size recorded for a file that was read before and could not be read at the last
    /// ingest: its passages stay, and no real size matches it, so the next run reads it again.
    pub const UNREADABLE: u64 = u64::MAX;

    /// An entry without passages.
    pub fn new(
        kind: FileKind,
        size: u64,
        mtime_ns: u128,
        hash: String,
        sessions: Vec<String>,
    ) -> FileEntry {
        FileEntry {
            size,
            mtime_ns,
            hash,
            kind,
            sessions,
            passages: 0,
            clue: None,
            pairing: None,
            duplicate_of: None,
        }
    }

    /// This entry with what pairing read and decided.
    pub fn paired(mut self, clue: Option<Clue>, pairing: Option<Pairing>) -> FileEntry {
        self.clue = clue;
        self.pairing = pairing;
        self
    }

    /// This entry marked unreadable (see [`FileEntry::UNREADABLE`]).
    pub fn unreadable(mut self) -> FileEntry {
        self.size = FileEntry::UNREADABLE;
        self
    }
}

/// The record of what the index holds, kept in the index directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub fingerprint: String,
    /// The paths ingested, as given (see [`record_inputs`]): what a hint names to ingest again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
    /// By path as given to ingest.
    pub files: BTreeMap<String, FileEntry>,
}

impl Manifest {
    /// Reads the manifest of an index directory (empty when there is none).
    pub fn load(index_dir: &Path) -> Result<Manifest> {
        let path = index_dir.join(MANIFEST_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
                path: index_dir.to_path_buf(),
                message: format!("{MANIFEST_FILE} does not parse ({e})"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Writes the manifest atomically (temp file, fsync, rename, fsync the directory).
    pub fn save(&self, index_dir: &Path) -> Result<()> {
        // Written as it is serialized: a whole copy in memory would grow with the corpus.
        let path = index_dir.join(MANIFEST_FILE);
        crate::disk::write_atomic(&path, |w| {
            serde_json::to_writer_pretty(w, self).map_err(|e| {
                if e.is_io() {
                    Error::io(&path, e.into())
                } else {
                    Error::Other(e.to_string())
                }
            })
        })
    }
}

/// The inputs a run records, sorted: its own, and unless it starts over (`--rebuild`, `--prune`)
/// those of the earlier runs that still exist, whose files it keeps ([`super::sources::carry_earlier`]),
/// so an ingest of them all, as a hint prints it ([`ingest_hint`]), reads what the index holds.
pub fn record_inputs(inputs: &[std::path::PathBuf], old: &Manifest, fresh: bool) -> Vec<String> {
    let mut all: std::collections::BTreeSet<String> =
        inputs.iter().map(|p| crate::disk::path_key(p)).collect();
    if !fresh {
        all.extend(old.inputs.iter().filter(|k| exists(k)).cloned());
    }
    all.into_iter().collect()
}

fn exists(key: &str) -> bool {
    std::fs::symlink_metadata(crate::disk::key_path(key)).is_ok()
}

/// The manifest a run starts from, and whether its index was found missing.
pub struct Previous {
    pub manifest: Manifest,
    /// The manifest listed files but no index was beside it (so it was dropped).
    pub index_missing: bool,
}

/// The manifest of `index_dir`, empty with `rebuild`. It vouches for what the index holds only
/// if the index is there and opens: a damaged index is an error (with how to rebuild it) even
/// when no file changed, and a missing one makes every file be read again.
pub fn previous(index_dir: &Path, rebuild: bool) -> Result<Previous> {
    let manifest = if rebuild {
        Manifest::default()
    } else {
        Manifest::load(index_dir)?
    };
    if manifest.files.is_empty() {
        return Ok(Previous {
            manifest,
            index_missing: false,
        });
    }
    match crate::index::Reader::open(index_dir) {
        Ok(_) => Ok(Previous {
            manifest,
            index_missing: false,
        }),
        Err(Error::NoIndex { .. }) => Ok(Previous {
            manifest: Manifest::default(),
            index_missing: true,
        }),
        Err(e) => Err(e),
    }
}

/// Checks the index at `dir` ([`crate::index::verify()`]), then its manifest: present and
/// parsing, its passage count equal to the index's (when the index opened), and every file it
/// lists still there with the same size (and content, when the time changed).
pub fn verify(dir: &Path) -> Result<Verification> {
    let mut v = crate::index::verify(dir)?;
    check_manifest(dir, &mut v);
    Ok(v)
}

fn check_manifest(dir: &Path, v: &mut Verification) {
    if !dir.join(MANIFEST_FILE).exists() {
        v.push(
            Level::Warning,
            format!("no {MANIFEST_FILE}: the next `igf-lens ingest` processes every file again"),
        );
        return;
    }
    let manifest = match Manifest::load(dir) {
        Ok(m) => m,
        Err(e) => {
            v.push(Level::Damaged, e.detail());
            return;
        }
    };
    let recorded: u64 = manifest.files.values().map(|e| e.passages as u64).sum();
    v.manifest_files = Some(manifest.files.len());
    v.manifest_passages = Some(recorded);
    if !v.opened {
        // Nothing to compare with.
    } else if recorded == v.passages {
        v.push(
            Level::Ok,
            format!(
                "{MANIFEST_FILE}: {} file(s), {recorded} passage(s), as in the index",
                manifest.files.len()
            ),
        );
    } else {
        v.push(
            Level::Damaged,
            format!(
                "{MANIFEST_FILE} records {recorded} passage(s) but the index holds {}",
                v.passages
            ),
        );
    }
    let mut fine = 0usize;
    let hints = Hints {
        ingest: ingest_hint(dir, None),
        prune: ingest_hint(dir, Some("--prune")),
    };
    for (path, entry) in &manifest.files {
        match source_state(&crate::disk::key_path(path), entry, &hints) {
            None => fine += 1,
            Some(msg) => v.push(Level::Warning, msg),
        }
    }
    if fine == manifest.files.len() {
        v.push(
            Level::Ok,
            format!("all {fine} source file(s) unchanged since the last ingest"),
        );
    }
}

/// The commands that bring an index up to date with its files ([`ingest_hint`]).
struct Hints {
    ingest: String,
    prune: String,
}

/// What is wrong with a source file listed in the manifest, if anything, and the command
/// (of `hints`) that fixes it.
fn source_state(path: &Path, entry: &FileEntry, hints: &Hints) -> Option<String> {
    let Hints { ingest, prune } = hints;
    let shown = path.display();
    let Ok(meta) = std::fs::metadata(path) else {
        return Some(format!(
            "{shown} no longer exists ({} passage(s) from it stay in the index): run {prune} to drop them",
            entry.passages
        ));
    };
    if entry.size == FileEntry::UNREADABLE {
        return Some(format!(
            "{shown} could not be read at the last ingest (its earlier passages were kept): run {ingest} once it is readable"
        ));
    }
    if meta.len() != entry.size {
        return Some(format!(
            "{shown} changed since the last ingest (size {} → {}): run {ingest} to read it again",
            entry.size,
            meta.len()
        ));
    }
    if crate::disk::mtime_ns(&meta) != entry.mtime_ns {
        let same = !entry.hash.is_empty()
            && std::fs::read(path).is_ok_and(|b| crate::hash::sha256_hex(&b) == entry.hash);
        if !same {
            return Some(format!(
                "{shown} changed since the last ingest (same size, new content): run {ingest} to read it again"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::sha256_hex;

    #[test]
    fn file_kinds_keep_their_manifest_names() {
        for kind in [
            FileKind::Page,
            FileKind::Transcript,
            FileKind::Duplicate,
            FileKind::Skipped,
        ] {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<FileKind>(&json).unwrap(), kind);
        }
    }

    #[test]
    fn source_state_reports_missing_changed_and_unreadable_files() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("t.txt");
        std::fs::write(&path, "hello").unwrap();
        let mtime = crate::disk::mtime_ns(&std::fs::metadata(&path).unwrap());
        let entry = |size: u64, mtime_ns: u128, hash: &str| FileEntry {
            passages: 2,
            ..FileEntry::new(FileKind::Transcript, size, mtime_ns, hash.into(), vec![])
        };
        let shown = path.display();
        let hints = Hints {
            ingest: "`INGEST`".into(),
            prune: "`PRUNE`".into(),
        };
        let cases: Vec<(&str, FileEntry, Option<String>)> = vec![
            ("unchanged", entry(5, mtime, ""), None),
            ("touched, same content", entry(5, mtime + 1, &sha256_hex(b"hello")), None),
            (
                "touched, new content",
                entry(5, mtime + 1, &sha256_hex(b"jello")),
                Some(format!("{shown} changed since the last ingest (same size, new content): run `INGEST` to read it again")),
            ),
            (
                "grown",
                entry(3, mtime, ""),
                Some(format!("{shown} changed since the last ingest (size 3 → 5): run `INGEST` to read it again")),
            ),
            (
                "unreadable last time",
                entry(5, mtime, "").unreadable(),
                Some(format!("{shown} could not be read at the last ingest (its earlier passages were kept): run `INGEST` once it is readable")),
            ),
        ];
        for (name, e, want) in cases {
            assert_eq!(source_state(&path, &e, &hints), want, "{name}");
        }
        let gone = tmp.path().join("gone.txt");
        assert_eq!(
            source_state(&gone, &entry(5, mtime, ""), &hints),
            Some(format!("{} no longer exists (2 passage(s) from it stay in the index): run `PRUNE` to drop them", gone.display()))
        );
    }

    #[test]
    fn ingest_hint_names_the_recorded_inputs_or_explains_data_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let ix = tmp.path().join("ix");
        std::fs::create_dir(&ix).unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("my data"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        let (ixs, as_, bs) = (ix.display(), a.display(), b.display());
        let hint = |flag| ingest_hint(&ix, flag);
        assert_eq!(
            hint(Some("--rebuild")),
            format!("`igf-lens ingest --rebuild --index {ixs} DATA_DIR` (DATA_DIR: the files and directories it was made from)")
        );
        let old = Manifest {
            inputs: vec![a.to_str().unwrap().into()],
            ..Manifest::default()
        };
        let m = Manifest {
            inputs: record_inputs(std::slice::from_ref(&b), &old, false),
            ..Manifest::default()
        };
        m.save(&ix).unwrap();
        assert_eq!(
            hint(None),
            format!("`igf-lens ingest --index {ixs} {as_} '{bs}'`")
        );
        assert_eq!(
            record_inputs(std::slice::from_ref(&b), &old, true),
            [b.to_str().unwrap()]
        );
        std::fs::remove_dir(&a).unwrap();
        assert_eq!(
            record_inputs(std::slice::from_ref(&b), &old, false),
            [b.to_str().unwrap()]
        );
        assert_eq!(
            hint(Some("--prune")),
            format!("`igf-lens ingest --prune --index {ixs} DATA_DIR` (DATA_DIR: the paths it was made from, recorded as {as_} '{bs}', not found from here)")
        );
    }
}
