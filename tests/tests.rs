//! Integration tests: one binary, a module per command or concern (as ripgrep does).

mod util;
