//! Bytes → text: must never panic, and decoded text never holds a carriage return.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = igf_lens::read::decode(data) {
        assert!(!text.contains('\r'));
    }
});
