//! HTML → text, then the page and transcript parsers on the result.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(html) = std::str::from_utf8(data) {
        let text = igf_lens::parse::html_to_text(html);
        let _ = igf_lens::parse::parse_transcript(&text, Path::new("x.html"));
        let _ = igf_lens::parse::parse_session_page(&text, Path::new("x.html"));
    }
});
