//! Integration tests: one binary, a module per command or concern (as ripgrep does).

mod bad_input;
mod export;
mod ingest;
mod parse;
mod search;
mod synth;
mod tagging;
mod util;
mod verify;
