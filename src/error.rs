//! Typed errors of the library. Errors caused by the user's input (a file, a flag value, a
//! query) are kept apart from internal faults, and each carries what is needed to fix it: the
//! path, the line, the value, what is allowed.

use std::io::Read as _;
use std::path::PathBuf;

/// Most bytes read from one text input read whole: a taxonomy, a CSV file, a model, a file or
/// the standard input of `tag` (transcripts are read by ingest with their own checks).
pub const MAX_TEXT_FILE: u64 = 512 << 20;

/// Result alias used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in igf-lens.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad content in an input file (taxonomy, registry, transcript, gold set, …).
    #[error("{path}:{line}: {message}")]
    InputLine {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A whole input file that cannot be used.
    #[error("{path}: {message}")]
    InputFile { path: PathBuf, message: String },
    /// A flag or argument value that is not allowed.
    #[error("invalid value {value:?} for {what}: valid values are {valid}")]
    InvalidValue {
        what: String,
        value: String,
        valid: String,
    },
    /// Flags that cannot work together; the message says what to use instead.
    #[error("{0}")]
    Usage(String),
    /// `--unit time` on sessions without caption timings.
    #[error("--unit time needs caption timings (start_ms/end_ms), and {} of {total} sessions lack them: {}; use --unit passages or words, or restrict to timed sessions with --session", missing.len(), missing.join(", "))]
    MissingTimings { missing: Vec<String>, total: usize },
    /// A search query that does not parse.
    #[error("{0}")]
    Query(String),
    /// No index where one was expected; the hint fits what is there ([`Error::no_index`]).
    #[error("no index at {path}: {hint}")]
    NoIndex { path: PathBuf, hint: String },
    /// An index written by an incompatible igf-lens version.
    /// The hint names the paths the index was made from ([`crate::rerun::ingest_hint`]).
    #[error("the index at {path} was written by schema version {found}, this igf-lens reads version {expected}: run {}", rebuild_hint(path))]
    IndexVersion {
        path: PathBuf,
        found: String,
        expected: String,
    },
    /// Another ingest holds the index's writer lock.
    #[error("the index at {0} is locked: another ingest is running on it; try again when it has finished, or pass --wait")]
    Locked(PathBuf),
    /// The index is damaged.
    /// The hint names the paths the index was made from, as for [`Error::IndexVersion`].
    #[error("the index at {path} is damaged: {message}. Run `igf-lens verify --index {path}` for details, then {}", rebuild_hint(path))]
    Corrupt { path: PathBuf, message: String },
    /// An I/O error on a named path.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A fault inside the search engine.
    #[error("index error: {0}")]
    Index(String),
    /// Anything else (internal).
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// [`Error::NoIndex`] for `dir`, with a command that works for what is there: nothing (or
    /// an empty directory) is where an ingest can make the index; a file, or a directory of
    /// other files (transcripts, say), is not, and `--index` names the directory an ingest made.
    pub fn no_index(dir: &std::path::Path) -> Error {
        let shown = dir.display();
        let hint = match std::fs::metadata(dir) {
            Ok(m) if !m.is_dir() => "it is a file, and --index takes a directory: make an index \
                 with `igf-lens ingest DATA_DIR --index DIR` (DATA_DIR: the directory of \
                 transcripts) and pass that DIR"
                .to_string(),
            Ok(_) if std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some()) => format!(
                "it is a directory without one; to index the transcripts in it, run `igf-lens \
                 ingest {shown} --index DIR` and pass that DIR to --index"
            ),
            _ => format!(
                "make one with `igf-lens ingest DATA_DIR --index {shown}` (DATA_DIR: the \
                 directory of transcripts), or pass an existing index to --index"
            ),
        };
        Error::NoIndex {
            path: dir.to_path_buf(),
            hint,
        }
    }

    /// Creates `dir` and its parents. When a file stands where a directory is needed, says
    /// which one (instead of the bare "File exists" of the operating system).
    pub fn create_dir_all(dir: &std::path::Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| {
            let blocker = dir
                .ancestors()
                .find(|a| !a.as_os_str().is_empty() && a.exists())
                .filter(|a| !a.is_dir());
            match blocker {
                Some(file) => Error::Other(format!(
                    "cannot create the directory {}: {} is a file, not a directory; choose \
                     another path",
                    dir.display(),
                    file.display()
                )),
                None => Error::io(dir, e),
            }
        })
    }

    /// Reads the file `path` as UTF-8 text (a taxonomy, a CSV file, a model). An I/O failure is
    /// an [`Error::Io`]; bytes that are not UTF-8 an [`Error::InputLine`] (see [`Error::utf8`]);
    /// a file larger than [`MAX_TEXT_FILE`] an [`Error::InputFile`] ([`Error::read_limited`]).
    pub fn read_utf8(path: &std::path::Path) -> Result<String> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let bytes = Error::read_limited(file, path)?;
        Error::utf8(path, bytes)
    }

    /// Reads all of `input` (the file or stream `path` names), refusing more than
    /// [`MAX_TEXT_FILE`] bytes: a device such as `/dev/zero`, or a file that is not the text
    /// asked for, would otherwise be read until memory runs out.
    pub fn read_limited(input: impl std::io::Read, path: &std::path::Path) -> Result<Vec<u8>> {
        let mut bytes = Vec::new();
        input
            .take(MAX_TEXT_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
        if bytes.len() as u64 > MAX_TEXT_FILE {
            return Err(Error::InputFile {
                path: path.to_path_buf(),
                message: format!(
                    "more than {} MB (or a device that never ends, such as /dev/zero): igf-lens \
                     reads text inputs of up to {} MB; give the right file, or split it",
                    MAX_TEXT_FILE >> 20,
                    MAX_TEXT_FILE >> 20
                ),
            });
        }
        Ok(bytes)
    }

    /// `bytes`, read from `path`, as text; when they are not UTF-8, an error naming the line and
    /// column of the first byte that is not, with the fix.
    pub fn utf8(path: &std::path::Path, bytes: Vec<u8>) -> Result<String> {
        String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line_start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let line = 1 + bytes[..line_start].iter().filter(|&&b| b == b'\n').count();
            let column = String::from_utf8_lossy(&bytes[line_start..at])
                .chars()
                .count()
                + 1;
            Error::InputLine {
                path: path.to_path_buf(),
                line,
                message: format!(
                    "byte 0x{:02X} at column {column} is not UTF-8: save the file as UTF-8 text",
                    bytes[at]
                ),
            }
        })
    }

    /// The reason alone, for a list of problems that already names the file or the index: an
    /// [`Error::InputFile`] without its path, an [`Error::Corrupt`] without the advice on how to
    /// rebuild; any other error as displayed.
    pub fn detail(&self) -> String {
        match self {
            Error::InputFile { message, .. } | Error::Corrupt { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// The process exit code for this error (ripgrep's convention, 75 for a locked index).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Locked(_) => 75,
            _ => 2,
        }
    }
}

