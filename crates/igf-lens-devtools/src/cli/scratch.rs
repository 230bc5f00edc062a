//! The scratch directory of a bench run (its corpus and indexes, gigabytes at `--mb 1000`):
//! `igf-lens-bench-PID` in the system's temporary directory, with `igf-lens-bench-PID.lock`
//! beside it, locked for the run (an OS advisory lock, released when the process dies however
//! it dies). A run removes both when it ends; a run that is killed (Ctrl-C, the OOM killer)
//! cannot, so every run first removes the directories whose lock nobody holds: those of benches
//! that are gone.
//!
//! Input: the temporary directory. Output: a [`Scratch`] (the path to write in, removed on drop)
//! and the directories swept.

use anyhow::Context;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

const PREFIX: &str = "igf-lens-bench-";

/// A bench run's scratch directory, held (locked) until dropped, then removed.
pub struct Scratch {
    dir: PathBuf,
    lock_path: PathBuf,
    _lock: File,
}

impl Scratch {
    /// Removes what killed benches left in `tmp`, then makes this process's directory there.
    /// Returns it with the directories removed.
    pub fn create(tmp: &Path) -> anyhow::Result<(Scratch, Vec<PathBuf>)> {
        let swept = sweep(tmp);
        let name = format!("{PREFIX}{}", std::process::id());
        let lock_path = tmp.join(format!("{name}.lock"));
        let lock = hold(&lock_path)?;
        let dir = tmp.join(name);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let scratch = Scratch {
            dir,
            lock_path,
            _lock: lock,
        };
        Ok((scratch, swept))
    }

    /// The directory to write in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        let _ = std::fs::remove_file(&self.lock_path);
    }
}

/// Creates and locks `path`. A sweep by another bench may hold it for an instant (it found the
/// file before this process locked it): waited for, up to a second.
fn hold(path: &Path) -> anyhow::Result<File> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    for _ in 0..20 {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(50)),
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
    anyhow::bail!(
        "{} is locked by another process: is another bench running with this process id?",
        path.display()
    )
}

/// Removes every `igf-lens-bench-*` directory of `tmp` whose lock file nobody holds, with the
/// lock file; returns the directories removed. Directories without a lock file (of benches older
/// than the lock, or of `--keep`) are left alone.
fn sweep(tmp: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return Vec::new();
    };
    let mut swept = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(stem) = name
            .to_str()
            .and_then(|n| n.strip_suffix(".lock"))
            .filter(|s| s.starts_with(PREFIX))
        else {
            continue;
        };
        let lock_path = entry.path();
        let Ok(file) = OpenOptions::new().write(true).open(&lock_path) else {
            continue;
        };
        if file.try_lock().is_err() {
            continue;
        }
        let dir = tmp.join(stem);
        if dir.is_dir() && std::fs::remove_dir_all(&dir).is_ok() {
            swept.push(dir);
        }
        let _ = std::fs::remove_file(&lock_path);
    }
    swept.sort();
    swept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leave(tmp: &Path, pid: u32) -> PathBuf {
        let dir = tmp.join(format!("{PREFIX}{pid}"));
        std::fs::create_dir_all(dir.join("corpus")).unwrap();
        std::fs::write(dir.join("corpus/a.txt"), "x").unwrap();
        std::fs::write(tmp.join(format!("{PREFIX}{pid}.lock")), "").unwrap();
        dir
    }

    #[test]
    fn a_run_removes_what_dead_benches_left_and_keeps_what_live_ones_hold() {
        let tmp = tempfile::tempdir().unwrap();
        let dead = leave(tmp.path(), 4_000_000_001);
        let live = leave(tmp.path(), 4_000_000_002);
        let held = hold(&tmp.path().join(format!("{PREFIX}4000000002.lock"))).unwrap();
        let unlocked_kind = tmp.path().join(format!("{PREFIX}4000000003"));
        std::fs::create_dir_all(&unlocked_kind).unwrap();

        let (scratch, swept) = Scratch::create(tmp.path()).unwrap();
        assert_eq!(swept, vec![dead.clone()]);
        assert!(!dead.exists());
        assert!(!tmp.path().join(format!("{PREFIX}4000000001.lock")).exists());
        assert!(live.join("corpus/a.txt").exists());
        assert!(
            unlocked_kind.exists(),
            "a directory without a lock file is left alone"
        );
        let mine = scratch.dir().to_path_buf();
        assert!(mine.is_dir());

        // While this run holds its lock, another run's sweep leaves its directory alone.
        assert_eq!(sweep(tmp.path()), Vec::<PathBuf>::new());
        assert!(mine.is_dir());
        drop(scratch);
        assert!(!mine.exists());
        drop(held);
        assert_eq!(sweep(tmp.path()), vec![live]);
    }
}
