//! Format detection on arbitrary text, with a file name taken from the first bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let (name, body) = data.split_at(data.len().min(8));
    let name = String::from_utf8_lossy(name).replace(['/', '\0'], "_");
    let text = String::from_utf8_lossy(body);
    let _ = igf_lens::read::detect(&text, Path::new(&name));
});
