//! One file found under a run's inputs: its key (the path as given, as a string), size and
//! modification time. Input: what [`super::sources::discover`] stats. Output: [`SourceFile`],
//! indexed by position in the files found by the plan, the load, the run and the spill. Reads
//! nothing itself.

use std::path::PathBuf;

/// One input file as found on disk. A run holds one per file found, so its path is held once,
/// as its key ([`SourceFile::path`] turns it back into the path).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    /// The path as given, as a string (relative paths stay relative; used in citations): the
    /// file's key in the manifest and the index.
    pub key: String,
    pub size: u64,
    pub mtime_ns: u128,
}

impl SourceFile {
    /// The file's path, made again from its key ([`crate::disk::key_path`]).
    pub fn path(&self) -> PathBuf {
        crate::disk::key_path(&self.key)
    }
}
