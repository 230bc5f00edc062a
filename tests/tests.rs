//! Integration tests: one binary, a module per command or concern (as ripgrep does).

mod bad_input;
mod compare;
mod corrections;
mod devtools;
mod export;
mod hardening;
mod index_hardening;
mod ingest;
mod parse;
mod qda;
mod readme;
mod saved_pages;
mod search;
mod structures;
mod tagging;
mod util;
mod verify;
