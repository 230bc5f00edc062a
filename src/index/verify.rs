//! Checking an index for damage, and keeping damage from turning into a panic.
//!
//! Input: an index directory. Output: a [`Verification`]: one [`Finding`] per check or problem,
//! and a verdict ([`Verification::is_sound`]). The checks: the schema-version file, every
//! segment file present and matching its checksum, every segment opening, every stored passage
//! reading back, every indexed field's term dictionary walking to its end. The index is opened
//! read-only and nothing is written.
//!
//! [`catch_damage`] is the boundary the reader runs tantivy behind: a panic inside tantivy on
//! damaged bytes becomes [`Error::Corrupt`] instead of escaping to the user.
//!
//! This module does not repair anything (the fix is `igf-lens ingest --rebuild`) and does not
//! print: the CLI does. Comparing the index with what the ingest recorded (its manifest) is the
//! pipeline's part of a verification: it adds its findings with [`Verification::push`].

use super::files::{self, ReadOnlyDir};
use super::schema;
use super::stored;
use crate::error::{Error, Result};
use std::cell::Cell;
use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Once;
use tantivy::directory::error::OpenReadError;
use tantivy::{Index, IndexMeta, SegmentReader};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// A check that passed.
    Ok,
    /// The index is sound but no longer matches its source files (`ingest` or `--prune` fixes
    /// it).
    Warning,
    /// The index is damaged or inconsistent (`ingest --rebuild` fixes it).
    Damaged,
}

impl Level {
    /// The word printed before the finding.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warning => "warning",
            Level::Damaged => "damaged",
        }
    }
}

/// One line of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub message: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    pub dir: PathBuf,
    pub findings: Vec<Finding>,
    /// Committed segments.
    pub segments: usize,
    /// Segment files whose checksum was checked.
    pub files_checked: usize,
    /// Live passages according to the index's metadata.
    pub passages: u64,
    /// Passages read back from the document store.
    pub passages_read: u64,
    /// Whether the index opened (its passage count is known).
    pub opened: bool,
    /// Source files listed in the manifest (`None` when there is no readable manifest).
    pub manifest_files: Option<usize>,
    /// Passages the manifest attributes to its files.
    pub manifest_passages: Option<u64>,
}

impl Verification {
    /// True when no finding is [`Level::Damaged`].
    pub fn is_sound(&self) -> bool {
        self.findings.iter().all(|f| f.level != Level::Damaged)
    }

    /// Findings of a level.
    pub fn count(&self, level: Level) -> usize {
        self.findings.iter().filter(|f| f.level == level).count()
    }

    /// Adds a finding (the pipeline adds those of its manifest).
    pub fn push(&mut self, level: Level, message: impl Into<String>) {
        self.findings.push(Finding {
            level,
            message: message.into(),
        });
    }
}

/// Checks the index at `dir` (see the module docs for the list). Damage is reported as
/// findings, not errors; the errors are [`Error::NoIndex`] when `dir` holds no index and
/// [`Error::Io`] for an index file (or the index directory) the user may not read.
pub fn verify(dir: &Path) -> Result<Verification> {
    files::require_index(dir)?;
    let mut v = Verification {
        dir: dir.to_path_buf(),
        ..Verification::default()
    };
    check_version(dir, &mut v);
    v.opened = match open(dir) {
        Ok((index, meta)) => {
            check_segments(dir, &index, &meta, &mut v)?;
            true
        }
        Err(e @ Error::Io { .. }) => return Err(e),
        Err(e) => {
            v.push(
                Level::Damaged,
                format!("the index does not open: {}", e.detail()),
            );
            false
        }
    };
    Ok(v)
}

/// The cheap half of [`verify()`], which an ingest runs before it reports an index up to date
/// or commits on top of it: every file of every committed segment present and matching its
/// checksum (each file read once, no document decoded). Fails with [`Error::Corrupt`] naming
/// the first damaged file.
pub fn check_checksums(dir: &Path) -> Result<()> {
    if !files::has_index(dir)? {
        return Ok(());
    }
    let (index, meta) = open(dir)?;
    first_damage(dir, &index, &meta, Scope::Every)
}

