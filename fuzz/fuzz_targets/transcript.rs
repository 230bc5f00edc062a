//! Raw captioning transcripts (`>> NAME:` turns). Any text must parse or fail with an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = igf_lens::parse::parse_transcript(text, Path::new("x.raw.txt"));
    }
});
