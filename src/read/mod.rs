//! Reading inputs: discover files under the paths given, decode bytes to text, detect the
//! format from the content.
//!
//! Input: paths from the command line. Output: [`Document`]s (path, decoded text with `\n`
//! line endings, detected [`Format`](crate::model::Format), sha-256 of the bytes, size) and [`Skipped`] entries for
//! paths that cannot be read. Parsing is not done here, and nothing here decides whether a
//! skipped file is fatal: that is the pipeline's call (`--strict`).

mod decode;
mod detect;
mod saved;

pub use decode::decode;
pub use detect::{detect, only_server_warnings};
pub(crate) use detect::{is_disclaimer, is_listing_line};
pub use saved::{archive_kind, asset_folder, read_mhtml, Archive, SavedPage};

use crate::error::{Error, Result};
use crate::model::{Document, Format, LineDamage};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// A file passed over, with the reason (reported, not an error).
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// A directory igf-lens wrote: never read as part of a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnDir {
    /// An index (igf-lens's or any tantivy index): binary segment files and igf-lens's JSON.
    Index,
    /// An export folder (`export summary`, `run`): CSV tables and their `manifest.json`.
    Export,
}

/// Files that mark a directory as an index: igf-lens's version file, manifest and lock, and
/// tantivy's `.managed.json` (the list of files it manages, beside `meta.json`).
const INDEX_MARKERS: &[&str] = &[
    "igf-lens.json",
    "igf-lens-manifest.json",
    ".igf-lens-ingest.lock",
    ".managed.json",
];

/// The key that `manifest.json` of an export folder opens with.
const EXPORT_MARKER: &str = "\"igf_lens_version\"";

impl OwnDir {
    /// What `dir` holds, when igf-lens wrote it: an index (one of [`INDEX_MARKERS`] in it) or
    /// an export folder (a `manifest.json` whose
    /// first 4 KiB name `igf_lens_version`).
    pub fn of(dir: &Path) -> Option<OwnDir> {
        if INDEX_MARKERS.iter().any(|m| dir.join(m).is_file()) {
            return Some(OwnDir::Index);
        }
        let head = fs::File::open(dir.join("manifest.json")).and_then(|f| {
            let mut buf = Vec::with_capacity(4096);
            std::io::Read::read_to_end(&mut std::io::Read::take(f, 4096), &mut buf)?;
            Ok(buf)
        });
        match head {
            Ok(b) if memchr::memmem::find(&b, EXPORT_MARKER.as_bytes()).is_some() => {
                Some(OwnDir::Export)
            }
            _ => None,
        }
    }

    /// What the directory is, in a message.
    pub fn describe(self) -> &'static str {
        match self {
            OwnDir::Index => "an igf-lens index",
            OwnDir::Export => "igf-lens's export files (manifest.json and CSV tables)",
        }
    }
}

/// Lists the files under `paths`: files as given, directories walked recursively in sorted
/// order, hidden files and directories (name starting with `.`) skipped inside directories, and
/// so are the directories igf-lens wrote ([`OwnDir`]: indexes and export folders), given or
/// met. Broken symlinks, missing or unreadable paths, special files (FIFOs, sockets, devices),
/// symlinks to a directory that holds them (loops) and given directories with no file in them
/// come back as [`Skipped`] with the reason. A file or directory reached twice otherwise (given
/// twice, or through a symlink) is listed once, silently.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut walk = Walk::default();
    for path in paths {
        walk.visit(path, true, None);
    }
    (walk.files, walk.skipped)
}

/// State of one [`discover`] run.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    skipped: Vec<Skipped>,
    /// Canonical paths already seen, so symlink loops and repeats are visited once.
    seen: HashSet<PathBuf>,
}