/// What a reader checks when it opens an index (`search`, `export` and the other readers):
/// the checksums of the small files whose damage would go unseen, the fast fields (facets,
/// sorting, filters on numbers) and field norms (ranking) and deletions, a few per cent of
/// the index. Stored passages carry their own checksum, tested as each is read.
pub(crate) fn check_open_time(dir: &Path, index: &Index) -> Result<()> {
    let meta = index.load_metas().map_err(|e| corrupt(dir, e))?;
    first_damage(dir, index, &meta, Scope::Cheap)
}

/// The first damaged file among those `scope` covers, as [`Error::Corrupt`].
fn first_damage(dir: &Path, index: &Index, meta: &IndexMeta, scope: Scope) -> Result<()> {
    let mut v = Verification {
        dir: dir.to_path_buf(),
        ..Verification::default()
    };
    check_files(dir, index, meta, scope, &mut v)?;
    match v.findings.into_iter().find(|f| f.level == Level::Damaged) {
        Some(f) => Err(Error::Corrupt {
            path: dir.to_path_buf(),
            message: f.message,
        }),
        None => Ok(()),
    }
}

/// Which files of a segment a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Every file.
    Every,
    /// Fast fields, field norms and deletions: small, and read whole by a search.
    Cheap,
}

impl Scope {
    fn covers(self, name: &str) -> bool {
        match self {
            Scope::Every => true,
            Scope::Cheap => [".fast", ".fieldnorm", ".del"]
                .iter()
                .any(|ext| name.ends_with(ext)),
        }
    }
}

fn check_version(dir: &Path, v: &mut Verification) {
    match files::read_version(dir) {
        Ok(Some(n)) if n == files::SCHEMA_VERSION => {
            v.push(Level::Ok, format!("schema version {n}"));
        }
        Ok(Some(n)) => v.push(
            Level::Damaged,
            format!(
                "schema version {n} in {}, this igf-lens reads version {}",
                files::VERSION_FILE,
                files::SCHEMA_VERSION
            ),
        ),
        Ok(None) => v.push(
            Level::Damaged,
            format!(
                "{} is missing: the schema version is unknown",
                files::VERSION_FILE
            ),
        ),
        Err(e) => v.push(Level::Damaged, e.detail()),
    }
}

/// Opens the index read-only and loads its committed metadata.
fn open(dir: &Path) -> Result<(Index, IndexMeta)> {
    catch_damage(dir, || {
        let directory = ReadOnlyDir::new(files::mmap(dir)?, dir);
        let index = Index::open(directory).map_err(|e| open_failure(dir, e))?;
        let meta = index.load_metas().map_err(|e| open_failure(dir, e))?;
        Ok((index, meta))
    })
}

fn check_segments(dir: &Path, index: &Index, meta: &IndexMeta, v: &mut Verification) -> Result<()> {
    v.segments = meta.segments.len();
    v.passages = meta.segments.iter().map(|s| u64::from(s.num_docs())).sum();
    let bad_segments = check_files(dir, index, meta, Scope::Every, v)?;
    check_contents(dir, index, &bad_segments, v);
    Ok(())
}

/// Every file a committed segment needs: present, and matching its checksum. Returns the ids
/// of the segments with a bad file; a file the user may not read is an error.
fn check_files(
    dir: &Path,
    index: &Index,
    meta: &IndexMeta,
    scope: Scope,
    v: &mut Verification,
) -> Result<BTreeSet<String>> {
    let damaged_before = v.count(Level::Damaged);
    let mut paths: Vec<PathBuf> = meta.list_segment_files().into_iter().collect();
    paths.sort();
    let mut bad_segments: BTreeSet<String> = BTreeSet::new();
    for seg in &meta.segments {
        let before = v.count(Level::Damaged);
        let uuid = seg.id().uuid_string();
        for path in paths
            .iter()
            .filter(|p| p.to_string_lossy().starts_with(&uuid))
            .filter(|p| scope.covers(&p.to_string_lossy()))
        {
            let name = path.to_string_lossy();
            let optional =
                name.ends_with(".store.temp") || (name.ends_with(".del") && !seg.has_deletes());
            if !dir.join(path).is_file() {
                if !optional {
                    v.push(
                        Level::Damaged,
                        format!("segment {}: file {name} is missing", short(&uuid)),
                    );
                }
                continue;
            }
            if name.ends_with(".store.temp") {
                continue;
            }
            v.files_checked += 1;
            if let Some(problem) = checksum_problem(dir, index, path)? {
                v.push(
                    Level::Damaged,
                    format!("segment {}: file {name} {problem}", short(&uuid)),
                );
            }
        }
        if v.count(Level::Damaged) > before {
            bad_segments.insert(uuid);
        }
    }
    if v.count(Level::Damaged) == damaged_before {
        v.push(
            Level::Ok,
            format!(
                "{} segment(s), {} file(s): all present, checksums match",
                v.segments, v.files_checked
            ),
        );
    }
    Ok(bad_segments)
}

