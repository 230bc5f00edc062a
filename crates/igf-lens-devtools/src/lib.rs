//! # igf-lens-devtools
//!
//! The tools that measure igf-lens rather than use it, kept out of its core:
//!
//! - [`synth`]: a deterministic synthetic corpus (session pages and raw transcripts in the
//!   layout of `data/sessions`), for benchmarks and scale tests;
//! - [`bench`](mod@bench): whole-tool throughput against a tantivy-only baseline and against
//!   tantivy-cli (the peer), each phase in a process of its own, with CPU time and peak memory
//!   from `/proc`; the committed history of runs, its regression check and its chart;
//! - [`cli`]: the `synth` and `bench` subcommands of the `igf-lens-devtools` binary, which
//!   `igf-lens synth` and `igf-lens bench` run.
//!
//! This crate uses igf-lens only through its public API (the pipeline, the index, the
//! parsers); nothing in igf-lens depends on it except its tests and criterion benches.

pub mod bench;
pub mod cli;
pub mod synth;
