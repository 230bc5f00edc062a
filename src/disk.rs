//! Writing files so that a crash leaves the old version or the new one, never half of one.
//!
//! Input: a path and the bytes (or a function writing them). Output: the file, renamed into
//! place from a temporary name in the same directory, with the file and its directory synced.
//! Used for the ingest manifest, the index's version file, every export and the bench's corpus
//! marker. Also the modification stamp the ingest manifest compares ([`mtime_ns`]), and the
//! string key naming a file exactly, whatever bytes its name holds ([`path_key`], [`key_path`]).
//! This module decides nothing about what is written.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Writes `path` through a temporary file in the same directory (created when missing):
/// `fill` writes the content, then the file is synced and renamed over `path`, and the
/// directory is synced, so readers see the old or the new file and a power cut keeps the
/// rename. On any error the temporary file is removed and `path` is untouched.
///
/// A symlink is followed: the temporary file is renamed over its final target, and the link
/// stays. Anything that is not a regular file or missing (a device such as `/dev/null`, a FIFO)
/// is written through, never replaced. Every write error is returned.
pub fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let path = &follow_links(path)?;
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => {
            // Said before anything is written (the rename over it failed only at the end).
            return Err(Error::InputFile {
                path: path.to_path_buf(),
                message: "is a directory, not a file: give the path of a file to write (one \
                          inside it, say)"
                    .into(),
            });
        }
        Ok(meta) if !meta.is_file() => return write_through(path, fill),
        _ => {}
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Error::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut buf = std::io::BufWriter::new(file);
        fill(&mut buf).map_err(|e| name_output(e, path))?;
        let file = buf
            .into_inner()
            .map_err(|e| Error::io(&tmp, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Most symlinks followed before giving up (as Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// The path a chain of symlinks ends at (the path itself when it is no link or missing).
fn follow_links(path: &Path) -> Result<std::path::PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current).map_err(|e| Error::io(&current, e))?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::io(
        path,
        std::io::Error::other("too many levels of symbolic links"),
    ))
}

/// Writes into an existing file that is not a regular one (a device, a FIFO) in place.
fn write_through(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    let mut buf = std::io::BufWriter::new(file);
    fill(&mut buf).map_err(|e| name_output(e, path))?;
    buf.flush().map_err(|e| Error::io(path, e))
}

/// An error a writer reported for its anonymous `<output>`, named after the file written.
fn name_output(err: Error, path: &Path) -> Error {
    match err {
        Error::Io { path: p, source } if p.as_os_str() == "<output>" => Error::io(path, source),
        other => other,
    }
}

/// Writes bytes to a file atomically (see [`write_atomic`]).
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes).map_err(|e| Error::io(path, e)))
}

/// Syncs a directory so that a rename or a new file in it survives a power cut (a no-op where
/// directories cannot be opened as files).
pub fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A file's modification time in nanoseconds since the Unix epoch (0 when unknown).
pub fn mtime_ns(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// First of the private-use characters that stand for the bytes of a file name that are not
/// UTF-8 (U+EF80 + byte − 0x80, as MirBSD's OPTU-8 does; such bytes are all 0x80 or above).
const KEY_BYTE_BASE: u32 = 0xEF00;

/// A path as a string that names it exactly (the ingest manifest's and the index's key of a
/// file): the path itself when it is UTF-8; otherwise (Unix) each byte that is not UTF-8
/// becomes a private-use character (U+EF80–U+EFFF), so two such names never share a key and
/// [`key_path`] gives the path back.
pub fn path_key(path: &Path) -> String {
    if let Some(s) = path.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for &b in chunk.invalid() {
                out.extend(char::from_u32(KEY_BYTE_BASE + u32::from(b)));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned()
    }
}

/// The path a [`path_key`] names.
pub fn key_path(key: &str) -> std::path::PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let range = (KEY_BYTE_BASE + 0x80)..=(KEY_BYTE_BASE + 0xFF);
        // A UTF-8 name holding such characters itself (rare) is taken as it is when it exists.
        if key.chars().any(|c| range.contains(&u32::from(c)))
            && std::fs::symlink_metadata(key).is_err()
        {
            let mut bytes = Vec::with_capacity(key.len());
            for c in key.chars() {
                match u8::try_from(u32::from(c).wrapping_sub(KEY_BYTE_BASE)) {
                    Ok(b) if range.contains(&u32::from(c)) => bytes.push(b),
                    _ => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                }
            }
            if std::str::from_utf8(&bytes).is_err() {
                return std::ffi::OsString::from_vec(bytes).into();
            }
        }
    }
    std::path::PathBuf::from(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_keys_name_paths_exactly() {
        for p in ["data/a.txt", "caf\u{e9}.txt", ""] {
            assert_eq!(path_key(Path::new(p)), p);
            assert_eq!(key_path(p), Path::new(p));
        }
        let tmp = tempfile::tempdir().unwrap();
        let odd = tmp.path().join("odd \u{ef90} name.txt");
        std::fs::write(&odd, "x").unwrap();
        assert_eq!(key_path(&path_key(&odd)), odd);
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let latin1 = Path::new(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
            let other = Path::new(std::ffi::OsStr::from_bytes(b"caf\xe8.txt"));
            let key = path_key(latin1);
            assert_eq!(key, "caf\u{efe9}.txt");
            assert_ne!(key, path_key(other));
            assert_eq!(key_path(&key), latin1);
        }
    }

    #[test]
    fn write_atomic_leaves_no_partial_file_on_error() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("sub/out.csv");
        write_bytes(&path, b"old").unwrap();
        let err = write_atomic(&path, |w| {
            w.write_all(b"half").unwrap();
            Err(Error::Other("boom".into()))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        let names: Vec<String> = std::fs::read_dir(tmp.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["out.csv"]);
    }

    #[test]
    fn mtime_is_the_files_time() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a");
        write_bytes(&path, b"x").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        let want = meta
            .modified()
            .unwrap()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        assert_eq!(mtime_ns(&meta), want);
    }
}