impl Walk {
    fn skip(&mut self, path: &Path, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            path: path.to_path_buf(),
            reason: reason.into(),
        });
    }

    /// Visits `path`; `parent` is the canonical path of the directory it was listed in.
    fn visit(&mut self, path: &Path, given: bool, parent: Option<&Path>) {
        let link = match fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) => return self.skip(path, format!("cannot read: {}", io_reason(&e))),
        };
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if link.file_type().is_symlink() => {
                // "its target too many levels of symbolic links" said nothing clear.
                let reason = match e.kind() {
                    std::io::ErrorKind::NotFound => {
                        "broken symlink: its target does not exist".into()
                    }
                    _ => format!("cannot follow the symlink: {}", io_reason(&e)),
                };
                return self.skip(path, reason);
            }
            Err(e) => return self.skip(path, format!("cannot read: {}", io_reason(&e))),
        };
        // An entry that is no symlink is its directory's canonical path and its name: asking
        // the system (one `readlink` per component) made walking a tree of depth d cost d².
        let canonical = match (parent, path.file_name()) {
            (Some(dir), Some(name)) if !link.file_type().is_symlink() => dir.join(name),
            _ => fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        };
        if self.seen.contains(&canonical) {
            if meta.is_dir() && link.file_type().is_symlink() && self.leads_back(path, &canonical) {
                self.skip(
                    path,
                    format!(
                        "symlink loop: it leads back to {}, which is being read; not followed",
                        canonical.display()
                    ),
                );
            }
            return;
        }
        self.seen.insert(canonical.clone());
        if meta.is_file() {
            self.files.push(path.to_path_buf());
        } else if meta.is_dir() {
            if OwnDir::of(path).is_some() {
                return;
            }
            let before = (self.files.len(), self.skipped.len());
            self.walk_dir(path, &canonical);
            if given && before == (self.files.len(), self.skipped.len()) {
                self.skip(
                    path,
                    "no files in this directory (hidden files are not read)",
                );
            }
        } else {
            self.skip(
                path,
                format!(
                    "not a regular file or directory ({}): not read",
                    special_kind(&meta)
                ),
            );
        }
    }

    /// Whether the directory symlink `path`, to the directory `target`, points at one of its own
    /// parents (a loop), rather than at a directory read on another path (a repeat).
    fn leads_back(&self, path: &Path, target: &Path) -> bool {
        path.parent()
            .and_then(|p| fs::canonicalize(p).ok())
            .is_some_and(|parent| parent.starts_with(target))
    }

    fn walk_dir(&mut self, dir: &Path, canonical: &Path) {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => return self.skip(dir, format!("cannot read directory: {}", io_reason(&e))),
        };
        let mut names = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => names.push(entry.file_name()),
                Err(e) => self.skip(dir, format!("cannot list directory: {}", io_reason(&e))),
            }
        }
        names.sort();
        for name in names {
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            self.visit(&dir.join(name), false, Some(canonical));
        }
    }
}

/// What a path that is neither a regular file nor a directory is, in a message.
fn special_kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

/// An I/O error as a short lowercase reason.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "does not exist".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            s.to_lowercase()
        }
    }
}

/// Reads one file, hashes its bytes (hex sha-256), decodes it with [`decode`] and detects its
/// format with [`detect`]. Memory stays near twice the file size: the bytes are moved into the
/// text when they are valid UTF-8.
///
/// Errors: [`Error::Io`] when the file cannot be read, [`Error::InputFile`] when it is empty or
/// binary. NUL bytes in a few lines of text are damage, not binary: they are dropped and the
/// lines listed in [`Document::damage`].
pub fn load(path: &Path) -> Result<Document> {
    let bytes = fs::read(path).map_err(|e| Error::io(path, e))?;
    from_bytes(path, bytes)
}

