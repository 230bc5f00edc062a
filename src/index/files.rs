//! The index directory around tantivy's files: the schema-version file and a read-only view.
//!
//! Input: an index directory path. Output: the recorded schema version (checked against
//! [`SCHEMA_VERSION`]) and a [`ReadOnlyDir`] that lets a reader open an index it cannot
//! write to. This module does not decide when to write or read an index; `writer` and
//! `reader` do.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// Name of the file, next to tantivy's `meta.json`, that records who wrote the index.
pub const VERSION_FILE: &str = "igf-lens.json";

/// Version of the schema and analyzer; bump it whenever either changes, so an old index is
/// refused with [`Error::IndexVersion`] instead of answering wrongly.
pub const SCHEMA_VERSION: u32 = 3;

/// Contents of [`VERSION_FILE`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct VersionFile {
    schema_version: u32,
    analyzer: String,
    written_by: String,
}

/// Whether `dir` already holds a tantivy index. A directory the user may not enter is an
/// [`Error::Io`] naming it, with the fix ([`denied`]), not "no index".
pub(crate) fn has_index(dir: &Path) -> Result<bool> {
    index_found(
        dir,
        std::fs::metadata(dir.join("meta.json")).map(|m| m.is_file()),
    )
}

/// [`has_index`]'s reading of the answer to "is `dir/meta.json` a file?".
fn index_found(dir: &Path, is_file: std::io::Result<bool>) -> Result<bool> {
    match is_file {
        Ok(found) => Ok(found),
        Err(e) => denied(dir, &e).map_or(Ok(false), Err),
    }
}

/// An I/O failure on `path` (an index file, or the index directory) because the user may not
/// read it: an [`Error::Io`] naming it, with the fix (its permissions, not a rebuild).
pub(crate) fn denied(path: &Path, io_error: &std::io::Error) -> Option<Error> {
    (io_error.kind() == std::io::ErrorKind::PermissionDenied).then(|| {
        Error::io(
            path,
            std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("{io_error}: give the user running igf-lens read access to the index"),
            ),
        )
    })
}

/// Fails with [`Error::NoIndex`] unless `dir` holds an index (and with [`Error::Io`] when the
/// user may not enter it).
pub(crate) fn require_index(dir: &Path) -> Result<()> {
    if has_index(dir)? {
        Ok(())
    } else {
        Err(Error::no_index(dir))
    }
}

