//! Integration tests: one binary, a module per command or concern (as ripgrep does).

mod export;
mod ingest;
mod parse;
mod search;
mod synth;
mod util;
mod tagging;
