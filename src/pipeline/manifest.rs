//! The ingest manifest: what the index holds, file by file, and how to tell what changed.
//!
//! Input: an index directory. Output: its [`Manifest`] (`igf-lens-manifest.json`: the
//! fingerprint of the resources, and per input file its size, modification time, SHA-256, kind,
//! sessions and passage count, what pairing read of it and decided, for a duplicate the copy
//! kept, and the digest of the codes that applied to it), written atomically after each commit; and [`verify`], which
//! adds to the index's own checks ([`crate::index::verify()`]) the comparison of the manifest
//! with the index and with the files on disk. Deciding what to re-read is [`super::plan`]'s job.

use super::config::IngestConfig;
use super::pair::{Clue, Pairing};
use crate::codes::CodesDigest;
use crate::error::{Error, Result};
use crate::index::{Level, Verification};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::rerun::{ingest_hint, IngestOptions, RecordedModel, MANIFEST_FILE};

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
    /// The digest of the codes that applied to the passages of a transcript (those of its
    /// sessions); absent when none did. A run whose codes for its sessions have another
    /// digest processes it again ([`super::plan`]); `igf-lens code` moves it with the passage
    /// it replaces ([`super::corrections::record_code`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<CodesDigest>,
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
            codes: None,
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
    /// The directory the last ingest ran in, which the relative paths of `options` and `inputs`
    /// are relative to (see [`record_run`]); absent in manifests written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workdir: Option<String>,
    /// The options of the last ingest that change what the index holds (see [`record_run`]):
    /// what a hint repeats. Absent when none was given, and in older manifests.
    #[serde(default, skip_serializing_if = "IngestOptions::is_default")]
    pub options: IngestOptions,
    /// The paths ingested, as given (see [`record_inputs`]): what a hint names to ingest again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<String>,
    /// Every codes file the last ingest read, in the order read, as it saw them (relative ones
    /// to `workdir`), and any `igf-lens code` wrote into since: what the next ingest not given
    /// `--codes` reads again ([`super::codes_files`]). Absent in older manifests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes_files: Vec<String>,
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

/// Records in `manifest` how the run of `cfg` was asked, for the hints ([`ingest_hint`]) to
/// repeat: the directory it runs in, the options that shape what the index holds (those of this
/// run alone: a run without them made the index without them, every file read again when the
/// resources changed), the inputs ([`record_inputs`]) and the codes files it read, `codes`.
pub fn record_run(manifest: &mut Manifest, cfg: &IngestConfig, old: &Manifest, codes: &[PathBuf]) {
    let workdir = std::env::current_dir()
        .ok()
        .map(|d| crate::disk::path_key(&d));
    let fresh = cfg.rebuild || cfg.prune;
    manifest.inputs = record_inputs(&cfg.inputs, old, fresh, workdir.as_deref());
    manifest.options = record_options(cfg);
    manifest.workdir = workdir;
    manifest.codes_files = codes.iter().map(|p| crate::disk::path_key(p)).collect();
}

/// The options of `cfg` that change what the index holds, their paths as given.
pub fn record_options(cfg: &IngestConfig) -> IngestOptions {
    let key = |p: &Option<std::path::PathBuf>| p.as_deref().map(crate::disk::path_key);
    IngestOptions {
        themes: key(&cfg.themes),
        model: match &cfg.model {
            crate::tag::ModelChoice::Embedded => RecordedModel::Embedded,
            crate::tag::ModelChoice::Off => RecordedModel::Off,
            crate::tag::ModelChoice::File(p) => RecordedModel::File(crate::disk::path_key(p)),
        },
        registry: key(&cfg.registry),
        organizations: key(&cfg.organizations),
        pairs: key(&cfg.pairs),
        codes: cfg.codes.file().map(crate::disk::path_key),
    }
}

