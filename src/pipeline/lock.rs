//! The ingest lock: one ingest per index at a time.
//!
//! Input: an index directory. Output: an [`IngestLock`] held for the run, released when dropped
//! or when the process dies (an OS advisory lock on [`LOCK_FILE`], so a file left by a killed
//! process is no obstacle). Readers never take it.

use crate::error::{Error, Result};
use std::fs::File;
use std::path::Path;
use std::time::Duration;

/// Name of the ingest lock file inside the index directory.
pub const LOCK_FILE: &str = ".igf-lens-ingest.lock";

/// The held lock.
pub struct IngestLock {
    _file: File,
}

impl IngestLock {
    /// Takes the lock on `index_dir`, creating the directory. Busy → [`Error::Locked`], or, with
    /// `wait`, waits (saying so once unless `quiet`).
    pub fn acquire(index_dir: &Path, wait: bool, quiet: bool) -> Result<IngestLock> {
        Error::create_dir_all(index_dir)?;
        let path = index_dir.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(IngestLock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if wait => {
                    if !told && !quiet {
                        eprintln!(
                            "igf-lens: waiting for another ingest on {} to finish",
                            index_dir.display()
                        );
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Locked(index_dir.to_path_buf()))
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
    }
}
