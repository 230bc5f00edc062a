//! `igf-lens synth` and `igf-lens bench` run the `igf-lens-devtools` binary built beside
//! `igf-lens` (its own tests are in `crates/igf-lens-devtools/tests`): arguments, output and
//! exit code pass through.

use crate::util::{igf_lens, run_expect, stdout, tempdir};

#[test]
fn synth_runs_the_devtools_binary_with_its_arguments() {
    let tmp = tempdir();
    run_expect(
        igf_lens()
            .args([
                "-q",
                "synth",
                "--standard",
                "--sessions",
                "2",
                "--seed",
                "5",
                "--out",
            ])
            .arg(tmp.path()),
        0,
    );
    let mut names: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "2019-ws-1.page.txt",
            "2019-ws-1.raw.txt",
            "2020-ws-2.page.txt",
            "2020-ws-2.raw.txt"
        ]
    );
}

#[test]
fn bench_help_and_errors_come_from_the_devtools_binary() {
    let help = run_expect(igf_lens().args(["bench", "--help"]), 0);
    assert!(
        stdout(&help).contains("--threads <LIST>"),
        "{}",
        stdout(&help)
    );
    // A bad flag is the tool's usage error (clap's exit code 2).
    let bad = run_expect(igf_lens().args(["synth", "--no-such-flag"]), 2);
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--no-such-flag"), "{err}");
}
