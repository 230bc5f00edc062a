//! Reading inputs: discover files under the paths given, decode bytes to text, detect the
//! format from the content. Output: [`Document`]s. Parsing is not done here.

use crate::error::{Error, Result};
use crate::model::{Document, Format};
use std::path::{Path, PathBuf};

/// A file passed over, with the reason (reported, not an error).
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// Lists the files under `paths` (files as given, directories recursively, sorted), skipping
/// hidden files. Paths that cannot be read are returned as skipped with the reason.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Skipped>) {
    let _ = paths;
    (Vec::new(), Vec::new())
}

/// Reads and decodes one file and detects its format.
pub fn load(path: &Path) -> Result<Document> {
    Err(Error::InputFile {
        path: path.to_path_buf(),
        message: "not implemented".into(),
    })
}

/// Detects the format of decoded text (the path's extension is only a tie-breaker).
pub fn detect(text: &str, path: &Path) -> Format {
    let _ = (text, path);
    Format::Unknown
}
