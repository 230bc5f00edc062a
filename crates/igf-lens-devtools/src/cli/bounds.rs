//! The bounds of the numeric flags of `synth` and `bench`, so that no value makes them run
//! for ever or overflow: `-j` (as `igf-lens ingest -j`) and `--mb`.

/// Most threads of `-j` (as `igf-lens ingest -j`): a pool of 100,000 threads never finished
/// starting.
pub const MAX_THREADS: usize = 64;

/// Largest `--mb` (10 TB): `--mb` times 1,000,000 must fit the byte count, and the free-space
/// check refuses anything the disk cannot hold well before this.
pub const MAX_MB: u64 = 10_000_000;

/// Parses a thread count of `-j`: `min` (0 for "all cores", or 1) to [`MAX_THREADS`].
pub fn thread_count(s: &str, min: usize) -> Result<usize, String> {
    match s.trim().parse::<u128>() {
        Ok(n) if n >= min as u128 && n <= MAX_THREADS as u128 => Ok(n as usize),
        _ => Err(format!(
            "a thread count is a whole number from {min} to {MAX_THREADS}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_outside_the_bounds_are_refused() {
        assert_eq!(thread_count("0", 0), Ok(0));
        assert_eq!(thread_count("64", 1), Ok(64));
        assert!(thread_count("0", 1).is_err());
        assert!(thread_count("65", 0).is_err());
        assert!(thread_count("18446744073709551616", 0).is_err());
    }
}
