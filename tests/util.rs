//! Helpers for the integration tests: run the built binary, make temp dirs, compare output.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (where `data/` lives).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `Command` for the built `igf-lens` binary, run from the repository root, with no colour.
pub fn igf_lens() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_igf-lens"));
    cmd.current_dir(repo());
    cmd.env("NO_COLOR", "1");
    cmd
}

/// Runs a command and returns its output, panicking with stdout/stderr shown when the exit code
/// is not `want`.
pub fn run_expect(cmd: &mut Command, want: i32) -> Output {
    let out = cmd.output().expect("spawn igf-lens");
    let code = out.status.code().unwrap_or(-1);
    if code != want {
        panic!(
            "{:?} exited {code}, wanted {want}\n--- stdout\n{}\n--- stderr\n{}",
            cmd,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// Runs `igf-lens ingest -q --index INDEX INPUT` and checks its exit code.
pub fn ingest_quiet(index: &Path, input: &Path, want: i32) -> Output {
    run_expect(
        igf_lens()
            .args(["ingest", "-q", "--index"])
            .arg(index)
            .arg(input),
        want,
    )
}

/// Stdout as a string.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr as a string.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Copies the files of the directory `from` (not its subdirectories) into `to`, made when
/// missing.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

/// Path of a fixture under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Reads a CSV file into header + rows.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = rdr
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let rows = rdr
        .records()
        .map(|r| r.expect("row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Index of a column by name.
pub fn col(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}
