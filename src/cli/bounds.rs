//! The bounds of numeric flags, so that no value makes igf-lens panic, abort or grow without
//! limit: each parser refuses a value outside its bound with a message naming the bound (clap
//! prints it with the flag and the value and exits with code 2).

/// Most characters of context on each side of a `kwic` line.
pub const MAX_WIDTH: usize = 1000;
/// Most worker threads of an ingest (`-j`).
pub const MAX_THREADS: usize = 64;
/// Largest total writer memory budget, in MB (`--memory`).
pub const MAX_MEMORY_MB: usize = 1 << 20;
/// Most writer memory per thread, in MB (tantivy's limit is just under 4 GiB).
pub const MAX_MEMORY_MB_PER_THREAD: usize = 4095;
/// Most gradient steps per fit of `train --steps` (3,000 took 40 s on a 357-passage gold set;
/// 18446744073709551615 ran for ever).
pub const MAX_STEPS: usize = 10_000;
/// Most penalties in `train --l2` (each adds a cross-validation of every head).
pub const MAX_PENALTIES: usize = 20;
/// Most words in a `--fuzzy` query (each word expands to every indexed word one typo away).
pub const MAX_FUZZY_WORDS: usize = 64;

/// Parses a number between `min` and `max`, naming the bound when it is outside.
fn bounded(s: &str, min: usize, max: usize, what: &str) -> Result<usize, String> {
    match s.trim().parse::<u128>() {
        Ok(n) if n >= min as u128 && n <= max as u128 => Ok(n as usize),
        Ok(_) => Err(format!("{what} is {min} to {max}")),
        Err(_) => Err(format!("not a whole number ({what} is {min} to {max})")),
    }
}

/// `kwic --width`: 1 to [`MAX_WIDTH`].
pub fn width(s: &str) -> Result<usize, String> {
    bounded(s, 1, MAX_WIDTH, "the context width")
}

/// `-j/--threads`: 0 (the machine's cores) to [`MAX_THREADS`].
pub fn threads(s: &str) -> Result<usize, String> {
    bounded(
        s,
        0,
        MAX_THREADS,
        "the thread count (0: the machine's cores)",
    )
}

/// `--memory`: 0 (64 MB per thread) to [`MAX_MEMORY_MB`].
pub fn memory(s: &str) -> Result<usize, String> {
    bounded(
        s,
        0,
        MAX_MEMORY_MB,
        "the memory budget in MB (0: 64 MB per thread)",
    )
}

/// `train --steps`: 1 to [`MAX_STEPS`].
pub fn steps(s: &str) -> Result<usize, String> {
    bounded(s, 1, MAX_STEPS, "the gradient steps per fit")
}

/// A count of results or lines (`-n`, `--offset`): any whole number; values beyond what an
/// index can hold are the same as "all", so they are clamped to `u32::MAX` (an index holds
/// fewer passages).
pub fn count(s: &str) -> Result<usize, String> {
    match s.trim().parse::<u128>() {
        Ok(n) => Ok(n.min(u128::from(u32::MAX)) as usize),
        Err(_) => Err("not a whole number".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_refuse_and_clamp() {
        assert_eq!(width("40"), Ok(40));
        assert!(width("0").is_err());
        assert!(width("18446744073709551614").unwrap_err().contains("1000"));
        assert_eq!(threads("0"), Ok(0));
        assert!(threads("18446744073709551615").is_err());
        assert!(memory("99999999999999999999").is_err());
        assert_eq!(steps("300"), Ok(300));
        assert!(steps("0").is_err());
        assert!(steps("18446744073709551615").unwrap_err().contains("10000"));
        assert_eq!(count("1152921504606846976"), Ok(u32::MAX as usize));
        assert!(count("-1").is_err());
    }
}
