//! The whole read → parse path on arbitrary bytes: decode, detect, dispatch to a parser.
#![no_main]

use igf_lens::model::Document;
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = igf_lens::read::decode(data) else {
        return;
    };
    let path = PathBuf::from("fuzz-input.txt");
    let format = igf_lens::read::detect(&text, &path);
    let doc = Document {
        path,
        text,
        format,
        hash: String::new(),
        bytes: data.len() as u64,
        damage: Vec::new(),
    };
    let _ = igf_lens::parse::parse_document(&doc);
});