/// What is wrong with a segment file's checksum, if anything; a file the user may not read is
/// an error.
fn checksum_problem(dir: &Path, index: &Index, path: &Path) -> Result<Option<String>> {
    let checked = catch_damage(dir, || Ok(index.directory().validate_checksum(path)));
    checksum_finding(dir, checked)
}

/// [`checksum_problem`]'s reading of tantivy's answer.
fn checksum_finding(
    dir: &Path,
    checked: Result<std::result::Result<bool, OpenReadError>>,
) -> Result<Option<String>> {
    Ok(Some(match checked {
        Ok(Ok(true)) => return Ok(None),
        Ok(Ok(false)) => "does not match its checksum".to_string(),
        // tantivy reads the footer (format version, checksum) first: InvalidData means the
        // footer is not there, UnexpectedEof that its JSON ends early (a quote overwritten).
        Ok(Err(OpenReadError::IoError { io_error, .. }))
            if matches!(
                io_error.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            "has no valid footer: it was cut short or its end is overwritten".to_string()
        }
        Ok(Err(e)) => match not_permitted(dir, &e) {
            Some(denied) => return Err(denied),
            None => format!("cannot be read: {e}"),
        },
        Err(e) => format!("cannot be checked: {}", e.detail()),
    }))
}

/// Every segment (but those with a bad file) opens, every stored passage reads back, every
/// term dictionary walks to its end.
fn check_contents(
    dir: &Path,
    index: &Index,
    bad_segments: &BTreeSet<String>,
    v: &mut Verification,
) {
    let damaged_before = v.count(Level::Damaged);
    let segments = match index.searchable_segments() {
        Ok(s) => s,
        Err(e) => {
            v.push(
                Level::Damaged,
                format!("the segment list does not load: {e}"),
            );
            return;
        }
    };
    let indexed: Vec<(tantivy::schema::Field, String)> = index
        .schema()
        .fields()
        .filter(|(_, e)| e.is_indexed())
        .map(|(f, e)| (f, e.name().to_string()))
        .collect();
    for segment in &segments {
        let uuid = segment.id().uuid_string();
        if bad_segments.contains(&uuid) {
            // Reading damaged bytes can ask for absurd allocations, which abort the process
            // rather than panic: the checksum verdict is enough.
            continue;
        }
        let label = short(&uuid);
        let reader = match catch_damage(dir, || {
            SegmentReader::open(segment).map_err(|e| corrupt(dir, e))
        }) {
            Ok(r) => r,
            Err(e) => {
                v.push(
                    Level::Damaged,
                    format!("segment {label} does not open: {}", e.detail()),
                );
                continue;
            }
        };
        check_stored(dir, &reader, label, v);
        check_terms(dir, &reader, label, &indexed, v);
    }
    if v.count(Level::Damaged) == damaged_before && bad_segments.is_empty() {
        v.push(
            Level::Ok,
            format!(
                "{} stored passage(s) read back; the terms of {} indexed field(s) read in every segment",
                v.passages_read,
                indexed.len()
            ),
        );
    }
}

