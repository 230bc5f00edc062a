//! Room on the disk: a corpus (and the bench's indexes) is written only when the file system
//! that will hold it has the space, so `--mb 100000` is refused with the figures instead of
//! filling the disk.
//!
//! Input: a directory (existing or to be created) and the bytes to be written there. Output:
//! `Ok`, or an error saying what is needed, what is free and what to do. Where the free space
//! cannot be told (not Linux, a file system that does not say), nothing is refused.

use igf_lens::error::{Error, Result};
use std::path::Path;

/// Space left free beyond what is written, so the disk is never filled to the last byte.
pub const RESERVE: u64 = 256_000_000;

/// Bytes free for this user on the file system holding `dir`, or its nearest existing parent.
pub fn free_bytes(dir: &Path) -> Option<u64> {
    let at = dir
        .ancestors()
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .find(|a| a.exists())?;
    free_at(at)
}

#[cfg(target_os = "linux")]
fn free_at(at: &Path) -> Option<u64> {
    let s = nix::sys::statvfs::statvfs(at).ok()?;
    // The field types are u64 on 64-bit Linux and narrower elsewhere.
    #[allow(clippy::useless_conversion)]
    let (blocks, size) = (
        u64::from(s.blocks_available()),
        u64::from(s.fragment_size()),
    );
    Some(blocks.saturating_mul(size))
}

#[cfg(not(target_os = "linux"))]
fn free_at(_at: &Path) -> Option<u64> {
    None
}

/// Refuses to write `need` more bytes of `what` into `dir` when its file system has less than
/// that and [`RESERVE`] free; `fix` says which flag makes it smaller.
pub fn check_room(dir: &Path, need: u64, what: &str, fix: &str) -> Result<()> {
    match free_bytes(dir) {
        Some(free) if need.saturating_add(RESERVE) > free => Err(Error::Other(format!(
            "{what} needs about {} MB, and the file system holding {} has {} MB free (keeping \
             {} MB spare): {fix}, or free space there",
            need.div_ceil(1_000_000),
            dir.display(),
            free / 1_000_000,
            RESERVE / 1_000_000
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_the_disk_holds_is_refused_with_the_figures() {
        let dir = std::env::temp_dir();
        let Some(free) = free_bytes(&dir) else {
            return;
        };
        assert!(check_room(&dir, 1, "a corpus", "lower --mb").is_ok());
        let err = check_room(&dir.join("not/yet"), free, "a corpus", "lower --mb")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!(
                "a corpus needs about {} MB",
                free.div_ceil(1_000_000)
            )),
            "{err}"
        );
        assert!(err.ends_with("lower --mb, or free space there"), "{err}");
    }
}