/// The command that rebuilds the index at `dir` from the paths its manifest records (read when
/// the error is shown).
fn rebuild_hint(dir: &std::path::Path) -> String {
    crate::rerun::ingest_hint(dir, Some("--rebuild"))
}

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Index(e.to_string())
    }
}

/// An error and its causes joined with `: ` (as anyhow's `{:#}` does), leaving out a cause whose
/// text already ends the message: [`Error::Io`] shows its I/O error and also returns it as its
/// source, which would print it twice.
pub fn chain_message(err: &(dyn std::error::Error + 'static)) -> String {
    let mut message = err.to_string();
    let mut cause = err.source();
    while let Some(e) = cause {
        let text = e.to_string();
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = e.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_names_the_line_and_column_of_the_first_bad_byte() {
        let path = std::path::Path::new("codes.csv");
        assert_eq!(
            Error::utf8(path, "a\nbé".into()).unwrap(),
            "a\nbé".to_string()
        );
        let err = Error::utf8(path, b"key\n\xc3\xa9t\xe9,x\n".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "codes.csv:2: byte 0xE9 at column 3 is not UTF-8: save the file as UTF-8 text"
        );
    }

    #[test]
    fn chain_message_prints_an_io_error_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let err = Error::io("themes.toml", io);
        assert_eq!(chain_message(&err), "themes.toml: no such file");
        let wrapped = anyhow::Error::new(err).context("cannot load the taxonomy");
        assert_eq!(
            chain_message(wrapped.as_ref()),
            "cannot load the taxonomy: themes.toml: no such file"
        );
    }
}