/// Every stored passage of a segment reads back into a record.
fn check_stored(dir: &Path, reader: &SegmentReader, label: &str, v: &mut Verification) {
    let (_, fields) = schema::build();
    let read = catch_damage(dir, || {
        let (mut good, mut bad, mut first) = (0u64, 0u64, None);
        let n_fields = reader.schema().num_fields() as u32;
        stored::for_each(reader, n_fields, |doc| {
            let res = doc
                .map_err(|why| corrupt(dir, why))
                .and_then(|d| schema::from_doc(&fields, &d));
            match res {
                Ok(_) => good += 1,
                Err(e) => {
                    bad += 1;
                    first.get_or_insert_with(|| e.detail());
                }
            }
            Ok(())
        })
        .map_err(|e| corrupt(dir, e.detail()))?;
        Ok((good, bad, first))
    });
    match read {
        Ok((good, 0, _)) if good == u64::from(reader.num_docs()) => v.passages_read += good,
        Ok((good, bad, first)) => {
            v.passages_read += good;
            let mut msg = format!(
                "segment {label}: {good} of {} stored passages read back",
                reader.num_docs()
            );
            if bad > 0 {
                msg.push_str(&format!(
                    ", {bad} failed (first: {})",
                    first.unwrap_or_default()
                ));
            }
            v.push(Level::Damaged, msg);
        }
        Err(e) => v.push(
            Level::Damaged,
            format!(
                "segment {label}: the stored passages cannot be read: {}",
                e.detail()
            ),
        ),
    }
}

/// Every indexed field's term dictionary of a segment walks to its end.
fn check_terms(
    dir: &Path,
    reader: &SegmentReader,
    label: &str,
    indexed: &[(tantivy::schema::Field, String)],
    v: &mut Verification,
) {
    for (field, name) in indexed {
        let walked = catch_damage(dir, || {
            let inv = reader.inverted_index(*field).map_err(|e| corrupt(dir, e))?;
            let mut stream = inv.terms().stream().map_err(|e| corrupt(dir, e))?;
            while stream.advance() {}
            Ok(())
        });
        if let Err(e) = walked {
            v.push(
                Level::Damaged,
                format!(
                    "segment {label}: the terms of field {name} cannot be read: {}",
                    e.detail()
                ),
            );
        }
    }
}

/// The first 8 hex digits of a segment id, as people quote them.
fn short(uuid: &str) -> &str {
    uuid.get(..8).unwrap_or(uuid)
}

/// Why tantivy could not open the index at `dir`: a file it may not read is an I/O error naming
/// the file (the fix is its permissions, not a rebuild); anything else is damage.
pub(crate) fn open_failure(dir: &Path, e: tantivy::TantivyError) -> Error {
    match &e {
        tantivy::TantivyError::OpenReadError(read) => match not_permitted(dir, read) {
            Some(denied) => denied,
            None => corrupt(dir, e),
        },
        _ => corrupt(dir, e),
    }
}

/// A read that failed because the user may not read the file: an I/O error naming it.
fn not_permitted(dir: &Path, e: &OpenReadError) -> Option<Error> {
    match e {
        OpenReadError::IoError { io_error, filepath } => {
            files::denied(&dir.join(filepath), io_error)
        }
        _ => None,
    }
}

fn corrupt(dir: &Path, e: impl std::fmt::Display) -> Error {
    Error::Corrupt {
        path: dir.to_path_buf(),
        message: e.to_string(),
    }
}