/// The inputs a run in `workdir` records, sorted: its own, and unless it starts over
/// (`--rebuild`, `--prune`) those of the earlier runs that still exist, whose files it keeps
/// ([`super::sources::carry_earlier`]), so an ingest of them all, as a hint prints it
/// ([`ingest_hint`]), reads what the index holds. Earlier relative inputs recorded from another
/// directory are made absolute from it, since one `workdir` is recorded for all; an earlier input
/// that is one of this run's through another path (absolute, say) is not named twice.
pub fn record_inputs(
    inputs: &[std::path::PathBuf],
    old: &Manifest,
    fresh: bool,
    workdir: Option<&str>,
) -> Vec<String> {
    let mut all: std::collections::BTreeSet<String> =
        inputs.iter().map(|p| crate::disk::path_key(p)).collect();
    if !fresh {
        let moved = old.workdir.as_deref().filter(|w| Some(*w) != workdir);
        let canonical = |p: &Path| std::fs::canonicalize(p).ok();
        let own: Vec<std::path::PathBuf> = inputs.iter().filter_map(|p| canonical(p)).collect();
        let is_own =
            |k: &str| canonical(&crate::disk::key_path(k)).is_some_and(|c| own.contains(&c));
        let earlier = old.inputs.iter().map(|k| rebase(k, moved));
        all.extend(earlier.filter(|k| exists(k) && !is_own(k)));
    }
    all.into_iter().collect()
}