/// [`load`] for a file's bytes already read (all of them): hashes, decodes and detects. An
/// MHTML file ([`archive_kind`]) gives the HTML page it holds (format HTML, the address it was
/// saved from in a `saved from url` comment, see [`SavedPage::into_html`]); a Safari web archive
/// is an [`Error::InputFile`] saying how to save the page instead.
pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Document> {
    let size = bytes.len() as u64;
    let hash = crate::hash::sha256_hex(&bytes);
    let unusable = |message: String| Error::InputFile {
        path: path.to_path_buf(),
        message,
    };
    let (bytes, archive) = match archive_kind(&bytes, path) {
        None => (bytes, false),
        Some(Archive::Mhtml) => {
            let page = read_mhtml(&bytes).map_err(unusable)?;
            (page.into_html().into_bytes(), true)
        }
        Some(Archive::WebArchive) => {
            return Err(unusable(saved::webarchive_reason().to_string()));
        }
    };
    let decoded = decode::decode_vec(bytes).map_err(unusable)?;
    let format = if archive {
        Format::Html
    } else {
        detect(&decoded.text, path)
    };
    Ok(Document {
        path: path.to_path_buf(),
        text: decoded.text,
        format,
        hash,
        bytes: size,
        damage: decoded
            .nul_lines
            .into_iter()
            .map(|line| LineDamage {
                line,
                what: "NUL bytes dropped (a damaged line; the rest of the file is read)".into(),
            })
            .collect(),
    })
}

/// Builds a [`Document`] from text already in memory (tests, benches, `synth`), detecting the
/// format and hashing the UTF-8 bytes as [`load`] would for a UTF-8 file.
pub fn document_from_text(path: &Path, text: &str) -> Document {
    let hash = crate::hash::sha256_hex(text.as_bytes());
    let normalized = decode(text.as_bytes()).unwrap_or_else(|_| text.to_string());
    let format = detect(&normalized, path);
    Document {
        path: path.to_path_buf(),
        bytes: text.len() as u64,
        text: normalized,
        format,
        hash,
        damage: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discover_walks_sorted_skips_hidden_and_reports_bad_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/sub")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        for f in [
            "b/sub/z.txt",
            "b/a.txt",
            "c.txt",
            ".hidden.txt",
            ".git/x.txt",
        ] {
            fs::write(root.join(f), "x").unwrap();
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("dangling.txt")).unwrap();
        let missing = root.join("missing.txt");
        let (files, skipped) = discover(&[root.to_path_buf(), missing.clone(), root.join("c.txt")]);
        let rel: Vec<String> = files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(rel, ["b/a.txt", "b/sub/z.txt", "c.txt"]);
        let mut reasons: Vec<(String, String)> = skipped
            .iter()
            .map(|s| {
                (
                    s.path.file_name().unwrap().to_string_lossy().into_owned(),
                    s.reason.clone(),
                )
            })
            .collect();
        reasons.sort();
        #[cfg(unix)]
        assert_eq!(
            reasons,
            [
                (
                    "dangling.txt".to_string(),
                    "broken symlink: its target does not exist".to_string()
                ),
                (
                    "missing.txt".to_string(),
                    "cannot read: does not exist".to_string()
                ),
            ]
        );
    }

    #[test]
    fn load_hashes_decodes_and_detects() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.txt");
        fs::write(&path, b">> ANNA:  Hello\r\n\r\n>> BO:  Hi\r\n").unwrap();
        let doc = load(&path).unwrap();
        assert_eq!(doc.text, ">> ANNA:  Hello\n\n>> BO:  Hi\n");
        assert_eq!(doc.format, Format::Transcript);
        assert_eq!(doc.bytes, 31);
        assert_eq!(doc.hash.len(), 64);
        assert_eq!(
            doc.hash,
            crate::hash::sha256_hex(b">> ANNA:  Hello\r\n\r\n>> BO:  Hi\r\n")
        );
    }

    #[test]
    fn load_names_the_file_for_empty_and_binary_input() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.txt");
        fs::write(&empty, b"").unwrap();
        let err = load(&empty).unwrap_err().to_string();
        assert_eq!(err, format!("{}: empty file", empty.display()));
        let bin = dir.path().join("x.bin");
        fs::write(&bin, [0u8, 159, 146, 150, 0, 0, 1, 2, 3, 0, 0, 0]).unwrap();
        let err = load(&bin).unwrap_err().to_string();
        assert_eq!(err, format!("{}: binary file", bin.display()));
    }
}