thread_local! {
    /// Set while this thread runs inside [`catch_damage`]: its panics are caught and reported
    /// as errors, so the default hook must not print them.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Runs `f`, a call into tantivy on the index at `dir`, so that damage cannot escape as a
/// panic: a panic (tantivy indexes slices with offsets read from the files) becomes
/// [`Error::Corrupt`], and so does a tantivy error ([`Error::Index`]), since reading a
/// committed index only fails when its files are bad or gone.
///
/// The panic hook is wrapped once per process so that panics caught here print nothing; panics
/// anywhere else still reach the previous hook.
pub(crate) fn catch_damage<T>(dir: &Path, f: impl FnOnce() -> Result<T>) -> Result<T> {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = CATCHING.with(|c| c.replace(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(outer));
    match result {
        Ok(Err(Error::Index(message))) => Err(Error::Corrupt {
            path: dir.to_path_buf(),
            message,
        }),
        Ok(other) => other,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".into());
            Err(Error::Corrupt {
                path: dir.to_path_buf(),
                message: format!("reading it failed inside the search engine ({what})"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_the_user_may_not_read_is_not_called_damage() {
        use std::sync::Arc;
        let read_error = |kind: std::io::ErrorKind| {
            tantivy::TantivyError::OpenReadError(OpenReadError::IoError {
                io_error: Arc::new(std::io::Error::from(kind)),
                filepath: "meta.json".into(),
            })
        };
        let denied = open_failure(
            Path::new("ix"),
            read_error(std::io::ErrorKind::PermissionDenied),
        );
        assert!(
            matches!(&denied, Error::Io { path, .. } if path == Path::new("ix/meta.json")),
            "{denied:?}"
        );
        let text = denied.to_string();
        assert!(
            text.starts_with("ix/meta.json: ")
                && text.ends_with("give the user running igf-lens read access to the index")
                && !text.contains("rebuild"),
            "{text}"
        );
        let other = open_failure(Path::new("ix"), read_error(std::io::ErrorKind::InvalidData));
        assert!(matches!(other, Error::Corrupt { .. }), "{other:?}");
    }

    #[test]
    fn a_segment_file_the_user_may_not_read_is_an_error_not_a_finding() {
        use std::sync::Arc;
        let dir = Path::new("ix");
        let read_error = |kind: std::io::ErrorKind| {
            Ok(Err(OpenReadError::IoError {
                io_error: Arc::new(std::io::Error::from(kind)),
                filepath: "ab.store".into(),
            }))
        };
        let denied = checksum_finding(dir, read_error(std::io::ErrorKind::PermissionDenied));
        assert!(
            matches!(&denied, Err(Error::Io { path, .. }) if path == Path::new("ix/ab.store")),
            "{denied:?}"
        );
        assert_eq!(
            checksum_finding(dir, read_error(std::io::ErrorKind::InvalidData)).unwrap(),
            Some("has no valid footer: it was cut short or its end is overwritten".to_string())
        );
        assert_eq!(checksum_finding(dir, Ok(Ok(true))).unwrap(), None);
        assert_eq!(
            checksum_finding(dir, Ok(Ok(false))).unwrap(),
            Some("does not match its checksum".to_string())
        );
    }

    #[test]
    fn catch_damage_turns_panics_and_engine_errors_into_corrupt() {
        let dir = Path::new("ix");
        type Call = Box<dyn FnOnce() -> Result<u32>>;
        let cases: Vec<(&str, Call, Result<u32, String>)> = vec![
            ("value", Box::new(|| Ok(7)), Ok(7)),
            (
                "panic with &str",
                Box::new(|| panic!("index out of bounds")),
                Err("reading it failed inside the search engine (index out of bounds)".into()),
            ),
            (
                "panic with String",
                Box::new(|| panic!("offset {} past the end", 12)),
                Err("reading it failed inside the search engine (offset 12 past the end)".into()),
            ),
            (
                "engine error",
                Box::new(|| Err(Error::Index("bad block".into()))),
                Err("bad block".into()),
            ),
        ];
        for (name, f, want) in cases {
            let got = catch_damage(dir, f).map_err(|e| match e {
                Error::Corrupt { path, message } => {
                    assert_eq!(path, Path::new("ix"), "{name}");
                    message
                }
                other => panic!("{name}: wanted Corrupt, got {other:?}"),
            });
            assert_eq!(got, want, "{name}");
        }
        // Errors caused by the user pass through unchanged.
        let q = catch_damage(dir, || -> Result<()> {
            Err(Error::Query("bad query".into()))
        });
        assert!(matches!(q, Err(Error::Query(m)) if m == "bad query"));
        // The flag that silences the panic hook is off again outside the guard.
        assert!(!CATCHING.with(Cell::get));
    }

    #[test]
    fn nested_guards_restore_the_outer_state() {
        let dir = Path::new("ix");
        let inner = catch_damage(dir, || {
            let r = catch_damage(dir, || -> Result<()> { panic!("inner") });
            assert!(CATCHING.with(Cell::get), "still inside the outer guard");
            r
        });
        assert!(matches!(inner, Err(Error::Corrupt { .. })));
        assert!(!CATCHING.with(Cell::get));
    }

    #[test]
    fn a_missing_index_is_an_error_not_a_finding() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(
            matches!(verify(tmp.path()), Err(Error::NoIndex { path, .. }) if path == tmp.path())
        );
    }
}