/// The input `key`, recorded relative to `from` when that is given, as an absolute key.
fn rebase(key: &str, from: Option<&str>) -> String {
    let path = crate::disk::key_path(key);
    match from {
        Some(dir) if path.is_relative() => {
            crate::disk::path_key(&crate::disk::key_path(dir).join(path))
        }
        _ => key.to_string(),
    }
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
    let elsewhere = ingest_dir_if_elsewhere(manifest.workdir.as_deref());
    for (key, entry) in &manifest.files {
        match source_state(&located(key, elsewhere.as_deref()), entry, &hints) {
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

/// The directory the last ingest ran in (`workdir`, as [`Manifest::workdir`] records it), when it
/// is not the current one.
pub(super) fn ingest_dir_if_elsewhere(workdir: Option<&str>) -> Option<PathBuf> {
    let there = crate::disk::key_path(workdir?);
    (!crate::rerun::is_current_dir(&there)?).then_some(there)
}

/// Where the file of manifest key `key` is from here: a relative key names a path from the
/// directory ingest ran in (`elsewhere`, when that is not the current one).
pub(super) fn located(key: &str, elsewhere: Option<&Path>) -> PathBuf {
    let path = crate::disk::key_path(key);
    match elsewhere {
        Some(dir) if path.is_relative() => dir.join(path),
        _ => path,
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
            inputs: record_inputs(std::slice::from_ref(&b), &old, false, None),
            ..Manifest::default()
        };
        m.save(&ix).unwrap();
        assert_eq!(
            hint(None),
            format!("`igf-lens ingest --index {ixs} {as_} '{bs}'`")
        );
        assert_eq!(
            record_inputs(std::slice::from_ref(&b), &old, true, None),
            [b.to_str().unwrap()]
        );
        std::fs::remove_dir(&a).unwrap();
        assert_eq!(
            record_inputs(std::slice::from_ref(&b), &old, false, None),
            [b.to_str().unwrap()]
        );
        assert_eq!(
            hint(Some("--prune")),
            format!("`igf-lens ingest --prune --index {ixs} DATA_DIR` (DATA_DIR: the paths it was made from, recorded as {as_} '{bs}', not found from here)")
        );
    }

    #[test]
    fn the_options_and_workdir_of_a_run_survive_a_save_and_load() {
        let tmp = tempfile::tempdir().unwrap();
        let m = Manifest {
            fingerprint: "fp".into(),
            workdir: Some("/home/me/project".into()),
            options: IngestOptions {
                themes: Some("my themes.toml".into()),
                model: RecordedModel::File("models/m.tsv".into()),
                registry: Some("r.csv".into()),
                organizations: Some("o.csv".into()),
                pairs: Some("p.csv".into()),
                codes: Some("c.csv".into()),
            },
            inputs: vec!["corpus".into()],
            codes_files: vec!["corpus/codes.csv".into(), "/home/me/my codes.csv".into()],
            files: BTreeMap::new(),
        };
        m.save(tmp.path()).unwrap();
        assert_eq!(Manifest::load(tmp.path()).unwrap(), m);
        // Without options, none is written (and none is read back).
        let plain = Manifest {
            options: IngestOptions::default(),
            ..m
        };
        plain.save(tmp.path()).unwrap();
        let text = std::fs::read_to_string(tmp.path().join(MANIFEST_FILE)).unwrap();
        assert!(!text.contains("\"options\""), "{text}");
        assert_eq!(Manifest::load(tmp.path()).unwrap(), plain);
    }

    #[test]
    fn a_manifest_written_before_options_and_workdir_were_recorded_still_loads() {
        let tmp = tempfile::tempdir().unwrap();
        let old = r#"{"fingerprint": "schema=2;taxonomy=abc", "inputs": ["data"], "files": {}}"#;
        std::fs::write(tmp.path().join(MANIFEST_FILE), old).unwrap();
        let m = Manifest::load(tmp.path()).unwrap();
        assert_eq!(m.fingerprint, "schema=2;taxonomy=abc");
        assert_eq!((m.workdir, m.options), (None, IngestOptions::default()));
        assert_eq!(m.inputs, ["data"]);
        assert!(m.codes_files.is_empty());
        // Its hint names the paths as before (data/ is in the package's directory, where
        // tests run), without options.
        assert_eq!(
            ingest_hint(tmp.path(), None),
            format!("`igf-lens ingest --index {} data`", tmp.path().display())
        );
    }

    #[test]
    fn a_run_records_its_own_options_only_and_makes_earlier_inputs_from_elsewhere_absolute() {
        let cfg = IngestConfig {
            themes: Some("my themes.toml".into()),
            model: crate::tag::ModelChoice::Off,
            codes: super::super::config::CodesChoice::File("codes/c.csv".into()),
            ..IngestConfig::default()
        };
        let want = IngestOptions {
            themes: Some("my themes.toml".into()),
            model: RecordedModel::Off,
            codes: Some("codes/c.csv".into()),
            ..IngestOptions::default()
        };
        assert_eq!(record_options(&cfg), want);
        assert!(record_options(&IngestConfig::default()).is_default());
        let old = Manifest {
            options: want,
            ..Manifest::default()
        };
        let mut m = Manifest::default();
        record_run(&mut m, &IngestConfig::default(), &old, &[]);
        assert!(m.options.is_default(), "a run without options records none");
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(m.workdir, Some(crate::disk::path_key(&cwd)));
        // An earlier relative input recorded from another directory (here: the package's
        // src, seen from the package's directory, where tests run) is kept, made absolute.
        let old = Manifest {
            workdir: Some(crate::disk::path_key(&cwd.join("src"))),
            inputs: vec!["pipeline".into(), "gone".into()],
            ..Manifest::default()
        };
        let here = cwd.to_str().unwrap();
        let pipeline = cwd.join("src/pipeline");
        assert_eq!(
            record_inputs(&["data".into()], &old, false, Some(here)),
            [pipeline.to_str().unwrap(), "data"]
        );
        assert_eq!(
            record_inputs(&["data".into()], &old, true, Some(here)),
            ["data"]
        );
        // The same input through another path is named once, as this run gave it.
        assert_eq!(
            record_inputs(&["src/pipeline".into()], &old, false, Some(here)),
            ["src/pipeline"]
        );
    }

    #[test]
    fn ingest_hint_repeats_the_options_and_names_paths_from_where_ingest_ran() {
        let tmp = tempfile::tempdir().unwrap();
        let ix = tmp.path().join("ix");
        std::fs::create_dir(&ix).unwrap();
        std::fs::create_dir(tmp.path().join("my corpus")).unwrap();
        std::fs::write(tmp.path().join("t.toml"), "").unwrap();
        let m = Manifest {
            workdir: Some(tmp.path().to_str().unwrap().into()),
            options: IngestOptions {
                themes: Some("t.toml".into()),
                model: RecordedModel::File("gone.tsv".into()),
                ..IngestOptions::default()
            },
            inputs: vec!["my corpus".into()],
            ..Manifest::default()
        };
        m.save(&ix).unwrap();
        // Tests run in the package's directory, where none of these relative paths is.
        let at = |name: &str| tmp.path().join(name).display().to_string();
        assert_eq!(
            ingest_hint(&ix, Some("--rebuild")),
            format!(
                "`igf-lens ingest --rebuild --index {} --themes {} --model {} '{}'`",
                ix.display(),
                at("t.toml"),
                at("gone.tsv"),
                at("my corpus")
            )
        );
        std::fs::remove_dir(tmp.path().join("my corpus")).unwrap();
        assert_eq!(
            ingest_hint(&ix, None),
            format!(
                "`igf-lens ingest --index {} --themes {} --model {} DATA_DIR` (DATA_DIR: the paths it was made from, recorded as 'my corpus' (from {}), not found)",
                ix.display(),
                at("t.toml"),
                at("gone.tsv"),
                tmp.path().display()
            )
        );
    }
}
