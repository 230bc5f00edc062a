//! Integration tests: one binary, a module per command or concern (as ripgrep does).

mod util;
mod ingest;
mod synth;
mod parse;
mod search;
mod export;
