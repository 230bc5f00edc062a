//! The `igf-lens` command: parses arguments, calls the library, maps errors to exit codes.

use clap::Parser;
use std::io::IsTerminal;
use std::io::Write;

/// mimalloc instead of the system allocator: an ingest makes and frees many small strings per
/// passage on every thread, which glibc's malloc serves markedly slower (see the README's
/// Performance section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = igf_lens::cli::Cli::try_parse().unwrap_or_else(|e| std::process::exit(usage(e)));
    let code = match igf_lens::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                0
            } else {
                let message = igf_lens::error::chain_message(err.as_ref());
                let message = igf_lens::export::for_terminal(&message);
                let _ = writeln!(std::io::stderr(), "igf-lens: {message}");
                err.chain()
                    .find_map(|e| e.downcast_ref::<igf_lens::Error>())
                    .map_or(2, igf_lens::Error::exit_code)
            }
        }
    };
    std::process::exit(code);
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints a command-line error as igf-lens prints its other errors (`igf-lens: …`, exit 2);
/// `--help` and `--version` print as clap renders them, exit 0.
fn usage(e: clap::Error) -> i32 {
    if !e.use_stderr() {
        let _ = e.print();
        return 0;
    }
    let styled = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let text = if styled {
        e.render().ansi().to_string()
    } else {
        e.render().to_string()
    };
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    let _ = write!(std::io::stderr(), "igf-lens: {text}");
    2
}