/// Reads the schema version recorded in `dir` (`None` when the file is missing).
pub(crate) fn read_version(dir: &Path) -> Result<Option<u32>> {
    let path = dir.join(VERSION_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let v: VersionFile = serde_json::from_slice(&bytes).map_err(|e| Error::Corrupt {
        path: dir.to_path_buf(),
        message: format!("{VERSION_FILE} does not parse ({e})"),
    })?;
    Ok(Some(v.schema_version))
}

/// Fails with [`Error::IndexVersion`] unless `dir` records [`SCHEMA_VERSION`].
pub(crate) fn check_version(dir: &Path) -> Result<()> {
    match read_version(dir)? {
        Some(v) if v == SCHEMA_VERSION => Ok(()),
        found => Err(Error::IndexVersion {
            path: dir.to_path_buf(),
            found: found.map_or_else(|| format!("none (no {VERSION_FILE})"), |v| v.to_string()),
            expected: SCHEMA_VERSION.to_string(),
        }),
    }
}

/// Records [`SCHEMA_VERSION`] in `dir` (written to a temporary name, then renamed).
pub(crate) fn write_version(dir: &Path) -> Result<()> {
    let v = VersionFile {
        schema_version: SCHEMA_VERSION,
        analyzer: crate::text::ANALYZER_NAME.to_string(),
        written_by: format!("igf-lens {}", env!("CARGO_PKG_VERSION")),
    };
    let mut body = serde_json::to_vec_pretty(&v).map_err(|e| Error::Other(e.to_string()))?;
    body.push(b'\n');
    crate::disk::write_bytes(&dir.join(VERSION_FILE), &body)
}

/// Opens tantivy's directory at `dir`.
pub(crate) fn mmap(dir: &Path) -> Result<MmapDirectory> {
    MmapDirectory::open(dir).map_err(|e| Error::Index(format!("{}: {e}", dir.display())))
}

/// Removes the segment files of `dir` that no commit refers to: what a failed ingest (a full
/// disk, a kill) left behind. A segment file is named by its segment's 32-hex-digit id
/// (`<id>.store`, `<id>.<opstamp>.del`, …); the ids in `meta.json` are kept, any other is
/// removed. Call it only while holding the ingest lock (no other writer makes files). Returns
/// how many files were removed; an index that does not open is left for the caller to report.
pub fn remove_orphans(dir: &Path) -> Result<usize> {
    if !has_index(dir)? {
        return Ok(0);
    }
    let Ok(index) = tantivy::Index::open(mmap(dir)?) else {
        return Ok(0);
    };
    let Ok(ids) = index.searchable_segment_ids() else {
        return Ok(0);
    };
    let live: std::collections::HashSet<String> = ids.iter().map(|id| id.uuid_string()).collect();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let id = name.split('.').next().unwrap_or_default();
        let segment = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) && id != name;
        if segment && !live.contains(&id.to_ascii_lowercase()) {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// A directory a reader can use without write access.
///
/// tantivy takes the meta lock while a reader opens segments, so that a concurrent writer's
/// garbage collection does not delete them; taking it creates `.tantivy-meta.lock`. On a
/// read-only directory that fails, so this view takes the lock when it can and goes on without
/// it when the file system refuses (an index nobody can write has no writer to fear).
#[derive(Debug, Clone)]
pub(crate) struct ReadOnlyDir {
    inner: MmapDirectory,
    path: PathBuf,
}

impl ReadOnlyDir {
    pub(crate) fn new(inner: MmapDirectory, path: &Path) -> ReadOnlyDir {
        ReadOnlyDir {
            inner,
            path: path.to_path_buf(),
        }
    }
}

/// A lock that holds nothing.
struct NoLock;

impl Directory for ReadOnlyDir {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        let lock_path = self.path.join(&lock.filepath);
        if !lock_path.exists() && !is_writable(&self.path) {
            return Ok(DirectoryLock::from(Box::new(NoLock)));
        }
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(e)) if refused(&e) => Ok(DirectoryLock::from(Box::new(NoLock))),
            other => other,
        }
    }
    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

/// Whether an I/O error says the file system will not let us write.
fn refused(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Whether files can be created in `dir` (metadata only: no probe file is written).
fn is_writable(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_round_trips_and_mismatch_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read_version(tmp.path()).unwrap(), None);
        assert!(matches!(
            check_version(tmp.path()),
            Err(Error::IndexVersion { found, .. }) if found.starts_with("none")
        ));
        write_version(tmp.path()).unwrap();
        assert_eq!(
            read_version(tmp.path()).unwrap(),
            Some(super::SCHEMA_VERSION)
        );
        check_version(tmp.path()).unwrap();
        std::fs::write(
            tmp.path().join(VERSION_FILE),
            r#"{"schema_version": 999, "analyzer": "x", "written_by": "y"}"#,
        )
        .unwrap();
        match check_version(tmp.path()) {
            Err(Error::IndexVersion {
                found, expected, ..
            }) => {
                assert_eq!(found, "999");
                assert_eq!(expected, super::SCHEMA_VERSION.to_string());
            }
            other => panic!("wanted IndexVersion, got {other:?}"),
        }
    }

    #[test]
    fn garbage_version_file_is_corrupt() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(VERSION_FILE), "not json").unwrap();
        assert!(matches!(
            read_version(tmp.path()),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn a_directory_the_user_may_not_enter_is_not_called_no_index() {
        let dir = Path::new("ix");
        let stat = |kind: std::io::ErrorKind| Err(std::io::Error::from(kind));
        let denied = index_found(dir, stat(std::io::ErrorKind::PermissionDenied));
        assert!(
            matches!(&denied, Err(Error::Io { path, .. }) if path == dir),
            "{denied:?}"
        );
        let text = denied.unwrap_err().to_string();
        assert!(
            text.starts_with("ix: ")
                && text.contains("ermission denied")
                && text.ends_with("give the user running igf-lens read access to the index"),
            "{text}"
        );
        assert!(!index_found(dir, stat(std::io::ErrorKind::NotFound)).unwrap());
        assert!(!index_found(dir, stat(std::io::ErrorKind::NotADirectory)).unwrap());
        assert!(index_found(dir, Ok(true)).unwrap());
        assert!(!index_found(dir, Ok(false)).unwrap());
    }
}
