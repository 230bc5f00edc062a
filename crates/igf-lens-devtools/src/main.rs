//! The `igf-lens-devtools` command (`synth`, `bench`): parses arguments, runs, maps errors to
//! exit codes as `igf-lens` does.

use clap::Parser;
use std::io::Write;

/// The allocator of `igf-lens` too, so the bench measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = igf_lens_devtools::cli::Cli::parse();
    let code = match igf_lens_devtools::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let message = igf_lens::error::chain_message(err.as_ref());
            let _ = writeln!(std::io::stderr(), "igf-lens: {message}");
            err.chain()
                .find_map(|e| e.downcast_ref::<igf_lens::Error>())
                .map_or(2, igf_lens::Error::exit_code)
        }
    };
    std::process::exit(code);
}
